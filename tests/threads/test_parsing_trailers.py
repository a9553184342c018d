"""threads/parsing/trailers.py: trailers in one body, and trailers collected from replies."""

import email
import email.utils
import mailbox
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from threads.parsing.trailers import (
    address_matches,
    collect_followup_trailers,
    find_trailers,
)
from threads.parsing.types import Address, ParsedMessage

BODY = Path(__file__).resolve().parents[1] / "fixtures" / "body"


def read(name: str) -> str:
    return (BODY / name).read_text()


def load_mbox(name: str) -> dict[str, ParsedMessage]:
    """The fixture mbox as ParsedMessages, read with the standard library."""
    result = {}
    for msg in mailbox.mbox(str(BODY / name)):
        author_name, address = email.utils.parseaddr(msg["From"])
        message = ParsedMessage(
            message_id=msg["Message-Id"].strip("<>"),
            subject=msg["Subject"],
            author=Address(author_name, address.lower()),
            date=None,
            body=msg.get_payload(),
            in_reply_to=(msg["In-Reply-To"] or "").strip("<>") or None,
            references=tuple(re.findall(r"<([^>]+)>", msg["References"] or "")),
        )
        result[message.message_id] = message
    return result


def rendered(trailers) -> list[str]:
    return [f"{t.kind}: {t.value}" for t in trailers]


def test_it_reads_the_trailers_of_a_patch_mail():
    assert rendered(find_trailers(read("0003-patch-mail-body.txt"))) == [
        "Signed-off-by: Luis Chamberlain <mcgrof@kernel.org>",
        "Signed-off-by: Pankaj Raghav <p.raghav@samsung.com>",
        "Reviewed-by: Hannes Reinecke <hare@suse.de>",
    ]


def test_it_reads_review_trailers_with_comments_wraps_and_odd_spellings():
    trailers = find_trailers(read("0004-review-reply-trailers.txt"))
    assert [(t.kind, t.value, t.comment) for t in trailers] == [
        ("Reviewed-by", "Zi Yan <ziy@nvidia.com>", "# for the mm part"),
        ("Acked-by", "Darrick J. Wong (Oracle) <djwong@kernel.org>", "[xfs bits only]"),
        ("Tested-by", "Wong, Darrick <djwong@kernel.org>", ""),
        ("Nacked-by", "Some One <some.one@example.org>", ""),
        ("Fixes", '0003e2a414687 ("mm: Add AS_UNMOVABLE to mark mapping as completely '
                  'unmovable")', ""),
        ("Link", "https://lore.kernel.org/r/20240425113746.335530-6-kernel@pankajraghav.com", ""),
        ("Closes", "https://lore.kernel.org/linux-mm/ZiwCKkXZuLyc4U4q@casper.infradead.org/", ""),
        ("Cc", "stable@vger.kernel.org", "# 6.8+"),
        ("Co-developed-by", "Pankaj Raghav <p.raghav@samsung.com>", ""),
    ]
    acked, tested = trailers[1], trailers[2]
    assert (acked.name, acked.address) == ("Darrick J. Wong (Oracle)", "djwong@kernel.org")
    assert (tested.name, tested.address) == ("Wong, Darrick", "djwong@kernel.org")


def test_it_ignores_quoted_trailers_and_the_seed_quotes(seed_text):
    assert find_trailers("> Reviewed-by: Zi Yan <ziy@nvidia.com>\n\nThanks!\n") == ()
    assert find_trailers(seed_text) == ()


def test_it_keeps_quoted_names_with_commas():
    (trailer,) = find_trailers('Reported-by: "Doe, Jane" <Jane@Example.com>\n')
    assert (trailer.name, trailer.address, trailer.value) == (
        "Doe, Jane", "jane@example.com", '"Doe, Jane" <Jane@Example.com>')


def test_it_matches_addresses_hidden_by_lkml_iu_edu():
    assert address_matches("p.raghav@xxxxxxxxxxx", "p.raghav@samsung.com")
    assert not address_matches("p.raghav@xxxxxxxxxxx", "kernel@pankajraghav.com")
    assert not address_matches("djwong@kernel.org", "darrick.wong@oracle.com")


def test_it_attaches_followup_trailers_to_the_patches_they_answer():
    mails = load_mbox("0009-series-with-followups.mbox")
    cover, patch1, patch2 = mails["cover@kernel.org"], mails["patch-1@kernel.org"], \
        mails["patch-2@kernel.org"]
    followups = [m for k, m in mails.items() if k not in (cover.message_id, patch1.message_id,
                                                          patch2.message_id)]
    first, second = collect_followup_trailers(
        patches=[patch1, patch2], followups=followups, cover=cover
    )
    # Hannes reviewed the cover; patch 1 already carries his Reviewed-by.
    assert rendered(first.own) == ["Signed-off-by: Luis Chamberlain <mcgrof@kernel.org>",
                                   "Reviewed-by: Hannes Reinecke <hare@suse.de>"]
    assert first.added == ()
    assert [(rendered([f.trailer])[0], f.from_message_id, f.via_cover) for f in second.added] == [
        ("Reviewed-by: Hannes Reinecke <hare@suse.de>", "review-cover@suse.de", True),
        ("Acked-by: Darrick J. Wong <djwong@kernel.org>", "review-2@kernel.org", False),
        ("Acked-by: Zi Yan <ziy@nvidia.com>", "reply-to-review@nvidia.com", False),
    ]
    (mismatch,) = second.mismatches
    assert rendered([mismatch.trailer]) == ["Tested-by: Darrick J. Wong <darrick.wong@oracle.com>"]
    assert mismatch.sender.address == "djwong@kernel.org"
    assert len(second.trailers()) == 4 and len(second.trailers(sloppy=True)) == 5


def test_it_collects_nothing_without_replies():
    mails = load_mbox("0009-series-with-followups.mbox")
    (only,) = collect_followup_trailers(patches=[mails["patch-1@kernel.org"]], followups=[])
    assert only.added == () and only.mismatches == ()


# Any text, and text made of the characters this parser looks at.
PARSER_CHARS = "Reviewed-by: Fixes<>@a.b# []\n>\t0123456789(\""
RANDOM_TEXT = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.sampled_from(list(PARSER_CHARS)), max_size=300),
)


@settings(max_examples=200, deadline=None)
@given(RANDOM_TEXT)
def test_it_never_raises_on_random_text(text):
    for trailer in find_trailers(text):
        assert trailer.kind[0].isupper()


def test_it_reads_a_bare_nak_as_a_nacked_by_from_the_sender():
    (nak,) = find_trailers("> +\tgoto out;\n\nNAK.\n\nThis leaks the folio lock.\n")
    assert (nak.kind, nak.value) == ("Nacked-by", "")
    patch = ParsedMessage("p@x", "[PATCH] x", Address("Luis", "mcgrof@kernel.org"), None,
                          "Fix it.\n\nSigned-off-by: Luis <mcgrof@kernel.org>\n")
    reply = ParsedMessage("r@x", "Re: [PATCH] x", Address("Matthew Wilcox", "willy@infradead.org"),
                          None, "NAK\n", in_reply_to="p@x")
    (result,) = collect_followup_trailers(patches=[patch], followups=[reply])
    assert rendered(result.trailers()) == [
        "Signed-off-by: Luis <mcgrof@kernel.org>",
        "Nacked-by: Matthew Wilcox <willy@infradead.org>",
    ]


def test_it_does_not_collect_the_signoff_of_a_counter_patch():
    patch = ParsedMessage("p@x", "[PATCH] x", Address("Luis", "mcgrof@kernel.org"), None,
                          "Fix it.\n\nSigned-off-by: Luis <mcgrof@kernel.org>\n")
    reply = ParsedMessage(
        "r@x", "Re: [PATCH] x", Address("Zi Yan", "ziy@nvidia.com"), None,
        "How about this instead:\n\nSigned-off-by: Zi Yan <ziy@nvidia.com>\n"
        "Tested-by: Zi Yan <ziy@nvidia.com>\n\n"
        "diff --git a/mm/migrate.c b/mm/migrate.c\n--- a/mm/migrate.c\n+++ b/mm/migrate.c\n"
        "@@ -1 +1 @@\n-a\n+b\n",
        in_reply_to="p@x",
    )
    (result,) = collect_followup_trailers(patches=[patch], followups=[reply])
    assert rendered(f.trailer for f in result.added) == ["Tested-by: Zi Yan <ziy@nvidia.com>"]
