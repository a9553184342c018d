"""Per-day counts so pages and charts never scan raw runs."""

from django.db import models


class Rollup(models.Model):
    """Runs per day (of ``Run.started_at``, UTC) x kernel x config x reproducer.

    Kept exact under concurrent ingest by atomic upserts in the ingest transaction.
    """

    day = models.DateField()
    kernel = models.ForeignKey("ci_results.Kernel", on_delete=models.CASCADE,
                               related_name="rollups")
    config = models.ForeignKey("ci_results.Config", on_delete=models.CASCADE,
                               related_name="rollups")
    reproducer = models.ForeignKey("ci_results.Reproducer", on_delete=models.CASCADE,
                                   related_name="rollups")
    runs = models.PositiveIntegerField(default=0)
    passes = models.PositiveIntegerField(default=0)
    crashes = models.PositiveIntegerField(default=0)
    hangs = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    skips = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "kernel", "config", "reproducer"],
                                    name="rollup_day_kcr_uniq"),
        ]
        indexes = [
            models.Index(fields=["kernel", "config", "reproducer"], name="rollup_kcr_idx"),
            models.Index(fields=["day"], name="rollup_day_idx"),
        ]
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} k{self.kernel_id} c{self.config_id} r{self.reproducer_id}: {self.runs}"

    @property
    def kernel_results(self) -> int:
        """Runs that say something about the kernel: error and skip are infrastructure."""
        return self.passes + self.crashes + self.hangs
