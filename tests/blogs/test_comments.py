"""Comments and replies: who may write, read, hide and report them, and what bad input does."""

from __future__ import annotations

import pytest
from django.urls import reverse

from blogs import actions
from blogs.models import BlogPostPage, Comment


def comment_url(post) -> str:
    return reverse("blogs:comment", args=[post.pk])


def test_a_reader_comments_on_a_post_and_sees_it(client_for, reader, open_post):
    client = client_for(reader)
    response = client.post(comment_url(open_post), {"text": "Lovely soup!"})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{open_post.url}#comment-{comment.pk}"
    assert (comment.post_id, comment.author, comment.body) == (open_post.pk, reader, "Lovely soup!")
    assert "Lovely soup!" in client.get(open_post.url).content.decode()


def test_commenting_refuses_get(client_for, reader, open_post):
    assert client_for(reader).get(comment_url(open_post)).status_code == 405


def test_an_outsider_cannot_comment_on_a_members_only_post(client_for, outsider, private_post):
    response = client_for(outsider).post(comment_url(private_post), {"text": "Hello?"})
    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_commenting_on_a_draft_is_a_404(client_for, reader, open_blog, editor):
    draft = BlogPostPage(title="Draft", owner=editor, live=False)
    open_blog.add_child(instance=draft)
    response = client_for(reader).post(comment_url(draft), {"text": "Early bird"})
    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_comments_are_invisible_to_those_who_cannot_read_the_post(
    client_for, reader, outsider, private_post
):
    actions.add_comment(private_post, reader, "Secret quokka remark")
    assert Comment.visible_to(outsider).count() == 0
    assert Comment.visible_to(reader).count() == 1
    assert client_for(outsider).get(private_post.url).status_code == 404


def test_script_tags_and_javascript_links_are_neutralised(client_for, reader, open_post):
    text = '<script>alert(1)</script> <a href="javascript:alert(2)">x</a> javascript:alert(3)'
    client_for(reader).post(comment_url(open_post), {"text": text})
    html = Comment.objects.get().body_html
    assert "<script" not in html
    assert "<a " not in html  # neither the typed tag nor the bare javascript: became a link
    assert "&lt;script&gt;" in html  # shown as the text it was, not run
    page = client_for(reader).get(open_post.url).content.decode()
    assert "<script>alert(1)</script>" not in page


def test_links_and_mentions_become_safe_links(client_for, reader, editor, open_post):
    client_for(reader).post(
        comment_url(open_post), {"text": "See https://example.com/a?b=1 and ask @editor.\nThanks"}
    )
    html = Comment.objects.get().body_html
    assert '<a href="https://example.com/a?b=1" rel="nofollow noopener noreferrer ugc">' in html
    assert '<a href="/people/editor/" rel="nofollow noopener noreferrer ugc">@editor</a>.' in html
    assert "<br>" in html


def test_a_mention_of_nobody_stays_plain_text(db):
    assert "<a" not in actions.render_comment("Hello @nobody-here")


def test_a_100_kb_comment_is_refused_with_a_message_and_nothing_saved(
    client_for, reader, open_post
):
    response = client_for(reader).post(comment_url(open_post), {"text": "x" * 100_000})
    assert response.status_code == 400
    assert "at most 5000 characters" in response.content.decode()
    assert not Comment.objects.exists()


def test_an_empty_comment_is_refused(client_for, reader, open_post):
    response = client_for(reader).post(comment_url(open_post), {"text": "   "})
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_the_length_limit_comes_from_settings(settings, reader, open_post):
    settings.BLOG_COMMENT_MAX_LENGTH = 10
    with pytest.raises(actions.CommentError):
        actions.add_comment(open_post, reader, "eleven char")


def test_commenting_too_fast_is_rate_limited(settings, client_for, reader, open_post):
    settings.BLOG_COMMENTS_PER_MINUTE = 2
    client = client_for(reader)
    for n in range(2):
        assert client.post(comment_url(open_post), {"text": f"n{n}"}).status_code == 302
    response = client.post(comment_url(open_post), {"text": "one too many"})
    assert response.status_code == 429
    assert "one too many" in response.content.decode()  # the text is kept for later
    assert Comment.objects.count() == 2


def test_a_closed_write_gate_stops_a_comment_and_links_to_where_it_opens(
    monkeypatch, client_for, reader, open_post
):
    # Whoever registered the gate (the community guidelines do): blogs only asks.
    from intranet import gates

    def onboarding(user, next_url):
        return gates.Gate("Finish the onboarding first.", f"/onboarding/?next={next_url}", "Go")

    monkeypatch.setattr(gates, "_gates", [onboarding])
    response = client_for(reader).post(comment_url(open_post), {"text": "My careful words"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "Finish the onboarding first." in body and "My careful words" in body
    assert f'href="/onboarding/?next={open_post.url}"' in body
    assert not Comment.objects.exists()


def test_a_reply_to_a_reply_joins_the_same_thread(client_for, reader, editor, open_post):
    first = actions.add_comment(open_post, reader, "Top")
    reply = actions.add_comment(open_post, editor, "Reply", parent=first)
    deeper = actions.add_comment(open_post, reader, "Reply to reply", parent=reply)
    assert reply.parent == first
    assert deeper.parent == first
    thread = Comment.thread_for(open_post, reader)
    assert [c.body for c in thread] == ["Top"]
    assert [c.body for c in thread[0].thread_replies] == ["Reply", "Reply to reply"]


def test_replying_to_a_comment_on_another_post_is_a_404(
    client_for, reader, open_post, open_blog, editor
):
    from tests.factories import make_blog_post

    other = make_blog_post(open_blog, "Other", author=editor)
    elsewhere = actions.add_comment(other, reader, "Elsewhere")
    response = client_for(reader).post(
        comment_url(open_post), {"text": "Sneaky", "parent": elsewhere.pk}
    )
    assert response.status_code == 404
    assert Comment.objects.count() == 1


# --- hiding ------------------------------------------------------------------------------


def hide_url(comment) -> str:
    return reverse("blogs:hide", args=[comment.pk])


def test_the_posts_author_hides_a_comment(client_for, editor, reader, open_post):
    comment = actions.add_comment(open_post, reader, "Rude words")
    response = client_for(editor).post(hide_url(comment))
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_by == editor
    page = client_for(reader).get(open_post.url).content.decode()
    assert "Rude words" not in page
    assert "This comment was hidden by a moderator." in page


def test_a_space_moderator_hides_a_comment_and_shows_it_again(
    client_for, moderator, reader, open_post
):
    comment = actions.add_comment(open_post, reader, "Borderline")
    client = client_for(moderator)
    client.post(hide_url(comment))
    comment.refresh_from_db()
    assert comment.is_hidden
    assert "Borderline" in client.get(open_post.url).content.decode()  # moderators still see it
    client.post(hide_url(comment), {"hidden": "false"})
    comment.refresh_from_db()
    assert not comment.is_hidden


def test_another_reader_cannot_hide_a_comment(client_for, reader, author_colleague, open_post):
    comment = actions.add_comment(open_post, reader, "Mine")
    assert client_for(author_colleague).post(hide_url(comment)).status_code == 403
    comment.refresh_from_db()
    assert not comment.is_hidden


def test_hiding_a_comment_on_a_hidden_post_is_a_404_for_an_outsider(
    client_for, outsider, reader, private_post
):
    comment = actions.add_comment(private_post, reader, "Secret")
    assert client_for(outsider).post(hide_url(comment)).status_code == 404


def test_hiding_refuses_get(client_for, editor, reader, open_post):
    comment = actions.add_comment(open_post, reader, "Hi")
    assert client_for(editor).get(hide_url(comment)).status_code == 405


def test_only_site_admins_besides_the_author_moderate_personal_blog_comments(
    client_for, site_admin, moderator, reader, personal_post
):
    comment = actions.add_comment(personal_post, reader, "Hi")
    assert client_for(moderator).post(hide_url(comment)).status_code == 403
    assert client_for(site_admin).post(hide_url(comment)).status_code == 302


# --- reporting ---------------------------------------------------------------------------


def report_url(comment) -> str:
    return reverse("community:report_comment", args=[comment.pk])


def test_a_reader_reports_a_comment_to_the_moderators(client_for, reader, editor, open_post):
    from community.models import Report

    comment = actions.add_comment(open_post, editor, "Buy cheap watches")
    response = client_for(reader).post(report_url(comment), {"reason": "Spam"})
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.comment_id, report.page_id, report.reason) == (comment.pk, open_post.pk, "Spam")
    assert report.space_id == open_post.space_id


def test_a_report_without_a_reason_is_refused(client_for, reader, editor, open_post):
    from community.models import Report

    comment = actions.add_comment(open_post, editor, "Hmm")
    response = client_for(reader).post(report_url(comment), {"reason": ""})
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_an_outsider_cannot_report_a_comment_they_cannot_see(
    client_for, outsider, reader, private_post
):
    from community.models import Report

    comment = actions.add_comment(private_post, reader, "Secret")
    assert client_for(outsider).post(report_url(comment), {"reason": "x"}).status_code == 404
    assert not Report.objects.exists()


def test_reporting_comments_too_fast_is_rate_limited_and_keeps_the_reason(
    settings, client_for, reader, editor, open_post
):
    from community.models import Report

    settings.BLOG_REPORTS_PER_MINUTE = 1
    first, second = (actions.add_comment(open_post, editor, text) for text in ("One", "Two"))
    client = client_for(reader)
    assert client.post(report_url(first), {"reason": "Spam"}).status_code == 302
    response = client.post(report_url(second), {"reason": "More spam"})
    assert response.status_code == 429
    assert "More spam" in response.content.decode()
    assert Report.objects.count() == 1


def test_reporting_refuses_get(client_for, reader, editor, open_post):
    comment = actions.add_comment(open_post, editor, "Hi")
    assert client_for(reader).get(report_url(comment)).status_code == 405


def test_the_moderators_hide_a_reported_comment_from_their_queue(
    client_for, reader, moderator, editor, open_post
):
    from community.actions import report_comment
    from community.models import Report

    comment = actions.add_comment(open_post, editor, "Offensive")
    report_comment(comment, reader, "Offensive")
    report = Report.objects.get()
    response = client_for(moderator).post(
        reverse("community:resolve", args=[report.pk]), {"status": "hidden"}
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.is_hidden
