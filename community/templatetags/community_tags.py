from django import template
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils.translation import get_language

from community.models import Activity, Follow
from community.stream import STREAM_CACHE_SECONDS, group_activity
from intranet.cache import cached_for_view

register = template.Library()

STREAM_FILTERS = ("all", "spaces", "people")
STREAM_TEMPLATE = "community/components/activity_stream.html"


@register.simple_tag(takes_context=True)
def activity_stream(context, limit: int = 15):
    """The home page's stream. "Everything" is the same for everyone with the same view of
    the intranet, so it is rendered once per view, language and change (new activity,
    published or unpublished content, people's names) and shared for a minute; the
    "following" filters are personal and always rendered afresh."""
    request = context["request"]
    following = request.GET.get("stream", "all")
    if following not in STREAM_FILTERS:
        following = "all"

    def render() -> str:
        rows = Activity.stream_for(request.user, following=following, limit=limit)
        return render_to_string(
            STREAM_TEMPLATE, {"entries": group_activity(rows), "following": following}
        )

    if following != "all":
        return render()
    return cached_for_view(
        request.user,
        ("community", "stream", get_language(), limit),
        render,
        generations=("content", "activity", "people"),
        timeout=STREAM_CACHE_SECONDS,
    )


@register.inclusion_tag("community/components/follow_button.html", takes_context=True)
def follow_button(context, kind: str, target, key=None):
    """A follow/unfollow button with the follower count, for a space, person, tag or page."""
    user = context["request"].user
    field = Follow.target_field(kind)
    if kind == Follow.Kind.TAG:
        target = Follow.tag_key(target)
    # The count and whether I am among them, in one query.
    figures = Follow.objects.filter(kind=kind, **{field: target}).aggregate(
        count=Count("pk"), mine=Count("pk", filter=Q(user_id=user.pk))
    )
    return {
        "kind": kind,
        "key": key if key is not None else _key(kind, target),
        "count": figures["count"],
        "following": bool(figures["mine"]),
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
