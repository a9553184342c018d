"""The thread and series pages in headless Chromium, without JavaScript; screenshots kept."""

import pytest

from dashboard.demo import threads as demo
from threads.models import Series, Thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_shows_the_seed_thread_and_series_without_javascript(
    browser, live_server, screenshot_dir
):
    demo.load()
    thread, series = Thread.objects.get(), Series.objects.get()
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280,
                                                                        "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/threads/{thread.pk}/")
        page.screenshot(path=str(screenshot_dir / "threads-detail-seed.png"), full_page=True)
        page.screenshot(path=str(screenshot_dir / "threads-detail-seed-top.png"))
        assert page.locator("details.node").count() == 10
        first = page.locator("details.node > summary").first
        first.click()  # <details> folds without any script
        assert page.locator("details.node").first.get_attribute("open") is None
        page.goto(f"{live_server.url}/series/{series.pk}/")
        page.screenshot(path=str(screenshot_dir / "threads-series-seed.png"), full_page=True)
        assert page.locator("table.series-grid").is_visible()
        page.goto(f"{live_server.url}/threads/")
        page.screenshot(path=str(screenshot_dir / "threads-list.png"), full_page=True)
        assert "demo" in page.locator("table.threads").inner_text()
    finally:
        context.close()
