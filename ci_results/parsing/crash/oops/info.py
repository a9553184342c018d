"""INFO: reports: RCU stalls, hung tasks, lockdep INFO splats."""

from __future__ import annotations

from ..extractors import hang_extractor, stall_extractor
from ..frames import PARSE_STACK, RIP_FRAME
from .base import AT_FUNC, TRACE, F, S, c

_INFO = [
    F(r"INFO: possible circular locking dependency detected", "possible deadlock in %[1]v",
      report=r"INFO: possible circular locking dependency detected(?:.*\n)+?.*is trying to"
      r" acquire lock",
      stack=S(AT_FUNC, AT_FUNC, PARSE_STACK)),
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
      stack=S(r"inconsistent {[A-Z_]+} -> {[A-Z_]+} usage", r".*takes", AT_FUNC, PARSE_STACK)),
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
INFO_SUPPRESS = c(
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

INFO = tuple(_INFO)
