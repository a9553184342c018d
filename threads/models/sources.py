"""Where things were read from (sources, fetch log) and what was fetched (gists, commits)."""

from __future__ import annotations

from django.db import models

from threads.models.mail import Thread


class Source(models.Model):
    """A URL we read and re-check: a lore thread, an lkml page, a gist, a commit, an mbox file."""

    class Kind(models.TextChoices):
        LORE_THREAD = "lore-thread", "lore thread"
        LKML_PAGE = "lkml-page", "lkml.iu.edu page"
        GIST = "gist", "GitHub gist"
        GITHUB_COMMIT = "github-commit", "GitHub commit"
        MBOX_FILE = "mbox-file", "mbox file"

    thread = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.CASCADE, related_name="sources"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    url = models.CharField(max_length=2000)
    key = models.CharField(max_length=512)  # msgid, gist id, "owner/repo@sha", path
    etag = models.CharField(max_length=512, blank=True)
    last_modified = models.CharField(max_length=128, blank=True)  # as the server sent it
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_status = models.IntegerField(null=True, blank=True)  # HTTP status; null = never
    last_error = models.TextField(blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    next_check_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_change_summary = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="threads_source_kind_key"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"


class FetchLog(models.Model):
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="fetch_logs"
    )
    url = models.CharField(max_length=2000)
    status = models.IntegerField(null=True, blank=True)
    bytes = models.PositiveBigIntegerField(default=0)
    duration_ms = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    fetched_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.url} {self.status}"


class GistFile(models.Model):
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="gist_files")
    gist_id = models.CharField(max_length=64, db_index=True)
    filename = models.CharField(max_length=512)
    content = models.TextField(blank=True)
    size = models.PositiveBigIntegerField(default=0)
    truncated = models.BooleanField(default=False)
    raw_url = models.CharField(max_length=2000, blank=True)
    has_crash_text = models.BooleanField(default=False)
    fetched_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["gist_id", "filename"], name="threads_gistfile_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.gist_id}/{self.filename}"


class Commit(models.Model):
    sha = models.CharField(max_length=64, unique=True)
    repo = models.CharField(max_length=255, blank=True)  # "owner/repo"
    subject = models.TextField(blank=True)
    message = models.TextField(blank=True)
    author_name = models.CharField(max_length=255, blank=True)
    author_email = models.CharField(max_length=320, blank=True)
    authored_at = models.DateTimeField(null=True, blank=True)
    committed_at = models.DateTimeField(null=True, blank=True)
    files = models.JSONField(default=list, blank=True)
    diff = models.TextField(blank=True)
    patch_id = models.CharField(max_length=64, blank=True, db_index=True)
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="commits"
    )
    fetched_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.repo}@{self.sha[:12]}"
