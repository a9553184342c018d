"""threads/parsing/ancestors.py: placeholder ancestors from the seed's quotes."""

from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from threads.parsing.ancestors import find_quoted_ancestors

BODY = Path(__file__).resolve().parents[1] / "fixtures" / "body"


def test_it_finds_the_nine_quoted_ancestors_of_the_seed(seed_text):
    ancestors = find_quoted_ancestors(seed_text)
    assert [(a.depth, a.author_name) for a in ancestors] == [
        (1, "Zi Yan"),
        (2, "Luis Chamberlain"),
        (3, "Zi Yan"),
        (4, "Luis Chamberlain"),
        (5, "Luis Chamberlain"),
        (6, "Luis Chamberlain"),
        (7, "Luis Chamberlain"),
        (8, "Matthew Wilcox"),
        (9, "Pankaj Raghav (Samsung)"),
    ]


def test_it_gives_dates_in_utc_only_when_the_line_has_a_zone(seed_text):
    dates = [a.date for a in find_quoted_ancestors(seed_text)]
    assert dates == [
        datetime(2024, 4, 30, 2, 43, 16, tzinfo=UTC),
        None,  # "On 29 Apr 2024, at 20:31"
        datetime(2024, 4, 29, 14, 29, 29, tzinfo=UTC),
        None,  # "On 28 Apr 2024, at 23:56"
        datetime(2024, 4, 28, 0, 57, 17, tzinfo=UTC),
        datetime(2024, 4, 26, 23, 46, 11, tzinfo=UTC),
        datetime(2024, 4, 26, 0, 47, 28, tzinfo=UTC),
        datetime(2024, 4, 25, 20, 10, 16, tzinfo=UTC),
        datetime(2024, 4, 25, 11, 37, 40, tzinfo=UTC),
    ]


def test_it_keeps_only_each_ancestors_own_words(seed_text):
    ancestors = {a.depth: a for a in find_quoted_ancestors(seed_text)}
    assert ancestors[8].quoted_text == "How would I go about reproducing this?"
    assert ancestors[9].quoted_text.startswith("From: Pankaj Raghav <p.raghav@xxxxxxxxxxx>")
    assert "gist.github.com/mcgrof/d12f586ec6ebe32b2472b5d634c397df" in ancestors[9].quoted_text
    assert ancestors[1].quoted_text.startswith("Hmm, I misunderstood the issue above.")
    assert "I wonder if you can isolate the issue" in ancestors[1].quoted_text
    assert "There are 3 try_split_folio()" not in ancestors[1].quoted_text
    assert ancestors[3].quoted_text.startswith("There are 3 try_split_folio()")
    assert "diff --git a/mm/huge_memory.c" in ancestors[5].quoted_text
    assert "diff --git a/mm/migrate.c" in ancestors[4].quoted_text
    assert ancestors[6].quoted_text == ""  # only an attribution at that level
    assert ancestors[2].attribution_line == "On 29 Apr 2024, at 20:31, Luis Chamberlain wrote:"


def test_it_finds_ancestors_in_a_short_reply():
    ancestors = find_quoted_ancestors(
        (BODY / "0001-mutt-reply-nested-quotes-signature.txt").read_text()
    )
    assert [(a.depth, a.author_name, a.quoted_text) for a in ancestors] == [
        (1, "Matthew Wilcox", "How would I go about reproducing this?"),
        (2, "Pankaj Raghav (Samsung)",
         "using that API for LBS is resulting in an NULL ptr dereference\n"
         "error in the writeback path [1]."),
    ]


def test_it_keeps_an_unattributed_quote_as_an_anonymous_parent():
    (ancestor,) = find_quoted_ancestors("> Please test this.\n\nWorks for me.\n")
    assert (ancestor.depth, ancestor.author_name, ancestor.quoted_text) == (
        1, "", "Please test this.")


# Any text, and text made of the characters this parser looks at.
PARSER_CHARS = "> \nOn wrote:,2024-@<>ab"
RANDOM_TEXT = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.sampled_from(list(PARSER_CHARS)), max_size=300),
)


@settings(max_examples=200, deadline=None)
@given(RANDOM_TEXT)
def test_it_never_raises_on_random_text(text):
    assert all(a.depth >= 1 for a in find_quoted_ancestors(text))
