"""Users (RFC 7644 §3.3-3.6) as Entra ID and Okta provision them: look up by filter, create,
patch, replace, deactivate, reactivate, delete; and the errors they must get."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from api.actions import create_api_token
from audit.models import AuditAction, AuditEntry
from profiles.models import Department, Profile
from scim.models import DirectoryPerson
from tests.scim.conftest import ENTERPRISE, USER_SCHEMA, bearer, patch_op

User = get_user_model()


def new_user(**changes) -> dict:
    """A User as Entra ID sends it on create."""
    return {
        "schemas": [USER_SCHEMA, ENTERPRISE],
        "externalId": "0a1b-lena",
        "userName": "lena.koch@example.com",
        "active": True,
        "displayName": "Lena Koch",
        "title": "Platform engineer",
        "emails": [{"primary": True, "type": "work", "value": "lena.koch@example.com"}],
        "name": {"givenName": "Lena", "familyName": "Koch"},
        "phoneNumbers": [{"type": "work", "value": "+49 30 1234"}],
        ENTERPRISE: {"department": "Platform"},
        **changes,
    }


def entries(action) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action))


@pytest.fixture
def lena(scim):
    response = scim.post("Users", new_user())
    assert response.status_code == 201, response.content
    return User.objects.get(pk=response.json()["id"])


# --- create and find -----------------------------------------------------------------------


def test_entra_finds_nobody_then_creates_the_person_with_profile_and_department(scim):
    found = scim.get('Users?filter=userName eq "lena.koch@example.com"')
    assert found.status_code == 200 and found.json()["totalResults"] == 0

    response = scim.post("Users", new_user())

    assert response.status_code == 201
    assert response["Content-Type"].startswith("application/scim+json")
    body = response.json()
    assert response["Location"] == body["meta"]["location"]
    user = User.objects.get(pk=body["id"])
    profile = Profile.objects.select_related("department").get(user=user)
    assert (user.username, user.first_name, user.last_name, user.email) == (
        "lena.koch@example.com",
        "Lena",
        "Koch",
        "lena.koch@example.com",
    )
    assert (profile.job_title, profile.phone, profile.department.name) == (
        "Platform engineer",
        "+49 30 1234",
        "Platform",
    )
    assert not user.has_usable_password()
    assert DirectoryPerson.objects.get(user=user).external_id == "0a1b-lena"
    assert body["active"] is True and body[ENTERPRISE]["department"] == "Platform"
    [entry] = entries(AuditAction.PERSON_CREATED)
    assert entry.actor is None and entry.target == user


def test_a_person_is_found_by_username_in_any_case_and_by_external_id(scim, lena):
    by_name = scim.get('Users?filter=userName eq "Lena.Koch@EXAMPLE.com"').json()
    by_external = scim.get('Users?filter=externalId eq "0a1b-lena"').json()
    by_both = scim.get(
        'Users?filter=userName eq "lena.koch@example.com" and externalId eq "other"'
    ).json()
    assert [r["id"] for r in by_name["Resources"]] == [str(lena.pk)]
    assert [r["id"] for r in by_external["Resources"]] == [str(lena.pk)]
    assert by_both["totalResults"] == 0
    assert scim.get(f"Users/{lena.pk}").json()["userName"] == "lena.koch@example.com"


def test_an_existing_department_is_reused_by_name(scim):
    existing = Department.objects.create(name="Platform", slug="platform-team")
    response = scim.post("Users", new_user(**{ENTERPRISE: {"department": "platform"}}))
    assert Profile.objects.get(user_id=response.json()["id"]).department == existing
    assert Department.objects.count() == 1


def test_the_manager_is_set_by_id(scim, employee):
    body = new_user(**{ENTERPRISE: {"manager": {"value": str(employee.pk)}}})
    response = scim.post("Users", body)
    assert Profile.objects.get(user_id=response.json()["id"]).manager == employee
    assert response.json()[ENTERPRISE]["manager"]["value"] == str(employee.pk)


def test_the_list_pages_with_start_index_and_count(scim, reader, employee, outsider):
    everyone = scim.get("Users").json()
    page = scim.get("Users?startIndex=2&count=2").json()
    assert page["totalResults"] == everyone["totalResults"] >= 4
    assert page["startIndex"] == 2 and page["itemsPerPage"] == 2
    assert [r["id"] for r in page["Resources"]] == [r["id"] for r in everyone["Resources"][1:3]]
    assert scim.get("Users?count=0").json()["Resources"] == []


# --- patch, put -------------------------------------------------------------------------------


def test_entra_patches_attributes_with_paths_and_value_objects(scim, lena, employee):
    response = scim.patch(
        f"Users/{lena.pk}",
        patch_op(
            {"op": "Replace", "path": "title", "value": "Head of platform"},
            {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "lena@example.com"},
            {"op": "Add", "path": f"{ENTERPRISE}:manager", "value": str(employee.pk)},
            {
                "op": "Replace",
                "value": {"name.familyName": "Koch-Berg", f"{ENTERPRISE}:department": "SRE"},
            },
            {"op": "Remove", "path": 'phoneNumbers[type eq "work"].value'},
        ),
    )
    assert response.status_code == 200, response.content
    lena.refresh_from_db()
    profile = Profile.objects.select_related("department").get(user=lena)
    assert (lena.email, lena.last_name) == ("lena@example.com", "Koch-Berg")
    assert (profile.job_title, profile.manager, profile.department.name, profile.phone) == (
        "Head of platform",
        employee,
        "SRE",
        "",
    )
    [entry] = entries(AuditAction.PERSON_CHANGED)
    assert entry.actor is None and entry.target == lena
    assert entry.details["job_title"] == {
        "before": "Platform engineer",
        "after": "Head of platform",
    }
    assert entry.details["manager"] == {"before": None, "after": "employee"}


def test_a_patch_that_changes_nothing_writes_nothing(scim, lena):
    response = scim.patch(
        f"Users/{lena.pk}",
        patch_op({"op": "replace", "path": "title", "value": "Platform engineer"}),
    )
    assert response.status_code == 200
    assert entries(AuditAction.PERSON_CHANGED) == []


def test_removing_the_work_phone_clears_it_though_a_mobile_number_stays(scim, lena):
    scim.patch(
        f"Users/{lena.pk}",
        patch_op(
            {"op": "Add", "path": 'phoneNumbers[type eq "mobile"].value', "value": "+49 170"},
            {"op": "Remove", "path": 'phoneNumbers[type eq "work"].value'},
        ),
    )
    assert Profile.objects.get(user=lena).phone == ""


def test_removing_the_manager_clears_it(scim, lena, employee):
    Profile.objects.filter(user=lena).update(manager=employee)
    scim.patch(f"Users/{lena.pk}", patch_op({"op": "Remove", "path": f"{ENTERPRISE}:manager"}))
    assert Profile.objects.get(user=lena).manager is None


def test_okta_replaces_the_whole_user_with_put(scim, lena):
    body = new_user(
        userName="lena.berg@example.com", name={"givenName": "Lena", "familyName": "Berg"}
    )
    response = scim.put(f"Users/{lena.pk}", body)
    assert response.status_code == 200
    lena.refresh_from_db()
    assert (lena.username, lena.last_name) == ("lena.berg@example.com", "Berg")


# --- leaving and coming back --------------------------------------------------------------


def test_entra_deactivates_with_active_false_and_the_person_is_signed_out_and_tokens_end(
    scim, lena, django_capture_on_commit_callbacks
):
    signed_in = Client()
    signed_in.force_login(lena)
    _token, raw = create_api_token(lena, name="script")

    with django_capture_on_commit_callbacks(execute=True):
        response = scim.patch(
            f"Users/{lena.pk}", patch_op({"op": "Replace", "path": "active", "value": "False"})
        )

    assert response.status_code == 200 and response.json()["active"] is False
    lena.refresh_from_db()
    assert not lena.is_active
    assert signed_in.get("/people/").status_code == 302
    assert bearer(raw).get("/api/v1/me/").status_code == 401
    [entry] = entries(AuditAction.PERSON_DEACTIVATED)
    assert entry.actor is None and entry.target == lena


def test_okta_reactivates_with_a_value_object(scim, lena):
    scim.patch(f"Users/{lena.pk}", patch_op({"op": "replace", "value": {"active": False}}))
    response = scim.patch(
        f"Users/{lena.pk}", patch_op({"op": "replace", "value": {"active": True}})
    )
    assert response.json()["active"] is True
    lena.refresh_from_db()
    assert lena.is_active
    assert len(entries(AuditAction.PERSON_REACTIVATED)) == 1


def test_delete_deactivates_and_the_person_stays_readable(scim, lena):
    response = scim.delete(f"Users/{lena.pk}")
    assert response.status_code == 204
    lena.refresh_from_db()
    assert not lena.is_active
    assert scim.get(f"Users/{lena.pk}").json()["active"] is False
    assert len(entries(AuditAction.PERSON_DEACTIVATED)) == 1


def test_a_person_created_inactive_is_made_inactive(scim):
    response = scim.post("Users", new_user(active=False))
    assert User.objects.get(pk=response.json()["id"]).is_active is False


# --- errors -------------------------------------------------------------------------------------


def error(response) -> tuple[int, str | None]:
    body = response.json()
    assert body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert body["status"] == str(response.status_code)
    return response.status_code, body.get("scimType")


def test_a_duplicate_username_is_a_409_in_any_case(scim, lena):
    assert error(scim.post("Users", new_user())) == (409, "uniqueness")
    assert error(scim.post("Users", new_user(userName="LENA.KOCH@example.com"))) == (
        409,
        "uniqueness",
    )
    assert User.objects.filter(username__iexact="lena.koch@example.com").count() == 1


def test_renaming_to_someone_elses_username_is_a_409(scim, lena, employee):
    response = scim.patch(
        f"Users/{lena.pk}", patch_op({"op": "replace", "path": "userName", "value": "Employee"})
    )
    assert error(response) == (409, "uniqueness")


@pytest.mark.parametrize(
    "query",
    [
        'userName co "lena"',
        "userName eq",
        'userName eq "a" or userName eq "b"',
        '(userName eq "a")',
        'userName eq "unterminated',
        'password eq "x"',
        'emails[type eq "work"',
    ],
)
def test_a_malformed_or_unsupported_filter_is_a_400(scim, query):
    assert error(scim.get("Users", data={"filter": query})) == (400, "invalidFilter")


@pytest.mark.parametrize(
    ("body", "scim_type"),
    [
        ("{not json", "invalidSyntax"),
        ("[1, 2]", "invalidSyntax"),
        ({"emails": []}, "invalidValue"),
        (
            {"userName": "ok", "emails": [{"value": "not-an-email", "primary": True}]},
            "invalidValue",
        ),
        ({"userName": "ok", "active": "maybe"}, "invalidValue"),
        ({"userName": "has space"}, "invalidValue"),
        ({"userName": "ok", "name": "Lena"}, "invalidValue"),
        ({"userName": "ok", "title": {"x": 1}}, "invalidValue"),
        ({"userName": "ok", ENTERPRISE: {"manager": {"value": "999999"}}}, "invalidValue"),
        ({"userName": "ok", ENTERPRISE: {"manager": "abc"}}, "invalidValue"),
        ({"userName": "ok", ENTERPRISE: "Platform"}, "invalidValue"),
    ],
)
def test_bad_input_is_a_400_that_names_the_problem(scim, body, scim_type):
    assert error(scim.post("Users", body)) == (400, scim_type)
    assert not User.objects.filter(username="ok").exists()


@pytest.mark.parametrize(
    "body",
    [
        {"Operations": [{"op": "replace", "path": "title", "value": "x"}]},
        patch_op({"op": "move", "path": "title"}),
        patch_op({"op": "remove"}),
        patch_op({"op": "replace", "path": "title[["}),
        patch_op({"op": "replace", "value": "not an object"}),
        patch_op({"op": "replace", "path": 'emails[type zz "work"].value', "value": "a@b.c"}),
        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": []},
    ],
)
def test_a_bad_patch_is_a_400_and_changes_nothing(scim, lena, body):
    response = scim.patch(f"Users/{lena.pk}", body)
    assert response.status_code == 400
    error(response)
    lena.refresh_from_db()
    assert lena.is_active and Profile.objects.get(user=lena).job_title == "Platform engineer"


def test_a_manager_loop_is_a_400(scim, lena, employee):
    Profile.objects.filter(user=employee).update(manager=lena)
    response = scim.patch(
        f"Users/{lena.pk}",
        patch_op(
            {"op": "replace", "path": f"{ENTERPRISE}:manager", "value": {"value": str(employee.pk)}}
        ),
    )
    assert error(response) == (400, "invalidValue")
    assert Profile.objects.get(user=lena).manager is None


def test_paging_parameters_that_are_no_numbers_are_a_400(scim):
    assert error(scim.get("Users?count=ten")) == (400, "invalidValue")


@pytest.mark.parametrize("user_id", ["999999", "abc", "1" * 30])
def test_an_unknown_user_is_a_scim_404(scim, user_id):
    for response in (
        scim.get(f"Users/{user_id}"),
        scim.put(f"Users/{user_id}", new_user()),
        scim.patch(f"Users/{user_id}", patch_op({"op": "replace", "path": "title", "value": "x"})),
        scim.delete(f"Users/{user_id}"),
    ):
        assert error(response) == (404, None)
