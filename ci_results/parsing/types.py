"""What the console-log parser returns: frozen dataclasses, no Django.

The contract between ``ci_results.parsing.crash`` and the services that store crash reports.
Fields may be added; existing names keep their meaning.
"""

from __future__ import annotations

from dataclasses import dataclass


class FieldErrors(ValueError):
    """Input that parses but is not a valid submission; ``errors`` name each place (HTTP 422).

    Each error reads "where: what", e.g. "tests[0].status: 'X' is not one of ...".
    """

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = tuple(errors)

    @property
    def fields(self) -> tuple[tuple[str, str], ...]:
        """Each error as (place, message)."""
        return tuple((where, what) for where, _, what in (e.partition(": ") for e in self.errors))


@dataclass(frozen=True)
class KernelInfo:
    """What a log says about the kernel that printed it."""

    version: str | None = None  # "6.9.0-rc6"
    taint: str | None = None  # "Not tainted", "Tainted: G        W"
    hardware: str | None = None  # "QEMU Standard PC (Q35 + ICH9, 2009), BIOS ..."
    cpu: int | None = None
    pid: int | None = None
    comm: str | None = None  # "kworker/u37:2"
    workqueue: str | None = None  # "writeback wb_workfn"
    rip: str | None = None  # "filemap_get_folios_tag"


@dataclass(frozen=True)
class CrashReport:
    """One crash found in a log."""

    title: str  # syzbot scheme: "BUG: unable to handle kernel NULL pointer dereference in X"
    crash_type: str  # syzkaller names: "NULL-POINTER-DEREFERENCE", "KASAN-READ", "WARNING", ...
    alt_titles: tuple[str, ...] = ()
    corrupted: bool = False
    suppressed: bool = False
    guilty_frame: str | None = None
    frames: tuple[str, ...] = ()  # call trace, offsets stripped, innermost first
    report: str = ""  # the report text cut out of the log
    start: int = 0  # character offsets of the report in the log
    end: int = 0
    kernel: KernelInfo = KernelInfo()
    panicked: bool = False  # the kernel panicked after (or because of) this report
    corrupted_reason: str = ""  # why ``corrupted`` is set: "no frames in a stack trace", ...


@dataclass(frozen=True)
class LogAnalysis:
    contains_crash: bool
    reports: tuple[CrashReport, ...] = ()  # in log order; the first is the one that counts
    panicked: bool = False
    kernel: KernelInfo = KernelInfo()
