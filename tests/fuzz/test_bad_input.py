"""Bad input never answers 500: hypothesis throws arbitrary text at the search page, the
suggestions, feed token URLs, the profile form and the comment form.

The test client re-raises a view's exception, so a crash fails the example even before the
status check; the status check catches handlers that turn an error into a bare 500."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from profiles.forms import ProfileForm
from tests.factories import make_blog_post

pytestmark = pytest.mark.django_db

# Fixtures are built once per test, not per example: the examples only read, or write rows
# that do not change what the next example can do.
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Any text (control characters, NUL, right-to-left marks, emoji), plus the kinds of input
# that have broken search parsers and form fields before.
nasty = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            '"',
            "*",
            "AND OR NOT",
            "title:",
            "(((",
            "<script>alert(1)</script>",
            "%",
            "\\",
            "a" * 5000,
            "🦆" * 100,
            "' OR 1=1 --",
            "9" * 40,
            "-1",
            "2026-02-30",
        ]
    ),
)


def _ok(response) -> None:
    assert response.status_code < 500, response.content[:500]


@pytest.fixture
def member_client(open_space, editor) -> Client:
    client = Client()
    client.force_login(editor)
    return client


@FUZZ
@given(q=nasty, kind=nasty, author=nasty, department=nasty, date=nasty, page=nasty)
def test_the_search_page_answers_any_query_without_a_server_error(
    member_client, q, kind, author, department, date, page
):
    params = {"q": q, "type": kind, "author": author, "department": department}
    _ok(member_client.get("/search/", {**params, "date": date, "page": page}))


@FUZZ
@given(q=nasty, space=nasty)
@example(q="0", space="9223372036854775808")
def test_the_search_pages_space_filter_answers_any_value_without_a_server_error(
    member_client, q, space
):
    _ok(member_client.get("/search/", {"q": q, "space": space}))


@FUZZ
@given(q=nasty)
def test_search_suggestions_answer_any_prefix_without_a_server_error(member_client, q):
    _ok(member_client.get("/search/suggest/", {"q": q}))


@FUZZ
@given(token=nasty, tag=st.text(min_size=1, max_size=60), q=nasty)
def test_feed_urls_answer_any_token_tag_or_query_without_a_server_error(
    client, site_tree, token, tag, q
):
    # A reader has no session: anonymous client, token in the query string.
    _ok(client.get("/feeds/all.rss", {"token": token}))
    _ok(client.get("/feeds/search.atom", {"token": token, "q": q}))
    _ok(client.get(f"/feeds/tags/{quote(tag, safe='')}.rss", {"token": token}))


# Every field the profile form has, from the form itself (file fields get text too).
PROFILE_FIELDS = list(ProfileForm.base_fields)
profile_fields = st.fixed_dictionaries(dict.fromkeys(PROFILE_FIELDS, nasty))


@FUZZ
@given(data=profile_fields)
def test_the_profile_form_answers_any_input_without_a_server_error(member_client, editor, data):
    _ok(member_client.post(f"/people/{editor.username}/edit/", data))


@pytest.fixture
def post(open_space, editor):
    from blogs.models import BlogIndexPage

    blog = BlogIndexPage(title="Blog", slug="blog")
    open_space.add_child(instance=blog)
    blog.save_revision().publish(skip_permission_checks=True)
    return make_blog_post(blog, "Fuzzed", author=editor)


@FUZZ
@given(text=nasty, parent=nasty, kind=nasty, reason=nasty)
def test_the_comment_and_reaction_forms_answer_any_input_without_a_server_error(
    member_client, post, text, parent, kind, reason
):
    _ok(member_client.post(f"/blogs/-/posts/{post.pk}/comments/", {"text": text, "parent": parent}))
    _ok(member_client.post(f"/blogs/-/posts/{post.pk}/react/", {"kind": kind}))
    comment = post.comments.order_by("-pk").first()
    if comment is not None:
        _ok(member_client.post(f"/blogs/-/comments/{comment.pk}/report/", {"reason": reason}))


# PostgreSQL refuses NUL in any text parameter, SQLite does not: these fail on both.
def test_a_nul_in_the_cover_username_is_a_form_error(member_client, editor):
    response = member_client.post(f"/people/{editor.username}/edit/", {"cover": "\x00"})
    assert response.status_code == 400  # the form again, with its errors
    assert "Null characters are not allowed" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/blogs/?author=%00",
        "/blogs/?tag=a%00b",
        "/people/?department=%00",
        "/search/?q=%00",
        "/spaces/?kind=%00",
        "/wiki/?a%00=1",
    ],
)
def test_a_nul_in_the_query_string_answers_400_saying_why(member_client, url):
    response = member_client.get(url)
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()
