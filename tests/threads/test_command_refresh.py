"""``manage.py refresh`` (cron's twin of the beat task) against the local upstream."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.threads.upstream import NEW_REPLY_MSGID, SEED_MSGID, Upstream, point_settings
from threads.models import Message, Source
from threads.services.tracking import thread_track

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(settings, httpserver):
    upstream = Upstream(httpserver, point_settings(settings, httpserver))
    upstream.serve_seed()
    thread = thread_track(url_or_msgid=SEED_MSGID)
    upstream.publish_new_reply()
    return thread


def test_it_refreshes_due_threads(thread, capsys):
    Source.objects.filter(thread=thread).update(next_check_at=timezone.now() - timedelta(1))
    call_command("refresh")
    assert "1 threads refreshed, 0 sources failed" in capsys.readouterr().out
    assert Message.objects.filter(msgid=NEW_REPLY_MSGID).exists()


def test_it_leaves_threads_that_are_not_due(thread, capsys):
    call_command("refresh")
    assert "0 threads refreshed" in capsys.readouterr().out
    assert not Message.objects.filter(msgid=NEW_REPLY_MSGID).exists()


def test_it_refreshes_a_given_thread_now(thread, capsys):
    call_command("refresh", "--thread", str(thread.pk))
    assert "1 new message" in capsys.readouterr().out


def test_it_refuses_an_unknown_thread(thread):
    with pytest.raises(CommandError, match="no thread 999999"):
        call_command("refresh", "--thread", "999999")
