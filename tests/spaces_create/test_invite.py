"""Inviting colleagues by name on the members page: everyone named becomes a member with the
chosen role and is notified, on the site and by e-mail as they chose, in their language."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from community.models import Notification, NotificationSetting
from community.receivers import MEMBER_ADDED
from intranet.actions import join_space, set_member_role
from intranet.models import Role
from tests.factories import make_space

pytestmark = pytest.mark.django_db


def add_url(space) -> str:
    return f"/spaces/{space.slug}/members/add/"


def test_anonymous_visitors_cannot_invite(client, private_space, emma):
    response = client.post(add_url(private_space), {"username": "Emma Wagner", "role": "editor"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert private_space.role_of(emma) is None


def test_an_outsider_of_a_members_only_space_gets_404(client_for, outsider, private_space, emma):
    response = client_for(outsider).post(
        add_url(private_space), {"username": "Emma Wagner", "role": "editor"}
    )
    assert response.status_code == 404
    assert private_space.role_of(emma) is None


def test_inviting_refuses_get(client_for, moderator, private_space):
    assert client_for(moderator).get(add_url(private_space)).status_code == 405


def test_an_editor_cannot_invite(client_for, editor, private_space, emma):
    response = client_for(editor).post(
        add_url(private_space), {"username": "Emma Wagner", "role": "editor"}
    )
    assert response.status_code == 403
    assert private_space.role_of(emma) is None


def test_a_moderator_invites_two_colleagues_by_name(
    client_for, moderator, private_space, emma, ben
):
    response = client_for(moderator).post(
        add_url(private_space), {"username": "Emma Wagner, Ben Koch", "role": "editor"}, follow=True
    )
    assert response.status_code == 200
    assert private_space.role_of(emma) == private_space.role_of(ben) == Role.EDITOR
    assert "Emma Wagner and Ben Koch are now Editor." in response.content.decode()


def test_each_invited_colleague_is_notified_with_a_link_to_the_space(
    client_for, moderator, private_space, emma, ben
):
    client_for(moderator).post(
        add_url(private_space), {"username": "Emma Wagner, Ben Koch", "role": "editor"}
    )
    notes = Notification.objects.filter(kind="membership", space=private_space)
    assert sorted(n.recipient.username for n in notes) == ["bkoch", "ewagner"]
    assert {n.link for n in notes} == {private_space.url}
    assert {n.actor for n in notes} == {moderator}


def test_the_invitation_reaches_the_invitee_in_their_own_language(
    client_for, moderator, private_space, emma, ben
):
    client_for(moderator).post(
        add_url(private_space), {"username": "Emma Wagner, Ben Koch", "role": "editor"}
    )
    german = client_for(emma).get("/notifications/").content.decode()
    english = client_for(ben).get("/notifications/").content.decode()
    with translation.override("de"):
        expected = gettext(MEMBER_ADDED) % {
            "name": "Mo Derator",
            "space": "Zanzibar Secret",
            "role": gettext("Editor"),
        }
    assert "Redakteur:in" in expected
    assert escape(expected) in german
    assert escape("Mo Derator added you to Zanzibar Secret as Editor") in english


def test_an_invitee_who_wants_e_mail_at_once_gets_one(
    client_for, moderator, private_space, ben, django_capture_on_commit_callbacks
):
    NotificationSetting.objects.create(user=ben, kind="membership", delivery="immediate")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(moderator).post(
            add_url(private_space), {"username": "Ben Koch", "role": "reader"}
        )
    assert [m.to for m in mail.outbox] == [["bkoch@example.com"]]
    assert "Zanzibar Secret" in mail.outbox[0].subject


def test_an_invitee_who_turned_them_off_gets_none(client_for, moderator, private_space, ben):
    NotificationSetting.objects.create(user=ben, kind="membership", delivery="off")
    client_for(moderator).post(add_url(private_space), {"username": "Ben Koch", "role": "reader"})
    assert private_space.role_of(ben) == Role.READER
    assert not Notification.objects.filter(recipient=ben).exists()


def test_an_unknown_name_adds_nobody_and_keeps_what_was_typed(
    client_for, moderator, private_space, emma
):
    response = client_for(moderator).post(
        add_url(private_space), {"username": "Emma Wagner, Nobody Known", "role": "editor"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is no active colleague called “Nobody Known”." in html
    assert 'value="Emma Wagner, Nobody Known"' in html
    assert private_space.role_of(emma) is None


def test_the_role_offered_first_is_the_one_new_members_get(client_for, moderator, site_tree):
    readers_only = make_space("Readers Only", slug="readers-only", member_role="reader")
    set_member_role(readers_only, moderator, Role.MODERATOR)
    html = client_for(moderator).get(f"/spaces/{readers_only.slug}/members/").content.decode()
    assert '<option value="reader" selected>' in html


def test_joining_by_oneself_sends_no_membership_notification(employee, open_space):
    join_space(open_space, employee)
    assert not Notification.objects.filter(kind="membership").exists()


def test_a_promotion_tells_the_member_their_new_role(client_for, moderator, reader, open_space):
    client_for(moderator).post(
        f"/spaces/{open_space.slug}/members/{reader.pk}/role/", {"role": "editor"}
    )
    note = Notification.objects.get(kind="membership", recipient=reader)
    assert note.display_text == "Mo Derator made you Editor in Open Kitchen"
