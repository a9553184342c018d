"""Kernel panic and kernel BUG reports."""

from __future__ import annotations

from ..extractors import stall_extractor
from .base import BAD, RIP_TRACE, TRACE, F, S

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

PANIC = tuple(_PANIC)
KERNEL_BUG = tuple(_KERNEL_BUG)
