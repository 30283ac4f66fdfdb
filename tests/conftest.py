"""Personas and the page tree, shared by every app's tests.

Personas: `site_admin` (superuser), `space_admin`, `moderator`, `editor`, `reader` (members
of both spaces in those roles), `employee` (a colleague in no space) and `outsider` (an
employee who is not a member of the members-only space; same as `employee`, named for
readability in permission tests). `open_space` is open; `private_space` is members-only.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.test import Client

from intranet.models import Role
from tests.factories import UserFactory, make_space

# The browser fixtures, one Playwright session for every test that drives Chromium.
pytest_plugins = ["tests.browser"]


@pytest.fixture(autouse=True)
def _fresh_search_index(settings, tmp_path):
    """Each test gets an empty Whoosh index of its own, so counts never see earlier tests."""
    backend = settings.WAGTAILSEARCH_BACKENDS["default"]
    if backend["BACKEND"] == "search.backends.whoosh":
        fresh = {"default": {**backend, "PATH": str(tmp_path / "search-index")}}
        settings.WAGTAILSEARCH_BACKENDS = settings.MODELSEARCH_BACKENDS = fresh


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: counters of the rate limits and cached pages are
    keyed by ids, which a later test's rows take again after a rollback."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def site_tree(db):
    from home.site_tree import ensure_site_tree

    home, space_index, blogs_root = ensure_site_tree()
    return {"home": home, "spaces": space_index, "blogs": blogs_root}


@pytest.fixture
def site_admin(db):
    return UserFactory(username="siteadmin", is_staff=True, is_superuser=True)


@pytest.fixture
def space_admin(db):
    return UserFactory(username="spaceadmin", first_name="Sam", last_name="Admin")


@pytest.fixture
def moderator(db):
    return UserFactory(username="moderator", first_name="Mo", last_name="Derator")


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", first_name="Eddie", last_name="Tor")


@pytest.fixture
def reader(db):
    return UserFactory(username="reader", first_name="Rita", last_name="Reader")


@pytest.fixture
def employee(db):
    return UserFactory(username="employee", first_name="Emil", last_name="Ployee")


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider", first_name="Otto", last_name="Outside")


def _with_members(space, space_admin, moderator, editor, reader):
    from intranet.actions import set_member_role

    set_member_role(space, space_admin, Role.ADMIN)
    set_member_role(space, moderator, Role.MODERATOR)
    set_member_role(space, editor, Role.EDITOR)
    set_member_role(space, reader, Role.READER)
    return space


@pytest.fixture
def open_space(site_tree, space_admin, moderator, editor, reader):
    space = make_space(
        "Open Kitchen", slug="open-kitchen", description="Recipes for everyone", visibility="open"
    )
    return _with_members(space, space_admin, moderator, editor, reader)


@pytest.fixture
def private_space(site_tree, space_admin, moderator, editor, reader):
    space = make_space(
        "Zanzibar Secret", slug="zanzibar-secret", description="Quokka plans", visibility="members"
    )
    return _with_members(space, space_admin, moderator, editor, reader)


@pytest.fixture
def open_blog(open_space, editor):
    """The open space's blog."""
    from blogs.actions import ensure_space_blog

    return ensure_space_blog(open_space, actor=editor)


@pytest.fixture
def private_blog(private_space, editor):
    """The members-only space's blog."""
    from blogs.actions import ensure_space_blog

    return ensure_space_blog(private_space, actor=editor)


@pytest.fixture
def client_for():
    """`client_for(user)`: a test client logged in as that user."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


# Inside a test's transaction, search-index updates wait for the first read or write of the
# index (search/index_queue.py `apply_deferred`). A test that counts the queries of a request
# starts counting after them, as it would after a real commit; a test that captures on_commit
# callbacks sees the objects changed inside the block indexed when the block ends, the
# moment their transaction would have committed.
@pytest.fixture
def django_assert_num_queries(django_assert_num_queries):
    return _after_deferred_index_updates(django_assert_num_queries)


@pytest.fixture
def django_assert_max_num_queries(django_assert_max_num_queries):
    return _after_deferred_index_updates(django_assert_max_num_queries)


@pytest.fixture
def django_capture_on_commit_callbacks(django_capture_on_commit_callbacks):
    from search.index_queue import apply_deferred

    @contextmanager
    def capturing(*args, **kwargs):
        apply_deferred()
        with django_capture_on_commit_callbacks(*args, **kwargs) as callbacks:
            yield callbacks
        apply_deferred()

    return capturing


def _after_deferred_index_updates(assert_queries):
    from search.index_queue import apply_deferred

    def counting(*args, **kwargs):
        apply_deferred()
        return assert_queries(*args, **kwargs)

    return counting
