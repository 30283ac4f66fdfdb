"""`{% load people %}`: the people display helpers of `intranet.people` for templates."""

from __future__ import annotations

from django import template

from intranet import people

register = template.Library()


def _person(value):
    # Templates pass whatever a variable resolves to: "" when it is missing, an
    # AnonymousUser on public pages. Neither is a person with a name.
    return value if hasattr(value, "get_full_name") else None


@register.filter
def display_name(value) -> str:
    """`{{ user|display_name }}`: full name, else username (see `intranet.people`)."""
    return people.display_name(_person(value))


@register.filter
def short_name(value) -> str:
    """`{{ user|short_name }}`: first name, else username, for greetings."""
    return people.short_name(_person(value))


@register.filter
def initials(value) -> str:
    """`{{ user|initials }}`: the letters an avatar without a photo shows."""
    return people.initials(_person(value))
