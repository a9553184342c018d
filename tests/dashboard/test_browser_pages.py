"""End to end in headless Chromium against the live server: every page, charts, forms."""

import pytest

from ci_results.models import Config, CrashSignature, Kernel, Run
from ci_results.stats import fisher_exact
from tests.dashboard import pages_data
from threads.models import Thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def data(settings, tmp_path):
    settings.CONSOLE_LOG_DIR = tmp_path / "logs"
    pages_data.dataset(3)
    thread = pages_data.mail("v4-5@kernel.org", "[PATCH v4 05/11] mm: do not split a folio "
                             "if it has minimum folio order requirement", "the patch\n")
    Thread.objects.filter(pk=thread.pk).update(tracked=True)
    return {"thread": thread, "sig": CrashSignature.objects.get(),
            "crash": Run.objects.filter(outcome="crash").order_by("id").first()}


@pytest.fixture
def open_page(browser, live_server):
    """Open a URL in a fresh page; collects console errors and uncaught exceptions."""
    pages = []

    def go(path: str, viewport: dict | None = None):
        page = browser.new_page(viewport=viewport or WIDTHS["desktop"])
        page.errors = []
        page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        response = page.goto(live_server.url + path)
        page.status = response.status if response else None
        pages.append(page)
        return page

    yield go
    for page in pages:
        page.close()


def test_it_loads_every_page_without_console_errors(data, open_page, screenshot_dir):
    sig, crash = data["sig"], data["crash"]
    base = Kernel.objects.get(tag="v6.9-rc6", patches=[])
    fix = Kernel.objects.exclude(patches=[]).get()
    urls = {
        "overview": "/", "matrix": "/matrix/", "crashes": "/crashes/",
        "crash": f"/crashes/{sig.pk}/", "trends": "/trends/",
        "fixed": f"/fixed/?base={base.pk}&fix={fix.pk}", "runs": "/runs/",
        "run": f"/runs/{crash.pk}/", "search": "/search/?q=folio",
    }
    for width, viewport in WIDTHS.items():
        for name, url in urls.items():
            page = open_page(url, viewport)
            assert page.status == 200, url
            assert page.errors == [], (url, page.errors)
            # Nothing wider than the screen but scrollable tables and charts.
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, (url, width, overflow)
            page.screenshot(path=str(screenshot_dir / f"pages-{name}-{width}.png"),
                            full_page=True)


def test_it_draws_the_trends_charts_with_bands(data, open_page):
    page = open_page("/trends/")
    page.wait_for_selector("#chart-over-time .main-svg")
    traces = page.evaluate("""() => Object.fromEntries(
        [...document.querySelectorAll('.chart')].map(div =>
            [div.id, (div.data || []).map(t => [t.name, t.meta && t.meta.role, t.fill || ''])]))""")
    assert [t for t in traces["chart-over-time"] if t[1] == "rate"] == [
        ["xfs-16k-lbs", "rate", ""], ["xfs-4k", "rate", ""]]
    assert ["xfs-16k-lbs 95% interval", "band-lower", "tonexty"] in traces["chart-over-time"]
    assert [t[0] for t in traces["chart-runs-per-day"]] == ["pass", "crash", "error", "skip"]
    assert len(traces["chart-across-kernels"]) == 6
    assert page.locator("#chart-across-kernels .scatterlayer .trace").count() == 6
    assert page.errors == []


def test_it_clicks_through_from_a_matrix_cell_to_its_runs(data, open_page):
    page = open_page("/matrix/")
    rc6 = Kernel.objects.get(tag="v6.9-rc6", patches=[])
    lbs = Config.objects.get(name="xfs-16k-lbs")
    page.click(f'a.cell-link[href^="/runs/?kernel={rc6.pk}&config={lbs.pk}&since="]')
    page.wait_for_url(f"**/runs/?kernel={rc6.pk}&config={lbs.pk}&since=*")
    rows = page.locator("table.runs tbody tr")
    assert rows.count() == 15
    assert set(page.locator("table.runs tbody tr td:nth-child(4)").all_inner_texts()) == {
        "xfs-16k-lbs"}
    assert page.locator("#id_kernel").input_value() == str(rc6.pk)
    assert page.errors == []


def test_it_answers_is_it_fixed_from_the_form(data, open_page):
    page = open_page("/fixed/")
    base = Kernel.objects.get(tag="v6.9-rc6", patches=[])
    fix = Kernel.objects.exclude(patches=[]).get()
    page.select_option("#id_base", str(base.pk))
    page.select_option("#id_fix", str(fix.pk))
    page.select_option("#id_config", label="xfs-16k-lbs")
    page.click("#fixed-form button[type=submit]")
    page.wait_for_selector("#verdict")
    assert page.inner_text(".verdict-word").strip().lower() == "fixed"
    expected = fisher_exact(9, 6, 0, 15)  # base: 9 of 15 failed; fix: 0 of 15
    assert page.inner_text(".p-value").strip() == f"{expected:.3g}"
    assert page.inner_text(".more-runs").strip() == "0"
    assert page.errors == []


def test_it_sorts_the_matrix_without_javascript(data, browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/matrix/")
    page.click('tr.sorts a[href*="rows=-rate"]')
    page.wait_for_url("**/matrix/?rows=-rate")
    first = page.locator("table.matrix tbody th.kernel").first.inner_text()
    assert first.startswith("v6.9-rc5")  # 6 of 12 failed: the highest rate
    context.close()


def test_it_shows_a_hostile_mail_body_as_text(settings, tmp_path, open_page, screenshot_dir):
    thread = pages_data.mail("root@kernel.org", "[PATCH v4 05/11] mm: split", "the patch\n")
    pages_data.mail("evil@example.org", 'Re: [PATCH v4 05/11] <script>alert("s")</script>',
                    pages_data.HOSTILE_BODY.read_text(), reply_to="root@kernel.org",
                    author="Mallory <script>", address="evil@example.org",
                    date=pages_data.START.replace(day=2))
    Thread.objects.filter(pk=thread.pk).update(tracked=True)
    dialogs = []
    for path in (f"/threads/{thread.pk}/", "/", "/search/?q=script",
                 f"/feeds/threads/{thread.pk}.atom"):
        page = open_page(path)
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        assert page.status == 200, path
        if path.endswith(".atom"):
            continue
        assert page.errors == [], (path, page.errors)
        # No script, image or javascript: link came from the mail: only the site's own.
        injected = page.evaluate("""() => ({
            scripts: [...document.scripts].filter(s => !s.src && s.type !== 'application/json'
                                                   && /alert/.test(s.textContent)).length,
            js_links: [...document.querySelectorAll('a[href]')]
                .filter(a => a.getAttribute('href').trim().toLowerCase()
                .startsWith('javascript:')).length,
            images: document.querySelectorAll('img[onerror]').length,
        })""")
        assert injected == {"scripts": 0, "js_links": 0, "images": 0}, (path, injected)
        if path.startswith("/threads/"):
            text = page.inner_text("body")
            assert '<script>alert("xss")</script>' in text
            assert '<a href="javascript:alert(1)">this link</a>' in text
            page.screenshot(path=str(screenshot_dir / "pages-thread-hostile-mail.png"),
                            full_page=True)
    assert dialogs == []


def test_it_fits_the_subscribe_form_and_the_verdict_table_on_a_phone(data, open_page,
                                                                     screenshot_dir):
    base = Kernel.objects.get(tag="v6.9-rc6", patches=[])
    fix = Kernel.objects.exclude(patches=[]).get()
    page = open_page("/digests/subscribe/", WIDTHS["phone"])
    page.screenshot(path=str(screenshot_dir / "pages-subscribe-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS["phone"]["width"]
    widths = page.evaluate("[...document.querySelectorAll('select[multiple]')]"
                           ".map(s => s.getBoundingClientRect().right)")
    assert widths and max(widths) <= WIDTHS["phone"]["width"]
    page = open_page(f"/fixed/?base={base.pk}&fix={fix.pk}", WIDTHS["phone"])
    page.screenshot(path=str(screenshot_dir / "pages-fixed-verdict-phone.png"), full_page=True)
    # The verdict table fits its card: nothing to scroll to.
    spill = page.evaluate("(w => w.scrollWidth - w.clientWidth)"
                          "(document.querySelector('#verdict .table-wrap'))")
    assert spill <= 1


def test_it_opens_a_feed_without_a_missing_favicon(data, open_page):
    page = open_page(f"/feeds/threads/{data['thread'].pk}.atom")
    assert page.status == 200
    icon = page.request.get(page.url.split("/feeds/")[0] + "/favicon.ico")
    assert icon.status == 200 and icon.body()[:4] == b"\x00\x00\x01\x00"
    page.wait_for_timeout(300)  # the browser asks for /favicon.ico after the load
    assert page.errors == []
