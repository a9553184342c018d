"""One raw RFC 5322 mail -> :class:`ParsedMessage`."""

from __future__ import annotations

import hashlib
import re
from email.utils import getaddresses

from threads.parsing.addresses import parse_address
from threads.parsing.headers import (
    clean_space,
    find_message_id,
    find_message_ids,
    header_text,
    parse_date,
    split_header_block,
)
from threads.parsing.mime import find_body, find_simple_body
from threads.parsing.types import Address, MessageParseError, ParsedMessage

# b4 writes ``change-id: 20240425-lbs-4e4d6fd0a1d8`` at the end of the cover letter.
_CHANGE_ID = re.compile(r"^change-id:[ \t]*(\S+)[ \t]*$", re.IGNORECASE | re.MULTILINE)
# Google Groups / mailman DMARC rewriting: ``'Existing Sender' via List <list@...>``.
_VIA = re.compile(r"^'?(?P<name>.*?)'?\s+via(?:\s+(?P<list>\S.*))?$", re.IGNORECASE)
_USEFUL = {"from", "message-id", "subject", "date", "in-reply-to", "references"}


def synthetic_message_id(raw: bytes) -> str:
    """A stable Message-ID for a mail that has none: ``kbd-<sha1>@kbd.invalid``."""
    return f"kbd-{hashlib.sha1(raw).hexdigest()[:24]}@kbd.invalid"


def find_change_id(headers: dict[str, str], body: str) -> str | None:
    """b4's change-id from an ``X-Change-ID:`` header or an unquoted ``change-id:`` line."""
    value = headers.get("x-change-id")
    if value and value.strip():
        return value.strip()
    match = _CHANGE_ID.search(body)
    return match.group(1) if match else None


def _strip_nul(text: str) -> str:
    return text.replace("\x00", "\ufffd") if "\x00" in text else text


def find_author(headers: dict[str, str]) -> Address:
    """The sender, undoing DMARC "via List" rewriting when the real sender is given.

    Google Groups keeps the real sender in ``X-Original-From``; mailman names it in
    ``Reply-To`` (or ``Cc``) under the same display name.
    """
    author = parse_address(headers.get("from", ""))
    original = headers.get("x-original-from")
    if original:
        real = parse_address(original)
        if real.address:
            return real
    via = _VIA.match(author.name) if author.name else None
    if not via:
        return author
    name = via.group("name").strip("'\" ")
    for field in ("reply-to", "cc"):
        for real_name, address in getaddresses([headers.get(field, "")]):
            if address and "@" in address and clean_space(real_name) == name:
                return parse_address(f'"{real_name}" <{address}>')
    return Address(name, author.address, author.obfuscated)


def parse_message(raw: bytes, *, source: str = "rfc822",
                  source_url: str | None = None) -> ParsedMessage:
    """Parse one raw mail.

    ``parse_message(b"From: Zi Yan <ziy@nvidia.com>\\nMessage-ID: <A@nvidia.com>\\n"
    b"Subject: Re: [PATCH v4 05/11] mm: ...\\n\\nbody\\n")`` -> a :class:`ParsedMessage` with
    ``message_id == "A@nvidia.com"`` and the author ``Zi Yan``.
    Raises :class:`MessageParseError` when the input has no mail header at all.
    """
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogateescape")
    if not isinstance(raw, (bytes, bytearray, memoryview)):
        raise MessageParseError(f"expected bytes, got {type(raw).__name__}")
    raw = bytes(raw)
    if not raw.strip():
        raise MessageParseError("empty message")
    try:
        return _parse(raw, source, source_url)
    except MessageParseError:
        raise
    except (ValueError, LookupError, TypeError, AttributeError, IndexError,
            RecursionError, OverflowError) as exc:
        # email's MIME walker is not written for hostile input; one broken mail must not
        # stop an import, so it is reported as unusable.
        raise MessageParseError(f"unparseable message: {type(exc).__name__}: {exc}") from exc


def _parse(raw: bytes, source: str, source_url: str | None) -> ParsedMessage:
    fields, body_bytes = split_header_block(raw)
    if not any(name.lower() in _USEFUL for name, _ in fields):
        raise MessageParseError("no mail headers (From, Subject, Message-ID, Date) found")
    warnings: list[str] = []
    decoded: list[tuple[str, str]] = []
    first: dict[str, str] = {}
    for name, value in fields:
        text = _strip_nul(header_text(value))
        decoded.append((name, text))
        first.setdefault(name.lower(), text)

    message_id = find_message_id(first.get("message-id"))
    if not message_id:
        message_id = synthetic_message_id(raw)
        warnings.append("no Message-ID: a synthetic one was derived from the raw bytes")
    in_reply_to = find_message_id(first.get("in-reply-to"))
    references = [ref for ref in find_message_ids(first.get("references")) if ref != message_id]
    if in_reply_to == message_id:
        in_reply_to = None
    if in_reply_to and in_reply_to not in references:
        references.append(in_reply_to)
    if not in_reply_to and references:
        in_reply_to = references[-1]

    author = find_author(first)
    if not author.address:
        warnings.append("no usable sender address")
    date, date_warning = parse_date(first.get("date"))
    if date_warning:
        warnings.append(date_warning)
    if date is None and not date_warning:
        warnings.append("no Date header")

    simple = find_simple_body(first.get("content-type"),
                              first.get("content-transfer-encoding"), body_bytes)
    if simple is None:
        body, body_warnings, _ = find_body(raw)
    else:
        body, body_warnings = simple
    warnings.extend(body_warnings)
    body = _strip_nul(body)
    return ParsedMessage(
        message_id=message_id,
        subject=clean_space(first.get("subject", "")),
        author=author,
        date=date,
        body=body,
        in_reply_to=in_reply_to,
        references=tuple(references),
        source=source,
        source_url=source_url,
        change_id=find_change_id(first, body),
        headers=tuple(decoded),
        parse_warnings=tuple(dict.fromkeys(warnings)),
    )
