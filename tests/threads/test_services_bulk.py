"""threads/services/bulk.py: the prepared single-row INSERT and the UPDATE run."""

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict

from threads.models import Message, Person, Thread
from threads.services.bulk import row_insert, rows_update

pytestmark = pytest.mark.django_db


def message_fields(thread: Thread, author: Person, **extra) -> dict:
    return {
        "thread": thread, "author": author, "depth": 2, "in_reply_to": "a@example.org",
        "references": ["root@example.org", "a@example.org"], "subject": "Re: [PATCH] mm: x",
        "body": "Looks good.\n\nReviewed-by: Zi Yan <ziy@nvidia.com>\n",
        "new_text": "Looks good.", "date": datetime(2024, 4, 30, 19, 27, 25, tzinfo=UTC),
        "date_is_estimate": False, "parse_warnings": ["odd charset"], "has_crash_text": True,
        "source": "file", **extra,
    }


def test_it_inserts_the_row_objects_create_would():
    thread = Thread.objects.create(root_msgid="root@example.org", subject="mm: x")
    author = Person.objects.create(name="Zi Yan", address="ziy@nvidia.com")
    fast = row_insert(Message(msgid="fast@example.org", **message_fields(thread, author)))
    slow = Message.objects.create(msgid="slow@example.org", **message_fields(thread, author))
    assert fast.pk is not None and not fast._state.adding
    stored, expected = Message.objects.get(pk=fast.pk), Message.objects.get(pk=slow.pk)
    skip = {"id", "msgid"}
    assert {k: v for k, v in model_to_dict(stored).items() if k not in skip} == {
        k: v for k, v in model_to_dict(expected).items() if k not in skip
    }
    assert stored.first_seen_at is not None
    assert stored.date == datetime(2024, 4, 30, 19, 27, 25, tzinfo=UTC)


def test_it_refuses_a_duplicate_as_create_does():
    thread = Thread.objects.create(root_msgid="root@example.org", subject="mm: x")
    row_insert(Message(msgid="same@example.org", thread=thread))
    with pytest.raises(IntegrityError), transaction.atomic():
        row_insert(Message(msgid="same@example.org", thread=thread))


def test_it_refuses_an_unsaved_related_object():
    with pytest.raises(ValueError, match="unsaved related object"):
        row_insert(Message(msgid="x@example.org", thread=Thread(root_msgid="r@example.org")))


def test_it_updates_the_named_fields_of_each_row():
    thread = Thread.objects.create(root_msgid="root@example.org", subject="mm: x")
    rows = [row_insert(Message(msgid=f"m{i}@example.org", thread=thread)) for i in range(3)]
    for i, row in enumerate(rows):
        row.depth, row.subject = i + 1, "changed"
    assert rows_update(Message, rows, ["depth"]) == 3
    assert list(Message.objects.order_by("pk").values_list("depth", "subject")) == [
        (1, ""), (2, ""), (3, "")
    ]
