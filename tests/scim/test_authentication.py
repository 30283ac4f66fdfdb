"""/scim/v2/ answers only a directory sync token; everything else is a 401 with a SCIM error
message. A directory token in turn opens nothing but /scim/v2/."""

from __future__ import annotations

import pytest
from django.test import Client

from api.actions import create_api_token, create_service_token, revoke_api_token
from tests.scim.conftest import ScimClient, bearer

ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


def assert_scim_401(response) -> None:
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/scim+json")
    body = response.json()
    assert body["schemas"] == [ERROR] and body["status"] == "401"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_call_without_a_token_is_a_401(db):
    assert_scim_401(Client().get("/scim/v2/Users"))


def test_a_wrong_token_is_a_401(db):
    assert_scim_401(bearer("itk_" + "x" * 43).get("/scim/v2/Users"))
    assert_scim_401(Client(headers={"Authorization": "Bearer"}).get("/scim/v2/Users"))


def test_a_personal_token_is_refused_even_a_site_admins(reader, site_admin):
    for user, scope in ((reader, "read"), (reader, "write"), (site_admin, "write")):
        _token, raw = create_api_token(user, scope=scope, name="mine")
        assert_scim_401(bearer(raw).get("/scim/v2/Users"))


def test_a_read_or_write_service_token_is_refused(site_admin, sync_account):
    for scope in ("read", "write"):
        _token, raw = create_service_token(sync_account, name="bot", scope=scope, actor=site_admin)
        assert_scim_401(bearer(raw).get("/scim/v2/Users"))


def test_a_session_is_not_enough_even_for_a_site_admin(client_for, site_admin):
    response = client_for(site_admin).get("/scim/v2/Users")
    assert_scim_401(response)
    # Nor does a signed-in browser write without a token (and never reaches CSRF).
    posted = client_for(site_admin).post(
        "/scim/v2/Users", data={"userName": "x"}, content_type="application/scim+json"
    )
    assert_scim_401(posted)


def test_a_revoked_directory_token_is_a_401(directory_token, scim):
    token, _raw = directory_token
    assert scim.get("Users").status_code == 200
    revoke_api_token(token, actor=None)
    assert_scim_401(scim.get("Users"))


def test_a_token_whose_account_left_is_a_401(directory_token, sync_account, scim):
    sync_account.is_active = False
    sync_account.save()
    assert_scim_401(scim.get("Users"))


def test_the_rest_api_refuses_a_directory_token(directory_token):
    client = bearer(directory_token[1])
    assert client.get("/api/v1/me/").status_code == 401
    assert client.get("/api/v1/posts/").status_code == 401
    assert client.post("/api/v1/spaces/", {}, content_type="application/json").status_code == 401


def test_a_directory_token_works_without_a_session_or_csrf(directory_token):
    client = Client(
        enforce_csrf_checks=True, headers={"Authorization": f"Bearer {directory_token[1]}"}
    )
    response = ScimClient(client).post("Users", {"userName": "nora"})
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("delete", "Users"),
        ("put", "Groups"),
        ("post", "ServiceProviderConfig"),
        ("delete", "Schemas"),
    ],
)
def test_a_wrong_method_is_a_scim_405(scim, method, path):
    response = getattr(scim, method)(path)
    assert response.status_code == 405
    assert response.json()["schemas"] == [ERROR]


def test_an_unknown_address_is_a_scim_404_after_the_token_check(scim, db):
    assert scim.get("Nothing/here").json()["status"] == "404"
    assert_scim_401(Client().get("/scim/v2/Nothing/here"))


def test_discovery_documents_describe_users_groups_and_the_enterprise_extension(scim):
    config = scim.get("ServiceProviderConfig").json()
    assert config["patch"]["supported"] and config["filter"]["supported"]
    assert not config["bulk"]["supported"]
    types = {t["id"]: t for t in scim.get("ResourceTypes").json()["Resources"]}
    assert types["User"]["endpoint"] == "/Users" and types["Group"]["endpoint"] == "/Groups"
    assert (
        scim.get("ResourceTypes/User")
        .json()["schemaExtensions"][0]["schema"]
        .endswith("enterprise:2.0:User")
    )
    schemas = {s["id"] for s in scim.get("Schemas").json()["Resources"]}
    assert len(schemas) == 3
    user_schema = scim.get("Schemas/urn:ietf:params:scim:schemas:core:2.0:User").json()
    assert "userName" in {a["name"] for a in user_schema["attributes"]}
    assert scim.get("Schemas/urn:nope").status_code == 404
    assert scim.get("ResourceTypes/Nope").status_code == 404


def test_the_tenant_url_may_be_entered_with_a_trailing_slash(scim):
    for path in ("/scim/v2//Users", "/scim/v2/Users/", "/scim/v2/Users"):
        assert scim.client.get(path).status_code == 200, path
    assert (
        scim.get("Users")
        .json()["Resources"][0]["meta"]["location"]
        .startswith("http://testserver/scim/v2/Users/")
    )
