"""This machine's speed right now, for benches to print beside their figures."""

from __future__ import annotations

import time


def reference_ms() -> float:
    """CPU time of a fixed pure-Python workload (string, dict and list work): how fast
    this machine runs right now. The same code's figures move with it from hour to hour
    (other tenants share the host), so compare runs by it."""
    t0 = time.process_time()
    for _ in range(3):
        counts: dict[str, int] = {}
        for i in range(100_000):
            key = f"k{i % 997}"
            counts[key] = counts.get(key, 0) + len(key)
        sorted(counts.items())
    return (time.process_time() - t0) * 1000
