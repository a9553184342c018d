"""Call traces: frame lines, the guilty frame and the functions that are never guilty.

The guilty frame is the first frame of the trace that is not generic reporting, locking,
allocation, string/usercopy or entry code: in
``dump_stack_lvl / print_report / kasan_report / memcpy / tipc_mon_reinit_self`` it is
``tipc_mon_reinit_self``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from .demangle import demangle

# Placeholders shared by the report tables (as in the kernel's own print formats).
_PC = r"\[<?(?:0x)?[0-9a-f]{1,16}>?\]"  # "[<ffffffff8135b7f5>]"
# "ip6_fragment+0x1052/0x2d80", "vfs_kern_mount.part.3+0x50", and the decoded form
# "filemap_get_folios_tag (mm/filemap.c:1980)" written by decode_stacktrace.sh (the seed).
_FUNC = r"([a-zA-Z0-9_]+)(?:\.|\+| \((?:\./)?[a-zA-Z0-9_\-/.]+:\d)"
_SRC = r"([a-zA-Z0-9\-_/.]+\.[a-z]+:[0-9]+)"  # "net/ipv4/tcp.c:1234"
_ADDR = r"0x[0-9a-f]+"


def compile_re(pattern: str) -> re.Pattern[str]:
    """Compile a table regex, expanding {{PC}}, {{FUNC}}, {{SRC}} and {{ADDR}}."""
    pattern = (
        pattern.replace("{{PC}}", _PC)
        .replace("{{FUNC}}", _FUNC)
        .replace("{{SRC}}", _SRC)
        .replace("{{ADDR}}", _ADDR)
    )
    return re.compile(pattern)


# Marker in a StackFmt.parts list: "parse a call trace from here".
PARSE_STACK = re.compile(r"(?!)")

# "Call Trace:" (x86), "Call trace:" (arm64), "Backtrace:" (arm).
CALL_TRACE = compile_re(r"(?:Call (?:T|t)race:)|(?:Backtrace:)")
# "RIP: 0010:filemap_get_folios_tag+0x1e5/0x600", "IP: [<ffffffff82d4e304>] __memset+0x24",
# "pc : __run_timers+0x2c/0x6c0" (arm64), "PC is at __dabt_svc+0x4c" (arm), "NIP [c...] f".
RIP_FRAME = compile_re(
    r"(?:IP|NIP|pc |PC is at):? (?:(?:[0-9]+:)?(?:{{PC}} +){0,2}{{FUNC}}"
    r"|(?:[0-9]+:)?0x[0-9a-f]+|(?:[0-9]+:)?{{PC}} +\[< *\(null\)>\] +\(null\)|[0-9]+: +\(null\))"
)
# Every RIP_FRAME match starts at one of these (or at the "N" of "NIP").
RIP_LITERALS = ("IP", "pc ", "PC is at")

# Lines where a call trace starts ("Allocated by task 5:" in KASAN, "backtrace:" in
# kmemleak, "Uninit was stored to memory at:" in KMSAN); "stack backtrace:" is lockdep's.
STACK_START = [
    re.compile(r"Call (?:T|t)race"),
    re.compile(r"Allocated:"),
    re.compile(r"Allocated by task [0-9]+:"),
    re.compile(r"Freed:"),
    re.compile(r"Freed by task [0-9]+:"),
    re.compile(r"[^k] backtrace(?: \(crc [0-9a-f]+\))?:"),  # kmemleak since 6.10: "(crc c9a1c131)"
    re.compile(r"Backtrace:"),
    re.compile(r"Uninit was stored to memory at"),
]
# " ip6_fragment+0x1052/0x2d80", " [<ffffffff8135b7f5>] dump_stack+0xc1/0x120",
# "[<803be594>] (nfs_fs_mount) from [<8026b930>] (mount_fs+0x34/0xe4)" (arm).
FRAME_RES = [
    compile_re(r"^ *(?:{{PC}} ){0,2}{{FUNC}}"),
    compile_re(r"^ *{{PC}} \(([a-zA-Z0-9_.]+)\) from {{PC}} \({{FUNC}}"),
]
# "should_failslab+0x5/0x10": fault-injection stacks get interleaved with the report.
CORRUPTED_LINES = [
    compile_re(r"^( \[<?(?:0x)?[0-9a-f]+>?\])? should_fail(slab)?(\.[a-z0-9.]+)?\+0x"),
]

# Applied in this order, each to the result of the previous one, so that
# "__se_sys_mremap" -> "sys_mremap" -> "mremap" and "__x64_sys_futex" -> "sys_futex".
STRIP_PREFIXES = (
    "__do_sys_", "__se_", "compat_SYSC_", "compat_SyS_", "SYSC_", "SyS_", "sys_",
    "__x64_", "__ia32_", "__arm64_", "____sys_", "___sys_", "__sys_", "ksys_",
)  # fmt: skip

# Functions that are never the guilty frame (matched as regex searches in the name).
SKIP_PATTERNS = (
    "__sanitizer", "__asan", "kasan", "hwasan", "__msan", "kmsan", "kcsan_setup_watchpoint",
    "check_memory_region", "check_heap_object", "check_object", "read_word_at_a_time",
    "(read|write)_once_.*nocheck", "print_address_description", "panic", "invalid_op",
    "report_bug", "fixup_bug", "print_report", "print_usage_bug", "do_error", "_trap$|do_trap_",
    "show_stack", "dump_stack", "walk_stack", "dump_backtrace", "warn_slowpath", "warn_alloc",
    "warn_bogus", "__warn", "alloc_page", "k?v?(?:m|z|c)alloc", "krealloc", "kmem_cache",
    "allocate_slab", "folio_(?:alloc|unlock)", "filemap_alloc_folio", "__filemap_get_folio",
    "find_or_create_page", "do_read_cache_folio", "read_cache_page", "pagecache_get_page",
    "grab_cache_page_write_begin", "slab_", "debug_object", "timer_is_static_object",
    "work_is_static_object", "__might_fault", "print_unlock", "imbalance_bug", "lockdep",
    "bh_enable", "bh_disable", "perf_trace", "lock_acquire", "lock_release", "lock_class",
    "mark_lock", "(reacquire|mark)_held_locks", "raw_spin_rq", "spin_lock", "spin_trylock",
    "spin_unlock", "read_lock", "read_trylock", "write_lock", "write_trylock", "read_unlock",
    "write_unlock", "^down$", "down_read", "down_write", "down_read_trylock",
    "down_write_trylock", "down_trylock", "up_read", "up_write", "^mutex_", "^__mutex_",
    "^rt_mutex_", "owner_on_cpu", "osq_lock", "osq_unlock",
    "atomic(64)?_(dec|inc|read|set|or|xor|and|add|sub|fetch|xchg|cmpxchg|try)",
    "(set|clear|change|test)_bit", "__wake_up", "^refcount_", "^kref_", "ref_tracker",
    "seqprop_assert", "memcpy", "memcmp", "memset", "memchr", "memmove", "memdup", "strcmp",
    "strncmp", "strchr", "strlen", "strcpy", "strscpy", "strncpy", "strnlen", "copy_to_user",
    "copy_from_user", "copy_to_iter", "copy_from_iter", "copy_page_to_iter",
    "copy_page_from_iter", "copy_folio_to_iter", "^copyin$", "^copyout$", "put_user",
    "get_user", "might_fault", "might_sleep", "list_add", "list_del", "list_replace",
    "list_move", "list_splice", "^rb_", "^__rb_", "_indirect_thunk_", "string", "pointer",
    "snprintf", "scnprintf", "kasprintf", "kvasprintf", "printk", "va_format", "dev_info",
    "dev_notice", "dev_warn", "dev_err", "dev_alert", "dev_crit", "dev_emerg",
    "program_check_exception", "program_check_common", "del_timer", "^flush_work$", "^__flush_work",
    "__cancel_work_timer", "cancel_work_sync", "try_to_grab_pending",
    "drain_workqueue", "destroy_workqueue", "queue_work", "finish_wait", "kthread_stop",
    "kobject_", "add_uevent_var", "get_device_parent", "device_add", "device_del",
    "device_unregister", "device_destroy", "device_release", "devres_release_all",
    "hwrng_unregister", "i2c_del_adapter", "__unregister_client", "device_for_each_child",
    "rollback_registered", "unregister_netdev", "sysfs_remove", "__sysfs_remove",
"^rcu_", "^__rcu_", "^kfree_", "^call_rcu",
    "^free_rcu", "^__ubsan", "^ubsan_", "^__kmsan", "^xas_", "^xa_", "^__local_bh_",
    "^local_bh_", "^local_irq_", "^fast_dput", "^dput", "^(__)?local_lock", "^kfree$",
    "^__kfree", "^kvfree", "^vfree", "^__schedule_bug", "^stack_trace_", "^arch_stack_walk",
    "^__stack_depot", "^stack_depot", "^__switch_to", "^unwind_backtrace",
    # Generic helpers seen on top of real bugs in syzbot reports.
    "^usb_kill_urb", "^usb_kill_anchored_urbs", "^usb_control_msg", "^usb_submit_urb",
    "^usb_start_wait_urb", "^usb_bulk_msg", "^usb_interrupt_msg",
    "^device_remove_file", "^tty_unregister_device", "^crc16", "^crc_itu_t", "^crc32",
    "^strnstr", "^strstr", "^klist_next", "^hex_dump_to_buffer", "^__do_kernel_fault",
    "^do_page_fault", "^do_translation_fault", "^do_mem_abort", "^el1_abort", "^el1h_64_sync",
    "^lock_timer_base", "^ida_free", "^print_tainted", "^cleanup_srcu_struct", "^drop_nlink",
    "^__might_resched", "^__might_sleep", "^aes_encrypt", "^folios_put_refs",
    "^page_frag_free", "^find_lock_entries", "^__phys_addr", "^wait_for_completion",
    "^complete$", "^__vunmap", "^vunmap", "^sched_show_task", "^trace_hardirqs",
    "^__raw_readb", "^__raw_readw", "^__raw_readl", "^__get_wchan", "^get_taint",
    "^__alloc_frozen_pages", "^do_tag_check_fault", "get_wchan", "^__mod_timer", "^mod_timer",
    "timer_delete", "^put_device", "^truncate_inode_pages", "^rhashtable_lookup",
    "^print_hex_dump", "^aes", "fortify", "^mark_buffer_dirty", "^folio_batch",
    "^skb_free_head", "^logic_in", "^logic_out", "^dump_cpu_task", "^el1_", "^el1h_",
    "^do_mem_abort", "^do_bad_area", "wchan", "^crypto_", "^__crypto_", "^cipher_",
    "stop_timer", "^release_sock", "^lock_sock", "rust_begin_unwind", "^core::panicking",
)  # fmt: skip


@lru_cache(maxsize=256)
def skip_regex(extra: tuple[str, ...]) -> re.Pattern[str]:
    """The never-guilty functions plus a report kind's own (``("refcount",)``) as one regex."""
    return re.compile("|".join(SKIP_PATTERNS + extra))


def frame_variants(raw: str) -> list[str]:
    """``"__se_sys_mremap"`` -> ``["__se_sys_mremap", "sys_mremap", "mremap"]``."""
    variants = [raw]
    name = raw
    for prefix in STRIP_PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix):
            name = name[len(prefix):]
            variants.append(name)
    return variants


def match_frame(line: str) -> re.Match[str] | None:
    """The frame a line holds (``" ip6_fragment+0x1052/0x2d80"``), or None."""
    if "(" not in line and "+" not in line and "." not in line:
        return None
    if line.endswith("(unreliable)"):  # powerpc: a stale first slot, not a real caller
        return None
    return FRAME_RE.match(line)


def _matches_any(line: str, regexes: Sequence[re.Pattern[str]]) -> bool:
    return any(r.search(line) for r in regexes)


# One alternation of STACK_START, and a cheap literal pre-check for CORRUPTED_LINES: these
# run on every report line.
_STACK_START_RE = re.compile("|".join(f"(?:{r.pattern})" for r in STACK_START))
_ALLOCATED_BY, _FREED_BY, _BACKTRACE = STACK_START[2], STACK_START[4], STACK_START[5]
# Every trace start holds one of these ("race" is in "Call Trace", "backtrace", "Backtrace").
STACK_START_WORDS = ("race", "llocated", "reed", "Uninit")
# FRAME_RES as one regex: the first that matches a line gives the same groups in it.
FRAME_RE = re.compile("|".join(f"(?:{r.pattern})" for r in FRAME_RES))


def is_stack_start(line: str) -> bool:
    """``"Call Trace:"``, ``"Allocated by task 5:"``, ... (not lockdep's "stack backtrace:").

    ``_STACK_START_RE.search(line) is not None``, by literals first: five of its regexes
    are literals, the other three need one ("[^k] backtrace" gives the regex engine no
    prefix to skip ahead with, so a search tries it at every character)."""
    if "race" in line:  # "Call Trace", "Call trace", " backtrace"
        if "Call Trace" in line or "Call trace" in line:
            return True
        if " backtrace" in line and _BACKTRACE.search(line) is not None:
            return True
    if "llocated" in line:
        if "Allocated:" in line or (
                "Allocated by task " in line and _ALLOCATED_BY.search(line) is not None):
            return True
    if "reed" in line:
        if "Freed:" in line or (
                "Freed by task " in line and _FREED_BY.search(line) is not None):
            return True
    return "Backtrace:" in line or "Uninit was stored to memory at" in line


def is_frame(line: str) -> bool:
    """``" ip6_fragment+0x1052/0x2d80"`` -> True; ``"RSP: 0018:ffff..."`` -> False."""
    return FRAME_RE.search(line) is not None


def is_corrupted_line(line: str) -> bool:
    return "should_fail" in line and _matches_any(line, CORRUPTED_LINES)


# A found frame: (canonical name, raw name as printed).
Frame = tuple[str, str]
Extractor = Callable[[list[Frame]], tuple[Frame | None, str]]


# Keyed by id(): hashing a compiled pattern is slow, and skip_regex() keeps them alive.
_CANONICAL: dict[int, dict[str, str | None]] = {}


def _canonical(raw: str, skip: re.Pattern[str]) -> str | None:
    """The frame name without syscall prefixes, or None when it is never guilty."""
    cache = _CANONICAL.get(id(skip))
    if cache is None:
        cache = _CANONICAL[id(skip)] = {}
    if raw in cache:
        return cache[raw]
    if not _IDENT_RE.match(raw):
        name = None  # a source position captured by {{SRC}}, not a function
    else:
        # Rust and C++ frames: "_RNvMs3_...7Process10update_ref" -> "<...::Process>::update_ref"
        name = frame_variants(demangle(raw) if raw[:2] in ("_R", "_Z") else raw)[-1]
        if skip.search(name):
            name = None
    if len(cache) < 65536:  # bounded: frame names are a finite vocabulary
        cache[raw] = name
    return name


def append_frame(frames: list[Frame], m: re.Match[str] | None, skip: re.Pattern[str]) -> None:
    if m is None:
        return
    for raw in m.groups():
        if raw:
            name = _canonical(raw, skip)
            if name is not None:
                frames.append((name, demangle(raw) if raw[:2] in ("_R", "_Z") else raw))


_IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")  # C identifiers: not "4" of "4.9.0-rc4"


def default_extractor(frames: list[Frame]) -> tuple[Frame | None, str]:
    return (frames[0], "") if frames else (None, "extracted no stack frame")


@dataclass(frozen=True)
class StackFmt:
    """How to find the guilty frame: regexes matched line by line, in order."""

    parts: tuple[re.Pattern[str], ...]
    parts2: tuple[re.Pattern[str], ...] = ()
    skip: tuple[str, ...] = ()
    extractor: Extractor | None = field(default=None)
