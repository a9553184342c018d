"""People as mails name them: ``From:`` values to names and addresses (git's rules)."""

from __future__ import annotations

import re

from threads.parsing.headers import clean_space, decode_words
from threads.parsing.types import Address


def _unquote(value: str) -> str:
    """Remove quoting: ``"A U Thor"`` -> ``A U Thor``; comments keep their parentheses."""
    out: list[str] = []
    i, n = 0, len(value)
    while i < n:
        c = value[i]
        i += 1
        if c == '"':
            while i < n:
                c = value[i]
                i += 1
                if c == "\\" and i < n:
                    out.append(value[i])
                    i += 1
                elif c == '"':
                    break
                else:
                    out.append(c)
        elif c == "(":
            out.append("(")
            depth = 1
            while i < n and depth:
                c = value[i]
                i += 1
                if c == "\\" and i < n:
                    out.append(value[i])
                    i += 1
                    continue
                if c == "(":
                    depth += 1
                elif c == ")":
                    depth -= 1
                out.append(c)
        else:
            out.append(c)
    return "".join(out)


def _sane_name(name: str, email: str) -> str:
    if not name or len(name) > 60 or any(c in name for c in "@<>"):
        return email
    return name


def parse_address_git(value: str) -> tuple[str, str]:
    """Name and address of a From: value exactly as ``git mailinfo`` reports them.

    The name falls back to the address when missing or unusable.
    ``parse_address_git('A (zzz) U Thor <a.u.thor@example.com> (Comment)')``
    -> ``("A (zzz) U Thor (Comment)", "a.u.thor@example.com")``.
    """
    text = _unquote(value)
    at = text.find("@")
    if at < 0:
        bra = value.find("<")
        ket = value.find(">", bra + 1) if bra >= 0 else -1
        if bra < 0 or ket < 0:
            return "", ""
        email = value[bra + 1 : ket]
        return _sane_name(value[:bra].strip(), email), email
    start = at
    while start > 0:
        c = text[start - 1]
        if c.isspace():
            break
        if c == "<":
            text = text[: start - 1] + " " + text[start:]
            break
        start -= 1
    end = start
    while end < len(text) and text[end] not in " \n\t\r\v\f>":
        end += 1
    email = text[start:end]
    rest = text[:start] + text[end + 1 if end < len(text) else end :]
    name = clean_space(rest)
    if len(name) >= 2 and name[0] == "(" and name[-1] == ")":
        name = name[1:-1]
    return _sane_name(name, email), email


# lkml.iu.edu hides the host part: ``p.raghav@xxxxxxxxxxx`` (seed message, quoted From:).
_OBFUSCATED = re.compile(r"@x{3,}(?:\.x+)*$|^x{3,}@", re.IGNORECASE)


def parse_address(value: str) -> Address:
    """A From:/To: value as an :class:`Address` (name as written, address lower-cased).

    ``parse_address('Pankaj Raghav <p.raghav@xxxxxxxxxxx>')`` ->
    ``Address("Pankaj Raghav", "p.raghav@xxxxxxxxxxx", obfuscated=True)``.
    """
    value = clean_space(decode_words(value))
    name, email = parse_address_git(value)
    if "@" not in email:
        email = ""
    if name == email:
        name = ""
    email = email.strip("<>;,\"'").lower()
    return Address(name=name, address=email, obfuscated=bool(_OBFUSCATED.search(email)))
