"""The table of kernel report starts and their title formats (syzbot's scheme).

Each ``Oops`` is a literal that starts a report (``"BUG:"``, ``"general protection
fault"``) with the lines that contain it but are not reports (``suppressions``), and a list
of ``Format``: a title regex, an optional regex over the whole report that captures the
title's arguments, a Go-like format (``%[1]v`` is the first argument; the guilty frame,
when the format has a stack, is the last one), alternative title formats, and flags.
"""

from __future__ import annotations

import re

from ..frames import RIP_FRAME
from .base import BAD, RIP_TRACE, TRACE, F, Format, Oops, S, c
from .bug import BUG, BUG_SUPPRESS
from .info import INFO, INFO_SUPPRESS
from .panic import KERNEL_BUG, PANIC
from .warning import WARNING, WARNING_SUPPRESS

__all__ = ["LINUX_OOPSES", "SUPPRESSIONS", "Format", "Oops"]

LINUX_OOPSES: tuple[Oops, ...] = (
    Oops("BUG:", BUG, BUG_SUPPRESS),
    Oops("WARNING:", WARNING, WARNING_SUPPRESS),
    Oops("INFO:", INFO, INFO_SUPPRESS),
    # "Unable to handle kernel paging request at virtual address 0000..." (arm, arm64)
    Oops("Unable to handle kernel", (
        F(r"Unable to handle kernel (paging request|NULL pointer dereference"
          r"|access to user memory)",
          "BUG: unable to handle kernel %[1]v in %[2]v", alt=("bad-access in %[2]v",),
          stack=S(*RIP_TRACE)),
    )),
    # "general protection fault: 0000 [#1] SMP KASAN", "general protection fault, probably
    # for non-canonical address 0xdffffc0000000000: 0000 [#1] PREEMPT SMP KASAN"
    Oops("general protection fault", (
        F(r"general protection fault.*:", "general protection fault in %[1]v", alt=BAD,
          stack=S(*RIP_TRACE)),
    ), c(r"general protection fault .* error:\d+ in ")),
    Oops("stack segment: ", (
        F(r"stack segment: 0000", "stack segment fault in %[1]v", stack=S(*RIP_TRACE)),
    )),
    Oops("Kernel panic", PANIC, c(r"Kernel panic - not syncing: Requested init")),
    Oops("PANIC: double fault", (
        F(r"PANIC: double fault", "PANIC: double fault in %[1]v", stack=S(RIP_FRAME)),
    )),
    Oops("kernel BUG", KERNEL_BUG),
    Oops("Kernel BUG", (F(r"Kernel BUG (.*)", "kernel BUG %[1]v"),)),
    Oops("BUG kmalloc-", (F(r"BUG kmalloc-.*: Object already free", "BUG: Object already free"),)),
    Oops("divide error:", (
        F(r"divide error: ", "divide error in %[1]v", stack=S(RIP_FRAME)),
    )),
    # Since 5.9: "divide_error: 0000 [#1] PREEMPT SMP KASAN"
    Oops("divide_error:", (
        F(r"divide_error: ", "divide error in %[1]v", stack=S(RIP_FRAME)),
    )),
    Oops("UBSAN:", (
        F(r"UBSAN: array-index-out-of-bounds in", "UBSAN: array-index-out-of-bounds in %[1]v",
          alt=BAD, stack=S(*TRACE, skip=("ubsan", "overflow"))),
        # Old kernels: "UBSAN: Undefined behaviour in net/ipv4/route.c:507:8"
        F(r"UBSAN: Undefined behaviour in", "UBSAN: undefined-behaviour in %[1]v",
          stack=S(*TRACE, skip=("ubsan", "overflow"))),
        F(r"UBSAN: (.*?) in", "UBSAN: %[1]v in %[2]v",
          stack=S(*TRACE, skip=("ubsan", "overflow"))),
    )),
    Oops("Booting the kernel.", (
        F(r"Booting the kernel\.", "unexpected kernel reboot", no_stack_trace=True),
    ), c(r"Parsing ELF|Decompressing Linux",
          # The fuzzer passed console text as a mount option: "xfs: Unknown parameter '... Booting"
          r"Unknown parameter|unknown mount option|bad option")),
    Oops("unregister_netdevice: waiting for", (
        F(r"unregister_netdevice: waiting for (?:.*) to become free",
          "unregister_netdevice: waiting for DEV to become free", no_stack_trace=True),
    )),
    Oops("VFS: Close: file count is 0", (
        F(r"VFS: Close: file count is 0", "VFS: Close: file count is zero (use-after-free)",
          no_stack_trace=True),
    )),
    Oops("VFS: Busy inodes after unmount", (
        F(r"VFS: Busy inodes after unmount", "VFS: Busy inodes after unmount (use-after-free)",
          no_stack_trace=True),
    )),
    # "Internal error: Oops: 96000006 [#1] PREEMPT SMP" (arm64)
    Oops("Internal error:", (
        F(r"Internal error:", "Internal error in %[1]v", alt=BAD, stack=S(*RIP_TRACE)),
    # "Internal error: Oops: 5 [#1] SMP ARM" and "Internal error: : 81b" follow an
    # "Unable to handle kernel ..." or "Unhandled fault:" line: part of that report.
    ), c(r"Internal error: Oops", r"Internal error: : ")),
    Oops("Unhandled fault:", (
        F(r"Unhandled fault:", "Unhandled fault in %[1]v", alt=BAD, stack=S(*RIP_TRACE)),
    )),
    Oops("Alignment trap:", (
        F(r"Alignment trap:", "Alignment trap in %[1]v", stack=S(*RIP_TRACE)),
    )),
    Oops("trusty: panic", (
        F(r"trusty: panic (.*?):(?: DEBUG)? ASSERT FAILED at \(.*?\): (.+)",
          "trusty: ASSERT FAILED: %[2]v", no_stack_trace=True),
        F(r"trusty: panic (.*?):(?: DEBUG)? ASSERT FAILED.*: *(.*)",
          "trusty: ASSERT FAILED: %[2]v", corrupted=True),
        F(r"trusty: panic (.*?): (.+)", "trusty: panic: %[2]v", no_stack_trace=True),
    )),
    # Rust: "rust_kernel: panicked at ...: attempt to add with overflow"
    Oops("panicked at", (
        F(r"panicked at [^\n]*\n(?:.*\n)??(attempt to [a-z ]+ with overflow)",
          "%[1]v in %[2]v", stack=S(*TRACE)),
    )),
    Oops("SYZFATAL:", (
        F(r"SYZFATAL:(.*)()", "SYZFATAL:%[1]v", alt=("SYZFATAL%[2]v",), no_stack_trace=True),
    )),
    Oops("SYZFAIL:", (F(r"SYZFAIL:(.*)()", "SYZFAIL:%[1]v", no_stack_trace=True),)),
    # Go panics of the fuzzer itself: "panic: runtime error: invalid memory address ..."
    Oops("panic:", (
        F(r"panic: (.*)", "panic: %[1]v", no_stack_trace=True),
    ), c(r"ddb\.onpanic:", r"evtlog_status:", r"[a-z_]panic:", r"trusty: panic",
          r"panic: .* \[recovered\]")),
    Oops("fatal error:", (
        F(r"fatal error:", "go runtime error", no_stack_trace=True),
    ), c(r"ALSA", r"fatal error: cannot create timer", r"[a-zA-Z]fatal error:",
          r"\.[ch]:\d+:\d+: fatal error:")),
)

# Whole-log suppressions: the fuzzer's own failures, not kernel bugs. Each regex comes
# with a literal it contains, so that a long log is only scanned by ``str.find``.
SUPPRESSIONS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (literal, re.compile(pattern))
    for literal, pattern in (
        ("panic: ", r"panic: failed to start executor binary"),
        ("panic: ", r"panic: executor failed: pthread_create failed"),
        ("panic: ", r"panic: error opening output file"),
        ("panic: ", r"panic: cannot allocate memory"),
        ("fatal error: ", r"fatal error: out of memory"),
        ("fatal error: ", r"fatal error: runtime: out of memory"),
        ("fatal error: ", r"fatal error: runtime: cannot allocate memory"),
        ("fatal error: ", r"fatal error: newosproc"),
        ("fatal error: ", r"fatal error: unexpected signal during runtime execution"),
        ("signal SIGBUS", r"signal SIGBUS: bus error"),
        ("Out of memory: Kill", r"Out of memory: Kill process .* \(syz-fuzzer\)"),
        ("Out of memory: Kill", r"Out of memory: Killed process .* \(syz-fuzzer\)"),
        ("Out of memory: Kill", r"Out of memory: Kill process .* \(syz-executor\)"),
        ("lowmemorykiller", r"lowmemorykiller: Killing 'syz-fuzzer'"),
        ("INIT: PANIC", r"INIT: PANIC: segmentation violation!"),
        ("stack smashing", r"\*\*\* stack smashing detected \*\*\*: terminated"),
    )
)
