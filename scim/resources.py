"""Users and Groups as SCIM resources (RFC 7643): how a person and a directory group look to
an identity provider, and what the provider's JSON asks for.

What maps to what:

    userName                                  username (unique, case-insensitively)
    name.givenName, name.familyName           first and last name (else split displayName)
    displayName                               written from the names
    emails (the primary, else work)           e-mail
    title                                     job title
    phoneNumbers (work)                       phone
    active                                    deactivate/reactivate (leavers)
    externalId                                DirectoryPerson.external_id
    enterprise extension department           Department, made by name when missing
    enterprise extension manager.value        manager (the manager's SCIM id)

An attribute the JSON leaves out keeps its value ("not asserted", RFC 7644 §3.5.1); null
or "" clears it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework.request import Request

from profiles.actions import PersonAttributes
from profiles.forms import ImportRowForm
from profiles.models import Profile
from scim.filters import id_matches, matches
from scim.models import EXTERNAL_ID_LENGTH, DirectoryGroup, DirectoryPerson
from scim.patch import key_in
from scim.protocol import invalid_value

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
USER_SCHEMAS = (USER_SCHEMA, ENTERPRISE_SCHEMA)
GROUP_SCHEMAS = (GROUP_SCHEMA,)
DEPARTMENT_NAME_LENGTH = 200
GROUP_NAME_LENGTH = 255

#: What each filterable attribute (lower case) looks up.
USER_FILTERS = {
    "id": id_matches("pk"),
    "username": matches("username__iexact"),
    "externalid": matches("directory_entry__external_id"),
    "emails": matches("email__iexact"),
    "emails.value": matches("email__iexact"),
}
GROUP_FILTERS = {
    "id": id_matches("pk"),
    "displayname": matches("display_name__iexact"),
    "externalid": matches("external_id"),
    "members": id_matches("members__pk"),
    "members.value": id_matches("members__pk"),
}
# The form's fields under their SCIM names, for error messages.
SCIM_NAMES = {
    "username": "userName",
    "email": "emails",
    "first_name": "name.givenName",
    "last_name": "name.familyName",
    "job_title": "title",
    "phone": "phoneNumbers",
}
MISSING = object()


# --- reading ----------------------------------------------------------------------------------


def users() -> QuerySet:
    return (
        get_user_model()
        .objects.select_related(
            "profile", "profile__department", "profile__manager", "directory_entry"
        )
        .order_by("pk")
    )


def groups(*, with_members: bool = True) -> QuerySet:
    found = DirectoryGroup.objects.order_by("pk")
    if with_members:
        members = get_user_model().objects.order_by("pk")
        found = found.prefetch_related(Prefetch("members", queryset=members))
    return found


def _profile(user) -> Profile | None:
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


def _external_id(user) -> str:
    try:
        return user.directory_entry.external_id
    except DirectoryPerson.DoesNotExist:
        return ""


def _name(user) -> str:
    # Not `intranet.people.display_name`: it marks leavers, and the provider would see a
    # changed name.
    return user.get_full_name() or user.get_username()


def _meta(request: Request, kind: str, url_name: str, pk: int, created) -> dict:
    return {
        "resourceType": kind,
        "created": created.isoformat(),
        "location": request.build_absolute_uri(reverse(url_name, args=[pk])),
    }


def user_resource(user, request: Request) -> dict:
    """`user` as a SCIM User with the enterprise extension."""
    profile = _profile(user)
    resource: dict[str, Any] = {
        "schemas": list(USER_SCHEMAS),
        "id": str(user.pk),
        "userName": user.get_username(),
        "name": {
            "givenName": user.first_name,
            "familyName": user.last_name,
            "formatted": user.get_full_name(),
        },
        "displayName": _name(user),
        "active": user.is_active,
        "emails": [{"value": user.email, "type": "work", "primary": True}] if user.email else [],
        "meta": _meta(request, "User", "scim:user", user.pk, user.date_joined),
    }
    external_id = _external_id(user)
    if external_id:
        resource["externalId"] = external_id
    if profile is not None:
        resource["title"] = profile.job_title
        resource["phoneNumbers"] = (
            [{"value": profile.phone, "type": "work"}] if profile.phone else []
        )
        enterprise: dict[str, Any] = {}
        if profile.department is not None:
            enterprise["department"] = profile.department.name
        if profile.manager is not None:
            enterprise["manager"] = {
                "value": str(profile.manager.pk),
                "displayName": _name(profile.manager),
                "$ref": request.build_absolute_uri(reverse("scim:user", args=[profile.manager.pk])),
            }
        resource[ENTERPRISE_SCHEMA] = enterprise
    return resource


def group_resource(group: DirectoryGroup, request: Request, *, with_members: bool = True) -> dict:
    resource: dict[str, Any] = {
        "schemas": list(GROUP_SCHEMAS),
        "id": str(group.pk),
        "displayName": group.display_name,
        "meta": _meta(request, "Group", "scim:group", group.pk, group.created_at),
    }
    resource["meta"]["lastModified"] = group.updated_at.isoformat()
    if group.external_id:
        resource["externalId"] = group.external_id
    if with_members:
        resource["members"] = [
            {
                "value": str(member.pk),
                "display": _name(member),
                "$ref": request.build_absolute_uri(reverse("scim:user", args=[member.pk])),
            }
            for member in group.members.all()
        ]
    return resource


# --- writing ----------------------------------------------------------------------------------


@dataclass
class UserInput:
    """What a User resource asks for. `department` and `external_id`: None not asserted,
    "" cleared."""

    attributes: PersonAttributes
    department: str | None = None
    external_id: str | None = None


def get(data: dict, name: str, default: Any = MISSING) -> Any:
    """`data[name]`, the name compared regardless of case (as SCIM compares them)."""
    return data.get(key_in(data, name), default) if isinstance(data, dict) else default


def _text(value: Any, attribute: str) -> str:
    """A string attribute's value; null clears it. A NUL character is refused: PostgreSQL
    cannot store one (a 500), and no identity provider means one."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float) or "\x00" in str(value):
        raise invalid_value(_("“%(attribute)s” must be text.") % {"attribute": attribute})
    return str(value).strip()


def _boolean(value: Any) -> bool:
    """`active` as a boolean; Entra ID sends "True" and "False"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return value.strip().lower() == "true"
    raise invalid_value(_("“active” must be true or false."))


def _pick(items: Any, attribute: str, *preferred: str) -> str:
    """The value of the multi-valued attribute's item of the first `preferred` kind
    ("primary", a type such as "work", or "any" item); "" when there is none, or when the
    attribute is empty or null (cleared)."""
    if items is None:
        return ""
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise invalid_value(_("“%(attribute)s” must be a list.") % {"attribute": attribute})
    for kind in preferred:
        for item in items:
            if (
                kind == "any"
                or (kind == "primary" and get(item, "primary") is True)
                or str(get(item, "type", "")).lower() == kind
            ):
                return _text(get(item, "value", None), attribute)
    return ""


def _names(data: dict) -> dict[str, Any]:
    """givenName and familyName, else a displayName split at its last space."""
    name = get(data, "name")
    if isinstance(name, dict) and (
        get(name, "givenName") is not MISSING or get(name, "familyName") is not MISSING
    ):
        return {
            "first_name": get(name, "givenName", MISSING),
            "last_name": get(name, "familyName", MISSING),
        }
    if name is not MISSING and name is not None and not isinstance(name, dict):
        raise invalid_value(_("“name” must be an object."))
    display = get(data, "displayName")
    if isinstance(display, str) and display.strip():
        first, _space, last = display.strip().rpartition(" ")
        return {"first_name": first or last, "last_name": last if first else ""}
    return {}


def _form_values(data: dict) -> dict[str, str]:
    """The asserted attributes that the HR import's row form validates, as form data."""
    values: dict[str, Any] = {"username": get(data, "userName"), **_names(data)}
    values["job_title"] = get(data, "title")
    emails = get(data, "emails")
    if emails is not MISSING:
        values["email"] = _pick(emails, "emails", "primary", "work", "any")
    phones = get(data, "phoneNumbers")
    if phones is not MISSING:
        values["phone"] = _pick(phones, "phoneNumbers", "work")
    return {
        name: _text(value, SCIM_NAMES[name])
        for name, value in values.items()
        if value is not MISSING
    }


def user_input(data: dict) -> UserInput:
    """The person `data` (a User resource) describes, validated like a row of the HR
    import; any bad value is an invalidValue error that names the attribute."""
    if not isinstance(get(data, "userName", None), str) or not get(data, "userName").strip():
        raise invalid_value(_("“userName” is required."))
    values = _form_values(data)
    form = ImportRowForm(data={**values, "department": "", "manager": "", "active": ""})
    if not form.is_valid():
        raise invalid_value(
            " ".join(
                f"{SCIM_NAMES.get(field, field)}: {' '.join(messages)}"
                for field, messages in form.errors.items()
            )
        )
    attributes: PersonAttributes = {name: form.cleaned_data[name] for name in values}  # type: ignore[misc]
    active = get(data, "active")
    if active is not MISSING:
        attributes["active"] = _boolean(active)
    found = UserInput(attributes)
    _enterprise_input(get(data, ENTERPRISE_SCHEMA, None), found)
    external_id = get(data, "externalId")
    if external_id is not MISSING:
        found.external_id = _text(external_id, "externalId")[:EXTERNAL_ID_LENGTH]
    return found


def _enterprise_input(extension: Any, found: UserInput) -> None:
    """The department (by name) and manager (by SCIM id) of the enterprise extension."""
    if extension is None:
        return
    if not isinstance(extension, dict):
        raise invalid_value(_("The enterprise extension must be an object."))
    department = get(extension, "department")
    if department is not MISSING:
        found.department = _text(department, "department")
        if len(found.department) > DEPARTMENT_NAME_LENGTH:
            raise invalid_value(_("“department” is too long."))
    manager = get(extension, "manager")
    if manager is not MISSING:
        found.attributes["manager"] = _manager(manager)


def _manager(value: Any):
    """The manager a `manager` attribute names: {"value": id}, or the id alone (Entra ID
    patches it so); null, "" or {"value": null} for none."""
    if isinstance(value, dict):
        value = get(value, "value", None)
    ref = _text(value, "manager")
    if not ref:
        return None
    manager = people_with_ids([ref]).get(ref)
    if manager is None:
        raise invalid_value(_("There is no person with the id “%(id)s”.") % {"id": ref})
    return manager


def people_with_ids(ids) -> dict[str, Any]:
    """The people whose SCIM ids (primary keys as text) are in `ids`, by id; an id that is
    no number, or nobody's, is left out."""
    numbers = {int(value) for value in ids if value.isdigit() and len(value) <= 18}
    return {str(user.pk): user for user in get_user_model().objects.filter(pk__in=numbers)}


@dataclass
class GroupInput:
    """What a Group resource asks for; None: not asserted."""

    display_name: str | None = None
    external_id: str | None = None
    members: list | None = None


def group_input(data: dict, *, require_name: bool = True) -> GroupInput:
    found = GroupInput()
    name = get(data, "displayName")
    if name is not MISSING or require_name:
        found.display_name = _text(name if name is not MISSING else None, "displayName")
        if not found.display_name or len(found.display_name) > GROUP_NAME_LENGTH:
            raise invalid_value(_("“displayName” is required, at most 255 characters."))
    external_id = get(data, "externalId")
    if external_id is not MISSING:
        found.external_id = _text(external_id, "externalId")[:EXTERNAL_ID_LENGTH]
    members = get(data, "members")
    if members is not MISSING:
        found.members = _members(members)
    return found


def _members(value: Any) -> list:
    """The people a `members` list names; an unknown id is an invalidValue error."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise invalid_value(_('“members” must be a list of {"value": id}.'))
    ids = [_text(get(item, "value", None), "members") for item in value]
    found = people_with_ids(ids)
    unknown = sorted(set(ids) - set(found))
    if unknown:
        raise invalid_value(
            _("There is no person with the id “%(id)s”.") % {"id": ", ".join(unknown)}
        )
    return [found[pk] for pk in dict.fromkeys(ids)]
