"""One fixture log per rule -> the report the parser finds (ci_results/parsing/crash/report.py)."""

from pathlib import Path

import pytest

from ci_results.parsing.crash import contains_crash, parse_log

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "crash"


def analyse(name: str):
    return parse_log((FIXTURES / name).read_text())


@pytest.mark.parametrize(
    ("name", "title", "crash_type", "frame", "alt_titles"),
    [
        ("0003-kasan-uaf-caller-ids-interleaved.txt",
         "KASAN: slab-use-after-free Read in tipc_mon_reinit_self", "KASAN-USE-AFTER-FREE-READ",
         "tipc_mon_reinit_self", ("bad-access in tipc_mon_reinit_self",)),
        ("0004-warning-panic-on-warn.txt", "WARNING in xfrm_state_fini", "WARNING",
         "xfrm_state_fini", ()),
        ("0005-rcu-stall-ioctl.txt", "INFO: rcu detected stall in kvm_vcpu_ioctl", "HANG",
         "kvm_vcpu_ioctl", ("stall in kvm_vcpu_ioctl",)),
        ("0006-task-hung-synchronize-rcu.txt", "INFO: task hung in synchronize_rcu", "HANG",
         "synchronize_rcu", ("INFO: task hung in __synchronize_srcu",
                             "hang in __synchronize_srcu", "hang in synchronize_rcu")),
        ("0009-gpf-no-timestamps-crlf.txt",
         "general protection fault in nilfs_segctor_do_construct", "DoS",
         "nilfs_segctor_do_construct", ("bad-access in nilfs_segctor_do_construct",)),
        ("0010-memory-leak.txt", "memory leak in ipv6_sock_ac_join", "LEAK", "ipv6_sock_ac_join",
         ()),
    ],
)
def test_it_titles_each_report_kind(name, title, crash_type, frame, alt_titles):
    analysis = analyse(name)
    report = analysis.reports[0]
    assert (report.title, report.crash_type, report.guilty_frame) == (title, crash_type, frame)
    assert report.alt_titles == alt_titles
    assert not report.corrupted


@pytest.mark.parametrize("name", ["0007-clean-boot.txt", "0008-userspace-warning-and-audit.txt"])
def test_it_finds_no_crash_in_clean_logs(name):
    text = (FIXTURES / name).read_text()
    assert not contains_crash(text)
    assert parse_log(text).reports == ()


def test_it_keeps_only_the_report_context_when_cpus_interleave():
    report = analyse("0003-kasan-uaf-caller-ids-interleaved.txt").reports[0]
    assert "vhci_hcd" not in report.report and "net_ratelimit" not in report.report
    # Up to five earlier lines of the same task come first, as syzbot shows them.
    first, second = report.report.splitlines()[:2]
    assert first.startswith("loop0: detected capacity") and second.startswith("====")
    assert report.frames[:3] == ("dump_stack_lvl", "print_report", "kasan_report")


def test_it_notes_the_panic_and_the_kernel():
    analysis = analyse("0004-warning-panic-on-warn.txt")
    assert analysis.panicked and analysis.reports[0].panicked
    assert analysis.kernel.version == "4.15.0-rc9+"
    assert analysis.kernel.workqueue == "netns cleanup_net"
    assert analysis.kernel.rip == "xfrm_state_fini"


def test_a_hung_task_reports_its_kernel_on_the_taint_line():
    # A hung task prints no "CPU: ... Comm:" line: the version is on the taint line, which
    # reads "Not tainted 5.10.0-rc3-syzkaller #0" or, once tainted, "Tainted: G        W".
    text = (FIXTURES / "0006-task-hung-synchronize-rcu.txt").read_text()
    assert analyse("0006-task-hung-synchronize-rcu.txt").kernel.version == "5.10.0-rc3-syzkaller"
    tainted = parse_log(text.replace("Not tainted 5.10.0", "Tainted: G        W         5.10.0"))
    assert (tainted.kernel.taint, tainted.kernel.version) == (
        "Tainted: G        W", "5.10.0-rc3-syzkaller")


def test_it_cuts_the_report_out_of_the_log():
    text = (FIXTURES / "0004-warning-panic-on-warn.txt").read_text()
    report = parse_log(text).reports[0]
    assert text[report.start:].startswith("[  237.717598] WARNING: CPU: 1 PID: 8377")
    assert "Kernel panic - not syncing" in report.report
    assert report.end == len(text)


def test_it_finds_every_report_in_order():
    first = (FIXTURES / "0010-memory-leak.txt").read_text()
    second = (FIXTURES / "0003-kasan-uaf-caller-ids-interleaved.txt").read_text()
    analysis = parse_log(first + second)
    assert [r.title for r in analysis.reports] == [
        "memory leak in ipv6_sock_ac_join",
        "KASAN: slab-use-after-free Read in tipc_mon_reinit_self",
    ]
    assert analysis.reports[0].start < analysis.reports[1].start


def test_it_marks_a_report_without_a_stack_corrupted():
    text = "[  10.1] WARNING: CPU: 0 PID: 1 at fs/locks.c:241 locks_free_lock_context+0x118/0x180\n"
    report = parse_log(text).reports[0]
    assert report.title == "WARNING in corrupted"
    assert report.corrupted and report.corrupted_reason


@pytest.mark.parametrize(
    ("line", "is_crash"),
    [
        ("WARNING: at least 2 GiB of memory is recommended", False),
        ("WARNING: possibly stale lock file", False),
        ("[  1.0] WARNING: at net/core/dev.c:2042 skb_warn_bad_offload+0x1/0x2()", True),
        ("[  1.0] WARNING: possible circular locking dependency detected", True),
        ("[  1.0] WARNING: fs/jfs/jfs_dmap.c:2867 at dbAdjTree+0x454/0x4e0, CPU#0: jfs/112",
         True),
        ("[  1.0] audit: type=1400 audit(1.1:2): comm=\"BUG: x\" name=\"WARNING: y\"", False),
    ],
)
def test_it_tells_kernel_warnings_from_user_space_ones(line, is_crash):
    assert contains_crash(line + "\n") is is_crash
