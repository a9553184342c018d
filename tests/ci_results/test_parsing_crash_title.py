"""Title normalisation and crash types (ci_results/parsing/crash/title.py)."""

import pytest

from ci_results.parsing.crash.title import clean_frame, clean_title, find_crash_type


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("KASAN: use-after-free in do_con_write.part.23 at addr ffff88006b3d6c80",
         "KASAN: use-after-free in do_con_write.part.NUM at addr ADDR"),
        ("INFO: task syz-executor.3:8123 blocked", "INFO: task syz-executor blocked"),
        ("INFO: task syz.2.317 blocked", "INFO: task syz blocked"),
        ("kernel panic: VFS: Unable to mount root fs on unknown-block(0,0)",
         "kernel panic: VFS: Unable to mount root fs on unknown-block(NUM,NUM)"),
        ("WARNING in ip6_fragment+0x1052/0x2d80", "WARNING in ip6_fragment"),
        ("BUG: at mm/filemap.c:1980 on CPU#3", "BUG: at mm/filemap.c:LINE on CPU"),
        ("x" * 200, "x" * 120),
        ("a\tb\x01  c ", "a b c"),
    ],
)
def test_it_normalises_what_changes_between_runs(raw, clean):
    assert clean_title(raw) == clean


@pytest.mark.parametrize(
    ("name", "clean"),
    [("update_sd_lb_stats.constprop.0", "update_sd_lb_stats"), ("f.isra.3.cold", "f"),
     ("vfs_kern_mount.part.3", "vfs_kern_mount"), ("nl802154_add", "nl802154_add")],
)
def test_it_drops_compiler_suffixes_from_frames(name, clean):
    assert clean_frame(name) == clean


@pytest.mark.parametrize(
    ("title", "crash_type"),
    [
        ("KASAN: slab-out-of-bounds Write in napi_hash_del", "KASAN-WRITE"),
        ("KASAN: slab-use-after-free Read in chrdev_open", "KASAN-USE-AFTER-FREE-READ"),
        ("KASAN: null-ptr-deref Read in f", "KASAN-NULL-POINTER-DEREFERENCE-READ"),
        ("KASAN: invalid-free in f", "KASAN-INVALID-FREE"),
        ("KFENCE: use-after-free read in f", "KFENCE-USE-AFTER-FREE-READ"),
        ("BUG: unable to handle kernel NULL pointer dereference in f", "NULL-POINTER-DEREFERENCE"),
        ("WARNING: refcount bug in f", "REFCOUNT_WARNING"),
        ("WARNING: suspicious RCU usage in f", "LOCKDEP"),
        ("WARNING: suspicious RCU usage", "WARNING"),
        ("INFO: task hung in f", "HANG"),
        ("general protection fault in f", "DoS"),
        ("BUG: Bad page state in f", "UNKNOWN"),
    ],
)
def test_it_types_titles(title, crash_type):
    assert find_crash_type(title) == crash_type
