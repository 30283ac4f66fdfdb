"""`{% feed_autodiscovery %}` for base.html's <head>, and `{% current_feed as feed %}` for
the feed buttons (templates/feeds/feed_buttons.html): both find the feed of the page being
shown from the template context, without a query of their own where the page has its data.

The buttons open the feed's subscribe dialog. The autodiscovery links carry the logged-in
person's feed token when they have one: browsers and extensions hand these addresses to
feed readers, which cannot log in, so a tokenless one could only ever get a 401. The page
showing them is that person's own (like /feeds/, which lists the same addresses), and a
token that got out is revoked there. Without a token they stay plain (they work in this
browser's session); the dialog makes the token on first use."""

from __future__ import annotations

from django import template

from feeds.links import (
    FeedLink,
    everything_link,
    person_link,
    reader_token,
    search_link,
    space_links,
    tag_link,
)

register = template.Library()


def feed_for_context(context) -> FeedLink | None:
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    namespace = match.namespace if match else ""
    if namespace == "search":
        query = context.get("query")
        return search_link(query) if query else None
    if namespace == "profiles" and context.get("person") is not None:
        return person_link(context["person"])
    page = context.get("page")
    if page is None or not hasattr(page, "specific_class"):
        return None
    from wagtail.models import Site

    from blogs.models import BlogIndexPage, BlogPostPage, BlogsRootPage
    from intranet.models import SpacePage
    from wiki.models import WikiPage

    # The home page is the site's root (found once per request, and kept on it).
    site = Site.find_for_request(request) if request is not None else None
    if site is not None and page.pk == site.root_page_id:
        return everything_link()
    if isinstance(page, SpacePage):
        return space_links(page)[0]
    if isinstance(page, WikiPage) and page.space_id:
        return space_links(page.space)[2]
    if isinstance(page, BlogsRootPage):
        tag = request.GET.get("tag", "").strip()[:100] if request else ""
        return tag_link(tag) if tag else everything_link()
    if isinstance(page, (BlogIndexPage, BlogPostPage)):
        if page.space_id:
            return space_links(page.space)[1]
        owner = page.author if isinstance(page, BlogIndexPage) else page.owner
        return person_link(owner) if owner is not None else None
    return None


@register.inclusion_tag("feeds/autodiscovery.html", takes_context=True)
def feed_autodiscovery(context) -> dict:
    feed = feed_for_context(context)
    request = context.get("request")
    if feed is not None and request is not None:
        token = reader_token(request)
        if token:
            feed = feed.with_token(token, request)
    return {"feed": feed}


@register.simple_tag(takes_context=True)
def current_feed(context) -> FeedLink | None:
    return feed_for_context(context)
