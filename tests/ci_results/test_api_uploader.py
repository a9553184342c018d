"""The standalone uploader: downloadable from the site, posts a run with its log, retries."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import requests

from ci_results.models import CrashReport, Run
from tests.ci_results.helpers_runs import FIXTURES
from tests.conftest import free_port

SCRIPT = (Path(__file__).resolve().parents[2] / "ci_results" / "static" / "ci_results"
          / "kbd-upload.py")
pytestmark = pytest.mark.django_db(transaction=True)


def load_uploader():
    spec = importlib.util.spec_from_file_location("kbd_upload", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def args(uploader, url: str, token: str, *extra: str):
    return uploader.parse_args([
        "--url", url, "--token", token, "--run-id", "gh-1234-1", "--outcome", "crash",
        "--log", str(FIXTURES / "0001-seed-null-deref-writeback.log"),
        "--kernel-tree", "mainline", "--kernel-version", "6.9.0-rc6", "--kernel-tag", "v6.9-rc6",
        "--config", "xfs-16k-lbs", "--filesystem", "xfs", "--block-size", "16384",
        "--min-folio-order", "2", "--reproducer", "split-huge-pages-dd-loop",
        "--started-at", "2024-04-30T10:37:09Z", "--duration", "55", *extra,
    ])


def test_it_is_served_by_the_site(live_server):
    response = requests.get(f"{live_server.url}/tools/kbd-upload.py", timeout=30)
    assert response.status_code == 200
    assert response.content == SCRIPT.read_bytes()
    assert "attachment" in response.headers["Content-Disposition"]


def test_it_posts_a_run_with_its_log_and_a_retry_changes_nothing(live_server, ci_token, log_dir):
    uploader = load_uploader()
    _, secret = ci_token
    a = args(uploader, live_server.url, secret)
    assert uploader.upload(a.url, a.token, uploader.build_run(a), a.log) == 0
    run = Run.objects.get()
    assert (run.run_id, run.outcome, run.config.min_folio_order) == ("gh-1234-1", "crash", 2)
    assert run.log_size == (FIXTURES / "0001-seed-null-deref-writeback.log").stat().st_size
    assert uploader.upload(a.url, a.token, uploader.build_run(a), a.log) == 0  # 200 unchanged
    assert Run.objects.count() == 1
    if CrashReport.objects.exists():  # once the crash parser is installed
        assert CrashReport.objects.get().run == run
    bad = args(uploader, live_server.url, "kbd_wrong")
    assert uploader.upload(bad.url, bad.token, uploader.build_run(bad), bad.log) == 1


def test_it_retries_with_backoff_then_gives_up(ci_token):
    uploader = load_uploader()
    pauses: list[float] = []
    a = args(uploader, f"http://127.0.0.1:{free_port()}", "kbd_x")  # nothing listens there
    status = uploader.upload(a.url, a.token, uploader.build_run(a), a.log, attempts=4,
                             timeout=2, sleep=pauses.append)
    assert status == 2
    assert len(pauses) == 3
    assert pauses[0] < pauses[2]
