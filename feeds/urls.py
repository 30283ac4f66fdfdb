from django.contrib.auth.decorators import login_not_required
from django.urls import path
from django.views.decorators.http import require_safe

import blogs.urls  # noqa: F401 - registers the <tag:...> path converter
from feeds import views
from feeds.feeds import SearchFeedMixin, feed_pair


def feed_view(feed):
    # Readers cannot log in: the feed authenticates the session or the ?token= itself.
    return login_not_required(require_safe(feed))


def feed_paths(route: str, name: str, kind: str, mixin: type | None = None) -> list:
    """The RSS and Atom feed of a scope, and its subscribe dialog (for logged-in people)."""
    rss, atom = feed_pair(kind, mixin)
    return [
        path(f"{route}.rss", feed_view(rss), name=name),
        path(f"{route}.atom", feed_view(atom), name=f"{name}_atom"),
        path(f"{route}/", views.subscribe, {"kind": kind}, name=f"{name}_subscribe"),
    ]


app_name = "feeds"
urlpatterns = [
    path("", views.subscriptions, name="subscriptions"),
    path("token/", views.regenerate_token, name="regenerate_token"),
    path("token/revoke/", views.revoke_token, name="revoke_token"),
    path("subscriptions.opml", views.opml, name="opml"),
    *feed_paths("all", "all", "all"),
    *feed_paths("spaces/<slug:slug>/all", "space", "space"),
    *feed_paths("spaces/<slug:slug>/blog", "blog", "blog"),
    *feed_paths("spaces/<slug:slug>/wiki", "wiki", "wiki"),
    *feed_paths("people/<str:username>", "person", "person"),
    *feed_paths("tags/<tag:tag>", "tag", "tag"),
    *feed_paths("search", "search", "search", SearchFeedMixin),
]
