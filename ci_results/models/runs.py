"""Who posts runs (origins and their tokens) and what a run is made of."""

from __future__ import annotations

import hashlib
import json

from django.db import models
from django.db.models import Q

# Runs whose console log waits for its first parse: the drain's claim, the health check's
# backlog and the partial index that serves both (services.newlogs) say it the same way.
UNPARSED_LOG = Q(parsed_at__isnull=True) & ~Q(log_path="")

# The origin whose runs are the synthetic demo set (never mixed into real figures).
DEMO_ORIGIN = "demo"


class Origin(models.Model):
    """A CI system that posts runs; a run id is unique within its origin."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name

    @property
    def is_demo(self) -> bool:
        return self.name == DEMO_ORIGIN


class CIToken(models.Model):
    """A bearer token scoped to one origin; only its SHA-256 is stored."""

    origin = models.ForeignKey(Origin, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=16, help_text="first characters, for display")
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "CI token"

    def __str__(self) -> str:
        return f"{self.prefix}... ({self.origin.name})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


def kernel_identity(
    *, tree: str, version: str, tag: str = "", commit: str = "", patches: list[dict] | None = None
) -> str:
    """The normalised identity of a kernel build: the same tree, version, base and patches
    (in order) always give the same hex digest, whatever the spelling of the Message-IDs."""
    norm_patches = [
        {"kind": p.get("kind", ""), "ref": clean_patch_ref(p.get("kind", ""), p.get("ref", ""))}
        for p in (patches or [])
    ]
    canon = {
        "tree": tree.strip(),
        "version": version.strip(),
        "tag": tag.strip(),
        "commit": commit.strip().lower(),
        "patches": norm_patches,
    }
    return hashlib.sha256(json.dumps(canon, sort_keys=True).encode()).hexdigest()


def clean_patch_ref(kind: str, ref: str) -> str:
    """``<abc@x>`` and ``abc@x`` are one Message-ID; SHAs compare lower-case."""
    ref = ref.strip()
    if kind == "series":
        return ref.strip("<>")
    return ref.lower()


class Kernel(models.Model):
    """A kernel build: tree, version, base tag or commit, and patches applied on top."""

    tree = models.CharField(max_length=200, help_text="mainline, linux-next, a git URL, ...")
    version = models.CharField(max_length=100, help_text='as the kernel prints it: "6.9.0-rc6"')
    tag = models.CharField(max_length=100, blank=True)
    commit = models.CharField(max_length=64, blank=True)
    label = models.CharField(max_length=200, blank=True, help_text="short name for pages")
    # [{"kind": "series" | "commit", "ref": Message-ID or SHA}], in the order applied.
    patches = models.JSONField(default=list, blank=True)
    identity = models.CharField(max_length=64, unique=True, editable=False)
    # The same build without the patches (set on ingest when it is known): what "is it
    # fixed?" compares a candidate fix against.
    base = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="patched")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["tree", "version", "id"]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs) -> None:
        self.identity = kernel_identity(
            tree=self.tree, version=self.version, tag=self.tag, commit=self.commit,
            patches=self.patches,
        )
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        if self.label:
            return self.label
        base = self.tag or self.version
        return f"{base} + {len(self.patches)} patch(es)" if self.patches else base


class Config(models.Model):
    """A test configuration (an fstests section, a kdevops profile)."""

    name = models.CharField(max_length=200, unique=True)
    filesystem = models.CharField(max_length=50, blank=True)
    block_size = models.PositiveIntegerField(null=True, blank=True)
    min_folio_order = models.PositiveSmallIntegerField(null=True, blank=True)
    arch = models.CharField(max_length=50, blank=True)
    kconfig_hash = models.CharField(max_length=128, blank=True)
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Reproducer(models.Model):
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    script = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Run(models.Model):
    """One reproducer run posted by an origin; (origin, run_id) is the idempotency key."""

    class Outcome(models.TextChoices):
        PASS = "pass"
        CRASH = "crash"
        HANG = "hang"
        ERROR = "error"  # infrastructure: never counted as a kernel result
        SKIP = "skip"  # infrastructure: never counted as a kernel result

    KERNEL_RESULTS = (Outcome.PASS, Outcome.CRASH, Outcome.HANG)

    origin = models.ForeignKey(Origin, on_delete=models.PROTECT, related_name="runs")
    run_id = models.CharField(max_length=200)
    kernel = models.ForeignKey(Kernel, on_delete=models.PROTECT, related_name="runs")
    config = models.ForeignKey(Config, on_delete=models.PROTECT, related_name="runs")
    reproducer = models.ForeignKey(Reproducer, on_delete=models.PROTECT, related_name="runs")
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    started_at = models.DateTimeField()
    duration_s = models.FloatField(null=True, blank=True)
    iterations = models.PositiveIntegerField(null=True, blank=True)
    host = models.CharField(max_length=200, blank=True)
    vm = models.JSONField(default=dict, blank=True)
    # Console log stored as a (gzip) file under settings.CONSOLE_LOG_DIR; path relative to it.
    log_path = models.CharField(max_length=300, blank=True)
    log_size = models.BigIntegerField(null=True, blank=True, help_text="uncompressed bytes")
    log_sha256 = models.CharField(max_length=64, blank=True)
    # SHA-256 of the canonical posted content: same key + same hash -> 200, else 409.
    content_hash = models.CharField(max_length=64)
    received_at = models.DateTimeField(auto_now_add=True)
    parsed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["origin", "run_id"], name="run_origin_run_id_uniq"),
        ]
        indexes = [
            models.Index(fields=["kernel", "config", "reproducer", "started_at"],
                         name="run_kcr_started_idx"),
            models.Index(fields=["outcome", "started_at"], name="run_outcome_started_idx"),
            models.Index(fields=["started_at"], name="run_started_idx"),
            # The runs whose log waits for its first parse: few rows in a table of millions.
            models.Index(fields=["id"], name="run_unparsed_log_idx", condition=UNPARSED_LOG),
        ]
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.origin_id}:{self.run_id} {self.outcome}"

    @property
    def is_demo(self) -> bool:
        return self.origin.is_demo

    @property
    def counts_as_kernel_result(self) -> bool:
        return self.outcome in self.KERNEL_RESULTS


class ParseWakeup(models.Model):
    """Present while a drain of new logs is queued on the broker (services.newlogs).

    A post that stores a run with a log publishes a drain task only when this row is absent
    (or older than ``newlogs.WAKEUP_STALE``: the message was lost); the drain deletes it
    before it looks for logs to parse. A burst of posts thus costs the broker and the worker
    one message per chunk of logs, not one per log.
    """

    id = models.PositiveSmallIntegerField(primary_key=True)
    requested_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"drain of new logs requested at {self.requested_at:%Y-%m-%d %H:%M:%S}"
