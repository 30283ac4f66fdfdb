"""The fixed top of the page tree: home at `/`, spaces at `/spaces/`, blogs at `/blogs/`."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from wagtail.models import Locale, Page, Site

from blogs.models import BlogsRootPage
from home.models import HomePage
from intranet.models import SpaceIndexPage


@transaction.atomic
def ensure_site_tree():
    """Create (once) the home page as the site root, the space index and the blogs root.
    Returns (home, space_index, blogs_root)."""
    # Wagtail's migrations make the locale and root page; a flushed database (transactional
    # tests) has neither.
    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
    home = HomePage.objects.first()
    if home is None:
        # Wagtail's migration leaves a placeholder "Welcome" page; ours takes its place.
        for placeholder in root.get_children().filter(slug="home"):
            Site.objects.filter(root_page=placeholder).delete()
            placeholder.delete()
        home = root.add_child(instance=HomePage(title=settings.WAGTAIL_SITE_NAME, slug="home"))
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name=settings.WAGTAIL_SITE_NAME,
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()
    space_index = SpaceIndexPage.objects.first() or home.add_child(
        instance=SpaceIndexPage(title="Spaces", slug="spaces")
    )
    blogs_root = BlogsRootPage.objects.first() or home.add_child(
        instance=BlogsRootPage(title="Blogs", slug="blogs")
    )
    return home, space_index, blogs_root
