"""WARNING: reports: WARN_ON splats, lockdep and RCU warnings, debug objects."""

from __future__ import annotations

from ..frames import PARSE_STACK
from .base import AT_FUNC, RIP_TRACE, TRACE, F, S, c

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
      stack=S(AT_FUNC, AT_FUNC, PARSE_STACK,
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
      stack=S(r"inconsistent {[A-Z_]+} -> {[A-Z_]+} usage", r".*takes", AT_FUNC, PARSE_STACK)),
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
WARNING_SUPPRESS = c(
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

WARNING = tuple(_WARNING)
