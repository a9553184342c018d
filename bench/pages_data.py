"""Generated data for bench/pages.py, loaded with PostgreSQL COPY (streamed, not held).

Shape: kernels released over a year (rc1..rc7, releases, patched variants), configs x
reproducers, runs spread over the days each kernel was tested, a per-cell failure rate, one
crash report per failing run in one of N signatures (Zipf-like), rollups summed from the
same stream, threads of messages with a few tracked series, and some failing sources.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.db import connection

DAYS = 365
START = datetime(2025, 1, 1, tzinfo=UTC)
CONFIGS = [f"{fs}-{bs}" for fs in ("xfs", "ext4", "btrfs", "bcachefs")
           for bs in ("4k", "16k-lbs", "64k-lbs", "reflink")]
REPRODUCERS = ["split-huge-pages-dd-loop", "fsx-long", "fstests-generic-751", "stress-ng-mmap",
               "syz-repro-folio"]
WORDS = ("mm folio split huge page writeback xfs iomap filemap order minimum large block "
         "size fix crash null deref warning lock").split()
LOG_LINES = 6000  # lines of each stored console log (~380 KB)


def _copy(table: str, columns: list[str], rows: Iterable[tuple]) -> int:
    cols = ", ".join(f'"{c}"' for c in columns)
    n = 0
    with connection.cursor() as cur, cur.connection.cursor().copy(
            f'COPY "{table}" ({cols}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def _fix_sequence(table: str) -> None:
    with connection.cursor() as cur:
        cur.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM \"{table}\"), 1))")


def _kernels() -> list[dict]:
    kernels, day = [], 0
    for minor in range(10, 16):
        for rc in [*range(1, 8), None]:
            version = f"6.{minor}.0" + (f"-rc{rc}" if rc else "")
            tag = f"v6.{minor}" + (f"-rc{rc}" if rc else "")
            kernels.append({"version": version, "tag": tag, "label": "", "patches": [],
                            "first_day": min(day, DAYS - 1)})
            if rc in (3, 6):  # a candidate fix tested on top of some rcs
                kernels.append({"version": version, "tag": tag, "label": f"{tag} + fix",
                                "patches": [{"kind": "commit", "ref": f"{minor:02d}{rc}" * 8}],
                                "first_day": min(day + 2, DAYS - 1)})
            day += 7
    return kernels


def load(*, runs: int, signatures: int, messages: int, log_dir: Path, seed: int = 1) -> dict:
    from ci_results.models import Kernel, kernel_identity

    rng = random.Random(seed)
    now = datetime.now(UTC)
    out: dict = {}
    # --- dimensions -----------------------------------------------------------------------
    _copy("ci_results_origin", ["id", "name", "description", "created_at"],
          [(1, "kdevops", "", now), (2, "lkft", "", now)])
    kernels = _kernels()
    _copy("ci_results_kernel",
          ["id", "tree", "version", "tag", "commit", "label", "patches", "identity",
           "created_at"],
          [(i + 1, "mainline", k["version"], k["tag"], "", k["label"], json.dumps(k["patches"]),
            kernel_identity(tree="mainline", version=k["version"], tag=k["tag"],
                            patches=k["patches"]), now) for i, k in enumerate(kernels)])
    _copy("ci_results_config",
          ["id", "name", "filesystem", "arch", "kconfig_hash", "params", "created_at"],
          [(i + 1, c, c.split("-")[0], "x86_64", "", "{}", now) for i, c in enumerate(CONFIGS)])
    _copy("ci_results_reproducer", ["id", "name", "description", "script", "created_at"],
          [(i + 1, r, "", "", now) for i, r in enumerate(REPRODUCERS)])
    for table in ("ci_results_origin", "ci_results_kernel", "ci_results_config",
                  "ci_results_reproducer"):
        _fix_sequence(table)
    assert Kernel.objects.count() == len(kernels)

    # Failure rate per kernel x config: most cells clean, some regress for a while.
    rates = {}
    for ki, k in enumerate(kernels):
        for ci in range(len(CONFIGS)):
            bad = (ci % 4 == 1) and 8 <= ki % 24 <= 16 and not k["patches"]
            rates[(ki + 1, ci + 1)] = rng.choice((0.2, 0.35, 0.5)) if bad else (
                rng.choice((0.0, 0.0, 0.0, 0.01, 0.03)))
    zipf = [1 / (i + 1) for i in range(signatures)]
    total_w = sum(zipf)
    cum, acc = [], 0.0
    for w in zipf:
        acc += w / total_w
        cum.append(acc)

    def pick_signature() -> int:
        import bisect
        return min(signatures, bisect.bisect_left(cum, rng.random()) + 1)

    # --- runs (streamed), rollups and crash reports accumulated ---------------------------
    rollup: Counter = Counter()
    crash_runs: list[tuple[int, datetime, int]] = []  # run id, started, signature
    per_day = max(1, runs // DAYS)

    def run_rows():
        rid = 0
        for day in range(DAYS):
            active = [i for i, k in enumerate(kernels) if k["first_day"] <= day
                      < k["first_day"] + 28] or [len(kernels) - 1]
            for _ in range(per_day if day < DAYS - 1 else runs - per_day * (DAYS - 1)):
                rid += 1
                ki = rng.choice(active) + 1
                ci, ri = rng.randrange(len(CONFIGS)) + 1, rng.randrange(len(REPRODUCERS)) + 1
                started = START + timedelta(days=day, seconds=rng.randrange(86400))
                x = rng.random()
                p = rates[(ki, ci)]
                outcome = ("error" if x < 0.02 else "skip" if x < 0.03
                           else "crash" if x < 0.03 + p * 0.97 * 0.85
                           else "hang" if x < 0.03 + p * 0.97 else "pass")
                key = (started.date(), ki, ci, ri)
                rollup[(key, outcome)] += 1
                if outcome == "crash":
                    crash_runs.append((rid, started, pick_signature()))
                yield (rid, rng.choice((1, 2)), f"run-{rid:08d}", ki, ci, ri, outcome, started,
                       600.0, 40, "node-1", "{}", "", None, "", f"{rid:064x}", started)

    out["runs"] = _copy("ci_results_run",
                        ["id", "origin_id", "run_id", "kernel_id", "config_id", "reproducer_id",
                         "outcome", "started_at", "duration_s", "iterations", "host", "vm",
                         "log_path", "log_size", "log_sha256", "content_hash", "received_at"],
                        run_rows())
    _fix_sequence("ci_results_run")
    sums: dict = {}
    for (key, outcome), n in rollup.items():
        row = sums.setdefault(key, Counter())
        row[outcome] += n
    out["rollups"] = _copy(
        "ci_results_rollup",
        ["day", "kernel_id", "config_id", "reproducer_id", "runs", "passes", "crashes", "hangs",
         "errors", "skips"],
        ((d, k, c, r, sum(v.values()), v["pass"], v["crash"], v["hang"], v["error"], v["skip"])
         for (d, k, c, r), v in sums.items()))
    out.update(_signatures(rng, signatures, crash_runs, now))
    out.update(_logs(crash_runs[-20:], log_dir))
    out.update(_threads(rng, messages, now))
    return out


def _signatures(rng: random.Random, n: int, crash_runs: list, now: datetime) -> dict:
    titles = [f"BUG: unable to handle kernel NULL pointer dereference in fn_{i}" if i % 3 == 0
              else f"WARNING in {rng.choice(WORDS)}_{rng.choice(WORDS)}_{i}" if i % 3 == 1
              else f"KASAN: use-after-free Read in {rng.choice(WORDS)}_{i}" for i in range(n)]
    stats: dict[int, list] = {}
    for _rid, started, sig in crash_runs:
        s = stats.setdefault(sig, [started, started, 0, 0])
        s[0], s[1], s[2] = min(s[0], started), max(s[1], started), s[2] + 1
    statuses = ["open"] * 8 + ["fixed", "invalid"]
    _copy("ci_results_crashsignature",
          ["id", "title", "crash_type", "status", "fixed_by", "first_seen", "last_seen",
           "report_count", "created_at"],
          [(i + 1, titles[i], "WARNING" if i % 3 == 1 else "NULL-POINTER-DEREFERENCE",
            statuses[i % 10], "abc123" if statuses[i % 10] == "fixed" else "",
            stats.get(i + 1, [None, None, 0])[0], stats.get(i + 1, [None, None, 0])[1],
            stats.get(i + 1, [None, None, 0])[2], now) for i in range(n)])
    _fix_sequence("ci_results_crashsignature")
    _copy("ci_results_signatureevent",
          ["signature_id", "at", "kind", "old_status", "new_status", "fixed_by", "note"],
          [(i + 1, now, "created", "", "open", "", "") for i in range(n)])
    frames = json.dumps(["filemap_get_folios_tag", "writeback_iter", "iomap_writepages"])
    report = "BUG: kernel NULL pointer dereference\nCall Trace:\n writeback_iter\n"

    def rows():
        for i, (rid, started, sig) in enumerate(crash_runs):
            yield (i + 1, rid, sig, titles[sig - 1], "[]", "NULL-POINTER-DEREFERENCE", False,
                   False, True, "filemap_get_folios_tag", frames, report, "6.12.0", "", "",
                   "", "", "", 0, 0, len(report), started, now)

    reports = _copy("ci_results_crashreport",
                    ["id", "run_id", "signature_id", "title", "alt_titles", "crash_type",
                     "corrupted", "suppressed", "panicked", "guilty_frame", "frames", "report",
                     "kernel_version", "taint", "hardware", "workqueue", "comm", "rip", "index",
                     "start", "end", "seen_at", "created_at"], rows())
    _fix_sequence("ci_results_crashreport")
    with connection.cursor() as cur:  # the newest report represents its signature
        cur.execute("""UPDATE ci_results_crashsignature s SET representative_id = r.id FROM (
                         SELECT DISTINCT ON (signature_id) signature_id, id FROM
                         ci_results_crashreport ORDER BY signature_id, seen_at DESC) r
                       WHERE r.signature_id = s.id""")
    return {"signatures": n, "reports": reports}


def _logs(crash_runs: list, log_dir: Path) -> dict:
    """Real gzip console logs for the newest crash runs (the run page reads a window)."""
    filler = "".join(f"[{i:12.6f}] xfs: writeback of inode {i} done\n" for i in range(LOG_LINES))
    crash = ("[ 6001.000000] BUG: kernel NULL pointer dereference, address: 0000000000000036\n"
             "[ 6001.000100] Call Trace:\n[ 6001.000200]  writeback_iter+0x1/0x2\n")
    text = (filler + crash + filler).encode()
    sha = hashlib.sha256(text).hexdigest()
    rel = f"{sha[:2]}/{sha}.log.gz"
    (log_dir / sha[:2]).mkdir(parents=True, exist_ok=True)
    (log_dir / rel).write_bytes(gzip.compress(text, compresslevel=1))
    start = len(filler)
    ids = [rid for rid, _, _ in crash_runs]
    with connection.cursor() as cur:
        cur.execute("UPDATE ci_results_run SET log_path = %s, log_size = %s, log_sha256 = %s "
                    "WHERE id = ANY(%s)", [rel, len(text), sha, ids])
        cur.execute('UPDATE ci_results_crashreport SET start = %s, "end" = %s WHERE run_id = '
                    "ANY(%s)", [start, start + len(crash), ids])
    return {"log_bytes": len(text), "run_with_log": ids[-1] if ids else None}


def _threads(rng: random.Random, n: int, now: datetime) -> dict:
    per_thread = 20
    threads = max(1, n // per_thread)
    people = 3000
    _copy("threads_person", ["id", "name", "address", "obfuscated", "created_at"],
          [(i + 1, f"Developer {i}", f"dev{i}@example.org", False, now) for i in range(people)])
    _copy("threads_thread",
          ["id", "root_msgid", "subject", "tracked", "is_demo", "created_at", "updated_at"],
          [(t + 1, f"root-{t}@example.org", f"[PATCH v3 0/7] {' '.join(rng.sample(WORDS, 4))}",
            t < 40, False, now, now - timedelta(minutes=t)) for t in range(threads)])

    def rows():
        for i in range(n):
            t = i // per_thread
            root = i % per_thread == 0
            subject = (f"[PATCH v3 0/7] {' '.join(rng.sample(WORDS, 4))}" if root
                       else f"Re: [PATCH v3 {i % 7 + 1}/7] {' '.join(rng.sample(WORDS, 4))}")
            body = " ".join(rng.choice(WORDS) for _ in range(80))
            msgid = f"root-{t}@example.org" if root else f"m{i}@example.org"
            yield (i + 1, msgid, t + 1, None if root else t * per_thread + 1, 0 if root else 1,
                   "" if root else f"root-{t}@example.org", "[]", rng.randrange(people) + 1,
                   START + timedelta(minutes=i * 10), False, subject, body, body, "", False,
                   None, "file", "", now, False, "[]")

    msgs = _copy("threads_message",
                 ["id", "msgid", "thread_id", "parent_id", "depth", "in_reply_to",
                  "references", "author_id", "date", "date_is_estimate", "subject", "body",
                  "new_text", "change_id", "is_placeholder", "placeholder_depth", "source",
                  "source_url", "first_seen_at", "has_crash_text", "parse_warnings"], rows())
    for table in ("threads_person", "threads_thread", "threads_message"):
        _fix_sequence(table)
    _copy("threads_source",
          ["thread_id", "kind", "url", "key", "etag", "last_modified", "last_checked_at",
           "last_status", "last_error", "consecutive_failures", "last_change_summary",
           "created_at"],
          [(t + 1, "lore-thread", f"https://lore.kernel.org/all/root-{t}@example.org/", f"r{t}",
            "", "", now, 503 if t % 10 == 0 else 200,
            "503 Service Unavailable" if t % 10 == 0 else "", 2 if t % 10 == 0 else 0, "", now)
           for t in range(min(threads, 200))])
    return {"messages": msgs, "threads": threads}
