"""Where side effects start: signal receivers only in each app's `receivers.py`, and tasks
queued only after the commit (`intranet.tasks.enqueue_after_commit`)."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

APPS = [
    "intranet",
    "home",
    "api",
    "webhooks",
    "scim",
    "privacy",
    "profiles",
    "wiki",
    "blogs",
    "search",
    "feeds",
    "community",
    "audit",
]

# `Signal.connect(...)` and `@receiver`; `sqlite3.connect(` opens a database, not a signal.
CONNECT = re.compile(r"(?<!sqlite3)\.connect\(|@receiver\b")
ENQUEUE = re.compile(r"\.enqueue\b")

# The two places that queue tasks, both after the commit: the helper every app uses, and
# the search index's own batch, which runs as an on_commit callback (search imports no app).
ENQUEUERS = {"intranet/tasks.py", "search/index_queue.py"}


def source_files():
    root = Path(settings.BASE_DIR)
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path.relative_to(root).as_posix(), path.read_text()


def test_signals_are_connected_only_in_receivers_modules():
    connecting = {name for name, text in source_files() if CONNECT.search(text)}
    assert {name for name in connecting if not name.endswith("/receivers.py")} == set()


def test_tasks_are_queued_only_through_the_after_commit_helper():
    enqueuing = {name for name, text in source_files() if ENQUEUE.search(text)}
    assert enqueuing - ENQUEUERS == set()
