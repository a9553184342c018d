"""BUG: reports: KASAN, KMSAN, KCSAN, KFENCE, page faults, lockdep BUGs, leaks."""

from __future__ import annotations

from ..extractors import stall_extractor
from ..frames import CALL_TRACE, PARSE_STACK
from .base import BAD, RIP_TRACE, TRACE, F, S, c

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

BUG = tuple(_BUG)
BUG_SUPPRESS = c(r"BUG: memory leak\n", r"[a-zA-Z]BUG:", r"BUG: \(null\)")
