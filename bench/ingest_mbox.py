"""Benchmark: generate a kernel-style mbox, ingest it into a fresh database, print msgs/s.

    .venv/bin/python bench/ingest_mbox.py                  # 5,000 and 20,000 messages, SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/ingest_mbox.py
                                                           # also PostgreSQL (a fresh database)
    .venv/bin/python bench/ingest_mbox.py --sizes 2000     # other sizes

The machine is shared: the wall-clock rate moves with the load of other processes, so the
rate per CPU-second of the importing process is printed too (PostgreSQL's own CPU time is
not in it). Each size runs in a child process with a new database, so the peak resident memory
(``ru_maxrss``) of two sizes shows whether memory grows with the file (it should not: the
import is streamed in batches of one transaction each).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = [
    ("Jane Developer", "jane@example.org"), ("Zi Yan", "ziy@nvidia.com"),
    ("Matthew Wilcox", "willy@infradead.org"), ("Luis Chamberlain", "mcgrof@kernel.org"),
    ("Pankaj Raghav", "kernel@pankajraghav.com"), ("David Hildenbrand", "david@redhat.com"),
    ("Michal Hocko", "mhocko@suse.com"), ("Andrew Morton", "akpm@linux-foundation.org"),
    ("Darrick J. Wong", "djwong@kernel.org"), ("Dave Chinner", "david@fromorbit.com"),
]
FILES = ["mm/huge_memory.c", "mm/migrate.c", "mm/filemap.c", "fs/xfs/xfs_aops.c",
         "mm/page-writeback.c", "fs/iomap/buffered-io.c", "include/linux/pagemap.h"]
TOPICS = ["do not split a folio", "add min order to page cache", "fix writeback race",
          "support large block sizes", "count split failures", "clean up folio helpers"]


class Writer:
    """Writes mails in mboxo format; counts them."""

    def __init__(self, path: Path, rng: random.Random) -> None:
        self.out, self.rng, self.count = path.open("w"), rng, 0
        self.clock = datetime(2024, 1, 1, tzinfo=UTC)

    def mail(self, who: tuple[str, str], subject: str, body: str, parents: list[str]) -> str:
        self.count += 1
        self.clock += timedelta(seconds=self.rng.randint(30, 900))
        msgid = f"{self.clock:%Y%m%d%H%M%S}.{self.count}-{who[1].split('@')[0]}@bench.example"
        head = [f"From {who[1]} {self.clock:%a %b %d %H:%M:%S %Y}", f"From: {who[0]} <{who[1]}>",
                "To: linux-mm@kvack.org", f"Subject: {subject}",
                f"Date: {format_datetime(self.clock)}", f"Message-ID: <{msgid}>"]
        if parents:
            head.append(f"In-Reply-To: <{parents[-1]}>")
            head.append("References: " + " ".join(f"<{p}>" for p in parents[-8:]))
        body = "\n".join(">" + line if line.startswith("From ") else line
                         for line in body.splitlines())
        self.out.write("\n".join(head) + "\n\n" + body + "\n\n")
        return msgid


def diff(rng: random.Random, file: str) -> str:
    start = rng.randint(10, 3000)
    lines = [f"diff --git a/{file} b/{file}", "index 83955362d41c..90195506211a 100644",
             f"--- a/{file}", f"+++ b/{file}", f"@@ -{start},7 +{start},8 @@ static int f(void)",
             "\tint rc;", "", "\tfolio_lock(folio);"]
    lines += [f"-\tif (folio_test_writeback(folio)) /* {rng.randint(0, 99)} */",
              "+\tif (folio_test_dirty(folio) || folio_test_writeback(folio))",
              "+\t\treturn -EBUSY;", "\trc = split_folio_to_list(folio, list);",
              "\tfolio_unlock(folio);"]
    return "\n".join(lines)


def quote(text: str, who: str, when: datetime) -> str:
    head = f"On {when:%a, %b %d, %Y at %I:%M:%S%p} +0000, {who} wrote:"
    return head + "\n" + "\n".join("> " + line if line else ">" for line in text.splitlines())


def series(w: Writer, rng: random.Random) -> None:
    author = rng.choice(PEOPLE)
    topic = f"mm: {rng.choice(TOPICS)} #{w.count}"
    total = rng.randint(1, 6)
    for version in range(1, rng.choice([1, 1, 2, 3]) + 1):
        tag = f"PATCH v{version}" if version > 1 else "PATCH"
        cover = []
        if total > 1:
            text = f"This series does {topic}.\n\nchange-id: {topic.split('#')[1]}-bench\n"
            cover = [w.mail(author, f"[{tag} 0/{total}] {topic}", text, [])]
        for n in range(1, total + 1):
            number = f" {n:0{len(str(total))}d}/{total}" if total > 1 else ""
            intro = f"Patch {n} of {topic}: check the folio state first.\n"
            body = (intro + f"\nSigned-off-by: {author[0]} <{author[1]}>\n---\n"
                    + diff(rng, rng.choice(FILES)) + "\n-- \n2.43.0\n")
            subject = f"[{tag}{number}] {topic} part {n}"
            patch = w.mail(author, subject, body, cover)
            for r in range(rng.choice([0, 1, 1, 2, 3])):
                reviewer = rng.choice([p for p in PEOPLE if p != author])
                verdict = rng.choice([
                    f"Looks good.\n\nReviewed-by: {reviewer[0]} <{reviewer[1]}>",
                    "Please fix the locking here, this is wrong.",
                    f"Acked-by: {reviewer[0]} <{reviewer[1]}>",
                    "How would I go about reproducing this?",
                ])
                text = quote(intro, author[0], w.clock) + "\n\n" + verdict + "\n"
                first = w.mail(reviewer, f"Re: {subject}", text, [*cover, patch])
                if r == 0 and rng.random() < 0.5:
                    answer = quote(verdict, reviewer[0], w.clock) + "\n\nThanks, will do in v2.\n"
                    w.mail(author, f"Re: {subject}", answer, [*cover, patch, first])
        if cover and rng.random() < 0.3:
            acker = rng.choice(PEOPLE)
            w.mail(acker, f"Re: [{tag} 0/{total}] {topic}",
                   f"For the series:\nAcked-by: {acker[0]} <{acker[1]}>\n", cover)


def generate(path: Path, count: int, seed: int = 1) -> int:
    rng = random.Random(seed)
    w = Writer(path, rng)
    while w.count < count:
        series(w, rng)
    w.out.close()
    return w.count


def child(mbox: Path, database_url: str) -> None:
    """Runs in a fresh process: migrate, ingest, print one JSON line."""
    import resource

    os.environ["DATABASE_URL"] = database_url
    # Production mode: DEBUG=1 makes Django log every query (a third of the time here).
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from threads.models import Message, Patch
    from threads.services.ingest import messages_ingest_mbox

    call_command("migrate", verbosity=0)
    started, cpu = time.perf_counter(), time.process_time()
    with mbox.open("rb") as stream:
        summary = messages_ingest_mbox(stream=stream, source="file")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(json.dumps({
        "messages": summary.total, "new": summary.new, "failed": len(summary.failed),
        "seconds": round(seconds, 2), "per_second": round(summary.total / seconds, 1),
        "cpu_seconds": round(cpu, 2), "per_cpu_second": round(summary.total / cpu, 1),
        "maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "stored": Message.objects.count(), "patches": Patch.objects.count(),
        "reviewed": Patch.objects.filter(status="reviewed").count(),
    }))


def run(mbox: Path, database_url: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(mbox), "--database-url", database_url],
        check=True, capture_output=True, text=True, cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def postgres_database(url: str, name: str, create: bool) -> str:
    import psycopg

    base, _, _ = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if create:
            conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 20000])
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.database_url)
        return
    pg = os.environ.get("DATABASE_URL", "")
    with tempfile.TemporaryDirectory(prefix="kbd-bench-") as tmp:
        for size in args.sizes:
            mbox = Path(tmp) / f"bench-{size}.mbox"
            count = generate(mbox, size)
            mb = mbox.stat().st_size / 1e6
            backends = [("sqlite", f"sqlite:///{tmp}/bench-{size}.sqlite3")]
            if pg.startswith("postgres"):
                name = f"kbd_bench_{os.getpid()}_{size}"
                backends.append(("postgresql", postgres_database(pg, name, create=True)))
            for backend, url in backends:
                try:
                    r = run(mbox, url)
                finally:
                    if backend == "postgresql":
                        postgres_database(pg, url.rpartition("/")[2], create=False)
                print(f"{backend:10} {count:6d} messages ({mb:.1f} MB): {r['per_second']:8.1f} "
                      f"messages/s in {r['seconds']:.1f} s wall ({r['per_cpu_second']:.1f} per "
                      f"CPU-second of this process), peak RSS {r['maxrss_mb']} MB, "
                      f"{r['new']} new, {r['failed']} failed, {r['patches']} patches "
                      f"({r['reviewed']} reviewed)", flush=True)


if __name__ == "__main__":
    main()
