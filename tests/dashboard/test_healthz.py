import pytest


@pytest.mark.django_db
def test_it_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True


@pytest.mark.django_db
def test_it_returns_503_when_the_broker_is_down(client, settings):
    # Nothing listens on port 9 (discard) of loopback: the broker check must fail.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False


@pytest.mark.django_db
def test_it_counts_the_logs_waiting_for_the_parser(client, settings, tmp_path):
    from ci_results.models import Origin, Run
    from ci_results.services import newlogs
    from ci_results.services.runs import runs_record
    from tests.ci_results.helpers_runs import crash_log, run_payload

    settings.CONSOLE_LOG_DIR = tmp_path / "logs"
    assert client.get("/healthz").json()["parsing"] == {
        "logs_waiting": 0, "oldest_waiting_since": None}
    # Stored in this test's transaction, never committed: no parse came after.
    runs_record(origin=Origin.objects.create(name="kdevops"), payloads=[
        run_payload(run_id="a", console_log=crash_log()), run_payload(run_id="b")])
    received = Run.objects.get(run_id="a").received_at
    assert client.get("/healthz").json()["parsing"] == {
        "logs_waiting": 1, "oldest_waiting_since": received.isoformat()}  # "b" has no log
    newlogs.newlogs_parse()
    assert client.get("/healthz").json()["parsing"]["logs_waiting"] == 0
