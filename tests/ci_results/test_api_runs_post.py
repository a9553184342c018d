"""POST /api/v1/runs through the real HTTP stack (live_server): results and every error."""

from __future__ import annotations

import gzip
import json

import pytest
import requests

from ci_results.models import CrashReport, Kernel, ParseWakeup, Rollup, Run
from tests.ci_results.helpers_runs import crash_log, run_payload

pytestmark = pytest.mark.django_db(transaction=True)


def post(live_server, secret: str | None, body, content_type="application/json", **kw):
    headers = {"Content-Type": content_type}
    if secret is not None:
        headers["Authorization"] = f"Bearer {secret}"
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return requests.post(f"{live_server.url}/api/v1/runs", data=data, headers=headers,
                         timeout=30, **kw)


def db_state() -> tuple:
    return (Run.objects.count(), Kernel.objects.count(),
            sorted(Rollup.objects.values_list("runs", flat=True)))


def test_it_creates_a_run_then_answers_unchanged_then_conflict(live_server, ci_token, log_dir):
    _, secret = ci_token
    first = post(live_server, secret, run_payload())
    assert first.status_code == 201, first.text
    assert first.json()["results"][0]["status"] == "created"
    again = post(live_server, secret, run_payload())
    assert again.status_code == 200
    assert again.json()["results"][0] == {**first.json()["results"][0], "status": "unchanged"}
    before = db_state()
    other = post(live_server, secret, run_payload(outcome="crash"))
    assert other.status_code == 409
    assert other.json()["results"][0]["status"] == "conflict"
    assert db_state() == before
    assert Run.objects.get().outcome == "pass"


def test_it_stores_a_batch_all_or_nothing(live_server, ci_token, log_dir):
    _, secret = ci_token
    assert post(live_server, secret, run_payload(run_id="a")).status_code == 201
    batch = {"runs": [run_payload(run_id="b"), run_payload(run_id="a", outcome="hang"),
                      run_payload(run_id="c")]}
    response = post(live_server, secret, batch)
    assert response.status_code == 409
    assert [r["status"] for r in response.json()["results"]] == ["rejected", "conflict",
                                                                 "rejected"]
    assert sorted(Run.objects.values_list("run_id", flat=True)) == ["a"]
    ok = post(live_server, secret, {"runs": [run_payload(run_id="a"), run_payload(run_id="b")]})
    assert ok.status_code == 201
    assert [r["status"] for r in ok.json()["results"]] == ["unchanged", "created"]
    assert Rollup.objects.get().runs == 2


def test_it_refuses_malformed_json_with_400(live_server, ci_token, log_dir):
    _, secret = ci_token
    for body in (b'{"run_id": ', b"\xff\xfe", b'{"duration_s": NaN}'):
        response = post(live_server, secret, body)
        assert response.status_code == 400, body
        assert "malformed JSON" in response.json()["detail"]
    assert db_state() == (0, 0, [])


def test_it_names_every_field_at_fault_with_422(live_server, ci_token, log_dir):
    _, secret = ci_token
    bad = run_payload(outcome="exploded", started_at="yesterday", iterations=-1,
                      host="a\x00b")
    bad["kernel"] = {"tree": "mainline"}
    bad["config"]["params"] = ["not", "an", "object"]
    response = post(live_server, secret, bad)
    assert response.status_code == 422
    locs = {tuple(e["loc"]) for e in response.json()["detail"]}
    assert locs == {("body", "outcome"), ("body", "started_at"), ("body", "iterations"),
                    ("body", "host"), ("body", "kernel", "version"),
                    ("body", "config", "params")}
    batch = post(live_server, secret, {"runs": [run_payload(), run_payload(outcome=None)]})
    assert batch.status_code == 422
    assert [e["loc"] for e in batch.json()["detail"]] == [["body", "runs", 1, "outcome"]]
    assert post(live_server, secret, [1, 2]).status_code == 422
    assert db_state() == (0, 0, [])


def test_it_answers_401_without_a_valid_token(live_server, ci_token, log_dir):
    assert post(live_server, None, run_payload()).status_code == 401
    assert post(live_server, "kbd_not-a-token", run_payload()).status_code == 401
    response = requests.post(f"{live_server.url}/api/v1/runs", json=run_payload(),
                             headers={"Authorization": "Basic dXNlcjpwYXNz"}, timeout=30)
    assert response.status_code == 401
    assert db_state() == (0, 0, [])


def test_it_answers_403_for_a_revoked_token_or_another_origin(live_server, ci_token, log_dir):
    from ci_results.services.tokens import token_revoke

    token, secret = ci_token
    mismatch = post(live_server, secret, run_payload(origin="someone-else"))
    assert mismatch.status_code == 403
    assert "origin" in mismatch.json()["detail"]
    assert post(live_server, secret, run_payload(origin="kdevops")).status_code == 201
    token_revoke(prefix=token.prefix)
    revoked = post(live_server, secret, run_payload(run_id="later"))
    assert revoked.status_code == 403
    assert Run.objects.count() == 1


def test_it_answers_413_for_a_body_too_large(live_server, ci_token, log_dir, settings):
    _, secret = ci_token
    settings.API_MAX_BODY_BYTES = 2000
    response = post(live_server, secret, run_payload(console_log="x" * 5000))
    assert response.status_code == 413
    assert db_state() == (0, 0, [])


def test_it_answers_415_for_another_content_type(live_server, ci_token, log_dir):
    _, secret = ci_token
    response = post(live_server, secret, "run_id=x",
                    content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert post(live_server, secret, json.dumps(run_payload()), content_type="text/plain"
                ).status_code == 415
    assert db_state() == (0, 0, [])


def test_it_takes_a_gzip_log_upload_in_multipart(live_server, ci_token, log_dir):
    _, secret = ci_token
    payload = run_payload(outcome="crash")
    response = requests.post(
        f"{live_server.url}/api/v1/runs", headers={"Authorization": f"Bearer {secret}"},
        data={"payload": json.dumps(payload)},
        files={"console_log": ("console.log.gz", gzip.compress(crash_log().encode()))},
        timeout=30,
    )
    assert response.status_code == 201, response.text
    run = Run.objects.get()
    assert run.log_size == len(crash_log().encode())
    # The same content posted inline is the same run: unchanged.
    inline = post(live_server, secret, {**payload, "console_log": crash_log()})
    assert inline.status_code == 200
    not_gzip = requests.post(
        f"{live_server.url}/api/v1/runs", headers={"Authorization": f"Bearer {secret}"},
        data={"payload": json.dumps(run_payload(run_id="second"))},
        files={"console_log": ("console.log.gz", b"plain text, not gzip")}, timeout=30,
    )
    assert not_gzip.status_code == 422
    assert Run.objects.count() == 1


def test_it_parses_the_log_after_commit(live_server, ci_token, log_dir):
    _, secret = ci_token
    response = post(live_server, secret, run_payload(outcome="crash", console_log=crash_log()))
    assert response.status_code == 201
    run = Run.objects.get()
    assert run.parsed_at is not None
    report = CrashReport.objects.get(run=run)
    assert report.title == ("BUG: unable to handle kernel NULL pointer dereference in "
                            "filemap_get_folios_tag")


@pytest.fixture
def dead_broker():
    """Tasks go to a broker URL where nothing listens (loopback), publishing once, as a
    broker that is down or restarting."""
    from dashboard.celery import app
    from tests.conftest import free_port

    conf = app.conf
    names = ("task_always_eager", "broker_url", "broker_write_url", "task_publish_retry")
    saved = [conf[name] for name in names]
    address = f"127.0.0.1:{free_port()}/0"
    dead = f"redis://{address}"
    conf.update(dict(zip(names, (False, dead, dead, False), strict=True)))
    app.amqp._producer_pool = None  # pools are made for the URL they first saw
    app._pool = None
    assert app.connection_for_write().as_uri().endswith(address)
    yield
    conf.update(dict(zip(names, saved, strict=True)))
    app.amqp._producer_pool = None
    app._pool = None


def test_a_run_stored_while_the_broker_is_down_is_answered_and_parsed_later(
        live_server, ci_token, log_dir, dead_broker):
    from ci_results.services import newlogs

    _, secret = ci_token
    response = post(live_server, secret, run_payload(outcome="crash", console_log=crash_log()))
    assert response.status_code == 201, response.text  # stored: the client must not retry
    run = Run.objects.get()
    assert run.parsed_at is None and not CrashReport.objects.exists()
    assert not ParseWakeup.objects.exists()  # the next post tries the broker again
    # The periodic drain (beat, every minute) parses it once the broker is back.
    assert newlogs.newlogs_parse().runs == 1
    assert CrashReport.objects.get().run == run
