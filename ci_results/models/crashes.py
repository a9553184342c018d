"""Crash reports found in console logs, grouped into signatures, with their history."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CrashSignature(models.Model):
    """The group of crash reports sharing one syzbot-style title."""

    class Status(models.TextChoices):
        OPEN = "open"
        FIXED = "fixed"
        INVALID = "invalid"
        DUPLICATE = "duplicate"

    title = models.CharField(max_length=500, unique=True)
    crash_type = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="duplicates")
    fixed_by = models.CharField(max_length=300, blank=True,
                                help_text="fixing commit SHA or Message-ID")
    first_seen = models.DateTimeField(null=True, blank=True)
    last_seen = models.DateTimeField(null=True, blank=True)
    report_count = models.PositiveIntegerField(default=0)
    representative = models.ForeignKey("ci_results.CrashReport", null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "last_seen"], name="sig_status_last_seen_idx"),
            models.Index(fields=["last_seen"], name="sig_last_seen_idx"),
        ]
        ordering = ["-last_seen", "id"]

    def __str__(self) -> str:
        return self.title


class SignatureEvent(models.Model):
    """One change of a signature (created, status change, report moved): its history."""

    class Kind(models.TextChoices):
        CREATED = "created"
        STATUS = "status"
        RECLASSIFIED = "reclassified"

    signature = models.ForeignKey(CrashSignature, on_delete=models.CASCADE,
                                  related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    old_status = models.CharField(max_length=10, blank=True)
    new_status = models.CharField(max_length=10, blank=True)
    duplicate_of = models.ForeignKey(CrashSignature, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    fixed_by = models.CharField(max_length=300, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.signature_id} {self.kind} {self.old_status}->{self.new_status}"


class CrashReport(models.Model):
    """One crash found in a run's console log (or in a mail or gist)."""

    run = models.ForeignKey("ci_results.Run", null=True, blank=True, on_delete=models.CASCADE,
                            related_name="crash_reports")
    signature = models.ForeignKey(CrashSignature, on_delete=models.PROTECT,
                                  related_name="reports")
    title = models.CharField(max_length=500)
    alt_titles = models.JSONField(default=list, blank=True)
    crash_type = models.CharField(max_length=64, blank=True)
    corrupted = models.BooleanField(default=False)
    suppressed = models.BooleanField(default=False)
    panicked = models.BooleanField(default=False)
    guilty_frame = models.CharField(max_length=300, blank=True)
    frames = models.JSONField(default=list, blank=True)
    report = models.TextField(blank=True)
    kernel_version = models.CharField(max_length=100, blank=True)
    taint = models.CharField(max_length=100, blank=True)
    hardware = models.CharField(max_length=300, blank=True)
    workqueue = models.CharField(max_length=200, blank=True)
    comm = models.CharField(max_length=100, blank=True)
    rip = models.CharField(max_length=300, blank=True)
    index = models.PositiveIntegerField(default=0, help_text="position among the log's reports")
    start = models.BigIntegerField(default=0, help_text="character offset in the log")
    end = models.BigIntegerField(default=0)
    seen_at = models.DateTimeField(help_text="when the crash happened (the run's start)")
    created_at = models.DateTimeField(auto_now_add=True)
    # A crash pasted in a mail or gist (run is null then); deleted with the text it came from.
    crash_text = models.ForeignKey("threads.CrashText", null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="crash_reports")

    class Meta:
        indexes = [
            models.Index(fields=["signature", "seen_at"], name="report_sig_seen_idx"),
            models.Index(fields=["run", "index"], name="report_run_index_idx"),
        ]
        ordering = ["seen_at", "index", "id"]

    def __str__(self) -> str:
        return self.title


class ReclassifyEvent(models.Model):
    """What a re-parse changed: a report moved from one signature to another."""

    run = models.ForeignKey("ci_results.Run", null=True, blank=True, on_delete=models.CASCADE,
                            related_name="reclassify_events")
    report = models.ForeignKey(CrashReport, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="reclassify_events")
    old_signature = models.ForeignKey(CrashSignature, null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    new_signature = models.ForeignKey(CrashSignature, null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    old_title = models.CharField(max_length=500, blank=True)
    new_title = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True, help_text="parser version or reason")

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.old_title!r} -> {self.new_title!r}"
