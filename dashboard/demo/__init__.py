"""The demo data behind ``make run``: each part adds what its feature needs to show.

Parts are listed in ``PARTS``; each has ``load() -> list[str]`` (lines to print) and
``remove() -> list[str]``. Loading twice changes nothing (every part is idempotent).
"""

from collections.abc import Callable
from importlib import import_module

# Module paths of the demo parts, loaded in this order.
PARTS: list[str] = [
    "dashboard.demo.threads",
    "dashboard.demo.artifacts",  # the seed's gists and commit: needs the seed thread
    "dashboard.demo.runs",  # synthetic reproducer runs (origin "demo") telling the seed's story
]


def _parts() -> list:
    return [import_module(name) for name in PARTS]


def _each(action: Callable) -> list[str]:
    lines: list[str] = []
    for part in _parts():
        lines.extend(action(part))
    return lines


def demo_load() -> list[str]:
    lines = _each(lambda part: part.load())
    return lines or ["No demo parts are installed yet."]


def demo_remove() -> list[str]:
    return _each(lambda part: part.remove())
