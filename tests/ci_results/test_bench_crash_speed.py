"""bench/crash_parse_speed.py runs on any corpus of the syzkaller format, small ones too."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "crash"


def test_the_speed_bench_reports_on_a_corpus_without_a_large_log(tmp_path):
    # Records give the console log as "log" (report corpora) or only "report" (the
    # guilty-file corpus); none here reaches the 16 KB the per-MB ranking needs.
    corpus = tmp_path / "small.jsonl"
    corpus.write_text("\n".join(json.dumps(rec) for rec in (
        {"name": "seed", "log": (FIXTURES / "0001-seed-null-deref-syslog-decoded.txt").read_text()},
        {"name": "hang", "report": (FIXTURES / "0006-task-hung-synchronize-rcu.txt").read_text()},
    )) + "\n")
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "crash_parse_speed.py"), str(corpus),
         "--rounds", "1"], capture_output=True, text=True, check=True, timeout=300).stdout
    assert "logs: 2 x 1 rounds" in out
    assert "corpus logs: " in out and " MB/s" in out
    assert "slowest log >= 16 KB: none (no log of the corpus has 16 KB)" in out
    assert "large log: " in out and "slowest adversarial input: " in out
