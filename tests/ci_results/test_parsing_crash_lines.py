"""Console prefixes (ci_results/parsing/crash/lines.py)."""

import pytest

from ci_results.parsing.crash.lines import CONSOLE, clean_line, is_questionable, line_starts


@pytest.mark.parametrize(
    ("line", "context", "text"),
    [
        ("[   60.002464][ T2148] BUG: x", "T2148", "BUG: x"),
        ("[   60.002464][    C1] BUG: x", "C1", "BUG: x"),
        ("[   60.002464] BUG: x", CONSOLE, "BUG: x"),
        ("<6>[   60.002464] BUG: x\r", CONSOLE, "BUG: x"),
        ("syzkaller login: [   60.002464] BUG: x", CONSOLE, "BUG: x"),
        ("** 3 printk messages dropped ** [  61.1] BUG: x", CONSOLE, "BUG: x"),
        ("Apr 30 10:38:04 debian12-xfs-reflink-4k kernel: BUG: x", "", "BUG: x"),
        ("BUG: x\r", "", "BUG: x"),
        ("fstests: generic/001 [60.1] pass", "", "fstests: generic/001 [60.1] pass"),
    ],
)
def test_it_strips_console_prefixes(line, context, text):
    assert clean_line(line) == (context, text)


def test_it_cuts_huge_lines():
    context, text = clean_line("[ 1.0] " + "x" * 1_000_000)
    assert context == CONSOLE and len(text) < 5000


@pytest.mark.parametrize(
    ("line", "questionable"),
    [
        ("  ? __pfx_dump_stack_lvl+0x10/0x10", True),
        ("? __die (arch/x86/kernel/dumpstack.c:421)", True),
        ("  dump_stack_lvl+0x241/0x360", False),
        ("Is this right? maybe", False),
    ],
)
def test_it_spots_questionable_frames(line, questionable):
    assert is_questionable(line) is questionable


def test_line_starts_are_where_each_joined_line_begins():
    assert line_starts(["ab", "c"], 0) == [0, 3, 5]
    assert line_starts([], 7) == [7]
    lines = ["[ 1.0] x", "", "yz", "\r"]
    text = "\n".join(lines) + "\n"
    starts = line_starts(lines, 100)
    assert [text[s - 100:].split("\n")[0] for s in starts[:-1]] == lines
    assert starts[-1] - 100 == len(text)
