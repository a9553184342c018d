"""threads/parsing/series.py: series assembly and the v1 -> v2 family key."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from threads.parsing.mbox import iter_mbox
from threads.parsing.message import parse_message
from threads.parsing.series import group_series, has_patch, series_family_key
from threads.parsing.subject import parse_subject
from threads.parsing.types import Address, ParsedMessage

MAIL = Path(__file__).resolve().parent.parent / "fixtures" / "mail"
DIFF = "---\ndiff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n"
T0 = datetime(2024, 4, 25, 11, 0, tzinfo=UTC)


def mail(msgid: str, subject: str, *, body: str = DIFF, minutes: int = 0,
         refs: tuple[str, ...] = (), author: str = "ada@example.org") -> ParsedMessage:
    return ParsedMessage(message_id=msgid, subject=subject, author=Address("Ada", author),
                         date=T0 + timedelta(minutes=minutes), body=body,
                         in_reply_to=refs[-1] if refs else None, references=refs)


def test_it_groups_the_fixture_mbox():
    with (MAIL / "0012-series-v1-v2.mbox").open("rb") as stream:
        messages = [parse_message(raw) for raw in iter_mbox(stream)]
    v1, v2, single = group_series(messages)
    assert (v1.version, v1.total, v1.cover_message_id) == (1, 2, "v1-0@example.org")
    assert v1.patch_message_ids == {1: "v1-1@example.org", 2: "v1-2@example.org"}
    assert (v2.version, v2.cover_message_id) == (2, "v2-0@example.org")
    assert v2.patch_message_ids == {1: "v2-1@example.org", 2: "v2-2@example.org"}
    assert v1.family_key == v2.family_key
    assert single.patch_message_ids == {1: "single-1@example.org"} and single.received_all
    assert "review-1@example.org" not in {m for g in (v1, v2, single) for m in g.message_ids}


def test_it_makes_three_series_of_three_copies_sent_close_together():
    copies = [mail(f"c{i}", "[PATCH v2 1/4] Rework tagging", minutes=i) for i in range(3)]
    assert [len(g.patches) for g in group_series(copies)] == [1, 1, 1]


def test_it_joins_patches_without_references_by_sender_and_time():
    groups = group_series([
        mail("cover", "[PATCH 0/2] powerpc/dlpar: fix", body="cover text\n"),
        mail("p1", "[PATCH 1/2] powerpc/numa: x", minutes=1),
        mail("p2", "[Patch 2/2]: powerpc/hotplug/mm: y", minutes=2),
    ])
    assert len(groups) == 1 and groups[0].cover_message_id == "cover"
    assert groups[0].received_all


def test_it_keeps_a_v2_threaded_to_the_v1_cover_apart():
    groups = group_series([
        mail("v1-0", "[PATCH 0/2] s", body="cover\n"),
        mail("v1-1", "[PATCH 1/2] a", refs=("v1-0",)),
        mail("v1-2", "[PATCH 2/2] b", refs=("v1-0",)),
        mail("v2-1", "[PATCH v2 1/2] a", minutes=5, refs=("v1-0",)),
        mail("v2-2", "[PATCH v2 2/2] b", minutes=5, refs=("v1-0",)),
    ])
    assert [(g.version, len(g.patches)) for g in groups] == [(1, 2), (2, 2)]


def test_it_makes_a_lone_unnumbered_reply_with_a_diff_its_own_series():
    groups = group_series([
        mail("p", "[PATCH] test: lorem"),
        mail("p2", "[PATCH v2] test: lorem", minutes=8, refs=("p",)),
    ])
    assert [len(g.patches) for g in groups] == [1, 1]
    assert groups[1].version == 2


def test_it_assembles_a_series_arriving_out_of_order():
    groups = group_series([
        mail("4", "[PATCH 2 of 2] b", minutes=4, refs=("1",)),
        mail("3", "[PATCH 1 of 2] a", minutes=3, refs=("1",)),
        mail("1", "[PATCH 0 of 2] hg cover", body="cover\n"),
    ])
    assert len(groups) == 1
    assert groups[0].cover_message_id == "1"
    assert groups[0].patch_message_ids == {1: "3", 2: "4"}


def test_it_links_versions_by_normalised_subject_and_sender():
    v1 = parse_subject("[PATCH 5/11] mm: Do not split a folio (v1)")
    v4 = parse_subject("Re: [PATCH v4 05/11] mm: do not split a  folio")
    assert series_family_key(v1, "MCGROF@kernel.org") == series_family_key(v4, "mcgrof@kernel.org")
    assert series_family_key(v1, "a@x") != series_family_key(v1, "b@x")


def test_it_sees_diffs_only_when_unquoted():
    assert has_patch("text\n" + DIFF)
    assert not has_patch("> diff --git a/f b/f\n> --- a/f\n> +++ b/f\n")


def test_it_keeps_an_unthreaded_unlabeled_resend_apart():
    first = [mail(f"a{n}", f"[PATCH {n}/2] s", body=DIFF if n else "cover\n", minutes=n)
             for n in range(3)]
    again = [mail(f"b{n}", f"[PATCH {n}/2] s", body=DIFF if n else "cover\n", minutes=10 + n)
             for n in range(3)]
    groups = group_series(first + again)
    assert [g.patch_message_ids for g in groups] == [{1: "a1", 2: "a2"}, {1: "b1", 2: "b2"}]
    assert [g.cover_message_id for g in groups] == ["a0", "b0"]
