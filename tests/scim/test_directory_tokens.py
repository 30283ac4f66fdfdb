"""Directory sync tokens: made by site admins only, on the service token page, for an
account that is not a site admin; never a personal token."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError

from api.actions import create_api_token
from api.models import ApiToken, Scope
from tests.scim.conftest import bearer

RAW = re.compile(r'value="(itk_[-\w]{43})"')


def make_service_token(client, account: str, scope: str = "directory"):
    return client.post(
        "/api/tokens/service/",
        {
            "service-account": account,
            "service-name": "Entra ID provisioning",
            "service-scope": scope,
            "service-expires": "365",
        },
    )


def test_a_site_admin_makes_a_directory_token_that_works_only_for_scim(
    client_for, site_admin, sync_account
):
    response = make_service_token(client_for(site_admin), "entra-sync")

    assert response.status_code == 201
    raw = RAW.search(response.content.decode()).group(1)
    token = ApiToken.objects.get(user=sync_account)
    assert (token.scope, token.service, token.created_by) == (Scope.DIRECTORY, True, site_admin)
    assert bearer(raw).get("/scim/v2/Users").status_code == 200
    assert bearer(raw).get("/api/v1/me/").status_code == 401
    page = client_for(site_admin).get("/api/tokens/").content.decode()
    assert "directory sync (SCIM)" in page and "Directory sync" in page


def test_people_cannot_make_a_directory_token_for_themselves(client_for, reader):
    client = client_for(reader)
    response = client.post("/api/tokens/", {"name": "sync", "scope": "directory", "expires": ""})
    assert response.status_code == 400
    assert "Directory sync" not in client.get("/api/tokens/").content.decode()
    assert make_service_token(client, "reader").status_code == 403
    assert not ApiToken.objects.exists()


def test_a_site_admins_account_cannot_carry_a_directory_token(client_for, site_admin):
    response = make_service_token(client_for(site_admin), "siteadmin")
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_a_personal_directory_token_is_refused_by_the_action_and_the_database(reader):
    with pytest.raises(PermissionDenied):
        create_api_token(reader, name="sneaky", scope=Scope.DIRECTORY)
    with pytest.raises(IntegrityError):
        ApiToken.objects.create(
            user=reader, name="sneaky", scope=Scope.DIRECTORY, token_hash="x" * 64, prefix="itk_x"
        )


def test_the_service_form_needs_post(client_for, site_admin):
    assert client_for(site_admin).get("/api/tokens/service/").status_code == 405
