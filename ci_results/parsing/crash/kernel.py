"""What a report says about the kernel: version, taint, hardware, CPU/PID/Comm, workqueue."""

from __future__ import annotations

import re

from ..types import KernelInfo
from .frames import RIP_FRAME, RIP_LITERALS
from .lines import first_of
from .title import clean_frame

# "CPU: 4 PID: 89 Comm: kworker/u37:2 Not tainted 6.9.0-rc6 #10" and the newer
# "CPU: 1 UID: 0 PID: 5827 Comm: syz.0.17 Tainted: G        W          6.12.0-rc1-syzkaller #0"
_CPU_RE = re.compile(
    r"CPU: (\d+) (?:UID: \d+ )?PID: (\d+) Comm: (.{1,64}?) "
    r"(Not tainted|Tainted: [A-Z ]{0,40}?)\s*(\d+\.\d+[\w.+~-]*)"
)
# "WARNING: CPU: 1 PID: 8377 at arch/x86/kvm/x86.c:7209 ..."
_CPU_SHORT_RE = re.compile(r"CPU: (\d+) (?:UID: \d+ )?PID: (\d+)(?: Comm: (\S{1,64}))?")
# Hung tasks: "      Not tainted 5.10.0-rc3-syzkaller #0"
_TAINT_RE = re.compile(r"^ *(Not tainted|Tainted: [A-Z ]{0,40}?) +(\d+\.\d+[\w.+~-]*) #", re.M)
# "Hardware name: QEMU Standard PC (Q35 + ICH9, 2009), BIOS 1.16.3-debian-1.16.3-2 04/01/2014"
_HW_RE = re.compile(r"Hardware name: ([^\n]{1,200})")
# "Workqueue: writeback wb_workfn (flush-254:48)"
_WQ_RE = re.compile(r"Workqueue: ([\w./:-]{1,64} [\w.]{1,128})")
# "Linux version 6.9.0-rc6 (user@host) (gcc ...)" in the boot log
_VERSION_RE = re.compile(r"Linux version (\d+\.\d+[\w.+~-]*)")


def _search_from(regex: re.Pattern[str], literal: str, text: str, end: int | None = None,
                 ) -> re.Match[str] | None:
    """``regex.search(text, 0, end)`` for a regex whose every match starts with ``literal``:
    ``str.find`` skips to its first place faster than the regex engine's own scan."""
    end = len(text) if end is None else end
    at = text.find(literal, 0, end)
    return None if at == -1 else regex.search(text, at, end)


def _rip_frame(report: str) -> re.Match[str] | None:
    first = first_of(report, RIP_LITERALS)  # a "NIP" match starts one character earlier
    return None if first == -1 else RIP_FRAME.search(report, max(first - 1, 0))


def find_kernel_info(report: str, log: str = "", log_end: int = 200_000) -> KernelInfo:
    """``"CPU: 4 PID: 89 Comm: kworker/u37:2 Not tainted 6.9.0-rc6 #10"`` ->
    ``KernelInfo(cpu=4, pid=89, comm="kworker/u37:2", taint="Not tainted", version=...)``.

    The boot banner ("Linux version ...") is looked for in the first ``log_end``
    characters of ``log``."""
    cpu = pid = None
    comm = taint = version = None
    m = _search_from(_CPU_RE, "CPU: ", report)
    if m:
        cpu, pid, comm = int(m.group(1)), int(m.group(2)), m.group(3)
        taint, version = m.group(4).rstrip(), m.group(5)
    else:
        s = _search_from(_CPU_SHORT_RE, "CPU: ", report)
        if s:
            cpu, pid, comm = int(s.group(1)), int(s.group(2)), s.group(3)
    if version is None and "ainted" in report:  # "Not tainted", "Tainted: G W"
        t = _TAINT_RE.search(report)
        if t:
            taint, version = t.group(1).rstrip(), t.group(2)
    if version is None:
        v = (_search_from(_VERSION_RE, "Linux version ", log, log_end)
             or _search_from(_VERSION_RE, "Linux version ", report))
        if v:
            version = v.group(1)
    hw = _search_from(_HW_RE, "Hardware name: ", report)
    wq = _search_from(_WQ_RE, "Workqueue: ", report)  # rare: found fast
    rip = None
    r = _rip_frame(report)
    if r and r.group(1):
        rip = clean_frame(r.group(1))
    return KernelInfo(
        version=version,
        taint=taint,
        hardware=hw.group(1).strip() if hw else None,
        cpu=cpu,
        pid=pid,
        comm=comm,
        workqueue=wq.group(1) if wq else None,
        rip=rip,
    )
