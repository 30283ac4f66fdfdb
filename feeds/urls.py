from django.contrib.auth.decorators import login_not_required
from django.urls import path
from django.views.decorators.http import require_safe

import blogs.urls  # noqa: F401 - registers the <tag:...> path converter
from feeds import views
from feeds.feeds import AtomScopeFeed, ScopeFeed
from feeds.scopes import (
    EverythingScope,
    FeedScope,
    PersonScope,
    SearchScope,
    SpaceBlogScope,
    SpaceScope,
    SpaceWikiScope,
    TagScope,
)


def feed_view(feed):
    # Readers cannot log in: the feed authenticates the session or the ?token= itself.
    return login_not_required(require_safe(feed))


def feed_paths(route: str, scope_class: type[FeedScope]) -> list:
    """The RSS and Atom feed of a scope, and its subscribe dialog (for logged-in people)."""
    name = scope_class.url_name
    return [
        path(f"{route}.rss", feed_view(ScopeFeed(scope_class)), name=name),
        path(f"{route}.atom", feed_view(AtomScopeFeed(scope_class)), name=f"{name}_atom"),
        path(f"{route}/", views.subscribe, {"scope_class": scope_class}, name=f"{name}_subscribe"),
    ]


app_name = "feeds"
urlpatterns = [
    path("", views.subscriptions, name="subscriptions"),
    path("token/", views.regenerate_token, name="regenerate_token"),
    path("token/revoke/", views.revoke_token, name="revoke_token"),
    path("subscriptions.opml", views.opml, name="opml"),
    *feed_paths("all", EverythingScope),
    *feed_paths("spaces/<slug:slug>/all", SpaceScope),
    *feed_paths("spaces/<slug:slug>/blog", SpaceBlogScope),
    *feed_paths("spaces/<slug:slug>/wiki", SpaceWikiScope),
    *feed_paths("people/<str:username>", PersonScope),
    *feed_paths("tags/<tag:tag>", TagScope),
    *feed_paths("search", SearchScope),
]
