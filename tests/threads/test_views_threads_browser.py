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


PHONE = {"width": 390, "height": 844}


def test_it_fits_the_seed_thread_and_a_message_on_a_phone(browser, live_server, screenshot_dir):
    demo.load()
    thread = Thread.objects.get()
    linking = thread.messages.get(is_placeholder=False)
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    try:
        for path in (f"/threads/{thread.pk}/", f"/threads/{thread.pk}/messages/{linking.pk}/"):
            page.goto(live_server.url + path)
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
        page.goto(f"{live_server.url}/threads/{thread.pk}/")
        page.screenshot(path=str(screenshot_dir / "threads-detail-seed-phone.png"), full_page=True)
        # The reply tree indents three levels only: even the deepest message keeps the width.
        narrowest = page.evaluate("Math.min(...[...document.querySelectorAll('.message')]"
                                  ".map(m => m.getBoundingClientRect().width))")
        assert narrowest >= 300
        assert page.locator(".depth-marker").first.is_visible()
        diffs = page.evaluate("[...document.querySelectorAll('pre.diff')].map(p => "
                              "[p.getBoundingClientRect().width, p.scrollWidth > p.clientWidth])")
        assert diffs and all(width >= 280 for width, _ in diffs)
        assert any(scrolls for _, scrolls in diffs)  # long diff lines scroll inside the box
        links = page.evaluate("[...document.querySelectorAll('.extras a')]"
                              ".map(a => a.getBoundingClientRect().right)")
        assert links and max(links) <= PHONE["width"]
    finally:
        context.close()


def test_it_renders_a_diff_line_for_line(browser, live_server):
    demo.load()
    thread = Thread.objects.get()
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280,
                                                                        "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/threads/{thread.pk}/")
        diffs = page.evaluate("""[...document.querySelectorAll('pre.diff')].map(pre => {
            const spans = [...pre.querySelectorAll(':scope > span')];
            const lineHeight = Math.max(...spans.map(s => s.getBoundingClientRect().height));
            const style = getComputedStyle(pre);
            const content = pre.clientHeight - parseFloat(style.paddingTop)
                - parseFloat(style.paddingBottom);
            return {spans: spans.length, shown: Math.round(content / lineHeight),
                    copied: pre.innerText.replace(/\\n$/, '').split('\\n').length};
        })""")
        assert diffs
        for diff in diffs:  # as many lines on screen and in a copy as the diff has, no more
            assert diff["shown"] == diff["copied"] == diff["spans"], diff
    finally:
        context.close()
