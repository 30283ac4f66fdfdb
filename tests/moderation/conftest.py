"""Spaces whose changes need approval, and changes submitted to them the way the intranet's
editors submit: a new revision, then the space's Wagtail workflow started on the page."""

from __future__ import annotations

import pytest
from wagtail.models import TaskState

from intranet.actions import sync_space_permissions
from tests.factories import make_wiki_page


def require_approval(space):
    space.wiki_moderation = True
    space.save()
    sync_space_permissions(space)
    return space


def submit(target, user, **changes) -> TaskState:
    """Save `changes` to the page `target` as a new revision by `user` and submit it for
    approval."""
    target = type(target).objects.get(pk=target.pk)
    for name, value in changes.items():
        setattr(target, name, value)
    target.save_revision(user=user)
    target.get_workflow().start(target, user)
    return TaskState.objects.filter(workflow_state__object_id=str(target.pk)).latest("pk")


@pytest.fixture
def moderated_space(open_space):
    return require_approval(open_space)


@pytest.fixture
def moderated_private_space(private_space):
    return require_approval(private_space)


@pytest.fixture
def live_page(moderated_space, moderator):
    return make_wiki_page(
        moderated_space, "Kitchen rules", "<p>Wash up after lunch.</p>", author=moderator
    )


@pytest.fixture
def change(live_page, editor) -> TaskState:
    return submit(
        live_page,
        editor,
        body="<p>Wash up after lunch, every day.</p>",
        edit_summary="Every day, not just Fridays",
    )


@pytest.fixture
def private_change(moderated_private_space, moderator, editor) -> TaskState:
    plans = make_wiki_page(
        moderated_private_space, "Quokka plans", "<p>Phase one.</p>", author=moderator
    )
    return submit(plans, editor, body="<p>Phase one and two.</p>")
