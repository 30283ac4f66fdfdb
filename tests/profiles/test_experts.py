"""The expert finder and a profile's activity count only what the viewer may see."""

from __future__ import annotations

import pytest
from django.urls import reverse

from profiles.actions import endorse, set_skill
from profiles.models import SkillLevel

pytestmark = pytest.mark.django_db


def hits(client, q: str) -> dict[str, str]:
    response = client.get(reverse("profiles:directory"), {"q": q})
    assert response.status_code == 200
    return {person.username: why for person, why in response.context["rows"]}


def test_a_declared_skill_is_explained_with_level_and_endorsements(
    client_for, employee, outsider, reader
):
    skill = set_skill(outsider.profile, "Kubernetes", SkillLevel.EXPERT, actor=outsider)
    endorse(skill, endorser=employee)
    endorse(skill, endorser=reader)
    found = hits(client_for(employee), "kubernetes")
    assert found["outsider"] == "Skill: Kubernetes (expert, 2 endorsements)"


def test_experts_rank_by_level_and_endorsements(client_for, employee, outsider, reader):
    set_skill(outsider.profile, "Kubernetes", SkillLevel.BEGINNER, actor=outsider)
    strong = set_skill(reader.profile, "Kubernetes", SkillLevel.EXPERT, actor=reader)
    endorse(strong, endorser=employee)
    assert list(hits(client_for(employee), "kubernetes")) == ["reader", "outsider"]


def test_a_member_sees_every_post_and_wiki_edit_counted(
    client_for, reader, editor, kubernetes_content
):
    found = hits(client_for(reader), "kubernetes")
    assert found["editor"] == "3 posts · 4 wiki edits about kubernetes"


def test_an_outsider_sees_only_open_content_counted(
    client_for, outsider, editor, kubernetes_content
):
    found = hits(client_for(outsider), "kubernetes")
    assert found["editor"] == "1 post · 2 wiki edits about kubernetes"


def test_an_outsider_does_not_find_someone_known_only_for_private_work(
    client_for, outsider, editor, private_space, space_blogs
):
    from tests.factories import make_blog_post

    make_blog_post(space_blogs[1], "Zebra migration", "<p>zebra zebra</p>", author=editor)
    assert "editor" not in hits(client_for(outsider), "zebra")


def test_the_expert_finder_respects_the_directory_filters(
    client_for, employee, outsider, reader, departments
):
    from profiles.models import Profile

    set_skill(outsider.profile, "Kubernetes", 3, actor=outsider)
    set_skill(reader.profile, "Kubernetes", 3, actor=reader)
    Profile.objects.filter(user=reader).update(department=departments["it"])
    response = client_for(employee).get(
        reverse("profiles:directory"), {"q": "kubernetes", "department": "it"}
    )
    assert [p.username for p, _why in response.context["rows"]] == ["reader"]


def test_the_result_page_says_why_each_person_was_found(client_for, employee, outsider):
    set_skill(outsider.profile, "Kubernetes", SkillLevel.ADVANCED, actor=outsider)
    html = (
        client_for(employee)
        .get(reverse("profiles:directory"), {"q": "kubernetes"})
        .content.decode()
    )
    assert "Skill: Kubernetes (advanced, 0 endorsements)" in html
    assert "1 person knows about" in html


def test_a_profile_lists_posts_and_wiki_edits_the_viewer_may_see(
    client_for, reader, outsider, editor, kubernetes_content
):
    url = reverse("profiles:detail", args=["editor"])
    as_member = client_for(reader).get(url).content.decode()
    as_outsider = client_for(outsider).get(url).content.decode()
    assert "Kubernetes for Zanzibar" in as_member and "Quokka cluster" in as_member
    assert "Kubernetes upgrades" in as_outsider and "Cluster handbook" in as_outsider
    assert "Zanzibar" not in as_outsider and "Quokka" not in as_outsider


def test_a_kind_of_contribution_an_app_registers_is_counted_and_listed(
    monkeypatch, client_for, employee, editor, open_space
):
    # Profiles know no content app: what a registered kind counts and lists is shown.
    from intranet import contributions
    from tests.factories import make_wiki_page

    page = make_wiki_page(open_space, "Sourdough", author=employee)  # not among editor's edits
    recipes = contributions.ContributionKind(
        name="recipes",
        order=5,
        weight=1,
        count_about=lambda viewer, query, words, people: {editor.pk: 2},
        describe=lambda n, query: f"{n} recipes with {query}",
        recent=lambda viewer, person, limit: [
            contributions.Contribution(page, page.last_published_at)
        ],
        title="Recipes",
        empty="No recipes.",
    )
    monkeypatch.setitem(contributions._kinds, "recipes", recipes)
    assert hits(client_for(employee), "flour")["editor"] == "2 recipes with flour"
    html = client_for(employee).get(reverse("profiles:detail", args=["editor"])).content.decode()
    assert '<h2 id="recipes-heading">Recipes</h2>' in html
    assert f'href="{page.url}">Sourdough</a>' in html


def test_the_expert_finder_costs_the_same_queries_for_few_and_many_matching_pages(
    client_for, reader, editor, space_blogs, django_assert_max_num_queries
):
    # Posts and wiki pages are counted in the search index, not loaded page by page.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_blog_post, make_wiki_page

    open_blog = space_blogs[0]
    client = client_for(reader)

    def add(count: int) -> None:
        start = open_blog.get_children().count()
        for n in range(start, start + count):
            make_blog_post(open_blog, f"Kubernetes note {n}", "<p>kubernetes</p>", author=editor)
            make_wiki_page(
                open_blog.get_parent().specific,
                f"Kube page {n}",
                "<p>kubernetes</p>",
                author=editor,
            )

    add(2)
    with CaptureQueriesContext(connection) as few:
        assert hits(client, "kubernetes")["editor"] == "2 posts · 2 wiki edits about kubernetes"
    add(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert hits(client, "kubernetes")["editor"] == "12 posts · 12 wiki edits about kubernetes"
