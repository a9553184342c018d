"""Shared fixtures: the network guard, service requirements, a real Celery worker, SMTP, Chromium.

Services: a test that needs PostgreSQL, Redis or Chromium calls ``require_service``. In CI
(``REQUIRE_SERVICES=1`` / ``REQUIRE_BROWSER=1``) a missing service fails the test; elsewhere
it is skipped with the reason printed.
"""

import os

# Playwright's sync API keeps an asyncio loop in the main thread; without this every ORM
# call from a browser test raises SynchronousOnlyOperation.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import email
import email.policy
import ipaddress
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = PROJECT_ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# One copy of the seed in the project; the demo data loads it too.
SEED_NAME = "lkml-2024-04-30-luis-chamberlain-re-patch-v4-05-11.txt"
SEED_PATH = PROJECT_ROOT / "dashboard" / "demo" / SEED_NAME


# --- Network guard ---------------------------------------------------------------------------

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_loopback(address: object) -> bool:
    if not isinstance(address, tuple):
        return True  # AF_UNIX paths (the PostgreSQL socket) stay on this machine
    host = str(address[0])
    if host in {"localhost", ""}:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False  # a host name other than localhost: refuse rather than resolve


def _guarded_connect(self: socket.socket, address: object) -> None:
    if not _is_loopback(address):
        raise OSError(f"tests may not reach outside loopback (tried {address!r})")
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: object) -> int:
    if not _is_loopback(address):
        raise OSError(f"tests may not reach outside loopback (tried {address!r})")
    return _real_connect_ex(self, address)


socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]


# --- Service requirements --------------------------------------------------------------------


def require_service(
    name: str, available: bool, why: str, env_flag: str = "REQUIRE_SERVICES"
) -> None:
    """Fail (CI) or skip (elsewhere) when a service the test needs is not there."""
    if available:
        return
    message = f"{name} is not available: {why}"
    if os.environ.get(env_flag) == "1":
        pytest.fail(f"{message} ({env_flag}=1, so this is an error)", pytrace=False)
    pytest.skip(message)


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# A worker process reads its settings once, at start: its outside sources (lore, lkml, GitHub)
# point at this loopback port, which tests/threads/test_tasks.py serves when it needs them.
UPSTREAM_PORT = free_port()


def upstream_worker_env() -> dict[str, str]:
    root = f"http://localhost:{UPSTREAM_PORT}"
    return {
        "LORE_BASE_URL": f"{root}/lore", "LKML_BASE_URL": f"{root}/lkml",
        "GITHUB_API_URL": f"{root}/api", "GITHUB_WEB_URL": f"{root}/github",
        "GIST_WEB_URL": f"{root}/gist", "GIST_RAW_URL": f"{root}/gistraw",
        "FETCH_RETRIES": "1", "FETCH_BACKOFF": "0", "FETCH_TIMEOUT": "5", "GITHUB_TOKEN": "",
    }


@pytest.fixture(autouse=True)
def _tasks_in_process(settings) -> Iterator[None]:
    """Ordinary tests run tasks in-process even when a broker URL is set for the run.

    Tests that must cross the broker use the ``celery_broker`` fixture, which turns this off.
    """
    from dashboard.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _plain_static_storage(settings) -> None:
    # The manifest storage (production) needs collectstatic; tests use finders.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _broker_url() -> str:
    from django.conf import settings

    return settings.CELERY_BROKER_URL


@pytest.fixture(scope="session")
def celery_worker_proc(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[dict]:
    """A real ``celery worker`` process on a private queue, writing to the test database.

    Needs PostgreSQL (a separate process cannot see an in-memory SQLite test database) and
    the broker named by CELERY_BROKER_URL.
    """
    from django.db import connection

    from dashboard.celery import app

    broker = _broker_url()
    require_service("Celery broker", bool(broker), "CELERY_BROKER_URL is not set")
    require_service(
        "PostgreSQL", connection.vendor == "postgresql", "DATABASE_URL is not a postgres:// URL"
    )
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # any kombu error: the broker is down
        require_service("Celery broker", False, f"{broker} does not answer ({exc})")

    test_db = connection.settings_dict["NAME"]
    user = connection.settings_dict.get("USER") or "postgres"
    host = connection.settings_dict.get("HOST") or "127.0.0.1"
    port = connection.settings_dict.get("PORT") or 5432
    queue = f"test-{uuid.uuid4().hex[:8]}"
    name = f"{queue}@%h"
    env = dict(os.environ, DATABASE_URL=f"postgres://{user}@{host}:{port}/{test_db}",
               **upstream_worker_env())
    log_path = tmp_path_factory.mktemp("celery") / "worker.log"
    log = open(log_path, "w")  # a file, not a pipe: a full pipe blocks the worker
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "dashboard", "worker", "--pool=solo", "-l", "INFO",
         "-Q", queue, "-n", name, "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    hostname = name.replace("%h", socket.gethostname())
    started = time.monotonic()
    try:
        while not app.control.ping(destination=[hostname], timeout=0.5):
            if proc.poll() is not None or time.monotonic() - started > 30:
                raise RuntimeError(f"celery worker did not start; log:\n{log_path.read_text()}")
        yield {"queue": queue, "db": test_db, "log": log_path, "proc": proc}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture
def celery_broker(celery_worker_proc) -> Iterator[dict]:
    """Send tasks through the real broker to the test's worker for the length of one test."""
    from dashboard.celery import app

    saved = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = celery_worker_proc["queue"]
    yield celery_worker_proc
    app.conf.task_always_eager, app.conf.task_default_queue = saved


# --- SMTP ----------------------------------------------------------------------------------------


class SmtpSink:
    def __init__(self) -> None:
        self.envelopes: list = []
        self.port = 0

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"

    def messages(self) -> list[email.message.EmailMessage]:
        return [
            email.message_from_bytes(e.original_content, policy=email.policy.default)
            for e in self.envelopes
        ]


@pytest.fixture
def smtp_sink(settings) -> Iterator[SmtpSink]:
    """A real SMTP server on loopback; Django's SMTP backend is pointed at it."""
    from aiosmtpd.controller import Controller

    sink = SmtpSink()
    port = free_port()  # Controller(port=0) fails in aiosmtpd 1.4.6
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    sink.port = port
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = False
    yield sink
    controller.stop()


# --- Browser ----------------------------------------------------------------------------------

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--no-first-run",
    "--disable-sync", "--disable-quic",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    require_service("Chromium", Path(CHROMIUM).exists(), f"{CHROMIUM} is missing "
                    "(apt-get install chromium)", env_flag="REQUIRE_BROWSER")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """Screenshots of every page, kept after the run (TEST_OUTPUT_DIR, default test-output/)."""
    path = Path(os.environ.get("TEST_OUTPUT_DIR", PROJECT_ROOT / "test-output")) / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def seed_text() -> str:
    """The real LKML message the project was born from (plain text of the lkml.iu.edu page)."""
    return SEED_PATH.read_text()
