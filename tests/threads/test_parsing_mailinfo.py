"""threads/parsing/mailinfo.py: git mailinfo's default behaviour."""

from pathlib import Path

from threads.parsing.mailinfo import clean_subject, is_scissors_line, mailinfo, split_patch

MAIL = Path(__file__).resolve().parent.parent / "fixtures" / "mail"


def test_it_lets_in_body_headers_override_the_mail():
    info = mailinfo((MAIL / "0001-git-send-email-patch.eml").read_bytes())
    assert (info.author_name, info.author_email) == ("Pankaj Raghav", "p.raghav@samsung.com")
    assert info.subject == ("mm: do not split a folio if it has minimum folio order "
                            "requirement")
    assert info.message.startswith("As we don't have a way to split a folio")
    assert info.message.endswith("Reviewed-by: Hannes Reinecke <hare@suse.de>\n")
    assert info.patch.startswith("---\n mm/huge_memory.c | 12 ++++++++++++\n")


def test_it_strips_every_leading_bracket_group_from_the_subject():
    assert clean_subject("Re: [Navy-patches] [PATCH v2 1/3] foo: bar") == "foo: bar"
    assert clean_subject("[PATCH] [RFC] x", keep_non_patch_brackets=True) == "[RFC] x"


def test_it_splits_message_and_patch_at_the_first_break():
    assert split_patch("Fix it.\n\nSigned-off-by: A <a@b>\n---\n x | 1 +\n") == (
        "Fix it.\n\nSigned-off-by: A <a@b>\n", "---\n x | 1 +\n")
    assert split_patch("Text\nIndex: foo.c\n=====\n") == ("Text\n", "Index: foo.c\n=====\n")
    assert split_patch("Text\ndiff -u a b\n") == ("Text\n", "diff -u a b\n")
    assert split_patch("no patch here\n---not a break\n") == (
        "no patch here\n---not a break\n", "")


def test_it_cuts_at_scissors_only_when_asked():
    body = "talk about it\n-- >8 --\nSubject: [PATCH] real\n\nthe message\n---\npatch\n"
    assert split_patch(body)[0].startswith("talk about it\n-- >8 --\n")
    assert split_patch(body, scissors=True) == ("the message\n", "---\npatch\n")
    assert is_scissors_line("-- >8 --\n")
    assert not is_scissors_line(" This line is not a scissors mark -- >8 -- but talks about it.\n")


def test_it_reads_a_bare_address_and_a_quoted_from():
    raw = (b"From: bare@example.com\nSubject: [PATCH] t\n\n"
           b"From: \"Doe, J.\" <J.Doe@Example.com>\n\nmsg\n---\npatch\n")
    info = mailinfo(raw)
    assert (info.author_name, info.author_email) == ("Doe, J.", "J.Doe@Example.com")
    bare = mailinfo(b"From: bare@example.com\nSubject: x\n\nmsg\n---\np\n")
    assert (bare.author_name, bare.author_email) == ("bare@example.com", "bare@example.com")
