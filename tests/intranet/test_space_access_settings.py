"""Who may read a space and who may join it are changed by its space admins (and site
admins) only, whatever the way in: the intranet's settings page, the Wagtail page editor,
a workflow approval or publishing an old revision.

The page editor is for site admins only (issue 16); the editor tests give space members the
admin the way a site admin may still do, since the rule must hold for whoever reaches it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from wagtail.models import PageViewRestriction

from intranet import actions
from intranet.access import can_view
from intranet.models import SpacePage

pytestmark = pytest.mark.django_db


def edit_form_data(space: SpacePage, **changes) -> dict:
    data = {
        "title": space.title,
        "slug": space.slug,
        "description": space.description,
        "kind": space.kind,
        "visibility": space.visibility,
        "join_policy": space.join_policy,
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
        "action-publish": "action-publish",
    }
    data.update(changes)
    return data


def publish_in_the_page_editor(client, space: SpacePage, **changes):
    return client.post(f"/admin/pages/{space.pk}/edit/", edit_form_data(space, **changes))


def with_admin_access(user):
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


def test_a_space_editor_cannot_open_a_members_only_space_in_the_page_editor(
    client_for, editor, employee, private_space
):
    response = publish_in_the_page_editor(
        client_for(with_admin_access(editor)), private_space, visibility="open", join_policy="open"
    )
    assert response.status_code in (200, 302)
    private_space.refresh_from_db()
    assert private_space.visibility == "members"
    assert private_space.join_policy == "open"  # unchanged: it was open before
    assert not can_view(employee, private_space)
    assert PageViewRestriction.objects.filter(page=private_space).exists()


def test_a_space_editor_still_changes_the_description_in_the_page_editor(
    client_for, editor, private_space
):
    publish_in_the_page_editor(
        client_for(with_admin_access(editor)),
        private_space,
        description="New words",
        visibility="open",
    )
    private_space.refresh_from_db()
    assert private_space.description == "New words"
    assert private_space.visibility == "members"


def test_a_space_admin_opens_the_space_in_the_page_editor(
    client_for, space_admin, employee, private_space
):
    client = client_for(with_admin_access(space_admin))
    publish_in_the_page_editor(client, private_space, visibility="open")
    private_space.refresh_from_db()
    assert private_space.visibility == "open"
    assert can_view(employee, private_space)
    assert not PageViewRestriction.objects.filter(page=private_space).exists()


def test_publishing_a_revision_never_changes_visibility_or_join_policy(editor, private_space):
    private_space.visibility = "open"
    private_space.join_policy = "invite"
    private_space.save_revision(user=editor).publish(user=editor)
    private_space.refresh_from_db()
    assert (private_space.visibility, private_space.join_policy) == ("members", "open")


def test_an_old_revision_does_not_bring_back_an_earlier_visibility(space_admin, open_space):
    old = open_space.save_revision(user=space_admin)
    actions.set_space_visibility(open_space, "members", actor=space_admin)
    old.publish(user=space_admin)
    open_space.refresh_from_db()
    assert open_space.visibility == "members"


@pytest.mark.parametrize("change", [{"visibility": "open"}, {"join_policy": "invite"}])
def test_the_actions_refuse_an_editor_or_moderator(editor, moderator, private_space, change):
    for actor in (editor, moderator):
        with pytest.raises(PermissionDenied):
            actions.update_space_settings(private_space, actor=actor, **change)
    private_space.refresh_from_db()
    assert (private_space.visibility, private_space.join_policy) == ("members", "open")


def test_the_actions_let_space_and_site_admins_change_access(
    space_admin, site_admin, private_space
):
    actions.update_space_settings(private_space, actor=space_admin, join_policy="invite")
    actions.update_space_settings(private_space, actor=site_admin, visibility="open")
    private_space.refresh_from_db()
    assert (private_space.visibility, private_space.join_policy) == ("open", "invite")


def test_the_settings_page_refuses_an_editor(client_for, editor, private_space):
    response = client_for(editor).post(
        f"/spaces/{private_space.slug}/settings/",
        {"title": private_space.title, "kind": "team", "visibility": "open", "join_policy": "open"},
    )
    assert response.status_code == 403
    private_space.refresh_from_db()
    assert private_space.visibility == "members"
