"""Stream the messages of an mbox file (mboxo or mboxrd), one at a time."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

# The separator line: ``From nobody Mon Sep 17 00:00:00 2001`` (git format-patch),
# ``From mboxrd@z Thu Jan  1 00:00:00 1970`` (public-inbox), ``From bda@mnsspb.ru Wed Nov 12
# 17:54:41 2008`` (git t5100). A body line "From here on..." has no time of day.
_FROM_LINE = re.compile(rb"^From \S*\s.*\d{1,2}:\d\d(?::\d\d)?")
# Without an empty line before it only the full asctime form counts as a separator.
_STRICT_FROM_LINE = re.compile(
    rb"^From \S+ +(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct"
    rb"|Nov|Dec) +\d{1,2} \d\d:\d\d:\d\d \d{4}\s*$")
# mboxrd quotes any number of '>' before "From "; mboxo only one level.
_RD_QUOTED = re.compile(rb"^>+From ")
_O_QUOTED = re.compile(rb"^>From ")

FORMATS = ("auto", "mboxo", "mboxrd")


def is_from_line(line: bytes) -> bool:
    """Whether ``line`` is an mbox message separator."""
    return bool(_FROM_LINE.match(line))


def iter_mbox(stream: BinaryIO, format: str = "auto") -> Iterator[bytes]:
    """Yield each raw message of an mbox without its ``From `` separator line.

    Reads line by line, so memory holds one message at a time whatever the file size.
    ``format="mboxrd"`` turns ``>>From `` into ``>From `` (any depth); ``"mboxo"`` turns only
    ``>From `` into ``From ``; ``"auto"`` picks mboxrd for public-inbox files (their first line
    is ``From mboxrd@z ...``) and mboxo otherwise. A file that does not start with a ``From ``
    line is one single message.
    """
    if format not in FORMATS:
        raise ValueError(f"unknown mbox format {format!r}; use one of {FORMATS}")
    unquote = _RD_QUOTED if format == "mboxrd" else _O_QUOTED
    current: list[bytes] = []
    started = False
    previous_blank = True
    for line in stream:
        if isinstance(line, str):  # a stream opened in text mode still works
            line = line.encode("utf-8", "surrogateescape")
        if line.startswith(b"From ") and (
            is_from_line(line) if previous_blank else bool(_STRICT_FROM_LINE.match(line))
        ):
            if not started and format == "auto" and line.startswith(b"From mboxrd@z"):
                unquote = _RD_QUOTED
            if started or current:
                message = _finish(current)
                if message:
                    yield message
            current = []
            started = True
            previous_blank = False
            continue
        if started and line[:1] == b">" and unquote.match(line):
            line = line[1:]
        current.append(line)
        previous_blank = not line.strip(b"\r\n")
    message = _finish(current)
    if message:
        yield message


def _finish(lines: list[bytes]) -> bytes:
    # The writer put one empty line between messages; it is not part of the message.
    if lines and not lines[-1].strip(b"\r\n"):
        lines = lines[:-1]
    data = b"".join(lines)
    return data if data.strip() else b""
