from django.apps import AppConfig


class CiResultsConfig(AppConfig):
    name = "ci_results"
    verbose_name = "CI results"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # threads cannot import ci_results: it announces new crash text through its seam.
        from ci_results.tasks import crash_texts_enqueue
        from threads.seams import register_crash_text_handler

        register_crash_text_handler(crash_texts_enqueue)
