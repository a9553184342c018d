"""threads/parsing/headers.py: encoded words, addresses, dates, Message-IDs."""

from datetime import UTC, datetime

from threads.parsing.headers import (
    decode_words,
    find_message_id,
    find_message_ids,
    parse_date,
    split_header_block,
)


def test_it_decodes_encoded_words_like_git():
    assert decode_words("(=?ISO8859-1?Q?a?= =?ISO8859-2?Q?_b?=)") == "(a b)"
    assert decode_words("(=?ISO8859-1?Q?a?= b)") == "(a b)"
    assert decode_words("test =?utf-8?q?s=c3=bcbject?=") == "test s\u00fcbject"
    assert decode_words("=?utf-8?B?w6l4YW1wbGUgdXNlcg==?=") == "\u00e9xample user"


def test_it_decodes_words_in_broken_charsets():
    assert decode_words("=?x-unknown?Q?caf=C3=A9?=") == "caf\u00e9"
    assert decode_words("=?utf-8?Q?caf=E9?=") == "caf\u00e9"  # latin-1 bytes labelled UTF-8


def test_it_reads_dates_into_utc():
    assert parse_date("Thu,  2 Dec 2004 12:27:25 -0500 (EST)") == (
        datetime(2004, 12, 2, 17, 27, 25, tzinfo=UTC), None)
    assert parse_date("Mon, 23 Mar 1998 22:54:20 +0000 (GMT)")[0] == datetime(
        1998, 3, 23, 22, 54, 20, tzinfo=UTC)
    date, warning = parse_date("Mon, 1 Jan 2024 10:00:00")
    assert date == datetime(2024, 1, 1, 10, 0, tzinfo=UTC) and warning
    assert parse_date("bogus")[0] is None
    assert parse_date("Mon, 1 Jan 99999 10:00:00 +0000")[0] is None


def test_it_finds_message_ids_with_comments_and_without_brackets():
    assert find_message_id("<xnzgy1de8d.fsf@rhel8.vm> (message ID with a comment)") == (
        "xnzgy1de8d.fsf@rhel8.vm")
    assert find_message_id("5899d592@radware.com>") == "5899d592@radware.com"
    assert find_message_id("") is None
    assert find_message_ids("<a@x>\n <b@x> <a@x>") == ["a@x", "b@x"]


def test_it_splits_headers_from_the_body():
    headers, body = split_header_block(b"From x Mon Sep 17 00:00:00 2001\nSubject: a\n b\n\nbody\n")
    assert headers == [("Subject", b" a\n b")]
    assert body == b"body\n"
