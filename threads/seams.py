"""What threads tells other apps without importing them.

threads never imports ci_results or dashboard (tests/test_architecture.py), yet ci_results
must hear of every kernel crash text threads stores (from ingest, ``import_mbox``, a tracking
refresh or a gist fetch) to classify it into a crash signature. An app registers a handler in
its ``AppConfig.ready()``; threads services call ``crash_texts_created(ids)`` right after they
store CrashText rows.

Invariant: a handler runs only once the storing transaction commits (never for rows a
rollback took back), and a failing handler never breaks the ingest that stored the rows
(``robust``: logged; ``manage.py classify_crash_texts`` picks up anything missed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction

CrashTextHandler = Callable[[list[int]], None]

_crash_text_handlers: list[CrashTextHandler] = []


def register_crash_text_handler(handler: CrashTextHandler) -> None:
    """``handler(ids)`` runs after each commit that stored crash texts (registered once)."""
    if handler not in _crash_text_handlers:
        _crash_text_handlers.append(handler)


def unregister_crash_text_handler(handler: CrashTextHandler) -> None:
    if handler in _crash_text_handlers:
        _crash_text_handlers.remove(handler)


def crash_text_handlers() -> tuple[CrashTextHandler, ...]:
    return tuple(_crash_text_handlers)


def crash_texts_created(ids: Iterable[int | None]) -> list[int]:
    """Tell the registered handlers, on commit, which CrashText rows were stored.

    Returns the ids passed on (sorted, without duplicates or unsaved rows).
    """
    found = sorted({int(i) for i in ids if i is not None})
    if found:
        for handler in _crash_text_handlers:
            transaction.on_commit(_bound(handler, found), robust=True)
    return found


def _bound(handler: CrashTextHandler, ids: list[int]) -> Callable[[], None]:
    # A function, not functools.partial: Django names a failing robust callback by its
    # __qualname__, which a partial lacks.
    def announce() -> None:
        handler(list(ids))

    announce.__qualname__ = getattr(handler, "__qualname__", repr(handler))
    return announce
