"""/privacy/my-data/: a person downloads everything the intranet holds about them, and
nothing of anyone else's or of a space they left."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from api.models import ApiToken
from audit.models import AuditAction, AuditEntry
from feeds.models import FeedToken
from tests.privacy.conftest import LEA_MARKERS, SECRET_MARKERS, download, everything_in

pytestmark = pytest.mark.django_db

KINDS = (
    "profile.json",
    "account.json",
    "posts.json",
    "wiki.json",
    "comments.json",
    "reactions.json",
    "follows.json",
    "notifications.json",
    "tokens.json",
    "memberships.json",
    "reports.json",
    "audit.json",
    "uploads.json",
)


def read_json(archive, name: str):
    return json.loads(archive.read(name))


def test_an_anonymous_visitor_is_sent_to_the_login_page(db):
    for method in ("get", "post"):
        response = getattr(Client(), method)("/privacy/my-data/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_the_page_explains_what_is_included_and_offers_the_download(client_for, employee):
    response = client_for(employee).get("/privacy/my-data/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "What is included" in text
    assert 'method="post" action="/privacy/my-data/"' in text
    # A GET only shows the page: nothing downloaded, nothing recorded.
    assert not AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_EXPORTED).exists()


def test_other_methods_are_refused(client_for, employee):
    assert client_for(employee).put("/privacy/my-data/").status_code == 405
    assert client_for(employee).delete("/privacy/my-data/").status_code == 405


def test_the_zip_holds_every_kind_and_a_readme(client_for, full_lea):
    archive = download(client_for(full_lea))
    names = set(archive.namelist())
    assert {"README.txt", *KINDS} <= names
    readme = archive.read("README.txt").decode()
    assert "Lea Ving" in readme and "posts.json" in readme
    assert archive.testzip() is None


def test_the_profile_has_every_field_skills_endorsements_and_languages(
    client_for, full_lea, employee
):
    data = read_json(download(client_for(full_lea)), "profile.json")
    assert data["account"]["email"] == "lea@example.com"
    assert data["profile"]["phone"] == "+49 30 1234"
    assert data["profile"]["job_title"] == "Quokka keeper"
    assert data["profile"]["ask_me_about"] == "Zymurgy"
    assert data["spoken_languages"] == ["de"]
    [skill] = data["skills"]
    assert skill["skill"] == "Kubernetes"
    assert [e["person"]["username"] for e in skill["endorsed_by"]] == [employee.username]


def test_posts_wiki_comments_reactions_and_follows_are_hers(client_for, full_lea, open_space):
    archive = download(client_for(full_lea))
    posts = read_json(archive, "posts.json")
    assert sorted(p["title"] for p in posts) == ["Farewell lunch", "My diary"]
    assert "Thanks, all." in next(p for p in posts if p["title"] == "Farewell lunch")["body_html"]
    wiki = read_json(archive, "wiki.json")
    assert [p["title"] for p in wiki["pages_owned"]] == ["Onboarding checklist"]
    assert "Onboarding checklist" in {r["page"]["title"] for r in wiki["revisions"]}
    comments = read_json(archive, "comments.json")
    assert [(c["text"], c["post"]["title"]) for c in comments] == [
        ("See you around", "Farewell lunch")
    ]
    assert [r["reaction"] for r in read_json(archive, "reactions.json")] == ["celebrate"]
    follows = read_json(archive, "follows.json")["following"]
    assert {f["kind"] for f in follows} == {"space", "person"}
    notifications = read_json(archive, "notifications.json")
    assert notifications["settings"]["comment"] == "immediate"
    memberships = read_json(archive, "memberships.json")["memberships"]
    assert [m["space"]["title"] for m in memberships] == []  # she is in no space now
    assert open_space.title in {f["follows"]["title"] for f in follows if f["kind"] == "space"}


def test_tokens_are_named_but_never_given_away(client_for, full_lea):
    archive = download(client_for(full_lea))
    tokens = read_json(archive, "tokens.json")
    assert [t["name"] for t in tokens["api_tokens"]] == ["Laptop script"]
    assert tokens["feed_token"]["created"]
    text = everything_in(archive)
    feed_token = FeedToken.objects.get(user=full_lea)
    api_token = ApiToken.objects.get(user=full_lea)
    for secret in (feed_token.token, feed_token.token_hash, api_token.token_hash):
        assert secret not in text
    # Not even the first characters people tell tokens apart by (the audit entry of the
    # token's making has them, as the audit log does).
    listed = archive.read("tokens.json").decode()
    assert api_token.prefix not in listed and feed_token.prefix not in listed


def test_her_photo_and_uploads_are_in_the_zip(client_for, full_lea):
    archive = download(client_for(full_lea))
    names = archive.namelist()
    assert archive.read("files/profile-photo.jpg") == b"\xff\xd8\xff photo bytes"
    # The storage may add a suffix to a name an earlier test's file took.
    assert any(n.startswith("files/images/") and "-cat" in n for n in names)
    cv = next(n for n in names if n.startswith("files/documents/"))
    assert archive.read(cv) == b"%PDF-1.4 my cv"
    uploads = read_json(archive, "uploads.json")
    assert {i["title"] for i in uploads["images"]} == {"Cat"}


def test_nothing_of_the_private_space_she_left_is_in_the_zip(client_for, full_lea):
    text = everything_in(download(client_for(full_lea)))
    for marker in SECRET_MARKERS:
        assert marker not in text, marker


def test_the_audit_entries_about_her_are_included_without_the_hidden_space(
    client_for, full_lea, space_admin
):
    audit = read_json(download(client_for(full_lea)), "audit.json")
    removed = [e for e in audit if e["action"] == AuditAction.MEMBERSHIP_REMOVED]
    assert removed and removed[0]["space"] is None
    # Someone else's change about her: not their address or browser.
    assert all(e["ip_address"] is None for e in audit if "spaceadmin" in e["by"])


def test_another_persons_download_holds_nothing_of_hers(client_for, full_lea, reader):
    text = everything_in(download(client_for(reader)))
    for marker in (*LEA_MARKERS, "Farewell lunch", "See you around", "cat.png", "cv.pdf"):
        assert marker not in text, marker
    assert "Rita" in text  # the reader's own data is there


def test_the_download_is_recorded_in_the_audit_log(client_for, full_lea):
    download(client_for(full_lea))
    [entry] = AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_EXPORTED)
    assert entry.actor_id == entry.target_id == full_lea.pk
    assert entry.details["posts"] == 2 and entry.details["files"] == 3


def test_downloads_are_rate_limited(client_for, employee):
    client = client_for(employee)
    for _attempt in range(2):
        download(client)
    response = client.post("/privacy/my-data/")
    assert response.status_code == 429
    assert "wait a minute" in response.content.decode()
    assert AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_EXPORTED).count() == 2
