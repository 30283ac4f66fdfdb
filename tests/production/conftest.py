"""Helpers for the production tests: running manage.py as production would."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def run_production(tmp_path):
    """`run_production(*args, **env)`: run `python <args>` in ROOT with production settings
    (DEBUG off, a long random key, the real settings module, not the test one)."""

    def run(*args: str, **extra_env: str) -> subprocess.CompletedProcess:
        env = {
            key: value
            for key, value in os.environ.items()
            # The test settings set these for this process; production has none of them.
            if key
            not in {
                "INTRANET_TESTING",
                "DJANGO_SETTINGS_MODULE",
                "SECRET_KEY",
                "DEBUG",
                # Set by the browser tests for this process; check --deploy rightly rejects it.
                "DJANGO_ALLOW_ASYNC_UNSAFE",
            }
            and not key.startswith(("SEARCH_", "VAR_DIR", "MEDIA_ROOT", "STATIC_ROOT"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="intranet.settings",
            DEBUG="false",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="intranet.example.com",
            VAR_DIR=str(tmp_path / "var"),
            SEARCH_BACKEND="database",
        )
        env.update(extra_env)
        return subprocess.run(  # noqa: S603 (our own interpreter and arguments)
            [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )

    return run
