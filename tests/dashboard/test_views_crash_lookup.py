"""/crashes/by-title/ (dashboard/views/crash_lookup.py) and the links around it: pasted crash
text on the thread page -> the signature page -> the messages and threads that show it."""

from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ci_results.models import CrashSignature
from ci_results.services.crashtexts import crash_texts_classify
from threads.models import CrashText, GistFile, Link, Source
from threads.parsing.hypermail import parse_hypermail_text
from threads.services.ingest import message_ingest

SEED_TITLE = "BUG: unable to handle kernel NULL pointer dereference in filemap_get_folios_tag"
pytestmark = pytest.mark.django_db


@pytest.fixture
def seed(seed_text):
    message = message_ingest(parsed=parse_hypermail_text(seed_text), source="lkml").message
    crash_texts_classify()
    return message


def lookup_url(title: str) -> str:
    return "/crashes/by-title/?title=" + quote(title, safe="")


def test_it_redirects_a_title_to_its_signature_page(client, seed):
    signature = CrashSignature.objects.get(title=SEED_TITLE)
    response = client.get(lookup_url(SEED_TITLE))
    assert response.status_code == 302 and response["Location"] == f"/crashes/{signature.pk}/"


@pytest.mark.parametrize("query", ["?title=WARNING+in+nothing", "?title=", ""])
def test_it_answers_404_for_an_unknown_title(client, db, query):
    response = client.get("/crashes/by-title/" + query)
    assert response.status_code == 404 and b"Not found" in response.content


def test_it_links_the_thread_page_crash_text_to_the_signature(client, seed):
    page = client.get(f"/threads/{seed.thread_id}/").content.decode()
    assert f'href="{lookup_url(SEED_TITLE)}"' in page
    signature_page = client.get(lookup_url(SEED_TITLE), follow=True)
    assert signature_page.status_code == 200
    assert SEED_TITLE in signature_page.content.decode()


def test_it_lists_the_seed_thread_and_message_on_the_signature_page(client, seed):
    signature = CrashSignature.objects.get(title=SEED_TITLE)
    page = client.get(f"/crashes/{signature.pk}/").content.decode()
    assert f'href="/threads/{seed.thread_id}/"' in page
    assert f'href="/threads/{seed.thread_id}/#m{seed.pk}"' in page
    assert "Luis Chamberlain" in page


def test_it_lists_the_messages_that_link_a_gist_holding_the_crash(client, seed):
    crash = CrashText.objects.get(message=seed).text
    source = Source.objects.create(kind=Source.Kind.GIST, key="c44aaed21b99ae4ecf3d7fc6a1bb00bc",
                                   url="https://api.github.com/gists/c44aaed21b99ae4ecf3d7fc6a1bb00bc")
    Link.objects.filter(message=seed, key=source.key).update(source=source)
    gist = GistFile.objects.create(source=source, gist_id=source.key, filename="crash.txt",
                                   content=crash, has_crash_text=True)
    CrashText.objects.create(gist_file=gist, text=crash)
    crash_texts_classify()
    signature = CrashSignature.objects.get(title=SEED_TITLE)
    page = client.get(f"/crashes/{signature.pk}/").content.decode()
    assert "c44aaed21b99ae4ecf3d7fc6a1bb00bc/crash.txt" in page
    # pasted; the gist line and its "linked from" line lead to the linking mail
    assert page.count(f'href="/threads/{seed.thread_id}/#m{seed.pk}"') == 3
    thread_page = client.get(f"/threads/{seed.thread_id}/").content.decode()
    assert "crash in crash.txt" in thread_page


def test_it_shows_the_signature_with_a_fixed_number_of_queries(client, seed):
    signature = CrashSignature.objects.get(title=SEED_TITLE)
    url = f"/crashes/{signature.pk}/"

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    text = CrashText.objects.get(message=seed).text
    one_gist = _gist_sighting(seed, "a" * 32, text)
    crash_texts_classify()
    before = count()
    for n in range(5):
        _gist_sighting(seed, f"{n:032x}", text)
        CrashText.objects.create(message=seed, text=text)
    crash_texts_classify()
    assert count() == before and one_gist.crash_texts.get().title == SEED_TITLE


def _gist_sighting(message, gist_id: str, text: str) -> GistFile:
    source = Source.objects.create(kind=Source.Kind.GIST, key=gist_id, url=f"u/{gist_id}")
    Link.objects.create(message=message, url=f"https://gist.github.com/x/{gist_id}", kind="gist",
                        key=gist_id, source=source)
    gist = GistFile.objects.create(source=source, gist_id=gist_id, filename="log.txt",
                                   content=text)
    CrashText.objects.create(gist_file=gist, text=text)
    return gist
