"""POST /api/v1/xunit and /api/v1/kcidb through the real HTTP stack (live_server)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

from ci_results.models import Kernel, Rollup, Run

pytestmark = pytest.mark.django_db(transaction=True)
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def fixture(kind: str, number: str) -> bytes:
    return next((FIXTURES / kind).glob(f"{number}-*")).read_bytes()


def post(live_server, path: str, secret: str | None, body: bytes, content_type: str,
         **params: str) -> requests.Response:
    headers = {"Content-Type": content_type}
    if secret is not None:
        headers["Authorization"] = f"Bearer {secret}"
    return requests.post(f"{live_server.url}/api/v1/{path}", data=body, headers=headers,
                         params=params, timeout=30)


def xml(live_server, secret, body=None, **params):
    body = fixture("xunit", "0001") if body is None else body
    return post(live_server, "xunit", secret, body, "application/xml", **params)


def kcidb(live_server, secret, body=None):
    body = fixture("kcidb", "0001") if body is None else body
    return post(live_server, "kcidb", secret, body, "application/json")


def db_state() -> tuple:
    return (Run.objects.count(), Kernel.objects.count(),
            sorted(Rollup.objects.values_list("runs", flat=True)))


def test_it_imports_xunit_then_answers_unchanged_then_conflict(live_server, ci_token, log_dir):
    _, secret = ci_token
    first = xml(live_server, secret, tree="linux-next", origin="kdevops")
    assert first.status_code == 201, first.text
    body = first.json()
    assert [r["status"] for r in body["results"]] == ["created"] * 7
    assert body["ignored"] == []
    stored = Run.objects.get(reproducer__name="generic/751")
    assert (stored.outcome, stored.config.name, stored.kernel.tree) == (
        "hang", "xfs_reflink_4k", "linux-next")
    again = xml(live_server, secret, tree="linux-next")
    assert again.status_code == 200
    assert {r["status"] for r in again.json()["results"]} == {"unchanged"}
    before = db_state()
    other = xml(live_server, secret, tree="linux-next", kernel="6.9.0-rc7")
    assert other.status_code == 409
    assert db_state() == before


def test_it_answers_400_for_malformed_or_dangerous_xml(live_server, ci_token, log_dir):
    _, secret = ci_token
    broken = xml(live_server, secret, b"<testsuite name='xfstests'><testcase")
    assert broken.status_code == 400
    assert broken.json()["detail"].startswith("malformed XML")
    bomb = xml(live_server, secret, fixture("xunit", "0003"))
    assert bomb.status_code == 400
    assert "DOCTYPE" in bomb.json()["detail"]
    assert db_state() == (0, 0, [])


def test_it_answers_422_naming_every_xunit_field_at_fault(live_server, ci_token, log_dir):
    _, secret = ci_token
    response = xml(live_server, secret, fixture("xunit", "0004"))
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [
        ["body", "testsuite.testcase[0].name"], ["body", "testsuite.testcase[1].time"]]
    no_kernel = xml(live_server, secret, b'<testsuite name="x" hostname="h" timestamp='
                    b'"2024-04-30T10:00:00"><properties/></testsuite>')
    assert no_kernel.status_code == 422
    assert no_kernel.json()["detail"][0]["loc"] == ["body", "testsuite[0].properties.KERNEL"]
    assert db_state() == (0, 0, [])


def test_it_checks_token_origin_content_type_and_size(live_server, ci_token, log_dir, settings):
    _, secret = ci_token
    assert xml(live_server, None).status_code == 401
    assert xml(live_server, "kbd_not-a-token").status_code == 401
    wrong = xml(live_server, secret, origin="syzbot")
    assert wrong.status_code == 403
    plain = post(live_server, "xunit", secret, fixture("xunit", "0001"), "text/plain")
    assert plain.status_code == 415
    assert post(live_server, "kcidb", secret, b"{}", "application/xml").status_code == 415
    bad_query = xml(live_server, secret, tree="")
    assert bad_query.status_code == 422
    settings.API_MAX_BODY_BYTES = 1000
    assert xml(live_server, secret).status_code == 413
    assert db_state() == (0, 0, [])


def test_it_imports_kcidb_and_lists_what_it_ignored(live_server, ci_token, log_dir):
    _, secret = ci_token
    response = kcidb(live_server, secret)
    assert response.status_code == 201, response.text
    body = response.json()
    assert len(body["results"]) == 7
    assert {i["id"] for i in body["ignored"]} == {
        "kdevops:xfs_reflink_4k-generic-750-1", "kdevops:xfs_16k-generic-001-1"}
    crash = Run.objects.get(run_id="kdevops:xfs_reflink_4k-generic-447-1")
    assert crash.outcome == "crash"
    assert crash.vm["log_url"].endswith("generic/447.dmesg")
    assert kcidb(live_server, secret).status_code == 200


def test_it_answers_422_for_kcidb_schema_violations(live_server, ci_token, log_dir):
    _, secret = ci_token
    old = kcidb(live_server, secret, fixture("kcidb", "0002"))
    assert old.status_code == 422
    assert ["body", "version.major"] in [e["loc"] for e in old.json()["detail"]]
    bad = kcidb(live_server, secret, fixture("kcidb", "0003"))
    assert [e["loc"][1] for e in bad.json()["detail"]] == [
        "tests[0].status", "tests[1].id", "tests[1].start_time"]
    assert kcidb(live_server, secret, b'{"version": ').status_code == 400
    assert db_state() == (0, 0, [])


def test_it_refuses_kcidb_tests_of_another_origin(live_server, ci_token, log_dir):
    _, secret = ci_token
    data = json.loads(fixture("kcidb", "0001"))
    data["tests"][0]["origin"] = "syzbot"
    data["tests"][0]["id"] = "syzbot:1"
    response = kcidb(live_server, secret, json.dumps(data).encode())
    assert response.status_code == 403
    assert "syzbot" in response.json()["detail"]
    assert db_state() == (0, 0, [])


def test_it_answers_422_naming_the_run_when_kcidb_holds_a_value_no_run_can(
        live_server, ci_token, log_dir):
    _, secret = ci_token
    data = json.loads(fixture("kcidb", "0001"))
    data["tests"][2]["start_time"] = "0001-01-01T00:00:00+00:00"  # valid KCIDB, not a run
    response = kcidb(live_server, secret, json.dumps(data).encode())
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == [
        "body", "kdevops:xfs_reflink_4k-generic-001-1", "started_at"]
    assert db_state() == (0, 0, [])


def test_it_documents_both_imports_in_the_openapi_document(live_server):
    doc = requests.get(f"{live_server.url}/api/v1/openapi.json", timeout=30).json()
    xunit_op = doc["paths"]["/api/v1/xunit"]["post"]
    assert "application/xml" in xunit_op["requestBody"]["content"]
    assert {p["name"] for p in xunit_op["parameters"]} == {"origin", "kernel", "tree", "commit"}
    body = doc["paths"]["/api/v1/kcidb"]["post"]["requestBody"]["content"]["application/json"]
    schema = body["schema"]
    assert schema["properties"]["version"]["properties"]["major"]["const"] == 5
    status = schema["properties"]["tests"]["items"]["properties"]["status"]
    assert status["enum"] == ["FAIL", "ERROR", "MISS", "PASS", "DONE", "SKIP"]
    assert "$ref" not in json.dumps(schema)
    for op in (xunit_op, doc["paths"]["/api/v1/kcidb"]["post"]):
        assert {"201", "200", "409", "400", "401", "403", "413", "415", "422"} <= set(
            op["responses"])
