"""Spaces and memberships through the API: what the spaces pages show, the way they act."""

from __future__ import annotations

from audit.models import AuditAction, AuditEntry
from intranet.models import Membership, Role
from tests.factories import make_space


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [space["slug"] for space in response.json()["results"]]


def test_an_outsider_lists_only_open_spaces(api, open_space, private_space, outsider):
    assert slugs(api(outsider).get("/api/v1/spaces/")) == ["open-kitchen"]


def test_a_member_lists_the_members_only_space_with_their_role(
    api, open_space, private_space, reader
):
    response = api(reader).get("/api/v1/spaces/")
    assert slugs(response) == ["open-kitchen", "zanzibar-secret"]
    assert {s["my_role"] for s in response.json()["results"]} == {"reader"}


def test_a_site_admin_lists_every_space(api, open_space, private_space, site_admin):
    assert slugs(api(site_admin).get("/api/v1/spaces/")) == ["open-kitchen", "zanzibar-secret"]


def test_a_members_only_space_is_a_404_for_an_outsider(api, private_space, outsider):
    client = api(outsider, "write")
    assert client.get("/api/v1/spaces/zanzibar-secret/").status_code == 404
    assert client.get("/api/v1/spaces/zanzibar-secret/members/").status_code == 404
    assert client.post("/api/v1/spaces/zanzibar-secret/join/").status_code == 404
    assert client.post("/api/v1/spaces/zanzibar-secret/leave/").status_code == 404
    response = client.post(
        "/api/v1/spaces/zanzibar-secret/members/",
        {"usernames": ["outsider"], "role": "admin"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not Membership.objects.filter(space=private_space, user=outsider).exists()


def test_a_member_reads_the_members_only_space_and_its_members(api, private_space, reader):
    client = api(reader)
    assert client.get("/api/v1/spaces/zanzibar-secret/").json()["visibility"] == "members"
    members = client.get("/api/v1/spaces/zanzibar-secret/members/").json()
    assert members["count"] == 4
    assert {m["person"]["username"] for m in members["results"]} >= {"reader", "editor"}


def test_joining_an_open_space_goes_through_the_action(api, open_space, outsider):
    response = api(outsider, "write").post(
        "/api/v1/spaces/open-kitchen/join/", {"message": ""}, content_type="application/json"
    )
    assert response.json() == {"outcome": "member"}
    assert open_space.role_of(outsider) == open_space.member_role
    entry = AuditEntry.objects.get(action=AuditAction.MEMBERSHIP_ADDED, target=outsider)
    assert entry.actor == outsider


def test_joining_an_invitation_only_space_is_refused(api, site_tree, outsider):
    make_space("Board", slug="board", join_policy="invite")
    response = api(outsider, "write").post(
        "/api/v1/spaces/board/join/", content_type="application/json"
    )
    assert response.status_code == 403
    assert "invitation" in response.json()["detail"]


def test_joining_an_approval_space_asks_the_moderators(api, site_tree, outsider):
    space = make_space("Choir", slug="choir", join_policy="approval")
    response = api(outsider, "write").post(
        "/api/v1/spaces/choir/join/", content_type="application/json"
    )
    assert response.json() == {"outcome": "requested"}
    assert space.join_requests.filter(user=outsider).exists()


def test_the_last_space_admin_cannot_leave(api, open_space, space_admin):
    response = api(space_admin, "write").post("/api/v1/spaces/open-kitchen/leave/")
    assert response.status_code == 400
    assert open_space.role_of(space_admin) == Role.ADMIN


def test_leaving_a_space_one_is_not_in_says_so(api, open_space, outsider):
    response = api(outsider, "write").post("/api/v1/spaces/open-kitchen/leave/")
    assert response.json() == {"outcome": "not_member"}


def test_a_moderator_adds_colleagues(api, open_space, moderator, outsider, employee):
    response = api(moderator, "write").post(
        "/api/v1/spaces/open-kitchen/members/",
        {"usernames": ["outsider", "employee"], "role": "editor"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert {m["person"]["username"] for m in response.json()} == {"outsider", "employee"}
    assert open_space.role_of(outsider) == Role.EDITOR
    entry = AuditEntry.objects.filter(action=AuditAction.MEMBERSHIP_ADDED, target=outsider).get()
    assert entry.actor == moderator


def test_a_moderator_cannot_make_space_admins(api, open_space, moderator, outsider):
    response = api(moderator, "write").post(
        "/api/v1/spaces/open-kitchen/members/",
        {"usernames": ["outsider"], "role": "admin"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert open_space.role_of(outsider) is None


def test_a_reader_cannot_add_members(api, open_space, reader, outsider):
    response = api(reader, "write").post(
        "/api/v1/spaces/open-kitchen/members/",
        {"usernames": ["outsider"], "role": "reader"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_adding_an_unknown_person_is_a_400_with_the_field_error(api, open_space, moderator):
    response = api(moderator, "write").post(
        "/api/v1/spaces/open-kitchen/members/",
        {"usernames": ["nobody-of-that-name"], "role": "reader"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "usernames" in response.json()
    bad_shape = api(moderator, "write").post(
        "/api/v1/spaces/open-kitchen/members/", [1, 2], content_type="application/json"
    )
    assert bad_shape.status_code == 400


def test_a_moderator_changes_a_role_and_removes_a_member(api, open_space, moderator, reader):
    client = api(moderator, "write")
    response = client.patch(
        "/api/v1/spaces/open-kitchen/members/reader/",
        {"role": "editor"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert open_space.role_of(reader) == Role.EDITOR
    assert client.delete("/api/v1/spaces/open-kitchen/members/reader/").status_code == 204
    assert open_space.role_of(reader) is None
    assert client.delete("/api/v1/spaces/open-kitchen/members/reader/").status_code == 404


def test_a_moderator_cannot_remove_the_space_admin(api, open_space, moderator, space_admin):
    response = api(moderator, "write").delete("/api/v1/spaces/open-kitchen/members/spaceadmin/")
    assert response.status_code == 403
    assert open_space.role_of(space_admin) == Role.ADMIN
