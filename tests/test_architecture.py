"""The import directions of STYLE.md, enforced on the source (not on a runtime import graph).

- parsing modules import no Django, no requests, no models;
- fetchers import no Django ORM and no parsing;
- threads never imports ci_results or dashboard; ci_results never imports dashboard.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def python_files(*parts: str) -> list[Path]:
    return sorted((ROOT.joinpath(*parts)).rglob("*.py"))


def offending(files: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in files:
        for module in imported_modules(path):
            if module == forbidden or any(
                module == f or module.startswith(f + ".") for f in forbidden
            ):
                where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
                found.append(f"{where} imports {module}")
    return found


@pytest.mark.parametrize("package", ["threads/parsing", "ci_results/parsing"])
def test_it_keeps_parsers_pure(package):
    files = python_files(*package.split("/"))
    assert files, f"{package} has no modules"
    assert offending(files, ("django", "requests", "celery", "threads.models",
                             "ci_results.models", "threads.fetchers")) == []


def test_it_keeps_parsers_out_of_other_apps():
    assert offending(python_files("threads", "parsing"), ("ci_results", "dashboard")) == []
    assert offending(python_files("ci_results", "parsing"), ("threads", "dashboard")) == []


def test_it_keeps_fetchers_to_io():
    assert offending(python_files("threads", "fetchers"),
                     ("django.db", "threads.models", "threads.parsing", "threads.services")) == []


def test_it_keeps_threads_independent_of_other_apps():
    assert offending(python_files("threads"), ("ci_results", "dashboard")) == []


def test_it_keeps_ci_results_independent_of_dashboard():
    assert offending(python_files("ci_results"), ("dashboard",)) == []


def test_it_finds_imports_it_forbids(tmp_path):
    # The checker itself must be able to fail: a module importing django is reported.
    bad = tmp_path / "bad.py"
    bad.write_text("import django.db\nfrom requests import Session\n")
    assert offending([bad], ("django", "requests")) != []
