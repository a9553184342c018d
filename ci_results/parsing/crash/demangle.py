"""Symbol names of Rust (v0) and C++ frames, as syzbot titles show them.

``_RNvMs3_NtCshgDM7dBCdno_11rust_binder7processNtB5_7Process10update_ref`` ->
``<rust_binder::process::Process>::update_ref``; ``_Z8fakeNameiii`` -> ``fakeName``.
Only paths are decoded (no generic arguments); anything else is returned unchanged.
"""

from __future__ import annotations


class _Unsupported(ValueError):
    pass


class _RustV0:
    def __init__(self, symbol: str) -> None:
        self.s = symbol
        self.i = 2  # after "_R"
        self.depth = 0

    def _peek(self) -> str:
        return self.s[self.i] if self.i < len(self.s) else ""

    def _next(self) -> str:
        c = self._peek()
        if not c:
            raise _Unsupported("truncated")
        self.i += 1
        return c

    def _base62(self) -> int:
        if self._peek() == "_":
            self.i += 1
            return 0
        value = 0
        while (c := self._next()) != "_":
            if c.isdigit():
                digit = ord(c) - 48
            elif "a" <= c <= "z":
                digit = ord(c) - 87
            elif "A" <= c <= "Z":
                digit = ord(c) - 29
            else:
                raise _Unsupported(c)
            value = value * 62 + digit
        return value + 1

    def _disambiguator(self) -> None:
        if self._peek() == "s":
            self.i += 1
            self._base62()

    def _ident(self) -> str:
        self._disambiguator()
        start = self.i
        while self._peek().isdigit():
            self.i += 1
        if start == self.i:
            raise _Unsupported("identifier")
        length = int(self.s[start:self.i])
        if self._peek() == "_":
            self.i += 1
        name = self.s[self.i:self.i + length]
        self.i += length
        return name

    def path(self) -> str:
        self.depth += 1
        if self.depth > 50:
            raise _Unsupported("too deep")
        tag = self._next()
        if tag == "C":
            return self._ident()
        if tag == "N":
            namespace = self._next()
            parent = self.path()
            name = self._ident()
            if namespace == "C":
                return f"{parent}::{{closure}}"
            return f"{parent}::{name}" if name else parent
        if tag == "M":  # inherent impl: <Type>
            self._disambiguator()
            self.path()
            return f"<{self.path()}>"
        if tag == "X":  # trait impl: <Type as Trait>
            self._disambiguator()
            self.path()
            ty = self.path()
            return f"<{ty} as {self.path()}>"
        if tag == "Y":
            ty = self.path()
            return f"<{ty} as {self.path()}>"
        if tag == "B":
            target = 2 + self._base62()
            saved, self.i = self.i, target
            try:
                return self.path()
            finally:
                self.i = saved
        raise _Unsupported(tag)


def _itanium(symbol: str) -> str:
    i = 2
    nested = symbol[i:i + 1] == "N"
    if nested:
        i += 1
    parts = []
    while i < len(symbol) and symbol[i].isdigit():
        j = i
        while j < len(symbol) and symbol[j].isdigit():
            j += 1
        length = int(symbol[i:j])
        parts.append(symbol[j:j + length])
        i = j + length
        if not nested:
            break
    if not parts:
        raise _Unsupported("itanium")
    return "::".join(parts)


def demangle(symbol: str) -> str:
    """``"_Z8fakeNameiii"`` -> ``"fakeName"``; a C name is returned as it is."""
    try:
        if symbol.startswith("_R"):
            return _RustV0(symbol).path()
        if symbol.startswith("_Z"):
            return _itanium(symbol)
    except (_Unsupported, ValueError, IndexError):
        pass
    return symbol
