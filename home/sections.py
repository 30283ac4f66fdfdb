"""What the home page shows a user: their spaces, new posts, wiki changes, new colleagues."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.functional import SimpleLazyObject

from blogs.models import BlogPostPage
from intranet.access import visible_spaces
from intranet.cache import view_cache_key
from intranet.models import SpacePage
from wiki.models import WikiPage


def dashboard_for(user) -> dict:
    my_spaces = SpacePage.list_for(user, visible_spaces(user).filter(memberships__user=user))
    return {
        "my_spaces": my_spaces[:12],
        # The post and wiki sections are cached per view of the intranet, not per person.
        "sections_cache_key": view_cache_key(user),
        # Lazy: on a cache hit the template never reads them, so their querysets (whose
        # visibility filters cost more to build than the cached HTML costs to send) are
        # never built.
        "latest_posts": SimpleLazyObject(lambda: BlogPostPage.latest_for(user, 8)),
        "recent_wiki_pages": SimpleLazyObject(lambda: WikiPage.recently_changed_for(user, 8)),
        "new_colleagues": get_user_model()
        .objects.filter(is_active=True)
        .select_related("profile", "profile__department")
        .order_by("-date_joined")[:8],
    }
