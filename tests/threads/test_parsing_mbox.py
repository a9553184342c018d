"""threads/parsing/mbox.py: streaming mboxo/mboxrd files."""

import io
import tracemalloc
from pathlib import Path

import pytest

from threads.parsing.mbox import iter_mbox
from threads.parsing.message import parse_message

MAIL = Path(__file__).resolve().parent.parent / "fixtures" / "mail"


def test_it_unescapes_mboxrd_one_level():
    with (MAIL / "0008-mboxrd-escaped-from.mbox").open("rb") as stream:
        messages = list(iter_mbox(stream))
    assert len(messages) == 2
    first = parse_message(messages[0])
    assert first.body == ('From the migration side, this looks fine.\n'
                          '>From a quoted line that started with ">From".\n')
    assert not messages[0].startswith(b"From mboxrd@z")
    assert parse_message(messages[1]).in_reply_to == first.message_id


def test_it_unescapes_only_single_quoted_from_in_mboxo():
    with (MAIL / "0009-mboxo-format-patch.mbox").open("rb") as stream:
        cover, patch = (parse_message(raw) for raw in iter_mbox(stream))
    assert "\nFrom here on the writer escaped the line, mboxo style.\n" in cover.body
    assert "\n>>From stays as written in mboxo.\n" in patch.body
    assert cover.change_id == "20240425-lbs-4e4d6fd0a1d8"


def test_it_follows_the_format_it_is_told():
    data = b"From a@b Mon Sep 17 00:00:00 2001\nSubject: x\n\n>>From here\n"
    (mboxrd,) = iter_mbox(io.BytesIO(data), format="mboxrd")
    (mboxo,) = iter_mbox(io.BytesIO(data), format="mboxo")
    assert mboxrd.endswith(b"\n>From here\n")
    assert mboxo.endswith(b"\n>>From here\n")
    with pytest.raises(ValueError):
        list(iter_mbox(io.BytesIO(data), format="maildir"))


def test_it_keeps_body_lines_that_only_start_with_from():
    data = (b"From a@b Mon Sep 17 00:00:00 2001\nSubject: one\n\nhello\n\nFrom here on it works.\n"
            b"\nFrom a@b Mon Sep 17 00:00:01 2001\nSubject: two\n\nbye\n")
    messages = list(iter_mbox(io.BytesIO(data)))
    assert [parse_message(m).subject for m in messages] == ["one", "two"]
    assert b"From here on it works." in messages[0]


def test_it_reads_a_single_raw_message_as_one():
    raw = (MAIL / "0001-git-send-email-patch.eml").read_bytes()
    assert list(iter_mbox(io.BytesIO(raw))) == [raw.rstrip(b"\n") + b"\n"]


def test_it_streams_in_constant_memory():
    message = (b"From a@b Mon Sep 17 00:00:00 2001\nSubject: [PATCH] x\nMessage-ID: <%d@x>\n\n"
               + b"line of body text\n" * 200 + b"\n")

    class Generated(io.RawIOBase):
        """2,000 messages (about 7 MB) produced on demand, never held whole."""

        def __init__(self) -> None:
            self.count = 0
            self.buffer = b""

        def readable(self) -> bool:
            return True

        def readinto(self, target) -> int:
            while len(self.buffer) < len(target) and self.count < 2000:
                self.buffer += message.replace(b"%d", str(self.count).encode())
                self.count += 1
            size = min(len(target), len(self.buffer))
            target[:size] = self.buffer[:size]
            self.buffer = self.buffer[size:]
            return size

    tracemalloc.start()
    count = 0
    for raw in iter_mbox(io.BufferedReader(Generated())):
        count += 1
        assert raw.startswith(b"Subject: [PATCH] x")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 2000
    assert peak < 1_000_000


def test_it_accepts_a_stream_opened_in_text_mode():
    with (MAIL / "0008-mboxrd-escaped-from.mbox").open(encoding="utf-8") as stream:
        assert len(list(iter_mbox(stream))) == 2
