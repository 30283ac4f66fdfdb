"""What each webhook event is about: the object it loads, the page whose visibility decides
who may hear of it, and the data it sends.

The data is written by the REST API's serializers (`api.serializers`), with the webhook's
account as the reader and absolute URLs under `BASE_URL`, so a webhook and the API describe
a post, a wiki page, a space or a person the same way."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone
from wagtail.models import Page

from api import serializers as s
from blogs.models import BlogPostPage, Comment
from intranet.access import can_view, space_role
from intranet.models import Membership
from webhooks.models import Event
from wiki.models import WikiPage


class BaseUrlRequest(HttpRequest):
    """A request as if `user` had made it at `BASE_URL`: what the serializers need to write
    absolute URLs and to render text for a reader, when no one made a request (a task).

    `BASE_URL` is the site's own configuration, not a client's Host header, so it needs no
    vouching by `ALLOWED_HOSTS`."""

    def __init__(self, user) -> None:
        super().__init__()
        base = urlsplit(settings.WAGTAILADMIN_BASE_URL)
        self._base_scheme = base.scheme or "http"
        self._base_host = base.netloc
        default_port = 443 if self._base_scheme == "https" else 80
        self.META = {
            "HTTP_HOST": base.netloc,
            "SERVER_NAME": base.hostname or "",
            "SERVER_PORT": str(base.port or default_port),
        }
        self.user = user

    def _get_scheme(self) -> str:
        return self._base_scheme

    def get_host(self) -> str:
        return self._base_host


def _context(user) -> dict[str, Any]:
    return {"request": BaseUrlRequest(user)}


def _post_data(post: BlogPostPage, user, **kwargs) -> dict:
    return {
        "post": s.PostDetailSerializer(post, context=_context(user)).data,
        # Editing a published post publishes it again; most listeners only want the first.
        "first_publication": post.first_published_at == post.last_published_at,
    }


def _wiki_data(page: WikiPage, user, *, revision_id: int | None = None, **kwargs) -> dict:
    context = {**_context(user), "live_revision_id": page.live_revision_id}
    revision = page.revisions_with_summaries().filter(pk=revision_id).first()
    return {
        "page": s.WikiPageDetailSerializer(page, context=context).data,
        "revision": s.RevisionSerializer(revision, context=context).data if revision else None,
    }


def _membership_data(membership: Membership, user, **kwargs) -> dict:
    space = membership.space
    context = {**_context(user), "my_roles": {space.pk: space_role(user, space)}}
    return {
        "space": s.SpaceSerializer(space, context=context).data,
        **s.MembershipSerializer(membership, context=context).data,
    }


def _comment_data(comment: Comment, user, **kwargs) -> dict:
    context = _context(user)
    post = s.PostSerializer(comment.post, context=context).data
    return {
        "comment": {
            "id": comment.pk,
            "author": s.PersonRefSerializer(comment.author, context=context).data,
            "body": comment.body,
            "body_html": comment.body_html,
            "reply_to": comment.parent_id,
            "created": comment.created_at.isoformat(),
            "url": f"{post['url']}#comment-{comment.pk}" if post["url"] else None,
        },
        "post": post,
    }


@dataclass(frozen=True)
class EventKind:
    """One event: how to load what it is about, which page's visibility applies to it, and
    what it sends."""

    name: str
    load: Callable[[int], Model | None]
    page_of: Callable[[Any], Page]
    space_id_of: Callable[[Any], int | None]
    describe: Callable[..., dict]
    # Something a reader may see on its page and still not be shown (a hidden comment).
    withheld: Callable[[Any], bool] = lambda obj: False

    def may_see(self, user, obj) -> bool:
        """Whether `user` may hear of `obj`: the one visibility rule, on its page."""
        return not self.withheld(obj) and can_view(user, self.page_of(obj))

    def payload(self, event_id: str, obj, user, **kwargs) -> dict:
        return {
            "id": event_id,
            "event": self.name,
            "created": timezone.now().isoformat(),
            "data": self.describe(obj, user, **kwargs),
        }


def _loader(queryset) -> Callable[[int], Model | None]:
    return lambda pk: queryset.filter(pk=pk).first()


EVENTS: dict[str, EventKind] = {
    kind.name: kind
    for kind in [
        EventKind(
            Event.POST_PUBLISHED,
            load=_loader(BlogPostPage.objects.select_related("owner", "space")),
            page_of=lambda post: post,
            space_id_of=lambda post: post.space_id,
            describe=_post_data,
        ),
        EventKind(
            Event.PAGE_CHANGED,
            load=_loader(WikiPage.objects.select_related("space")),
            page_of=lambda page: page,
            space_id_of=lambda page: page.space_id,
            describe=_wiki_data,
        ),
        EventKind(
            Event.MEMBER_JOINED,
            load=_loader(Membership.objects.select_related("space", "user")),
            page_of=lambda membership: membership.space,
            space_id_of=lambda membership: membership.space_id,
            describe=_membership_data,
        ),
        EventKind(
            Event.COMMENT_POSTED,
            load=_loader(Comment.objects.select_related("post", "post__space", "author")),
            page_of=lambda comment: comment.post,
            space_id_of=lambda comment: comment.post.space_id,
            describe=_comment_data,
            withheld=lambda comment: comment.is_hidden,
        ),
    ]
}
