import pytest
from django.contrib.auth.models import Permission, User

from ci_results.models import CrashReport, CrashSignature, SignatureEvent
from tests.dashboard import pages_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _data(settings, tmp_path):
    settings.CONSOLE_LOG_DIR = tmp_path / "logs"
    pages_data.dataset(1)


@pytest.fixture
def sig():
    return CrashSignature.objects.get(title=pages_data.SEED_TITLE)


@pytest.fixture
def maintainer(client):
    user = User.objects.create_user("mcgrof", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="change_crashsignature"))
    client.force_login(user)
    return user


def test_it_lists_signatures_and_filters_by_status(client, sig):
    html = client.get("/crashes/").content.decode()
    assert pages_data.SEED_TITLE in html
    assert pages_data.SEED_TITLE not in client.get("/crashes/?status=fixed").content.decode()
    assert client.get("/crashes/?status=bogus").status_code == 200


def test_it_shows_counts_per_kernel_and_config(client, sig):
    response = client.get(f"/crashes/{sig.pk}/")
    d = response.context["d"]
    assert [(line.name, line.reports) for line in d.per_kernel] == [("v6.9-rc5", 2),
                                                                     ("v6.9-rc6", 3)]
    assert [(line.name, line.reports) for line in d.per_config] == [("xfs-16k-lbs", 5)]
    assert len(d.recent) == 5


def test_it_shows_the_representative_report_with_its_call_trace(client, sig):
    html = client.get(f"/crashes/{sig.pk}/").content.decode()
    assert '<ol class="frames mono"><li>filemap_get_folios_tag</li>' in html
    assert "BUG: kernel NULL pointer dereference, address: 0000000000000036" in html
    assert f'/runs/?signature={sig.pk}' in html


def test_it_lets_nobody_but_maintainers_change_the_status(client, sig):
    html = client.get(f"/crashes/{sig.pk}/").content.decode()
    assert "Change status" not in html and "Sign in</a> as a maintainer" in html
    response = client.post(f"/crashes/{sig.pk}/status", {"status": "invalid"})
    assert response.status_code == 403
    User.objects.create_user("reader", password="pw")
    client.login(username="reader", password="pw")
    assert client.post(f"/crashes/{sig.pk}/status", {"status": "invalid"}).status_code == 403
    sig.refresh_from_db()
    assert sig.status == "open"


def test_it_marks_a_signature_fixed_and_keeps_the_history(client, sig, maintainer):
    assert "Change status" in client.get(f"/crashes/{sig.pk}/").content.decode()
    response = client.post(f"/crashes/{sig.pk}/status", {
        "status": "fixed", "fixed_by": "e77a2a4fd6d9aa7e2641d5ea456ad0522c1e2a04",
        "note": "split fix, see <b>thread</b>"})
    assert response.status_code == 302
    sig.refresh_from_db()
    assert (sig.status, sig.fixed_by) == ("fixed", "e77a2a4fd6d9aa7e2641d5ea456ad0522c1e2a04")
    event = SignatureEvent.objects.get(signature=sig, kind="status")
    assert (event.old_status, event.new_status, event.user) == ("open", "fixed", maintainer)
    html = client.get(f"/crashes/{sig.pk}/").content.decode()
    assert "open → <strong>fixed</strong>" in html and "by mcgrof" in html
    assert "&lt;b&gt;thread&lt;/b&gt;" in html  # the note is text


def test_it_refuses_fixed_without_a_commit(client, sig, maintainer):
    response = client.post(f"/crashes/{sig.pk}/status", {"status": "fixed"})
    assert response.status_code == 400
    assert "Name the fixing commit or message." in response.content.decode()
    sig.refresh_from_db()
    assert sig.status == "open"


def test_it_marks_a_duplicate(client, sig, maintainer):
    from ci_results.services.signatures import signature_for

    second = signature_for(title="WARNING in split_huge_page_to_list_to_order")
    response = client.post(f"/crashes/{second.pk}/status",
                           {"status": "duplicate", "duplicate_of": sig.pk})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.duplicate_of == sig
    html = client.get(f"/crashes/{second.pk}/").content.decode()
    assert f'duplicate of <a href="/crashes/{sig.pk}/">' in html


def test_it_refuses_a_duplicate_of_itself_or_of_nothing(client, sig, maintainer):
    assert client.post(f"/crashes/{sig.pk}/status",
                       {"status": "duplicate", "duplicate_of": sig.pk}).status_code == 400
    assert client.post(f"/crashes/{sig.pk}/status",
                       {"status": "duplicate", "duplicate_of": 99999}).status_code == 400


def test_it_answers_404_for_an_unknown_signature(client):
    assert client.get("/crashes/99999/").status_code == 404


def test_it_counts_per_kernel_over_the_newest_reports_and_says_so(client, sig, monkeypatch):
    from dashboard.selectors import crashes

    monkeypatch.setattr(crashes, "COUNTED_REPORTS", 3)
    response = client.get(f"/crashes/{sig.pk}/")
    assert sum(line.reports for line in response.context["d"].per_kernel) == 3
    assert "are of the newest 3 reports (of 5)" in response.content.decode()


def test_it_links_the_mails_that_show_the_same_crash(client):
    from ci_results.services.crashtexts import crash_text_classify
    from threads.models import CrashText

    body = ("It crashes here too:\n\n" + pages_data.CRASH_LOG.read_text()
            + "\nAny idea?\n\nLuis\n")
    pages_data.mail("crash-mail@kernel.org", "Re: [PATCH v4 05/11] mm: <b>split</b>", body,
                    author="Luis Chamberlain")
    texts = list(CrashText.objects.filter(message__msgid="crash-mail@kernel.org"))
    assert texts, "the thread ingest found no crash text"
    for text in texts:
        crash_text_classify(crash_text=text)
    report = CrashReport.objects.filter(crash_text__in=texts).first()
    html = client.get(f"/crashes/{report.signature_id}/").content.decode()
    assert "Re: [PATCH v4 05/11] mm: &lt;b&gt;split&lt;/b&gt;</a>" in html
    assert f'href="/threads/{texts[0].message.thread_id}/#m{texts[0].message_id}"' in html
    assert "by Luis Chamberlain" in html
