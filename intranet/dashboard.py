"""What the home page shows a user: their spaces, new posts, wiki changes, new colleagues."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from intranet.access import visibility_key, visible_spaces
from intranet.models import SpacePage
from intranet.signal_handlers import content_generation


def dashboard_for(user) -> dict:
    from blogs.models import BlogPostPage
    from wiki.models import WikiPage

    my_spaces = SpacePage.list_for(user, visible_spaces(user).filter(memberships__user=user))
    return {
        "my_spaces": my_spaces[:12],
        # The post and wiki sections are cached per view of the intranet, not per person.
        "sections_cache_key": f"{visibility_key(user)}:{content_generation()}",
        "latest_posts": BlogPostPage.latest_for(user, 8),
        "recent_wiki_pages": WikiPage.recently_changed_for(user, 8),
        "new_colleagues": get_user_model()
        .objects.filter(is_active=True)
        .select_related("profile", "profile__department")
        .order_by("-date_joined")[:8],
    }
