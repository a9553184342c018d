"""Data for the page tests, built through the real services (run recording, log parsing,
message ingest, signature status), never with raw SQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ci_results.models import Origin, Run
from ci_results.parsing.types import CrashReport, KernelInfo, LogAnalysis
from ci_results.services.reports import run_store_reports
from ci_results.services.runs import runs_record
from threads.models import Thread
from threads.parsing.types import Address, ParsedMessage
from threads.services.ingest import message_ingest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CRASH_LOG = FIXTURES / "runs" / "0001-seed-null-deref-writeback.log"
HOSTILE_BODY = FIXTURES / "pages" / "0001-hostile-mail-body.txt"
START = datetime(2024, 4, 1, 8, 0, tzinfo=UTC)

KERNELS = {
    "rc5": {"tree": "mainline", "version": "6.9.0-rc5", "tag": "v6.9-rc5"},
    "rc6": {"tree": "mainline", "version": "6.9.0-rc6", "tag": "v6.9-rc6"},
    "rc6-fix": {"tree": "mainline", "version": "6.9.0-rc6", "tag": "v6.9-rc6",
                "label": "v6.9-rc6 + split fix",
                "patches": [{"kind": "commit", "ref": "e77a2a4fd6d9aa7e2641d5ea456ad0522c1e2a04"}]},
}
CONFIGS = {
    "xfs-4k": {"name": "xfs-4k", "filesystem": "xfs", "block_size": 4096},
    "xfs-16k-lbs": {"name": "xfs-16k-lbs", "filesystem": "xfs", "block_size": 16384,
                    "min_folio_order": 2},
}
REPRODUCER = {"name": "split-huge-pages-dd-loop", "description": "dd loop + split_huge_pages"}
# (kernel, config) -> outcomes of one "round"; crashes carry the seed crash log.
PLAN = {
    ("rc5", "xfs-16k-lbs"): ["crash", "pass", "crash", "pass", "error"],
    ("rc6", "xfs-16k-lbs"): ["crash", "crash", "pass", "crash", "pass"],
    ("rc6", "xfs-4k"): ["pass", "pass", "pass", "pass", "skip"],
    ("rc6-fix", "xfs-16k-lbs"): ["pass", "pass", "pass", "pass", "pass"],
}


def origin(name: str = "kdevops") -> Origin:
    return Origin.objects.get_or_create(name=name)[0]


def payload(run_id: str, kernel: str, config: str, outcome: str, started: datetime,
            **extra: Any) -> dict:
    body = {
        "run_id": run_id, "kernel": KERNELS[kernel], "config": CONFIGS[config],
        "reproducer": REPRODUCER, "outcome": outcome, "started_at": started.isoformat(),
        "duration_s": 600.0, "iterations": 40, "host": "kdevops-node-3",
    }
    if outcome == "crash":
        body["console_log"] = CRASH_LOG.read_text()
    body.update(extra)
    return body


SEED_TITLE = "BUG: unable to handle kernel NULL pointer dereference in filemap_get_folios_tag"


def seed_analysis(text: str) -> LogAnalysis:
    """What the crash-log parser finds in a log holding the seed crash."""
    start = text.index("[   60.000113] BUG:")
    end = text.index("\n", text.index("</TASK>")) + 1
    report = CrashReport(
        title=SEED_TITLE, crash_type="NULL-POINTER-DEREFERENCE",
        guilty_frame="filemap_get_folios_tag",
        frames=("filemap_get_folios_tag", "writeback_iter", "write_cache_pages",
                "iomap_writepages", "xfs_vm_writepages", "do_writepages"),
        report=text[start:end], start=start, end=end,
        kernel=KernelInfo(version="6.9.0-rc6", taint="Not tainted",
                          rip="filemap_get_folios_tag"),
    )
    return LogAnalysis(contains_crash=True, reports=(report,), panicked=True,
                       kernel=report.kernel)


def record(payloads: list[dict], origin_name: str = "kdevops") -> list[Run]:
    """Record runs with the ingest service and parse their logs with the parsing service."""
    result = runs_record(origin=origin(origin_name), payloads=payloads)
    logs = {p["run_id"]: p.get("console_log") for p in payloads}
    runs = list(Run.objects.filter(pk__in=[r.id for r in result.results]).order_by("id"))
    for run in runs:
        if run.log_path and "] BUG:" in (logs[run.run_id] or ""):
            # What the parser finds in the seed log, fixed here so page tests do not depend
            # on parser changes (the parser has its own golden tests).
            run_store_reports(run=run, analysis=seed_analysis(logs[run.run_id]))
    return runs


def dataset(rounds: int = 1, prefix: str = "r") -> list[Run]:
    """``rounds`` x 20 runs over four kernel x config cells, one day apart per round."""
    payloads = []
    for n in range(rounds):
        for (kernel, config), outcomes in PLAN.items():
            for i, outcome in enumerate(outcomes):
                when = START + timedelta(days=n % 30, hours=i, minutes=n // 30)
                payloads.append(payload(f"{prefix}{n}-{kernel}-{config}-{i}", kernel, config,
                                        outcome, when))
    return record(payloads)


def mail(msgid: str, subject: str, body: str, *, reply_to: str | None = None,
         author: str = "Luis Chamberlain", address: str = "mcgrof@kernel.org",
         date: datetime | None = None) -> Thread:
    parsed = ParsedMessage(
        message_id=msgid, subject=subject, author=Address(author, address),
        date=date or START, body=body, in_reply_to=reply_to,
        references=(reply_to,) if reply_to else (),
    )
    return message_ingest(parsed=parsed, source="file").thread
