"""Wiki pages through the API: the same readers as the pages, the editor's actions."""

from __future__ import annotations

from wiki.models import WikiPage


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["results"]]


def edit(client, page, **data):
    return client.put(f"/api/v1/wiki/{page.pk}/", data, content_type="application/json")


def test_an_outsider_never_gets_members_only_wiki_pages(api, content, outsider):
    client = api(outsider)
    hidden = content["private_wiki"].pk
    assert titles(client.get("/api/v1/wiki/")) == ["Kitchen rules"]
    assert client.get(f"/api/v1/wiki/{hidden}/").status_code == 404
    assert client.get(f"/api/v1/wiki/{hidden}/revisions/").status_code == 404
    assert client.get("/api/v1/wiki/", {"space": "zanzibar-secret"}).status_code == 404


def test_a_member_reads_members_only_pages_and_their_history(api, content, reader):
    client = api(reader)
    page = content["private_wiki"]
    assert sorted(titles(client.get("/api/v1/wiki/"))) == ["Kitchen rules", "Quokka roadmap"]
    detail = client.get(f"/api/v1/wiki/{page.pk}/").json()
    assert "Secret quokka milestones" in detail["body_html"]
    assert detail["parent_id"] == content["private_post"].space.pk
    revisions = client.get(f"/api/v1/wiki/{page.pk}/revisions/").json()
    assert revisions["count"] == 1
    assert revisions["results"][0]["live"] is True
    assert revisions["results"][0]["author"]["username"] == "editor"


def test_a_site_admin_reads_every_page(api, content, site_admin):
    assert len(titles(api(site_admin).get("/api/v1/wiki/"))) == 2


def test_an_editor_changes_a_page_and_the_history_shows_it(api, content, editor, reader):
    page = content["private_wiki"]
    response = edit(
        api(editor, "write"),
        page,
        title="Quokka roadmap",
        body="<p>Secret quokka milestones, revised.</p>",
        edit_summary="Revised",
        base_revision=page.latest_revision_id,
    )
    assert response.status_code == 200, response.content
    assert response.json()["outcome"] == "published"
    revisions = api(reader).get(f"/api/v1/wiki/{page.pk}/revisions/").json()["results"]
    assert [r["summary"] for r in revisions] == ["Revised", ""]
    page.refresh_from_db()
    assert "revised" in page.body


def test_changes_saved_meanwhile_are_merged_or_refused_as_a_conflict(api, content, editor):
    page = content["open_wiki"]
    base = page.latest_revision_id
    client = api(editor, "write")
    first = edit(
        client,
        page,
        title="Kitchen rules",
        body="<p>Clean the kettle daily.</p>",
        base_revision=base,
    )
    assert first.status_code == 200
    second = edit(
        client,
        page,
        title="Kitchen rules",
        body="<p>Clean the kettle weekly.</p>",
        base_revision=base,
    )
    assert second.status_code == 409
    assert second.json()["conflicts"] == 1
    page.refresh_from_db()
    assert "daily" in page.body


def test_a_reader_cannot_edit_and_an_outsider_gets_a_404(api, content, reader, outsider):
    page = content["private_wiki"]
    assert edit(api(reader, "write"), page, title="X", body="<p>x</p>").status_code == 403
    assert edit(api(outsider, "write"), page, title="X", body="<p>x</p>").status_code == 404
    assert edit(api(outsider, "write"), content["open_wiki"], title="X", body="").status_code == 403
    page.refresh_from_db()
    assert page.title == "Quokka roadmap"


def test_a_read_token_cannot_edit(api, content, editor):
    response = edit(api(editor, "read"), content["open_wiki"], title="X", body="<p>x</p>")
    assert response.status_code == 403


def test_bad_edits_are_a_400_with_field_errors(api, content, editor):
    client = api(editor, "write")
    page = content["open_wiki"]
    assert "title" in edit(client, page, title="", body="<p>x</p>").json()
    assert "body" in edit(client, page, title="X").json()
    assert "base_revision" in edit(client, page, title="X", body="", base_revision="nine").json()


def test_an_editor_adds_a_page_under_a_space(api, content, editor, outsider):
    space = content["open_wiki"].space
    response = api(editor, "write").post(
        "/api/v1/wiki/",
        {"parent": space.pk, "title": "Fridge", "body": "<p>Label your food.</p>"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["outcome"] == "published"
    assert "Fridge" in titles(api(outsider).get("/api/v1/wiki/"))


def test_nobody_adds_pages_where_they_may_not(api, content, reader, outsider):
    hidden_parent = content["private_wiki"].pk
    data = {"parent": hidden_parent, "title": "Leak", "body": "<p>x</p>"}
    assert (
        api(outsider, "write")
        .post("/api/v1/wiki/", data, content_type="application/json")
        .status_code
        == 404
    )
    assert (
        api(reader, "write")
        .post("/api/v1/wiki/", data, content_type="application/json")
        .status_code
        == 403
    )
    # A post is no place for a wiki page.
    post = {**data, "parent": content["open_post"].pk}
    assert (
        api(reader, "write")
        .post("/api/v1/wiki/", post, content_type="application/json")
        .status_code
        == 404
    )
    assert not WikiPage.objects.filter(title="Leak").exists()


def test_wrong_methods_on_wiki_pages_are_a_405(api, content, editor):
    client = api(editor, "write")
    page = content["open_wiki"]
    assert client.delete(f"/api/v1/wiki/{page.pk}/").status_code == 405
    assert client.post(f"/api/v1/wiki/{page.pk}/revisions/").status_code == 405
