"""Kernel crash text pasted in a mail: where it is, and the text without quote markers.

This is the seam to ``ci_results``: threads only locates the text; ci_results parses it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from threads.parsing.quotemarks import QuotedLine, find_quoted_lines
from threads.parsing.types import CrashText

# Prefixes in front of console lines, removed only to recognise the line:
# syslog "Apr 30 10:38:04 debian12-xfs-reflink-4k kernel: " (seed), journalctl's
# "kernel: ", dmesg "[   60.002464] " and "[   60.002464][ T1234] ", serial "<4>[ 60.0] ".
_SYSLOG = re.compile(r"^[A-Z][a-z]{2}\s+\d{1,2}\s+\d{2}:\d{2}:\d{2}\s+\S+\s+kernel:\s?")
_JOURNAL = re.compile(r"^kernel:\s")
# dmesg: "[   60.002464] ", "[  594.649596][ T5097] " (printk caller id), "<4>[ 60.0] "
_DMESG = re.compile(r"^(?:<\d>)?\s*\[\s*\d+\.\d+\](?:\[\s*[CT]\d+\])?\s?")

# First lines of a report: "BUG: kernel NULL pointer dereference, address: 0000000000000036"
# (seed), "Oops: 0000 [#1] PREEMPT SMP NOPTI" (seed), "WARNING: CPU: 1 PID: 7 at mm/x.c:12",
# "------------[ cut here ]------------", "general protection fault, probably for ...",
# "BUG: KASAN: slab-use-after-free in ...", syzbot's "KASAN: ..." titles, "Call Trace:" and
# "RIP: 0010:..." when only part of a report is pasted; lockdep's "WARNING: possible circular
# locking dependency detected", kmemleak's "unreferenced object 0xffff888... (size 32):" and
# the other first lines seen in syzkaller's report samples (old lockdep brackets its title:
# "[ INFO: possible circular locking dependency detected ]"). checkpatch's "WARNING: Missing a
# blank line" is not a crash, so WARNING: needs one of the known words after it.
_START = re.compile(
    r"^(?:BUG: |BUG kmalloc|kernel BUG at |Oops(?:: |\[)|"
    r"WARNING: (?:CPU: |at |possible |suspicious |inconsistent |bad unlock|held lock|lock held|"
    r"still has locks|kernel stack|locking bug|nested lock)|"
    r"unreferenced object 0x|divide error: |PANIC: double fault|Internal error: |"
    r"Unhandled fault|unregister_netdevice: waiting for|VFS: Busy inodes|"
    r"-+\[ cut here \]-+|general protection fault|KASAN: |UBSAN: |KMSAN: |KCSAN: |"
    r"Unable to handle kernel |Kernel panic - not syncing|INFO: task .* blocked for more than|"
    r"(?:rcu: )?INFO: rcu_\w+ (?:self-)?detected|(?:NMI )?watchdog: BUG: |Call Trace:|"
    r"RIP: [0-9a-f]{4}:|\[ (?:INFO|BUG): .*\]\s*$|WARNING: .*(?:lock order detected|locks held!)|"
    r"list_(?:add|del) corruption|refcount_t: )"
)
# Lines that keep a report going when they carry no console prefix (pasted from a decoder):
# registers "RAX: 0000000000000002 RBX: ..." (seed), "Code: bd 06 86 00 48 89 c3",
# decodecode's "All code" / "========" / "2a:* 8b 43 34  mov 0x34(%rbx),%eax" (seed),
# frames " ? __die (arch/x86/kernel/dumpstack.c:421)" and "  filemap_get_folios_tag+0x12/0x40",
# "<TASK>"/"</TASK>"/"<IRQ>", "Modules linked in:", "---[ end trace 0000000000000000 ]---".
_CONTINUE = re.compile(
    r"^\s*(?:(?:[A-Z0-9]{2,3}|EFLAGS|PKRU|FS|GS|knlGS|CS|DS|ES|CR[0-4]|DR[0-7]):\s*[0-9a-f(]|"
    r"Code: |All code|Code starting with the faulting instruction|=+\s*$|"
    r"[0-9a-f]+:\*?\s+(?:[0-9a-f]{2}\s)+|"
    r"\?\s+\S+|[\w.$]+\+0x[0-9a-f]+/0x[0-9a-f]+|[\w.$]+ \((?:\./)?[\w/.-]+:\d+|"
    r"</?(?:TASK|IRQ|NMI|SOFTIRQ)>|Modules linked in:|CPU: \d+|Hardware name:|Workqueue:|"
    r"Call Trace:|RIP: |RSP: |Stack:|Tainted:|#PF: |PGD |Oops|BUG: |WARNING: |irq event stamp|"
    r"hardirqs |softirqs |-+\[ (?:end trace|cut here)|Kernel panic|Allocated by task|"
    r"Freed by task|The buggy address|(?:Read|Write) of size \d+ at addr|Memory state around|"
    r"[0-9a-f]{16}: (?:[0-9a-f]{2} )|"
    r"pc : |lr : |sp : |x\d+ ?: |Internal error:|Process |kasan_|__kasan|lock_|print_)"
)

# The ruler KASAN prints above "BUG: KASAN: slab-use-after-free in ..." (66 "=").
_RULER = re.compile(r"^={20,}$")


def _console_payload(text: str) -> tuple[bool, str]:
    """``"Apr 30 10:38:04 host kernel: BUG: ..."`` -> (True, ``"BUG: ..."``)."""
    for prefix in (_SYSLOG, _JOURNAL, _DMESG):
        if m := prefix.match(text):
            return True, text[m.end() :]
    return False, text


def _starts(line: QuotedLine) -> bool:
    _, payload = _console_payload(line.text)
    return bool(_START.match(payload.lstrip()))


def _continues(line: QuotedLine) -> bool:
    prefixed, payload = _console_payload(line.text)
    return prefixed or bool(_CONTINUE.match(payload))


@lru_cache(maxsize=32)  # parse_body and ingest both ask for the same body's crash text
def find_crash_text(text: str) -> tuple[CrashText, ...]:
    """Kernel crash reports pasted in a body, at any quote depth.

    Example input (from the seed, one line of many)::

        Apr 30 10:38:04 debian12-xfs-reflink-4k kernel: BUG: kernel NULL pointer dereference,
        address: 0000000000000036

    A report starts at a line such as ``BUG:``/``Oops:``/``WARNING: CPU:``/``Call Trace:`` and
    runs while lines look like console output (a syslog or dmesg prefix, registers, frames,
    decoded code); one blank line inside is allowed when the report goes on after it.
    """
    lines = find_quoted_lines(text)
    found: list[CrashText] = []
    i = 0
    while i < len(lines):
        if lines[i].blank or not _starts(lines[i]):
            i += 1
            continue
        depth, end, j = lines[i].depth, i + 1, i + 1
        if i > 0 and lines[i - 1].depth == depth and _RULER.match(lines[i - 1].text.strip()):
            i -= 1  # KASAN/KMSAN reports open with a "=====" ruler line
        while j < len(lines):
            line = lines[j]
            if line.depth == depth and not line.blank and (_continues(line) or _starts(line)):
                end = j = j + 1
                continue
            if line.blank and j + 1 < len(lines):
                after = lines[j + 1]
                if after.depth == depth and not after.blank and _continues(after):
                    j += 1
                    continue
            break
        body = "\n".join(line.text for line in lines[i:end]) + "\n"
        found.append(CrashText(start_line=i, end_line=end, text=body, quote_depth=depth))
        i = end
    return tuple(found)
