"""Beat's schedule names tasks that exist (a typo there fails silently at run time)."""

from django.conf import settings


def test_every_beat_entry_names_a_registered_task():
    from dashboard.celery import app

    app.loader.import_default_modules()
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert names - set(app.tasks) == set()
    # The drain that parses logs whose wakeup was lost (a broker restart) runs every minute.
    assert settings.CELERY_BEAT_SCHEDULE["parse-new-logs"] == {
        "task": "ci_results.tasks.parse_new_logs", "schedule": 60.0}
