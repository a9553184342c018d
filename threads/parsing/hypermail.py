"""lkml.iu.edu pages (MHonArc since 2004, hypermail before) and their copied plain text.

The true headers are in HTML comments at the top of the page: MHonArc writes ``X-Subject``,
``X-From-R13`` (the sender, rot13-like), ``X-Date`` (with its real zone), ``X-Message-Id`` and
one ``X-Reference`` per References entry; hypermail writes ``sent="..."``, ``name="..."``,
``email="..."``, ``id="..."``. The visible "Date: Tue Apr 30 2024 - 15:27:25 EST" is US
Eastern local time labelled EST all year, so it is only used when nothing else is there.
"""

from __future__ import annotations

import hashlib
import html
import re
from datetime import UTC, datetime
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup

from threads.parsing.addresses import parse_address
from threads.parsing.headers import clean_space, find_message_id, parse_date
from threads.parsing.types import Address, HypermailPage, MessageParseError, ParsedMessage

EASTERN = ZoneInfo("America/New_York")

# <!--X-Subject: Re: [openib&#45;general] ... -->   (MHonArc, 2004-)
_MHONARC = re.compile(r"<!--X-([A-Za-z0-9-]+): ?(.*?) ?-->")
# <!-- sent="Fri, 23 Jun 1995 16:37:56 -0500" -->   (hypermail, 1995-2003)
_HYPERMAIL = re.compile(r'<!-- ([a-z]+)="(.*?)" -->')
# "Tue Apr 30 2024 - 15:27:25 EST" (the visible date of every lkml.iu.edu page since 2000)
_VISIBLE_DATE = re.compile(
    r"(?:[A-Z][a-z]{2} )?([A-Z][a-z]{2}) +(\d{1,2}) (\d{4}) - (\d{1,2}):(\d\d):(\d\d)"
    r"(?: [A-Z]{2,4})?")
_MONTHS = {m: i for i, m in enumerate(
    "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), start=1)}
# MHonArc's mrot13: tr/@A-Z[a-z/N-Z[@A-Mn-za-m/ (it rotates '@' and '[' with the capitals).
_R13 = str.maketrans("NOPQRSTUVWXYZ[@ABCDEFGHIJKLMnopqrstuvwxyzabcdefghijklm",
                     "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[abcdefghijklmnopqrstuvwxyz")
_BODY_MARKERS = (("<!--X-Body-of-Message-->", "<!--X-Body-of-Message-End-->"),
                 ('<!-- body="start" -->', '<!-- body="end" -->'))
# hypermail 2: "<EM>&gt; quoted\n</EM><BR>"; MHonArc: "&gt;<i> quoted</i><br>"
_INLINE_TAG = re.compile(r"(?i)</?(?:em|i|b|strong|tt|u|font|code)\b[^>]*>")
_BR = re.compile(r"(?i)\r?\n?<br\s*/?>[ \t]*\r?\n?")
_NAV = {
    "in reply to": "in_reply_to", "maybe in reply to": "maybe_in_reply_to",
    "next in thread": "next_in_thread", "reply": "reply", "maybe reply": "maybe_reply",
    "previous in thread": "previous_in_thread", "prev in thread": "previous_in_thread",
}


def decode_r13(text: str) -> str:
    """Undo MHonArc's X-From-R13.

    ``decode_r13("Oaqerj [begba <nxczNbfqy.bet>")`` -> ``"Andrew Morton <akpm@osdl.org>"``.
    """
    return text.translate(_R13)


def parse_visible_date(text: str) -> datetime | None:
    """``"Tue Apr 30 2024 - 15:27:25 EST"`` (US Eastern wall time) -> 2024-04-30 19:27:25 UTC."""
    match = _VISIBLE_DATE.search(text)
    if not match:
        return None
    month, day, year, hour, minute, second = match.groups()
    if month not in _MONTHS:
        return None
    try:
        local = datetime(int(year), _MONTHS[month], int(day), int(hour), int(minute),
                         int(second), tzinfo=EASTERN)
    except ValueError:
        return None
    return local.astimezone(UTC)


def synthetic_id(kind: str, subject: str, author: str, date: datetime | None) -> str:
    """``lkml-text-<sha1 of subject+author+date>@kbd.invalid`` for a copy without Message-ID."""
    key = f"{subject}\n{author}\n{date.isoformat() if date else ''}".encode()
    return f"lkml-{kind}-{hashlib.sha1(key).hexdigest()[:24]}@kbd.invalid"


def _comments(head: str) -> tuple[dict[str, str], list[str], dict[str, str]]:
    fields: dict[str, str] = {}
    references: list[str] = []
    for name, value in _MHONARC.findall(head):
        value = html.unescape(value)
        if name.lower() == "reference":
            references.append(value.strip())
        else:
            fields.setdefault(name.lower(), value)
    old = {name: html.unescape(value) for name, value in _HYPERMAIL.findall(head)}
    return fields, references, old


def _nav_links(soup: BeautifulSoup, url: str | None) -> dict[str, list[str]]:
    links: dict[str, list[str]] = {}
    for item in soup.find_all("li"):
        label = item.find(["strong", "b"])
        anchor = item.find("a", href=True)
        if label is None or anchor is None:
            continue
        key = _NAV.get(label.get_text(" ", strip=True).rstrip(":").strip().lower())
        if key is None:
            continue
        href = urljoin(url, anchor["href"]) if url else anchor["href"]
        bucket = links.setdefault(key, [])
        if href not in bucket:
            bucket.append(href)
    return links


def _follow_ups(page: str, url: str | None) -> list[str]:
    """MHonArc's "Follow-Ups" list: the direct replies are the bold links."""
    begin = page.find("<!--X-Follow-Ups-->")
    end = page.find("<!--X-Follow-Ups-End-->", begin)
    if begin < 0 or end < 0:
        return []
    found: list[str] = []
    for anchor in BeautifulSoup(page[begin:end], "lxml").select("strong > a[href]"):
        href = urljoin(url, anchor["href"]) if url else anchor["href"]
        if href not in found:
            found.append(href)
    return found


def _body_text(page: str) -> str:
    for start, end in _BODY_MARKERS:
        begin = page.find(start)
        if begin >= 0:
            stop = page.find(end, begin)
            fragment = page[begin + len(start) : stop if stop >= 0 else len(page)]
            break
    else:
        return ""
    # Formatting tags carry no text; dropping them first lets the <br> rule see the newlines
    # around it: MHonArc writes "line<br>\n", hypermail 2 "line\n</EM><BR>\n".
    fragment = _INLINE_TAG.sub("", fragment)
    fragment = _BR.sub("\n", fragment)
    fragment = re.sub(r"(?i)</?p\b[^>]*>", "\n", fragment)
    text = BeautifulSoup(fragment, "lxml").get_text()
    text = text.replace("\r\n", "\n").replace("\xa0", " ")
    text = re.sub(r"(?m)^[ \t]+$", "", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n") + "\n" if text.strip() else ""


def _visible_author(soup: BeautifulSoup) -> Address:
    meta = soup.find("meta", attrs={"name": re.compile("^author$", re.I)})
    if meta and meta.get("content"):
        author = parse_address(html.unescape(meta["content"]))
        if author.address:
            return author
    for strong in soup.find_all(["strong", "b"]):
        if strong.get_text(strip=True).rstrip(":").lower() == "from":
            sibling = strong.next_sibling
            text = sibling.get_text() if hasattr(sibling, "get_text") else str(sibling or "")
            return Address(name=clean_space(text), address="")
    return Address(name="", address="")


def parse_hypermail_page(page: str | bytes, *, url: str | None = None) -> HypermailPage:
    """Parse an lkml.iu.edu message page.

    ``parse_hypermail_page(html, url="https://lkml.iu.edu/2404.3/08123.html")`` -> the message
    (source ``"lkml-html"``) and the absolute links of "In reply to", "Next in thread" and the
    replies. Raises :class:`MessageParseError` when the page holds no message.
    """
    if isinstance(page, bytes):
        page = page.decode("utf-8", "replace") if _is_utf8(page) else page.decode("latin-1")
    if not isinstance(page, str) or not page.strip():
        raise MessageParseError("empty page")
    head_end = page.find("<!--X-Head-End-->")
    fields, references, old = _comments(page[: head_end if head_end > 0 else 20000])
    soup = BeautifulSoup(page, "lxml")
    warnings: list[str] = []

    subject = fields.get("subject") or old.get("subject")
    if subject is None:
        title = soup.find("h1") or soup.find("title")
        subject = title.get_text() if title else ""
        subject = re.sub(r"^Linux-Kernel Archive:\s*", "", subject)
    subject = clean_space(subject)

    if "from-r13" in fields:
        author = parse_address(decode_r13(fields["from-r13"]))
    elif old.get("email"):
        name = old.get("name", "")
        author = parse_address(f'"{name}" <{old["email"]}>' if name else old["email"])
    else:
        author = _visible_author(soup)
        warnings.append("sender taken from the visible page (address may be hidden)")

    date, date_warning = parse_date(fields.get("date") or old.get("sent"))
    estimate = False
    if date is None:
        visible = parse_visible_date(soup.get_text(" "))
        if visible is not None:
            date, estimate = visible, True
            warnings.append("date from the visible 'EST' line, read as US Eastern time")
        elif date_warning:
            warnings.append(date_warning)

    message_id = find_message_id(fields.get("message-id") or old.get("id"))
    in_reply_to = find_message_id(old.get("inreplyto")) if "@" in old.get("inreplyto", "") else None
    if in_reply_to is None and references:
        in_reply_to = references[-1]
    if not message_id:
        message_id = synthetic_id("html", subject, author.address or author.name, date)
        warnings.append("no Message-ID on the page: a synthetic one was made")
    if not subject and not author.name and not author.address and date is None:
        raise MessageParseError("no message found on the page")

    links = _nav_links(soup, url)
    replies = list(dict.fromkeys(links.get("reply", []) + _follow_ups(page, url)))
    thread = [u for key in ("in_reply_to", "previous_in_thread", "next_in_thread")
              for u in links.get(key, [])] + replies
    message = ParsedMessage(
        message_id=message_id, subject=subject, author=author, date=date,
        body=_body_text(page), in_reply_to=in_reply_to,
        references=tuple(dict.fromkeys(r for r in references if r and r != message_id)),
        source="lkml-html", source_url=url, date_is_estimate=estimate,
        parse_warnings=tuple(warnings))
    return HypermailPage(
        message=message,
        in_reply_to_url=(links.get("in_reply_to") or [None])[0],
        next_in_thread_url=(links.get("next_in_thread") or [None])[0],
        replies_urls=tuple(replies),
        thread_urls=tuple(dict.fromkeys(thread)),
        maybe_in_reply_to_url=(links.get("maybe_in_reply_to") or [None])[0],
    )


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# The navigation a whole-page copy brings along: "Next message: Rob Herring: ...",
# "Messages sorted by: [ date ] [ thread ] ..." (lkml.iu.edu pages, top and bottom).
_NAV_LINE = re.compile(r"^\s*(?:[*\u2022-]\s*)?(?:Next message|Previous message|In reply to|"
                       r"Maybe in reply to|Next in thread|Previous in thread|Reply|Maybe reply|"
                       r"Messages sorted by):", re.IGNORECASE)


def _strip_nav(lines: list[str]) -> list[str]:
    """Drop navigation lines and blank lines at both ends of a copied body."""
    start, end = 0, len(lines)
    while start < end and (not lines[start].strip() or _NAV_LINE.match(lines[start])):
        start += 1
    while end > start and (not lines[end - 1].strip() or _NAV_LINE.match(lines[end - 1])):
        end -= 1
    return lines[start:end]


# The header block of a copied page: "From: Luis Chamberlain", "Date: Tue Apr 30 2024 - ...".
_TEXT_FIELD = re.compile(r"^(From|Date|Subject):\s*(.*)$")


def parse_hypermail_text(text: str, *, url: str | None = None) -> ParsedMessage:
    """Parse the plain text of an lkml.iu.edu page as a person copies it.

    First line: the subject; then ``From: Luis Chamberlain`` and ``Date: Tue Apr 30 2024 -
    15:27:25 EST``; then the body. There is no Message-ID, so a synthetic one is made from
    subject, author and date (``lkml-text-<sha1>@kbd.invalid``).
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    lines = text.replace("\r\n", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise MessageParseError("empty text")
    subject = re.sub(r"^Linux-Kernel Archive:\s*", "", clean_space(lines[0]))
    fields: dict[str, str] = {}
    index = 1
    while index < len(lines):
        line = lines[index]
        match = _TEXT_FIELD.match(line)
        if match:
            fields[match.group(1).lower()] = match.group(2).strip()
        elif line.strip():
            break
        index += 1
        if "from" in fields and "date" in fields and not lines[index - 1].strip():
            break
    if "from" not in fields and "date" not in fields:
        raise MessageParseError("no From:/Date: lines after the subject")
    body_lines = _strip_nav(lines[index:])
    body = "\n".join(body_lines).rstrip("\n") + "\n"
    author = parse_address(fields.get("from", ""))
    if not author.name and not author.address:
        author = Address(name=fields.get("from", ""), address="")
    warnings = ["no Message-ID in copied text: a synthetic one was made"]
    date = parse_visible_date(fields.get("date", ""))
    estimate = date is not None
    if date is None:
        date, warning = parse_date(fields.get("date"))
        if warning:
            warnings.append(warning)
    else:
        warnings.append("date from the visible 'EST' line, read as US Eastern time")
    if not author.address:
        warnings.append("sender address not shown in copied text")
    message_id = synthetic_id("text", subject, author.name or author.address, date)
    return ParsedMessage(
        message_id=message_id, subject=subject, author=author, date=date, body=body,
        source="lkml-text", source_url=url, date_is_estimate=estimate,
        parse_warnings=tuple(warnings))
