"""threads/parsing/message.py: raw RFC 5322 mails -> ParsedMessage."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from threads.parsing.message import parse_message
from threads.parsing.types import MessageParseError

MAIL = Path(__file__).resolve().parent.parent / "fixtures" / "mail"


def parse(name: str):
    return parse_message((MAIL / name).read_bytes())


def test_it_reads_the_headers_of_a_patch_mail():
    msg = parse("0001-git-send-email-patch.eml")
    assert msg.message_id == "20240425113746.335530-6-kernel@pankajraghav.com"
    assert msg.subject == ("[PATCH v4 05/11] mm: do not split a folio if it has minimum folio "
                           "order requirement")
    assert msg.author.name == "Luis Chamberlain"
    assert msg.author.address == "mcgrof@kernel.org"
    assert msg.date == datetime(2024, 4, 25, 11, 37, 40, tzinfo=UTC)
    assert msg.in_reply_to == "20240425113746.335530-1-kernel@pankajraghav.com"
    assert msg.references == ("20240425113746.335530-1-kernel@pankajraghav.com",)
    assert msg.body.startswith("From: Pankaj Raghav <p.raghav@samsung.com>\n\nAs we")
    assert "diff --git a/mm/huge_memory.c b/mm/huge_memory.c\n" in msg.body
    assert msg.parse_warnings == ()


def test_it_appends_a_patch_attachment_to_the_first_plain_part():
    msg = parse("0002-multipart-attached-patch.eml")
    assert msg.body.startswith("The fix is attached; it only touches mm/migrate.c.\n")
    assert "<div>" not in msg.body
    assert "+\tif (folio_test_dirty(folio))\n" in msg.body
    assert msg.author.name == "Raghav, Pankaj"
    assert msg.author.address == "p.raghav@samsung.com"


def test_it_decodes_quoted_printable_latin1_and_encoded_words():
    msg = parse("0003-quoted-printable-latin1.eml")
    assert msg.author.name == "Hans Müller"
    assert msg.author.address == "hans.mueller@example.de"
    assert msg.subject == "Re: [PATCH] ext4: fix Absturz beim Schließen"
    assert msg.body.startswith("Hallo Jörg,\n")
    assert "umbrechen muss, damit sie passt.\n" in msg.body
    assert msg.date == datetime(2024, 4, 29, 14, 29, 29, tzinfo=UTC)
    assert msg.in_reply_to == "orig-1@example.org"
    assert msg.references == ("root-0@example.org", "orig-1@example.org")


def test_it_decodes_base64_and_normalises_crlf():
    msg = parse("0004-base64-utf8-crlf.eml")
    assert msg.author.name == "Björn Töpel"
    assert msg.subject == "Re: [PATCH -next] bpf: Use PTR_ERR_OR_ZERO in xsk_map_inc()"
    assert msg.body == ("Zi Yan writes:\n> Does the i_pages store just folio pointers?\n\n"
                        "It stores folios \u2014 and shadow entries.\n")


def test_it_falls_back_to_cp1252_for_undeclared_8bit_text():
    msg = parse("0005-8bit-undeclared-charset.eml")
    assert msg.author.name == "José García"
    assert msg.subject == "Re: [PATCH 2/3] usb: fix the café driver"
    assert msg.body.startswith("Señor Kroah-Hartman, the \u201cfix\u201d works")
    assert any("charset" in w for w in msg.parse_warnings)


def test_it_unflows_format_flowed_with_delsp():
    msg = parse("0006-format-flowed-delsp.eml")
    assert msg.body == (
        "> using that API for LBS is resulting in an NULL ptr dereference "
        "error in the writeback path [1].\n\nHow would I go about reproducing this?\n"
        "From the stuffed line on, nothing is joined.\n-- \nMatthew\n")


def test_it_makes_a_stable_id_when_message_id_is_missing():
    first = parse("0007-no-message-id-obfuscated.eml")
    second = parse("0007-no-message-id-obfuscated.eml")
    assert first.message_id == second.message_id
    assert first.message_id.endswith("@kbd.invalid")
    assert any("Message-ID" in w for w in first.parse_warnings)
    assert first.author.address == "p.raghav@xxxxxxxxxxx"
    assert first.author.obfuscated is True


def test_it_finds_b4_change_id_in_the_body_or_header():
    body = (b"From: A <a@b.c>\nMessage-ID: <x@y>\nSubject: [PATCH 0/2] z\n\n---\n"
            b"change-id: 20240425-lbs-4e4d\n")
    assert parse_message(body).change_id == "20240425-lbs-4e4d"
    header = b"From: A <a@b.c>\nX-Change-ID: 20240101-abc\nMessage-ID: <x@y>\n\n> change-id: no\n"
    assert parse_message(header).change_id == "20240101-abc"
    quoted = b"From: A <a@b.c>\nMessage-ID: <x@y>\n\n> change-id: quoted-only\n"
    assert parse_message(quoted).change_id is None


def test_it_undoes_dmarc_via_list_rewriting():
    raw = (b"From: 'Existing Sender' via List <list@example.com>\n"
           b"X-Original-From: Existing Sender <existing@example.com>\n"
           b"Message-ID: <dmarc@x>\n\nhi\n")
    author = parse_message(raw).author
    assert (author.name, author.address) == ("Existing Sender", "existing@example.com")


def test_it_rejects_input_without_mail_headers():
    with pytest.raises(MessageParseError):
        parse_message(b"")
    with pytest.raises(MessageParseError):
        parse_message(b"just some text\nwithout any header\n")


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=600))
def test_it_raises_only_message_parse_error_on_garbage(data):
    try:
        msg = parse_message(data)
    except MessageParseError:
        return
    assert msg.message_id
    assert "\x00" not in msg.body


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200), st.text(max_size=200), st.binary(max_size=300))
def test_it_survives_hostile_headers_and_bodies(subject, sender, body):
    raw = (f"From: {sender}\nSubject: {subject}\nContent-Type: multipart/mixed; "
           f'boundary="b"\nContent-Transfer-Encoding: base64\n\n').encode("utf-8", "replace")
    try:
        msg = parse_message(raw + b"--b\nContent-Type: text/plain; charset=bogus\n\n" + body)
    except MessageParseError:
        return
    assert isinstance(msg.body, str)


def test_it_finds_the_real_sender_in_reply_to_or_cc_behind_mailman():
    raw = (b"From: Existing Sender via Linux-mm <linux-mm@kvack.org>\n"
           b"Cc: Someone <s@example.org>, Existing Sender <existing@example.com>\n"
           b"Message-ID: <dmarc2@x>\n\nhi\n")
    author = parse_message(raw).author
    assert (author.name, author.address) == ("Existing Sender", "existing@example.com")
    unknown = parse_message(raw.replace(b"Existing Sender <existing", b"Other <existing"))
    assert unknown.author.name == "Existing Sender"
    assert unknown.author.address == "linux-mm@kvack.org"
