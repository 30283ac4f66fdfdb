"""`{% load spaces %}`: what templates outside the space views ask about spaces."""

from __future__ import annotations

from django import template

from intranet.models import SpaceCreationSettings

register = template.Library()


@register.simple_tag(takes_context=True)
def may_create_spaces(context) -> bool:
    """`{% may_create_spaces as may_create %}`: whether the reader may create a space (the
    site setting, read once per request), for the "Create space" buttons."""
    request = context.get("request")
    if request is None:
        return False
    return SpaceCreationSettings.user_may_create(request.user, request)
