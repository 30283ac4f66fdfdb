"""The time zone a person reads times in: the one on their profile (empty: the company's,
settings.TIME_ZONE), applied to each of their requests by a middleware, so that every time
a page shows (and every date and time a form reads) is in their zone."""

from __future__ import annotations

import zoneinfo

from django.http import HttpRequest
from django.utils import timezone

from profiles.models import Profile

SESSION_TIME_ZONE_KEY = "intranet_time_zone"


def zone_named(name: str) -> zoneinfo.ZoneInfo | None:
    """The zone called `name`; None (the company's zone) for an empty or unknown name."""
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def time_zone_of(user) -> zoneinfo.ZoneInfo | None:
    """The zone `user` reads times in, for what is made for them outside their requests
    (e-mails); None is the company's zone."""
    profile = getattr(user, "profile", None)
    return zone_named(getattr(profile, "time_zone", ""))


def remember_time_zone(request: HttpRequest, name: str) -> None:
    """Apply a newly chosen zone from the next request on: call it where a person's
    profile time zone is saved, since the middleware keeps it in the session."""
    request.session[SESSION_TIME_ZONE_KEY] = name


class TimeZoneMiddleware:
    """Activate the user's time zone for their request (kept in the session, so it costs one
    query per session, like the language); the company's zone for everyone else. Goes after
    the authentication middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        name = request.session.get(SESSION_TIME_ZONE_KEY)
        if name is None:
            name = (
                Profile.objects.filter(user=user).values_list("time_zone", flat=True).first() or ""
            )
            request.session[SESSION_TIME_ZONE_KEY] = name
        with timezone.override(zone_named(name)):
            return self.get_response(request)
