"""Several processes write at once, as `make serve`'s workers do: nothing fails, nothing is
lost, and every published page is in the search index.

On SQLite this needs writers to take the write lock when their transaction begins
(`transaction_mode="IMMEDIATE"`) and to wait for it (a busy timeout): a transaction that
reads first and writes later fails with "database is locked" at once when another process
writes in between, however long the timeout. WAL lets readers go on meanwhile.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings

from blogs.actions import ensure_space_blog
from blogs.models import Comment
from community.models import Follow
from tests.factories import UserFactory, make_blog_post, make_wiki_page
from wiki.models import WikiPage

ROOT = Path(__file__).resolve().parents[2]
WRITERS = 3
PAGES_PER_WRITER = 6
COMMENTS_PER_WRITER = 3  # under the comment rate limit of one person per minute

# One writer process: wait until every writer is ready (Django set up), then write as fast
# as it can. A write that raises ends the process with the traceback on stderr.
WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path

    import django

    django.setup()

    from django.contrib.auth import get_user_model

    from blogs.actions import add_comment
    from blogs.models import BlogPostPage
    from community.actions import follow
    from intranet.models import SpacePage
    from wiki.actions import create_page

    number, space_id, post_id, pages, comments = (int(arg) for arg in sys.argv[1:6])
    go = sys.argv[6]
    user = get_user_model().objects.get(username=f"writer{number}")
    Path(f"{go}.ready{number}").touch()
    while not Path(go).exists():
        time.sleep(0.01)

    space = SpacePage.objects.get(pk=space_id)
    post = BlogPostPage.objects.get(pk=post_id)
    follow(user, "space", space)
    for i in range(pages):
        title = f"Writer {number} page {i}"
        saved = create_page(space, user=user, title=title, body="", edit_summary="", language="en")
        page = saved.page
        page.body = f"<p>zyxwconcurrent zyxwmark{number}x{i}</p>"
        page.save_revision(user=user).publish(user=user, skip_permission_checks=True)
        follow(user, "page", page)
        if i < comments:
            add_comment(post, user, f"Comment {i} from writer {number}")
    """
)


def database_url() -> str:
    """The URL of the test database this test runs on, for the writer processes."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    if connection.vendor == "postgresql":
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        return f"postgres://{auth}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    pytest.skip(f"no writer processes for {connection.vendor}")


def run_writers(tmp_path: Path, space, post, task_backend: str) -> list[str]:
    """Start the writers together; return the stderr of each one that failed."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database_url(),
        "TASK_BACKEND": task_backend,
        # The index this test reads (conftest gives each test its own).
        "SEARCH_INDEX_DIR": settings.WAGTAILSEARCH_BACKENDS["default"].get("PATH", ""),
        "VAR_DIR": str(tmp_path / "var"),
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    go = tmp_path / "go"
    writers = [
        subprocess.Popen(  # noqa: S603 (our own interpreter and code)
            [
                sys.executable,
                "-c",
                WRITER,
                *(
                    str(arg)
                    for arg in (n, space.pk, post.pk, PAGES_PER_WRITER, COMMENTS_PER_WRITER)
                ),
                str(go),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(WRITERS)
    ]
    deadline = time.monotonic() + 60
    while not all(Path(f"{go}.ready{n}").exists() for n in range(WRITERS)):
        if time.monotonic() > deadline or any(w.poll() is not None for w in writers):
            break
        time.sleep(0.05)
    go.touch()
    failures = []
    for writer in writers:
        _stdout, stderr = writer.communicate(timeout=240)
        if writer.returncode != 0:
            failures.append(stderr[-3000:])
    return failures


@pytest.fixture
def writers(open_space, editor):
    for n in range(WRITERS):
        UserFactory(username=f"writer{n}")
    # A page below the space already, so the writers add to a non-empty tree level.
    make_wiki_page(open_space, "Start here", author=editor)
    post = make_blog_post(ensure_space_blog(open_space), "Kitchen news", author=editor)
    return open_space, post


def check_everything_arrived(space, post) -> None:
    pages = WikiPage.objects.filter(title__startswith="Writer ")
    assert pages.count() == WRITERS * PAGES_PER_WRITER
    assert not pages.filter(live=False).exists()
    assert Comment.objects.filter(post=post).count() == WRITERS * COMMENTS_PER_WRITER
    assert Follow.objects.filter(kind="page", page__in=pages).count() == pages.count()
    assert Follow.objects.filter(kind="space", space=space, user__username__startswith="writer")
    found = WikiPage.objects.live().search("zyxwconcurrent")
    assert sorted(page.title for page in found) == sorted(page.title for page in pages)
    for n in range(WRITERS):
        for i in range(PAGES_PER_WRITER):
            hits = [p.title for p in WikiPage.objects.live().search(f"zyxwmark{n}x{i}")]
            assert hits == [f"Writer {n} page {i}"]


@pytest.mark.django_db(transaction=True)
def test_writers_in_several_processes_at_once_all_succeed_and_reach_the_index(writers, tmp_path):
    space, post = writers

    failures = run_writers(tmp_path, space, post, "immediate")

    assert failures == []
    check_everything_arrived(space, post)


@pytest.mark.django_db(transaction=True)
def test_with_the_task_worker_every_concurrent_write_reaches_the_index_once(writers, tmp_path):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    space, post = writers

    failures = run_writers(tmp_path, space, post, "database")

    assert failures == []
    index_tasks = DBTaskResult.objects.filter(
        task_path="modelsearch.tasks.insert_or_update_object_task",
        args_kwargs__args__1="wikipage",
    )
    pages = WikiPage.objects.filter(title__startswith="Writer ")
    # Each page: created as a draft (one write), published (one write); both indexed once.
    assert index_tasks.count() == 2 * pages.count()
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    assert not DBTaskResult.objects.failed().exists()
    check_everything_arrived(space, post)


@pytest.mark.django_db(transaction=True)
def test_sqlite_takes_the_write_lock_up_front_waits_for_it_and_uses_wal():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 10_000
