"""The part of SCIM's filter language (RFC 7644 §3.4.2.2) that identity providers use to
find a resource before they create or change it: `attribute eq "value"`, joined with
`and`, and `members[value eq "id"]`. Anything else is an invalidFilter error, never a 500."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping

from django.db.models import Q
from django.utils.translation import gettext as _

from scim.protocol import ScimError

MAX_FILTER_LENGTH = 1000
TOKEN = re.compile(
    r'\s*(?:(?P<string>"(?:[^"\\]|\\.)*")|(?P<bracket>[\[\]])|(?P<word>[^\s\[\]"]+))'
)


def invalid_filter(detail: str | None = None) -> ScimError:
    return ScimError(
        400,
        detail or _('Only filters of the form attribute eq "value", joined with "and", work here.'),
        "invalidFilter",
    )


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    text = text.strip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise invalid_filter()
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


def _value(kind: str, text: str) -> str:
    """A comparison value as text: a JSON string, or true/false/a number as written. A NUL
    (written "\\u0000") is refused: PostgreSQL cannot compare text with one."""
    if kind == "string":
        try:
            value = json.loads(text)
        except ValueError:
            raise invalid_filter() from None
        if "\x00" in value:
            raise invalid_filter()
        return value
    if kind == "word" and re.fullmatch(r"true|false|-?\d+(\.\d+)?", text, re.IGNORECASE):
        return text.lower()
    raise invalid_filter()


def parse_filter(text: str) -> list[tuple[str, str]]:
    """The (lower-case attribute path, value) pairs that must all hold. `members[value eq
    "x"]` is ("members.value", "x")."""
    if len(text) > MAX_FILTER_LENGTH:
        raise invalid_filter()
    tokens = _tokens(text)
    terms, i = [], 0
    while True:
        if i + 2 < len(tokens) and tokens[i + 1] == ("bracket", "["):
            kind, attribute = tokens[i]
            inner = tokens[i + 2 : i + 6]
            if (
                kind != "word"
                or len(inner) != 4
                or inner[1][1].lower() != "eq"
                or inner[3] != ("bracket", "]")
            ):
                raise invalid_filter()
            terms.append((f"{attribute}.{inner[0][1]}".lower(), _value(*inner[2])))
            i += 6
        else:
            term = tokens[i : i + 3]
            if len(term) != 3 or term[0][0] != "word" or term[1][1].lower() != "eq":
                raise invalid_filter()
            terms.append((term[0][1].lower(), _value(*term[2])))
            i += 3
        if i == len(tokens):
            return terms
        if tokens[i][1].lower() != "and" or i + 1 == len(tokens):
            raise invalid_filter()
        i += 1


def filter_query(text: str | None, lookups: Mapping[str, Callable[[str], Q]]) -> Q:
    """The filter `text` as a query, through `lookups` (attribute path → the query for one
    value); an attribute without a lookup is an invalidFilter error that names it."""
    query = Q()
    if not text:
        return query
    for attribute, value in parse_filter(text):
        # A schema-qualified name means the same attribute ("urn:…:User:userName").
        short = attribute.rsplit(":", 1)[-1] if attribute.startswith("urn:") else attribute
        if short not in lookups:
            raise invalid_filter(
                _("Filtering by “%(attribute)s” is not supported.") % {"attribute": attribute}
            )
        query &= lookups[short](value)
    return query


def matches(lookup: str) -> Callable[[str], Q]:
    """A lookup that compares the value as text, e.g. `matches("username__iexact")`."""
    return lambda value: Q(**{lookup: value})


def id_matches(field: str) -> Callable[[str], Q]:
    """A lookup on a numeric id: a value that is no id matches nothing (never a 500)."""

    def lookup(value: str) -> Q:
        if value.isdigit() and len(value) <= 18:
            return Q(**{field: int(value)})
        return Q(pk__in=[])

    return lookup
