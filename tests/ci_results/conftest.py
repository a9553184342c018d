"""Fixtures of the ci_results tests: a CI token and a private console-log directory."""

import pytest


@pytest.fixture
def ci_token(db):
    """A fresh token for origin "kdevops": (CIToken, secret)."""
    from ci_results.services.tokens import token_create

    new = token_create(origin_name="kdevops")
    return new.token, new.secret


@pytest.fixture
def log_dir(settings, tmp_path):
    settings.CONSOLE_LOG_DIR = tmp_path / "logs"
    return settings.CONSOLE_LOG_DIR
