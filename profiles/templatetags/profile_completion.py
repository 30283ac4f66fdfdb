"""`{% complete_profile_card %}`: the home page's reminder of what a new colleague's profile
still lacks; nothing once it is complete."""

from __future__ import annotations

from django import template

from profiles.completion import missing_parts

register = template.Library()


@register.inclusion_tag("profiles/includes/complete_card.html", takes_context=True)
def complete_profile_card(context) -> dict:
    user = context["request"].user
    return {"missing": missing_parts(user) if user.is_authenticated else []}
