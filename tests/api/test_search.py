"""Search through the API: the search page's service, so the same hits and no others."""

from __future__ import annotations


def hit_titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [hit["title"] for hit in response.json()["results"]]


def test_an_outsider_never_finds_what_is_members_only(api, content, outsider):
    assert hit_titles(api(outsider).get("/api/v1/search/", {"q": "quokka"})) == []
    assert hit_titles(api(outsider).get("/api/v1/search/", {"q": "kettle"})) == ["Kitchen rules"]


def test_a_member_finds_members_only_content(api, content, reader):
    found = hit_titles(api(reader).get("/api/v1/search/", {"q": "quokka"}))
    assert sorted(found) == ["Quokka launch plan", "Quokka roadmap", "Zanzibar Secret"]


def test_a_site_admin_finds_everything(api, content, site_admin):
    response = api(site_admin).get("/api/v1/search/", {"q": "quokka", "type": "wiki.wikipage"})
    assert hit_titles(response) == ["Quokka roadmap"]
    assert response.json()["count"] == 1


def test_odd_queries_are_answered_not_failed(api, content, reader):
    client = api(reader)
    for params in (
        {},
        {"q": ""},
        {"q": "x" * 5000},
        {"q": "quokka", "page": "zz"},
        {"q": "quokka", "page": "999"},
        {"q": "quokka", "date": "2026-13"},
    ):
        assert client.get("/api/v1/search/", params).status_code == 200
