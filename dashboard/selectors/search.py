"""Search across messages (subject, author), signatures (title) and runs (run id, kernel).

Each part is one LIMITed query walking an index in order, so the cost is bounded by the
limit for common words and by the table for rare ones; run ids match exactly (per origin,
on the unique (origin, run_id) index).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from ci_results.models import CrashSignature, Kernel, Origin, Run
from threads.models import Message

LIMIT = 20
MIN_LENGTH = 2


@dataclass
class SearchResults:
    query: str
    messages: list[Message]
    signatures: list[CrashSignature]
    runs: list[Run]
    kernels: list[Kernel]

    @property
    def empty(self) -> bool:
        return not (self.messages or self.signatures or self.runs or self.kernels)


def search(query: str) -> SearchResults:
    """5 queries at most (messages, signatures, origins, runs, kernels)."""
    q = query.strip()[:200]
    if len(q) < MIN_LENGTH:
        return SearchResults(q, [], [], [], [])
    messages = list(
        Message.objects.filter(is_placeholder=False)
        .filter(Q(subject__icontains=q) | Q(author__name__icontains=q)
                | Q(author__address__iexact=q))
        .select_related("author", "thread").order_by("-date")[:LIMIT]
    )
    signatures = list(CrashSignature.objects.filter(title__icontains=q)
                      .order_by("-last_seen")[:LIMIT])
    origins = list(Origin.objects.values_list("pk", flat=True))
    runs = list(Run.objects.filter(origin_id__in=origins, run_id=q)
                .select_related("kernel", "config", "reproducer", "origin")[:LIMIT])
    kernels = list(Kernel.objects.filter(Q(version__icontains=q) | Q(label__icontains=q)
                                         | Q(tag__icontains=q) | Q(commit__istartswith=q))
                   .order_by("-created_at")[:LIMIT])
    return SearchResults(q, messages, signatures, runs, kernels)
