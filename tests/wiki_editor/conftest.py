"""Fixtures of the wiki editor's tests: pages in the open, members-only and a moderated
space, and `edit_form`, the fields the editor posts."""

from __future__ import annotations

import pytest

from intranet.models import Role
from tests.factories import make_space, make_wiki_page

BODY = "<p>Clean the fridge on Fridays.</p><p>Label your food.</p><p>Wipe the hob.</p>"


@pytest.fixture
def open_page(open_space, editor):
    return make_wiki_page(open_space, "Kitchen rules", BODY, author=editor)


@pytest.fixture
def private_page(private_space, editor):
    return make_wiki_page(
        private_space, "Quokka plans", "<p>Secret quokka plans.</p>", author=editor
    )


@pytest.fixture
def moderated_space(site_tree, space_admin, moderator, editor, reader):
    from intranet.actions import set_member_role

    space = make_space("Careful Lab", slug="careful-lab", wiki_moderation=True)
    for person, role in (
        (space_admin, Role.ADMIN),
        (moderator, Role.MODERATOR),
        (editor, Role.EDITOR),
        (reader, Role.READER),
    ):
        set_member_role(space, person, role)
    return space


@pytest.fixture
def moderated_page(moderated_space, moderator):
    return make_wiki_page(moderated_space, "Lab safety", "<p>Wear goggles.</p>", author=moderator)


def edit_form(
    wiki_page, body: str, *, summary: str = "", title: str | None = None, base=None
) -> dict:
    """What the editor posts for `wiki_page` opened on revision `base` (default: its latest)."""
    wiki_page.refresh_from_db()
    return {
        "title": title if title is not None else wiki_page.title,
        "body": body,
        "edit_summary": summary,
        "base_revision": str(base.pk if base is not None else wiki_page.latest_revision_id),
    }
