"""What an identity provider reads to learn what this service does (RFC 7644 §4):
ServiceProviderConfig, ResourceTypes and Schemas (the attributes of RFC 7643 §4 and §8.7
that `scim.resources` maps)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework.request import Request

from scim.resources import ENTERPRISE_SCHEMA, GROUP_SCHEMA, USER_SCHEMA

MAX_RESULTS = 200
SCHEMA_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema"
RESOURCE_TYPE_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
CONFIG_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"


def service_provider_config(request: Request) -> dict:
    return {
        "schemas": [CONFIG_SCHEMA],
        "documentationUri": request.build_absolute_uri(reverse("api:tokens")),
        "patch": {"supported": True},
        "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": True, "maxResults": MAX_RESULTS},
        "changePassword": {"supported": False},
        "sort": {"supported": False},
        "etag": {"supported": False},
        "authenticationSchemes": [
            {
                "type": "oauthbearertoken",
                "name": "Bearer token",
                "description": "A directory sync token, made by a site admin on the API "
                "tokens page, sent as “Authorization: Bearer <token>”.",
                "primary": True,
            }
        ],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": request.build_absolute_uri(reverse("scim:service_provider_config")),
        },
    }


def resource_types(request: Request) -> list[dict]:
    def resource_type(name: str, endpoint: str, schema: str, extensions: list[dict]) -> dict:
        return {
            "schemas": [RESOURCE_TYPE_SCHEMA],
            "id": name,
            "name": name,
            "endpoint": endpoint,
            "schema": schema,
            "schemaExtensions": extensions,
            "meta": {
                "resourceType": "ResourceType",
                "location": request.build_absolute_uri(reverse("scim:resource_type", args=[name])),
            },
        }

    return [
        resource_type(
            "User", "/Users", USER_SCHEMA, [{"schema": ENTERPRISE_SCHEMA, "required": False}]
        ),
        resource_type("Group", "/Groups", GROUP_SCHEMA, []),
    ]


def _attribute(name: str, kind: str = "string", **options: Any) -> dict:
    sub = options.pop("sub", None)
    attribute = {
        "name": name,
        "type": kind,
        "multiValued": options.pop("multi", False),
        "required": options.pop("required", False),
        "caseExact": options.pop("case_exact", False),
        "mutability": options.pop("mutability", "readWrite"),
        "returned": "default",
        "uniqueness": options.pop("uniqueness", "none"),
        "description": options.pop("description", ""),
    }
    if sub:
        attribute["subAttributes"] = sub
    return attribute


def _typed_values(types: list[str]) -> list[dict]:
    return [
        _attribute("value"),
        {**_attribute("type"), "canonicalValues": types},
        _attribute("primary", "boolean"),
    ]


SCHEMAS: dict[str, dict] = {
    USER_SCHEMA: {
        "name": "User",
        "description": "A person.",
        "attributes": [
            _attribute("userName", required=True, uniqueness="server"),
            _attribute("name", "complex", sub=[_attribute("givenName"), _attribute("familyName")]),
            _attribute("displayName"),
            _attribute("title", description="The job title."),
            _attribute("active", "boolean", description="False: the person has left."),
            _attribute("emails", "complex", multi=True, sub=_typed_values(["work"])),
            _attribute("phoneNumbers", "complex", multi=True, sub=_typed_values(["work"])),
            _attribute("externalId", case_exact=True),
        ],
    },
    ENTERPRISE_SCHEMA: {
        "name": "EnterpriseUser",
        "description": "The enterprise extension: department and manager.",
        "attributes": [
            _attribute("department", description="Made by name when missing."),
            _attribute(
                "manager",
                "complex",
                sub=[
                    _attribute("value", description="The manager's id."),
                    _attribute("displayName", mutability="readOnly"),
                ],
            ),
        ],
    },
    GROUP_SCHEMA: {
        "name": "Group",
        "description": "A directory group; site admins link groups to spaces.",
        "attributes": [
            _attribute("displayName", required=True),
            _attribute("externalId", case_exact=True),
            _attribute(
                "members",
                "complex",
                multi=True,
                sub=[
                    _attribute("value", mutability="immutable"),
                    _attribute("display", mutability="readOnly"),
                ],
            ),
        ],
    },
}


def schema_document(urn: str, request: Request) -> dict:
    return {
        "schemas": [SCHEMA_SCHEMA],
        "id": urn,
        **SCHEMAS[urn],
        "meta": {
            "resourceType": "Schema",
            "location": request.build_absolute_uri(reverse("scim:schema", args=[urn])),
        },
    }
