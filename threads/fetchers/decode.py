"""Bodies as they arrive: gzip (as a Content-Encoding or as a .gz file) and HTML sniffing.

Decompression is ours rather than urllib3's because urllib3 returns whatever a truncated gzip
stream yields without complaint; here a stream that stops before its end marker is an error.
"""

from __future__ import annotations

import zlib

from threads.fetchers import errors

GZIP_MAGIC = b"\x1f\x8b"


def gunzip(data: bytes, *, max_bytes: int, url: str = "") -> bytes:
    """Decompress every gzip member of ``data``; refuse truncation and output over ``max_bytes``."""
    out = bytearray()
    while True:
        stream = zlib.decompressobj(wbits=31)  # 31: gzip header and trailer required
        pending = data
        try:
            while pending and not stream.eof:
                # max_length keeps a gzip bomb from being inflated whole: +1 detects "over".
                out += stream.decompress(pending, max_bytes + 1 - len(out))
                if len(out) > max_bytes:
                    raise errors.TooLarge(
                        f"{url} decompresses to more than the {max_bytes} bytes allowed", url=url
                    )
                pending = stream.unconsumed_tail
        except zlib.error as exc:
            raise errors.BadContent(f"{url} is not valid gzip ({exc})", url=url) from exc
        if not stream.eof:
            raise errors.Truncated(
                f"{url} is a truncated gzip stream ({len(data)} compressed bytes, "
                "no end-of-stream marker)", url=url,
            )
        data = stream.unused_data
        if not data.strip(b"\0"):  # some servers pad the last member with NULs
            return bytes(out)
        if not data.startswith(GZIP_MAGIC):
            raise errors.BadContent(f"{url} has trailing garbage after its gzip data", url=url)


def decode_content_encoding(body: bytes, encoding: str, *, max_bytes: int, url: str) -> bytes:
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return body
    if encoding in ("gzip", "x-gzip"):
        return gunzip(body, max_bytes=max_bytes, url=url)
    if encoding == "deflate":
        try:
            stream = zlib.decompressobj()
            out = stream.decompress(body, max_bytes + 1)
        except zlib.error as exc:
            raise errors.BadContent(f"{url} is not valid deflate ({exc})", url=url) from exc
        if len(out) > max_bytes:
            raise errors.TooLarge(f"{url} decompresses to more than {max_bytes} bytes", url=url)
        return out
    raise errors.BadContent(f"{url} used a Content-Encoding we did not ask for: {encoding}",
                            url=url)


def looks_like_html(content: bytes) -> bool:
    """True for an HTML page (a bot wall, an error page) where data was expected."""
    head = content[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<!--")) or (
        b"<html" in head
    )
