"""Security hardening: headers, no unsanitized user HTML, uploads, documents, redirects, rate
limits, session expiry and the admin log. Django's test client throughout."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from tests.factories import make_blog_post, make_wiki_page

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
# What must never reach a page unescaped: a live script tag, an injected event handler, or a
# javascript: URL in a link.
DANGEROUS = [b"<script>alert(1)", b"<img src=x onerror", b'href="javascript:']


def assert_no_active_content(body: bytes) -> None:
    lowered = body.lower()
    for needle in DANGEROUS:
        assert needle.lower() not in lowered, needle


def png_bytes(size: tuple[int, int] = (8, 8)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, "PNG")
    return buffer.getvalue()


# --- headers ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/people/", "/search/?q=x", "/feeds/", "/accounts/login/"])
def test_pages_carry_nosniff_referrer_policy_and_frame_protection(
    client_for, employee, open_space, url
):
    client = Client() if url.startswith("/accounts/") else client_for(employee)
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] in {
        "same-origin",
        "strict-origin-when-cross-origin",
        "no-referrer",
    }
    csp = response.get("Content-Security-Policy", "")
    assert response.get("X-Frame-Options") in {"DENY", "SAMEORIGIN"} or "frame-ancestors" in csp


# --- user-controlled HTML -----------------------------------------------------------------


def hostile_rich_text() -> str:
    """Draftail's contentstate as a hand-made POST could send it: a script as text and a
    javascript: link entity."""
    import json

    text = f"{SCRIPT} {ATTRIBUTE} click"
    block = {
        "key": "a1b2c",
        "type": "unstyled",
        "depth": 0,
        "text": text,
        "inlineStyleRanges": [],
        "entityRanges": [{"offset": len(text) - 5, "length": 5, "key": 0}],
        "data": {},
    }
    entity = {"type": "LINK", "mutability": "MUTABLE", "data": {"url": "javascript:alert(1)"}}
    return json.dumps({"blocks": [block], "entityMap": {"0": entity}})


def publish_through_wagtails_editor(client, page, **fields) -> None:
    from django.urls import reverse
    from wagtail.test.utils.form_data import inline_formset, nested_form_data

    revision = page.latest_revision
    data = nested_form_data(
        {
            "title": f"{page.title} {SCRIPT}{ATTRIBUTE}",
            "slug": page.slug,
            "body": hostile_rich_text(),
            "tags": "",
            "comments": inline_formset([]),
            "language": getattr(page, "language", ""),
            **fields,
        }
    )
    data["action-publish"] = "action-publish"
    data["loaded_revision_id"] = str(revision.pk)
    data["loaded_revision_created_at"] = revision.created_at.isoformat()
    response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
    errors = response.context["form"].errors if response.status_code == 200 else None
    assert response.status_code == 302, errors


@pytest.fixture
def hostile_content(client_for, open_space, editor, employee, site_admin):
    """Payloads typed where users type: titles and rich text through Wagtail's editor,
    comments through the action, profile fields through the profile form."""
    from blogs import actions as blog_actions
    from blogs.models import BlogIndexPage

    admin = client_for(site_admin)
    wiki = make_wiki_page(open_space, "Wiki", author=editor)
    publish_through_wagtails_editor(admin, wiki, edit_summary=f"{SCRIPT}{ATTRIBUTE}")
    blog = BlogIndexPage(title="Blog", slug="blog")
    open_space.add_child(instance=blog)
    blog.save_revision().publish(skip_permission_checks=True)
    post = make_blog_post(blog, "Post", author=editor)
    post_fields = {"date": post.date.isoformat()} if getattr(post, "date", None) else {}
    publish_through_wagtails_editor(admin, post, **post_fields)
    blog_actions.add_comment(post, employee, f"{SCRIPT} {ATTRIBUTE} [x](javascript:alert(1))")
    response = client_for(editor).post(
        f"/people/{editor.username}/edit/",
        {
            "first_name": f"Ed{ATTRIBUTE}",
            "last_name": "Tor",
            "job_title": f"{SCRIPT}{ATTRIBUTE}",
            "bio": f"{SCRIPT} {ATTRIBUTE}",
            "ask_me_about": ATTRIBUTE,
            "pronouns": SCRIPT,
            "location": ATTRIBUTE,
            "links": "https://example.com/",
        },
    )
    assert response.status_code == 302, response.content[:3000]
    return {"wiki": wiki, "post": post, "blog": blog}


def test_a_javascript_link_in_a_profile_is_refused_by_the_form(client_for, editor, site_tree):
    response = client_for(editor).post(
        f"/people/{editor.username}/edit/",
        {"first_name": "Ed", "links": "javascript:alert(1)"},
    )
    assert "is not a web address" in response.content.decode()
    editor.profile.refresh_from_db()
    assert "javascript" not in editor.profile.links


def test_no_user_controlled_html_is_rendered_unsanitized_on_any_page(
    client_for, employee, editor, open_space, hostile_content
):
    client = client_for(employee)
    wiki, post = hostile_content["wiki"], hostile_content["post"]
    urls = [
        "/",
        open_space.url,
        wiki.url,
        post.url,
        hostile_content["blog"].url,
        f"/wiki/{wiki.pk}/history/",
        f"/wiki/spaces/{open_space.slug}/changes/",
        f"/people/{editor.username}/",
        "/people/",
        "/people/?q=script",
        f"/search/?q={SCRIPT}",
        f"/search/?q={ATTRIBUTE}",
        "/search/?q=Wiki",
        "/search/?q=Post",
        "/search/suggest/?q=Wiki",
        f"/search/suggest/?q={SCRIPT}",
        "/org/",
        "/notifications/",
        "/feeds/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        if "json" in response["Content-Type"]:
            # JSON carries titles as data; site.js puts them in option.value, never innerHTML.
            assert response["Content-Type"].startswith("application/json")
            assert response["X-Content-Type-Options"] == "nosniff"
        else:
            assert_no_active_content(response.content)


def feed_html(client, url: str) -> list[str]:
    """The HTML a feed reader renders: each entry's summary and content, as sent."""
    import feedparser

    response = client.get(url)
    assert response.status_code == 200, url
    # No element of the XML itself may be active either.
    assert_no_active_content(response.content)
    parsed = feedparser.parse(response.content, sanitize_html=False)
    assert parsed.entries, url
    return [
        entry.get("summary", "") + "".join(c.get("value", "") for c in entry.get("content", []))
        for entry in parsed.entries
    ]


def test_blog_feeds_carry_only_sanitized_html(client_for, employee, editor, hostile_content):
    client = client_for(employee)
    for url in ["/feeds/people/editor.atom", "/feeds/search.rss?q=Post"]:
        for html in feed_html(client, url):
            assert_no_active_content(html.encode())


def test_wiki_change_feeds_carry_only_sanitized_html(
    client_for, employee, open_space, hostile_content
):
    client = client_for(employee)
    for url in ["/feeds/all.rss", "/feeds/all.atom", f"/feeds/spaces/{open_space.slug}/wiki.rss"]:
        for html in feed_html(client, url):
            assert_no_active_content(html.encode())


def test_rss_feeds_declare_their_language_as_a_code(client_for, employee, site_tree):
    body = client_for(employee).get("/feeds/all.rss").content.decode()
    assert "<language>en</language>" in body


def test_the_sanitizing_check_would_notice_a_raw_payload():
    """The control: the needles match what a broken template would print."""
    with pytest.raises(AssertionError):
        assert_no_active_content(f"<h1>{SCRIPT}</h1>".encode())
    with pytest.raises(AssertionError):
        assert_no_active_content(f'<p title="{ATTRIBUTE}">'.encode())


# --- uploads ------------------------------------------------------------------------------


def _photo_post(client, user, upload):
    return client.post(
        f"/people/{user.username}/edit/",
        {"first_name": "Ed", "last_name": "Tor", "photo": upload},
    )


def test_a_profile_photo_that_is_an_svg_is_refused_with_a_message(client_for, editor, site_tree):
    svg = SimpleUploadedFile(
        "me.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        content_type="image/svg+xml",
    )
    response = _photo_post(client_for(editor), editor, svg)
    assert response.status_code in (200, 400)
    assert (
        b"not an image we can read" in response.content
        or b"Upload a JPEG, PNG, GIF or WebP image." in response.content
    )
    editor.profile.refresh_from_db()
    assert not editor.profile.photo


def test_a_profile_photo_that_is_not_an_image_is_refused(client_for, editor, site_tree):
    fake = SimpleUploadedFile("me.png", b"<html>not a png</html>", content_type="image/png")
    response = _photo_post(client_for(editor), editor, fake)
    assert b"not an image we can read" in response.content
    editor.profile.refresh_from_db()
    assert not editor.profile.photo


@override_settings(MAX_UPLOAD_SIZE=1000)
def test_a_profile_photo_over_the_size_limit_is_refused(client_for, editor, site_tree):
    big = SimpleUploadedFile("me.png", png_bytes((400, 400)), content_type="image/png")
    response = _photo_post(client_for(editor), editor, big)
    assert b"too large" in response.content
    editor.profile.refresh_from_db()
    assert not editor.profile.photo


def test_wagtail_images_refuse_svg_and_non_images(client_for, site_admin, site_tree):
    from wagtail.images import get_image_model

    client = client_for(site_admin)
    svg = SimpleUploadedFile("x.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml")
    client.post("/admin/images/add/", {"title": "svg", "file": svg})
    text = SimpleUploadedFile("x.png", b"hello", "image/png")
    client.post("/admin/images/add/", {"title": "text", "file": text})
    good = SimpleUploadedFile("x.png", png_bytes(), "image/png")
    client.post("/admin/images/add/", {"title": "good", "file": good})
    assert list(get_image_model().objects.values_list("title", flat=True)) == ["good"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.html", b"<script>alert(1)</script>"),
        ("drawing.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
        ("data.xml", b"<?xml version='1.0'?><x/>"),
    ],
)
def test_documents_with_active_content_are_served_as_attachments(
    client_for, site_admin, employee, site_tree, name, content
):
    from wagtail.documents import get_document_model

    document = get_document_model().objects.create(
        title=name, file=SimpleUploadedFile(name, content), uploaded_by_user=employee
    )
    response = client_for(employee).get(document.url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_only_passive_types_may_be_served_inline():
    inline = set(settings.WAGTAILDOCS_INLINE_CONTENT_TYPES)
    assert not inline & {"text/html", "image/svg+xml", "application/xhtml+xml", "text/xml"}


# --- redirects ----------------------------------------------------------------------------

EVIL = ["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:alert(1)"]


@pytest.mark.parametrize("target", EVIL)
def test_the_language_switch_never_redirects_off_site(client_for, employee, site_tree, target):
    response = client_for(employee).post("/language/", {"language": "de", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("target", EVIL)
def test_login_never_redirects_off_site(client, employee, site_tree, target):
    response = client.post(
        f"/accounts/login/?next={target}",
        {"login": "employee", "password": "correct-horse-battery"},
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    assert not response["Location"].startswith("javascript")


@pytest.mark.parametrize("target", EVIL)
def test_follow_never_redirects_off_site(client_for, employee, open_space, target):
    response = client_for(employee).post(
        f"/follow/space/{open_space.slug}/", {"next": target}, HTTP_REFERER=target
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    assert not response["Location"].startswith("javascript")


# --- rate limits --------------------------------------------------------------------------


@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "3/m/ip,3/5m/key"})
def test_repeated_wrong_passwords_lock_the_login_with_a_message(client, employee, site_tree):
    from django.core.cache import cache

    cache.clear()
    for _ in range(3):
        client.post("/accounts/login/", {"login": "employee", "password": "nope"})
    # Even the right password is refused now: guessing gains nothing.
    response = client.post(
        "/accounts/login/", {"login": "employee", "password": "correct-horse-battery"}
    )
    assert response.status_code == 200
    assert b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session


@override_settings(ACCOUNT_RATE_LIMITS={"login": "3/m/ip"})
def test_login_posts_beyond_the_limit_get_the_sites_429_page(client, employee, site_tree):
    from django.core.cache import cache

    cache.clear()
    statuses = [
        client.post("/accounts/login/", {"login": "employee", "password": "nope"}).status_code
        for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    response = client.post("/accounts/login/", {"login": "employee", "password": "nope"})
    assert b"Too many attempts" in response.content


@override_settings(
    ACCOUNT_RATE_LIMITS={"signup": "2/m/ip"},
    SIGNUP_DOMAINS=["example.com"],
    ACCOUNT_EMAIL_VERIFICATION="none",
)
def test_sign_ups_are_rate_limited(client, site_tree):
    from django.core.cache import cache

    cache.clear()
    statuses = []
    for n in range(4):
        data = {
            "email": f"new{n}@example.com",
            "username": f"new{n}",
            "password1": "a-long-passphrase-42",
            "password2": "a-long-passphrase-42",
        }
        statuses.append(Client().post("/accounts/signup/", data).status_code)
    assert statuses[0] == 302
    assert statuses[-1] == 429


# --- sessions -----------------------------------------------------------------------------


def test_sessions_expire_within_a_working_day(client, employee, site_tree):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    assert 0 < settings.SESSION_COOKIE_AGE <= 24 * 60 * 60
    client.post("/accounts/login/", {"login": "employee", "password": "correct-horse-battery"})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    # Without "remember me" the cookie dies with the browser; the server forgets it anyway.
    assert cookie["max-age"] in ("", settings.SESSION_COOKIE_AGE)
    stored = Session.objects.get(session_key=cookie.value)
    remaining = (stored.expire_date - timezone.now()).total_seconds()
    assert 0 < remaining <= settings.SESSION_COOKIE_AGE


def test_remember_me_keeps_the_session_no_longer_than_the_cookie_age(client, employee, site_tree):
    client.post(
        "/accounts/login/",
        {"login": "employee", "password": "correct-horse-battery", "remember": "on"},
    )
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE


# --- admin log ----------------------------------------------------------------------------


def test_publishing_and_membership_changes_are_logged(open_space, editor, employee, site_admin):
    from wagtail.models import PageLogEntry

    from intranet.actions import remove_member, set_member_role

    make_wiki_page(open_space, "Logged page", author=editor)
    set_member_role(open_space, employee, "reader", actor=site_admin)
    set_member_role(open_space, employee, "editor", actor=site_admin)
    remove_member(open_space, employee, actor=site_admin)
    actions = set(PageLogEntry.objects.values_list("action", flat=True))
    assert {"wagtail.publish", "intranet.member_added", "intranet.role_changed"} <= actions
    assert any(a.startswith("intranet.member_removed") or "removed" in a for a in actions)
