"""The crash parser's shortcuts give what the general paths give (body.py, trace.py, cut.py)."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from ci_results.parsing.crash import kernel
from ci_results.parsing.crash.body import Body
from ci_results.parsing.crash.cut import _prefix
from ci_results.parsing.crash.frames import (
    _STACK_START_RE,
    CALL_TRACE,
    PARSE_STACK,
    RIP_FRAME,
    StackFmt,
    is_stack_start,
    match_frame,
)
from ci_results.parsing.crash.kernel import find_kernel_info
from ci_results.parsing.crash.lines import first_of
from ci_results.parsing.crash.oops import LINUX_OOPSES
from ci_results.parsing.crash.oops.base import literal_prefix
from ci_results.parsing.crash.scan import OopsScanner
from ci_results.parsing.crash.table import LineTable, _clean, _split_lines, _split_uniform
from ci_results.parsing.crash.title import clean_frame
from ci_results.parsing.crash.trace import _search_lines, find_frames, find_guilty_frame


def test_literal_prefix_stops_at_the_first_regex_syntax():
    assert literal_prefix(r"BUG: KASAN: ([a-z\-]+) in") == "BUG: KASAN: "
    assert literal_prefix(r"Booting the kernel\.") == "Booting the kernel."
    assert literal_prefix(r"WARNING: refcount bugs?") == "WARNING: refcount bug"
    assert literal_prefix(r"INFO: \d+ tasks") == "INFO: "
    assert literal_prefix(r"a|b") == ""
    assert literal_prefix(r"ab(c|d)") == "ab"


def test_every_title_starts_with_a_literal_that_starts_with_its_header():
    # describe() tries titles only where the header is: this must hold for the table.
    for oops in LINUX_OOPSES:
        for f in oops.formats:
            assert f.prefix == literal_prefix(f.title.pattern)
            assert f.prefix.startswith(oops.header), (oops.header, f.title.pattern)


def test_no_stack_part_matches_an_empty_line():
    # The guilty-frame walk ignores the empty "line" after the report's last newline.
    for oops in LINUX_OOPSES:
        for f in oops.formats:
            for part in (f.stack.parts + f.stack.parts2) if f.stack else ():
                assert part is PARSE_STACK or part.search("") is None, part.pattern


def test_a_log_with_uniform_prefixes_is_split_like_any_other():
    uniform = "".join(f"[  {i:3d}.{i:06d}] line {i}\n" for i in range(40))
    callers = "".join(f"[  {i:3d}.{i:06d}][{('T' if i % 3 else 'C') + str(i + 7):>6}] x {i}\n"
                      for i in range(40))
    mixed = uniform + "no prefix here\n[  1.000000]\n"
    # Heads that look nearly right are split by the general path: a space inside the
    # number, a letter for a digit, no space after the "]", a caller id without its letter.
    near = uniform + "".join(
        f"{head}rest\n" for head in ("[ 1 2.000000] ", "[   6a.000000] ", "[   60.000000]x",
                                     "[   60.0000001 ", "[12345.123456] ", "[    0.000000]  ",
                                     "[1 234.000000] ", "[  12 .000000] "))
    near_callers = callers + "[  100.000000][  1234] x\n[  100.000000][T12345] y\n"
    # A syslog copy or a "login: " line among timestamped lines keeps its own prefix rules.
    other_prefixes = uniform + (
        "Apr 30 10:38:04 host kernel: [   60.1] BUG: x\n"
        "syzkaller login: [   61.000000] WARNING: y\n") + uniform
    for text in (uniform, callers, mixed, uniform.rstrip("\n"), near, near_callers,
                 other_prefixes):
        table = LineTable(text, 0)
        assert (table.lines, table.contexts) == _split_lines(text, at_end=True)
    assert LineTable(callers, 0).contexts[:2] == ["C7", "T8"]


def test_text_search_of_a_part_finds_the_line_a_line_search_would():
    body = Body(["x", "RIP: 0010:foo+0x1/0x2", "pc : bar+0x4/0x8", "y"])
    line, m = _search_lines(body, RIP_FRAME, 0, 4)
    assert line == 1 and m.group(1) == "foo"
    assert _search_lines(body, RIP_FRAME, 2, 4)[0] == 2
    # A regex that could run into the next line is only believed within its line.
    spanning = re.compile(r"y\s*x|o\+0x1/0x2\s+pc")
    assert _search_lines(body, spanning, 0, 4) == (-1, None)


def test_the_first_frame_is_found_without_reading_the_whole_trace():
    lines = ["Call Trace:", " dump_stack+0x1/0x2", " tipc_mon_reinit_self+0x1/0x2",
             *[f" caller_{i}+0x1/0x2" for i in range(100)], "RIP: 0033:0x7f", "Code: 00"]
    frame, reason = find_guilty_frame(StackFmt(parts=(CALL_TRACE, PARSE_STACK)), lines)
    assert frame == ("tipc_mon_reinit_self", "tipc_mon_reinit_self") and reason == ""
    assert find_frames(lines)[:3] == ["dump_stack", "tipc_mon_reinit_self", "caller_0"]
    assert len(find_frames(lines)) == 102


def test_a_fault_injection_line_before_any_frame_marks_the_stack_corrupted():
    lines = ["Call Trace:", " should_failslab+0x5/0x10", " kfree+0x1/0x2", " foo+0x1/0x2"]
    frame, reason = find_guilty_frame(StackFmt(parts=(CALL_TRACE, PARSE_STACK)), lines)
    assert frame is None and reason == "corrupted line in stack"


def _head(draw_digits: str, width: int) -> str:
    secs = f"[{int(draw_digits[:5] or 0):5d}.{draw_digits[5:11].ljust(6, '0')}]"
    if width == 15:
        return secs + " "
    return secs + f"[{('T' if int(draw_digits[-1:] or 0) % 2 else 'C') + draw_digits[:4]:>6}] "


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([15, 23]), st.data())
def test_uniform_split_matches_the_general_split_on_any_heads(width, data):
    """Near-uniform logs: most lines carry the width's head, some a mangled copy of it
    (a character changed, dropped or added) or another prefix altogether."""
    lines = []
    for n in range(data.draw(st.integers(1, 60))):
        head = _head(data.draw(st.text("0123456789", min_size=1, max_size=11)), width)
        # The uniform split gives up unless the first 16 heads are right: make it try.
        kind = "good" if n < 16 else data.draw(st.sampled_from(["good"] * 4 + ["mangle"] * 3
                                                                + ["other"]))
        if kind == "mangle":
            i = data.draw(st.integers(0, len(head) - 1))
            ch = data.draw(st.sampled_from(list("[] .0123456789TCx\r<>*")))
            how = data.draw(st.sampled_from(["replace", "drop", "insert"]))
            head = (head[:i] + ch + head[i + 1:] if how == "replace" else
                    head[:i] + head[i + 1:] if how == "drop" else head[:i] + ch + head[i:])
        elif kind == "other":
            head = data.draw(st.sampled_from([
                "", "Apr 30 10:38:04 host kernel: ", "syzkaller login: ", "<6>", "** 3 printk "
                "messages dropped ** "]))
        lines.append(head + data.draw(st.text("ab [].:\r0123456789", max_size=12)))
    text = "\n".join(lines) + data.draw(st.sampled_from(["", "\n"]))
    strs, contexts = _split_lines(text, at_end=True)
    uniform = _split_uniform(text.split("\n"))
    assert uniform is None or uniform == (strs, contexts)
    table = LineTable(text, 0)  # the same, with a "\r" at a line's end dropped
    assert (table.lines, table.contexts) == ([_clean(s) for s in strs], contexts)


_WORD_LINES = [
    "Call Trace:", " dump_stack+0x1/0x2", "Allocated by task 12:", "Freed by task 12:",
    " should_failslab+0x5/0x10", "Uninit was stored to memory at:", "RIP: 0010:foo+0x1/0x2",
    "x" * 5000 + " Call Trace:",  # the word past the cut at MAX_LINE
    " ? foo+0x1/0x2", " bar.cold+0x5/0x10 fs/xfs/xfs_buf.c:12",
    " [c0000000] baz+0x1/0x2 (unreliable)",
    " [<ffffffff81000000>] qux+0x1/0x2", "RSP: 0018:ffff888192f06118 EFLAGS: 00010046",
]
_PREFIXES = ["[   60.002464] ", "[   60.002464][ T2148] ", "[   60.002464][ T2149] ",
             "Nov 28 07:00:00 racehost kernel: [   60.002464] ",  # a word in the prefix
             "freed login: [   60.002464] ", ""]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_PREFIXES), st.sampled_from(_WORD_LINES)),
                min_size=1, max_size=40),
       st.sets(st.integers(0, 39)), st.data())
def test_a_bodys_line_facts_are_found_in_the_table_as_in_the_body(rows, dropped, data):
    # A report's lines found through its log's table (cut.py hands them over) are the
    # lines the report's own text gives, whatever the prefixes and the lines left out:
    # those holding a word, and the frames.
    text = "".join(prefix + line + "\n" for prefix, line in rows)
    table = LineTable(text, 0)
    taken = [i for i in range(len(table.lines)) if i not in dropped]
    lines = [table.lines[i] for i in taken]
    literals = data.draw(st.sampled_from([("race", "llocated", "reed", "Uninit"),
                                          ("should_fail",)]))
    assert Body(lines, (table, taken))._lines_with(literals) == Body(lines)._lines_with(literals)
    fresh, plain = Body(lines, (table, taken)), Body(lines)
    assert fresh.trace_word_lines == plain.trace_word_lines
    assert fresh.stack_starts == plain.stack_starts
    assert fresh.corrupted_lines == plain.corrupted_lines

    def frames(body):
        return [(m.span(), m.groups()) if m else None for m in map(body.frame, range(len(lines)))]
    assert frames(Body(lines, (table, taken))) == frames(Body(lines))
    fresh, plain = Body(lines, (table, taken)), Body(lines)
    assert [fresh.next_frame(i) for i in range(len(lines) + 1)] == [
        plain.next_frame(i) for i in range(len(lines) + 1)]
    bounded = [(i, hi) for i in range(len(lines) + 1) for hi in range(i, len(lines) + 2)]
    expected = [next((j for j in range(i, min(hi, len(lines))) if match_frame(lines[j])), -1)
                for i, hi in bounded]
    fresh = Body(lines, (table, taken))
    assert [fresh.next_frame(i, hi) for i, hi in bounded] == expected
    assert [plain.next_frame(i, hi) for i, hi in bounded] == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORD_LINES + ["", "RSP: 0018:ffff888192f06118"] * 4),
                min_size=1, max_size=60),
       st.lists(st.tuples(st.integers(0, 60), st.integers(0, 61)), min_size=1, max_size=30))
def test_the_tables_next_frame_answers_every_look_as_a_scan_does(lines, looks):
    # The table remembers a frameless run between looks (reports cut from one log ask
    # from nearby starts): each answer, in any order of looks, is the first frame line.
    table = LineTable("".join(f"[   60.002464] {line}\n" for line in lines), 0)
    n = len(table.lines)
    for lo, hi in looks:
        lo, hi = min(lo, n), min(hi, n)
        expected = next((r for r in range(lo, hi) if match_frame(table.lines[r])), -1)
        assert table.next_frame(lo, hi) == expected, (lo, hi)


_PART_LINES = [
    "RIP: 0010:foo+0x1/0x2", "pc : bar+0x4/0x8", "PC is at baz+0x4/0x8", "NIP [c0000000] qux+0x4",
    "IP: [<ffffffff82d4e304>] __memset+0x24/0x30", "PID: 12 Comm: x", "IPv6: ADDRCONF(NETDEV_UP)",
    "Call Trace:", "Call trace:", "Backtrace:", "stack backtrace:", "trace: race: x",
    "RSP: 0018:ffff888192f06118", "", "x" * 300,
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PART_LINES), min_size=1, max_size=30), st.data())
def test_a_part_search_from_its_first_needle_finds_what_a_whole_search_finds(lines, data):
    # _search_lines starts the RIP and "Call Trace:" searches at the first line holding one
    # of their literals: the answer is the first line, in order, that the part matches.
    body = Body(lines)
    lo = data.draw(st.integers(0, len(lines) - 1))
    hi = data.draw(st.integers(lo, len(lines)))
    for part in (RIP_FRAME, CALL_TRACE):
        j, m = _search_lines(body, part, lo, hi)
        expected = next(((i, part.search(lines[i])) for i in range(lo, hi)
                         if part.search(lines[i])), (-1, None))
        assert j == expected[0]
        # (A match in the joined text has other offsets than one in the line alone.)
        found, wanted = expected[1], m
        assert (found is None) == (wanted is None)
        if found is not None and wanted is not None:
            assert (wanted.group(0), wanted.groups()) == (found.group(0), found.groups())


_KERNEL_BITS = [
    "IP", "NIP", "RIP: 0010:", "pc ", "pc : ", "PC is at ", "IP: [<ffffffff82d4e304>] ",
    "[c0000000] ", "foo+0x1/0x2", "bar.isra.3+0x4/0x8", "0x7f", " ", ":", "\n", "x",
    "CPU: ", "1 ", "PID: 12 ", "UID: 0 ", "Comm: syz ", "Not tainted ", "Tainted: G W ",
    "6.9.0-rc6 #1", "Hardware name: QEMU\n", "Workqueue: events work_fn\n",
    "Linux version 6.9.0 (x@y)\n", "ainted ",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_KERNEL_BITS), max_size=40).map("".join),
       st.lists(st.sampled_from(_KERNEL_BITS), max_size=20).map("".join),
       st.integers(0, 300))
def test_kernel_info_searches_from_a_literal_find_what_whole_searches_find(
        report, log, log_end):
    # find_kernel_info starts each regex at the first place its literal is: every field
    # is what a search of the whole report (and of the log's first log_end characters) gives.
    info = find_kernel_info(report, log, log_end)
    cpu = kernel._CPU_RE.search(report)
    short = kernel._CPU_SHORT_RE.search(report)
    taint = kernel._TAINT_RE.search(report)
    version = kernel._VERSION_RE.search(log, 0, log_end) or kernel._VERSION_RE.search(report)
    hw, wq = kernel._HW_RE.search(report), kernel._WQ_RE.search(report)
    rip = RIP_FRAME.search(report)
    assert info.cpu == (int(cpu[1]) if cpu else int(short[1]) if short else None)
    assert info.comm == (cpu[3] if cpu else short[3] if short else None)
    expected_version = cpu[5] if cpu else taint[2] if taint else version[1] if version else None
    assert info.version == expected_version
    assert info.hardware == (hw[1].strip() if hw else None)
    assert info.workqueue == (wq[1] if wq else None)
    assert info.rip == (clean_frame(rip[1]) if rip and rip[1] else None)


def _prefix_by_text(text, start, context, questionable):
    # With a table that starts at the report, every line before it is split anew.
    return _prefix(text, start, context, questionable, LineTable(text, start), 0)


_PREFIX_LINES = ["x", " ? foo+0x1/0x2", "", "a\r", "y" * 4100, "z" * 4080, "login: [  1.0] w",
                 "[x] login: [   60.1] w"]  # no prefix for the table, one for clean_line
# A head the table strips and clean_line does not: its "[" is past the 40th character.
_DROPPED = "** 123456789 printk messages dropped ** [   60.002464] "


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_PREFIXES + ["<6>[   60.1] ", "[   60.1]", _DROPPED]),
                          st.sampled_from(_PREFIX_LINES + _WORD_LINES)),
                min_size=1, max_size=70), st.data())
def test_a_prefix_read_from_the_table_is_the_one_the_text_gives(rows, data):
    # cut.py takes the lines before a report from the log's table where the table split
    # them as clean_line does, and splits the others itself.
    text = "".join(prefix + line + "\n" for prefix, line in rows)
    starts = [0]
    for prefix, line in rows:
        starts.append(starts[-1] + len(prefix) + len(line) + 1)
    begin = data.draw(st.integers(0, len(rows) - 1))
    k = data.draw(st.integers(begin, len(rows) - 1))
    table = LineTable(text, starts[begin])
    context = data.draw(st.sampled_from(["console", "T2148", ""]))
    for questionable in (False, True):
        assert _prefix(text, starts[k], context, questionable, table, k - begin) == (
            _prefix_by_text(text, starts[k], context, questionable))


def test_a_prefix_line_the_table_splits_otherwise_is_split_anew():
    # Lines whose context the table and clean_line see differently, before a report.
    lines = ["[x] login: [   60.100000] w",  # the table sees no timestamp, clean_line one
             _DROPPED + "y",  # the table sees a timestamp, clean_line none
             "[   60.200000] " + "z" * 4100,  # cut at MAX_LINE before or after the prefix
             "[   60.300000] a\r", "[   60.400000] BUG: x"]
    text = "".join(line + "\n" for line in lines)
    table = LineTable(text, 0)
    start = text.index("[   60.400000] BUG")
    for context in ("console", ""):
        assert _prefix(text, start, context, False, table, 4) == (
            _prefix_by_text(text, start, context, False))


@settings(max_examples=300, deadline=None)
@given(st.text("ab\n", max_size=60), st.lists(st.integers(0, 61), min_size=1, max_size=20))
def test_the_scanners_remembered_find_is_str_find(text, positions):
    # Every report of a log asks for the panic after it: the scanner remembers the hit.
    scanner = OopsScanner(text)
    for pos in positions:
        assert scanner.find("ab", pos) == text.find("ab", pos), pos


_START_BITS = ["Call ", "Trace", "trace", "race", "Allocated", ":", " by task ", "12", "Freed",
               "k", " backtrace", " (crc c9a1c131)", "Backtrace", "Uninit was stored to memory at",
               "stack", " ", "x"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_START_BITS), max_size=12).map("".join))
def test_a_stack_start_found_by_literals_is_one_the_regex_finds(line):
    assert is_stack_start(line) == (_STACK_START_RE.search(line) is not None)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["IP", "NIP", "pc ", "PC is at", "p", "c", " ", "I", "x", "a"]),
                max_size=20).map("".join),
       st.integers(0, 60), st.integers(-1, 60),
       st.sampled_from([("IP", "pc ", "PC is at"), ("Ix", "xaI", "a")]))  # ones that overlap
def test_the_first_of_several_literals_is_the_earliest_find(text, pos, end, literals):
    # first_of looks for the later literals only before the earliest found so far.
    stop = len(text) if end == -1 else end
    hits = [at for lit in literals if (at := text.find(lit, pos, stop)) != -1]
    assert first_of(text, literals, pos, end) == (min(hits) if hits else -1)


def test_a_literal_that_starts_before_the_first_found_and_overlaps_it_is_found():
    assert first_of("xaIx", ("Ix", "xaI")) == 0
    assert first_of("xaIx", ("Ix", "xaI"), 1) == 2
