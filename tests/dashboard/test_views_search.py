import pytest

from tests.dashboard import pages_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _data(settings, tmp_path):
    settings.CONSOLE_LOG_DIR = tmp_path / "logs"
    pages_data.dataset(1)
    pages_data.mail("v4-5@kernel.org", "[PATCH v4 05/11] mm: do not split a folio if it has "
                    "minimum folio order requirement", "the patch\n",
                    author="Pankaj Raghav", address="p.raghav@samsung.com")


def test_it_finds_threads_by_subject_and_messages_by_author(client):
    results = client.get("/search/", {"q": "split a folio"}).context["results"]
    assert [t.root_msgid for t in results.threads] == ["v4-5@kernel.org"]
    results = client.get("/search/", {"q": "raghav"}).context["results"]
    assert [m.msgid for m in results.messages] == ["v4-5@kernel.org"]
    results = client.get("/search/", {"q": "P.Raghav@samsung.com"}).context["results"]
    assert [m.msgid for m in results.messages] == ["v4-5@kernel.org"]


def test_it_finds_signatures_by_title(client):
    response = client.get("/search/", {"q": "filemap_get_folios_tag"})
    assert [s.title for s in response.context["results"].signatures] == [pages_data.SEED_TITLE]
    assert response.context["search_query"] == "filemap_get_folios_tag"


def test_it_finds_runs_by_exact_id_and_kernels_by_version(client):
    results = client.get("/search/", {"q": "r0-rc6-xfs-4k-3"}).context["results"]
    assert [r.run_id for r in results.runs] == ["r0-rc6-xfs-4k-3"]
    results = client.get("/search/", {"q": "rc5"}).context["results"]
    assert [k.tag for k in results.kernels] == ["v6.9-rc5"]


def test_it_needs_two_characters_and_says_when_nothing_matched(client):
    assert "Type at least 2 characters" in client.get("/search/", {"q": "x"}).content.decode()
    html = client.get("/search/", {"q": "<b>nothing here</b>"}).content.decode()
    assert "Nothing found for “&lt;b&gt;nothing here&lt;/b&gt;”." in html
