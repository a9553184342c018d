"""``manage.py track`` against the local upstream."""

import pytest
from django.core.management import CommandError, call_command

from tests.threads.upstream import GIST_CRASH, SEED_MSGID, Upstream, point_settings
from threads.models import Thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def upstream(settings, httpserver) -> Upstream:
    return Upstream(httpserver, point_settings(settings, httpserver))


def test_it_tracks_a_thread_and_names_failing_sources(upstream, capsys):
    upstream.server.expect_request(f"/api/gists/{GIST_CRASH}").respond_with_data(b"", status=404)
    upstream.serve_seed()
    call_command("track", f"<{SEED_MSGID}>")
    out = capsys.readouterr().out
    assert "6 messages" in out and "1 failing" in out
    assert f"gist {GIST_CRASH}: " in out and "HTTP 404" in out
    assert Thread.objects.get().tracked


def test_it_fails_for_what_it_cannot_track(upstream, capsys):
    with pytest.raises(CommandError, match="1 of 1 could not be tracked"):
        call_command("track", "https://example.org/not-a-thread")
    assert "Not a lore.kernel.org or lkml.iu.edu message URL" in capsys.readouterr().err
