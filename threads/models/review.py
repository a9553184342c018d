"""What messages carry besides prose: trailers, inline diffs and links."""

from __future__ import annotations

from django.db import models

from threads.models.mail import Message


class Trailer(models.Model):
    """``Reviewed-by: Zi Yan <ziy@nvidia.com>`` given in ``message``.

    A reply's trailer applies to the patch replied to (``patch``); one given to a cover
    letter applies to every patch of the version (``series_version`` set, ``patch`` null).
    """

    patch = models.ForeignKey(
        "threads.Patch", null=True, blank=True, on_delete=models.CASCADE, related_name="trailers"
    )
    series_version = models.ForeignKey(
        "threads.SeriesVersion", null=True, blank=True, on_delete=models.CASCADE,
        related_name="trailers",
    )
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="trailers")
    kind = models.CharField(max_length=64, db_index=True)  # "Reviewed-by", "Fixes", ...
    name = models.CharField(max_length=255, blank=True)
    address = models.CharField(max_length=320, blank=True)
    value = models.TextField()
    comment = models.TextField(blank=True)
    # The trailer names someone other than the sender of the message that gave it.
    address_mismatch = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"


class InlineDiff(models.Model):
    """A diff found in a mail: the patch itself, or a fix proposed inside a reply."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="inline_diffs")
    files = models.JSONField(default=list)
    patch_id = models.CharField(max_length=64, db_index=True)
    text = models.TextField()
    quote_depth = models.PositiveIntegerField(default=0)
    start_line = models.PositiveIntegerField(default=0)
    # The message that wrote it (``message`` itself at depth 0, an ancestor when quoted).
    proposed_in = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposed_diffs"
    )

    def __str__(self) -> str:
        return f"diff of {', '.join(self.files)}"


class Link(models.Model):
    """A URL found in a message; ``source`` is what fetching it produced (gist, commit)."""

    class Kind(models.TextChoices):
        GIST = "gist", "GitHub gist"
        COMMIT = "github-commit", "GitHub commit"
        LORE = "lore", "lore message"
        LKML = "lkml", "lkml.iu.edu page"
        OTHER = "other", "other"

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="links")
    url = models.CharField(max_length=2000)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.OTHER)
    key = models.CharField(max_length=512, blank=True, db_index=True)
    quote_depth = models.PositiveIntegerField(default=0)
    source = models.ForeignKey(
        "threads.Source", null=True, blank=True, on_delete=models.SET_NULL, related_name="links"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "url"], name="threads_link_message_url"),
        ]
        indexes = [models.Index(fields=["kind", "key"])]

    def __str__(self) -> str:
        return self.url
