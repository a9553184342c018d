"""Series, versions and patches from subjects; what a reply is about; superseded versions."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q

from threads.models import Message, Patch, Person, Series, SeriesVersion, Trailer
from threads.parsing.series import normalise_name, series_family_key
from threads.parsing.types import SubjectInfo
from threads.services.bulk import row_insert, rows_update
from threads.services.context import IngestContext


def series_find_or_create(
    *, ctx: IngestContext, info: SubjectInfo, author: Person | None, change_id: str
) -> Series:
    """v1 -> v2 -> ... are one Series: by change-id when present, else subject family + author."""
    address = author.address if author else ""
    family = series_family_key(info, address)[:1024]
    keys = [f"change:{change_id}"[:1024]] if change_id else []
    keys.append(f"family:{family}"[:1024])
    series = next((ctx.series[k] for k in keys if k in ctx.series), None)
    if series is None:
        series = _series_lookup(ctx=ctx, info=info, author=author, change_id=change_id,
                                family=family, key=keys[0])
    if change_id and not series.change_id:
        series.change_id = change_id
        series.save(update_fields=["change_id", "updated_at"])
    if author is None:
        ctx.orphan_series = True
    for key in keys:
        ctx.series[key] = series
    return series


def _series_lookup(
    *, ctx: IngestContext, info: SubjectInfo, author: Person | None, change_id: str,
    family: str, key: str,
) -> Series:
    """By change-id, else by family (the oldest such series), else an orphan to adopt, else
    the one with this key, else a new one. One query for the candidates of the three."""
    wanted = Q(family_key=family) | Q(key=key)
    if change_id:
        wanted |= Q(change_id=change_id)
    found = sorted(Series.objects.filter(wanted), key=lambda s: s.pk)
    series = next((s for s in found if change_id and s.change_id == change_id), None)
    series = series or next((s for s in found if s.family_key == family), None)
    if series is None and author is not None and _orphan_series_exist(ctx):
        # Known so far only from replies' subjects ("Re: [PATCH v4 05/11] ..."): adopt it.
        orphan_key = series_family_key(info, "")
        series = Series.objects.filter(family_key=orphan_key, author__isnull=True).first()
        if series is not None:
            series.author, series.family_key = author, family
            series.save(update_fields=["author", "family_key", "updated_at"])
    series = series or next((s for s in found if s.key == key), None)
    if series is None:
        try:
            with transaction.atomic():  # another writer may create the same key meanwhile
                series = row_insert(Series(key=key, family_key=family, change_id=change_id,
                                           name=info.name, author=author))
            ctx.fresh_series.add(series.pk)
        except IntegrityError:
            series = Series.objects.get(key=key)
    return series


def _orphan_series_exist(ctx: IngestContext) -> bool:
    if ctx.orphan_series is None:
        ctx.orphan_series = Series.objects.filter(author__isnull=True).exists()
    return ctx.orphan_series


def version_find_or_create(
    *, ctx: IngestContext, series: Series, info: SubjectInfo, message: Message | None
) -> SeriesVersion:
    version = ctx.versions.get((series.pk, info.version))
    created = False
    if version is None:
        values = {"name": info.name, "total": info.total, "prefixes": list(info.prefixes),
                  "date": message.date if message else None}
        if series.pk in ctx.fresh_series:  # this run created the series: no such version yet
            version = row_insert(SeriesVersion(series=series, version=info.version, **values))
            created = True
        else:
            version, created = SeriesVersion.objects.get_or_create(
                series=series, version=info.version, defaults=values
            )
        if len(ctx.versions) > 2_000:
            ctx.versions.clear()  # bounded
            ctx.version_pks.clear()
            ctx.fresh_series.clear()  # their versions are no longer all in ``versions``
        ctx.versions[(series.pk, info.version)] = version
        ctx.version_pks[version.pk] = version
    changed = []
    if info.total and not version.total:
        version.total = info.total
        changed.append("total")
    if message and message.date and (version.date is None or message.date < version.date):
        version.date = message.date
        changed.append("date")
    if changed:
        version.save(update_fields=changed)
    if created:
        ctx.dirty_series.add(series.pk)
        ctx.fresh_versions.add(version.pk)
    return version


def patch_find_or_create(
    *, ctx: IngestContext, version: SeriesVersion, number: int, name: str
) -> Patch:
    patch, _ = Patch.objects.get_or_create(
        series_version=version, number=number, defaults={"name": name}
    )
    ctx.taken.add((version.pk, number))
    return patch


def patch_mail_record(
    *, ctx: IngestContext, message: Message, info: SubjectInfo, author: Person | None,
    change_id: str, patch_id: str, chain: list[str], had_orphans: bool = False,
) -> tuple[Patch | None, SeriesVersion]:
    """A ``[PATCH vN k/M]`` mail: the cover letter (k = 0) or patch k of version N.

    A patch sent in reply to a cover letter (or, chained, to an earlier patch) belongs to that
    version whatever its own subject says; otherwise the subject family decides.
    """
    version = _version_from_chain(ctx=ctx, parent=message.parent, chain=chain, info=info)
    if version is None:
        series = series_find_or_create(ctx=ctx, info=info, author=author, change_id=change_id)
        version = version_find_or_create(ctx=ctx, series=series, info=info, message=message)
    if info.number == 0:
        if version.cover_id is None:
            version.cover = message
            rows_update(SeriesVersion, [version], ["cover"])  # a prepared UPDATE
        if had_orphans:
            _adopt_early_patches(ctx=ctx, cover=message, version=version)
        ctx.dirty_versions.add(version.pk)
        return None, version
    number = info.number or 1
    if version.pk in ctx.fresh_versions and (version.pk, number) not in ctx.taken:
        # This run created the version: nobody else can have filed this number in it.
        patch, created = row_insert(Patch(
            series_version=version, number=number, name=info.name, message=message,
            patch_id=patch_id,
        )), True
    else:
        patch, created = Patch.objects.get_or_create(
            series_version=version, number=number,
            defaults={"name": info.name, "message": message, "patch_id": patch_id},
        )
    ctx.taken.add((version.pk, number))
    if _orphan_series_exist(ctx):
        _absorb_subject_only_patch(ctx=ctx, patch=patch, info=info)
    ctx.dirty_patches.add(patch.pk)
    if created:
        return patch, version
    fields = {"name": info.name}
    if patch.message_id is None:
        fields["message"] = message
    if patch_id and not patch.patch_id:
        fields["patch_id"] = patch_id
    for attr, value in fields.items():
        setattr(patch, attr, value)
    patch.save(update_fields=list(fields))
    ctx.dirty_patches.add(patch.pk)
    return patch, version


def _absorb_subject_only_patch(*, ctx: IngestContext, patch: Patch, info: SubjectInfo) -> None:
    """A patch known so far only from replies' subjects becomes this real one."""
    orphans = list(Series.objects.filter(
        family_key=series_family_key(info, ""), author__isnull=True
    ).values_list("pk", flat=True))
    if not orphans:
        return
    ghost = Patch.objects.filter(
        series_version__series_id__in=orphans, series_version__version=info.version,
        number=patch.number, message__isnull=True,
    ).exclude(pk=patch.pk).select_related("series_version").first()
    if ghost is None:
        return
    ctx.flush()  # pending rows may point at the ghost
    Message.objects.filter(about_patch=ghost).update(about_patch=patch)
    ctx.recent.clear()
    Trailer.objects.filter(patch=ghost).update(patch=patch)
    version = ghost.series_version
    ghost.delete()
    _drop_if_empty(ctx=ctx, version=version)


def _drop_if_empty(*, ctx: IngestContext, version: SeriesVersion) -> None:
    if version.patches.exists() or version.cover_id is not None:
        return
    Message.objects.filter(about_version=version).update(about_version=None)
    ctx.forget_series()
    ctx.recent.clear()
    series_id = version.series_id
    version.delete()
    if not SeriesVersion.objects.filter(series_id=series_id).exists():
        Series.objects.filter(pk=series_id).delete()
        ctx.dirty_series.discard(series_id)


def _version_from_chain(
    *, ctx: IngestContext, parent: Message | None, chain: list[str], info: SubjectInfo
) -> SeriesVersion | None:
    """The version of the cover letter (or earlier patch) this patch mail answers."""
    if parent is not None:
        if parent.about_version_id:
            version = ctx.version_pks.get(parent.about_version_id) or SeriesVersion.objects.get(
                pk=parent.about_version_id)
        elif parent.about_patch_id:
            version = Patch.objects.select_related("series_version").get(
                pk=parent.about_patch_id).series_version
        else:
            return None
        return version if version.version == info.version else None
    if not chain:
        return None
    version = SeriesVersion.objects.filter(cover__msgid__in=chain, version=info.version).first()
    if version is None:
        patch = Patch.objects.filter(
            message__msgid__in=chain, series_version__version=info.version
        ).select_related("series_version").first()
        version = patch.series_version if patch else None
    return version


def _adopt_early_patches(*, ctx: IngestContext, cover: Message, version: SeriesVersion) -> None:
    """Patches that arrived before their cover letter join its version (out-of-order mail)."""
    early = Patch.objects.filter(
        message__in_reply_to=cover.msgid, series_version__version=version.version
    ).exclude(series_version=version).select_related("series_version")
    for patch in early:
        if Patch.objects.filter(series_version=version, number=patch.number).exists():
            continue
        old = patch.series_version
        patch.series_version = version
        patch.save(update_fields=["series_version"])
        ctx.dirty_patches.add(patch.pk)
        _drop_if_empty(ctx=ctx, version=old)


def reply_target_find(
    *, ctx: IngestContext, parent: Message | None, info: SubjectInfo
) -> tuple[int | None, int | None]:
    """What a reply answers: (patch pk, version pk of a cover letter), from its parent, else
    from its own subject ("Re: [PATCH v4 05/11] ..." names patch 5 of version 4)."""
    if parent is not None and (parent.about_patch_id or parent.about_version_id):
        return parent.about_patch_id, parent.about_version_id
    if not info.is_patch:
        return None, None
    known = Patch.objects.filter(
        name=info.name, number=info.number or 1, series_version__version=info.version
    ).values_list("pk", flat=True).first()
    if known and info.number != 0:
        return known, None
    wanted = f"|{normalise_name(info.name)}"
    series = Series.objects.filter(family_key__endswith=wanted).order_by("pk").first()
    if series is None:
        series = series_find_or_create(ctx=ctx, info=info, author=None, change_id="")
    version = version_find_or_create(ctx=ctx, series=series, info=info, message=None)
    if info.number == 0:
        return None, version.pk
    patch = patch_find_or_create(ctx=ctx, version=version, number=info.number or 1, name=info.name)
    return patch.pk, None


def versions_link(*, series_ids: set[int]) -> set[int]:
    """Each version is superseded by the next one known; returns the patches to re-derive."""
    by_series: dict[int, list[SeriesVersion]] = {}
    for version in SeriesVersion.objects.filter(series_id__in=series_ids).order_by("version"):
        by_series.setdefault(version.series_id, []).append(version)
    changed = []
    for versions in by_series.values():
        for older, newer in zip(versions, [*versions[1:], None], strict=True):
            newer_pk = newer.pk if newer else None
            if older.superseded_by_id != newer_pk:
                older.superseded_by_id = newer_pk
                changed.append(older)
    rows_update(SeriesVersion, changed, ["superseded_by"])
    return set(
        Patch.objects.filter(series_version__series_id__in=series_ids).values_list("pk",
                                                                                   flat=True)
    )
