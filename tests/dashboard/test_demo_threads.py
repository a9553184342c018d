"""dashboard/demo/threads.py: the seed through the ingest service, flagged as demo."""

import pytest

from dashboard.demo import threads as demo
from threads.models import Message, Person, Series, Thread

pytestmark = pytest.mark.django_db


def test_it_loads_the_seed_thread_as_demo():
    lines = demo.load()
    thread = Thread.objects.get()
    assert thread.is_demo and "loaded" in lines[0]
    assert thread.messages.count() == 10


def test_it_loads_twice_without_change():
    demo.load()
    counts = (Message.objects.count(), Series.objects.count(), Person.objects.count())
    lines = demo.load()
    assert "already loaded" in lines[0]
    assert (Message.objects.count(), Series.objects.count(), Person.objects.count()) == counts


def test_it_removes_what_it_loaded():
    demo.load()
    demo.remove()
    assert (Thread.objects.count(), Message.objects.count(), Series.objects.count()) == (0, 0, 0)
    assert Person.objects.count() == 0


def test_it_tracks_the_seed_thread_so_the_overview_shows_it(client):
    demo.load()
    assert Thread.objects.get().tracked
    page = client.get("/").content.decode()
    assert "No thread is tracked yet" not in page
    assert "mm: do not split a folio if it has minimum folio order requirement" in page
