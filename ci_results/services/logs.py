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
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TextIO

from django.conf import settings

CHUNK = 1 << 16


class LogError(ValueError):
    """An uploaded log that is not gzip data."""


@dataclass(frozen=True)
class StoredLog:
    path: str  # relative to CONSOLE_LOG_DIR
    size: int  # uncompressed bytes
    sha256: str  # of the uncompressed bytes


def _root() -> Path:
    return Path(settings.CONSOLE_LOG_DIR)


def _finish(tmp_name: str, sha: str, size: int) -> StoredLog:
    rel = f"{sha[:2]}/{sha}.log.gz"
    final = _root() / rel
    if final.exists():
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
    if final.exists():
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
