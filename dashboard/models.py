"""Dashboard-owned state. Domain data lives in threads and ci_results."""

from django.db import models


class WorkerHeartbeat(models.Model):
    """Last time each Celery worker ran the heartbeat task; /healthz shows it."""

    hostname = models.CharField(max_length=255, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.hostname} at {self.seen_at:%Y-%m-%d %H:%M:%S}"


class Subscription(models.Model):
    """An address that gets digests: of everything, or of chosen threads, signatures, configs
    and reproducers. Nothing is sent before the address is confirmed."""

    class Period(models.TextChoices):
        DAILY = "daily", "daily"
        WEEKLY = "weekly", "weekly"

    email = models.EmailField(unique=True)
    period = models.CharField(max_length=8, choices=Period.choices, default=Period.DAILY)
    everything = models.BooleanField(default=False)
    threads = models.ManyToManyField("threads.Thread", blank=True, related_name="+")
    signatures = models.ManyToManyField("ci_results.CrashSignature", blank=True, related_name="+")
    configs = models.ManyToManyField("ci_results.Config", blank=True, related_name="+")
    reproducers = models.ManyToManyField("ci_results.Reproducer", blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    # Changes up to this instant are in digests already sent; the next digest starts here.
    covered_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["period", "confirmed_at"], name="sub_period_confirmed_idx")]

    def __str__(self) -> str:
        return f"{self.email} ({self.period})"

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class DigestDelivery(models.Model):
    """One digest of one subscriber for one period: the row that makes sending exactly-once.

    Invariant: at most one row per (subscription, period_key) (unique constraint); a sender
    owns the row only while its ``claim_token`` is the one stored; only the owner marks it
    ``sent``, and only after the SMTP server accepted the mail.
    """

    class State(models.TextChoices):
        CLAIMED = "claimed", "being sent"
        SENT = "sent", "sent"
        EMPTY = "empty", "nothing changed, no mail"
        FAILED = "failed", "failed, will retry"

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE,
                                     related_name="deliveries")
    period_key = models.CharField(max_length=32)  # "daily:2026-11-27", "weekly:2026-W48"
    state = models.CharField(max_length=8, choices=State.choices, default=State.CLAIMED)
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    window_start = models.DateTimeField(null=True, blank=True)
    window_end = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    item_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscription", "period_key"],
                                    name="digest_delivery_once_per_period"),
        ]
        indexes = [models.Index(fields=["period_key", "state"], name="digest_period_state_idx")]

    def __str__(self) -> str:
        return f"{self.subscription_id} {self.period_key} {self.state}"
