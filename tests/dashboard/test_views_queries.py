"""Every page runs the same number of SQL queries with 1x and 10x the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ci_results.models import CrashSignature, Kernel, Run
from tests.dashboard import pages_data
from threads.models import Thread

pytestmark = pytest.mark.django_db


def urls() -> dict[str, str]:
    sig = CrashSignature.objects.get()
    crash = Run.objects.filter(outcome="crash").order_by("id").first()
    base, fix = Kernel.objects.get(tag="v6.9-rc6", patches=[]), Kernel.objects.exclude(
        patches=[]).get()
    thread = Thread.objects.get(root_msgid="root@kernel.org")
    return {
        "overview": "/", "matrix": "/matrix/?rows=-rate", "crashes": "/crashes/",
        "crash": f"/crashes/{sig.pk}/", "trends": "/trends/",
        "fixed": f"/fixed/?base={base.pk}&fix={fix.pk}", "runs": "/runs/",
        "runs-filtered": f"/runs/?signature={sig.pk}&outcome=crash",
        "run": f"/runs/{crash.pk}/", "search": "/search/?q=folio",
        "feed-thread": f"/feeds/threads/{thread.pk}.atom", "feed-signatures":
        "/feeds/signatures.atom",
    }


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return len(ctx.captured_queries)


def grow(rounds: int, prefix: str) -> None:
    pages_data.dataset(rounds, prefix=prefix)
    thread = Thread.objects.get(root_msgid="root@kernel.org")
    for i in range(rounds):
        pages_data.mail(f"{prefix}{i}@kernel.org", f"Re: [PATCH v4 05/11] mm: folio {i}",
                        "reply\n", reply_to="root@kernel.org")
    Thread.objects.filter(pk=thread.pk).update(tracked=True)


def test_it_runs_a_fixed_number_of_queries_per_page(client, settings, tmp_path):
    settings.CONSOLE_LOG_DIR = tmp_path / "logs"
    pages_data.mail("root@kernel.org", "[PATCH v4 05/11] mm: folio split", "patch\n")
    grow(1, "a")
    small = {name: count(client, url) for name, url in urls().items()}
    grow(9, "b")
    large = {name: count(client, url) for name, url in urls().items()}
    assert large == small
    assert max(small.values()) <= 12, small
