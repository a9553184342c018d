"""Shared helpers of the ci_results run/API tests: payloads and tokens (no mocks)."""

from __future__ import annotations

import copy
import gzip
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "runs"

BASE_RUN: dict[str, Any] = {
    "run_id": "kdevops-xfs-16k-0001",
    "kernel": {
        "tree": "mainline",
        "version": "6.9.0-rc6",
        "tag": "v6.9-rc6",
        "commit": "e67572cd2204894179d89bd7b984072f19313b03",
        "patches": [],
    },
    "config": {
        "name": "xfs-16k-lbs",
        "filesystem": "xfs",
        "block_size": 16384,
        "min_folio_order": 2,
        "arch": "x86_64",
        "kconfig_hash": "3f1c0a",
        "params": {"mkfs": "-b size=16k"},
    },
    "reproducer": {"name": "split-huge-pages-dd-loop"},
    "outcome": "pass",
    "started_at": "2024-04-30T10:00:00Z",
    "duration_s": 612.5,
    "iterations": 40,
    "host": "kdevops-node-3",
    "vm": {"qemu": "8.2", "memory_gb": 8, "cpus": 4},
}


def run_payload(**overrides: Any) -> dict[str, Any]:
    payload = copy.deepcopy(BASE_RUN)
    payload.update(overrides)
    return payload


def crash_log() -> str:
    return (FIXTURES / "0001-seed-null-deref-writeback.log").read_text()


def gz(text: str) -> bytes:
    return gzip.compress(text.encode())


def auth(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
