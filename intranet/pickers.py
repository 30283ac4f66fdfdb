"""Choosing people by name: the one matcher over the directory, and the form field that uses it.

Every place where a person names a colleague (members, invitations, manager, stand-in,
author filter, @mentions) takes what people actually type: "Emma Wagner", "wagner",
"emma.wagner@company.com", or the username the picker fills in. `people_matching` is the
matcher that both the suggestion endpoint (`profiles:suggest`) and `PersonField` use, so a
name the picker suggests is always a name the form accepts.

The widget is a plain text box; `intranet/js/people-picker.js` turns it into a combobox
that lists matching colleagues while one types. Without JavaScript, typing a name works.
"""

from __future__ import annotations

import json
import re
from functools import reduce
from itertools import islice, product
from operator import or_
from typing import TYPE_CHECKING

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import ProhibitNullCharactersValidator
from django.db import connection
from django.db.models import Case, CharField, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Concat, Trim
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from intranet.people import display_name

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser

# A query longer than any name is a paste or an attack, not a person.
MAX_QUERY_LENGTH = 100
MAX_QUERY_WORDS = 4
# An ambiguity error lists at most this many people; beyond it, "type more of the name".
MAX_CANDIDATES = 5
# What a typed person may be at most: an e-mail address (254) is the longest way to name one.
MAX_NAME_LENGTH = 254
# German names are written with and without umlauts: "Mueller" finds "Müller" and back.
UMLAUT_SPELLINGS = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}
_SPELLING_SWAP = {**UMLAUT_SPELLINGS, **{v: k for k, v in UMLAUT_SPELLINGS.items()}}
_SPELLING_PART = re.compile("(" + "|".join(_SPELLING_SWAP) + ")")
MAX_SPELLINGS = 8
# A word starts a name, or follows one of these inside it ("Anna-Lena", "emma.wagner").
_WORD_BREAKS = {"first_name": " -", "last_name": " -", "username": ".-"}
# How well a person matches the whole query, best first (the `match_rank` annotation).
RANK_EXACT, RANK_NAME_PREFIX, RANK_WORD_PREFIX, RANK_OTHER = range(4)


def query_words(query: str) -> list[str]:
    """The words of what was typed: commas and a leading "@" (a mention) are not part of a
    name, and a NUL (which PostgreSQL refuses) never reaches the database."""
    cleaned = str(query or "")[:MAX_QUERY_LENGTH].replace("\x00", "").replace(",", " ")
    words = (word.lstrip("@") for word in cleaned.split())
    return [word for word in words if word][:MAX_QUERY_WORDS]


def spellings(text: str) -> list[str]:
    """`text` lower-cased, in each way of writing its umlauts ("müller", "mueller"), at most
    `MAX_SPELLINGS`. SQLite compares only ASCII letters case-insensitively, so a word that
    starts with an umlaut also comes capitalised ("Özil" for "özil")."""
    parts = _SPELLING_PART.split(text.lower())
    choices = [
        (part, _SPELLING_SWAP[part]) if part in _SPELLING_SWAP else (part,) for part in parts
    ]
    found = ["".join(combo) for combo in islice(product(*choices), MAX_SPELLINGS)]
    found += [word.capitalize() for word in found if word and not word[0].isascii()]
    return list(dict.fromkeys(found))


def _starts_a_word(word: str) -> Q:
    """People one of whose name words starts with a spelling of `word`.

    PostgreSQL folds case slowly (an UPPER() per LIKE and row), so there one
    case-insensitive regular expression over the joined names does it; SQLite runs regular
    expressions in Python, so there plain LIKEs, one per field and word break."""
    if connection.vendor == "postgresql":
        alternatives = "|".join(re.escape(spelling) for spelling in spellings(word))
        return Q(name_words__iregex=f"[ .-]({alternatives})")
    conditions = []
    for field, marks in _WORD_BREAKS.items():
        for spelling in spellings(word):
            conditions.append(Q(**{f"{field}__istartswith": spelling}))
            conditions += [Q(**{f"{field}__icontains": mark + spelling}) for mark in marks]
    return _any_of(conditions)


def _any_of(conditions) -> Q:
    return reduce(or_, conditions)


def _rank(words: list[str]) -> Case:
    whole = spellings(" ".join(words))
    first = spellings(words[0])
    return Case(
        When(
            _any_of(Q(username__iexact=s) | Q(full_name__iexact=s) for s in whole),
            then=Value(RANK_EXACT),
        ),
        When(_any_of(Q(full_name__istartswith=s) for s in whole), then=Value(RANK_NAME_PREFIX)),
        When(
            _any_of(Q(**{f"{f}__istartswith": s}) for f in _WORD_BREAKS for s in first),
            then=Value(RANK_WORD_PREFIX),
        ),
        default=Value(RANK_OTHER),
        output_field=IntegerField(),
    )


def people_matching(query: str) -> QuerySet[AbstractUser]:
    """Active people each of whose query words starts a word of their first name, last
    name or username (so also of their display name), case- and umlaut-insensitively;
    best first: the exact username or full name, then full names that start with the query,
    then names that start with its first word; alphabetically within each.

    One query, with each person's profile and department joined for the detail line; slice
    it: `people_matching(q)[:10]`. Only the username is indexed, and no index helps a match
    inside a name, so the database reads the user table once per query, growing linearly:
    at 50,000 people that measured 22-25 ms of CPU on SQLite (40 ms when a word has two
    umlaut spellings) and 22-42 ms on PostgreSQL. Far beyond that, a table of folded name
    words with an index would make it constant."""
    words = query_words(query)
    people = get_user_model().objects.filter(is_active=True)
    if not words:
        return people.none()
    people = people.alias(
        name_words=Concat(
            Value(" "),
            "first_name",
            Value(" "),
            "last_name",
            Value(" "),
            "username",
            output_field=CharField(),
        ),
        full_name=Trim(Concat("first_name", Value(" "), "last_name")),
    )
    for word in words:
        people = people.filter(_starts_a_word(word))
    return (
        people.select_related("profile", "profile__department")
        .annotate(match_rank=_rank(words))
        .order_by("match_rank", "first_name", "last_name", "username")
    )


def person_detail(user: AbstractUser) -> str:
    """What tells two people apart beside their name: "job title · department", as the
    person component (templates/components/person.html) shows it."""
    profile = getattr(user, "profile", None)
    if profile is None:
        return ""
    department = profile.department.name if profile.department_id else ""
    return " · ".join(part for part in (profile.job_title, department) if part)


def _candidate(user: AbstractUser) -> str:
    # The username is what tells two people of the same name apart, and it can be typed.
    profile = getattr(user, "profile", None)
    where = ""
    if profile is not None:
        where = profile.department.name if profile.department_id else profile.job_title
    hint = ", ".join(part for part in (where, "@" + user.get_username()) if part)
    return f"{display_name(user)} ({hint})"


class PersonInput(forms.TextInput):
    """A text box that `people-picker.js` turns into a combobox of suggestions.

    The suggestion URL is found by name, so the ground floor does not import the app that
    serves it; without it (or without JavaScript) the box is a plain text box. The names of
    the people already in the box travel along, so the script can show "Emma Wagner" while
    the form still sends the unambiguous username."""

    suggest_url_name = "profiles:suggest"

    class Media:
        css = {"all": ["intranet/people-picker.css"]}
        js = [forms.Script("intranet/js/people-picker.js", defer=True)]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        try:
            widget_attrs["data-suggest-url"] = reverse(self.suggest_url_name)
        except NoReverseMatch:
            return context
        widget_attrs.update(
            {
                "data-person-picker": True,
                "data-names": json.dumps(self._names_of(context["widget"]["value"])),
                "data-label-list": _("Suggestions"),
                "data-msg-none": _("Nobody found. Try a first or last name."),
                # "%(count)s" is replaced by the script.
                "data-msg-count": _("%(count)s people found. Use the arrow keys to choose."),
                "data-msg-one": _("1 person found. Use the arrow keys to choose."),
                "data-msg-chosen": _("%(name)s chosen."),
            }
        )
        return context

    @staticmethod
    def _names_of(value: str | None) -> dict[str, str]:
        # The redisplayed value is what was typed, NULs included: PostgreSQL refuses those.
        typed = str(value or "").replace("\x00", "")
        usernames = [part.strip() for part in typed.split(",") if part.strip()]
        if not usernames:
            return {}
        people = get_user_model().objects.filter(username__in=usernames[:50], is_active=True)
        return {person.get_username(): display_name(person) for person in people}


class PersonField(forms.Field):
    """One active colleague, given the way a person types them: a username, "Emma Wagner",
    an e-mail address, or the username the picker filled in. Cleans to the user (or None);
    `multiple=True` takes a comma-separated list and cleans to a list of users.

    A name that fits several people is an error that names them, so the person can pick
    one ("Which one: Emma Wagner (Sales, @ewagner), Erik Wagner (IT, @erik)?")."""

    widget = PersonInput
    default_error_messages = {
        "not_found": _("Nobody with the username or name “%(value)s”."),
        "ambiguous": _("Which one: %(candidates)s?"),
        "too_many": _("“%(value)s” fits more than %(count)s people; type more of the name."),
    }

    def __init__(self, *, multiple: bool = False, **kwargs):
        self.multiple = multiple
        kwargs.setdefault(
            "help_text",
            _("Type colleagues' names or usernames, separated by commas.")
            if multiple
            else _("Type a colleague's name or username."),
        )
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if self.multiple:
            attrs["data-multiple"] = True
        return attrs

    def prepare_value(self, value):
        """Users become usernames: the one spelling that always names exactly one person."""
        if isinstance(value, (list, tuple)):
            return ", ".join(str(self.prepare_value(item)) for item in value)
        if hasattr(value, "get_username"):
            return value.get_username()
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return [] if self.multiple else None
        if not isinstance(value, str):  # a user from `initial`, not typed text
            return value
        # Null characters are refused before any lookup: PostgreSQL cannot compare them.
        ProhibitNullCharactersValidator()(value)
        if not self.multiple:
            return self.find(value.strip()) if value.strip() else None
        people, errors = [], []
        for part in dict.fromkeys(p.strip() for p in re.split(r"[,;\n]", value) if p.strip()):
            try:
                person = self.find(part)
            except forms.ValidationError as error:
                errors.append(error)
            else:
                if person not in people:
                    people.append(person)
        if errors:
            raise forms.ValidationError(errors)
        return people

    def find(self, text: str) -> AbstractUser:
        """The one active person `text` names, or a ValidationError that says why not."""
        if len(text) > MAX_NAME_LENGTH:
            # Longer than any username, name or e-mail address: nobody, and no LIKE that
            # SQLite would refuse ("pattern too complex").
            raise forms.ValidationError(
                self.error_messages["not_found"], code="not_found", params={"value": text[:50]}
            )
        active = get_user_model().objects.filter(is_active=True)
        handle = text.lstrip("@")
        exact = list(active.filter(Q(username__iexact=handle) | Q(email__iexact=handle))[:2])
        exact = [p for p in exact if p.get_username() == handle] or exact
        if len(exact) == 1:
            return exact[0]
        if "@" in handle.strip("@"):  # part of an address: "emma.wagner@company"
            found = list(
                active.filter(email__istartswith=handle).select_related(
                    "profile", "profile__department"
                )[: MAX_CANDIDATES + 1]
            )
        else:
            found = list(people_matching(text)[: MAX_CANDIDATES + 1])
            best = [p for p in found if p.match_rank == RANK_EXACT]
            found = best or found
        if len(found) == 1:
            return found[0]
        if not found:
            raise forms.ValidationError(
                self.error_messages["not_found"], code="not_found", params={"value": text}
            )
        if len(found) > MAX_CANDIDATES:
            raise forms.ValidationError(
                self.error_messages["too_many"],
                code="too_many",
                params={"value": text, "count": MAX_CANDIDATES},
            )
        raise forms.ValidationError(
            self.error_messages["ambiguous"],
            code="ambiguous",
            params={"candidates": ", ".join(map(_candidate, found))},
        )
