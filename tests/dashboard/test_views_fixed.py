import pytest

from ci_results.models import Config, Kernel
from tests.dashboard import pages_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _data(settings, tmp_path):
    settings.CONSOLE_LOG_DIR = tmp_path / "logs"
    pages_data.dataset(2)


def kernels():
    return Kernel.objects.get(tag="v6.9-rc6", patches=[]), Kernel.objects.exclude(patches=[]).get()


def test_it_shows_the_form_without_a_verdict_at_first(client):
    response = client.get("/fixed/")
    assert response.status_code == 200
    assert response.context["comparison"] is None
    assert 'id="fixed-form"' in response.content.decode()


def test_it_compares_a_fix_with_its_base(client):
    base, fix = kernels()
    config = Config.objects.get(name="xfs-16k-lbs")
    response = client.get("/fixed/", {"base": base.pk, "fix": fix.pk, "config": config.pk})
    v = response.context["comparison"].verdict
    # base: 6 of 10 failed on xfs-16k-lbs; fix: 0 of 10
    assert (v.base.crashes, v.base.runs, v.fix.crashes, v.fix.runs) == (6, 10, 0, 10)
    assert v.verdict == "fixed"
    html = response.content.decode()
    assert 'class="verdict-word">fixed<' in html
    assert f'class="p-value">{v.p_value:.3g}<' in html


def test_it_says_how_many_more_runs_are_needed(client):
    candidate = {**pages_data.KERNELS["rc5"], "label": "v6.9-rc5 + try",
                 "patches": [{"kind": "series", "ref": "20240501-try@kernel.org"}]}
    pages_data.record([{**pages_data.payload(f"try-{i}", "rc5", "xfs-16k-lbs", "pass",
                                             pages_data.START), "kernel": candidate}
                       for i in range(2)])
    rc5 = Kernel.objects.get(tag="v6.9-rc5", patches=[])
    fix = Kernel.objects.get(label="v6.9-rc5 + try")
    response = client.get("/fixed/", {"base": rc5.pk, "fix": fix.pk})
    v = response.context["comparison"].verdict
    assert v.verdict == "not enough runs"
    assert v.more_clean_runs_needed > 0
    assert f'class="more-runs">{v.more_clean_runs_needed}<' in response.content.decode()


def test_it_reports_a_missing_kernel_as_a_form_error(client):
    response = client.get("/fixed/", {"base": 99999})
    assert response.status_code == 200
    assert response.context["comparison"] is None
    assert "errorlist" in response.content.decode()


def test_it_lists_each_candidate_fix_with_its_verdict_against_its_base(client):
    base, fix = kernels()
    response = client.get("/fixed/")
    [candidate] = response.context["candidates"]
    assert (candidate.fix, candidate.base) == (fix, base)
    v = candidate.comparison.verdict

    def failed_of(kernel: Kernel) -> tuple[int, int]:  # from the runs, not the rollups
        results = kernel.runs.filter(outcome__in=["pass", "crash", "hang"])
        return results.exclude(outcome="pass").count(), results.count()

    assert (v.base.crashes, v.base.runs) == failed_of(base) == (6, 18)  # both configs
    assert (v.fix.crashes, v.fix.runs) == failed_of(fix) == (0, 10)
    assert v.verdict == "fixed"
    html = response.content.decode()
    assert f'href="?base={base.pk}&amp;fix={fix.pk}#verdict"' in html
    assert "commit <span class=\"mono\">e77a2a4fd6d9…</span>" in html


def test_it_names_a_candidates_series_version_by_its_mail(client):
    thread = pages_data.mail("fix-v2@kernel.org", "[PATCH v2] mm: fix the split <folio>", "fix\n")
    message = thread.messages.get()
    archived = {"kind": "series", "ref": "<fix-v2@kernel.org>"}
    missing = {"kind": "series", "ref": "not-here@kernel.org"}
    for i, patches in enumerate([[archived], [missing]]):
        kernel = {**pages_data.KERNELS["rc5"], "label": f"v6.9-rc5 + try {i}", "patches": patches}
        pages_data.record([{**pages_data.payload(f"try-{i}", "rc5", "xfs-4k", "pass",
                                                 pages_data.START), "kernel": kernel}])
    html = client.get("/fixed/").content.decode()
    url = f"/threads/{thread.pk}/messages/{message.pk}/"
    assert f'<a href="{url}" title="&lt;fix-v2@kernel.org&gt;">' \
           "[PATCH v2] mm: fix the split &lt;folio&gt;</a>" in html
    assert ('&lt;not-here@kernel.org&gt;</span> <span class="muted">(mail not archived here)'
            in html)
    run = client.get(f"/runs/{Kernel.objects.get(label='v6.9-rc5 + try 0').runs.get().pk}/")
    assert f'<a href="{url}"' in run.content.decode()  # the run page names it the same way
