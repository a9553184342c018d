"""Streaming large and gzipped logs (ci_results/parsing/crash/stream.py)."""

import gzip
import io
from pathlib import Path

from ci_results.parsing.crash import parse_log, parse_log_file
from ci_results.parsing.crash import stream as stream_module

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "crash"
SEED = (FIXTURES / "0002-seed-null-deref-full-log-timestamps.txt").read_text()
KASAN = (FIXTURES / "0003-kasan-uaf-caller-ids-interleaved.txt").read_text()


def test_it_parses_a_path_and_a_stream_like_text(tmp_path):
    path = tmp_path / "console.log"
    path.write_text(SEED)
    expected = parse_log(SEED)
    assert parse_log_file(path) == expected
    assert parse_log_file(io.BytesIO(SEED.encode())) == expected


def test_it_detects_gzip(tmp_path):
    path = tmp_path / "console.log.gz"
    path.write_bytes(gzip.compress(SEED.encode()))
    assert parse_log_file(str(path)).reports[0].title == parse_log(SEED).reports[0].title


def test_it_replaces_invalid_utf8():
    data = b"\xff\xfe garbage \xc3\n" + SEED.encode()
    analysis = parse_log_file(io.BytesIO(data))
    assert analysis.reports[0].guilty_frame == "filemap_get_folios_tag"


def test_it_slides_over_a_log_larger_than_its_window(monkeypatch):
    # Shrink the window so that a small log exercises the sliding code paths.
    monkeypatch.setattr(stream_module, "CHUNK", 256)
    monkeypatch.setattr(stream_module, "AFTER", 4096)
    monkeypatch.setattr(stream_module, "BEFORE", 512)
    noise = "".join(f"[{i:8}.000000] loop0: detected capacity change\n" for i in range(400))
    text = noise + SEED + noise + KASAN + noise
    # The module's own function: the package's may be the compiled build, which reads its
    # own constants.
    analysis = stream_module.parse_log_file(io.BytesIO(text.encode()))
    in_memory = parse_log(text)
    assert [r.title for r in analysis.reports] == [r.title for r in in_memory.reports]
    assert [r.start for r in analysis.reports] == [r.start for r in in_memory.reports]
    first = analysis.reports[0]
    assert text[first.start:].startswith("[   60.002464] BUG: kernel NULL pointer")


def test_it_reports_the_kernel_of_a_clean_log():
    text = (FIXTURES / "0007-clean-boot.txt").read_text()
    analysis = parse_log_file(io.BytesIO(text.encode()))
    assert not analysis.contains_crash
    assert analysis.kernel.version == "6.6.30"
