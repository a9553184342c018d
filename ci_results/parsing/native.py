"""The crash parser compiled to C by mypyc, used only when built from the sources on disk.

``python -m ci_results.parsing.native`` (run by ``make install``) copies the modules of
``ci_results/parsing/crash`` into a scratch tree as the package ``ci_results.parsing._native
.crash``, compiles them and installs the extension modules in ``ci_results/parsing/_native``
with a hash of the sources they came from. ``compiled_modules()`` hands out the compiled
``logs`` and ``stream`` modules only while that hash matches the sources now on disk: an edited
parser runs as plain Python (with a warning) until it is rebuilt, never as a stale build.
``KBD_PURE_PARSER=1`` skips the build and the compiled modules. Both behave the same; the
compiled one is 1.4 (syzkaller's corpus) to 1.8 times (crash-dense logs) faster.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path
from types import ModuleType

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "crash"
TARGET = HERE / "_native"
PACKAGE = "ci_results.parsing._native"
PURE_ENV = "KBD_PURE_PARSER"
# What a compiled package holds besides the crash modules: its package marker with the
# hash, and ``types`` standing for ``ci_results.parsing.types`` (the compiled modules import
# ``..types``, and must return the very same result classes).
_TYPES_SHIM = (
    '"""The result types of the plain package (the compiled modules import ``..types``)."""\n\n'
    "from ci_results.parsing.types import CrashReport, KernelInfo, LogAnalysis\n\n"
    '__all__ = ["CrashReport", "KernelInfo", "LogAnalysis"]\n'
)


def _source_files() -> list[Path]:
    """The modules a build compiles (the package's own ``__init__``, the dispatch, is not)."""
    return sorted(p for p in SOURCES.rglob("*.py") if p != SOURCES / "__init__.py")


def source_hash() -> str:
    """Hash of everything a build is made from: the crash modules, the result types and the
    interpreter's ABI (read at every start of the parser: a millisecond)."""
    digest = hashlib.sha256()
    for path in [*_source_files(), HERE / "types.py"]:
        digest.update(str(path.relative_to(HERE)).encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(str(sysconfig.get_config_var("EXT_SUFFIX")).encode())
    return digest.hexdigest()


def compiled_modules() -> tuple[ModuleType, ModuleType] | None:
    """The compiled ``logs`` and ``stream`` modules, or None when there is no build, it is
    stale, or ``KBD_PURE_PARSER=1`` (asked once, when the crash package is imported)."""
    if os.environ.get(PURE_ENV) == "1" or not (TARGET / "__init__.py").exists():
        return None
    try:
        built = importlib.import_module(PACKAGE).SOURCE_HASH
        if built != source_hash():
            logger.warning("The compiled crash parser is older than its sources; using the "
                           "plain Python one. Rebuild it: python -m ci_results.parsing.native")
            return None
        return (importlib.import_module(f"{PACKAGE}.crash.logs"),
                importlib.import_module(f"{PACKAGE}.crash.stream"))
    except (ImportError, AttributeError) as exc:
        logger.warning("The compiled crash parser does not load (%s); using the plain "
                       "Python one.", exc)
        return None


def build(target: Path = TARGET) -> Path:
    """Compile the crash package into ``target``; return it. Raises CalledProcessError
    (with the compiler's output) when the build fails; ``target`` is then left as it was."""
    expected = source_hash()
    with tempfile.TemporaryDirectory(prefix="kbd-native-") as tmp:
        root = Path(tmp)
        pkg = root / PACKAGE.replace(".", "/")
        for marker in ("ci_results", "ci_results/parsing"):
            (root / marker).mkdir(parents=True, exist_ok=True)
            (root / marker / "__init__.py").write_text("")
        shutil.copy(HERE / "types.py", root / "ci_results/parsing/types.py")
        shutil.copytree(SOURCES, pkg / "crash", ignore=shutil.ignore_patterns("__pycache__"))
        (pkg / "__init__.py").write_text(f'SOURCE_HASH = "{expected}"\n')
        (pkg / "types.py").write_text(_TYPES_SHIM)
        (pkg / "crash" / "__init__.py").write_text("")  # the plain package's dispatch stays
        modules = [str(p.relative_to(root)) for p in sorted((pkg / "crash").rglob("*.py"))
                   if p != pkg / "crash" / "__init__.py"]
        setup = (
            "import sys\n"
            "from setuptools import setup\n"
            "from mypyc.build import mypycify\n"
            f"setup(name='kbd-native-crash', script_args=['build_ext', '--inplace'],\n"
            f"      ext_modules=mypycify(sys.argv[1:], opt_level='3',"
            f" group_name='{PACKAGE}.crash'))\n"
        )
        subprocess.run([sys.executable, "-c", setup, *modules], cwd=root, check=True,
                       capture_output=True, text=True)
        staged = root / "staged"
        shutil.copytree(pkg, staged, ignore=shutil.ignore_patterns("*.py", "*.c", "*.h",
                                                                     "__pycache__"))
        for name in ("__init__.py", "types.py", "crash/__init__.py"):
            shutil.copy(pkg / name, staged / name)
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(staged, target)
    return target


def main() -> int:
    if os.environ.get(PURE_ENV) == "1":
        print(f"{PURE_ENV}=1: the crash parser stays plain Python")
        return 0
    marker = TARGET / "__init__.py"
    if marker.exists() and _built_hash() == source_hash():
        marker.touch()  # newer than the sources again: make has nothing to redo
        print("compiled crash parser is up to date")
        return 0
    print("compiling the crash parser with mypyc (about 20 s)...", flush=True)
    try:
        build()
    except subprocess.CalledProcessError as exc:
        print(exc.stdout[-4000:], exc.stderr[-4000:], sep="\n", file=sys.stderr)
        print(f"the crash parser could not be compiled; set {PURE_ENV}=1 to run it as plain "
              "Python", file=sys.stderr)
        return 1
    print("compiled crash parser installed in ci_results/parsing/_native")
    return 0


def _built_hash() -> str | None:
    text = (TARGET / "__init__.py").read_text()
    return text.split('"')[1] if text.startswith("SOURCE_HASH") else None


if __name__ == "__main__":
    raise SystemExit(main())
