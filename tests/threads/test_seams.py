"""threads/seams.py: crash text announced to other apps once the storing transaction commits."""

import pytest

from threads import seams
from threads.models import CrashText, Message, Source
from threads.parsing.hypermail import parse_hypermail_text
from threads.services.artifacts import gist_store
from threads.services.ingest import message_ingest

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    calls: list[list[int]] = []

    def handler(ids: list[int]) -> None:
        calls.append(ids)

    seams.register_crash_text_handler(handler)
    seams.register_crash_text_handler(handler)  # registering twice keeps one
    yield calls
    seams.unregister_crash_text_handler(handler)


def test_it_announces_the_seed_crash_text_after_ingest_commits(
    seed_text, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as pending:
        result = message_ingest(parsed=parse_hypermail_text(seed_text), source="lkml")
    assert heard == []  # nothing before the commit
    for callback in pending:
        callback()
    ids = list(CrashText.objects.filter(message=result.message).values_list("pk", flat=True))
    assert ids and heard == [ids]


def test_it_announces_nothing_for_a_duplicate_ingest(
    seed_text, heard, django_capture_on_commit_callbacks
):
    message_ingest(parsed=parse_hypermail_text(seed_text), source="lkml")
    with django_capture_on_commit_callbacks(execute=True):
        again = message_ingest(parsed=parse_hypermail_text(seed_text), source="lkml")
    assert again.status == "duplicate" and heard == []


def test_it_passes_sorted_unique_saved_ids(heard, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert seams.crash_texts_created([5, None, 3, 5]) == [3, 5]
        assert seams.crash_texts_created([]) == []
    assert heard == [[3, 5]]


def test_it_keeps_ingest_working_when_a_handler_fails(
    seed_text, heard, django_capture_on_commit_callbacks, caplog
):
    def broken(ids: list[int]) -> None:
        raise RuntimeError("classifier down")

    seams.register_crash_text_handler(broken)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            result = message_ingest(parsed=parse_hypermail_text(seed_text), source="lkml")
    finally:
        seams.unregister_crash_text_handler(broken)
    assert Message.objects.filter(pk=result.message.pk).exists()
    assert len(heard) == 1  # the other handler still ran
    assert "classifier down" in caplog.text
    assert broken not in seams.crash_text_handlers()


def test_it_announces_gist_crash_text_once_per_content(
    seed_text, heard, django_capture_on_commit_callbacks
):
    crash = seed_text[seed_text.index("Apr 30 10:38:04"):seed_text.index("The full decoded")]
    source = Source.objects.create(kind=Source.Kind.GIST, key="c44aaed21b99ae4ecf3d7fc6a1bb00bc",
                                   url="https://api.github.com/gists/c44aaed21b99ae4ecf3d7fc6a1bb00bc")
    payload = {"files": {"crash.txt": {"filename": "crash.txt", "content": crash}}}
    for _ in range(2):  # the same content again stores and announces nothing
        with django_capture_on_commit_callbacks(execute=True):
            gist_store(source=source, payload=payload)
    ids = list(CrashText.objects.filter(gist_file__source=source).values_list("pk", flat=True))
    assert ids and heard == [ids]
