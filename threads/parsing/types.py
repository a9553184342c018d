"""What the thread parsers return: frozen dataclasses, no Django.

This is the contract between the pure parsers (``threads/parsing/*``) and the services that
store their results. Fields may be added; existing names keep their meaning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


class MessageParseError(ValueError):
    """A mail that cannot be used at all (no headers, no Message-ID and no way to make one)."""


@dataclass(frozen=True)
class Address:
    """A person as a mail names them: ``Pankaj Raghav <p.raghav@xxxxxxxxxxx>``."""

    name: str
    address: str  # lower-cased; "" when unknown; obfuscated forms kept as seen
    obfuscated: bool = False  # lkml.iu.edu hides part of addresses with x's


@dataclass(frozen=True)
class SubjectInfo:
    """``Re: [RFC PATCH v4 05/11] mm: do not split a folio`` taken apart."""

    raw: str
    name: str  # without Re:/Fwd:/AW:, list tags and [PATCH ...] prefixes
    is_reply: bool
    prefixes: tuple[str, ...] = ()  # bracket words other than version/counter: ("RFC", "PATCH")
    version: int = 1  # 1 when no vN is given
    number: int | None = None  # 5 of "05/11"; 0 for a cover letter
    total: int | None = None  # 11 of "05/11"
    is_patch: bool = False  # a PATCH-like prefix is present
    is_resend: bool = False
    has_version: bool = False  # the subject names a version (v1, v2, (v3)), not the default 1
    is_forward: bool = False  # Fwd:/Fw:/WG: before the rest
    list_tags: tuple[str, ...] = ()  # mailing-list tags that were removed: ("linux-mm",)
    tags: tuple[str, ...] = ()  # every bracket word in order as written: ("PATCH", "v4", "05/11")


@dataclass(frozen=True)
class ParsedMessage:
    """One mail, from an mbox, a raw RFC 5322 message, or an lkml.iu.edu page."""

    message_id: str  # without angle brackets
    subject: str  # decoded
    author: Address
    date: datetime | None  # timezone-aware, UTC
    body: str  # text/plain content, decoded to str, \n line ends
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()  # oldest first, without angle brackets
    source: str = "rfc822"  # "mbox", "rfc822", "lkml-html", "lkml-text"
    source_url: str | None = None
    change_id: str | None = None  # b4's change-id: trailer/header when present
    headers: tuple[tuple[str, str], ...] = ()  # decoded headers as seen, for display
    date_is_estimate: bool = False  # True when only a mislabelled/visible date was available
    parse_warnings: tuple[str, ...] = ()  # what was odd but survivable (bad charset, ...)


@dataclass(frozen=True)
class Attribution:
    """``On Mon, Apr 29, 2024 at 10:43:16PM -0400, Zi Yan wrote:`` at some quote depth."""

    line: str
    name: str
    depth: int  # quote depth of the attribution line itself (0 = unquoted)
    date: datetime | None = None  # UTC when the line gives a date with a zone
    address: str = ""  # lower-cased, when the line gives one ("Zi Yan <ziy@nvidia.com> writes:")
    date_text: str = ""  # the date as written ("29 Apr 2024, at 20:31"), also without a zone


@dataclass(frozen=True)
class BodySegment:
    """A run of lines of one kind at one quote depth."""

    kind: str  # "text", "quote", "attribution", "diff", "signature", "crash"
    depth: int  # quote depth (0 = new text of this message)
    text: str  # with the quote markers removed
    attribution: Attribution | None = None  # who wrote a quote segment, when known


@dataclass(frozen=True)
class BodyStructure:
    segments: tuple[BodySegment, ...]
    new_text: str  # what this message's author wrote (depth 0, no signature)
    signature: str | None = None
    attributions: tuple[Attribution, ...] = ()


@dataclass(frozen=True)
class QuotedAncestor:
    """An earlier message known only from the quotes of a later one (a placeholder)."""

    depth: int  # 1 = the message this one replies to, 2 = its parent, ...
    author_name: str
    date: datetime | None
    attribution_line: str
    quoted_text: str  # that message's own words as quoted (its deeper quotes removed)
    author_address: str = ""  # lower-cased, when the attribution line gives one
    date_text: str = ""  # the date as the attribution line writes it


@dataclass(frozen=True)
class Hunk:
    header: str  # "@@ -3058,7 +3058,7 @@ int split_huge_page_to_list_to_order(...)"
    old_start: int
    old_len: int
    new_start: int
    new_len: int
    lines: tuple[str, ...]


@dataclass(frozen=True)
class ParsedDiff:
    """A unified diff found in a mail (the patch itself, or a fix proposed inside a reply)."""

    text: str  # the diff with quote markers removed
    files: tuple[str, ...]  # paths touched, b/ side ("mm/huge_memory.c")
    hunks: tuple[Hunk, ...]
    patch_id: str  # stable under whitespace and line-number changes (git patch-id --stable)
    quote_depth: int = 0  # 0 = written in this message; >0 = quoted from an earlier one
    start_line: int = 0  # 0-based line in the body where the diff starts
    end_line: int = 0  # 0-based line in the body after the diff (exclusive)


@dataclass(frozen=True)
class ParsedTrailer:
    """``Reviewed-by: Zi Yan <ziy@nvidia.com> # for the mm part``."""

    kind: str  # canonical spelling: "Reviewed-by", "Acked-by", "Fixes", "Link", ...
    value: str  # everything after the colon, unwrapped
    name: str = ""  # person trailers: the name
    address: str = ""  # person trailers: the address, lower-cased
    comment: str = ""  # "# ..." suffix or "[...]" note


@dataclass(frozen=True)
class ParsedLink:
    url: str
    kind: str  # "gist", "github-commit", "lore", "lkml", "other"
    key: str = ""  # gist id; "owner/repo@sha"; Message-ID; "YYMM.W/NNNNN"; "" for other
    quote_depth: int = 0  # smallest quote depth the URL was seen at (0 = this message's text)


@dataclass(frozen=True)
class CrashText:
    """Kernel crash text pasted in a mail; ci_results parses it (threads never imports it)."""

    start_line: int  # 0-based, in the body
    end_line: int  # exclusive
    text: str  # with quote markers removed
    quote_depth: int = 0


@dataclass(frozen=True)
class HypermailPage:
    """An lkml.iu.edu page: the message and its thread navigation."""

    message: ParsedMessage
    in_reply_to_url: str | None = None
    next_in_thread_url: str | None = None
    replies_urls: tuple[str, ...] = ()
    thread_urls: tuple[str, ...] = field(default_factory=tuple)
    maybe_in_reply_to_url: str | None = None  # old hypermail's "Maybe in reply to" guess
