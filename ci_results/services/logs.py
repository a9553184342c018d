"""Console logs on disk: gzip files under settings.CONSOLE_LOG_DIR, named by content.

Content addressing makes storing idempotent (a retried upload lands on the same file) and
lets a run's content hash include the log without keeping it in memory.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import tempfile
import time
import zlib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO, TextIO

from django.conf import settings

from ci_results.models import Run

CHUNK = 1 << 16
# Stored logs no run refers to are deleted once untouched this long (see logs_prune).
PRUNE_AFTER = timedelta(hours=24)


class LogError(ValueError):
    """An uploaded log that is not gzip data."""


@dataclass(frozen=True)
class StoredLog:
    path: str  # relative to CONSOLE_LOG_DIR
    size: int  # uncompressed bytes
    sha256: str  # of the uncompressed bytes


def _root() -> Path:
    return Path(settings.CONSOLE_LOG_DIR)


def _reuse(final: Path) -> bool:
    """Is the log already stored? Then mark it used now: ``logs_prune`` leaves recent files
    alone, so a file a new run is about to refer to is not pruned under it."""
    try:
        os.utime(final)
    except FileNotFoundError:
        return False
    return True


def _finish(tmp_name: str, sha: str, size: int) -> StoredLog:
    rel = f"{sha[:2]}/{sha}.log.gz"
    final = _root() / rel
    if _reuse(final):
        os.unlink(tmp_name)
    else:
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp_name, final)  # atomic: readers never see a half-written log
    return StoredLog(path=rel, size=size, sha256=sha)


def _tempfile() -> tuple[int, str]:
    root = _root()
    root.mkdir(parents=True, exist_ok=True)
    return tempfile.mkstemp(prefix=".incoming-", dir=root)


def log_store_text(*, text: str) -> StoredLog:
    """Store a log posted inline as text."""
    data = text.encode("utf-8", errors="surrogateescape")
    sha = hashlib.sha256(data).hexdigest()
    final = _root() / f"{sha[:2]}/{sha}.log.gz"
    if _reuse(final):
        return StoredLog(path=f"{sha[:2]}/{sha}.log.gz", size=len(data), sha256=sha)
    fd, tmp_name = _tempfile()
    with os.fdopen(fd, "wb") as raw:
        raw.write(gzip.compress(data, compresslevel=1, mtime=0))
    return _finish(tmp_name, sha, len(data))


def log_store_gzip(*, stream: BinaryIO) -> StoredLog:
    """Store an uploaded gzip log as it is, streaming: the hash and size are those of the
    uncompressed content, found by decompressing chunk by chunk (never the whole log)."""
    digest = hashlib.sha256()
    size = 0
    inflater = zlib.decompressobj(wbits=31)  # 31: gzip header and trailer
    fd, tmp_name = _tempfile()
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                out.write(chunk)
                data = chunk
                while data:
                    plain = inflater.decompress(data, CHUNK)
                    digest.update(plain)
                    size += len(plain)
                    data = inflater.unconsumed_tail
                    if inflater.eof and inflater.unused_data:
                        # a multi-member gzip file (concatenated gzip streams)
                        data = inflater.unused_data + data
                        inflater = zlib.decompressobj(wbits=31)
            if not inflater.eof:
                raise LogError("the console log upload is not complete gzip data")
    except zlib.error as exc:
        os.unlink(tmp_name)
        raise LogError(f"the console log upload is not gzip data ({exc})") from exc
    except LogError:
        os.unlink(tmp_name)
        raise
    return _finish(tmp_name, digest.hexdigest(), size)


def log_open(*, path: str) -> TextIO:
    """The stored log as text, decompressed while read (bad bytes replaced)."""
    return io.TextIOWrapper(gzip.open(_root() / path, "rb"), encoding="utf-8", errors="replace")


def log_open_bytes(*, path: str) -> BinaryIO:
    """The stored log as bytes, decompressed while read (for the streaming crash parser)."""
    return gzip.open(_root() / path, "rb")  # type: ignore[return-value]


def log_abspath(*, path: str) -> Path:
    return _root() / path


def log_read_bytes(*, path: str) -> bytes:
    with gzip.open(_root() / path, "rb") as fh:
        return fh.read()


@dataclass
class PruneSummary:
    kept: int = 0
    deleted: int = 0
    freed: int = 0  # bytes on disk


def logs_prune(*, older_than: timedelta = PRUNE_AFTER, now: float | None = None) -> PruneSummary:
    """Delete stored logs that no run refers to, and uploads left half-written.

    A log is written before its run is committed, and a rejected request (a conflict, a
    batch with an invalid run) leaves its logs behind: a CI job retrying such a request
    with large logs would fill the disk. Files touched within ``older_than`` may belong to
    a request in flight and stay.
    """
    root = _root()
    cutoff = (time.time() if now is None else now) - older_than.total_seconds()
    summary = PruneSummary()
    if not root.is_dir():
        return summary
    for stale in root.glob(".incoming-*"):
        _unlink_if_old(stale, cutoff, summary)
    old = [path for path in root.glob("??/*.log.gz") if _mtime(path) < cutoff]
    for start in range(0, len(old), 500):
        batch = {f"{path.parent.name}/{path.name}": path for path in old[start:start + 500]}
        used = set(Run.objects.filter(log_path__in=batch).values_list("log_path", flat=True))
        summary.kept += len(used)
        for rel, path in batch.items():
            if rel not in used:
                _unlink_if_old(path, cutoff, summary)  # touched since the listing: reused
    return summary


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return float("inf")


def _unlink_if_old(path: Path, cutoff: float, summary: PruneSummary) -> None:
    try:
        stat = path.stat()
        if stat.st_mtime >= cutoff:
            summary.kept += 1
            return
        path.unlink()
    except FileNotFoundError:
        return
    summary.deleted += 1
    summary.freed += stat.st_size
