from django import template

from community.models import Activity, Follow
from community.stream import group_activity

register = template.Library()

STREAM_FILTERS = ("all", "spaces", "people")


@register.inclusion_tag("community/components/activity_stream.html", takes_context=True)
def activity_stream(context, limit: int = 15):
    request = context["request"]
    following = request.GET.get("stream", "all")
    if following not in STREAM_FILTERS:
        following = "all"
    rows = Activity.stream_for(request.user, following=following, limit=limit)
    return {"entries": group_activity(rows), "following": following, "request": request}


@register.inclusion_tag("community/components/follow_button.html", takes_context=True)
def follow_button(context, kind: str, target, key=None):
    """A follow/unfollow button with the follower count, for a space, person, tag or page."""
    user = context["request"].user
    field = {"space": "space", "person": "person", "tag": "tag", "page": "page"}[kind]
    followers = Follow.objects.filter(kind=kind, **{field: target})
    return {
        "kind": kind,
        "key": key if key is not None else _key(kind, target),
        "count": followers.count(),
        "following": followers.filter(user=user).exists(),
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
    }


def _key(kind: str, target) -> str:
    if kind == "space":
        return target.slug
    if kind == "person":
        return target.get_username()
    if kind == "page":
        return str(target.pk)
    return str(target)


@register.inclusion_tag("community/components/report_form.html", takes_context=True)
def report_button(context, page, comment_id=None):
    return {
        "page": page,
        "comment_id": comment_id,
        "csrf_token": context.get("csrf_token"),
        "request": context["request"],
    }
