"""The compiled crash parser (ci_results/parsing/native.py): same answers as the plain one,
used only when built from the sources on disk."""

import io
import logging
import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ci_results.parsing import crash, native
from ci_results.parsing.crash import logs, stream
from tests.conftest import require_service

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "crash"
LOGS = [p.read_text() for p in sorted(FIXTURES.glob("*.txt"))]


def require_compiled() -> None:
    require_service("the compiled crash parser", crash.COMPILED,
                    "run `make native` (or unset KBD_PURE_PARSER)",
                    env_flag="REQUIRE_NATIVE_PARSER")


def test_the_package_entry_points_are_the_compiled_ones_when_built():
    require_compiled()
    assert crash.parse_log is not logs.parse_log
    assert crash.parse_log_file is not stream.parse_log_file
    assert type(crash.parse_log).__name__ == "builtin_function_or_method"
    # The results are the plain package's classes, so they compare and pickle as such.
    assert type(crash.parse_log(LOGS[0])) is type(logs.parse_log(LOGS[0]))


def _variants(text: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    half = len(lines) // 2
    return [
        text,
        text.replace("\n", "\r\n"),
        "".join(line.split("] ", 1)[-1] for line in lines),  # timestamps dropped
        "".join(lines[:half]),  # cut in the middle of the report
        "".join(lines[half:] + lines[:half]),
        text[: len(text) // 3] + text[len(text) // 4:],  # a line cut and repeated
    ]


@pytest.mark.parametrize("index", range(len(LOGS)))
def test_it_answers_as_the_plain_parser_on_the_fixtures(index):
    require_compiled()
    for text in _variants(LOGS[index]):
        assert crash.parse_log(text) == logs.parse_log(text)
        assert crash.find_reports(text) == logs.find_reports(text)
        assert crash.contains_crash(text) == logs.contains_crash(text)
        assert crash.kernel_failure(text) == logs.kernel_failure(text)
        data = text.encode()
        assert crash.parse_log_file(io.BytesIO(data)) == stream.parse_log_file(io.BytesIO(data))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_it_answers_as_the_plain_parser_on_mixed_logs(data):
    require_compiled()
    pieces = data.draw(st.lists(
        st.sampled_from([line for text in LOGS for line in text.splitlines(keepends=True)])
        | st.text(max_size=80), min_size=1, max_size=120))
    text = "".join(pieces)
    assert crash.parse_log(text) == logs.parse_log(text)


def _fake_build(tmp_path, monkeypatch, source_hash: str) -> Path:
    """A build directory (a package on sys.path) that claims ``source_hash``."""
    target = tmp_path / "kbd_fake_native"
    target.mkdir()
    (target / "__init__.py").write_text(f'SOURCE_HASH = "{source_hash}"\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(native, "TARGET", target)
    monkeypatch.setattr(native, "PACKAGE", "kbd_fake_native")
    monkeypatch.delitem(sys.modules, "kbd_fake_native", raising=False)
    monkeypatch.delenv(native.PURE_ENV, raising=False)
    return target


def test_a_build_of_other_sources_is_not_used(tmp_path, monkeypatch, caplog):
    _fake_build(tmp_path, monkeypatch, "0" * 64)
    with caplog.at_level(logging.WARNING, logger=native.__name__):
        assert native.compiled_modules() is None
    assert "older than its sources" in caplog.text


def test_a_build_that_does_not_load_is_not_used(tmp_path, monkeypatch, caplog):
    _fake_build(tmp_path, monkeypatch, native.source_hash())  # the hash, but no modules
    with caplog.at_level(logging.WARNING, logger=native.__name__):
        assert native.compiled_modules() is None
    assert "does not load" in caplog.text


def test_no_build_and_the_pure_switch_give_the_plain_parser(tmp_path, monkeypatch):
    monkeypatch.setattr(native, "TARGET", tmp_path / "missing")
    assert native.compiled_modules() is None
    _fake_build(tmp_path, monkeypatch, native.source_hash())
    monkeypatch.setenv(native.PURE_ENV, "1")
    assert native.compiled_modules() is None
    assert native.main() == 0  # and the build is skipped


def test_the_hash_follows_every_source_file(tmp_path, monkeypatch):
    here = tmp_path / "parsing"
    shutil.copytree(native.SOURCES, here / "crash")
    shutil.copy(native.HERE / "types.py", here / "types.py")
    monkeypatch.setattr(native, "HERE", here)
    monkeypatch.setattr(native, "SOURCES", here / "crash")
    before = native.source_hash()
    assert before == native.source_hash()
    for path in (here / "crash" / "oops" / "bug.py", here / "types.py"):
        original = path.read_text()
        path.write_text(original + "\n# edited\n")
        assert native.source_hash() != before
        path.write_text(original)
        assert native.source_hash() == before
    (here / "crash" / "__init__.py").write_text("# the dispatch, not compiled\n")
    assert native.source_hash() == before
    (here / "crash" / "new.py").write_text("")
    assert native.source_hash() != before
