"""Comment, reply, hide, report and react: a plain form post is answered as always (a
redirect back to the post), the page's script gets just the piece that changed, and every
problem comes back as a message for inside the form. Access is the same either way."""

from __future__ import annotations

import pytest
from django.urls import reverse

from blogs import actions
from blogs.models import Comment, Reaction
from community.models import Report


def comment_url(post) -> str:
    return reverse("blogs:comment", args=[post.pk])


def react_url(post) -> str:
    return reverse("blogs:react", args=[post.pk])


def hide_url(comment) -> str:
    return reverse("blogs:hide", args=[comment.pk])


def report_url(comment) -> str:
    return reverse("community:report_comment", args=[comment.pk])


def is_fragment(response) -> bool:
    return response.get("X-Fragment") == "1" and b"<html" not in response.content


# --- comments ----------------------------------------------------------------------------


def test_the_script_gets_the_new_comment_alone(fetch_for, reader, open_post):
    response = fetch_for(reader)(comment_url(open_post), {"text": "Lovely soup, @editor!"})
    comment = Comment.objects.get()
    assert response.status_code == 200 and is_fragment(response)
    html = response.content.decode()
    assert f'id="comment-{comment.pk}"' in html
    assert '<a href="/people/editor/"' in html  # rendered like on the page: the mention links
    assert "Your reply" in html  # a top-level comment can be answered at once
    assert "Accept" in response["Vary"]


def test_a_plain_form_post_still_goes_back_to_the_post(client_for, reader, open_post):
    response = client_for(reader).post(comment_url(open_post), {"text": "No script here"})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{open_post.url}#comment-{comment.pk}"
    assert "X-Fragment" not in response


def test_a_reply_comes_back_as_a_reply(fetch_for, reader, editor, open_post):
    first = actions.add_comment(open_post, editor, "Top")
    response = fetch_for(reader)(comment_url(open_post), {"text": "Agreed", "parent": first.pk})
    assert response.status_code == 200 and is_fragment(response)
    html = response.content.decode()
    assert "Agreed" in html and "Your reply" not in html  # replies are not answered again
    assert Comment.objects.get(body="Agreed").parent == first


def test_an_anonymous_script_post_is_sent_to_log_in_not_given_a_fragment(fetch_for, open_post):
    response = fetch_for(None)(comment_url(open_post), {"text": "Hello?"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert "X-Fragment" not in response
    assert not Comment.objects.exists()


def test_an_outsider_gets_a_404_from_the_script_too(fetch_for, outsider, private_post):
    response = fetch_for(outsider)(comment_url(private_post), {"text": "Let me in"})
    assert response.status_code == 404 and "X-Fragment" not in response
    assert not Comment.objects.exists()


def test_commenting_refuses_get(client_for, reader, open_post):
    assert client_for(reader).get(comment_url(open_post)).status_code == 405


def test_an_empty_comment_comes_back_as_a_message_for_the_form(fetch_for, reader, open_post):
    response = fetch_for(reader)(comment_url(open_post), {"text": ""})
    assert response.status_code == 400 and is_fragment(response)
    assert "Your comment: This field is required." in response.content.decode()


def test_commenting_too_fast_comes_back_as_a_message_for_the_form(
    settings, fetch_for, reader, open_post
):
    settings.BLOG_COMMENTS_PER_MINUTE = 1
    post = fetch_for(reader)
    assert post(comment_url(open_post), {"text": "one"}).status_code == 200
    response = post(comment_url(open_post), {"text": "two"})
    assert response.status_code == 429 and is_fragment(response)
    assert "Please wait a minute" in response.content.decode()
    assert Comment.objects.count() == 1


def test_a_closed_write_gate_comes_back_with_its_link(monkeypatch, fetch_for, reader, open_post):
    from intranet import gates

    def guidelines(user, next_url):
        return gates.Gate("Read the guidelines first.", f"/guidelines/?next={next_url}", "Read")

    monkeypatch.setattr(gates, "_gates", [guidelines])
    response = fetch_for(reader)(comment_url(open_post), {"text": "Careful words"})
    assert response.status_code == 403 and is_fragment(response)
    html = response.content.decode()
    assert "Read the guidelines first." in html
    assert f'href="/guidelines/?next={open_post.url}"' in html
    assert not Comment.objects.exists()


# --- hiding and reporting ----------------------------------------------------------------


def test_the_author_hides_a_comment_and_the_script_gets_it_marked(
    fetch_for, editor, reader, open_post
):
    comment = actions.add_comment(open_post, reader, "Rude words")
    response = fetch_for(editor)(hide_url(comment))
    assert response.status_code == 200 and is_fragment(response)
    html = response.content.decode()
    assert "comment-hidden" in html and "Show again" in html
    comment.refresh_from_db()
    assert comment.is_hidden


def test_hiding_still_redirects_a_plain_form_post(client_for, editor, reader, open_post):
    comment = actions.add_comment(open_post, reader, "Rude words")
    response = client_for(editor).post(hide_url(comment))
    assert response.status_code == 302
    assert response["Location"] == f"{open_post.url}#comment-{comment.pk}"


def test_another_reader_cannot_hide_a_comment_through_the_script(
    fetch_for, author_colleague, reader, open_post
):
    comment = actions.add_comment(open_post, reader, "Mine")
    response = fetch_for(author_colleague)(hide_url(comment))
    assert response.status_code == 403 and "X-Fragment" not in response
    comment.refresh_from_db()
    assert not comment.is_hidden


def test_hiding_on_a_hidden_post_is_a_404_and_refuses_get(
    fetch_for, client_for, outsider, editor, reader, private_post
):
    comment = actions.add_comment(private_post, reader, "Secret")
    assert fetch_for(outsider)(hide_url(comment)).status_code == 404
    assert client_for(editor).get(hide_url(comment)).status_code == 405


def test_a_report_is_thanked_in_place(fetch_for, reader, editor, open_post):
    comment = actions.add_comment(open_post, editor, "Buy cheap watches")
    response = fetch_for(reader)(report_url(comment), {"reason": "Spam"})
    assert response.status_code == 200 and is_fragment(response)
    assert "The moderators will look at this comment" in response.content.decode()
    assert Report.objects.get().comment_id == comment.pk


def test_a_report_without_a_reason_comes_back_as_a_message(fetch_for, reader, editor, open_post):
    comment = actions.add_comment(open_post, editor, "Hmm")
    response = fetch_for(reader)(report_url(comment), {"reason": ""})
    assert response.status_code == 400 and is_fragment(response)
    assert "This field is required." in response.content.decode()
    assert not Report.objects.exists()


def test_reporting_refuses_get_and_hides_what_an_outsider_cannot_see(
    fetch_for, client_for, outsider, reader, private_post
):
    comment = actions.add_comment(private_post, reader, "Secret")
    assert client_for(reader).get(report_url(comment)).status_code == 405
    assert fetch_for(outsider)(report_url(comment), {"reason": "x"}).status_code == 404
    assert not Report.objects.exists()


# --- reactions ---------------------------------------------------------------------------


def test_the_script_gets_the_reaction_bar_and_reacting_again_takes_it_back(
    fetch_for, reader, open_post
):
    post = fetch_for(reader)
    response = post(react_url(open_post), {"kind": "love"})
    assert response.status_code == 200 and is_fragment(response)
    html = response.content.decode()
    assert 'id="reactions"' in html
    assert 'aria-pressed="true" title="Love"' in html and "Who reacted" in html
    html = post(react_url(open_post), {"kind": "love"}).content.decode()
    assert 'aria-pressed="true"' not in html and "Who reacted" not in html
    assert not Reaction.objects.exists()


def test_a_plain_reaction_still_redirects(client_for, reader, open_post):
    response = client_for(reader).post(react_url(open_post), {"kind": "like"})
    assert response.status_code == 302 and response["Location"] == f"{open_post.url}#reactions"


def test_reacting_too_fast_comes_back_as_a_message(settings, fetch_for, reader, open_post):
    settings.BLOG_REACTIONS_PER_MINUTE = 1
    post = fetch_for(reader)
    post(react_url(open_post), {"kind": "like"})
    response = post(react_url(open_post), {"kind": "idea"})
    assert response.status_code == 429 and is_fragment(response)
    assert "Please wait a minute" in response.content.decode()


@pytest.mark.parametrize("user", [None, "outsider"])
def test_nobody_outside_reacts_to_a_members_only_post(request, fetch_for, private_post, user):
    person = request.getfixturevalue(user) if user else None
    response = fetch_for(person)(react_url(private_post), {"kind": "like"})
    assert response.status_code in (302, 404) and "X-Fragment" not in response
    assert not Reaction.objects.exists()


def test_reacting_refuses_get(client_for, reader, open_post):
    assert client_for(reader).get(react_url(open_post)).status_code == 405
