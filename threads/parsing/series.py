"""Patch series: which mails of a batch form one posting of a series, and the family key
that links v1 -> v2 -> ... of the same work when no b4 change-id exists.

The assembly follows Patchwork's rules (its ``find_series``), written from its test cases:
a patch joins the series of the nearest message it references, else a series of the same
sender, version and size started within an hour; a number already taken starts a new series.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from threads.parsing.subject import parse_subject
from threads.parsing.types import ParsedMessage, SubjectInfo

MARKER_WINDOW = timedelta(hours=1)

# A unified diff or an old CVS/svn one: "diff --git a/x b/x", "Index: x", "--- a/x" + "+++ b/x".
_DIFF_START = re.compile(r"^(?:diff -|Index: \S)", re.MULTILINE)
_OLD_NEW = re.compile(r"^--- \S.*\n\+\+\+ \S.*\n@@ -\d", re.MULTILINE)
# A pull request: "The following changes since commit ..." + "are available in the Git
# repository at:" (git request-pull output).
_PULL = re.compile(r"are available in the [Gg]it repository at:", re.MULTILINE)
# "net: dsa: Multi-CPU ground work (v3)" (Patchwork base-different-versions cover)
_TRAILING_VERSION = re.compile(r"\s*\(v\d+\)\s*$", re.IGNORECASE)


def has_patch(body: str) -> bool:
    """Whether an unquoted diff (or a git pull request) is in the body."""
    return bool(_DIFF_START.search(body) or _OLD_NEW.search(body) or _PULL.search(body))


def normalise_name(name: str) -> str:
    """``"Net: DSA: Multi-CPU ground work (v3)."`` -> ``"net: dsa: multi-cpu ground work"``."""
    name = _TRAILING_VERSION.sub("", name)
    return " ".join(name.lower().split()).rstrip(" .")


def series_family_key(info: SubjectInfo, author_address: str) -> str:
    """The key shared by all versions of one patch (or cover) from one sender.

    ``series_family_key(parse_subject("[PATCH v4 05/11] mm: do not split a folio ..."),
    "mcgrof@kernel.org")`` -> ``"mcgrof@kernel.org|mm: do not split a folio ..."``.
    """
    return f"{author_address.strip().lower()}|{normalise_name(info.name)}"


@dataclass(frozen=True)
class SeriesGroup:
    """One posting of a series: the cover letter and the patches by number."""

    version: int
    total: int | None
    cover_message_id: str | None
    patches: tuple[tuple[int, str], ...]  # (number, Message-ID), by number
    name: str = ""
    author_address: str = ""
    date: datetime | None = None
    family_key: str = ""
    change_id: str | None = None
    message_ids: tuple[str, ...] = ()  # cover and patches in arrival order

    @property
    def patch_message_ids(self) -> dict[int, str]:
        return dict(self.patches)

    @property
    def received_all(self) -> bool:
        return self.total is not None and len(self.patches) >= self.total


@dataclass(eq=False)  # postings are compared by identity: three identical copies are three
class _Builder:
    version: int
    total: int | None
    author: str
    date: datetime | None
    explicit_version: bool
    cover: str | None = None
    cover_name: str = ""
    first_patch_name: str = ""
    change_id: str | None = None
    patches: dict[int, str] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)

    def freeze(self) -> SeriesGroup:
        name = self.cover_name or self.first_patch_name
        return SeriesGroup(
            version=self.version, total=self.total, cover_message_id=self.cover,
            patches=tuple(sorted(self.patches.items())), name=name,
            author_address=self.author, date=self.date,
            family_key=f"{self.author}|{normalise_name(name)}", change_id=self.change_id,
            message_ids=tuple(self.order))


def _near(a: datetime | None, b: datetime | None) -> bool:
    return a is not None and b is not None and abs(a - b) <= MARKER_WINDOW


class _Assembler:
    def __init__(self) -> None:
        self.series: list[_Builder] = []
        self.by_ref: dict[str, list[_Builder]] = {}
        # (sender, version, total) -> postings: keeps the marker search linear in the batch
        self.by_marker: dict[tuple[str, int, int | None], list[_Builder]] = {}

    def remember(self, builder: _Builder, *ids: str) -> None:
        for msgid in ids:
            bucket = self.by_ref.setdefault(msgid, [])
            if builder not in bucket:
                bucket.append(builder)

    def by_references(self, msg: ParsedMessage, info: SubjectInfo) -> _Builder | None:
        # Newest reference first: a v2 sent in reply to v1 names v1 before its own cover.
        refs = [msg.in_reply_to] if msg.in_reply_to else []
        refs += [r for r in reversed(msg.references) if r not in refs]
        for ref in refs:
            for builder in reversed(self.by_ref.get(ref, [])):
                # An explicit "v2" never joins a v1 posting it merely replies to.
                if info.has_version and builder.explicit_version and (
                        builder.version != info.version):
                    continue
                if info.has_version and not builder.explicit_version and info.version != 1:
                    continue
                return builder
        return None

    def by_markers(self, msg: ParsedMessage, info: SubjectInfo, *,
                   free: Callable[[_Builder], bool]) -> _Builder | None:
        """The newest posting of this sender, version and size within the hour that still has
        room for this mail (a second unthreaded copy must not land in the first one)."""
        key = (msg.author.address, info.version, info.total)
        for builder in reversed(self.by_marker.get(key, [])):
            if (builder.version == info.version and builder.total == info.total
                    and _near(builder.date, msg.date) and free(builder)):
                return builder
        return None

    def new(self, msg: ParsedMessage, info: SubjectInfo) -> _Builder:
        builder = _Builder(version=info.version, total=info.total, author=msg.author.address,
                           date=msg.date, explicit_version=info.has_version)
        self.series.append(builder)
        self.index(builder)
        return builder

    def index(self, builder: _Builder) -> None:
        bucket = self.by_marker.setdefault((builder.author, builder.version, builder.total), [])
        if builder not in bucket:
            bucket.append(builder)

    def add_patch(self, msg: ParsedMessage, info: SubjectInfo) -> None:
        number = info.number if info.number is not None else 1
        builder = None
        if info.total is not None:
            builder = self.by_references(msg, info) or self.by_markers(
                msg, info, free=lambda b: number not in b.patches)
        if builder is None or number in builder.patches:
            builder = self.new(msg, info)
            builder.total = info.total if info.total is not None else 1
            self.remember(builder, *msg.references, msg.message_id)
        else:
            self.remember(builder, msg.message_id)
        builder.patches[number] = msg.message_id
        builder.order.append(msg.message_id)
        builder.first_patch_name = builder.first_patch_name or info.name
        builder.change_id = builder.change_id or msg.change_id

    def add_cover(self, msg: ParsedMessage, info: SubjectInfo) -> None:
        # Patches that arrived first remembered this cover's Message-ID.
        candidates = [b for b in self.by_ref.get(msg.message_id, []) if b.cover is None]
        builder = candidates[-1] if candidates else None
        if builder is None:
            builder = self.by_markers(msg, info, free=lambda b: b.cover is None)
        if builder is None:
            builder = self.new(msg, info)
        self.remember(builder, msg.message_id)
        builder.cover = msg.message_id
        builder.cover_name = info.name
        builder.order.append(msg.message_id)
        builder.change_id = msg.change_id or builder.change_id
        # The cover's subject is the authority on version and size.
        if info.has_version or not builder.explicit_version:
            builder.version, builder.explicit_version = info.version, info.has_version
            self.index(builder)
        if msg.date is not None and (builder.date is None or msg.date < builder.date):
            builder.date = msg.date


def group_series(messages: Sequence[ParsedMessage]) -> list[SeriesGroup]:
    """Assemble the series postings of a batch of mails, in the order given.

    Replies (``Re:``) are comments and join no series; a mail with a diff is a patch; a
    ``[PATCH 0/N]`` (or hg ``0 of N``) without a diff is a cover letter. Returns the groups
    sorted by date.
    """
    assembler = _Assembler()
    for msg in messages:
        info = parse_subject(msg.subject)
        if info.is_reply:
            continue
        if has_patch(msg.body):
            assembler.add_patch(msg, info)
        elif info.number == 0 and info.total is not None:
            assembler.add_cover(msg, info)
    groups = [b.freeze() for b in assembler.series]
    return sorted(groups, key=lambda g: (g.date is None, g.date or datetime.min))
