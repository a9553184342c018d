"""Demo part: a clearly labelled synthetic set of reproducer runs telling the seed's story.

Origin ``demo``; kernels on trees named ``demo: ...``, so they never mix with real kernels.
v6.9-rc5, v6.9-rc6 and next-20240430 crash on XFS (often with 16k blocks and min folio order
2, sometimes with 4k blocks); v6.9-rc6 with the seed's candidate fix (mm/migrate.c: do not
split a dirty folio in try_split_folio) does not. Crash runs carry the seed's crash log, so the
real parser files them under the seed's signature. Everything goes through the real ingest
service (rollups, parse tasks); loading twice changes nothing (same run ids, same content).
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta

from django.db import transaction

from ci_results.models import (
    Config,
    CrashReport,
    CrashSignature,
    Kernel,
    Origin,
    Reproducer,
    Rollup,
    Run,
)
from ci_results.services import dimensions, signatures
from ci_results.services.runs import runs_record
from dashboard.demo.threads import SEED

ORIGIN = "demo"
TREE_PREFIX = "demo: "
REPRODUCER = "split-huge-pages-dd-loop"


def _seed_message_id() -> str:
    from threads.parsing.hypermail import parse_hypermail_text

    return parse_hypermail_text(SEED.read_text()).message_id


def _kernels() -> dict[str, dict]:
    rc6 = {"tree": TREE_PREFIX + "mainline", "version": "6.9.0-rc6", "tag": "v6.9-rc6"}
    return {
        "rc5": {"tree": TREE_PREFIX + "mainline", "version": "6.9.0-rc5", "tag": "v6.9-rc5",
                "label": "v6.9-rc5 (demo)"},
        "rc6": {**rc6, "label": "v6.9-rc6 (demo)"},
        "next": {"tree": TREE_PREFIX + "linux-next", "version": "6.9.0-rc6-next-20240430",
                 "tag": "next-20240430", "label": "next-20240430 (demo)"},
        "fix": {**rc6, "label": "v6.9-rc6 + migrate.c dirty-folio fix (demo)",
                "patches": [{"kind": "series", "ref": _seed_message_id()}]},
    }


CONFIGS = {
    "xfs-4k": {"filesystem": "xfs", "block_size": 4096, "min_folio_order": 0,
               "arch": "x86_64", "params": {"mkfs": "mkfs.xfs -f"}},
    "xfs-16k-lbs": {"filesystem": "xfs", "block_size": 16384, "min_folio_order": 2,
                    "arch": "x86_64", "params": {"mkfs": "mkfs.xfs -f -b size=16k"}},
    "xfs-reflink-4k": {"filesystem": "xfs", "block_size": 4096, "min_folio_order": 0,
                       "arch": "x86_64", "params": {"mkfs": "mkfs.xfs -f -m reflink=1"}},
    "ext4-4k": {"filesystem": "ext4", "block_size": 4096, "min_folio_order": 0,
                "arch": "x86_64", "params": {"mkfs": "mkfs.ext4 -F"}},
}
# Crash probability per run: kernel -> config. The fix kernel is clean everywhere.
CRASH_RATE = {
    "rc5": {"xfs-4k": 0.10, "xfs-16k-lbs": 0.40, "xfs-reflink-4k": 0.15, "ext4-4k": 0.0},
    "rc6": {"xfs-4k": 0.12, "xfs-16k-lbs": 0.45, "xfs-reflink-4k": 0.15, "ext4-4k": 0.0},
    "next": {"xfs-4k": 0.10, "xfs-16k-lbs": 0.35, "xfs-reflink-4k": 0.12, "ext4-4k": 0.0},
    "fix": {"xfs-4k": 0.0, "xfs-16k-lbs": 0.0, "xfs-reflink-4k": 0.0, "ext4-4k": 0.0},
}
# First day each kernel was tested, and how many runs per config (14 days end on May 4).
SCHEDULE = {"rc5": (datetime(2024, 4, 21, tzinfo=UTC), 24),
            "rc6": (datetime(2024, 4, 28, tzinfo=UTC), 24),
            "next": (datetime(2024, 4, 30, tzinfo=UTC), 16),
            "fix": (datetime(2024, 5, 1, tzinfo=UTC), 30)}
LAST_DAY = datetime(2024, 5, 4, 23, 0, tzinfo=UTC)

HUNG_TASK = """\
[ 1320.123456] INFO: task dd:2148 blocked for more than 120 seconds.
[ 1320.123999]       Not tainted {version} #10
[ 1320.124512] "echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.
[ 1320.125001] task:dd              state:D stack:0     pid:2148  tgid:2148  ppid:2101
[ 1320.125600] Call Trace:
[ 1320.125800]  <TASK>
[ 1320.126000]  __schedule+0x3e4/0xb30
[ 1320.126200]  schedule+0x2b/0xf0
[ 1320.126400]  io_schedule+0x42/0x70
[ 1320.126600]  folio_wait_bit_common+0x12d/0x350
[ 1320.126800]  folio_wait_writeback+0x2b/0x80
[ 1320.127000]  __filemap_fdatawait_range+0x7f/0x110
[ 1320.127200]  filemap_write_and_wait_range+0x5a/0xa0
[ 1320.127400]  xfs_setattr_size+0x10d/0x3d0
[ 1320.127600]  xfs_vn_setattr+0x78/0x180
[ 1320.127800]  notify_change+0x1f4/0x4a0
[ 1320.128000]  do_truncate+0x7f/0xd0
[ 1320.128200]  path_openat+0xb3e/0x1170
[ 1320.128400]  do_filp_open+0xb3/0x160
[ 1320.128600]  do_sys_openat2+0x95/0xd0
[ 1320.128800]  __x64_sys_openat+0x55/0xa0
[ 1320.129000]  do_syscall_64+0x6b/0x110
[ 1320.129200]  entry_SYSCALL_64_after_hwframe+0x76/0x7e
[ 1320.129400]  </TASK>
"""


def _reproducer_script() -> str:
    """The reproducer as the seed message gives it (mkfs, mount, the two loops)."""
    text = SEED.read_text()
    last = "/sys/kernel/debug/split_huge_pages 0x400000 2> /dev/null; done"
    start, end = text.index("mkfs.xfs /dev/vdd"), text.index(last) + len(last)
    head = "#!/bin/sh\n# From the seed message (Luis Chamberlain, 30 Apr 2024)\n"
    return head + text[start:end] + "\n"


def _crash_log(version: str) -> str:
    """The seed's crash as a serial console log (syslog prefixes become timestamps)."""
    prefix = re.compile(r"^Apr 30 10:3\d:\d\d debian12-xfs-reflink-4k kernel: ")
    lines = [f"[    0.000000] Linux version {version} (demo@kdevops) #10 SMP PREEMPT_DYNAMIC"]
    t = 5.0
    for line in SEED.read_text().splitlines():
        match = prefix.match(line)
        if not match:
            continue
        body = line[match.end():].replace("6.9.0-rc6", version)
        t = 60.0 if "huge_memory: split" in body else t + 0.000113
        lines.append(f"[{t:12.6f}] {body}")
    return "\n".join(lines) + "\n"


def _payloads(key: str, kernel: dict, script: str) -> list[dict]:
    start, per_config = SCHEDULE[key]
    span = (LAST_DAY - start).total_seconds()
    crash_log, hung_log = _crash_log(kernel["version"]), HUNG_TASK.format(
        version=kernel["version"])
    payloads = []
    for config, params in CONFIGS.items():
        rng = random.Random(f"kbd-demo-{key}-{config}")  # the same runs on every load
        for i in range(per_config):
            roll = rng.random()
            rate = CRASH_RATE[key][config]
            outcome = ("crash" if roll < rate else "hang" if roll < rate + 0.02 and rate
                       else "error" if roll > 0.97 else "pass")
            started = start + timedelta(seconds=span * (i + rng.random()) / per_config)
            run = {
                "run_id": f"demo-{key}-{config}-{i:03d}",
                "kernel": kernel, "config": {"name": config, **params},
                "reproducer": {"name": REPRODUCER, "script": script,
                               "description": "dd loop writing a file while "
                                              "split_huge_pages splits its folios (seed)"},
                "outcome": outcome,
                "started_at": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "duration_s": round(60 + rng.random() * 540, 1) if outcome != "crash"
                else round(20 + rng.random() * 60, 1),
                "iterations": 40 if outcome == "pass" else rng.randint(1, 39),
                "host": f"demo-kdevops-{config}", "vm": {"synthetic": True, "cpus": 8,
                                                          "memory_gb": 16, "qemu": "8.2"},
            }
            if outcome == "crash":
                run["console_log"] = crash_log
            elif outcome == "hang":
                run["console_log"] = hung_log
            payloads.append(run)
    return payloads


def load() -> list[str]:
    origin, _ = Origin.objects.get_or_create(
        name=ORIGIN, defaults={"description": "synthetic demo runs (not real results)"})
    script = _reproducer_script()
    created = unchanged = 0
    for key, kernel in _kernels().items():
        result = runs_record(origin=origin, payloads=_payloads(key, kernel, script))
        if result.status == "conflict":
            raise RuntimeError(f"demo runs of {key} conflict with stored ones: "
                               "run manage.py load_demo --remove first")
        created += sum(r.status == "created" for r in result.results)
        unchanged += sum(r.status == "unchanged" for r in result.results)
    crashes = Run.objects.filter(origin=origin, outcome="crash").count()
    reports = CrashReport.objects.filter(run__origin=origin).count()
    return [f"runs: synthetic demo runs: {created} created, {unchanged} already there "
            f"({crashes} crashes, {reports} crash reports parsed)"]


def remove() -> list[str]:
    with transaction.atomic():
        runs = Run.objects.filter(origin__name=ORIGIN)
        sig_ids = set(CrashReport.objects.filter(run__in=runs)
                      .values_list("signature_id", flat=True))
        count = runs.count()
        CrashReport.objects.filter(run__in=runs).delete()
        runs.delete()
        signatures.signatures_recount(signature_ids=sig_ids)
        CrashSignature.objects.filter(pk__in=sig_ids, report_count=0).delete()
        kernels = Kernel.objects.filter(tree__startswith=TREE_PREFIX)
        Rollup.objects.filter(kernel__in=kernels).delete()
        kernels.delete()
        Config.objects.filter(runs__isnull=True, rollups__isnull=True).delete()
        Reproducer.objects.filter(runs__isnull=True, rollups__isnull=True).delete()
        Origin.objects.filter(name=ORIGIN).delete()
    dimensions.dimensions_forget()
    return [f"runs: removed {count} synthetic demo runs"]
