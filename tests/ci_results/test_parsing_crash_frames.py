"""Call-trace frames and the guilty frame (ci_results/parsing/crash/frames.py)."""

from ci_results.parsing.crash.frames import (
    CALL_TRACE,
    PARSE_STACK,
    StackFmt,
    frame_variants,
)
from ci_results.parsing.crash.trace import find_frames, find_guilty_frame


def test_it_strips_syscall_prefixes_step_by_step():
    assert frame_variants("__se_sys_mremap") == ["__se_sys_mremap", "sys_mremap", "mremap"]
    assert frame_variants("__x64_sys_futex") == ["__x64_sys_futex", "sys_futex"]
    assert frame_variants("ksys_mount") == ["ksys_mount", "mount"]


def test_it_skips_reporting_locking_and_allocation_frames():
    lines = ["Call Trace:", " dump_stack+0x1/0x2", " kasan_report+0x1/0x2", " memcpy+0x1/0x2",
             " _raw_spin_lock+0x1/0x2", " __kmalloc+0x1/0x2", " tipc_mon_reinit_self+0x1/0x2"]
    frame, reason = find_guilty_frame(StackFmt(parts=(CALL_TRACE, PARSE_STACK)), lines)
    assert frame == ("tipc_mon_reinit_self", "tipc_mon_reinit_self") and reason == ""


def test_it_reports_no_frame_when_the_trace_is_empty():
    frame, reason = find_guilty_frame(StackFmt(parts=(CALL_TRACE, PARSE_STACK)), ["Call Trace:"])
    assert frame is None and reason


def test_it_lists_frames_of_arm_and_decoded_traces():
    arm = ["Backtrace:", "[<80de0078>] (dump_backtrace) from [<80de0574>] (show_stack+0x28/0x2c)"]
    assert find_frames(arm) == ["dump_backtrace"]
    decoded = ["Call Trace:", "<TASK>", "? __die (arch/x86/kernel/dumpstack.c:421)",
               "writeback_iter (mm/page-writeback.c:2421)", "</TASK>"]
    assert find_frames(decoded) == ["writeback_iter"]
