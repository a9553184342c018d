"""threads/parsing/hypermail.py: lkml.iu.edu pages and their copied text."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from threads.parsing.hypermail import (
    decode_r13,
    parse_hypermail_page,
    parse_hypermail_text,
    parse_visible_date,
)
from threads.parsing.series import series_family_key
from threads.parsing.subject import parse_subject
from threads.parsing.types import MessageParseError

MAIL = Path(__file__).resolve().parent.parent / "fixtures" / "mail"
URL = "https://lkml.iu.edu/hypermail/linux/kernel/2404.3/08124.html"
SEED_SENT = datetime(2024, 4, 30, 19, 27, 25, tzinfo=UTC)


def test_it_parses_the_seed_text_exactly(seed_text):
    msg = parse_hypermail_text(seed_text)
    assert msg.author.name == "Luis Chamberlain"
    assert msg.date == SEED_SENT
    assert msg.date_is_estimate is True
    assert msg.source == "lkml-text"
    info = parse_subject(msg.subject)
    assert info.name == "mm: do not split a folio if it has minimum folio order requirement"
    assert (info.is_reply, info.version, info.number, info.total) == (True, 4, 5, 11)
    assert msg.body.startswith("On Mon, Apr 29, 2024 at 10:43:16PM -0400, Zi Yan wrote:\n")
    assert msg.message_id.startswith("lkml-text-") and msg.message_id.endswith("@kbd.invalid")
    assert msg.message_id == parse_hypermail_text(seed_text).message_id
    assert any("Message-ID" in w for w in msg.parse_warnings)


def test_it_reads_the_mhonarc_comments():
    page = parse_hypermail_page((MAIL / "0010-lkml-mhonarc-page.html").read_bytes(), url=URL)
    msg = page.message
    assert msg.message_id == "ZjFGCOYk3FK_zVy3@bombadil.infradead.org"
    assert (msg.author.name, msg.author.address) == ("Luis Chamberlain", "mcgrof@kernel.org")
    assert msg.date == SEED_SENT and not msg.date_is_estimate
    assert msg.references[0] == "20240425113746.335530-1-kernel@pankajraghav.com"
    assert msg.in_reply_to == "6799F341-9E37-4F3E-B0D0-B5B2138A5F5F@nvidia.com"
    assert page.in_reply_to_url == "https://lkml.iu.edu/hypermail/linux/kernel/2404.3/07812.html"
    assert page.next_in_thread_url.endswith("/2404.3/08187.html")
    assert page.replies_urls == ("https://lkml.iu.edu/hypermail/linux/kernel/2404.3/08187.html",)
    assert [u.rsplit("/", 1)[1] for u in page.thread_urls] == ["07812.html", "08187.html"]
    assert "> On 29 Apr 2024, at 20:31, Luis Chamberlain wrote:\n" in msg.body
    assert "> >> There are 3 try_split_folio() in migrate_pages_batch().\n" in msg.body
    assert "https://github.com/linux-kdevops/linux/commit/e77a2a4fd6d9" in msg.body
    assert series_family_key(parse_subject(msg.subject), msg.author.address).endswith(
        "|mm: do not split a folio if it has minimum folio order requirement")


def test_it_falls_back_to_the_visible_headers():
    page = parse_hypermail_page((MAIL / "0011-lkml-page-without-comments.html").read_text(),
                                url=URL)
    msg = page.message
    assert msg.date == SEED_SENT and msg.date_is_estimate
    assert msg.author.address == "mcgrof@xxxxxxxxxx" and msg.author.obfuscated
    assert msg.subject.startswith("Re: [PATCH v4 05/11] mm: do not split")
    assert msg.message_id.endswith("@kbd.invalid")
    assert page.in_reply_to_url.endswith("/07812.html")


def test_it_decodes_mhonarc_rot13():
    assert decode_r13("Oaqerj [begba <nxczNbfqy.bet>") == "Andrew Morton <akpm@osdl.org>"


def test_it_reads_the_visible_est_label_as_eastern_time():
    assert parse_visible_date("Tue Apr 30 2024 - 15:27:25 EST") == SEED_SENT
    assert parse_visible_date("Thu Dec 02 2004 - 12:27:25 EST") == datetime(
        2004, 12, 2, 17, 27, 25, tzinfo=UTC)
    assert parse_visible_date("no date") is None


def test_it_rejects_pages_without_a_message():
    with pytest.raises(MessageParseError):
        parse_hypermail_page("")
    with pytest.raises(MessageParseError):
        parse_hypermail_text("just one line")


def test_it_reads_hypermail2_pages():
    url = "http://lkml.iu.edu/hypermail/linux/kernel/0106.3/0269.html"
    page = parse_hypermail_page((MAIL / "0013-lkml-hypermail2-page.html").read_bytes(), url=url)
    msg = page.message
    assert msg.message_id == "E15EZpc-0007ux-00@the-village.bc.nu"
    assert msg.subject == 'Re: [PATCH] ide: fix "lost interrupt" on resume'
    assert (msg.author.name, msg.author.address) == ("Alan Cox", "alan@lxorguk.ukuu.org.uk")
    assert msg.date == datetime(2001, 6, 25, 16, 52, 59, tzinfo=UTC)
    assert msg.in_reply_to is None  # hypermail put the parent's subject there, not an id
    assert page.in_reply_to_url is None
    assert page.maybe_in_reply_to_url == "http://lkml.iu.edu/hypermail/linux/kernel/0106.3/0262.html"
    assert page.replies_urls == ("http://lkml.iu.edu/hypermail/linux/kernel/0106.3/0490.html",)
    assert msg.body == ("> The drive does not raise the interrupt after resume,\n"
                        "> so the request times out.\n\n"
                        "That is the BIOS leaving the controller in legacy mode.\n\nAlan\n")


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=400))
def test_it_raises_only_message_parse_error_on_garbage(text):
    for parse in (parse_hypermail_page, parse_hypermail_text):
        try:
            result = parse(text)
        except MessageParseError:
            continue
        assert getattr(result, "message", result).message_id


def test_it_drops_the_navigation_of_a_whole_page_copy(seed_text):
    subject, rest = seed_text.split("\n", 1)
    head, body = rest.split("\n\n\n", 1)
    nav = ("    Next message: Rob Herring: \"Re: [PATCH] dt-bindings: example\"\n"
           "    In reply to: Zi Yan: \"Re: [PATCH v4 05/11] mm: do not split a folio\"\n"
           "    Messages sorted by: [ date ] [ thread ] [ subject ] [ author ]\n")
    copy = f"Linux-Kernel Archive: {subject}\n{head}\n\n{nav}\n{body}\n{nav}"
    msg = parse_hypermail_text(copy)
    assert msg == parse_hypermail_text(seed_text)
