"""Throughput of the crash-log parser on every log of a corpus.

Usage: python bench/crash_parse_speed.py CORPUS.jsonl [--rounds N]

Parses each log (the ``log`` field of each JSONL record) ``--rounds`` times and prints the
MB/s over these (small, crash-dense) logs, the slowest log in milliseconds per MB (among
logs of at least 16 KB: below that, fixed per-report costs dominate the ratio; each log by
its fastest round, since a shared machine only ever adds time, with the slowest single
round printed beside it) and in absolute milliseconds. It then parses one large log made of
all corpus logs joined (the shape of a real CI console log: tens of MB, mostly boot and
test noise) and prints its MB/s.
Targets: >= 20 MB/s and no log over 50 ms per MB (no pathological regex backtracking).
Times are CPU time of this process (the machine is shared), after one warm-up round.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from machine import reference_ms

from ci_results.parsing.crash import COMPILED, parse_log


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    # The report corpora give each console log as "log"; the guilty-file corpus only the
    # report text, as "report".
    logs = [(rec.get("name", str(i)), rec.get("log", rec.get("report")) or "")
            for i, rec in enumerate(json.loads(line) for line in
                                    Path(args.corpus).read_text().splitlines() if line)]
    total_bytes = sum(len(log.encode()) for _, log in logs) * args.rounds
    for _, log in logs:  # warm-up: regex compilation and caches are not steady-state cost
        parse_log(log)
    reference = reference_ms()
    best: dict[int, float] = {}  # log index -> its fastest round (the machine only adds)
    worst_sample = (0.0, "")
    started = time.process_time()
    for _ in range(args.rounds):
        for i, (name, log) in enumerate(logs):
            t0 = time.process_time()
            parse_log(log)
            elapsed = time.process_time() - t0
            best[i] = min(best.get(i, elapsed), elapsed)
            size = len(log.encode())
            if size >= 16384:
                worst_sample = max(worst_sample, (elapsed * 1000 / (size / 1e6), name))
    elapsed = time.process_time() - started
    print("parser: " + ("compiled (mypyc build of ci_results/parsing/crash)" if COMPILED
                        else "plain Python (no build, a stale one, or KBD_PURE_PARSER=1)"))
    print(f"logs: {len(logs)} x {args.rounds} rounds, {total_bytes / 1e6:.1f} MB "
          f"in {elapsed:.2f} s")
    print(f"corpus logs: {total_bytes / 1e6 / elapsed:.1f} MB/s")
    sizes = [max(len(log.encode()), 1) for _, log in logs]
    # Tiny logs are dominated by fixed costs: rank by ms/MB only from 16 KB on.
    ranked = [(best[i] * 1000 / (sizes[i] / 1e6), i) for i in best if sizes[i] >= 16384]
    if ranked:
        per_mb, w = max(ranked)
        print(f"slowest log >= 16 KB: {logs[w][0]} ({sizes[w]} bytes): {per_mb:.1f} ms per MB "
              f"(its fastest of {args.rounds} rounds; slowest single round of any such log: "
              f"{worst_sample[0]:.1f} ms per MB, log {worst_sample[1]})")
    else:
        print("slowest log >= 16 KB: none (no log of the corpus has 16 KB)")
    slow, s_i = max((t, i) for i, t in best.items())
    print(f"slowest log: {logs[s_i][0]} ({sizes[s_i]} bytes): {slow * 1000:.1f} ms")
    # One big log, as a real CI console log: 30 MB of boot/test noise with 20 crash logs
    # of the corpus spread through it (every line of it is scanned for report starts).
    noise = "".join(f"[{i:8}.000000] loop{i % 8}: detected capacity change from 0 to {i}\n"
                    for i in range(25_000))  # ~1.5 MB
    crashes = [log for _, log in logs if log.strip()][:: max(1, len(logs) // 20)][:20]
    big = noise + "".join(crash + noise for crash in crashes)
    t0 = time.process_time()
    analysis = parse_log(big)
    elapsed = time.process_time() - t0
    size = len(big.encode()) / 1e6
    print(f"large log: {size:.1f} MB with {len(crashes)} crash logs, "
          f"{len(analysis.reports)} reports, {elapsed:.2f} s, {size / elapsed:.1f} MB/s "
          f"({elapsed * 1000 / size:.1f} ms per MB)")
    worst_adv = (0.0, "")
    for label, text in ADVERSARIAL.items():
        t0 = time.process_time()
        parse_log(text)
        per_mb = (time.process_time() - t0) * 1000 / (len(text) / 1e6)
        worst_adv = max(worst_adv, (per_mb, label))
    print(f"slowest adversarial input: {worst_adv[1]}: {worst_adv[0]:.1f} ms per MB")
    print(f"reference work: {reference:.0f} ms before, {reference_ms():.0f} ms after (this "
          "machine's speed now: compare runs by it)")
    return 0


# Inputs that make naive regexes backtrack (a 1 MB line without a newline, 100k "[", ...).
ADVERSARIAL = {
    "1 MB line": "x" * 1_000_000,
    "100k [": "[" * 100_000,
    "[ x100k then BUG:": "[ " * 100_000 + "BUG: x",
    "long KASAN header": "BUG: KASAN: " + "a" * 500_000,
    "WARNING with 200k ' at '": "WARNING: " + " at " * 200_000,
    "300k task name": "INFO: task " + "x" * 300_000 + " blocked for more than 1 seconds",
    "50k Call Trace lines": "BUG: soft lockup\n" + "Call Trace:\n" * 50_000,
    "50k questionable frames": "[  1.0] BUG: unable to handle kernel paging request\n"
    + " ? x+0x1/0x2\n" * 50_000,
}


if __name__ == "__main__":
    sys.exit(main())
