"""POST /api/v1/runs builds its BatchOut answer without ninja's response validation: every
status it answers must still be a BatchOut document, with ninja's JSON content type."""

import json

import pytest

from ci_results.schemas import BatchOut
from tests.ci_results.helpers_runs import run_payload

pytestmark = pytest.mark.django_db


def post(client, secret: str, body: dict):
    return client.post("/api/v1/runs", json.dumps(body), content_type="application/json",
                       headers={"Authorization": f"Bearer {secret}"})


def test_it_answers_batchout_for_created_unchanged_conflict_and_rejected(client, ci_token,
                                                                          log_dir):
    _, secret = ci_token
    answers = [
        post(client, secret, run_payload(run_id="a")),
        post(client, secret, run_payload(run_id="a")),
        post(client, secret, run_payload(run_id="a", outcome="crash")),
        post(client, secret, {"runs": [run_payload(run_id="b"),
                                       run_payload(run_id="a", outcome="hang")]}),
    ]
    assert [a.status_code for a in answers] == [201, 200, 409, 409]
    for answer in answers:
        assert answer["Content-Type"] == "application/json; charset=utf-8"
        body = answer.json()
        assert BatchOut.model_validate(body).model_dump(mode="json") == body
    created = answers[0].json()
    assert created["status"] == "created"
    assert created["results"] == [{"run_id": "a", "status": "created",
                                   "id": created["results"][0]["id"], "detail": ""}]
    assert [r["status"] for r in answers[3].json()["results"]] == ["rejected", "conflict"]
