"""A report whose call trace holds no frame near its start is corrupted (corrupted.py)."""

import pytest

from ci_results.parsing.crash import parse_log

HEAD = """\
[   60.100000] BUG: kernel NULL pointer dereference, address: 0000000000000036
[   60.100001] #PF: supervisor read access in kernel mode
[   60.100002] CPU: 4 PID: 89 Comm: kworker/u37:2 Not tainted 6.9.0-rc6 #10
[   60.100003] RIP: 0010:filemap_get_folios_tag+0x81/0x2a0
[   60.100004] RSP: 0018:ffffc900004cb8f8 EFLAGS: 00010246
[   60.100005] Call Trace:
"""
FRAMES = "[   60.100010]  writeback_iter+0x5b/0x1c0\n" * 3


def registers(n):
    return "".join(f"[   60.1000{i:02d}] R{i:02d}: 0000000000000000\n" for i in range(n))


@pytest.mark.parametrize(
    ("after_call_trace", "reason"),
    [
        (FRAMES, ""),
        ("[   60.100009]  <TASK>\n" + FRAMES, ""),
        (registers(14) + FRAMES, ""),  # the 15th line after "Call Trace:" is a frame
        (registers(15) + FRAMES, "no frames in a stack trace"),  # the 16th is too late
        # Frames after another trace start are that trace's.
        ("[   60.100009]  <TASK>\n[   60.100011] Call Trace:\n" + FRAMES,
         "no frames in a stack trace"),
        ("[   60.100009]  (stack is not available)\n", ""),
        ("[   60.100009] [c0000000] foo+0x1/0x2 (unreliable)\n", ""),  # powerpc's first slot
        # A function name further in a line does not make it a frame.
        ("[   60.100009] RIP: 0033:0x7f3c1d2e4f29\n[   60.100010] Code: Unable to access\n"
         "[   60.100011] RSP: 002b:00007ffd4fb8 EFLAGS: 00000246 ORIG_RAX: foo+0x1/0x2\n",
         "no frames in a stack trace"),
        ("[   60.100009] \n" + FRAMES, "call trace is missing"),
    ],
)
def test_a_call_trace_needs_a_frame_within_fifteen_lines(after_call_trace, reason):
    report = parse_log(HEAD + after_call_trace).reports[0]
    assert report.title == (
        "BUG: unable to handle kernel NULL pointer dereference in filemap_get_folios_tag")
    assert (report.corrupted, report.corrupted_reason) == (bool(reason), reason)
