"""PATCH (RFC 7644 §3.5.2): the operations add, replace and remove, with a path or with a
value object and no path, as Entra ID and Okta send them (Entra writes "Replace" and
sends booleans as "False").

A user is patched as a document: its current SCIM representation, changed operation by
operation, then saved like a PUT. A removed attribute becomes None (cleared); attributes
the operations do not name keep their values. Attribute names are case-insensitive."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from scim.filters import invalid_filter, parse_filter
from scim.protocol import PATCH_SCHEMA, ScimError

OPERATIONS = {"add", "replace", "remove"}
MAX_OPERATIONS = 1000
PATH = re.compile(
    r"^(?P<attribute>[A-Za-z][\w$-]*)(?:\[(?P<filter>[^\]]*)\])?(?:\.(?P<sub>[A-Za-z][\w$-]*))?$"
)


@dataclass(frozen=True)
class Operation:
    op: str  # add, replace or remove
    path: str | None
    value: Any


@dataclass(frozen=True)
class Path:
    """`schema` (a URN, or "" for the core schema) `attribute`[`where`].`sub`."""

    schema: str
    attribute: str
    where: tuple[str, str] | None = None
    sub: str | None = None


def invalid_path(path: str) -> ScimError:
    detail = _("The path “%(path)s” is not valid here.") % {"path": path}
    return ScimError(400, detail, "invalidPath")


def parse_operations(body: dict) -> list[Operation]:
    """The operations of a PatchOp message; anything else is an invalidSyntax error."""
    schemas = body.get("schemas")
    operations = body.get("Operations", body.get("operations"))
    if (
        not isinstance(schemas, list)
        or PATCH_SCHEMA not in schemas
        or not isinstance(operations, list)
        or not 0 < len(operations) <= MAX_OPERATIONS
    ):
        raise ScimError(
            400, _("Send a PatchOp message with a list of Operations."), "invalidSyntax"
        )
    parsed = []
    for operation in operations:
        if not isinstance(operation, dict):
            raise ScimError(400, _("Each operation must be a JSON object."), "invalidSyntax")
        op = str(operation.get("op", "")).lower()
        path = operation.get("path")
        if op not in OPERATIONS or (path is not None and not isinstance(path, str)):
            raise ScimError(400, _("Each operation is add, replace or remove."), "invalidSyntax")
        if op == "remove" and not path and "value" not in operation:
            raise ScimError(400, _("Say what to remove with a path."), "noTarget")
        parsed.append(Operation(op, path or None, operation.get("value")))
    return parsed


def parse_path(text: str, schemas: tuple[str, ...]) -> Path:
    """A path of a resource whose core schema is `schemas[0]`, the rest its extensions:
    "active", "name.givenName", 'emails[type eq "work"].value',
    "urn:…:enterprise:2.0:User:manager" (a core attribute may be named with its schema)."""
    schema = ""
    # The longest first: the core schema's URN begins no extension's, but be sure.
    for urn in sorted(schemas, key=len, reverse=True):
        if text.lower().startswith(urn.lower() + ":"):
            schema, text = ("" if urn == schemas[0] else urn), text[len(urn) + 1 :]
            break
        if text.lower() == urn.lower() and urn != schemas[0]:
            return Path(schema=urn, attribute="")
    match = PATH.match(text.strip())
    if match is None:
        raise invalid_path(text)
    where = None
    if match["filter"] is not None:
        try:
            [where] = parse_filter(match["filter"])
        except (ScimError, ValueError):
            raise invalid_filter() from None
    return Path(schema, match["attribute"], where, match["sub"])


def key_in(document: dict, name: str) -> str:
    """The key of `document` that is `name` regardless of case, else `name` itself."""
    lowered = name.lower()
    return next((key for key in document if key.lower() == lowered), name)


def _matches(item: Any, where: tuple[str, str]) -> bool:
    if not isinstance(item, dict):
        return False
    value = item.get(key_in(item, where[0]))
    return str(value).lower() == where[1].lower()


def _value_of(item: Any) -> Any:
    return item.get(key_in(item, "value")) if isinstance(item, dict) else item


def _merge(target: Any, value: Any) -> Any:
    """A complex value's sub-attributes over `target`'s (replace and add merge them)."""
    if isinstance(target, dict) and isinstance(value, dict):
        merged = dict(target)
        for name, sub in value.items():
            merged[key_in(merged, name)] = sub
        return merged
    return value


def _apply_to_list(items: list, path: Path, op: str, value: Any) -> list:
    """An operation on the items of a multi-valued attribute that match `path.where`."""
    where = path.where
    matching = [item for item in items if _matches(item, where)]
    if op == "remove":
        if path.sub is None or path.sub.lower() == "value":
            return [item for item in items if item not in matching]
        return [{**i, key_in(i, path.sub): None} if i in matching else i for i in items]
    if not matching:
        new = {where[0]: where[1]}
        new.update({path.sub: value} if path.sub else value if isinstance(value, dict) else {})
        return [*items, new]
    changed = []
    for item in items:
        if item in matching:
            item = {**item, key_in(item, path.sub): value} if path.sub else _merge(item, value)
        changed.append(item)
    return changed


def _apply_at(container: dict, path: Path, op: str, value: Any) -> None:
    """One operation on `container` (the resource, or one of its extension objects)."""
    key = key_in(container, path.attribute)
    current = container.get(key)
    if path.where is not None:
        items = current if isinstance(current, list) else []
        container[key] = _apply_to_list(items, path, op, value)
    elif path.sub is not None:
        parent = dict(current) if isinstance(current, dict) else {}
        parent[key_in(parent, path.sub)] = None if op == "remove" else value
        container[key] = parent
    elif op == "remove" and isinstance(current, list) and isinstance(value, list):
        # Entra ID removes group members so: {"op": "Remove", "path": "members", "value":
        # [{"value": "<id>"}]}.
        gone = {str(item.get("value")) for item in value if isinstance(item, dict)}
        container[key] = [item for item in current if str(_value_of(item)) not in gone]
    elif op == "remove":
        container[key] = None
    elif op == "add" and isinstance(current, list):
        container[key] = [*current, *(value if isinstance(value, list) else [value])]
    else:
        container[key] = _merge(current, value)


def apply_operation(document: dict, operation: Operation, schemas: tuple[str, ...]) -> None:
    """Change `document` (a resource with the extension `schemas`) by `operation`. Without
    a path, each key of the value object is a path of its own."""
    if operation.path is None:
        if not isinstance(operation.value, dict):
            raise ScimError(400, _("An operation without a path needs an object."), "invalidValue")
        for name, value in operation.value.items():
            apply_operation(document, Operation(operation.op, name, value), schemas)
        return
    path = parse_path(operation.path, schemas)
    container = document
    if path.schema:
        key = key_in(document, path.schema)
        if not path.attribute:  # the whole extension object
            removed = operation.op == "remove"
            document[key] = None if removed else _merge(document.get(key), operation.value)
            return
        # An earlier operation may have set the extension to something other than an
        # object; its attributes then start from an empty one.
        current = document.get(key)
        container = document[key] = dict(current) if isinstance(current, dict) else {}
    _apply_at(container, path, operation.op, operation.value)
