"""HTTP ingest benchmark: gunicorn on loopback, 8 concurrent clients, then a count check.

Phases (each bounded, each stops by itself):
  single   one run per request, no log
  logs     one run per request with a ~20 KB console log holding the seed crash (parsed
           after commit by a Celery worker when --broker is given, else in-process)
  batch    100 runs per request
gunicorn runs gthread workers (3 x 2 threads by default) so the clients keep their
connections alive, as a CI client with a session would; sync workers close every connection.
The project is imported once before the fork (--preload) and every worker is warmed up by a
few untimed GETs, and the Celery worker has answered a ping, so the phases measure ingest,
not start-up: a gunicorn worker's first requests import the URL map and every view, about
1.5 s of CPU each on this machine.
Every tenth request is posted twice (a client retry; the second must answer 200). Prints runs/s
and p50/p95/p99 latency per phase. After the logs phase it waits until the worker has parsed
every log and prints the rate with parsing included (first post to last log parsed), so the
batch phase does not share the CPU with a parsing backlog, and the CPU each part used per
run in each phase (the clients, gunicorn, the Celery worker, PostgreSQL; from /proc, so Linux only,
PostgreSQL only when it runs on this machine), and the CPU time of a fixed workload before
and after (the machine's speed swings during a day). Last, it counts in the database
that every run is stored once; the last line is ``lost: N duplicated: M``.

    .venv/bin/python bench/ingest_http.py \
        --database postgres://postgres@127.0.0.1:5432/kbd_bench_ingest \
        --broker redis://127.0.0.1:6379/6
    .venv/bin/python bench/ingest_http.py --database sqlite   # the embedded default, a temp file

The database named is DROPPED and re-created (PostgreSQL) before the run.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from machine import reference_ms

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "runs" / "0001-seed-null-deref-writeback.log"
PY = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def console_log(run_id: str, size: int = 20_000) -> str:
    """A boot log padded to ~20 KB ending in the seed crash; unique per run (its id)."""
    crash = FIXTURE.read_text()
    lines = [f"[    0.000000] kbd bench run {run_id}"]
    t = 0.1
    while sum(len(x) + 1 for x in lines) + len(crash) < size:
        lines.append(f"[{t:12.6f}] systemd[1]: Started unit-{len(lines)}.service - bench unit.")
        t += 0.013
    return "\n".join(lines) + "\n" + crash


def payload(run_id: str, i: int, log: bool) -> dict:
    kernels = [("mainline", "6.9.0-rc6", "v6.9-rc6"), ("mainline", "6.9.0-rc5", "v6.9-rc5"),
               ("linux-next", "6.9.0-rc6-next-20240430", "next-20240430")]
    tree, version, tag = kernels[i % 3]
    run = {
        "run_id": run_id,
        "kernel": {"tree": tree, "version": version, "tag": tag},
        "config": {"name": ["xfs-4k", "xfs-16k-lbs", "xfs-reflink-4k", "ext4-4k"][i % 4],
                   "filesystem": "xfs", "block_size": 4096, "arch": "x86_64"},
        "reproducer": {"name": "split-huge-pages-dd-loop"},
        "outcome": "crash" if log else ["pass", "pass", "pass", "crash", "hang", "error"][i % 6],
        "started_at": f"2024-04-{10 + i % 20:02d}T{i % 24:02d}:00:00Z",
        "duration_s": 600.0, "iterations": 40, "host": f"node-{i % 5}",
        "vm": {"cpus": 4, "memory_gb": 8},
    }
    if log:
        run["console_log"] = console_log(run_id)
    return run


class Client(threading.Thread):
    def __init__(self, port: int, token: str, jobs: list[tuple[bytes, int]], out: dict):
        super().__init__(daemon=True)
        self.port, self.token, self.jobs, self.out = port, token, jobs, out

    def post(self, conn: http.client.HTTPConnection, body: bytes) -> tuple[int, float]:
        t0 = time.perf_counter()
        conn.request("POST", "/api/v1/runs", body=body, headers={
            "Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
        resp = conn.getresponse()
        resp.read()
        return resp.status, time.perf_counter() - t0

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        for index, (body, nruns) in enumerate(self.jobs):
            status, took = self.post(conn, body)
            self.out["lat"].append(took)
            self.out["status"].append(status)
            self.out["runs"] += nruns if status == 201 else 0
            if index % 10 == 9:  # a client that lost the answer retries the same request
                status, took = self.post(conn, body)
                self.out["lat"].append(took)
                self.out["retry_status"].append(status)
        conn.close()


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000 if len(
        values) > 1 else values[0] * 1000


def phase(name: str, port: int, token: str, clients: int, bodies: list[tuple[bytes, int]],
          on_start=None):
    outs = [{"lat": [], "status": [], "retry_status": [], "runs": 0} for _ in range(clients)]
    threads = [Client(port, token, bodies[i::clients], outs[i]) for i in range(clients)]
    t0 = time.perf_counter()
    if on_start is not None:
        on_start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    lat = [x for o in outs for x in o["lat"]]
    statuses = [s for o in outs for s in o["status"]]
    retries = [s for o in outs for s in o["retry_status"]]
    runs = sum(o["runs"] for o in outs)
    bad = [s for s in statuses if s != 201] + [s for s in retries if s != 200]
    print(f"{name:7s} {runs:6d} runs in {len(lat):5d} requests, {wall:6.2f} s: "
          f"{runs / wall:8.1f} runs/s  p50 {pct(lat, 50):6.1f} ms  p95 {pct(lat, 95):6.1f} ms  "
          f"p99 {pct(lat, 99):6.1f} ms  errors {len(bad)}"
          + (f" {sorted(set(bad))}" if bad else ""), flush=True)
    return runs


def _tree(root: int) -> list[int]:
    """``root`` and its descendants (Linux /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(parents.get(pid, []))
    return out


def _cpu(pids: list[int]) -> float:
    """User + system CPU seconds of these processes (those still alive)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def cpu_by_role(procs: list[subprocess.Popen], postgres: bool) -> dict[str, float]:
    """CPU seconds so far of the bench's clients, gunicorn, the Celery worker, PostgreSQL."""
    roles = {"clients": os.times().user + os.times().system,
             "gunicorn": _cpu(_tree(procs[0].pid))}
    if len(procs) > 1:
        roles["worker"] = _cpu(_tree(procs[1].pid))
    if postgres:
        roles["postgres"] = _cpu([int(e) for e in os.listdir("/proc") if e.isdigit()
                                  and _comm(e) == "postgres"])
    return roles


def _comm(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def cpu_report(name: str, before: dict[str, float], after: dict[str, float], runs: int) -> None:
    print(f"{name} CPU per run: " + ", ".join(
        f"{role} {(after[role] - before[role]) * 1000 / runs:.2f} ms" for role in after),
        flush=True)


def warm_up(port: int, clients: int) -> None:
    """Untimed: every worker has imported the URL map and views and opened its database
    connection before a phase starts (a worker does that once, on its first requests)."""
    def knock() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        for _ in range(20):
            conn.request("GET", "/api/v1/signatures?limit=1")
            conn.getresponse().read()
            conn.close()  # a new connection each time, so every worker gets some
    threads = [threading.Thread(target=knock) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/kbd_bench_ingest",
                    help="postgres:// URL (dropped and re-created) or 'sqlite' (temp file)")
    ap.add_argument("--broker", default="", help="redis:// URL: parse logs on a Celery worker")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    ap.add_argument("--threads", type=int, default=2,
                    help="threads per gunicorn worker (over 1: gthread workers, keep-alive)")
    ap.add_argument("--worker-concurrency", type=int, default=2,
                    help="Celery prefork processes, as the README's worker command starts on "
                         "this 2-core machine (0: one solo process)")
    ap.add_argument("--no-preload", action="store_true",
                    help="each gunicorn worker imports the project itself, after the fork")
    ap.add_argument("--single", type=int, default=2000, help="runs posted one by one")
    ap.add_argument("--logs", type=int, default=600, help="runs posted with a 20 KB log")
    ap.add_argument("--batches", type=int, default=100, help="batches of 100 runs")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="kbd-bench-ingest-"))
    if args.database == "sqlite":
        db_url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    else:
        db_url = args.database
        base, name = db_url.rsplit("/", 1)
        for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
            subprocess.run([PY, "-c", "import psycopg,sys; c=psycopg.connect(sys.argv[1], "
                            "autocommit=True); c.execute(sys.argv[2])", base + "/postgres", sql],
                           check=True)
    env = dict(os.environ, DATABASE_URL=db_url, DEBUG="0", SECRET_KEY="bench-" + uuid.uuid4().hex,
               ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="0", DATABASE_CONN_MAX_AGE="600",
               CONSOLE_LOG_DIR=str(tmp / "logs"), LOG_LEVEL="WARNING",
               CELERY_BROKER_URL=args.broker, CELERY_RESULT_BACKEND="")
    subprocess.run([PY, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    token = subprocess.run([PY, "manage.py", "create_ci_token", "--origin", "bench"], cwd=ROOT,
                           env=env, check=True, capture_output=True, text=True).stdout.strip()
    port = free_port()
    procs = [subprocess.Popen(
        [PY, "-m", "gunicorn", "dashboard.wsgi", "-b", f"127.0.0.1:{port}", "--workers",
         str(args.workers), "--threads", str(args.threads), "--keep-alive", "30",
         *([] if args.no_preload else ["--preload"]),
         "--log-level", "warning"], cwd=ROOT, env=env)]
    if args.broker:
        procs.append(subprocess.Popen(
            [PY, "-m", "celery", "-A", "dashboard", "worker", "-l", "WARNING",
             *(["--concurrency", str(args.worker_concurrency)] if args.worker_concurrency else
               ["--pool=solo"]),
             "-n", f"bench-{port}@%h", "--without-gossip", "--without-mingle",
             "--without-heartbeat"], cwd=ROOT, env=env))
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        warm_up(port, args.clients)
        if args.broker:  # its start-up (imports, forks: seconds of CPU) is not a phase's cost
            subprocess.run([PY, "-c", WAIT_WORKER, f"bench-{port}@{socket.gethostname()}"],
                           cwd=ROOT, env=env, check=True, timeout=120)
        reference = reference_ms()
        where = "on a Celery worker" if args.broker else "in-process"
        print(f"database {db_url.split('@')[-1]}, {args.clients} clients, gunicorn "
              f"{args.workers} workers x {args.threads} threads, parsing {where}")
        tag = uuid.uuid4().hex[:6]
        expected: list[str] = []

        def ids(prefix: str, n: int) -> list[str]:
            new = [f"{tag}-{prefix}-{i}" for i in range(n)]
            expected.extend(new)
            return new

        singles = [(json.dumps(payload(r, i, False)).encode(), 1)
                   for i, r in enumerate(ids("single", args.single))]
        on_pg = db_url.startswith("postgres")
        before = cpu_by_role(procs, on_pg)
        runs = phase("single", port, token, args.clients, singles)
        cpu_report("single", before, cpu_by_role(procs, on_pg), runs)
        with_logs = [(json.dumps(payload(r, i, True)).encode(), 1)
                     for i, r in enumerate(ids("log", args.logs))]
        waiter = subprocess.Popen([PY, "-c", WAIT_PARSED, str(args.logs), tag], cwd=ROOT,
                                  env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  text=True)
        assert waiter.stdout is not None and waiter.stdin is not None
        waiter.stdout.readline()  # "ready": Django is set up, polling starts on "go"
        started = time.time()
        cpu_before = cpu_by_role(procs, on_pg)

        def go() -> None:
            waiter.stdin.write("go\n")
            waiter.stdin.flush()

        posted = phase("logs", port, token, args.clients, with_logs, on_start=go)
        parsed_at = float(waiter.communicate(timeout=600)[0].strip() or "nan")
        took = parsed_at - started
        print(f"logs parsed: {posted} runs in {took:6.2f} s from the first post to the last "
              f"log parsed: {posted / took:8.1f} runs/s with parsing included", flush=True)
        cpu_report("logs", cpu_before, cpu_by_role(procs, on_pg), posted)
        batch_ids = ids("batch", args.batches * 100)
        batches = [(json.dumps({"runs": [payload(r, i + j, False) for j, r in
                                         enumerate(batch_ids[i:i + 100])]}).encode(), 100)
                   for i in range(0, len(batch_ids), 100)]
        before = cpu_by_role(procs, on_pg)
        runs = phase("batch", port, token, args.clients, batches)
        cpu_report("batch", before, cpu_by_role(procs, on_pg), runs)
        print(f"reference work: {reference:.0f} ms before the phases, {reference_ms():.0f} ms "
              "after (this machine's speed now: compare runs by it)", flush=True)
        verify(env, expected, args.logs, tag)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=30)


WAIT_WORKER = """
import os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings")
from dashboard.celery import app
deadline = time.monotonic() + 90
while not app.control.ping(destination=[sys.argv[1]], timeout=0.5):
    if time.monotonic() > deadline:
        sys.exit("the Celery worker did not answer within 90 s")
"""

WAIT_PARSED = """
import os, sys, time, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings"); django.setup()
from django.db.models import Max
from ci_results.models import Run
nlogs, tag = int(sys.argv[1]), sys.argv[2]
# The phase's runs come after every run stored so far: polling a primary-key range keeps
# this observer from scanning the whole table 20 times a second.
before = Run.objects.aggregate(n=Max("pk"))["n"] or 0
print("ready", flush=True); sys.stdin.readline()
logs = Run.objects.filter(pk__gt=before, run_id__startswith=tag + "-log-",
                          parsed_at__isnull=False)
deadline = time.monotonic() + 300
while logs.count() < nlogs and time.monotonic() < deadline:
    time.sleep(0.05)
print(time.time())
"""

VERIFY = """
import os, sys, json, time, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings"); django.setup()
from django.db.models import Count, Sum
from ci_results.models import Rollup, Run
expected = set(json.load(sys.stdin)); nlogs, tag = int(sys.argv[1]), sys.argv[2]
rows = Run.objects.filter(run_id__startswith=tag + "-").values("run_id").annotate(n=Count("id"))
seen = {r["run_id"]: r["n"] for r in rows}
lost = len(expected - set(seen)); dup = sum(n - 1 for n in seen.values())
t0 = time.monotonic()
logs = Run.objects.filter(run_id__startswith=tag + "-log-")
while logs.filter(parsed_at__isnull=True).exists() and time.monotonic() - t0 < 300:
    time.sleep(0.5)
parsed = logs.filter(parsed_at__isnull=False, crash_reports__isnull=False).distinct().count()
total = Rollup.objects.aggregate(n=Sum("runs"))["n"] or 0
print(f"logs parsed with a crash report: {parsed}/{nlogs} (backlog drained "
      f"{time.monotonic() - t0:.1f} s after the last post)")
print(f"rollup runs {total} == stored runs {Run.objects.count()}: {total == Run.objects.count()}")
print(f"lost: {lost} duplicated: {dup}")
"""


def verify(env: dict, expected: list[str], nlogs: int, tag: str) -> None:
    subprocess.run([PY, "-c", VERIFY, str(nlogs), tag], cwd=ROOT, env=env, check=True,
                   input=json.dumps(expected), text=True)


if __name__ == "__main__":
    main()
