"""Kernel console logs -> crash reports in syzbot's scheme (pure; no Django).

    >>> from ci_results.parsing.crash import parse_log
    >>> a = parse_log("[ 60.0] BUG: kernel NULL pointer dereference, address: 0036\\n...")
    >>> a.contains_crash, a.reports[0].title
    (True, 'BUG: unable to handle kernel NULL pointer dereference in ...')

``parse_log`` never raises: a log it cannot make sense of gives ``contains_crash=False``
or a report marked corrupted. ``parse_log_file`` reads a path or stream (plain or gzip).

The entry points below are the compiled build of this package when one was made from these
very sources (see ``ci_results/parsing/native.py``), else the modules here.
"""

from __future__ import annotations

from .. import native

__all__ = ["COMPILED", "contains_crash", "find_reports", "kernel_failure", "parse_log",
           "parse_log_file"]

_compiled = native.compiled_modules()
if _compiled is None:  # the plain modules are only loaded when they are the ones used
    from . import logs as _logs
    from . import stream as _stream
else:
    _logs, _stream = _compiled
COMPILED = _compiled is not None

contains_crash = _logs.contains_crash
find_reports = _logs.find_reports
kernel_failure = _logs.kernel_failure
parse_log = _logs.parse_log
parse_log_file = _stream.parse_log_file
