"""A single run whose kernel, config and reproducer are known is stored by one statement
(PostgreSQL, no surrounding transaction): it must keep the idempotency rules and the rollup."""

import pytest
from django.db import connection

from ci_results.models import Origin, Rollup, Run
from ci_results.schemas import RunIn
from ci_results.services import dimensions, runs
from ci_results.services.runs import runs_record
from tests.conftest import require_service


def payload(run_id: str, outcome: str = "pass") -> dict:
    return {"run_id": run_id, "kernel": {"tree": "mainline", "version": "6.9.0-rc6"},
            "config": {"name": "xfs-4k"}, "reproducer": {"name": "dd-loop"},
            "outcome": outcome, "started_at": "2024-04-30T10:00:00Z"}


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_it_keeps_idempotency_and_rollups_on_the_one_statement_path():
    require_service("PostgreSQL", connection.vendor == "postgresql",
                    "the one-statement path exists on PostgreSQL only")
    dimensions.dimensions_forget()
    origin = Origin.objects.create(name="fast-ci")
    assert runs_record(origin=origin, payloads=[payload("a")]).status == "created"
    with pytest.raises(dimensions.NotCached):  # an unknown config is not in the cache
        dimensions.config_resolve(config={"name": "never-seen"}, use_cache=True,
                                  cached_only=True)

    # The path under test is really taken: run "b" can be built from cached ids alone.
    prepared = [runs._prepare(RunIn.model_validate(payload("b", "crash")), None)]
    assert runs._build_cached(origin, prepared) is not None
    assert runs_record(origin=origin, payloads=[payload("b", "crash")]).status == "created"
    assert runs_record(origin=origin, payloads=[payload("b", "crash")]).status == "unchanged"
    conflict = runs_record(origin=origin, payloads=[payload("b", "pass")])

    assert conflict.status == "conflict"
    assert Run.objects.get(run_id="b").outcome == "crash"
    [rollup] = Rollup.objects.all()
    assert (rollup.runs, rollup.passes, rollup.crashes) == (2, 1, 1)
