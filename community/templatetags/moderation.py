"""The moderation menu entry and the tabs of the moderation pages, with what waits."""

from django import template

from community.reviews import moderation_summary

register = template.Library()


@register.inclusion_tag("community/reviews_menu.html", takes_context=True)
def moderation_menu_link(context):
    """The site menu's "Moderation" entry, only for people who moderate something, with
    the number of reports and changes waiting for them."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        return {"summary": None}
    return {
        "summary": moderation_summary(user),
        "current": request.path.startswith("/moderation/"),
    }


@register.inclusion_tag("community/reviews_tabs.html", takes_context=True)
def moderation_tabs(context, current: str):
    """ "Changes to approve" and "Reports", each with its count; `current` names the page."""
    return {"summary": moderation_summary(context["request"].user), "current": current}
