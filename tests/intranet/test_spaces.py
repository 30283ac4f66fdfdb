"""Space actions and the space pages beside the Wagtail-served home: joining, leaving,
members, join requests, roles, settings, history, the Wagtail admin viewsets, and edges
(last admin, concurrent changes, deleted users, visibility switches)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import PageLogEntry, PageViewRestriction

from intranet import actions
from intranet.access import visible_pages
from intranet.models import JoinRequest, Membership, Role, SpacePage
from tests.factories import UserFactory, make_space, make_wiki_page

pytestmark = pytest.mark.django_db


def url(space: SpacePage, rest: str) -> str:
    return f"/spaces/{space.slug}/{rest}"


def logged(space: SpacePage, action: str) -> list[dict]:
    return [e.data for e in PageLogEntry.objects.filter(page=space, action=action).order_by("pk")]


# Joining and leaving


def test_an_employee_joins_an_open_space_as_editor(client_for, employee, open_space):
    response = client_for(employee).post(url(open_space, "join/"))
    assert response.status_code == 302
    assert open_space.role_of(employee) == Role.EDITOR
    assert employee.groups.filter(name=f"space-{open_space.pk}-editor").exists()


def test_joining_an_approval_space_records_a_request_with_the_message(
    client_for, employee, site_tree
):
    space = make_space("Guarded", slug="guarded", join_policy="approval")
    client_for(employee).post(url(space, "join/"), {"message": "Please let me in"})
    assert space.role_of(employee) is None
    assert JoinRequest.objects.get(space=space, user=employee).message == "Please let me in"
    assert logged(space, "intranet.join_requested") == [{"member": "employee"}]


def test_joining_an_invite_only_space_is_refused_with_a_message(client_for, employee, site_tree):
    space = make_space("Closed Circle", slug="closed-circle", join_policy="invite")
    response = client_for(employee).post(url(space, "join/"))
    assert response.status_code == 403
    assert "invitation only" in response.content.decode()
    assert space.role_of(employee) is None


def test_an_outsider_cannot_join_a_members_only_space(client_for, outsider, private_space):
    response = client_for(outsider).post(url(private_space, "join/"))
    assert response.status_code == 404
    assert private_space.role_of(outsider) is None


def test_join_refuses_get(client_for, employee, open_space):
    assert client_for(employee).get(url(open_space, "join/")).status_code == 405


def test_a_reader_leaves_a_space(client_for, reader, open_space):
    response = client_for(reader).post(url(open_space, "leave/"))
    assert response.status_code == 302
    assert open_space.role_of(reader) is None
    assert not reader.groups.filter(name__startswith=f"space-{open_space.pk}-").exists()


def test_leave_refuses_get(client_for, reader, open_space):
    assert client_for(reader).get(url(open_space, "leave/")).status_code == 405


def test_the_last_space_admin_cannot_leave(client_for, space_admin, open_space):
    response = client_for(space_admin).post(url(open_space, "leave/"), follow=True)
    assert open_space.role_of(space_admin) == Role.ADMIN
    assert "last space admin" in response.content.decode()


# Members page


def test_a_moderator_sees_join_requests_and_the_add_form(
    client_for, moderator, employee, open_space
):
    JoinRequest.objects.create(space=open_space, user=employee, message="Hi there")
    response = client_for(moderator).get(url(open_space, "members/"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Hi there" in body and 'name="username"' in body


def test_a_reader_sees_members_without_management_controls(
    client_for, reader, employee, open_space
):
    JoinRequest.objects.create(space=open_space, user=employee, message="Hi there")
    response = client_for(reader).get(url(open_space, "members/"))
    body = response.content.decode()
    assert "Rita" in body and "Sam" in body
    assert "Hi there" not in body and 'name="username"' not in body


def test_the_members_page_is_hidden_from_outsiders_of_a_members_only_space(
    client_for, outsider, private_space
):
    assert client_for(outsider).get(url(private_space, "members/")).status_code == 404


def test_the_members_page_refuses_post(client_for, moderator, open_space):
    assert client_for(moderator).post(url(open_space, "members/")).status_code == 405


def test_a_moderator_approves_a_join_request(client_for, moderator, employee, open_space):
    join_request = JoinRequest.objects.create(space=open_space, user=employee)
    client_for(moderator).post(url(open_space, f"requests/{join_request.pk}/approve/"))
    # An approved request gives the role the space gives on joining: editor by default.
    assert open_space.role_of(employee) == Role.EDITOR
    assert not JoinRequest.objects.filter(pk=join_request.pk).exists()


def test_a_moderator_denies_a_join_request_and_it_is_logged(
    client_for, moderator, employee, open_space
):
    join_request = JoinRequest.objects.create(space=open_space, user=employee)
    client_for(moderator).post(url(open_space, f"requests/{join_request.pk}/deny/"))
    assert open_space.role_of(employee) is None
    assert not JoinRequest.objects.filter(pk=join_request.pk).exists()
    assert logged(open_space, "intranet.join_request_denied") == [{"member": "employee"}]


def test_an_editor_cannot_approve_join_requests(client_for, editor, employee, open_space):
    join_request = JoinRequest.objects.create(space=open_space, user=employee)
    response = client_for(editor).post(url(open_space, f"requests/{join_request.pk}/approve/"))
    assert response.status_code == 403
    assert open_space.role_of(employee) is None


def test_approving_refuses_get(client_for, moderator, employee, open_space):
    join_request = JoinRequest.objects.create(space=open_space, user=employee)
    response = client_for(moderator).get(url(open_space, f"requests/{join_request.pk}/approve/"))
    assert response.status_code == 405


def test_a_moderator_adds_a_colleague_by_username(client_for, moderator, employee, private_space):
    client_for(moderator).post(
        url(private_space, "members/add/"), {"username": "Employee", "role": "editor"}
    )
    assert private_space.role_of(employee) == Role.EDITOR


def test_adding_an_unknown_username_shows_a_message(client_for, moderator, open_space):
    response = client_for(moderator).post(
        url(open_space, "members/add/"), {"username": "nobody-here", "role": "reader"}, follow=True
    )
    assert response.status_code == 200
    assert "no active colleague" in response.content.decode()


def test_a_bad_role_is_refused_with_a_message(client_for, moderator, reader, open_space):
    response = client_for(moderator).post(
        url(open_space, f"members/{reader.pk}/role/"), {"role": "emperor"}, follow=True
    )
    assert "Choose one of the roles" in response.content.decode()
    assert open_space.role_of(reader) == Role.READER


def test_a_moderator_changes_a_role_and_groups_follow(client_for, moderator, reader, open_space):
    client_for(moderator).post(url(open_space, f"members/{reader.pk}/role/"), {"role": "editor"})
    assert open_space.role_of(reader) == Role.EDITOR
    names = set(
        reader.groups.filter(name__startswith=f"space-{open_space.pk}-").values_list(
            "name", flat=True
        )
    )
    assert names == {f"space-{open_space.pk}-editor"}


def test_a_moderator_cannot_make_someone_space_admin(client_for, moderator, reader, open_space):
    response = client_for(moderator).post(
        url(open_space, f"members/{reader.pk}/role/"), {"role": "admin"}
    )
    assert response.status_code == 403
    assert open_space.role_of(reader) == Role.READER


def test_a_moderator_cannot_remove_a_space_admin(client_for, moderator, space_admin, open_space):
    response = client_for(moderator).post(url(open_space, f"members/{space_admin.pk}/remove/"))
    assert response.status_code == 403
    assert open_space.role_of(space_admin) == Role.ADMIN


def test_a_moderator_removes_a_reader(client_for, moderator, reader, open_space):
    client_for(moderator).post(url(open_space, f"members/{reader.pk}/remove/"))
    assert open_space.role_of(reader) is None
    assert logged(open_space, "intranet.member_removed")[-1] == {"member": "reader"}


def test_removing_refuses_get(client_for, moderator, reader, open_space):
    response = client_for(moderator).get(url(open_space, f"members/{reader.pk}/remove/"))
    assert response.status_code == 405


def test_the_last_space_admin_cannot_be_demoted_on_the_members_page(
    client_for, space_admin, open_space
):
    response = client_for(space_admin).post(
        url(open_space, f"members/{space_admin.pk}/role/"), {"role": "reader"}, follow=True
    )
    assert "at least one space admin" in response.content.decode()
    assert open_space.role_of(space_admin) == Role.ADMIN


def test_the_last_space_admin_cannot_be_removed(space_admin, open_space):
    with pytest.raises(actions.LastSpaceAdminError):
        actions.remove_member(open_space, space_admin)
    assert open_space.role_of(space_admin) == Role.ADMIN


def test_an_admin_can_step_down_once_there_is_another(space_admin, moderator, open_space):
    actions.set_member_role(open_space, moderator, Role.ADMIN)
    actions.set_member_role(open_space, space_admin, Role.READER)
    assert open_space.role_of(space_admin) == Role.READER


# Concurrency, deleted users


def test_two_moderators_changing_one_membership_both_land_in_the_log(
    moderator, space_admin, reader, open_space
):
    # SQLite serialises writers and PostgreSQL waits on the row lock; either way the second
    # change sees the first, so the last write wins and both are recorded.
    actions.set_member_role(open_space, reader, Role.EDITOR, actor=moderator)
    actions.set_member_role(open_space, reader, Role.MODERATOR, actor=space_admin)
    assert Membership.objects.filter(space=open_space, user=reader).count() == 1
    assert open_space.role_of(reader) == Role.MODERATOR
    changes = logged(open_space, "intranet.role_changed")
    assert [(c["previous"], c["role"]) for c in changes] == [
        ("reader", "editor"),
        ("editor", "moderator"),
    ]
    assert reader.groups.filter(name__startswith=f"space-{open_space.pk}-").count() == 1


def test_a_deleted_user_loses_memberships_but_their_pages_stay(editor, open_space):
    page = make_wiki_page(open_space, "Kept after leaving", author=editor)
    editor_id = editor.pk
    editor.delete()
    assert not Membership.objects.filter(user_id=editor_id).exists()
    assert not Group.objects.filter(user__id=editor_id).exists()
    page.refresh_from_db()
    assert page.live and page.owner_id is None


# Visibility, settings, history


def test_switching_a_space_to_members_only_hides_its_content_at_once(outsider, reader, open_space):
    page = make_wiki_page(open_space, "Soon secret", author=reader)
    assert visible_pages(outsider).filter(pk=page.pk).exists()
    actions.set_space_visibility(open_space, "members")
    assert not visible_pages(outsider).filter(pk=page.pk).exists()
    assert visible_pages(reader).filter(pk=page.pk).exists()
    assert PageViewRestriction.objects.filter(page=open_space).exists()
    actions.set_space_visibility(open_space, "open")
    assert visible_pages(outsider).filter(pk=page.pk).exists()
    assert not PageViewRestriction.objects.filter(page=open_space).exists()


def test_a_space_admin_changes_settings_and_visibility_from_the_site(
    client_for, space_admin, outsider, open_space
):
    response = client_for(space_admin).post(
        url(open_space, "settings/"),
        {
            "title": "Closed Kitchen",
            "description": "Now private",
            "kind": "project",
            "visibility": "members",
            "join_policy": "invite",
        },
    )
    assert response.status_code == 302
    open_space.refresh_from_db()
    assert (open_space.title, open_space.kind, open_space.join_policy) == (
        "Closed Kitchen",
        "project",
        "invite",
    )
    assert open_space.is_members_only
    assert client_for(outsider).get(open_space.url).status_code == 404
    assert logged(open_space, "intranet.visibility_changed")[-1]["visibility"] == "members"
    assert logged(open_space, "intranet.settings_changed")[-1]["fields"] == [
        "description",
        "join_policy",
        "kind",
        "title",
    ]


def test_settings_with_a_blank_title_show_a_form_error(client_for, space_admin, open_space):
    response = client_for(space_admin).post(
        url(open_space, "settings/"),
        {"title": "  ", "kind": "team", "visibility": "open", "join_policy": "open"},
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    open_space.refresh_from_db()
    assert open_space.title == "Open Kitchen"


def test_settings_refuse_put(client_for, space_admin, open_space):
    assert client_for(space_admin).put(url(open_space, "settings/")).status_code == 405


def png_upload(name: str = "kitchen.png"):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), "orange").save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def test_a_space_admin_uploads_a_picture_from_the_settings_page(
    client_for, space_admin, open_space
):
    response = client_for(space_admin).post(
        url(open_space, "settings/"),
        {
            "title": open_space.title,
            "description": open_space.description,
            "kind": open_space.kind,
            "visibility": "open",
            "join_policy": "open",
            "picture": png_upload(),
        },
    )
    assert response.status_code == 302
    open_space.refresh_from_db()
    assert open_space.picture.uploaded_by_user == space_admin
    assert logged(open_space, "intranet.settings_changed")[-1]["fields"] == ["picture"]


def test_a_refused_settings_change_keeps_no_uploaded_picture(editor, private_space):
    from django.core.exceptions import PermissionDenied
    from wagtail.images import get_image_model

    with pytest.raises(PermissionDenied):
        actions.update_space_settings(
            private_space, actor=editor, picture_upload=png_upload(), visibility="open"
        )
    assert not get_image_model().objects.exists()


def test_the_history_shows_membership_changes_to_space_admins(
    client_for, space_admin, moderator, reader, open_space
):
    actions.set_member_role(open_space, reader, Role.EDITOR, actor=moderator)
    body = client_for(space_admin).get(url(open_space, "history/")).content.decode()
    assert "Member role changed" in body and "reader" in body


def test_the_history_refuses_post(client_for, space_admin, open_space):
    assert client_for(space_admin).post(url(open_space, "history/")).status_code == 405


def test_the_history_is_hidden_from_outsiders_of_a_members_only_space(
    client_for, outsider, private_space
):
    assert client_for(outsider).get(url(private_space, "history/")).status_code == 404


def test_the_space_page_offers_feeds_and_settings_to_its_admin(client_for, space_admin, open_space):
    body = client_for(space_admin).get(open_space.url).content.decode()
    assert "/feeds/spaces/open-kitchen/" in body
    assert url(open_space, "settings/") in body


def test_the_space_page_hides_settings_from_readers(client_for, reader, open_space):
    body = client_for(reader).get(open_space.url).content.decode()
    assert url(open_space, "settings/") not in body


# Wagtail admin


def test_a_space_edited_in_the_wagtail_admin_gets_its_view_restriction(site_admin, open_space):
    open_space.visibility = "members"
    open_space.save_revision().publish()
    from wagtail import hooks

    for hook in hooks.get_hooks("after_edit_page"):
        hook(type("Request", (), {"user": site_admin})(), open_space)
    assert PageViewRestriction.objects.filter(page=open_space).exists()
    assert logged(open_space, "intranet.visibility_changed")[-1]["visibility"] == "members"


def test_the_admin_membership_list_answers_site_admins(client_for, site_admin, open_space):
    response = client_for(site_admin).get("/admin/memberships/")
    assert response.status_code == 200
    assert "Rita" in response.content.decode() or "reader" in response.content.decode()


def test_the_admin_membership_list_is_closed_to_space_admins(client_for, space_admin, open_space):
    assert client_for(space_admin).get("/admin/memberships/").status_code in (302, 403)


def test_changing_a_role_in_the_admin_goes_through_the_action(
    client_for, site_admin, reader, open_space
):
    membership = Membership.objects.get(space=open_space, user=reader)
    response = client_for(site_admin).post(
        f"/admin/memberships/edit/{membership.pk}/", {"role": "moderator"}
    )
    assert response.status_code == 302
    assert open_space.role_of(reader) == Role.MODERATOR
    assert reader.groups.filter(name=f"space-{open_space.pk}-moderator").exists()
    assert logged(open_space, "intranet.role_changed")[-1]["role"] == "moderator"


def test_the_admin_refuses_to_demote_the_last_space_admin(
    client_for, site_admin, space_admin, open_space
):
    membership = Membership.objects.get(space=open_space, user=space_admin)
    response = client_for(site_admin).post(
        f"/admin/memberships/edit/{membership.pk}/", {"role": "reader"}
    )
    assert response.status_code == 200
    assert "at least one space admin" in response.content.decode()
    assert open_space.role_of(space_admin) == Role.ADMIN


def test_an_editor_of_one_space_does_not_see_a_hidden_space_in_the_admin(
    client_for, site_tree, open_space, private_space
):
    other = UserFactory(username="othereditor")
    actions.set_member_role(open_space, other, Role.EDITOR)
    # Writing gives no admin access (issue 16); a site admin may still hand it out, and then
    # the admin shows no more than the rule allows.
    other.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = client_for(other)
    chooser = client.get(f"/admin/choose-page/{open_space.get_parent().pk}/")
    assert chooser.status_code == 200
    assert "Open Kitchen" in chooser.content.decode()
    paths = (
        "/admin/",
        "/admin/pages/search/?q=Zanzibar",
        f"/admin/pages/{open_space.pk}/?q=Zanzibar",
        "/admin/choose-page/search/?q=Zanzibar",
    )
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        # The query itself is echoed in the search box; the space's full title must not be.
        assert "Zanzibar Secret" not in response.content.decode(), path


def test_creating_a_space_logs_one_creation_and_makes_the_actor_admin(site_tree, employee):
    space = make_space("Fresh Start", slug="fresh-start", actor=employee)
    assert PageLogEntry.objects.filter(page=space, action="wagtail.create").count() == 1
    assert space.role_of(employee) == Role.ADMIN
    assert Group.objects.filter(name__startswith=f"space-{space.pk}-").count() == 4
