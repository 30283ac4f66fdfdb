"""The Content-Security-Policy: strict on the site, looser only in the Wagtail admin, and
the site's pages load in a real browser without a single console error under it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import make_blog_post

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PASSWORD = "correct-horse-battery"
CHECK = Path(__file__).with_name("csp_browser_check.py")


def directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2] for part in policy.split(";")
    }


def test_site_pages_allow_only_their_own_scripts_and_styles(client_for, reader, open_space):
    policy = directives(client_for(reader).get(open_space.url))
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"


def test_the_wagtail_admin_gets_its_own_policy_with_inline_code(client_for, site_admin, db):
    response = client_for(site_admin).get("/admin/")
    assert response.status_code == 200
    policy = directives(response)
    assert "'unsafe-inline'" in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == "'none'"


@pytest.fixture
def blog_post(open_space, editor):
    from blogs.actions import ensure_space_blog

    return make_blog_post(
        ensure_space_blog(open_space), "Kitchen rota", "<p>Who cleans when</p>", author=editor
    )


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_site_pages_load_without_console_errors_under_the_policy(
    live_server, reader, open_space, blog_post
):
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    paths = ["/", "/spaces/", open_space.url, blog_post.url, "/people/"]
    result = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, str(CHECK), CHROMIUM, live_server.url, reader.username, PASSWORD, *paths],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert [path for path, status in report["visited"] if status != 200] == []
    assert report["problems"] == []
