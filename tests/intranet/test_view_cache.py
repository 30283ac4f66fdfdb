"""The one view cache (`intranet.cache`): fragments shared exactly between readers who see
the same pages, and dropped when a generation they depend on changes."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from intranet.cache import bump_generation, cached, cached_for_view, generation_values
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def counting(value="fresh"):
    """A compute function that counts its calls."""

    def compute():
        compute.calls += 1
        return value

    compute.calls = 0
    return compute


def test_readers_with_the_same_view_share_a_fragment(employee, private_space):
    colleague = UserFactory(username="colleague")
    compute = counting()
    assert cached_for_view(employee, ("tests", "list"), compute) == "fresh"
    assert cached_for_view(colleague, ("tests", "list"), compute) == "fresh"
    assert compute.calls == 1


def test_a_member_and_an_outsider_never_share_a_fragment(reader, outsider, private_space):
    cached_for_view(reader, ("tests", "list"), lambda: "with the private space")
    assert cached_for_view(outsider, ("tests", "list"), lambda: "open only") == "open only"


def test_a_bump_drops_only_the_fragments_that_depend_on_that_generation(employee):
    on_content, on_people = counting(), counting()
    for _round in range(2):
        cached_for_view(employee, ("tests", "content"), on_content)
        cached(("tests", "people"), on_people, generations=("people",))
        bump_generation("content")
    assert on_content.calls == 2
    assert on_people.calls == 1


def test_a_fragment_depending_on_several_generations_follows_each(employee):
    compute = counting()
    for name in ("content", "activity", "people"):
        cached_for_view(
            employee, ("tests", "stream"), compute, generations=("content", "activity", "people")
        )
        bump_generation(name)
    cached_for_view(
        employee, ("tests", "stream"), compute, generations=("content", "activity", "people")
    )
    assert compute.calls == 4


def test_an_evicted_counter_never_brings_an_old_fragment_back(employee):
    # The local-memory cache culls even keys without a timeout; a counter that started
    # again from a value it had before would find the fragments cached under it again.
    generation_values(["content"])
    bump_generation("content")
    cached_for_view(employee, ("tests", "list"), lambda: "before the change")
    cache.delete("intranet:generation:content")
    bump_generation("content")  # the change, while the counter was gone
    assert cached_for_view(employee, ("tests", "list"), lambda: "after") == "after"


def test_an_unknown_generation_is_refused(employee):
    with pytest.raises(ValueError, match="Unknown cache generation"):
        cached_for_view(employee, ("tests", "list"), lambda: 1, generations=("contnet",))
