import pytest

from ci_results.models import Config, CrashSignature, Kernel, Run
from tests.dashboard import pages_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _logs(settings, tmp_path):
    settings.CONSOLE_LOG_DIR = tmp_path / "logs"


def test_it_filters_runs_by_kernel_config_and_outcome(client):
    pages_data.dataset(1)
    rc6 = Kernel.objects.get(tag="v6.9-rc6", patches=[])
    lbs = Config.objects.get(name="xfs-16k-lbs")
    page = client.get("/runs/", {"kernel": rc6.pk, "config": lbs.pk}).context["page"]
    assert len(page.runs) == 5
    assert {(r.kernel_id, r.config_id) for r in page.runs} == {(rc6.pk, lbs.pk)}
    crashes = client.get("/runs/", {"outcome": "crash"}).context["page"].runs
    assert len(crashes) == 5 and {r.outcome for r in crashes} == {"crash"}


def test_it_filters_runs_by_signature(client):
    pages_data.dataset(1)
    sig = CrashSignature.objects.get()
    response = client.get("/runs/", {"signature": sig.pk})
    assert {r.outcome for r in response.context["page"].runs} == {"crash"}
    assert "that hit “BUG: unable to handle kernel NULL pointer" in response.content.decode()


def test_it_pages_with_a_cursor_through_every_run_once(client):
    pages_data.dataset(6)  # 120 runs, some at the same start time
    seen, after, pages = [], None, 0
    while True:
        response = client.get("/runs/", {"after": after} if after else {})
        page = response.context["page"]
        seen += [r.pk for r in page.runs]
        pages += 1
        after = page.next_cursor
        if after is None:
            break
        assert 'rel="next"' in response.content.decode()
    assert pages == 3
    assert sorted(seen) == sorted(Run.objects.values_list("pk", flat=True))
    assert len(seen) == len(set(seen))


def test_it_shows_a_run_with_its_crash_highlighted(client):
    run = pages_data.record([pages_data.payload("c1", "rc6", "xfs-16k-lbs", "crash",
                                                pages_data.START)])[0]
    html = client.get(f"/runs/{run.pk}/").content.decode()
    assert '<mark class="crash" title="BUG: unable to handle kernel NULL pointer dereference in ' \
        'filemap_get_folios_tag">[   60.000113] BUG: kernel NULL pointer dereference' in html
    assert "&lt;/TASK&gt;\n</mark>" in html
    assert html.count("<mark") == 1


def test_it_pages_a_long_log_by_byte_offset(client):
    filler = "".join(f"[{i:12.6f}] xfs: writeback of inode {i} done\n" for i in range(4000))
    log = filler + pages_data.CRASH_LOG.read_text()
    run = pages_data.record([pages_data.payload("long-1", "rc6", "xfs-16k-lbs", "crash",
                                                pages_data.START, console_log=log)])[0]
    assert run.log_size == len(log) > 64 * 1024
    first = client.get(f"/runs/{run.pk}/").context["log"]
    assert first.offset == 0 and first.text.endswith("\n")
    assert len(first.text) <= 64 * 1024 and first.next_offset == first.end
    assert "<mark" not in client.get(f"/runs/{run.pk}/").content.decode()
    # Follow "later" to the end: each window starts where the last ended, at a line start.
    windows, offset = [first], first.next_offset
    while offset is not None:
        w = client.get(f"/runs/{run.pk}/", {"offset": offset}).context["log"]
        assert w.offset == offset
        windows.append(w)
        offset = w.next_offset
    assert "".join(w.text for w in windows) == log
    assert windows[-1].highlights and windows[-1].prev_offset is not None
    # The report's link jumps to the window holding it.
    report = run.crash_reports.get()
    jump = client.get(f"/runs/{run.pk}/", {"offset": report.start})
    assert jump.context["log"].text.startswith("[   60.000113] BUG:")


def test_it_escapes_the_log(client):
    log = "[    1.000000] <script>alert(1)</script> javascript:alert(2)\n"
    run = pages_data.record([pages_data.payload("x1", "rc6", "xfs-4k", "pass",
                                                pages_data.START, console_log=log)])[0]
    html = client.get(f"/runs/{run.pk}/").content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_it_survives_a_missing_log_file_and_unknown_runs(client, settings, tmp_path):
    run = pages_data.record([pages_data.payload("p1", "rc6", "xfs-4k", "pass",
                                                pages_data.START, console_log="ok\n")])[0]
    settings.CONSOLE_LOG_DIR = tmp_path / "elsewhere"
    assert "No console log stored" in client.get(f"/runs/{run.pk}/").content.decode()
    assert client.get("/runs/99999/").status_code == 404
    assert client.get(f"/runs/{run.pk}/", {"offset": "-5"}).status_code == 200


def test_it_escapes_names_in_the_filter_selects_and_rows(client):
    payload = pages_data.payload("x2", "rc6", "xfs-4k", "pass", pages_data.START)
    payload["config"] = {"name": '<script>alert("c")</script>'}
    pages_data.record([payload])
    html = client.get("/runs/").content.decode()
    assert "<script>alert" not in html
    assert html.count("&lt;script&gt;alert(&quot;c&quot;)&lt;/script&gt;") == 2  # select, row


def test_it_says_whether_the_log_was_parsed_and_what_was_found(client):
    from ci_results.services import newlogs

    crash, clean = pages_data.record([
        pages_data.payload("c1", "rc6", "xfs-16k-lbs", "crash", pages_data.START),
        pages_data.payload("p1", "rc6", "xfs-4k", "pass", pages_data.START,
                           console_log="[    1.000000] systemd[1]: Started a unit.\n")])

    def state(run: Run) -> str:
        html = client.get(f"/runs/{run.pk}/").content.decode()
        return html.split('<dd id="parse-state">', 1)[1].split("</dd>", 1)[0]

    assert "1 crash report</a>" in state(crash)
    assert state(clean).startswith('<span class="muted">not yet: the log waits for the parser')
    newlogs.newlogs_parse(pks=[clean.pk])
    assert state(clean).endswith(" · no crash report found")
    no_log = pages_data.record([pages_data.payload("n1", "rc6", "xfs-4k", "pass",
                                                   pages_data.START, console_log=None)])[0]
    assert 'id="parse-state"' not in client.get(f"/runs/{no_log.pk}/").content.decode()
