"""The SCIM 2.0 endpoints (RFC 7644 §3): Users and Groups, and the three discovery
documents. Each view parses, finds the resource and calls `scim.actions`; every error is
a SCIM error message (`scim.protocol`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from profiles.actions import Provisioned, UsernameTaken
from scim import actions
from scim.discovery import (
    MAX_RESULTS,
    SCHEMAS,
    resource_types,
    schema_document,
    service_provider_config,
)
from scim.filters import filter_query
from scim.models import DirectoryGroup
from scim.patch import apply_operation, parse_operations
from scim.protocol import LIST_SCHEMA, ScimError, ScimView, invalid_value, not_found
from scim.resources import (
    GROUP_FILTERS,
    GROUP_SCHEMAS,
    USER_FILTERS,
    USER_SCHEMAS,
    UserInput,
    group_input,
    group_resource,
    groups,
    user_input,
    user_resource,
    users,
)


def _integer(request: Request, name: str, default: int) -> int:
    value = request.query_params.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise invalid_value(_("“%(name)s” must be a number.") % {"name": name}) from None


def list_response(
    request: Request, found: QuerySet, resource: Callable[[object], dict]
) -> Response:
    """One page of `found` as a ListResponse: `startIndex` counts from 1, `count` is at
    most MAX_RESULTS (RFC 7644 §3.4.2.4). A start beyond the last result is an empty page
    without a query: a huge one would overflow the database's integers."""
    start = max(_integer(request, "startIndex", 1), 1)
    count = min(max(_integer(request, "count", MAX_RESULTS), 0), MAX_RESULTS)
    total = found.count()
    page = list(found[start - 1 : start - 1 + count]) if count and start <= total else []
    return Response(
        {
            "schemas": [LIST_SCHEMA],
            "totalResults": total,
            "startIndex": start,
            "itemsPerPage": len(page),
            "Resources": [resource(item) for item in page],
        }
    )


def _listed(resources: Iterable[dict]) -> Response:
    items = list(resources)
    return Response(
        {
            "schemas": [LIST_SCHEMA],
            "totalResults": len(items),
            "startIndex": 1,
            "itemsPerPage": len(items),
            "Resources": items,
        }
    )


def _by_id(found: QuerySet, resource_id: str):
    """The resource `resource_id` (a number as text) of `found`, else a 404."""
    if not resource_id.isdigit() or len(resource_id) > 18:
        raise not_found()
    item = found.filter(pk=int(resource_id)).first()
    if item is None:
        raise not_found()
    return item


def _uniqueness(detail: str) -> ScimError:
    return ScimError(status.HTTP_409_CONFLICT, detail, "uniqueness")


def _save_user(found: UserInput, *, user=None) -> Provisioned:
    """Provision the person; a userName someone else has is a 409 (RFC 7644 §3.3)."""
    try:
        return actions.provision_user(
            found.attributes,
            department=found.department,
            external_id=found.external_id,
            user=user,
        )
    except UsernameTaken as error:
        raise _uniqueness(" ".join(error.messages)) from None
    except IntegrityError:  # the same userName at the same moment
        raise _uniqueness(_("This userName is taken.")) from None


# --- discovery --------------------------------------------------------------------------------


class ServiceProviderConfigView(ScimView):
    def get(self, request: Request) -> Response:
        return Response(service_provider_config(request))


class ResourceTypesView(ScimView):
    def get(self, request: Request, name: str | None = None) -> Response:
        types = resource_types(request)
        if name is None:
            return _listed(types)
        for resource_type in types:
            if resource_type["id"] == name:
                return Response(resource_type)
        raise not_found()


class SchemasView(ScimView):
    def get(self, request: Request, urn: str | None = None) -> Response:
        if urn is None:
            return _listed(schema_document(urn, request) for urn in SCHEMAS)
        if urn not in SCHEMAS:
            raise not_found()
        return Response(schema_document(urn, request))


class NotFoundView(ScimView):
    """Any other address under /scim/v2/: a SCIM 404, after the token check."""

    def get(self, request: Request, rest: str = "") -> Response:
        raise not_found()

    post = put = patch = delete = get


# --- users ------------------------------------------------------------------------------------


class UsersView(ScimView):
    def get(self, request: Request) -> Response:
        query = filter_query(request.query_params.get("filter"), USER_FILTERS)
        return list_response(
            request, users().filter(query), lambda user: user_resource(user, request)
        )

    @transaction.atomic
    def post(self, request: Request) -> Response:
        found = user_input(self.json_body(request))
        if "active" not in found.attributes:
            found.attributes["active"] = True
        result = _save_user(found)
        resource = user_resource(users().get(pk=result.user.pk), request)
        return Response(
            resource,
            status=status.HTTP_201_CREATED,
            headers={"Location": resource["meta"]["location"]},
        )


class UserView(ScimView):
    def get(self, request: Request, user_id: str) -> Response:
        return Response(user_resource(_by_id(users(), user_id), request))

    @transaction.atomic
    def put(self, request: Request, user_id: str) -> Response:
        user = _by_id(users(), user_id)
        _save_user(user_input(self.json_body(request)), user=user)
        return Response(user_resource(users().get(pk=user.pk), request))

    @transaction.atomic
    def patch(self, request: Request, user_id: str) -> Response:
        user = _by_id(users(), user_id)
        document = user_resource(user, request)
        for operation in parse_operations(self.json_body(request)):
            apply_operation(document, operation, USER_SCHEMAS)
        _save_user(user_input(document), user=user)
        return Response(user_resource(users().get(pk=user.pk), request))

    @transaction.atomic
    def delete(self, request: Request, user_id: str) -> Response:
        actions.deactivate_user(_by_id(users(), user_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- groups -----------------------------------------------------------------------------------


def _with_members(request: Request) -> bool:
    """Entra ID leaves members out (`excludedAttributes=members`) when it only looks."""
    excluded = request.query_params.get("excludedAttributes", "")
    return "members" not in {name.strip().lower() for name in excluded.split(",")}


class GroupsView(ScimView):
    def get(self, request: Request) -> Response:
        query = filter_query(request.query_params.get("filter"), GROUP_FILTERS)
        with_members = _with_members(request)
        found = groups(with_members=with_members).filter(query).distinct()
        return list_response(
            request,
            found,
            lambda group: group_resource(group, request, with_members=with_members),
        )

    @transaction.atomic
    def post(self, request: Request) -> Response:
        found = group_input(self.json_body(request))
        group = actions.create_group(
            found.display_name, external_id=found.external_id or "", members=found.members or []
        )
        resource = group_resource(groups().get(pk=group.pk), request)
        return Response(
            resource,
            status=status.HTTP_201_CREATED,
            headers={"Location": resource["meta"]["location"]},
        )


def _save_group(group: DirectoryGroup, data: dict) -> None:
    found = group_input(data)
    actions.change_group(group, display_name=found.display_name, external_id=found.external_id)
    if found.members is not None:
        actions.set_group_members(group, found.members)


class GroupView(ScimView):
    def get(self, request: Request, group_id: str) -> Response:
        with_members = _with_members(request)
        group = _by_id(groups(with_members=with_members), group_id)
        return Response(group_resource(group, request, with_members=with_members))

    @transaction.atomic
    def put(self, request: Request, group_id: str) -> Response:
        group = _by_id(groups(with_members=False), group_id)
        _save_group(group, self.json_body(request))
        return Response(group_resource(groups().get(pk=group.pk), request))

    @transaction.atomic
    def patch(self, request: Request, group_id: str) -> Response:
        """Applies the operations to the group's name, external id and member ids; answers
        204, sparing a large group's member list."""
        group = _by_id(groups(with_members=False), group_id)
        document = {
            "displayName": group.display_name,
            "externalId": group.external_id,
            "members": [
                {"value": str(pk)}
                for pk in group.members.order_by("pk").values_list("pk", flat=True)
            ],
        }
        for operation in parse_operations(self.json_body(request)):
            apply_operation(document, operation, GROUP_SCHEMAS)
        _save_group(group, document)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @transaction.atomic
    def delete(self, request: Request, group_id: str) -> Response:
        actions.delete_group(_by_id(groups(with_members=False), group_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
