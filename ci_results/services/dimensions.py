"""Kernel, config and reproducer rows a run points to: found or created, race-safe.

The ingest hot path resolves the same few dimensions over and over, so their ids are cached
in the process. A cached id can only go stale when rows are deleted (tests, demo removal);
``runs_record`` then gets an IntegrityError at commit, calls ``dimensions_forget`` and retries.
Callers pass ``use_cache=False`` inside an outer transaction, where a stale id would surface
too late to retry.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, connection, transaction

from ci_results.models import Config, Kernel, Reproducer, kernel_identity

_CACHE: dict[tuple[str, str, str], int] = {}
_CACHE_MAX = 10_000


def dimensions_forget() -> None:
    _CACHE.clear()


def _cache_key(kind: str, key: str) -> tuple[str, str, str]:
    return (str(connection.settings_dict.get("NAME")), kind, key)


def _get_or_create(model: Any, lookup: dict, defaults: dict) -> int:
    """SELECT, else INSERT in a savepoint; a concurrent insert of the same key wins the race
    and we read its row (the unique constraint is the arbiter)."""
    row = model.objects.filter(**lookup).values_list("pk", flat=True).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return model.objects.create(**lookup, **defaults).pk
    except IntegrityError:
        return model.objects.filter(**lookup).values_list("pk", flat=True).get()


class NotCached(LookupError):
    """``cached_only=True`` and the id is not in this process's cache (nothing was queried)."""


def _cached(kind: str, key: str, make: Any, use: bool, cached_only: bool = False) -> int:
    ck = _cache_key(kind, key)
    if use and ck in _CACHE:
        return _CACHE[ck]
    if cached_only:
        raise NotCached(kind)
    pk = make()
    if use:
        # Only after commit: an id read or created inside a transaction that then rolls
        # back (a conflict, a lost race) must never reach other requests.
        transaction.on_commit(lambda: _remember(ck, pk))
    return pk


def _remember(ck: tuple[str, str, str], pk: int) -> None:
    if len(_CACHE) >= _CACHE_MAX:
        _CACHE.clear()
    _CACHE[ck] = pk


def kernel_resolve(
    *, kernel: dict[str, Any], use_cache: bool = False, cached_only: bool = False
) -> int:
    patches = [{"kind": p["kind"], "ref": p["ref"]} for p in kernel.get("patches", [])]
    identity = kernel_identity(
        tree=kernel["tree"], version=kernel["version"], tag=kernel.get("tag", ""),
        commit=kernel.get("commit", ""), patches=patches,
    )

    def make() -> int:
        pk = Kernel.objects.filter(identity=identity).values_list("pk", flat=True).first()
        if pk is not None:
            return pk
        return _kernel_create(kernel, patches, identity)

    return _cached("kernel", identity, make, use_cache, cached_only)


def _kernel_create(kernel: dict[str, Any], patches: list[dict], identity: str) -> int:
    fields = {
        "tree": kernel["tree"], "version": kernel["version"], "tag": kernel.get("tag", ""),
        "commit": kernel.get("commit", ""), "label": kernel.get("label", ""),
        "patches": patches,
    }
    try:
        with transaction.atomic():
            new = Kernel(**fields)
            new.save()
    except IntegrityError:
        return Kernel.objects.filter(identity=identity).values_list("pk", flat=True).get()
    base_fields = {k: fields[k] for k in ("tree", "version", "tag", "commit")}
    if patches:
        base_identity = kernel_identity(**base_fields)
        base = Kernel.objects.filter(identity=base_identity).values_list("pk", flat=True).first()
        if base is not None:
            Kernel.objects.filter(pk=new.pk).update(base=base)
    else:
        patched = [k.pk for k in Kernel.objects.filter(base__isnull=True, **base_fields)
                   if k.patches]
        Kernel.objects.filter(pk__in=patched).update(base=new.pk)
    return new.pk


def config_resolve(
    *, config: dict[str, Any], use_cache: bool = False, cached_only: bool = False
) -> int:
    """By name; the parameters of the first run that names a config are kept."""
    defaults = {k: v for k, v in config.items() if k != "name"}
    return _cached("config", config["name"],
                   lambda: _get_or_create(Config, {"name": config["name"]}, defaults), use_cache,
                   cached_only)


def reproducer_resolve(
    *, reproducer: dict[str, Any], use_cache: bool = False, cached_only: bool = False
) -> int:
    name = reproducer["name"]

    def make() -> int:
        pk = _get_or_create(Reproducer, {"name": name}, {
            "description": reproducer.get("description", ""),
            "script": reproducer.get("script", ""),
        })
        if reproducer.get("script"):
            # A reproducer first named without its script gets it from a later run.
            Reproducer.objects.filter(pk=pk, script="").update(script=reproducer["script"])
        return pk

    return _cached("reproducer", name, make, use_cache, cached_only)
