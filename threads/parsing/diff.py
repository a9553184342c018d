"""Unified diffs inside mail bodies: the patch of a patch mail, and fixes quoted in replies.

Pure. ``find_diffs`` reads diffs at any quote depth; ``compute_patch_id`` gives the same id as
``git patch-id --stable`` for git-style diffs, so one change seen in a mail, a gist or a commit
is recognised as one.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from functools import lru_cache

from threads.parsing.quotemarks import QuotedLine, find_quoted_lines
from threads.parsing.types import Hunk, ParsedDiff

# "@@ -3058,7 +3058,7 @@ int split_huge_page_to_list_to_order(...)" (seed); b4's samples
# write "@@@ -1,1 +1,1 @@" and a one-line hunk may omit the count ("@@ -1 +1 @@").
_HUNK = re.compile(r"^@@+ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@+(.*)$")
# "diff --git a/mm/migrate.c b/mm/migrate.c" (seed)
_DIFF_GIT = re.compile(r"^diff --git (?:\"?a/)?(\S+) (?:\"?b/)?(\S+?)\"?\s*$")
# Extended header lines git writes between "diff --git" and "---" (renames, modes, index).
_GIT_HEADER = re.compile(
    r"^(?:index |old mode |new mode |deleted file mode |new file mode |similarity index |"
    r"dissimilarity index |rename from |rename to |copy from |copy to |Binary files |"
    r"GIT binary patch)"
)
# git patch-id drops every blank, so "\tif (x)" and "        if ( x )" hash alike.
_WS = re.compile(r"[ \t\n\v\f\r]+")
# "index 83955362d41c..90195506211a 100644" (seed): the blob ids name a binary file's change.
_INDEX = re.compile(r"^index ([0-9a-f]+)\.\.([0-9a-f]+)")


def _path(header_value: str) -> str:
    """``"b/mm/huge_memory.c\\t2024-04-29 10:00"`` -> ``"mm/huge_memory.c"``."""
    path = header_value.split("\t")[0].strip().strip('"')
    if path.startswith(("a/", "b/")):
        path = path[2:]
    return path


def _is_file_header(lines: Sequence[QuotedLine], i: int) -> bool:
    """``--- a/x`` then ``+++ b/x`` at the same depth (non-git diffs, b4's "non-git-patch")."""
    return (
        i + 1 < len(lines)
        and lines[i].text.startswith("--- ")
        and lines[i + 1].text.startswith("+++ ")
        and lines[i + 1].depth == lines[i].depth
    )


class _DiffReader:
    """Reads one diff starting at a given line; stops at the first line that cannot belong."""

    def __init__(self, lines: Sequence[QuotedLine], start: int) -> None:
        self.lines = lines
        self.depth = lines[start].depth
        self.i = start
        self.out: list[str] = []
        self.files: list[str] = []
        self.hunks: list[Hunk] = []

    def _line(self) -> QuotedLine | None:
        if self.i < len(self.lines) and self.lines[self.i].depth == self.depth:
            return self.lines[self.i]
        # A blank line of a quoted diff may have lost its trailing marker blank: ">" alone.
        if self.i < len(self.lines) and self.lines[self.i].blank and self.depth > 0:
            return self.lines[self.i] if self.lines[self.i].depth >= self.depth - 1 else None
        return None

    def read(self) -> int:
        """Consume file sections; return the index after the diff (``start`` when none)."""
        start = self.i
        while self._read_file():
            pass
        return self.i if self.hunks or self.files else start

    def _read_file(self) -> bool:
        line = self._line()
        if line is None:
            return False
        git = _DIFF_GIT.match(line.text)
        if not git and not _is_file_header(self.lines, self.i):
            return False
        begin, out_len, hunks_before = self.i, len(self.out), len(self.hunks)
        name = ""
        if git:
            name = _path(git.group(2))
            self.out.append(line.text.rstrip())
            self.i += 1
            while (line := self._line()) is not None and _GIT_HEADER.match(line.text):
                self.out.append(line.text.rstrip())
                self.i += 1
        if (line := self._line()) is not None and _is_file_header(self.lines, self.i):
            old = _path(line.text[4:])
            new = _path(self.lines[self.i + 1].text[4:])
            name = old if new == "/dev/null" else new
            if not git:
                # Non-git diffs ("--- a/x" / "+++ b/x") get git's header so their id matches.
                self.out.append(f"diff --git a/{old if old != '/dev/null' else new} b/{name}")
            self.out += [line.text.rstrip(), self.lines[self.i + 1].text.rstrip()]
            self.i += 2
        # Hunks normally follow "+++"; Patchwork's "git-rename-with-diff" sample has them right
        # after "rename to".
        while self._read_hunk():
            pass
        if not name or (not git and len(self.hunks) == hunks_before):
            # "--- x" / "+++ y" with no hunk is text, not a diff
            self.i = begin
            del self.out[out_len:]
            del self.hunks[hunks_before:]
            return False
        self.files.append(name)
        return True

    def _read_hunk(self) -> bool:
        line = self._line()
        match = _HUNK.match(line.text) if line is not None else None
        if match is None:
            return False
        old_start, new_start = int(match.group(1)), int(match.group(3))
        old_len = int(match.group(2)) if match.group(2) is not None else 1
        new_len = int(match.group(4)) if match.group(4) is not None else 1
        header = line.text.rstrip()
        self.out.append(header)
        self.i += 1
        before, after, body = old_len, new_len, []
        while before > 0 or after > 0:
            line = self._line()
            if line is None:
                break
            text = line.text.rstrip("\n")
            if text.startswith("\\"):
                body.append(text)
            elif text.startswith("-") and before > 0:
                body.append(text)
                before -= 1
            elif text.startswith("+") and after > 0:
                body.append(text)
                after -= 1
            elif before > 0 and after > 0 and not _HUNK.match(text) and not _DIFF_GIT.match(text):
                # Context: quoted diffs in the seed lost the leading blank ("> >>> int rc;"),
                # and blank context lines became empty; give the blank back.
                body.append(text if text.startswith(" ") else " " + text)
                before -= 1
                after -= 1
            else:
                break
            self.i += 1
        # "\ No newline at end of file" may follow the last counted line.
        if (line := self._line()) is not None and line.text.startswith("\\ "):
            body.append(line.text)
            self.i += 1
        self.out += body
        self.hunks.append(
            Hunk(header, old_start, old_len, new_start, new_len, tuple(body))
        )
        return True


def compute_patch_id(diff_text: str) -> str:
    """Patch-id of a unified diff, as ``git patch-id --stable`` computes it.

    Example input::

        diff --git a/mm/migrate.c b/mm/migrate.c
        --- a/mm/migrate.c
        +++ b/mm/migrate.c
        @@ -1484,7 +1484,12 @@ static inline int try_split_folio(...)
        ...

    Each file's header and hunk lines are hashed with all whitespace removed (hunk headers and
    ``index`` lines are skipped); the per-file SHA-1s are added as 160-bit numbers, so file
    order does not matter. Returns 40 hex digits, or "" for text with no diff. A binary file
    counts by its blob ids, as git 2.40 and later do (2.39 hashed part of the base85 data).
    """
    total = bytearray(20)
    sha = hashlib.sha1()
    hashed = False
    before = after = -1
    in_patch = binary = False
    pre_oid = post_oid = ""

    def flush() -> None:
        nonlocal sha
        digest = sha.digest()
        sha = hashlib.sha1()
        carry = 0
        for k in range(20):
            carry += total[k] + digest[k]
            total[k] = carry & 0xFF
            carry >>= 8

    for line in diff_text.replace("\r\n", "\n").split("\n"):
        if line.startswith("\\ ") and len(line) > 11:
            continue
        if not in_patch:
            if not line.startswith("diff "):
                continue
            in_patch = True
        if before == -1:
            if line.startswith(("GIT binary patch", "Binary files")):
                # A binary file counts by its blob ids ("index 0000000..f6c2a3b"), as in git.
                binary, before = True, 0
                sha.update((pre_oid + post_oid).encode())
                flush()
                hashed = True
                continue
            if match := _INDEX.match(line):
                pre_oid, post_oid = match.group(1), match.group(2)
                continue
            if line.startswith("--- "):
                before = after = 1
            elif not line[:1].isalpha():
                break
        if binary:
            if line.startswith("diff "):
                binary, before = False, -1
            continue
        if before == 0 and after == 0:
            if line.startswith("@@ -") and (match := _HUNK.match(line)):
                before = int(match.group(2)) if match.group(2) is not None else 1
                after = int(match.group(4)) if match.group(4) is not None else 1
                continue
            if not line.startswith("diff "):
                break
            flush()
            before = after = -1
        if line[:1] in ("-", " "):
            before -= 1
        if line[:1] in ("+", " "):
            after -= 1
        sha.update(_WS.sub("", line).encode("utf-8", "surrogateescape"))
        hashed = True
    if not hashed:
        return ""
    if not binary:
        flush()
    return bytes(total).hex()


@lru_cache(maxsize=32)  # parse_body, find_trailers and ingest all ask for the same body's diffs
def find_diffs(text: str) -> tuple[ParsedDiff, ...]:
    """Every unified diff in a body, at any quote depth.

    Example input (a fix quoted five levels deep in the seed, context lines without blank)::

        > >>>> diff --git a/mm/huge_memory.c b/mm/huge_memory.c
        > >>>> --- a/mm/huge_memory.c
        > >>>> +++ b/mm/huge_memory.c
        > >>>> @@ -3058,7 +3058,7 @@ int split_huge_page_to_list_to_order(...)
        > >>>> if (new_order >= folio_order(folio))
    """
    lines = find_quoted_lines(text)
    found: list[ParsedDiff] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.text.startswith("diff --git ") or _is_file_header(lines, i):
            reader = _DiffReader(lines, i)
            end = reader.read()
            if end > i:
                diff_text = "\n".join(reader.out) + "\n"
                found.append(
                    ParsedDiff(
                        text=diff_text,
                        files=tuple(dict.fromkeys(reader.files)),
                        hunks=tuple(reader.hunks),
                        patch_id=compute_patch_id(diff_text),
                        quote_depth=line.depth,
                        start_line=i,
                        end_line=end,
                    )
                )
                i = end
                continue
        i += 1
    return tuple(found)
