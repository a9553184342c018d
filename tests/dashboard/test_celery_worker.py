"""A real Celery worker process, a real broker, the real test database."""

import pytest

from dashboard.models import WorkerHeartbeat
from dashboard.tasks import heartbeat


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_it_runs_a_task_in_a_worker_through_the_broker(celery_broker):
    hostname = heartbeat.delay().get(timeout=30)
    assert hostname.startswith(celery_broker["queue"])  # the worker named after our queue
    assert WorkerHeartbeat.objects.filter(hostname=hostname).count() == 1


@pytest.mark.django_db
def test_it_runs_in_process_without_a_broker():
    hostname = heartbeat.delay().get(timeout=5)
    assert WorkerHeartbeat.objects.filter(hostname=hostname).exists()
