"""Parse a console log from a file or binary stream without loading it whole.

The log is decoded (UTF-8, errors replaced) chunk by chunk into a sliding window; only
the window around a report start is kept, so a 50 MB (or gzipped) log never exists twice
in memory.
"""

from __future__ import annotations

import codecs
import dataclasses
import gzip
import io
import os
from typing import BinaryIO, cast

from ..types import CrashReport, LogAnalysis
from .kernel import find_kernel_info
from .logs import MAX_REPORTS, analyse, keep_report, next_report
from .scan import OopsScanner
from .suppress import is_suppressed

CHUNK = 1 << 20  # bytes read at a time
AFTER = 2 << 20  # characters kept after a report start before it is parsed
BEFORE = 16 << 10  # characters kept before the search position (report prefix lines)
HEAD = 200_000  # characters of the log start kept for "Linux version ..."


def _open(src: str | os.PathLike[str] | BinaryIO) -> tuple[BinaryIO, BinaryIO | None]:
    raw: BinaryIO = open(src, "rb") if isinstance(src, (str, os.PathLike)) else src
    owned = raw if raw is not src else None
    stream = raw if hasattr(raw, "peek") else io.BufferedReader(cast("io.RawIOBase", raw))
    if cast("io.BufferedReader", stream).peek(2)[:2] == b"\x1f\x8b":
        return cast(BinaryIO, gzip.GzipFile(fileobj=stream)), owned
    return cast(BinaryIO, stream), owned


class _Window:
    """Decoded text ``buf`` that starts at character ``base`` of the whole log."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.buf = ""
        self.base = 0
        self.eof = False

    def fill(self, upto: int) -> None:
        while not self.eof and len(self.buf) < upto:
            data = self.stream.read(CHUNK)
            self.eof = not data
            self.buf += self.decoder.decode(data, final=self.eof)

    def drop_before(self, pos: int) -> int:
        """Forget text before ``pos`` (minus a margin); return ``pos`` in the new buffer."""
        drop = max(0, pos - BEFORE)
        self.buf, self.base = self.buf[drop:], self.base + drop
        return pos - drop


def parse_log_file(src: str | os.PathLike[str] | BinaryIO) -> LogAnalysis:
    """Parse a log path or binary stream (plain or gzip): ``parse_log_file("console.log.gz")``.

    Never raises on the content; a path that cannot be opened raises ``OSError``.
    """
    stream, owned = _open(src)
    win = _Window(stream)
    reports: list[CrashReport] = []
    pos = 0
    head = None
    # One scanner (and one look for suppressions) per state of the window: the window's
    # reports share them, as the reports of a log held in memory do.
    scanner: OopsScanner | None = None
    suppressed: bool | None = None
    try:
        while len(reports) < MAX_REPORTS:
            win.fill(pos + AFTER + CHUNK)
            if head is None:
                head = win.buf[:HEAD]
            if scanner is None or scanner.text is not win.buf:
                scanner, suppressed = OopsScanner(win.buf), None
            found = scanner.first(pos)
            if found is None:
                if win.eof:
                    break
                last_line = win.buf.rfind("\n", pos) + 1
                pos = win.drop_before(max(pos, last_line))
                continue
            begin = found[1]
            if not win.eof and len(win.buf) - begin < AFTER:
                pos = win.drop_before(begin)
                continue
            if suppressed is None:
                suppressed = is_suppressed(win.buf)
            step = next_report(win.buf, begin, suppressed, scanner)
            if step is None:
                break
            report, next_pos = step
            if keep_report(reports, report):
                reports.append(dataclasses.replace(
                    report, start=report.start + win.base, end=report.end + win.base))
            pos = win.drop_before(next_pos)
    except Exception:  # keep what was found; the content must never make this raise
        reports = reports[:]
    finally:
        if owned is not None:
            owned.close()
    if not reports and head:
        return analyse([], find_kernel_info("", head))
    return analyse(reports)
