"""Patch series, their versions and patches, with the derived status of each patch."""

from __future__ import annotations

from django.db import models

from threads.models.mail import Message, Person


class Series(models.Model):
    """All versions of one patch series, linked by change-id, else by subject family + author."""

    key = models.CharField(max_length=1024, unique=True)  # "change:<id>" or "family:<key>"
    family_key = models.CharField(max_length=1024, db_index=True)
    change_id = models.CharField(max_length=255, blank=True, db_index=True)
    name = models.TextField()
    author = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="series"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "series"

    def __str__(self) -> str:
        return self.name


class SeriesVersion(models.Model):
    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField(default=1)
    name = models.TextField(blank=True)  # the subject name in this version
    cover = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="covered_versions"
    )
    total = models.PositiveIntegerField(null=True, blank=True)
    prefixes = models.JSONField(default=list, blank=True)  # ["RFC", "PATCH"]
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="supersedes"
    )
    date = models.DateTimeField(null=True, blank=True)  # earliest mail of this version
    first_seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["series", "version"], name="threads_version_uniq"),
        ]
        ordering = ["series_id", "version"]

    def __str__(self) -> str:
        return f"{self.series.name} v{self.version}"


class Patch(models.Model):
    """Patch ``number`` of a version; ``message`` is null while only replies to it are known."""

    class Status(models.TextChoices):
        NEW = "new", "new"
        UNDER_REVIEW = "under-review", "under review"
        CHANGES_REQUESTED = "changes-requested", "changes requested"
        REVIEWED = "reviewed", "reviewed"
        SUPERSEDED = "superseded", "superseded"
        APPLIED = "applied", "applied"

    series_version = models.ForeignKey(
        SeriesVersion, on_delete=models.CASCADE, related_name="patches"
    )
    number = models.PositiveIntegerField(default=1)  # 1 for an unnumbered single patch
    message = models.OneToOneField(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="patch"
    )
    name = models.TextField(blank=True)
    patch_id = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    status_reason = models.TextField(blank=True)
    status_evidence = models.JSONField(default=list, blank=True)  # Message-IDs (or commit SHAs)
    status_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["series_version", "number"], name="threads_patch_number_uniq"
            ),
        ]
        ordering = ["series_version_id", "number"]

    def __str__(self) -> str:
        return f"[v{self.series_version.version} {self.number}] {self.name}"
