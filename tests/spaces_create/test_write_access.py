"""Joining makes you a contributor unless the space's admins chose readers; a reader asks to
write, the space's moderators and admins hear of it and approve or deny on the members page."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied

from community.models import Notification
from intranet import actions
from intranet.access import can_write_in_space
from intranet.models import JoinRequest, Role, SpacePage
from tests.factories import make_space

pytestmark = pytest.mark.django_db


def url(space: SpacePage, rest: str) -> str:
    return f"/spaces/{space.slug}/{rest}"


# Joining


def test_joining_an_open_space_makes_you_a_contributor(client_for, employee, open_space):
    client_for(employee).post(url(open_space, "join/"))
    assert open_space.role_of(employee) == Role.EDITOR
    assert can_write_in_space(employee, open_space)
    assert open_space.permissions_for_user(employee).can_add_subpage()


def test_joining_a_space_whose_members_only_read_makes_you_a_reader(
    client_for, employee, site_tree
):
    space = make_space("Notice Board", slug="notice-board", member_role="reader")
    client_for(employee).post(url(space, "join/"))
    assert space.role_of(employee) == Role.READER


def test_an_approved_join_request_gives_the_role_new_members_get(
    client_for, moderator, employee, site_tree
):
    space = make_space("Guarded", slug="guarded", join_policy="approval")
    actions.set_member_role(space, moderator, Role.MODERATOR)
    actions.join_space(space, employee)
    join_request = JoinRequest.objects.get(space=space, user=employee)
    client_for(moderator).post(url(space, f"requests/{join_request.pk}/approve/"))
    assert space.role_of(employee) == Role.EDITOR


def test_a_space_admin_lets_new_members_only_read(client_for, space_admin, employee, open_space):
    response = client_for(space_admin).post(
        url(open_space, "settings/"),
        {
            "title": open_space.title,
            "kind": open_space.kind,
            "visibility": "open",
            "join_policy": "open",
            "member_role": "reader",
        },
    )
    assert response.status_code == 302
    open_space.refresh_from_db()
    assert open_space.member_role == "reader"
    client_for(employee).post(url(open_space, "join/"))
    assert open_space.role_of(employee) == Role.READER


def test_the_settings_page_offers_the_choice_to_space_admins(client_for, space_admin, open_space):
    html = client_for(space_admin).get(url(open_space, "settings/")).content.decode()
    assert (
        'name="member_role" value="editor"' in html and 'name="member_role" value="reader"' in html
    )


def test_an_editor_cannot_change_what_new_members_may_do(editor, open_space):
    with pytest.raises(PermissionDenied):
        actions.update_space_settings(open_space, actor=editor, member_role="reader")
    open_space.refresh_from_db()
    assert open_space.member_role == "editor"


def test_no_page_revision_changes_what_new_members_may_do(editor, open_space):
    open_space.member_role = "reader"
    open_space.save_revision(user=editor).publish(user=editor, skip_permission_checks=True)
    open_space.refresh_from_db()
    assert open_space.member_role == "editor"


def test_existing_open_spaces_switch_to_contributors_and_vetted_ones_keep_readers(site_tree):
    make_space("Open One", slug="open-one", join_policy="open")
    make_space("Guarded", slug="guarded", join_policy="approval")
    make_space("Invited", slug="invited", join_policy="invite")
    # What adding the column gives every existing space: its default.
    assert set(SpacePage.objects.values_list("member_role", flat=True)) == {"editor"}
    migration = importlib.import_module("intranet.migrations.0003_spaces_from_the_intranet")
    migration.keep_reading_where_newcomers_are_vetted(apps, None)
    roles = dict(SpacePage.objects.values_list("slug", "member_role"))
    assert roles == {"open-one": "editor", "guarded": "reader", "invited": "reader"}


# Asking to write


def test_a_reader_sees_how_to_ask_for_write_access(client_for, reader, open_space):
    html = client_for(reader).get(open_space.url).content.decode()
    assert "Ask to write here" in html
    assert f'action="{url(open_space, "write-access/")}"' in html


@pytest.mark.parametrize("persona", ["editor", "space_admin", "employee"])
def test_only_readers_are_offered_to_ask(client_for, request, persona, open_space):
    html = client_for(request.getfixturevalue(persona)).get(open_space.url).content.decode()
    assert "Ask to write here" not in html


def test_anonymous_visitors_cannot_ask(client, open_space):
    response = client.post(url(open_space, "write-access/"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not JoinRequest.objects.exists()


def test_an_outsider_of_a_members_only_space_gets_404(client_for, outsider, private_space):
    assert client_for(outsider).post(url(private_space, "write-access/")).status_code == 404


def test_asking_refuses_get(client_for, reader, open_space):
    assert client_for(reader).get(url(open_space, "write-access/")).status_code == 405


def test_a_colleague_who_is_not_a_member_is_told_to_join_first(client_for, employee, open_space):
    response = client_for(employee).post(url(open_space, "write-access/"))
    assert response.status_code == 403
    assert "Join the space first" in response.content.decode()
    assert not JoinRequest.objects.exists()


def test_an_editor_who_asks_is_told_they_already_write(client_for, editor, open_space):
    response = client_for(editor).post(url(open_space, "write-access/"), follow=True)
    assert "You can already write" in response.content.decode()
    assert not JoinRequest.objects.exists()


def test_a_reader_asks_and_the_request_is_recorded_once(client_for, reader, open_space):
    client = client_for(reader)
    response = client.post(url(open_space, "write-access/"), {"message": "I run the wiki"})
    assert response.status_code == 302 and response["Location"] == open_space.url
    client.post(url(open_space, "write-access/"))
    join_request = JoinRequest.objects.get(space=open_space, user=reader)
    assert (join_request.role, join_request.message) == (Role.EDITOR, "I run the wiki")
    html = client.get(open_space.url).content.decode()
    assert "Write access requested" in html and "Ask to write here" not in html


def test_the_space_moderators_and_admins_hear_of_it_once(client_for, reader, open_space):
    client_for(reader).post(url(open_space, "write-access/"))
    notes = Notification.objects.filter(space=open_space, actor=reader)
    assert sorted(n.recipient.username for n in notes) == ["moderator", "spaceadmin"]
    assert {n.kind for n in notes} == {"join_request"}
    assert {n.link for n in notes} == {url(open_space, "members/")}
    assert {n.display_text for n in notes} == {"Rita Reader asks to write in Open Kitchen"}


def test_the_request_waits_on_the_members_page(client_for, space_admin, reader, open_space):
    client_for(reader).post(url(open_space, "write-access/"))
    html = client_for(space_admin).get(url(open_space, "members/")).content.decode()
    assert "asks to write" in html


def test_a_space_admin_approves_and_the_reader_can_write(
    client_for, space_admin, reader, open_space
):
    client_for(reader).post(url(open_space, "write-access/"))
    join_request = JoinRequest.objects.get(user=reader)
    response = client_for(space_admin).post(url(open_space, f"requests/{join_request.pk}/approve/"))
    assert response.status_code == 302
    assert open_space.role_of(reader) == Role.EDITOR
    assert can_write_in_space(reader, open_space)
    assert open_space.permissions_for_user(reader).can_add_subpage()
    assert reader.groups.filter(name=f"space-{open_space.pk}-editor").exists()
    assert not JoinRequest.objects.exists()
    assert Notification.objects.filter(kind="membership", recipient=reader).exists()


def test_a_denied_reader_stays_a_reader(client_for, moderator, reader, open_space):
    client_for(reader).post(url(open_space, "write-access/"))
    join_request = JoinRequest.objects.get(user=reader)
    client_for(moderator).post(url(open_space, f"requests/{join_request.pk}/deny/"))
    assert open_space.role_of(reader) == Role.READER
    assert not JoinRequest.objects.exists()


def test_leaving_the_space_withdraws_the_request(client_for, reader, open_space):
    client = client_for(reader)
    client.post(url(open_space, "write-access/"))
    client.post(url(open_space, "leave/"))
    assert not JoinRequest.objects.exists()
