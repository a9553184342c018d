"""Guilty-frame choosers for stalls and hung tasks, where the top frame is a random victim.

An RCU stall or soft lockup interrupts a looping task anywhere in the loop; the stable
identity is the function just above the dispatcher (the ioctl handler under
``__x64_sys_ioctl``, the timer under ``call_timer_fn``). A hung task hangs in whatever
waited; hangs on ``synchronize_rcu`` and ``rtnl_lock`` are grouped together.
"""

from __future__ import annotations

import re

from .frames import Frame

# Frames that dispatch work: the frame *before* the first of these names the stall.
# Seen in real stalls: "kvm_vcpu_ioctl / ksys_ioctl / __x64_sys_ioctl / do_syscall_64",
# "neigh_timer_handler / call_timer_fn / __run_timers", "ipv6_rcv / __netif_receive_skb".
_STALL_ANCHORS = (
    r"^do_syscall_", r"^entry_SYS", r"^ret_fast_syscall", r"^ret_from_fork",
    r"^do_int80_syscall", r"^__do_fast_syscall", r"^do_fast_syscall", r"^el0_svc",
    r"^el0_sync", r"^invoke_syscall", r"^call_timer_fn", r"^expire_timers",
    r"^__run_timers", r"^run_timer_softirq", r"^process_one_work", r"^worker_thread",
    r"^kthread$", r"^__hrtimer_run_queues", r"^hrtimer_run_queues",
    r"^hrtimer_interrupt", r"^tasklet_action", r"^tasklet_hi_action",
    r"^net_rx_action", r"^__napi_poll", r"^napi_poll", r"^process_backlog",
    r"^__netif_receive_skb", r"^netif_receive_skb", r"^__do_softirq", r"^handle_softirqs",
    r"^smp_call_function", r"^task_work_run", r"^exit_to_user", r"^do_notify_resume",
    r"^flush_smp_call_function", r"^generic_smp_call_function",
    r"^scheduler_ipi", r"^sysvec_", r"^__sysvec_", r"^do_idle", r"^cpu_startup_entry",
    r"^rcu_do_batch", r"^rcu_core", r"^netlink_rcv_skb", r"^rtnetlink_rcv_msg",
    r"^genl_rcv_msg", r"^genl_family_rcv_msg", r"^nfnetlink_rcv_msg",
    r"^nfnetlink_rcv_batch", r"^sock_sendmsg", r"^sock_write_iter", r"^sock_read_iter",
    r"^__sys_sendto", r"^__sys_recvfrom", r"^__sys_setsockopt", r"^__sys_getsockopt",
    r"^sock_common_setsockopt", r"^sock_common_getsockopt", r"^__sys_connect",
    r"^__sys_bind", r"^__sys_accept", r"^inet_sendmsg", r"^inet6_sendmsg",
    r"^vfs_ioctl", r"^do_vfs_ioctl", r"(?:^|_)sys_ioctl$", r"^ksys_ioctl",
    r"^compat_sys_ioctl", r"compat_ioctl$",
    r"^__vfs_write", r"^vfs_write", r"^new_sync_write", r"^ksys_write",
    r"(?:^|_)sys_write$", r"^__vfs_read", r"^vfs_read", r"^new_sync_read",
    r"^ksys_read", r"(?:^|_)sys_read$", r"^do_iter_", r"^vfs_iter_", r"^vfs_writev",
    r"^vfs_readv", r"^do_writev", r"^do_readv", r"(?:^|_)sys_writev$",
    r"(?:^|_)sys_readv$", r"SyS_(?:ioctl|read|write|readv|writev)$", r"^vfs_open",
    r"^do_dentry_open", r"^mmap_region", r"^do_mmap", r"^vm_mmap", r"^ksys_mmap",
    r"(?:^|_)sys_mmap", r"^__do_fault", r"^__fput", r"^____fput", r"^fput$",
)
# One search of all anchors tries ~90 alternatives at every character of every frame name
# (3 ms for a 400-frame stack overflow trace); the "^..." ones only need a match at 0.
_STALL_AT_START = re.compile("|".join(a[1:] for a in _STALL_ANCHORS if a.startswith("^")))
_STALL_ANYWHERE = re.compile("|".join(a for a in _STALL_ANCHORS if not a.startswith("^")))


def _is_stall_anchor(name: str) -> bool:
    if _STALL_AT_START.match(name) is not None:
        return True
    # Each of the other anchors holds "sys_", "SyS_" or "ioctl".
    return ("sys_" in name or "SyS_" in name or "ioctl" in name) and (
        _STALL_ANYWHERE.search(name) is not None)


def stall_extractor(frames: list[Frame]) -> tuple[Frame | None, str]:
    """Pick the frame above the first dispatcher; ``smp_call_function*`` stands for itself."""
    if not frames:
        return None, "extracted no stack frame"
    prev = frames[0]
    for frame in frames:
        if _is_stall_anchor(frame[1]):
            if "smp_call_function" in frame[0]:
                return ("smp_call_function", frame[1]), ""
            return prev, ""
        prev = frame
    return frames[0], ""


# Hangs in these land in one bucket whatever the caller ("synchronize_rcu_expedited").
_HANG_ANCHORS = (
    ("rtnl_lock", ""),
    ("synchronize_rcu", "synchronize_rcu"),
    ("synchronize_srcu", "synchronize_rcu"),
    ("synchronize_net", "synchronize_rcu"),
    ("synchronize_sched", "synchronize_rcu"),
)
_HANG_SKIP = (
    "sched", "_lock", "_slowlock", "down", "rwsem", "completion", "kthread", "wait",
    "synchronize", "context_switch", "__switch_to", "cancel_delayed_work", "rcu_barrier",
)


def hang_extractor(frames: list[Frame]) -> tuple[Frame | None, str]:
    """Group hangs on RCU/rtnl; otherwise skip scheduler, lock and wait frames."""
    for name, raw in frames:
        for anchor, replacement in _HANG_ANCHORS:
            if anchor in name:
                return (replacement or name, raw), ""
    for frame in frames:
        if not any(s in frame[0] for s in _HANG_SKIP):
            return frame, ""
    return None, "all frames are skipped"
