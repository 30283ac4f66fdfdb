"""A space can send its changes through Wagtail's moderation workflow."""

import pytest
from wagtail.models import WorkflowPage

from tests.factories import make_wiki_page

pytestmark = pytest.mark.django_db


def _turn_moderation(space, on: bool):
    from intranet.actions import sync_space_permissions

    space.wiki_moderation = on
    space.save()
    sync_space_permissions(space)


def test_with_moderation_on_editors_submit_and_moderators_publish(open_space, editor, moderator):
    page = make_wiki_page(open_space, "Policy", author=editor)
    _turn_moderation(open_space, True)
    assert WorkflowPage.objects.get(page=open_space).workflow.active
    assert page.get_workflow().name == f"space-{open_space.pk}-moderation"
    assert not page.permissions_for_user(editor).can_publish()
    assert page.permissions_for_user(editor).can_edit()
    assert page.permissions_for_user(moderator).can_publish()


def test_with_moderation_off_editors_publish_directly(open_space, editor):
    _turn_moderation(open_space, True)
    _turn_moderation(open_space, False)
    page = make_wiki_page(open_space, "Policy", author=editor)
    assert not WorkflowPage.objects.filter(page=open_space).exists()
    workflow = page.get_workflow()
    assert workflow is None or workflow.name != f"space-{open_space.pk}-moderation"
    assert page.permissions_for_user(editor).can_publish()
