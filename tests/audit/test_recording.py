"""Every change of membership, role, space visibility and join policy, feed token and admin
rights lands in the audit log with who, when and from where; a change that rolls back
leaves nothing behind."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from wagtail.log_actions import LogContext

from audit.actions import record
from audit.models import AuditAction, AuditEntry
from audit.origin import current_origin, forget_request, remember_request
from feeds.actions import ensure_feed_token, revoke_feed_token
from feeds.models import FeedToken
from intranet import actions
from intranet.models import Role
from intranet.signals import member_role_changed
from tests.audit.conftest import IP, USER_AGENT, entries, only_entry
from tests.factories import UserFactory, wagtail_user_form

pytestmark = pytest.mark.django_db


def about(action: str, person) -> AuditEntry:
    """The one entry of `action` about `person`."""
    found = list(AuditEntry.objects.filter(action=action, target=person))
    assert len(found) == 1, [(e.action, e.actor_name, e.details) for e in found]
    return found[0]


def assert_from_the_browser(entry: AuditEntry, actor) -> None:
    assert entry.actor == actor
    assert entry.actor_name.endswith(f"({actor.username})")
    assert entry.ip_address == IP
    assert entry.user_agent == USER_AGENT
    assert timezone.now() - timedelta(minutes=1) < entry.at <= timezone.now()


# --- membership and roles ------------------------------------------------------------------


def test_adding_a_member_records_who_whom_where_and_the_role(
    browser_for, moderator, employee, private_space
):
    browser_for(moderator).post(
        f"/spaces/{private_space.slug}/members/add/", {"username": "employee", "role": "editor"}
    )
    entry = about(AuditAction.MEMBERSHIP_ADDED, employee)
    assert_from_the_browser(entry, moderator)
    assert entry.target_name == "Emil Ployee (employee)"
    assert (entry.space_id, entry.space_title) == (private_space.pk, "Zanzibar Secret")
    assert entry.details == {"role": {"before": None, "after": "editor"}}


def test_changing_a_role_records_the_role_before_and_after(
    browser_for, moderator, reader, open_space
):
    browser_for(moderator).post(
        f"/spaces/{open_space.slug}/members/{reader.pk}/role/", {"role": "editor"}
    )
    entry = about(AuditAction.MEMBERSHIP_ROLE_CHANGED, reader)
    assert_from_the_browser(entry, moderator)
    assert entry.details == {"role": {"before": "reader", "after": "editor"}}
    assert entry.space_id == open_space.pk


def test_giving_a_member_the_role_they_have_records_nothing(moderator, reader, open_space):
    actions.set_member_role(open_space, reader, Role.READER, actor=moderator)
    assert not AuditEntry.objects.filter(
        action=AuditAction.MEMBERSHIP_ROLE_CHANGED, target=reader
    ).exists()


def test_removing_a_member_records_the_role_they_had(browser_for, moderator, reader, open_space):
    browser_for(moderator).post(f"/spaces/{open_space.slug}/members/{reader.pk}/remove/")
    entry = about(AuditAction.MEMBERSHIP_REMOVED, reader)
    assert_from_the_browser(entry, moderator)
    assert entry.details == {"role": {"before": "reader", "after": None}}


def test_leaving_a_space_records_the_member_as_their_own_actor(browser_for, reader, open_space):
    browser_for(reader).post(f"/spaces/{open_space.slug}/leave/")
    assert_from_the_browser(about(AuditAction.MEMBERSHIP_REMOVED, reader), reader)


def test_joining_an_open_space_records_the_newcomer_as_their_own_actor(
    browser_for, employee, open_space
):
    browser_for(employee).post(f"/spaces/{open_space.slug}/join/")
    entry = about(AuditAction.MEMBERSHIP_ADDED, employee)
    assert_from_the_browser(entry, employee)
    assert entry.details == {"role": {"before": None, "after": str(open_space.member_role)}}


def test_a_refused_change_records_nothing(space_admin, open_space):
    with pytest.raises(actions.LastSpaceAdminError):
        actions.remove_member(open_space, space_admin, actor=space_admin)
    assert not AuditEntry.objects.filter(action=AuditAction.MEMBERSHIP_REMOVED).exists()


def test_a_change_by_the_system_has_no_actor_and_no_address(employee, open_space):
    actions.set_member_role(open_space, employee, Role.READER)
    entry = about(AuditAction.MEMBERSHIP_ADDED, employee)
    assert (entry.actor, entry.actor_name, entry.ip_address, entry.user_agent) == (
        None,
        "",
        None,
        "",
    )


def test_a_change_that_rolls_back_leaves_no_entry(monkeypatch, moderator, employee, open_space):
    def fail(*args, **kwargs):
        raise RuntimeError("a receiver fails after the change was written down")

    monkeypatch.setattr(member_role_changed, "send", fail)
    with pytest.raises(RuntimeError):
        actions.set_member_role(open_space, employee, Role.EDITOR, actor=moderator)
    assert open_space.role_of(employee) is None
    assert not AuditEntry.objects.filter(target=employee).exists()


# --- spaces ---------------------------------------------------------------------------------


def test_creating_a_space_records_its_access_settings_and_first_admin(
    browser_for, employee, site_tree
):
    browser_for(employee).post(
        "/spaces/new/",
        {"title": "Quantum Garden", "kind": "team", "visibility": "members", "join_policy": "open"},
    )
    created = only_entry(AuditAction.SPACE_CREATED)
    assert_from_the_browser(created, employee)
    assert created.space_title == "Quantum Garden"
    assert created.details["visibility"] == "members"
    admin = about(AuditAction.MEMBERSHIP_ADDED, employee)
    assert admin.space_id == created.space_id
    assert admin.details == {"role": {"before": None, "after": "admin"}}


def settings_form(space, **changes) -> dict:
    data = {
        "title": space.title,
        "description": space.description,
        "kind": space.kind,
        "visibility": space.visibility,
        "join_policy": space.join_policy,
        "member_role": space.member_role,
    }
    return {**data, **changes}


def test_making_a_space_members_only_records_the_visibility_change(
    browser_for, space_admin, open_space
):
    browser_for(space_admin).post(
        f"/spaces/{open_space.slug}/settings/", settings_form(open_space, visibility="members")
    )
    entry = only_entry(AuditAction.SPACE_VISIBILITY_CHANGED)
    assert_from_the_browser(entry, space_admin)
    assert entry.space_id == open_space.pk
    assert entry.details == {"visibility": {"before": "open", "after": "members"}}


def test_changing_who_may_join_and_the_role_for_newcomers_records_both(
    browser_for, space_admin, open_space
):
    browser_for(space_admin).post(
        f"/spaces/{open_space.slug}/settings/",
        settings_form(open_space, join_policy="approval", member_role="reader"),
    )
    join_policy = only_entry(AuditAction.SPACE_JOIN_POLICY_CHANGED)
    assert_from_the_browser(join_policy, space_admin)
    assert join_policy.details == {"join_policy": {"before": "open", "after": "approval"}}
    member_role = only_entry(AuditAction.SPACE_MEMBER_ROLE_CHANGED)
    assert member_role.details == {"member_role": {"before": "editor", "after": "reader"}}
    assert not entries(AuditAction.SPACE_VISIBILITY_CHANGED)


def test_saving_the_settings_unchanged_records_nothing(browser_for, space_admin, open_space):
    browser_for(space_admin).post(f"/spaces/{open_space.slug}/settings/", settings_form(open_space))
    assert not AuditEntry.objects.filter(action__startswith="space.").exclude(
        action=AuditAction.SPACE_CREATED
    )


def test_a_site_admin_opening_a_space_in_the_page_editor_is_recorded(
    browser_for, site_admin, private_space
):
    from tests.intranet.test_space_access_settings import edit_form_data

    browser_for(site_admin).post(
        f"/admin/pages/{private_space.pk}/edit/", edit_form_data(private_space, visibility="open")
    )
    entry = only_entry(AuditAction.SPACE_VISIBILITY_CHANGED)
    assert_from_the_browser(entry, site_admin)
    assert entry.details == {"visibility": {"before": "members", "after": "open"}}


# --- feed tokens ----------------------------------------------------------------------------


def test_making_replacing_and_revoking_a_feed_token_is_recorded(browser_for, reader):
    browser = browser_for(reader)
    browser.post("/feeds/token/")
    first = FeedToken.objects.get(user=reader)
    browser.post("/feeds/token/")
    second = FeedToken.objects.get(user=reader)
    browser.post("/feeds/token/revoke/")
    made, replaced, revoked = (
        about(action, reader)
        for action in (
            AuditAction.FEED_TOKEN_CREATED,
            AuditAction.FEED_TOKEN_ROTATED,
            AuditAction.FEED_TOKEN_REVOKED,
        )
    )
    for entry in (made, replaced, revoked):
        assert_from_the_browser(entry, reader)
    assert made.details == {"token_starts_with": first.prefix}
    assert replaced.details == {"token_starts_with": second.prefix}
    assert revoked.details == {"token_starts_with": second.prefix}


def test_revoking_when_there_is_no_token_records_nothing(reader):
    revoke_feed_token(reader)
    assert not entries(AuditAction.FEED_TOKEN_REVOKED)


def test_a_token_made_on_first_use_is_recorded_once(browser_for, reader):
    browser = browser_for(reader)
    browser.post("/feeds/all/")
    browser.post("/feeds/all/")
    assert_from_the_browser(about(AuditAction.FEED_TOKEN_CREATED, reader), reader)
    assert not entries(AuditAction.FEED_TOKEN_ROTATED)


def test_a_token_revoked_by_someone_else_names_them(site_admin, reader):
    ensure_feed_token(reader)
    revoke_feed_token(reader, actor=site_admin)
    assert about(AuditAction.FEED_TOKEN_REVOKED, reader).actor == site_admin
    revoke_feed_token(reader, actor=None)  # nothing left to revoke
    assert len(entries(AuditAction.FEED_TOKEN_REVOKED)) == 1


# --- admin rights ---------------------------------------------------------------------------


def admin_access() -> Permission:
    return Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")


@pytest.fixture
def site_admins_group(db) -> Group:
    group = Group.objects.create(name="Site admins")
    group.permissions.add(admin_access())
    return group


def test_making_someone_site_admin_in_the_wagtail_admin_is_recorded(
    browser_for, site_admin, employee
):
    response = browser_for(site_admin).post(
        f"/admin/users/edit/{employee.pk}/", wagtail_user_form(employee, is_superuser="on")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    employee.refresh_from_db()
    assert employee.is_superuser
    entry = about(AuditAction.ADMIN_GRANTED, employee)
    assert_from_the_browser(entry, site_admin)
    assert entry.details == {"right": "site_admin"}


def test_adding_someone_to_an_admin_group_in_the_wagtail_admin_is_recorded(
    browser_for, site_admin, employee, site_admins_group
):
    browser_for(site_admin).post(
        f"/admin/users/edit/{employee.pk}/",
        wagtail_user_form(employee, groups=[str(site_admins_group.pk)]),
    )
    entry = about(AuditAction.ADMIN_GRANTED, employee)
    assert_from_the_browser(entry, site_admin)
    assert entry.details == {"right": "admin_access", "group": "Site admins"}


def test_taking_site_admin_away_is_recorded_with_the_admin_acting(site_admin, employee):
    employee.is_superuser = True
    employee.save()
    with LogContext(user=site_admin):
        employee.is_superuser = False
        employee.save()
    granted = about(AuditAction.ADMIN_GRANTED, employee)
    revoked = about(AuditAction.ADMIN_REVOKED, employee)
    assert granted.actor is None  # the system: no admin view was acting
    assert revoked.actor == site_admin
    assert revoked.details == {"right": "site_admin"}


def test_staff_status_is_recorded_and_a_save_of_other_fields_is_not(employee):
    employee.is_staff = True
    employee.save()
    employee.first_name = "Emilia"
    employee.save()
    employee.save(update_fields=["last_login"])
    assert about(AuditAction.ADMIN_GRANTED, employee).details == {"right": "staff"}
    assert not entries(AuditAction.ADMIN_REVOKED)


def test_a_new_superuser_is_recorded(db):
    newcomer = UserFactory(username="root2", is_superuser=True, is_staff=True)
    rights = sorted(entry.details["right"] for entry in AuditEntry.objects.filter(target=newcomer))
    assert rights == ["site_admin", "staff"]


def test_admin_group_membership_is_recorded_both_ways_and_on_clear(
    employee, reader, site_admins_group
):
    employee.groups.add(site_admins_group)
    employee.groups.remove(site_admins_group)
    site_admins_group.user_set.add(reader)
    reader.groups.clear()
    assert [e.details["group"] for e in entries(AuditAction.ADMIN_GRANTED)] == [
        "Site admins",
        "Site admins",
    ]
    assert [e.target for e in entries(AuditAction.ADMIN_REVOKED)] == [employee, reader]


def test_groups_without_admin_access_are_not_admin_rights(employee, open_space):
    bloggers = Group.objects.create(name="Bloggers")
    employee.groups.add(bloggers)
    employee.groups.remove(bloggers)
    actions.set_member_role(open_space, employee, Role.EDITOR)
    assert not AuditEntry.objects.filter(action__startswith="admin.").exists()


def test_leaving_a_group_one_was_never_in_records_nothing(employee, site_admins_group):
    employee.groups.remove(site_admins_group)
    assert not entries(AuditAction.ADMIN_REVOKED)


def test_admin_access_given_directly_is_recorded(employee):
    employee.user_permissions.add(admin_access())
    employee.user_permissions.remove(admin_access())
    assert about(AuditAction.ADMIN_GRANTED, employee).details == {"right": "admin_access"}
    assert about(AuditAction.ADMIN_REVOKED, employee).details == {"right": "admin_access"}


def test_a_change_of_a_groups_permissions_is_recorded(db):
    group = Group.objects.create(name="Helpdesk")
    group.permissions.add(admin_access())
    group.permissions.remove(admin_access())
    added, removed = entries(AuditAction.GROUP_CHANGED)
    assert added.details == {"group": "Helpdesk", "added": ["wagtailadmin.access_admin"]}
    assert removed.details == {"group": "Helpdesk", "removed": ["wagtailadmin.access_admin"]}


# --- from where -----------------------------------------------------------------------------


def test_a_forwarded_address_is_ignored_unless_the_proxy_is_trusted(settings, browser_for, reader):
    browser = browser_for(reader)
    browser.post("/feeds/token/", HTTP_X_FORWARDED_FOR="198.51.100.9")
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    browser.post("/feeds/token/", HTTP_X_FORWARDED_FOR="198.51.100.9")
    spoofed, forwarded = AuditEntry.objects.filter(target=reader).order_by("pk")
    assert spoofed.ip_address == IP
    assert forwarded.ip_address == "198.51.100.9"


def test_an_entry_after_the_request_has_no_address(browser_for, reader, employee):
    browser_for(reader).get("/feeds/")
    entry = record(AuditAction.ADMIN_GRANTED, actor=None, target=employee)
    assert entry.ip_address is None and entry.user_agent == ""


def test_the_origin_of_an_asgi_request_is_read_from_its_scope():
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/feeds/token/",
        "query_string": b"",
        "headers": [(b"user-agent", b"AsgiTest/1.0")],
        "client": ("192.0.2.44", 51000),
        "server": ("testserver", 80),
    }
    remember_request(sender=None, scope=scope)
    try:
        origin = current_origin()
    finally:
        forget_request(sender=None)
    assert (origin.ip_address, origin.user_agent) == ("192.0.2.44", "AsgiTest/1.0")
    assert current_origin().ip_address is None
