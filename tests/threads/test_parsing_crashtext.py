"""threads/parsing/crashtext.py: kernel crash text pasted in mails."""

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from threads.parsing.crashtext import find_crash_text

BODY = Path(__file__).resolve().parents[1] / "fixtures" / "body"


def test_it_finds_the_seed_crash_once_with_its_syslog_prefixes(seed_text):
    (crash,) = find_crash_text(seed_text)
    lines = crash.text.rstrip("\n").split("\n")
    assert lines[0] == ("Apr 30 10:38:04 debian12-xfs-reflink-4k kernel: BUG: kernel NULL "
                        "pointer dereference, address: 0000000000000036")
    assert lines[-1] == "Apr 30 10:38:04 debian12-xfs-reflink-4k kernel: </TASK>"
    assert "2a:* 8b 43 34 mov 0x34(%rbx),%eax <-- trapping instruction" in lines
    assert "Code starting with the faulting instruction" in lines
    assert not any("SGI XFS with ACLs" in line for line in lines)
    body_lines = seed_text.split("\n")
    assert body_lines[crash.start_line] == lines[0]
    assert body_lines[crash.end_line - 1] == lines[-1]


def test_it_removes_quote_markers_and_keeps_dmesg_timestamps():
    first, second = find_crash_text((BODY / "0006-crash-dmesg-quoted-and-kasan.txt").read_text())
    assert first.quote_depth == 1
    assert first.text.startswith("[   60.002464] ------------[ cut here ]------------\n")
    assert first.text.rstrip("\n").endswith("---[ end trace 0000000000000000 ]---")
    assert second.quote_depth == 0
    assert second.text.startswith("=" * 66 + "\nBUG: KASAN: slab-use-after-free in xfs_buf_rele")
    assert "Read of size 4 at addr ffff888104a1c0b8 by task kworker/1:2/61" in second.text
    assert second.text.rstrip("\n").endswith("</TASK>")
    assert "Any idea?" not in second.text


def test_it_finds_no_crash_in_a_plain_review(seed_text):
    assert find_crash_text("Looks good.\n\nReviewed-by: Zi Yan <ziy@nvidia.com>\n") == ()


# Any text, and text made of the characters this parser looks at.
PARSER_CHARS = "BUG: RIP[]0123 .>\nkernel<TASK>"
RANDOM_TEXT = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.sampled_from(list(PARSER_CHARS)), max_size=300),
)


@settings(max_examples=200, deadline=None)
@given(RANDOM_TEXT)
def test_it_never_raises_on_random_text(text):
    for crash in find_crash_text(text):
        assert crash.end_line > crash.start_line


def test_it_finds_lockdep_but_not_checkpatch_warnings():
    (crash,) = find_crash_text((BODY / "0010-lockdep-and-checkpatch.txt").read_text())
    lines = crash.text.rstrip("\n").split("\n")
    assert lines[0].endswith("WARNING: possible circular locking dependency detected")
    assert lines[-1].endswith("at: split_huge_page_to_list_to_order+0x1b4/0x1e40")
