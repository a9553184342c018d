"""The table of kernel report starts and their title formats (syzbot's scheme).

Each ``Oops`` is a literal that starts a report (``"BUG:"``, ``"general protection
fault"``) with the lines that contain it but are not reports (``suppressions``), and a list
of ``Format``: a title regex, an optional regex over the whole report that captures the
title's arguments, a Go-like format (``%[1]v`` is the first argument; the guilty frame,
when the format has a stack, is the last one), alternative title formats, and flags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .extractors import hang_extractor, stall_extractor
from .frames import CALL_TRACE, PARSE_STACK, RIP_FRAME, StackFmt, compile_re


@dataclass(frozen=True)
class Format:
    title: re.Pattern[str]
    fmt: str
    report: re.Pattern[str] | None = None
    alt: tuple[str, ...] = ()
    stack: StackFmt | None = None
    no_stack_trace: bool = False
    corrupted: bool = False


@dataclass(frozen=True)
class Oops:
    header: str
    formats: tuple[Format, ...]
    suppressions: tuple[re.Pattern[str], ...] = ()


def F(title: str, fmt: str, **kw: object) -> Format:
    report = kw.pop("report", None)
    return Format(
        title=compile_re(title),
        fmt=fmt,
        report=compile_re(report) if isinstance(report, str) else None,
        **kw,  # type: ignore[arg-type]
    )


def S(*parts: re.Pattern[str] | str, **kw: object) -> StackFmt:
    compiled = tuple(p if isinstance(p, re.Pattern) else compile_re(p) for p in parts)
    parts2 = kw.pop("parts2", ())
    kw["parts2"] = tuple(p if isinstance(p, re.Pattern) else compile_re(p) for p in parts2)
    return StackFmt(parts=compiled, **kw)  # type: ignore[arg-type]


TRACE = (CALL_TRACE, PARSE_STACK)
RIP_TRACE = (RIP_FRAME, CALL_TRACE, PARSE_STACK)
BAD = ("bad-access in %[1]v",)
_AT_FUNC = "at: (?:{{PC}} +)?{{FUNC}}"


def _c(*patterns: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


# "BUG: KASAN: use-after-free in aead_recvmsg+0x1758/0x1bc0 ... Read of size 8 at addr"
_KASAN = [
    F(
        r"BUG: KASAN:",
        "KASAN: %[1]v %[3]v in %[4]v",
        report=r"BUG: KASAN: ([a-z\-]+) in {{FUNC}}(?:.*\n)+?.*(Read|Write) (?:of size|at addr)"
        r" (?:[0-9a-f]+)",
        alt=("bad-access in %[4]v",),
        stack=S(
            r"BUG: KASAN: (?:[a-z\-]+) in {{FUNC}}", CALL_TRACE, PARSE_STACK,
            skip=("slab_", "kfree", "vunmap", "vfree"),
        ),
    ),
    F(
        r"BUG: KASAN:",
        "KASAN: invalid-free in %[2]v",
        report=r"BUG: KASAN: (?:double-free or invalid-free|double-free|invalid-free) in {{FUNC}}",
        alt=("invalid-free in %[2]v",),
        stack=S(
            r"BUG: KASAN: (?:double-free or invalid-free|double-free|invalid-free) in {{FUNC}}",
            CALL_TRACE, PARSE_STACK, skip=("slab_", "kfree", "kmem_", "rcu_do_batch"),
        ),
    ),
    # Old KASAN: "BUG: KASAN: use-after-free in do_con_write.part.23 at addr ffff88..."
    F(r"BUG: KASAN: ([a-z\-]+) in ([^ ]+) at addr", "KASAN: %[1]v in %[2]v at addr %[3]v",
      report=r"BUG: KASAN: ([a-z\-]+) in ([^ ]+) at addr ([0-9a-f]+)", corrupted=True),
    F(r"BUG: KASAN: ([a-z\-]+) on address(?:.*\n)+?.*(Read|Write) of size ([0-9]+)",
      "KASAN: %[1]v %[2]v"),
    F(r"BUG: KASAN: (.*)", "KASAN: %[1]v", corrupted=True),
]

_KMSAN_KCSAN_KFENCE = [
    F(
        r"BUG: KMSAN: kernel-usb-infoleak",
        "KMSAN: kernel-usb-infoleak in %[2]v",
        report=r"BUG: KMSAN: kernel-usb-infoleak in {{FUNC}}",
        alt=("KMSAN origin in %[3]v",),
        stack=S(
            CALL_TRACE, PARSE_STACK, r"(Local variable .* created at:|Uninit was created at:)",
            PARSE_STACK,
            skip=("alloc_skb", "usb_submit_urb", "usb_start_wait_urb", "usb_bulk_msg",
                  "usb_interrupt_msg", "usb_control_msg"),
        ),
        no_stack_trace=True,
    ),
    F(
        r"BUG: KMSAN:",
        "KMSAN: %[1]v in %[3]v",
        report=r"BUG: KMSAN: ([a-z\-]+) in {{FUNC}}",
        alt=("bad-access in %[3]v",),
        stack=S(CALL_TRACE, PARSE_STACK, skip=("alloc_skb", "netlink_ack", "netlink_rcv_skb")),
        no_stack_trace=True,
    ),
    # "BUG: KCSAN: data-race in e1000_clean_rx_irq / e1000_clean_rx_irq"
    F(r"BUG: KCSAN: data-race in {{FUNC}} / {{FUNC}}", "KCSAN: data-race in %[1]v / %[2]v",
      no_stack_trace=True),
    F(r"BUG: KCSAN: data-race in {{FUNC}}", "KCSAN: data-race in %[1]v",
      report=r"BUG: KCSAN: data-race in [^\n]*(?:\n.*)*?\n\n(?:[^\n]*\n)?(?: *{{FUNC}})",
      no_stack_trace=True),
    F(r"BUG: KCSAN: ([a-z\- :]+) in {{FUNC}}", "KCSAN: %[1]v in %[2]v", no_stack_trace=True),
    F(r"BUG: KCSAN: (.*)", "KCSAN: %[1]v", no_stack_trace=True),
    F(r"BUG: KFENCE: (use-after-free|out-of-bounds) ([a-z]+) in {{FUNC}}",
      "KFENCE: %[1]v %[2]v in %[4]v", alt=("bad-access in %[4]v",),
      stack=S(r"BUG: KFENCE: (?:[a-z\- ]+) in {{FUNC}}", PARSE_STACK), no_stack_trace=True),
    F(r"BUG: KFENCE: invalid ([a-z]+) in {{FUNC}}", "KFENCE: invalid %[1]v in %[3]v",
      alt=("bad-access in %[3]v",),
      stack=S(r"BUG: KFENCE: (?:[a-z\- ]+) in {{FUNC}}", PARSE_STACK), no_stack_trace=True),
    F(r"BUG: KFENCE: invalid free in {{FUNC}}", "KFENCE: invalid free in %[2]v",
      alt=("invalid-free in %[2]v",),
      stack=S(r"BUG: KFENCE: (?:[a-z\- ]+) in {{FUNC}}", PARSE_STACK), no_stack_trace=True),
    F(r"BUG: KFENCE: memory corruption in {{FUNC}}", "KFENCE: memory corruption in %[2]v",
      stack=S(r"BUG: KFENCE: (?:[a-z\- ]+) in {{FUNC}}", PARSE_STACK), no_stack_trace=True),
]

_BUG = [
    *_KASAN,
    *_KMSAN_KCSAN_KFENCE,
    # "BUG: unable to handle kernel paging request at ffff88002bde1e40"
    # powerpc: "BUG: Unable to handle kernel data access at 0x8000000041a25f20"
    F(r"BUG: (?:unable to handle kernel paging request|unable to handle page fault for address"
      r"|Unable to handle kernel data access|Unable to handle kernel paging request)",
      "BUG: unable to handle kernel paging request in %[1]v", alt=BAD, stack=S(*RIP_TRACE)),
    # "BUG: kernel NULL pointer dereference, address: 0000000000000036" (the seed)
    F(r"BUG: (?:unable to handle kernel NULL pointer dereference|kernel NULL pointer dereference"
      r"|Kernel NULL pointer dereference)",
      "BUG: unable to handle kernel NULL pointer dereference in %[1]v", alt=BAD,
      stack=S(*RIP_TRACE)),
    F(r"BUG: (?:unable to handle kernel access to user memory|Unable to handle kernel access to"
      r" user memory)",
      "BUG: unable to handle kernel access to user memory in %[1]v", alt=BAD,
      stack=S(*RIP_TRACE)),
    # The second half of the header is a separate printk and may be lost.
    F(r"BUG: (?:unable to handle kernel|Unable to handle kernel)", "BUG: unable to handle kernel",
      corrupted=True),
    F(r"BUG: (spinlock|rwlock) (lockup suspected|already unlocked|recursion|cpu recursion"
      r"|bad magic|wrong owner|wrong CPU|trylock failure on UP)",
      "BUG: %[1]v %[2]v in %[3]v",
      stack=S(*TRACE, skip=("spin_", "_lock", "_unlock"))),
    F(r"BUG: soft lockup", "BUG: soft lockup in %[1]v", alt=("stall in %[1]v",),
      stack=S(*RIP_TRACE, extractor=stall_extractor)),
    F(r"BUG: .*still has locks held!", "BUG: still has locks held in %[1]v",
      report=r"BUG: .*still has locks held!(?:.*\n)+?.*{{PC}} +{{FUNC}}"),
    F(r"BUG: scheduling while atomic", "BUG: scheduling while atomic in %[1]v",
      stack=S(*TRACE, skip=("schedule",))),
    F(r"BUG: lock held when returning to user space",
      "BUG: lock held when returning to user space in %[1]v",
      report=r"BUG: lock held when returning to user space(?:.*\n)+?.*leaving the kernel with"
      r" locks still held(?:.*\n)+?.*at: (?:{{PC}} +)?{{FUNC}}",
      no_stack_trace=True),
    F(r"BUG: bad unlock balance detected!", "BUG: bad unlock balance in %[1]v",
      stack=S(r"is trying to release lock", r"{{PC}} +{{FUNC}}", *TRACE)),
    F(r"BUG: held lock freed!", "BUG: held lock freed in %[1]v",
      report=r"BUG: held lock freed!(?:.*\n)+?.*{{PC}} +{{FUNC}}"),
    F(r"BUG: Bad rss-counter state", "BUG: Bad rss-counter state", no_stack_trace=True),
    F(r"BUG: non-zero nr_ptes on freeing mm", "BUG: non-zero nr_ptes on freeing mm",
      no_stack_trace=True),
    F(r"BUG: non-zero nr_pmds on freeing mm", "BUG: non-zero nr_pmds on freeing mm",
      no_stack_trace=True),
    # "BUG: Dentry ffff88806a1a1b40{i=0,n=/}  still in use (1) [unmount of ramfs ramfs]"
    F(r"BUG: Dentry .* still in use \([0-9]+\) \[(unmount) of ([^\]]+)\]",
      "BUG: Dentry still in use in %[1]v", alt=("BUG: Dentry still in use [%[1]v of %[2]v]",),
      no_stack_trace=True),
    F(r"BUG: Bad page map", "BUG: Bad page map"),
    F(r"BUG: Bad page (state)", "BUG: Bad page %[1]v in %[2]v",
      stack=S(*TRACE, skip=("bad_page", "free_page", "free_pcp", "free_unref", "__free_",
                            "free_pages", "release_pages", "put_page", "folio", "lru",
                            "free_frozen", "skb_release", "skb_free", "page_pool", "page_frag"))),
    F(r"BUG: workqueue lockup", "BUG: workqueue lockup", no_stack_trace=True),
    F(r"BUG: sleeping function called from invalid context at (.*)",
      "BUG: sleeping function called from invalid context in %[2]v", stack=S(*TRACE)),
    F(r"BUG: using __this_cpu_([a-z_]+)\(\) in preemptible",
      "BUG: using __this_cpu_%[1]v() in preemptible code in %[2]v",
      stack=S(*TRACE, skip=("dump_stack", "preemption", "preempt", "debug_", "processor_id",
                            "this_cpu"))),
    F(r"BUG: using smp_processor_id\(\) in preemptible",
      "BUG: using smp_processor_id() in preemptible code in %[1]v",
      stack=S(*TRACE, skip=("dump_stack", "preemption", "preempt", "debug_", "processor_id",
                            "this_cpu"))),
    # "BUG: workqueue leaked lock or atomic: kworker/0:1/0x00000000/24"
    F(r"BUG: workqueue leaked lock or atomic", "BUG: workqueue leaked lock or atomic in %[1]v",
      report=r"BUG: workqueue leaked lock or atomic(?:.*\n)+?.*last function: ([a-zA-Z0-9_]+)",
      no_stack_trace=True),
    F(r"BUG: executor-detected bug", "BUG: executor-detected bug", no_stack_trace=True),
    F(r"BUG: memory leak", "memory leak in %[1]v",
      stack=S(r"backtrace(?: \(crc [0-9a-f]+\))?:", PARSE_STACK,
              skip=("kmemleak", "mmap", "kmem", "slab", "alloc", "create_object", "idr_get",
                    "list_lru_init", "kasprintf", "kvasprintf", "pcpu_create_chunk", "strdup",
                    "strndup", "memdup"))),
    F(r"BUG: .*stack guard page was hit at", "BUG: stack guard page was hit in %[1]v",
      alt=("stack-overflow in %[1]v",), stack=S(*RIP_TRACE, extractor=stall_extractor)),
    # Reported by lockdep like the x86 "WARNING: ... lockdep.c ..." locking bugs.
    F(r"BUG: Invalid wait context", "WARNING: locking bug in %[1]v", stack=S(*TRACE)),
    F(r"BUG: MAX_LOCKDEP_KEYS too low!", "BUG: MAX_LOCKDEP_KEYS too low!", no_stack_trace=True),
    F(r"BUG: MAX_LOCKDEP_ENTRIES too low!", "BUG: MAX_LOCKDEP_ENTRIES too low!",
      no_stack_trace=True),
    F(r"BUG: MAX_LOCKDEP_CHAINS too low!", "BUG: MAX_LOCKDEP_CHAINS too low!",
      no_stack_trace=True),
    F(r"BUG: MAX_LOCKDEP_CHAIN_HLOCKS too low!", "BUG: MAX_LOCKDEP_CHAIN_HLOCKS too low!",
      no_stack_trace=True),
    F(r"BUG: MAX_STACK_TRACE_ENTRIES too low!", "BUG: MAX_STACK_TRACE_ENTRIES too low!",
      no_stack_trace=True),
    F(r"BUG: unable to handle kernel", "BUG: unable to handle kernel", corrupted=True),
    F(r"BUG: (?:looking up invalid subclass|corrupted list|page cache|Bad page)",
      "BUG: %[1]v", no_stack_trace=True),
]

_USB_SKIP = ("usb_submit_urb", "usb_start_wait_urb", "usb_bulk_msg", "usb_interrupt_msg",
             "usb_control_msg", "usb_hcd_submit_urb")

_WARNING = [
    F(r"WARNING: .*lib/debugobjects\.c.* (?:debug_print|debug_check)",
      "WARNING: ODEBUG bug in %[1]v",
      stack=S(*TRACE, skip=("debug_object", "debug_check_no_obj_freed", "debug_print_object",
                            "timer_", "destroy_hrtimer_on_stack", "hrtimer_", "rcu_barrier",
                            "kfree", "slab_", "kmem_cache", "free_object"))),
    F(r"WARNING: .*mm/usercopy\.c.* usercopy_warn", "WARNING: bad usercopy in %[1]v",
      stack=S(*TRACE, skip=("usercopy", "__check"))),
    F(r"WARNING: .*lib/kobject\.c.* kobject_", "WARNING: kobject bug in %[1]v",
      stack=S(*TRACE, skip=("kobject_",))),
    F(r"WARNING: .*fs/proc/generic\.c.* proc_register", "WARNING: proc registration bug in %[1]v",
      stack=S(*TRACE, skip=("proc_",))),
    F(r"WARNING: .*lib/refcount\.c.* refcount_", "WARNING: refcount bug in %[1]v",
      stack=S(*TRACE, skip=("refcount",))),
    F(r"WARNING: .*kernel/locking/lockdep\.c.*lock_", "WARNING: locking bug in %[1]v",
      stack=S(*TRACE, skip=("lockdep_", "lock_"))),
    F(r"WARNING: .*still has locks held!", "WARNING: still has locks held in %[1]v",
      report=r"WARNING: .*still has locks held!(?:.*\n)+?.*at: {{FUNC}}"),
    F(r"WARNING: Nested lock was not taken", "WARNING: nested lock was not taken in %[1]v",
      stack=S(*TRACE)),
    F(r"WARNING: lock held when returning to user space",
      "WARNING: lock held when returning to user space in %[1]v",
      report=r"WARNING: lock held when returning to user space(?:.*\n)+?.*leaving the kernel"
      r" with locks still held(?:.*\n)+?.*at: (?:{{PC}} +)?{{FUNC}}",
      no_stack_trace=True),
    F(r"WARNING: .*mm/.*\.c.* k?.?malloc", "WARNING: kmalloc bug in %[1]v",
      stack=S(*TRACE, skip=("kmalloc", "krealloc", "slab", "kmem"))),
    F(r"WARNING: .*mm/vmalloc\.c.*__vmalloc_node", "WARNING: zero-size vmalloc in %[1]v",
      stack=S(*TRACE, skip=("vmalloc",))),
    # "WARNING: CPU: 0 PID: 5 at drivers/usb/core/urb.c:471 usb_submit_urb+0x1e1/0x1240":
    # titled by the driver that submitted the bad URB, "WARNING in submit_rx_urb/usb_submit_urb".
    *(
        F(r"WARNING: " + head + r"usb_submit_urb", "WARNING in %[2]v/usb_submit_urb",
          stack=S(*RIP_TRACE, skip=_USB_SKIP))
        for head in (r".* at {{SRC}} ", r"(?:\[.*?\] )?{{SRC}} at ")
    ),
    # Since 6.17: "WARNING: fs/jfs/jfs_dmap.c:2867 at dbAdjTree+0x454/0x4e0, CPU#0: jfsCommit/112",
    # optionally with the condition:
    # "WARNING: [time_after(jiffies, timeout)] io_uring/io_uring.c:3026 at io_ring_exit_work+0x44c"
    *(
        F(r"WARNING: (?:\[.*?\] )?" + path + r":[0-9]+ at ", fmt, stack=S(*TRACE, skip=skip))
        for path, fmt, skip in (
            (r"lib/debugobjects\.c", "WARNING: ODEBUG bug in %[1]v",
             ("debug_object", "debug_check_no_obj_freed", "debug_print_object", "timer_",
              "hrtimer_", "rcu_barrier", "kfree", "slab_", "kmem_cache", "free_object")),
            (r"mm/usercopy\.c", "WARNING: bad usercopy in %[1]v", ("usercopy", "__check")),
            (r"lib/kobject\.c", "WARNING: kobject bug in %[1]v", ("kobject_",)),
            (r"fs/proc/generic\.c", "WARNING: proc registration bug in %[1]v", ("proc_",)),
            (r"lib/refcount\.c", "WARNING: refcount bug in %[1]v", ("refcount",)),
            (r"kernel/locking/lockdep\.c", "WARNING: locking bug in %[1]v",
             ("lockdep_", "lock_")),
        )
    ),
    F(r"WARNING: (?:\[.*?\] )?{{SRC}} at ", "WARNING in %[2]v", stack=S(*RIP_TRACE)),
    # "WARNING: CPU: 1 PID: 8377 at arch/x86/kvm/x86.c:7209 kvm_arch_vcpu_ioctl_run+0x1f7/0x5a00"
    F(r"WARNING: .* at {{SRC}} {{FUNC}}", "WARNING in %[3]v",
      stack=S(*RIP_TRACE)),
    F(r"WARNING: possible circular locking dependency detected", "possible deadlock in %[1]v",
      report=r"WARNING: possible circular locking dependency detected(?:.*\n)+?.*is trying to"
      r" acquire lock",
      stack=S(_AT_FUNC, _AT_FUNC, PARSE_STACK,
              skip=("kernel_text_address", "unwind_get_return_address"))),
    F(r"WARNING: possible irq lock inversion dependency detected", "possible deadlock in %[1]v",
      report=r"WARNING: possible irq lock inversion dependency detected(?:.*\n)+?.*just changed"
      r" the state of lock(?:.*\n)+?.*at: (?:{{PC}} +)?{{FUNC}}"),
    F(r"WARNING: .*-safe -> .*-unsafe lock order detected", "possible deadlock in %[1]v",
      stack=S(r"which became (?:.*) at:", PARSE_STACK)),
    F(r"WARNING: possible recursive locking detected", "possible deadlock in %[1]v",
      report=r"WARNING: possible recursive locking detected(?:.*\n)+?.*is trying to acquire"
      r" lock(?:.*\n)+?.*at: (?:{{PC}} +)?{{FUNC}}"),
    F(r"WARNING: inconsistent lock state", "inconsistent lock state in %[2]v",
      report=r"WARNING: inconsistent lock state(?:.*\n)+?.*takes(?:.*\n)+?.*at:"
      r" (?:{{PC}} +)?{{FUNC}}",
      stack=S(r"inconsistent {[A-Z_]+} -> {[A-Z_]+} usage", r".*takes", _AT_FUNC, PARSE_STACK)),
    F(r"WARNING: suspicious RCU usage", "WARNING: suspicious RCU usage in %[2]v",
      # The source line ("net/ipv6/route.c:1550 suspicious rcu_dereference_protected()
      # usage!") follows within a few lines; further away, other output is interleaved
      # and the title cannot be trusted.
      report=r"WARNING: suspicious RCU usage(?:.*\n){0,4}.*?{{SRC}}",
      stack=S(*TRACE, skip=("rcu", "kmem", "slab"))),
    # "WARNING: kernel stack regs at ffff8801b1d0fe28 in syz-executor5:4587 has bad 'bp' value"
    F(r"WARNING: kernel stack regs at [0-9a-f]+ in [^ ]* has bad '([^']+)' value",
      "WARNING: kernel stack regs has bad '%[1]v' value", no_stack_trace=True),
    # ... and with %p hashing: "at         (ptrval) in syzkaller547737:4493 has bad 'bp' value"
    F(r"WARNING: kernel stack regs at .* has bad",
      "WARNING: kernel stack regs has bad value", no_stack_trace=True),
    F(r"WARNING: kernel stack frame pointer at [0-9a-f]+ in [^ ]* has bad value",
      "WARNING: kernel stack frame pointer has bad value", no_stack_trace=True),
    F(r"WARNING: bad unlock balance detected!", "WARNING: bad unlock balance in %[1]v",
      stack=S(r"is trying to release lock", r"{{PC}} +{{FUNC}}", *TRACE)),
    F(r"WARNING: held lock freed!", "WARNING: held lock freed in %[1]v",
      report=r"WARNING: held lock freed!(?:.*\n)+?.*at: (?:{{PC}} +)?{{FUNC}}"),
    F(r"WARNING: kernel stack regs .* has bad value", "WARNING: kernel stack regs has bad value",
      no_stack_trace=True),
    F(r"WARNING: ([a-z0-9 ]+) USB support is incomplete, don't expect anything to work!",
      "WARNING: %[1]v USB support is incomplete, don't expect anything to work!",
      no_stack_trace=True),
]
_WARNING_SUPPRESS = _c(
    r"WARNING: /etc/ssh/moduli does not exist, using fixed modulus",
    r"WARNING: workqueue cpumask: online intersect > possible intersect",
    r"WARNING: [Tt]he mand mount option",
    r"WARNING: Unsupported flag value\(s\) of 0x%x in DT_FLAGS_1",
    r"WARNING: Unprivileged eBPF is enabled with eIBRS",
    r"WARNING: fbcon: Driver '(.*)' missed to adjust virtual screen size",
    r"WARNING: See https.* for mitigation options",
    r"WARNING: kernel not compiled with CPU_SRSO",
    r"EXT4-[Ff][Ss](?: \(.*\))?:",
    r"(?i)warning: .* uses (deprecated v2 capabilities|wireless extensions)",
    r"XFS \(\w+\): WARNING",
    r"[a-zA-Z]WARNING:",  # "DWARNING:" inside a word
    # Anything that is none of the kernel's own WARNING forms is user space talking:
    # "WARNING: apt does not have a stable CLI interface. Use with caution in scripts."
    r"WARNING: (?!CPU: |at [\w./-]+:\d+|\[.*?\] [\w./-]+:\d+ at |[\w./-]+:\d+ at "
    r"|possible (?:circular|recursive|irq)|suspicious |inconsistent |bad unlock"
    r"|held lock|kernel stack|Nested lock|lock held|.*still has locks held|.*-safe -> .*-unsafe"
    r"|[a-z0-9 ]+ USB support|.* at [\w./-]+:\d+ )",
)

_INFO = [
    F(r"INFO: possible circular locking dependency detected", "possible deadlock in %[1]v",
      report=r"INFO: possible circular locking dependency detected(?:.*\n)+?.*is trying to"
      r" acquire lock",
      stack=S(_AT_FUNC, _AT_FUNC, PARSE_STACK)),
    F(r"INFO: possible irq lock inversion dependency detected", "possible deadlock in %[1]v",
      report=r"INFO: possible irq lock inversion dependency detected(?:.*\n)+?.*just changed"
      r" the state of lock(?:.*\n)+?.*at: (?:{{PC}} +)?{{FUNC}}"),
    F(r"INFO: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected", "possible deadlock in %[1]v",
      report=r"INFO: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected(?:.*\n)+?.*is trying to"
      r" acquire(?:.*\n)+?.*at: (?:{{PC}} +)?{{FUNC}}"),
    F(r"INFO: possible recursive locking detected", "possible deadlock in %[1]v",
      report=r"INFO: possible recursive locking detected(?:.*\n)+?.*is trying to acquire"
      r" lock(?:.*\n)+?.*at: (?:{{PC}} +)?{{FUNC}}"),
    F(r"INFO: inconsistent lock state", "inconsistent lock state in %[2]v",
      report=r"INFO: inconsistent lock state(?:.*\n)+?.*takes(?:.*\n)+?.*at: (?:{{PC}} +)?{{FUNC}}",
      stack=S(r"inconsistent {[A-Z_]+} -> {[A-Z_]+} usage", r".*takes", _AT_FUNC, PARSE_STACK)),
    F(r"INFO: rcu_(?:preempt|sched|bh|tasks\w*) (?:self-)?detected(?: expedited)? stalls?",
      "INFO: rcu detected stall in %[1]v", alt=("stall in %[1]v",),
      stack=S(r"apic_timer_interrupt|Exception stack|el1h_64_irq", RIP_FRAME, PARSE_STACK,
              parts2=(r"(?:apic_timer_interrupt|Exception stack|el1h_64_irq)", PARSE_STACK),
              skip=("apic_timer_interrupt", "rcu", "hrtimer", "tick_", "update_process_times",
                    "sched_clock", "irq_exit", "sysvec_", "asm_sysvec", "irqentry",
                    "__sysvec_", "timer_interrupt", "handle_irq", "irq_enter",
                    "arch_local_irq", "native_irq", "native_safe_halt", "do_raw_spin",
                    "queued_spin", "native_queued", "trace_hardirqs", "lock_is_held",
                    "check_preemption_disabled", "debug_smp_processor_id", "__sanitizer",
                    "kcov", "write_comp_data", "el1_interrupt", "el1h_64_irq", "gic_handle",
                    "handle_domain", "call_on_irq_stack", "do_interrupt_handler"),
              extractor=stall_extractor)),
    F(r"INFO: rcu_(?:preempt|sched|bh|tasks\w*) (?:self-)?detected(?: expedited)? stalls?",
      "INFO: rcu detected stall"),
    F(r"INFO: suspicious RCU usage", "INFO: suspicious RCU usage in %[2]v",
      report=r"INFO: suspicious RCU usage(?:.*\n)+?.*?{{SRC}}",
      stack=S(*TRACE, skip=("rcu", "kmem", "slab"))),
    F(r"INFO: task .* blocked for more than [0-9]+ seconds", "INFO: task hung in %[1]v",
      alt=("hang in %[1]v",), stack=S(*TRACE, extractor=hang_extractor)),
    F(r"INFO: task .* can't die for more than .* seconds", "INFO: task can't die in %[1]v",
      alt=("hang in %[1]v",), stack=S(*TRACE, skip=("schedule", "_lock", "down"))),
    # Corrupted old-style KASAN reports: "INFO: Freed in fasync_free_rcu+0x14/0x20 age=5 ..."
    F(r"INFO: (Freed|Allocated) in (.*)", "INFO: %[1]v in %[2]v", corrupted=True),
    F(r"INFO: Slab 0x[0-9a-f]+ objects=[0-9]+ used=[0-9]+ fp=0x[0-9a-f]+ flags=0x[0-9a-f]+",
      "INFO: Slab objects", corrupted=True),
    F(r"INFO: trying to register non-static key",
      "INFO: trying to register non-static key in %[1]v",
      stack=S(*TRACE, skip=("stack", "lock", "IRQ"))),
]
_INFO_SUPPRESS = _c(
    r"INFO: lockdep is turned off",
    r"INFO: Stall ended before state dump start",
    r"INFO: NMI handler",  # "... took too long to run", sometimes garbled by other output
    r"INFO: recovery required on readonly filesystem",  # ext4 mount message
    r"[A-Za-z_]INFO:",  # "CAM_INFO: CAM-ISP: ...", "INVALID BTF_INFO:72000001"
    r"_INFO::",
    r"INFO: sys_.* is not present in /proc/kallsyms",
    r"INFO: no syscalls can create resource",
    r"INFO: rcu_(?:preempt|sched|bh) detected expedited stalls? on CPUs/tasks: \{\}",
    r"INFO: Maybe that is fine",
)

_PANIC = [
    F(r"Kernel panic - not syncing: stack-protector:",
      "kernel panic: stack is corrupted in %[1]v",
      report=r"Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: {{FUNC}}",
      no_stack_trace=True),
    F(r"Kernel panic - not syncing: stack-protector:", "kernel panic: stack is corrupted in %[1]v",
      report=r"Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in:"
      r" [a-f0-9]+",
      stack=S(*TRACE, skip=("stack_chk",))),
    F(r"Kernel panic - not syncing: corrupted stack end detected inside scheduler",
      "kernel panic: corrupted stack end in %[1]v", alt=("stack-overflow in %[1]v",),
      stack=S(*TRACE, skip=("schedule", "retint_kernel"), extractor=stall_extractor)),
    F(r"Kernel panic - not syncing: kernel stack overflow", "kernel stack overflow in %[1]v",
      alt=("stack-overflow in %[1]v",),
      stack=S(*TRACE, skip=("bad_stack",), extractor=stall_extractor)),
    F(r"Kernel panic - not syncing: Attempted to kill init!",
      "kernel panic: Attempted to kill init!"),
    F(r"Kernel panic - not syncing: Couldn't open N_TTY ldisc for [^ ]+ --- error -[0-9]+",
      "kernel panic: Couldn't open N_TTY ldisc"),
    # Printed after the real report: finding it first means the report head was lost.
    F(r"Kernel panic - not syncing: Fatal exception", "kernel panic: Fatal exception",
      corrupted=True),
    F(r"Kernel panic - not syncing: panic_on_warn set", "kernel panic: panic_on_warn set",
      corrupted=True),
    F(r"Kernel panic - not syncing: hung_task: blocked tasks",
      "kernel panic: hung_task: blocked tasks", corrupted=True),
    F(r"Kernel panic - not syncing: (.*)", "kernel panic: %[1]v"),
]

_KERNEL_BUG = [
    F(r"kernel BUG at mm/usercopy\.c", "BUG: bad usercopy in %[1]v",
      stack=S(*TRACE, skip=("usercopy", "__check"))),
    F(r"kernel BUG at lib/list_debug\.c", "BUG: corrupted list in %[1]v", alt=BAD,
      stack=S(*TRACE, skip=("list_",))),
    F(r"kernel BUG at (.*)", "kernel BUG in %[2]v", stack=S(*RIP_TRACE, skip=("^skb_",))),
]

LINUX_OOPSES: tuple[Oops, ...] = (
    Oops("BUG:", tuple(_BUG), _c(r"BUG: memory leak\n", r"[a-zA-Z]BUG:", r"BUG: \(null\)")),
    Oops("WARNING:", tuple(_WARNING), _WARNING_SUPPRESS),
    Oops("INFO:", tuple(_INFO), _INFO_SUPPRESS),
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
    ), _c(r"general protection fault .* error:\d+ in ")),
    Oops("stack segment: ", (
        F(r"stack segment: 0000", "stack segment fault in %[1]v", stack=S(*RIP_TRACE)),
    )),
    Oops("Kernel panic", tuple(_PANIC), _c(r"Kernel panic - not syncing: Requested init")),
    Oops("PANIC: double fault", (
        F(r"PANIC: double fault", "PANIC: double fault in %[1]v", stack=S(RIP_FRAME)),
    )),
    Oops("kernel BUG", tuple(_KERNEL_BUG)),
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
    ), _c(r"Parsing ELF|Decompressing Linux",
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
    ), _c(r"Internal error: Oops", r"Internal error: : ")),
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
    ), _c(r"ddb\.onpanic:", r"evtlog_status:", r"[a-z_]panic:", r"trusty: panic",
          r"panic: .* \[recovered\]")),
    Oops("fatal error:", (
        F(r"fatal error:", "go runtime error", no_stack_trace=True),
    ), _c(r"ALSA", r"fatal error: cannot create timer", r"[a-zA-Z]fatal error:",
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
