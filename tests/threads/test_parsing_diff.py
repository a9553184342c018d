"""threads/parsing/diff.py: diffs in bodies and their patch-id (checked against git)."""

import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from threads.parsing.diff import compute_patch_id, find_diffs

BODY = Path(__file__).resolve().parents[1] / "fixtures" / "body"
SMALL = BODY / "0008-small-change.diff"
# Recorded with git 2.39.5: `git patch-id --stable < tests/fixtures/body/0008-small-change.diff`
SMALL_PATCH_ID = "7ee75c0346958905398e32dac04f307c89abb6fc"


def test_it_finds_the_two_quoted_fixes_of_the_seed(seed_text):
    diffs = find_diffs(seed_text)
    assert [(d.files, d.quote_depth) for d in diffs] == [
        (("mm/huge_memory.c",), 5),
        (("mm/migrate.c",), 4),
    ]
    huge, migrate = diffs
    assert (huge.hunks[0].old_start, huge.hunks[0].old_len, huge.hunks[0].new_len) == (3058, 7, 7)
    assert (migrate.hunks[0].new_start, migrate.hunks[0].new_len) == (1484, 12)
    assert "+out:" in migrate.hunks[0].lines
    first_line = seed_text.split("\n")[huge.start_line]
    assert first_line.endswith("diff --git a/mm/huge_memory.c b/mm/huge_memory.c")


def test_it_gives_quoted_context_lines_their_blank_back():
    (diff,) = find_diffs((BODY / "0005-quoted-diff-lost-context-blanks.txt").read_text())
    assert diff.quote_depth == 2
    assert diff.hunks[0].lines[0] == " int rc;"
    assert diff.hunks[0].lines[1] == " "
    assert len(diff.hunks[0].lines) == 12


def test_it_gives_a_quoted_fix_the_id_of_the_same_fix_sent_as_a_patch(seed_text):
    quoted = find_diffs(seed_text)[1]
    sent = find_diffs((BODY / "0005-quoted-diff-lost-context-blanks.txt").read_text())[0]
    assert quoted.patch_id == sent.patch_id != ""


def test_it_reads_the_patch_of_a_patch_mail_but_not_the_signature():
    (diff,) = find_diffs((BODY / "0003-patch-mail-body.txt").read_text())
    assert diff.files == ("mm/huge_memory.c",)
    assert diff.quote_depth == 0
    assert diff.text.rstrip("\n").split("\n")[-1] == " \tif (!folio_test_anon(folio)) {"


def test_it_matches_git_patch_id_stable():
    assert compute_patch_id(SMALL.read_text()) == SMALL_PATCH_ID
    if shutil.which("git") is None:
        pytest.skip("git is not installed; compared with the recorded id only")
    out = subprocess.run(["git", "patch-id", "--stable"], input=SMALL.read_bytes(),
                         capture_output=True, check=True).stdout.decode()
    assert out.split()[0] == SMALL_PATCH_ID


def test_it_keeps_the_id_under_whitespace_line_number_and_file_order_changes():
    text = SMALL.read_text()
    first, second = text.split("diff --git a/mm/huge_memory.c")
    moved = ("diff --git a/mm/huge_memory.c" + second + first)
    moved = moved.replace("@@ -3058,7 +3058,7 @@", "@@ -3100,7 +3101,7 @@")
    reindented = moved.replace("\t", "        ").replace("(folio)", "( folio )")
    assert compute_patch_id(reindented) == SMALL_PATCH_ID


def test_it_gives_a_different_change_a_different_id():
    changed = SMALL.read_text().replace("+\t\trc = -EBUSY;", "+\t\trc = -EAGAIN;")
    assert compute_patch_id(changed) not in ("", SMALL_PATCH_ID)


def test_it_reads_a_diff_without_git_header():
    body = "Try this:\n\n--- a/mm/filemap.c\n+++ b/mm/filemap.c\n@@ -1 +1 @@\n-a\n+b\n\nThanks\n"
    (diff,) = find_diffs(body)
    assert diff.files == ("mm/filemap.c",)
    assert diff.text.startswith("diff --git a/mm/filemap.c b/mm/filemap.c\n")
    assert diff.end_line == 7


def test_it_finds_no_diff_in_plain_text():
    assert find_diffs("--- this is not\n+++ a diff\nreally\n") == ()
    assert compute_patch_id("no diff here") == ""


# Any text, and text made of the characters this parser looks at.
PARSER_CHARS = "+- @\n>diffgta/b,0123"
RANDOM_TEXT = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.sampled_from(list(PARSER_CHARS)), max_size=300),
)


@settings(max_examples=200, deadline=None)
@given(RANDOM_TEXT)
def test_it_never_raises_on_random_text(text):
    for diff in find_diffs(text):
        assert diff.end_line > diff.start_line
    compute_patch_id(text)


def test_it_counts_a_binary_file_by_its_blob_ids():
    binary = ("diff --git a/pixel.bmp b/pixel.bmp\nnew file mode 100644\n"
              "index 0000000000000000000000000000000000000000..POST\n"
              "GIT binary patch\nliteral 142\nzcmZ?r?PGv|E+AC{#Eft(0hV9\n\n"
              "literal 0\nHcmV?d00001\n\n")
    first = compute_patch_id(binary.replace("POST", "9710347a13c4336e7dbaafa69af0e44a40c21172"))
    other = compute_patch_id(binary.replace("POST", "1111111a13c4336e7dbaafa69af0e44a40c21172"))
    assert first and other and first != other
