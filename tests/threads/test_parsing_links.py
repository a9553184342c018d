"""threads/parsing/links.py: URLs found, cleaned, deduplicated and classified."""

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from threads.parsing.links import find_links

BODY = Path(__file__).resolve().parents[1] / "fixtures" / "body"


def test_it_finds_the_seed_gists_and_commit(seed_text):
    links = find_links(seed_text)
    assert [(link.kind, link.key) for link in links] == [
        ("gist", "d12f586ec6ebe32b2472b5d634c397df"),
        ("github-commit", "linux-kdevops/linux@e77a2a4fd6d9aa7e2641d5ea456ad0522c1e8a04"),
        ("gist", "c44aaed21b99ae4ecf3d7fc6a1bb00bc"),
    ]
    assert links[0].quote_depth == 9
    assert links[1].url == (
        "https://github.com/linux-kdevops/linux/commit/e77a2a4fd6d9aa7e2641d5ea456ad0522c1e8a04"
    )


def test_it_cleans_unwraps_dedupes_and_classifies():
    links = find_links((BODY / "0007-links.txt").read_text())
    assert [(link.kind, link.key, link.url) for link in links] == [
        ("lore", "20240425113746.335530-6-kernel@pankajraghav.com",
         "https://lore.kernel.org/linux-mm/20240425113746.335530-6-kernel@pankajraghav.com/"),
        ("lore", "ZiwCKkXZuLyc4U4q@casper.infradead.org",
         "https://lkml.kernel.org/r/ZiwCKkXZuLyc4U4q@casper.infradead.org"),
        ("lore", "20221025-test1-v1-1-e4f28f57990c@linuxfoundation.org",
         "https://patch.msgid.link/20221025-test1-v1-1-e4f28f57990c@linuxfoundation.org"),
        ("lkml", "2404.3/12345", "https://lkml.iu.edu/hypermail/linux/kernel/2404.3/12345.html"),
        ("gist", "d12f586ec6ebe32b2472b5d634c397df",
         "https://gist.github.com/mcgrof/d12f586ec6ebe32b2472b5d634c397df"),
        ("gist", "c44aaed21b99ae4ecf3d7fc6a1bb00bc",
         "https://gist.github.com/c44aaed21b99ae4ecf3d7fc6a1bb00bc#file-crash-txt"),
        ("github-commit", "linux-kdevops/linux@e77a2a4fd6d9aa7e2641d5ea456ad0522c1e8a04",
         "https://github.com/linux-kdevops/linux/commit/e77a2a4fd6d9aa7e2641d5ea456ad0522c1e8a04"),
        ("other", "", "https://kdevops.org/docs/(intro)"),
    ]
    assert links[-1].quote_depth == 1


# Any text, and text made of the characters this parser looks at.
PARSER_CHARS = "https://lore.kernel.org/a@b%40<>()., \n>"
RANDOM_TEXT = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.sampled_from(list(PARSER_CHARS)), max_size=300),
)


@settings(max_examples=200, deadline=None)
@given(RANDOM_TEXT)
def test_it_never_raises_on_random_text(text):
    for link in find_links(text):
        assert link.url.startswith(("http://", "https://"))


def test_it_counts_http_and_https_of_one_page_once():
    links = find_links("See http://kdevops.org/docs/ and https://kdevops.org/docs today.")
    assert [link.url for link in links] == ["http://kdevops.org/docs/"]
