import xml.etree.ElementTree as ET

import pytest

from ci_results.services.signatures import signature_for
from tests.dashboard import pages_data

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response) -> list[ET.Element]:
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content).findall(f"{ATOM}entry")


def test_it_lists_a_threads_messages_newest_first(client):
    thread = pages_data.mail("root@kernel.org", "[PATCH v4 05/11] mm: split", "patch\n")
    pages_data.mail("reply@kernel.org", "Re: [PATCH v4 05/11] mm: split",
                    open(pages_data.HOSTILE_BODY).read(), reply_to="root@kernel.org",
                    author="Zi Yan", address="ziy@nvidia.com",
                    date=pages_data.START.replace(day=2))
    found = entries(client.get(f"/feeds/threads/{thread.pk}.atom"))
    assert [e.find(f"{ATOM}title").text for e in found] == [
        "Re: [PATCH v4 05/11] mm: split", "[PATCH v4 05/11] mm: split"]
    assert found[0].find(f"{ATOM}author/{ATOM}name").text == "Zi Yan"
    assert f"/threads/{thread.pk}/#m" in found[0].find(f"{ATOM}link").get("href")


def test_it_keeps_mail_text_as_text_in_the_feed(client):
    thread = pages_data.mail("root@kernel.org", "[PATCH] mm: x", open(pages_data.HOSTILE_BODY)
                             .read())
    response = client.get(f"/feeds/threads/{thread.pk}.atom")
    assert b"<script>" not in response.content  # escaped as &lt;script&gt; in the XML
    summary = entries(response)[0].find(f"{ATOM}summary").text
    assert '<script>alert("xss")</script>' in summary  # the parsed value is the plain text


def test_it_answers_404_for_an_unknown_thread(client):
    assert client.get("/feeds/threads/99999.atom").status_code == 404


def test_it_lists_new_signatures_newest_first(client):
    signature_for(title="WARNING in split_huge_page_to_list_to_order")
    signature_for(title="kernel BUG in folio_split <script>")
    found = entries(client.get("/feeds/signatures.atom"))
    assert [e.find(f"{ATOM}title").text for e in found] == [
        "kernel BUG in folio_split <script>", "WARNING in split_huge_page_to_list_to_order"]
    assert "/crashes/" in found[0].find(f"{ATOM}link").get("href")
