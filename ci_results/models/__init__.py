"""ci_results models: runs posted by CI, crash reports found in their logs, rollups.

Split by theme; import from ``ci_results.models`` only.
"""

from ci_results.models.crashes import (
    CrashReport,
    CrashSignature,
    ReclassifyEvent,
    SignatureEvent,
)
from ci_results.models.rollups import Rollup
from ci_results.models.runs import (
    CIToken,
    Config,
    Kernel,
    Origin,
    ParseWakeup,
    Reproducer,
    Run,
    kernel_identity,
)

__all__ = [
    "CIToken",
    "Config",
    "CrashReport",
    "CrashSignature",
    "Kernel",
    "Origin",
    "ParseWakeup",
    "ReclassifyEvent",
    "Reproducer",
    "Rollup",
    "Run",
    "SignatureEvent",
    "kernel_identity",
]
