"""Title normalisation and the crash type of a title (syzkaller's TYPE names)."""

from __future__ import annotations

import re
from collections.abc import Callable

MAX_TITLE = 120


def _group1_and(text: str) -> Callable[[re.Match[str]], str]:
    """The replacement ``r"\\1" + text`` as a function: ``re`` expands a template with a
    group reference in Python code at every match, and titles are cleaned for every report."""
    def repl(m: re.Match[str]) -> str:
        return m.group(1) + text
    return repl


_GROUP1 = _group1_and("")

# Applied in order to every title and alternative title, each only when the title holds
# its literal (a regex cannot match without it; most titles hold none of them).
_REPLACEMENTS: tuple[tuple[str, re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    # "syz-executor.3", "syz-executor4/8123" -> "syz-executor"
    ("syz-executor", re.compile(r"syz-executor\.?[0-9]+(?:(?:/|:)[0-9]+)?"), "syz-executor"),
    # "syz.2.317" (new executor comm) -> "syz"
    ("syz.", re.compile(r"syz\.[0-9]+\.[0-9]+"), "syz"),
    # "syzkaller123456/7" (repro binaries)
    ("syzkaller", re.compile(r"syzkaller[0-9]+(?:(?:/|:)[0-9]+)?"), "syzkaller"),
    # "at addr ffff88006b3d6c80", "0x7f0012345678"
    ("", re.compile(r"([^a-zA-Z0-9])(?:0x)?[0-9a-f]{6,}"), _group1_and("ADDR")),
    # "10.0.2.15"
    (".", re.compile(r"([^a-zA-Z0-9])(?:[0-9]{1,3}\.){3}[0-9]{1,3}"), _group1_and("IP")),
    # "mm/filemap.c:1980" -> "mm/filemap.c:LINE"
    (":", re.compile(r"(\.\w+)(:[0-9]+)+"), _group1_and(":LINE")),
    # "ip6_fragment+0x1052/0x2d80" -> "ip6_fragment"
    ("+0x", re.compile(r"([a-zA-Z][a-zA-Z0-9_.]+)\+0x[0-9a-z]+/0x[0-9a-z]+"), _GROUP1),
    # "CPU#3"
    ("CPU#", re.compile(r"CPU#[0-9]+"), "CPU"),
)
# "age=5 cpu=0 pid=3" -> "age=NUM cpu=NUM pid=NUM"; run twice for "0,1,2".
_NUM_RE = re.compile(r"(\W)(\d+)(\W|$)")
_LONG_NUM_RE = re.compile(r"\d{7,}")
# ".constprop.0", ".isra.3", ".part.7", ".cold", ".llvm.123456" compiler clones.
_SUFFIX_RE = re.compile(r"\b([a-zA-Z_][a-zA-Z0-9_]*)(?:\.(?:constprop|isra|part|cold|llvm|lto_priv"
                        r"|localalias|clone|unk)(?:\.[0-9]+)*)+\b")
_DIGIT_RE = re.compile(r"\d")


def _num(m: re.Match[str]) -> str:
    return m.group(1) + "NUM" + m.group(3)  # r"\1NUM\3"


def clean_title(title: str) -> str:
    """``"KASAN: use-after-free in do_con_write.part.23 at addr ffff88006b3d6c80"`` ->
    ``"KASAN: use-after-free in do_con_write.part.NUM at addr ADDR"``."""
    # Replacements only shorten a title; cutting first bounds their (quadratic at worst) cost.
    title = title[: MAX_TITLE * 5]
    for literal, regex, repl in _REPLACEMENTS:
        if literal in title:
            title = regex.sub(repl, title)
    if _DIGIT_RE.search(title):
        for _ in range(2):
            title = _NUM_RE.sub(_num, title)
        title = _LONG_NUM_RE.sub("NUM", title)
    if not title.isprintable():
        title = "".join(c if c.isprintable() else " " for c in title)
    title = " ".join(title.split())  # runs of white space -> one space, none at the ends
    return title[:MAX_TITLE].rstrip()


def clean_frame(name: str) -> str:
    """``"update_sd_lb_stats.constprop.0"`` -> ``"update_sd_lb_stats"``."""
    return _SUFFIX_RE.sub(_GROUP1, name) if "." in name else name


_KASAN_RE = re.compile(r"KASAN: ([a-z\-]+)(?: (Read|Write))?")
_KFENCE_RE = re.compile(r"KFENCE: (use-after-free|out-of-bounds|invalid) (read|write|free)")

# Prefix -> type, first match wins (from syzkaller's crash type table as its tests use it).
_PREFIX_TYPES: tuple[tuple[str, str], ...] = (
    ("KMSAN: uninit-value", "KMSAN-UNINIT-VALUE"),
    ("KMSAN: kernel-infoleak", "KMSAN-INFO-LEAK"),
    ("KMSAN: kernel-usb-infoleak", "KMSAN-INFO-LEAK"),
    ("KMSAN: use-after-free", "KMSAN-USE-AFTER-FREE"),
    ("KMSAN:", "KMSAN-UNINIT-VALUE"),
    ("KCSAN: data-race", "KCSAN-DATARACE"),
    ("KCSAN: assert: race", "KCSAN-ASSERT"),
    ("KFENCE: memory corruption", "KFENCE-MEMORY-CORRUPTION"),
    ("BUG: unable to handle kernel NULL pointer dereference", "NULL-POINTER-DEREFERENCE"),
    ("BUG: unable to handle kernel paging request", "MEMORY_SAFETY_BUG"),
    ("BUG: corrupted list", "MEMORY_SAFETY_BUG"),
    ("UBSAN: array-index-out-of-bounds", "MEMORY_SAFETY_UBSAN"),
    ("UBSAN:", "UBSAN"),
    ("INFO: rcu detected stall", "HANG"),
    ("INFO: task hung", "HANG"),
    ("INFO: task can't die", "HANG"),
    ("BUG: soft lockup", "HANG"),
    ("memory leak", "LEAK"),
    ("WARNING: refcount bug", "REFCOUNT_WARNING"),
    ("WARNING: locking bug", "LOCKDEP"),
    ("WARNING: suspicious RCU usage in", "LOCKDEP"),
    ("WARNING: bad unlock balance", "LOCKDEP"),
    ("WARNING: held lock freed", "LOCKDEP"),
    ("WARNING: still has locks held", "LOCKDEP"),
    ("WARNING: nested lock was not taken", "LOCKDEP"),
    ("WARNING: kernel stack regs", ""),
    ("WARNING: kernel stack frame pointer", ""),
    ("WARNING:", "WARNING"),
    ("WARNING in", "WARNING"),
    ("possible deadlock", "LOCKDEP"),
    ("inconsistent lock state", "LOCKDEP"),
    ("BUG: spinlock", "LOCKDEP"),
    ("BUG: rwlock", "LOCKDEP"),
    ("BUG: held lock freed", "LOCKDEP"),
    ("BUG: bad unlock balance", "LOCKDEP"),
    ("BUG: using __this_cpu_", "LOCKDEP"),
    ("BUG: using smp_processor_id()", "LOCKDEP"),
    ("BUG: still has locks held", "LOCKDEP"),
    ("BUG: Invalid wait context", "LOCKDEP"),
    ("BUG: MAX_LOCKDEP", "LOCKDEP"),
    ("BUG: sleeping function called from invalid context", "ATOMIC_SLEEP"),
    ("BUG: scheduling while atomic", "ATOMIC_SLEEP"),
    ("BUG: bad usercopy", "BUG"),
    ("kernel BUG", "BUG"),
    ("BUG: Object already free", "DoS"),
    ("general protection fault", "DoS"),
    ("divide error", "DoS"),
    ("invalid opcode", "DoS"),
    ("stack segment fault", "DoS"),
    ("PANIC: double fault", "DoS"),
    ("kernel panic", "DoS"),
    ("kernel stack overflow", "DoS"),
    ("Internal error", "DoS"),
    ("Unhandled fault", "DoS"),
    ("Alignment trap", "DoS"),
    ("trusty:", "DoS"),
    ("unregister_netdevice: waiting for", "DoS"),
    ("VFS: Close: file count is zero", "DoS"),
    ("VFS: Busy inodes after unmount", "DoS"),
    ("go runtime error", "DoS"),
    ("panic:", "DoS"),
    ("SYZFAIL", "SYZ_FAILURE"),
    ("SYZFATAL", "SYZ_FAILURE"),
    ("unexpected kernel reboot", "REBOOT"),
)


def find_crash_type(title: str) -> str:
    """``"KASAN: slab-out-of-bounds Write in napi_hash_del"`` -> ``"KASAN-WRITE"``;
    ``"UNKNOWN"`` when syzkaller has no type for the title."""
    m = _KASAN_RE.match(title)
    if m:
        kind, access = m.group(1), m.group(2) or "Read"
        suffix = "WRITE" if access == "Write" else "READ"
        if kind in ("invalid-free", "double-free"):
            return "KASAN-INVALID-FREE"
        if kind in ("use-after-free", "slab-use-after-free"):
            return f"KASAN-USE-AFTER-FREE-{suffix}"
        if kind == "null-ptr-deref":
            return f"KASAN-NULL-POINTER-DEREFERENCE-{suffix}"
        return f"KASAN-{suffix}"
    m = _KFENCE_RE.match(title)
    if m:
        kind, access = m.group(1), m.group(2).upper()
        if access == "FREE":
            return "KFENCE-INVALID-FREE"
        if kind == "use-after-free":
            return f"KFENCE-USE-AFTER-FREE-{access}"
        return f"KFENCE-{access}"
    m = _PREFIX_TYPES_RE.match(title)
    if m is None:
        return "UNKNOWN"
    return _PREFIX_TYPES[m.lastindex - 1][1] or "UNKNOWN"  # type: ignore[operator]


# The prefixes as one alternation of groups, in table order: the first that matches wins,
# as in a loop over the table, and ``lastindex`` names it.
_PREFIX_TYPES_RE = re.compile("|".join(f"({re.escape(p)})" for p, _ in _PREFIX_TYPES))
