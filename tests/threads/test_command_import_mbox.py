"""manage.py import_mbox: files and directories, summary, malformed mail skipped."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from threads.models import Message

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "threads"
pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_mbox", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_imports_a_file_and_prints_a_summary():
    out, _ = run(str(FIXTURES / "0001-series-v1-v2-reviews.mbox"), "--source", "lore")
    assert "1 file(s): 7 new, 0 duplicate, 0 replaced placeholders, 0 failed" in out
    assert set(Message.objects.values_list("source", flat=True)) == {"lore"}


def test_it_reports_a_malformed_mail_and_goes_on():
    out, err = run(str(FIXTURES / "0002-reply-before-parent-and-malformed.mbox"))
    assert "message #2 (no Message-ID) skipped: MessageParseError" in err
    assert "1 new, 0 duplicate, 1 replaced placeholders, 1 failed" in out
    assert Message.objects.filter(is_placeholder=False).count() == 2


def test_it_imports_every_file_of_a_directory_and_counts_duplicates(tmp_path):
    for name in ("0001-series-v1-v2-reviews.mbox", "0003-hostile-body.mbox"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    shutil.copy(FIXTURES / "0003-hostile-body.mbox", tmp_path / "again.mbox")
    out, err = run(str(tmp_path))
    assert "3 file(s): 8 new, 1 duplicate" in out
    assert "again.mbox" in err  # the progress bar names each file


def test_it_refuses_a_path_that_does_not_exist(tmp_path):
    with pytest.raises(CommandError, match="neither a file nor a directory"):
        run(str(tmp_path / "missing.mbox"))
