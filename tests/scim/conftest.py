"""A directory sync token and a client that calls /scim/v2/ as an identity provider does:
`scim.get("Users?filter=...")`, `scim.post("Users", {...})`, with the SCIM content type."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from django.test import Client

from api.actions import create_service_token
from tests.factories import UserFactory

SCIM_TYPE = "application/scim+json"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


@dataclass
class ScimClient:
    """Sends JSON bodies with the SCIM content type to /scim/v2/<path>."""

    client: Client

    def call(self, method: str, path: str, body=None, **kwargs):
        data = body if isinstance(body, str | bytes) or body is None else json.dumps(body)
        return getattr(self.client, method)(
            f"/scim/v2/{path}", data=data, content_type=SCIM_TYPE, **kwargs
        )

    def get(self, path: str, **kwargs):
        return self.client.get(f"/scim/v2/{path}", **kwargs)

    def post(self, path: str, body=None, **kwargs):
        return self.call("post", path, body, **kwargs)

    def put(self, path: str, body=None, **kwargs):
        return self.call("put", path, body, **kwargs)

    def patch(self, path: str, body=None, **kwargs):
        return self.call("patch", path, body, **kwargs)

    def delete(self, path: str, **kwargs):
        return self.client.delete(f"/scim/v2/{path}", **kwargs)


def bearer(raw: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture
def sync_account(db):
    """The service account the identity provider acts as."""
    return UserFactory(username="entra-sync", first_name="", last_name="")


@pytest.fixture
def directory_token(site_admin, sync_account):
    """(ApiToken, raw) of a directory sync token, made by a site admin."""
    return create_service_token(sync_account, name="Entra ID", scope="directory", actor=site_admin)


@pytest.fixture
def scim(directory_token) -> ScimClient:
    return ScimClient(bearer(directory_token[1]))


def patch_op(*operations: dict) -> dict:
    return {"schemas": [PATCH_OP], "Operations": list(operations)}
