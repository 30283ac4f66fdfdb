"""The visibility rule and the spaces list cost a constant number of queries, whether there
are 10 spaces or 5,000 (every fourth members-only, the reader in some of them)."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Locale, Page

from bench.seed_scale import child_path, insert_pages
from intranet.access import visible_pages, visible_spaces
from intranet.models import Membership, Role, SpacePage

pytestmark = pytest.mark.django_db


def add_spaces(index: Page, count: int, member) -> None:
    """`count` published spaces under `index`, inserted in bulk (the page tree through
    treebeard's path arithmetic, without revisions or groups, which the read rule ignores)."""
    index.refresh_from_db()
    content_type = ContentType.objects.get_for_model(SpacePage)
    locale = Locale.get_default()
    now = timezone.now()
    start = index.numchild
    spaces = []
    for i in range(count):
        slug = f"bulk-{start + i}"
        spaces.append(
            SpacePage(
                path=child_path(index, start + i + 1),
                depth=index.depth + 1,
                numchild=0,
                translation_key=uuid.uuid4(),
                locale_id=locale.pk,
                live=True,
                first_published_at=now,
                last_published_at=now,
                title=f"Bulk space {start + i}",
                draft_title=f"Bulk space {start + i}",
                slug=slug,
                url_path=f"{index.url_path}{slug}/",
                content_type_id=content_type.pk,
                description="Generated",
                visibility="members" if i % 4 == 3 else "open",
            )
        )
    insert_pages(spaces)
    SpacePage.objects.filter(pk__in=[s.pk for s in spaces]).update(space_id=F("pk"))
    Page.objects.filter(pk=index.pk).update(numchild=start + count)
    Membership.objects.bulk_create(
        [Membership(space=s, user=member, role=Role.READER) for s in spaces[::7]]
    )


def count_queries(action) -> int:
    with CaptureQueriesContext(connection) as queries:
        action()
    return len(queries)


def test_visible_pages_costs_one_query_at_10_and_5000_spaces(site_tree, reader, outsider):
    add_spaces(site_tree["spaces"], 10, reader)
    small = {
        u.username: count_queries(lambda u=u: list(visible_spaces(u))) for u in (reader, outsider)
    }
    small_total = len(visible_spaces(reader))
    add_spaces(site_tree["spaces"], 4990, reader)
    large = {
        u.username: count_queries(lambda u=u: list(visible_spaces(u))) for u in (reader, outsider)
    }
    assert small == large == {"reader": 1, "outsider": 1}
    # The rule really filtered: the outsider misses the members-only quarter.
    assert len(visible_spaces(reader)) > len(visible_spaces(outsider)) > small_total
    assert count_queries(lambda: list(visible_pages(outsider)[:50])) == 1


def test_the_spaces_list_costs_the_same_queries_at_10_and_5000_spaces(
    client_for, site_tree, reader
):
    client = client_for(reader)
    add_spaces(site_tree["spaces"], 10, reader)
    client.get("/spaces/")  # warm the caches (site root, content types)
    small = count_queries(lambda: client.get("/spaces/"))
    add_spaces(site_tree["spaces"], 4990, reader)
    large = count_queries(lambda: client.get("/spaces/"))
    response = client.get("/spaces/?page=2")
    assert response.status_code == 200 and "Bulk space" in response.content.decode()
    assert small == large
