"""Makefile: ``make run`` gives links (SITE_URL) that point at the port it serves on."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def site_url_of_make_run(*args: str, site_url: str | None = None) -> str:
    """SITE_URL as the server started by ``make run`` would see it (the command is printed by
    ``make -n``, then run with the server replaced by a print of the variable)."""
    # Under `make test` the parent make's MAKEFLAGS/MAKELEVEL would make this one print
    # "Entering directory" lines; run it as a user would, from a plain shell.
    plain = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MAKELEVEL", "MFLAGS"}}
    lines = subprocess.run(["make", "--no-print-directory", "-n", "run", *args], cwd=ROOT,
                           env=plain, capture_output=True, text=True, check=True).stdout
    [printed] = [line for line in lines.splitlines() if "manage.py runserver" in line]
    server = printed.index(".venv/bin/python manage.py runserver")
    command = printed[:server] + f"{sys.executable} -c 'import os; print(os.environ[\"SITE_URL\"])'"
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    if site_url:
        env["SITE_URL"] = site_url
    return subprocess.run(["sh", "-c", command], env=env, capture_output=True, text=True,
                          check=True).stdout.strip()


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_it_points_links_at_the_port_make_run_serves_on():
    assert site_url_of_make_run("PORT=8125") == "http://127.0.0.1:8125"
    assert site_url_of_make_run("HOST=0.0.0.0", "PORT=9000") == "http://0.0.0.0:9000"
    assert site_url_of_make_run(site_url="https://kbd.example.org") == "https://kbd.example.org"
