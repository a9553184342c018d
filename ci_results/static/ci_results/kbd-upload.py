#!/usr/bin/env python3
"""kbd-upload: post one reproducer run (and its console log) to a kernel bug dashboard.

Standard library only; copy it into any CI job. Get it from the dashboard itself:
    curl -fsSO https://kbd.example.org/tools/kbd-upload.py

    KBD_URL=https://kbd.example.org KBD_TOKEN=kbd_... python3 kbd-upload.py \\
        --run-id "$CI_JOB_ID" --outcome crash --log console.log \\
        --kernel-tree mainline --kernel-version 6.9.0-rc6 --kernel-tag v6.9-rc6 \\
        --config xfs-16k-lbs --filesystem xfs --block-size 16384 --min-folio-order 2 \\
        --reproducer split-huge-pages-dd-loop --duration 612 --iterations 40

The log is sent gzip-compressed. A failed attempt (network error, 5xx, 429) is retried with
exponential backoff using the same run id: the dashboard stores a run once per (origin,
run id), so a retry after a lost answer answers 200 "unchanged" instead of a duplicate.
Exit status: 0 stored (201) or already stored (200); 1 rejected (4xx, including 409 when the
run id was stored with different content); 2 gave up after the retries.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import random
import sys
import time
import urllib.error
import urllib.request
import uuid

RETRY_STATUSES = {429, 500, 502, 503, 504}


def build_run(args: argparse.Namespace) -> dict:
    patches = [{"kind": "series", "ref": ref} for ref in args.patch_series]
    patches += [{"kind": "commit", "ref": sha} for sha in args.patch_commit]
    run = {
        "run_id": args.run_id,
        "kernel": {"tree": args.kernel_tree, "version": args.kernel_version,
                   "tag": args.kernel_tag, "commit": args.kernel_commit, "patches": patches},
        "config": {"name": args.config, "filesystem": args.filesystem, "arch": args.arch,
                   "kconfig_hash": args.kconfig_hash},
        "reproducer": {"name": args.reproducer},
        "outcome": args.outcome,
        # timezone.utc, not datetime.UTC: CI machines may run Python older than 3.11
        "started_at": args.started_at or dt.datetime.now(dt.timezone.utc).strftime(  # noqa: UP017
            "%Y-%m-%dT%H:%M:%SZ"),
        "host": args.host,
    }
    for key, value in (("block_size", args.block_size),
                       ("min_folio_order", args.min_folio_order)):
        if value is not None:
            run["config"][key] = value
    if args.duration is not None:
        run["duration_s"] = args.duration
    if args.iterations is not None:
        run["iterations"] = args.iterations
    if args.script:
        with open(args.script, encoding="utf-8", errors="replace") as fh:
            run["reproducer"]["script"] = fh.read()
    return run


def multipart(run: dict, log_path: str | None) -> tuple[bytes, str]:
    """The request body: the run as JSON, plus the log gzip-compressed as a file part."""
    boundary = "kbd-" + uuid.uuid4().hex
    parts = [
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"payload\"\r\n"
        f"Content-Type: application/json\r\n\r\n".encode() + json.dumps(run).encode() + b"\r\n"
    ]
    if log_path:
        with open(log_path, "rb") as fh:
            data = fh.read()
        if not data.startswith(b"\x1f\x8b"):
            data = gzip.compress(data, mtime=0)  # mtime=0: a retry sends identical bytes
        parts.append(
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"console_log\"; "
            f"filename=\"console.log.gz\"\r\nContent-Type: application/gzip\r\n\r\n".encode()
            + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def post(url: str, token: str, body: bytes, content_type: str, timeout: float) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": content_type,
        "User-Agent": "kbd-upload/1"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def upload(url: str, token: str, run: dict, log_path: str | None, *, attempts: int = 6,
           timeout: float = 60.0, sleep=time.sleep) -> int:
    body, content_type = multipart(run, log_path)
    endpoint = url.rstrip("/") + "/api/v1/runs"
    for attempt in range(1, attempts + 1):
        try:
            status, text = post(endpoint, token, body, content_type, timeout)
        except OSError as exc:  # connection refused, reset, timeout, DNS
            status, text = 0, str(exc)
        if status in (200, 201):
            print(f"kbd-upload: {run['run_id']}: {'stored' if status == 201 else 'unchanged'}")
            return 0
        if status and status not in RETRY_STATUSES:
            print(f"kbd-upload: {run['run_id']}: rejected ({status}): {text}", file=sys.stderr)
            return 1
        if attempt < attempts:
            delay = min(60.0, 2 ** attempt) * (0.5 + random.random() / 2)
            print(f"kbd-upload: attempt {attempt} failed ({status or text}); retrying in "
                  f"{delay:.1f} s with the same run id", file=sys.stderr)
            sleep(delay)
    print(f"kbd-upload: {run['run_id']}: gave up after {attempts} attempts", file=sys.stderr)
    return 2


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    p.add_argument("--url", default=os.environ.get("KBD_URL", ""), help="dashboard URL ($KBD_URL)")
    p.add_argument("--token", default=os.environ.get("KBD_TOKEN", ""), help="($KBD_TOKEN)")
    p.add_argument("--run-id", required=True, help="unique per run within your CI (job id)")
    p.add_argument("--outcome", required=True, choices=["pass", "crash", "hang", "error", "skip"])
    p.add_argument("--log", help="console log file (plain or .gz)")
    p.add_argument("--kernel-tree", required=True)
    p.add_argument("--kernel-version", required=True, help='as the kernel prints it: 6.9.0-rc6')
    p.add_argument("--kernel-tag", default="")
    p.add_argument("--kernel-commit", default="")
    p.add_argument("--patch-series", action="append", default=[], help="Message-ID (repeat)")
    p.add_argument("--patch-commit", action="append", default=[], help="commit SHA (repeat)")
    p.add_argument("--config", required=True)
    p.add_argument("--filesystem", default="")
    p.add_argument("--block-size", type=int)
    p.add_argument("--min-folio-order", type=int)
    p.add_argument("--arch", default="")
    p.add_argument("--kconfig-hash", default="")
    p.add_argument("--reproducer", required=True)
    p.add_argument("--script", help="reproducer script file to send along")
    p.add_argument("--started-at", help="RFC 3339, default now")
    p.add_argument("--duration", type=float)
    p.add_argument("--iterations", type=int)
    p.add_argument("--host", default=os.environ.get("HOSTNAME", ""))
    p.add_argument("--attempts", type=int, default=6)
    args = p.parse_args(argv)
    if not args.url or not args.token:
        p.error("--url/KBD_URL and --token/KBD_TOKEN are required")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return upload(args.url, args.token, build_run(args), args.log, attempts=args.attempts)


if __name__ == "__main__":
    sys.exit(main())
