from __future__ import annotations

import xml.etree.ElementTree as ET

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from feeds.actions import regenerate_feed_token, revoke_feed_token
from feeds.links import available_feeds
from feeds.models import FeedToken


def _token_for(user) -> FeedToken | None:
    return FeedToken.objects.filter(user=user).first()


@require_GET
def subscriptions(request: HttpRequest) -> HttpResponse:
    feed_token = _token_for(request.user)
    token = feed_token.token if feed_token else None
    groups = [
        (group.heading, [link.with_token(token, request) for link in group.links])
        for group in available_feeds(request.user)
    ]
    response = render(
        request,
        "feeds/subscriptions.html",
        {"feed_token": feed_token, "token": token, "groups": groups},
    )
    # The page shows secret URLs: never pass them to other sites as a referrer ("no-referrer"
    # would make browsers send "Origin: null" on our own forms, failing CSRF).
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@require_POST
def regenerate_token(request: HttpRequest) -> HttpResponse:
    had_token = FeedToken.objects.filter(user=request.user).exists()
    regenerate_feed_token(request.user)
    if had_token:
        messages.success(request, _("New feed token made. Your old feed URLs no longer work."))
    else:
        messages.success(request, _("Feed token made. Copy a feed URL into your reader."))
    return redirect("feeds:subscriptions")


@require_POST
def revoke_token(request: HttpRequest) -> HttpResponse:
    revoke_feed_token(request.user)
    messages.success(request, _("Feed token revoked. Feed URLs with it no longer work."))
    return redirect("feeds:subscriptions")


@require_GET
def opml(request: HttpRequest) -> HttpResponse:
    """All the user's subscriptions as OPML 2.0 (one import in any reader)."""
    feed_token = _token_for(request.user)
    token = feed_token.token if feed_token else None
    if token is None:
        messages.info(request, _("Make a feed token first: readers need it to fetch your feeds."))
        return redirect("feeds:subscriptions")
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = _("Intranet feeds of %(name)s") % {
        "name": request.user.get_full_name() or request.user.get_username()
    }
    ET.SubElement(head, "dateCreated").text = http_date(timezone.now().timestamp())
    body = ET.SubElement(root, "body")
    for group in available_feeds(request.user):
        folder = ET.SubElement(body, "outline", text=group.heading, title=group.heading)
        for link in group.links:
            absolute = link.with_token(token, request)
            ET.SubElement(
                folder,
                "outline",
                type="rss",
                text=link.title,
                title=link.title,
                xmlUrl=absolute.rss_url,
            )
    content = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    response = HttpResponse(content, content_type="text/x-opml; charset=utf-8")
    response.headers["Content-Disposition"] = 'attachment; filename="intranet-feeds.opml"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
