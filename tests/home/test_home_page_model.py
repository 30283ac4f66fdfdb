"""The home page model lives in the `home` app; a database made before the move keeps its
home page, with the same content type row, once migrated."""

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from wagtail.models import Locale, Page, Site

from home.models import HomePage

BEFORE_THE_MOVE = [("intranet", "0001_initial")]


def test_the_site_root_is_the_home_apps_home_page(site_tree):
    home = Site.objects.get(is_default_site=True).root_page
    assert type(home.specific) is HomePage
    assert home.content_type == ContentType.objects.get(app_label="home", model="homepage")


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def leaf_nodes():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_a_home_page_made_before_the_move_keeps_its_row_and_content_type():
    # Wagtail's migration made the root page, but an earlier transactional test may have
    # emptied the database since.
    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
    latest = leaf_nodes()
    try:
        migrate(BEFORE_THE_MOVE)
        old_apps = MigrationExecutor(connection).loader.project_state(BEFORE_THE_MOVE).apps
        old_type = old_apps.get_model("contenttypes", "ContentType").objects.get(
            app_label="intranet", model="homepage"
        )
        root = old_apps.get_model("wagtailcore", "Page").objects.get(depth=1)
        old_apps.get_model("intranet", "HomePage").objects.create(
            title="Old home",
            slug="old-home",
            path=root.path + "0099",
            depth=2,
            url_path="/old-home/",
            content_type_id=old_type.pk,
            locale_id=root.locale_id,
            intro="Welcome, from before the move",
        )
    finally:
        migrate(latest)
    ContentType.objects.clear_cache()

    page = Page.objects.get(slug="old-home")
    assert page.content_type_id == old_type.pk
    assert type(page.specific) is HomePage
    assert page.specific.intro == "Welcome, from before the move"
    assert not ContentType.objects.filter(app_label="intranet", model="homepage").exists()
