from __future__ import annotations

import pytest

from tests.factories import make_wiki_page


def edit(page, author, body: str, summary: str = "", title: str | None = None):
    """Publish a new revision as `author`, the way the editor does."""
    page.refresh_from_db()
    page.body = body
    page.edit_summary = summary
    if title:
        page.title = title
    revision = page.save_revision(user=author, log_action=True)
    revision.publish(user=author, skip_permission_checks=True)
    page.refresh_from_db()
    return revision


@pytest.fixture
def open_page(open_space, editor):
    return make_wiki_page(
        open_space, "Kitchen rules", "<p>Clean the fridge on Fridays.</p>", author=editor
    )


@pytest.fixture
def private_page(private_space, editor):
    return make_wiki_page(
        private_space, "Quokka plans", "<p>Secret quokka plans.</p>", author=editor
    )
