"""Rust v0 and C++ frame names (ci_results/parsing/crash/demangle.py)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ci_results.parsing.crash.demangle import demangle


@pytest.mark.parametrize(
    ("symbol", "name"),
    [
        ("_RNvMs3_NtCshgDM7dBCdno_11rust_binder7processNtB5_7Process10update_ref",
         "<rust_binder::process::Process>::update_ref"),
        ("_RNvXs1_CscPPBqWtAqum_11ashmem_rustNtB5_6AshmemNtNtCs43vyB533jt3_6kernel10miscdevice"
         "10MiscDevice4mmap", "<ashmem_rust::Ashmem as kernel::miscdevice::MiscDevice>::mmap"),
        ("_RNvNtCs9jEwPDbx20M_4core9panicking9panic_fmt", "core::panicking::panic_fmt"),
        ("_Z8fakeNameiii", "fakeName"),
        ("_ZN3foo3barEv", "foo::bar"),
        ("tipc_mon_reinit_self", "tipc_mon_reinit_self"),
        ("_RNvXs_", "_RNvXs_"),  # truncated: left as printed
        ("_RB_", "_RB_"),  # a backref to itself must not loop
    ],
)
def test_it_demangles_paths(symbol, name):
    assert demangle(symbol) == name


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="_RZNvCMXYBIs0123456789abcXYZ", max_size=60))
def test_it_never_raises_on_garbage(symbol):
    assert isinstance(demangle("_R" + symbol), str)
    assert isinstance(demangle("_Z" + symbol), str)
