"""threads/parsing/subject.py: reply markers, list tags and [PATCH vN m/n] prefixes."""

import pytest

from threads.parsing.subject import parse_series_marker, parse_subject, split_prefixes

SEED = ("Re: [PATCH v4 05/11] mm: do not split a folio if it has minimum folio order "
        "requirement")


def test_it_takes_the_seed_subject_apart():
    info = parse_subject(SEED)
    assert info.name == "mm: do not split a folio if it has minimum folio order requirement"
    assert (info.is_reply, info.version, info.number, info.total) == (True, 4, 5, 11)
    assert info.prefixes == ("PATCH",)
    assert info.is_patch and info.has_version


@pytest.mark.parametrize(("subject", "prefixes", "version", "number", "total"), [
    ("[RFC PATCH] mm: x", ("RFC", "PATCH"), 1, None, None),
    ("[PATCH RESEND] mm: x", ("PATCH", "RESEND"), 1, None, None),
    ("[PATCHv3] mm: x", ("PATCH",), 3, None, None),
    ("[PATCH 0 of 2] Sample Mercurial patches", ("PATCH",), 1, 0, 2),
    ("[PATCH1/8] mm: x", ("PATCH",), 1, 1, 8),
    ("[v2.3PATCH1/4] mm: x", ("PATCH",), 2, 1, 4),
    ("[Patch 2/2]: powerpc/hotplug/mm: Fix", ("PATCH",), 1, 2, 2),
    ("[PATCH net-next v2 3/5] net: x", ("PATCH", "net-next"), 2, 3, 5),
    ("[PATCH] [RFC,1/2] meep", ("PATCH", "RFC"), 1, 1, 2),
    ("net: dsa: Multi-CPU ground work (v3)", (), 3, None, None),
])
def test_it_parses_prefix_forms(subject, prefixes, version, number, total):
    info = parse_subject(subject)
    assert (info.prefixes, info.version, info.number, info.total) == (
        prefixes, version, number, total)


@pytest.mark.parametrize("subject", [
    "Re: Re: [PATCH] x", "RE: [PATCH] x", "AW: [PATCH] x", "SV: [PATCH] x", "Antw: [PATCH] x",
    "[linux-mm] Re: [PATCH] x", "Re: [linux-mm] [PATCH] x", "Re[2]: [PATCH] x",
])
def test_it_strips_reply_markers_and_list_tags(subject):
    info = parse_subject(subject)
    assert info.name == "x"
    assert info.is_reply


def test_it_marks_forwards_and_resends():
    forward = parse_subject("Fwd: Fw: [PATCH RESEND v2] x")
    assert forward.is_forward and not forward.is_reply and forward.is_resend
    assert forward.version == 2 and forward.name == "x"


def test_it_drops_known_list_tags_and_keeps_other_brackets():
    assert parse_subject("[foo] [bar] meep", list_tags=["FOO"]).prefixes == ("bar",)
    assert parse_subject("[foo] [bar] meep").prefixes == ("foo", "bar")
    assert parse_subject("[Navy-patches] [PATCH] x").list_tags == ("Navy-patches",)
    assert parse_subject("[PATCH] rewrite [a-z] regexes").name == "rewrite [a-z] regexes"


def test_it_splits_prefix_words_and_markers():
    assert split_prefixes("PATCH, 1/2") == ["PATCH", "1/2"]
    assert parse_series_marker(["bar", "1 of 2"]) == (1, 2)
    assert parse_series_marker(["PATCH1 of 8"]) == (1, 8)
    assert parse_series_marker([]) == (None, None)


def test_it_reads_a_bare_re_only_as_the_first_word():
    assert parse_subject("Re meep").is_reply
    info = parse_subject("[PATCH] re ordering of the locks")
    assert not info.is_reply and info.name == "re ordering of the locks"


def test_it_keeps_every_bracket_word_as_written():
    assert parse_subject("[RFC Patch v3 01/11] x").tags == ("RFC", "Patch", "v3", "01/11")
    assert parse_subject("[PATCH 0 of 2] y").tags == ("PATCH", "0/2")
