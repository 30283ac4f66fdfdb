from __future__ import annotations

import xml.etree.ElementTree as ET

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from feeds.actions import ensure_feed_token, regenerate_feed_token, revoke_feed_token
from feeds.feeds import plain_response
from feeds.links import available_feeds, feed_link
from feeds.models import FeedToken
from feeds.scopes import DEFAULT_LIMIT, FeedError, FeedScope
from intranet.people import display_name


def _token_for(user) -> FeedToken | None:
    return FeedToken.objects.filter(user=user).first()


@require_safe
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


@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(
    request: HttpRequest, scope_class: type[FeedScope], **url_kwargs: str
) -> HttpResponse:
    """One feed's subscribe dialog, where the feed buttons of pages lead: the feed's
    addresses with the person's token, ready for a reader, with copy buttons. A person
    without a token makes it here with one POST (made on first use, never on a GET).
    A hidden space or unknown person is 404, like the feed itself."""
    try:
        scope = scope_class.for_request(request, request.user, DEFAULT_LIMIT, **url_kwargs)
    except FeedError as error:
        return plain_response(error.status, error.message)
    if request.method == "POST":
        ensure_feed_token(request.user)
        return redirect(request.get_full_path())
    feed_token = _token_for(request.user)
    token = feed_token.token if feed_token else None
    link = feed_link(scope.url_name, scope.title, **scope.link_arguments(url_kwargs))
    response = render(
        request,
        "feeds/subscribe.html",
        {
            "feed": link,
            "reader_feed": link.with_token(token, request) if token else None,
            "feed_token": feed_token,
        },
    )
    # Like the subscriptions page: secret URLs, never cached, never sent as a referrer.
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


@require_safe
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
        "name": display_name(request.user)
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
