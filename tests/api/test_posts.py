"""Blog posts through the API: the readers of the web, the composer's actions."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from blogs.models import BlogPostPage
from tests.factories import make_blog_post


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["results"]]


def write(client, **data):
    return client.post("/api/v1/posts/", data, content_type="application/json")


def test_an_outsider_never_gets_members_only_posts(api, content, outsider):
    client = api(outsider)
    assert titles(client.get("/api/v1/posts/")) == ["Soup of the day"]
    assert client.get(f"/api/v1/posts/{content['private_post'].pk}/").status_code == 404
    assert client.get("/api/v1/posts/", {"space": "zanzibar-secret"}).status_code == 404
    assert titles(client.get("/api/v1/posts/", {"author": "editor"})) == ["Soup of the day"]


def test_a_member_reads_members_only_posts(api, content, reader):
    client = api(reader)
    assert sorted(titles(client.get("/api/v1/posts/"))) == ["Quokka launch plan", "Soup of the day"]
    assert titles(client.get("/api/v1/posts/", {"space": "zanzibar-secret"})) == [
        "Quokka launch plan"
    ]
    detail = client.get(f"/api/v1/posts/{content['private_post'].pk}/").json()
    assert "Zanzibar quokkas" in detail["body_html"]
    assert detail["space"]["slug"] == "zanzibar-secret"


def test_a_site_admin_reads_every_post(api, content, site_admin):
    assert len(titles(api(site_admin).get("/api/v1/posts/"))) == 2


def test_a_link_to_a_page_the_reader_may_not_see_carries_no_title_or_address(
    api, content, open_blog, editor, outsider, reader
):
    hidden = content["private_wiki"]
    post = make_blog_post(
        open_blog,
        "Links",
        f'<p>See <a linktype="page" id="{hidden.pk}">our plan</a> today.</p>',
        author=editor,
    )
    seen_by_outsider = api(outsider).get(f"/api/v1/posts/{post.pk}/").json()["body_html"]
    assert "our plan" in seen_by_outsider
    assert hidden.url not in seen_by_outsider and "Quokka" not in seen_by_outsider
    seen_by_member = api(reader).get(f"/api/v1/posts/{post.pk}/").json()["body_html"]
    assert hidden.url in seen_by_member


def test_drafts_are_not_listed(api, content, editor, outsider):
    response = write(api(editor, "write"), title="Half done", body="<p>…</p>", action="draft")
    assert response.status_code == 201
    assert response.json()["outcome"] == "draft"
    post_id = response.json()["post"]["id"]
    assert "Half done" not in titles(api(outsider).get("/api/v1/posts/"))
    assert api(outsider).get(f"/api/v1/posts/{post_id}/").status_code == 404


def test_an_employee_publishes_in_their_own_blog(api, site_tree, outsider, employee):
    response = write(
        api(employee, "write"),
        title="Hello colleagues",
        body="<p>First post.</p>",
        tags=["greetings", "new here"],
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["outcome"] == "published"
    assert body["post"]["space"] is None
    assert sorted(body["post"]["tags"]) == ["greetings", "new here"]
    post = BlogPostPage.objects.get(pk=body["post"]["id"])
    assert post.live and post.owner == employee
    assert titles(api(outsider).get("/api/v1/posts/")) == ["Hello colleagues"]


def test_an_editor_publishes_in_the_members_only_space(api, private_space, editor, outsider):
    response = write(
        api(editor, "write"), title="Plan B", body="<p>B.</p>", space="zanzibar-secret"
    )
    assert response.status_code == 201, response.content
    assert response.json()["post"]["space"]["slug"] == "zanzibar-secret"
    assert titles(api(outsider).get("/api/v1/posts/")) == []


def test_nobody_writes_in_a_space_they_may_not_write_in(api, open_space, private_space, outsider):
    for slug in ("zanzibar-secret", "open-kitchen"):
        response = write(api(outsider, "write"), title="Sneaky", body="<p>x</p>", space=slug)
        assert response.status_code == 400
        assert "space" in response.json()
    assert not BlogPostPage.objects.filter(title="Sneaky").exists()


def test_a_read_token_cannot_publish(api, site_tree, employee):
    response = write(api(employee, "read"), title="Nope", body="<p>x</p>")
    assert response.status_code == 403
    assert not BlogPostPage.objects.exists()


def test_bad_input_is_a_400_with_field_errors(api, site_tree, employee):
    client = api(employee, "write")
    assert "title" in write(client, body="<p>x</p>").json()
    assert "body" in write(client, title="Empty", body="").json()
    past = (timezone.now() - timedelta(days=1)).isoformat()
    assert (
        "go_live_at"
        in write(client, title="Late", body="<p>x</p>", action="schedule", go_live_at=past).json()
    )
    assert "tags" in write(client, title="T", body="<p>x</p>", tags=["a,b"]).json()
    assert write(client, title="T", body="<p>x</p>", language="xx").status_code == 400
    assert (
        client.post("/api/v1/posts/", "{not json", content_type="application/json").status_code
        == 400
    )
    assert not BlogPostPage.objects.exists()


def test_scheduling_a_post_publishes_it_later(api, site_tree, employee, outsider):
    when = (timezone.now() + timedelta(days=2)).isoformat()
    response = write(
        api(employee, "write"),
        title="Tomorrow",
        body="<p>x</p>",
        action="schedule",
        go_live_at=when,
    )
    assert response.status_code == 201, response.content
    assert response.json()["outcome"] == "scheduled"
    assert titles(api(outsider).get("/api/v1/posts/")) == []


def test_wrong_methods_on_posts_are_a_405(api, content, editor):
    client = api(editor, "write")
    assert client.delete(f"/api/v1/posts/{content['open_post'].pk}/").status_code == 405
    assert client.put("/api/v1/posts/", {}, content_type="application/json").status_code == 405


def test_writing_waits_for_the_community_guidelines_as_on_the_web(api, site_tree, employee):
    from community.actions import acknowledge_guidelines
    from community.models import GuidelinesPage

    guidelines = GuidelinesPage(title="Guidelines", slug="guidelines", body="<p>Be kind.</p>")
    site_tree["home"].add_child(instance=guidelines)
    guidelines.save_revision().publish()
    client = api(employee, "write")
    response = write(client, title="Hello", body="<p>x</p>")
    assert response.status_code == 403
    assert "/guidelines/" in response.json()["detail"]
    acknowledge_guidelines(employee, GuidelinesPage.objects.get(pk=guidelines.pk))
    assert write(client, title="Hello", body="<p>x</p>").status_code == 201


def test_a_service_token_sees_what_its_service_account_may_see(content, private_space, site_admin):
    from api.actions import create_service_token
    from intranet.actions import set_member_role
    from tests.factories import UserFactory

    bot = UserFactory(username="reporting-bot")
    _token, raw = create_service_token(bot, name="Reports", scope="read", actor=site_admin)
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert titles(client.get("/api/v1/posts/")) == ["Soup of the day"]
    set_member_role(private_space, bot, "reader", actor=site_admin)
    assert sorted(titles(client.get("/api/v1/posts/"))) == ["Quokka launch plan", "Soup of the day"]
