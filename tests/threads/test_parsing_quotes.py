"""threads/parsing/quotes.py (and the attribution lines it relies on) on fixture bodies."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from threads.parsing.attribution import parse_attribution
from threads.parsing.quotes import parse_body
from threads.parsing.trailers import find_trailers

BODY = Path(__file__).resolve().parents[1] / "fixtures" / "body"


def read(name: str) -> str:
    return (BODY / name).read_text()


def test_it_links_each_seed_quote_level_to_its_author(seed_text):
    body = parse_body(seed_text)
    quotes = {(s.depth, s.attribution.name) for s in body.segments
              if s.kind == "quote" and s.attribution}
    assert {(1, "Zi Yan"), (2, "Luis Chamberlain"), (3, "Zi Yan"), (4, "Luis Chamberlain"),
            (5, "Luis Chamberlain"), (8, "Matthew Wilcox"),
            (9, "Pankaj Raghav (Samsung)")} <= quotes


def test_it_reads_the_seed_attribution_depths_and_dates(seed_text):
    attributions = parse_body(seed_text).attributions
    assert [a.depth for a in attributions] == list(range(9))
    assert attributions[0].name == "Zi Yan"
    assert attributions[0].date == datetime(2024, 4, 30, 2, 43, 16, tzinfo=UTC)
    assert attributions[1].date is None  # Apple Mail's "On 29 Apr 2024, at 20:31" has no zone
    assert attributions[1].date_text == "29 Apr 2024, at 20:31"
    assert attributions[7].name == "Matthew Wilcox"
    assert attributions[7].date == datetime(2024, 4, 25, 20, 10, 16, tzinfo=UTC)


def test_it_keeps_the_seed_diffs_and_crash_as_their_own_segments(seed_text):
    kinds = [(s.kind, s.depth) for s in parse_body(seed_text).segments]
    assert ("diff", 5) in kinds and ("diff", 4) in kinds
    assert kinds.count(("crash", 0)) == 1


def test_it_gives_the_new_text_without_quotes(seed_text):
    new_text = parse_body(seed_text).new_text
    assert "No, min order is used." in new_text
    assert "That's what I had tried with my new fstsest test" in new_text
    assert "Hmm, I misunderstood" not in new_text
    assert "Zi Yan wrote:" not in new_text


def test_it_separates_the_signature():
    body = parse_body(read("0001-mutt-reply-nested-quotes-signature.txt"))
    assert body.signature == "Pankaj Raghav\nSamsung Semiconductor"
    assert body.new_text.endswith("Thanks,\nPankaj")
    assert [s.kind for s in body.segments][-1] == "signature"


def test_it_attributes_a_blank_marker_line_to_the_surrounding_quote():
    body = parse_body(read("0001-mutt-reply-nested-quotes-signature.txt"))
    depth1 = [s for s in body.segments if s.kind == "quote" and s.depth == 1]
    assert depth1[0].text == "How would I go about reproducing this?"
    assert depth1[0].attribution.name == "Matthew Wilcox"
    depth2 = [s for s in body.segments if s.kind == "quote" and s.depth == 2]
    assert depth2[0].attribution.name == "Pankaj Raghav (Samsung)"


def test_it_reads_every_attribution_style():
    attributions = parse_body(read("0002-attribution-styles.txt")).attributions
    assert [(a.name, a.address) for a in attributions] == [
        ("Zi Yan", "ziy@nvidia.com"),
        ("Luis Chamberlain", "mcgrof@kernel.org"),
        ("Zi Yan", "ziy@nvidia.com"),
        ("Stephen Boyd", ""),
        ("Liam R. Howlett", "liam.howlett@oracle.com"),
        ("Luis Chamberlain", ""),
        ("Michal Hocko", ""),
    ]
    assert attributions[0].date == datetime(2024, 4, 30, 2, 43, 16, tzinfo=UTC)
    assert attributions[1].date is None  # "3:27 PM" without a zone is not an instant
    assert attributions[1].date_text == "Tue, Apr 30, 2024 at 3:27 PM"


def test_it_joins_a_wrapped_attribution_into_one_line():
    attribution = parse_body(read("0002-attribution-styles.txt")).attributions[1]
    assert attribution.line == (
        "On Tue, Apr 30, 2024 at 3:27 PM Luis Chamberlain <mcgrof@kernel.org> wrote:"
    )


def test_it_ignores_a_wrote_line_that_introduces_no_quote():
    body = parse_body("On Monday, the team wrote:\nnothing quoted here\n")
    assert body.attributions == ()
    assert parse_attribution("On Mon, Apr 29, 2024 at 10:43:16PM -0400, Zi Yan wrote:")


# Any text, and text made of the characters this parser looks at.
PARSER_CHARS = "> \nOnwrote:,-@<>ab1|\t"
RANDOM_TEXT = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.sampled_from(list(PARSER_CHARS)), max_size=300),
)


@pytest.mark.parametrize(
    ("line", "name", "utc"),
    [
        ("On Mon, 2024-04-29 at 22:43 -0400, Zi Yan wrote:", "Zi Yan", "2024-04-30 02:43:00"),
        ("On Mon, 29 Apr 2024 22:43:16 +0200, Zi Yan wrote:", "Zi Yan", "2024-04-29 20:43:16"),
        ("On Mon, Apr 29, 2024 at 22:43:16 +0000 (UTC), Zi Yan wrote:", "Zi Yan",
         "2024-04-29 22:43:16"),
        ("On Mon, Apr 29, 2024 at 10:43:16PM -0400, Raghav, Pankaj wrote:", "Raghav, Pankaj",
         "2024-04-30 02:43:16"),
        ("On 4/29/24 10:43 PM, Zi Yan wrote:", "Zi Yan", None),
        ("On 29/04/2024 22:43, Zi Yan wrote:", "Zi Yan", None),
        ("Am 29.04.24 um 22:43 schrieb Zi Yan:", "Zi Yan", None),
        ("Zi Yan wrote:", "Zi Yan", None),
    ],
)
def test_it_reads_attribution_lines_of_many_mailers(line, name, utc):
    attribution = parse_attribution(line)
    assert attribution.name == name
    assert (attribution.date.strftime("%Y-%m-%d %H:%M:%S") if attribution.date else None) == utc


def test_it_refuses_lines_that_only_end_in_wrote():
    assert parse_attribution("You wrote:") is None
    assert parse_attribution("As I said before, you wrote:") is None


@settings(max_examples=200, deadline=None)
@given(RANDOM_TEXT)
def test_it_never_raises_on_random_text(text):
    body = parse_body(text)
    assert isinstance(body.new_text, str)


def test_it_keeps_a_dated_attribution_whose_quote_was_cut():
    body = parse_body("> On Mon, Apr 29, 2024 at 10:29:29AM -0400, Zi Yan wrote:\n> [...]\n"
                      "> I disagree.\n\nWhy?\n")
    (attribution,) = body.attributions
    assert (attribution.name, attribution.depth) == ("Zi Yan", 1)


def test_it_ends_a_top_posters_signature_where_the_quote_starts():
    body = parse_body("Applied, thanks.\n-- \nAndrew\n\n"
                      "On Thu, Apr 25, 2024 at 09:10:16PM +0100, Matthew Wilcox wrote:\n"
                      "> How would I go about reproducing this?\n")
    assert body.signature == "Andrew"
    assert [s.kind for s in body.segments] == ["text", "signature", "attribution", "quote"]
    assert body.segments[-1].attribution.name == "Matthew Wilcox"


def test_it_reads_an_outlook_quoted_chain_below_the_reply_as_quotes():
    from threads.parsing.quotemarks import find_quoted_lines

    lines = find_quoted_lines(read("0011-outlook-top-post.txt"))
    depth = {line.text: line.depth for line in lines if line.text}
    assert depth["Tested-by: Jane Tester <jane.tester@example.com>"] == 0
    assert depth["-----Original Message-----"] == 1  # the separator starts the quote
    assert depth["From: Luis Chamberlain <mcgrof@kernel.org>"] == 1  # not a second level
    assert depth["Reviewed-by: Hannes Reinecke <hare@suse.de>"] == 1
    assert depth["From: Hannes Reinecke <hare@suse.de>"] == 2  # the next mail of the chain
    assert depth["Looks good."] == 2
    assert depth["the patch"] == 3  # ">" inside the quoted mail goes one deeper
    trailers = find_trailers(read("0011-outlook-top-post.txt"))
    assert [(t.kind, t.value) for t in trailers] == [
        ("Tested-by", "Jane Tester <jane.tester@example.com>")]


def test_it_keeps_an_in_body_from_header_as_the_mails_own_text():
    # git format-patch headers carry "From:" and "Date:", never Outlook's "Sent:" block.
    from threads.parsing.quotemarks import find_quoted_lines

    lines = find_quoted_lines(read("0012-inbody-from-date.txt"))
    assert {line.depth for line in lines} == {0}
