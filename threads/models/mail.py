"""People, threads and messages: the reply tree as read from mail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Person(models.Model):
    """Someone who wrote mail. ``address`` is unique when known; obfuscated forms kept as seen."""

    name = models.CharField(max_length=255, blank=True)
    address = models.CharField(max_length=320, blank=True)  # lower-cased; "" when unknown
    obfuscated = models.BooleanField(default=False)  # lkml.iu.edu hides addresses with x's
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["address"], condition=~Q(address=""), name="threads_person_address_uniq"
            ),
        ]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        if self.name and self.address:
            return f"{self.name} <{self.address}>"
        return self.name or self.address or f"person {self.pk}"


class Thread(models.Model):
    """A mail thread, identified by its root Message-ID (the oldest one known)."""

    root_msgid = models.CharField(max_length=512, unique=True)
    subject = models.TextField(blank=True)
    tracked = models.BooleanField(default=False, db_index=True)
    tracked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="tracked_threads",
    )
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    last_refreshed_at = models.DateTimeField(null=True, blank=True)
    # Set while a refresh of the thread runs (its claim, see services/tracking.py): a
    # second refresh started meanwhile (beat and a button, two workers) leaves it alone.
    refreshing_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.subject or self.root_msgid


class Message(models.Model):
    """One mail, or a placeholder reconstructed from the quotes of a later one."""

    class Source(models.TextChoices):
        LORE = "lore", "lore.kernel.org"
        LKML = "lkml", "lkml.iu.edu"
        FILE = "file", "mbox file"
        QUOTE = "quote", "reconstructed from quotes"

    msgid = models.CharField(max_length=512, unique=True)  # without angle brackets
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    depth = models.PositiveIntegerField(default=0)  # 0 = a root of the known tree
    in_reply_to = models.CharField(max_length=512, blank=True, db_index=True)
    references = models.JSONField(default=list, blank=True)  # oldest first
    author = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    date = models.DateTimeField(null=True, blank=True)  # UTC
    date_is_estimate = models.BooleanField(default=False)
    subject = models.TextField(blank=True)
    body = models.TextField(blank=True)
    new_text = models.TextField(blank=True)  # what this message's author wrote (unquoted)
    change_id = models.CharField(max_length=255, blank=True)
    # A placeholder knows only what a later message quoted; the real mail replaces it in place.
    is_placeholder = models.BooleanField(default=False)
    placeholder_source = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="placeholders"
    )
    placeholder_depth = models.PositiveIntegerField(null=True, blank=True)  # quote depth there
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.FILE)
    source_url = models.CharField(max_length=2000, blank=True)
    first_seen_at = models.DateTimeField(auto_now_add=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    has_crash_text = models.BooleanField(default=False)
    parse_warnings = models.JSONField(default=list, blank=True)
    # What a reply is about: the patch it answers, or the version whose cover letter it answers.
    about_patch = models.ForeignKey(
        "threads.Patch", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    about_version = models.ForeignKey(
        "threads.SeriesVersion", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="cover_replies",
    )

    class Meta:
        indexes = [
            models.Index(fields=["thread", "date"]),
            models.Index(fields=["is_placeholder", "date"]),
            models.Index(fields=["date"]),
        ]

    def __str__(self) -> str:
        return f"<{self.msgid}>"

    @property
    def is_patch_mail(self) -> bool:
        return hasattr(self, "patch")


class CrashText(models.Model):
    """Kernel crash text pasted in a mail or a gist; ci_results may link it to a signature."""

    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.CASCADE, related_name="crash_texts"
    )
    gist_file = models.ForeignKey(
        "threads.GistFile", null=True, blank=True, on_delete=models.CASCADE,
        related_name="crash_texts",
    )
    text = models.TextField()
    start_line = models.PositiveIntegerField(default=0)  # 0-based, in the body or the file
    end_line = models.PositiveIntegerField(default=0)  # exclusive
    quote_depth = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    # Written back by ci_results when it classifies the text: the signature title to show
    # (threads cannot import ci_results, so pages link by title) and when it did.
    title = models.CharField(max_length=500, blank=True)
    classified_at = models.DateTimeField(null=True, blank=True, db_index=True)

    def __str__(self) -> str:
        return self.text.splitlines()[0][:80] if self.text else f"crash text {self.pk}"
