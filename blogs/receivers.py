"""The blogs app's receivers, connected in `BlogsConfig.ready()`."""

from __future__ import annotations

from wagtail.signals import page_published

from blogs.models import BlogPostPage
from search.index_queue import index_after_commit


def reindex_published_post(sender, instance, **kwargs) -> None:
    """Index a post again once it is published with its tags.

    A post's tags are a child relation that modelcluster writes after the page's own save,
    and `page_published` is sent after them. Where the index is written at once (tests
    without a commit) this picks the tags up; after a real commit it folds into the one
    index update of the publish."""
    index_after_commit(instance)


def connect_receivers() -> None:
    page_published.connect(
        reindex_published_post, sender=BlogPostPage, dispatch_uid="blogs_reindex_post"
    )
