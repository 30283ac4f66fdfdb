"""@mentions in the body of a post or a wiki page tell the people mentioned, once per new
mention: a post on its first publish (and later only people an edit adds), a wiki page on
each published edit (only people that edit adds)."""

from __future__ import annotations

import pytest

from community.models import Notification
from profiles.models import Profile
from tests.compose.helpers import WRITE, post_data
from tests.factories import UserFactory, make_blog_post, make_wiki_page

pytestmark = pytest.mark.django_db


def mentions_of(user) -> int:
    return Notification.objects.filter(recipient=user, kind=Notification.Kind.MENTION).count()


def publish(page, body: str, user) -> None:
    """Publish an edit of `page` with a new body, as its editor would."""
    page.body = body
    page.save_revision(user=user).publish(user=user)


# --- posts -----------------------------------------------------------------------------


def test_publishing_a_post_through_the_composer_tells_the_people_it_mentions(
    client_for, editor, reader, employee, open_space
):
    body = "<p>Thanks <b>@reader</b>!</p><p>@employee, see you.</p>"
    response = client_for(editor).post(
        WRITE, post_data(title="Soup of the day", body=body, space=open_space.slug)
    )
    assert response.status_code == 302
    note = Notification.objects.get(recipient=reader)
    assert note.kind == Notification.Kind.MENTION
    assert note.display_text == "Eddie Tor mentioned you on “Soup of the day”"
    assert mentions_of(employee) == 1


def test_a_mention_split_by_marks_and_one_after_a_paragraph_are_both_found(
    open_blog, editor, reader, employee
):
    make_blog_post(
        open_blog, "Marks", "<p>Hi</p><p>@employee and <i>@</i>reader</p>", author=editor
    )
    assert mentions_of(reader) == 1
    assert mentions_of(employee) == 1


def test_republishing_a_post_does_not_tell_the_same_person_again(open_blog, editor, reader):
    post = make_blog_post(open_blog, "Soup", "<p>Ask @reader.</p>", author=editor)
    publish(post, "<p>Ask @reader, she knows.</p>", editor)
    assert mentions_of(reader) == 1


def test_republishing_a_post_tells_only_the_people_the_edit_adds(
    open_blog, editor, reader, employee
):
    post = make_blog_post(open_blog, "Soup", "<p>Ask @reader.</p>", author=editor)
    publish(post, "<p>Ask @reader or @employee.</p>", editor)
    assert mentions_of(employee) == 1
    assert mentions_of(reader) == 1


def test_a_mention_removed_from_a_post_and_added_back_is_not_told_twice(open_blog, editor, reader):
    post = make_blog_post(open_blog, "Soup", "<p>Ask @reader.</p>", author=editor)
    publish(post, "<p>Ask someone.</p>", editor)
    publish(post, "<p>Ask @reader after all.</p>", editor)
    assert mentions_of(reader) == 1


def test_the_author_who_mentions_himself_is_not_told(open_blog, editor, reader):
    make_blog_post(open_blog, "Soup", "<p>@editor and @reader cook.</p>", author=editor)
    assert mentions_of(reader) == 1
    assert mentions_of(editor) == 0


def test_a_colleague_outside_a_members_only_space_is_not_told(
    private_space, editor, reader, outsider
):
    from blogs.actions import ensure_space_blog

    blog = ensure_space_blog(private_space, actor=editor)
    make_blog_post(blog, "Quokkas", "<p>@reader and @outsider, look.</p>", author=editor)
    assert mentions_of(reader) == 1
    assert mentions_of(outsider) == 0


def test_a_former_member_of_a_members_only_space_is_not_told(private_space, editor, reader):
    from blogs.actions import ensure_space_blog
    from intranet.actions import remove_member

    remove_member(private_space, reader)
    blog = ensure_space_blog(private_space, actor=editor)
    make_blog_post(blog, "Quokkas", "<p>@reader, remember these?</p>", author=editor)
    assert mentions_of(reader) == 0


def test_inactive_people_and_e_mail_addresses_are_not_told(open_blog, editor, reader, employee):
    gone = UserFactory(username="gone", is_active=False)
    body = "<p>@gone left; write to employee@example.com or @reader.</p>"
    make_blog_post(open_blog, "Soup", body, author=editor)
    assert mentions_of(reader) == 1
    assert mentions_of(gone) == 0
    assert mentions_of(employee) == 0


def test_a_german_reader_reads_the_mention_in_german(client_for, open_blog, editor, reader):
    Profile.objects.filter(user=reader).update(preferred_language="de")
    make_blog_post(open_blog, "Soup of the day", "<p>Ask @reader.</p>", author=editor)
    page = client_for(reader).get("/notifications/").content.decode()
    assert "Eddie Tor hat Sie in „Soup of the day“ erwähnt" in page


# --- wiki pages ------------------------------------------------------------------------


def test_a_new_wiki_page_tells_the_people_it_mentions(open_space, editor, reader):
    page = make_wiki_page(open_space, "Kitchen rules", "<p>Ask @reader.</p>", author=editor)
    note = Notification.objects.get(recipient=reader)
    assert (note.kind, note.page_id) == (Notification.Kind.MENTION, page.pk)


def test_a_wiki_edit_tells_only_the_people_it_newly_mentions(
    open_space, editor, moderator, reader, employee
):
    page = make_wiki_page(open_space, "Kitchen rules", "<p>Ask @reader.</p>", author=editor)
    publish(page, "<p>Ask @reader or @employee.</p>", moderator)
    assert mentions_of(employee) == 1
    assert mentions_of(reader) == 1


def test_a_wiki_edit_compares_with_the_last_published_version_not_with_drafts(
    open_space, editor, employee
):
    page = make_wiki_page(open_space, "Kitchen rules", "<p>Wash up.</p>", author=editor)
    page.body = "<p>Ask @employee.</p>"
    page.save_revision(user=editor)  # a draft, never published
    publish(page, "<p>Ask @employee, please.</p>", editor)
    assert mentions_of(employee) == 1


def test_a_mention_added_back_to_a_wiki_page_is_new_again(open_space, editor, employee):
    page = make_wiki_page(open_space, "Kitchen rules", "<p>Ask @employee.</p>", author=editor)
    publish(page, "<p>Ask someone.</p>", editor)
    publish(page, "<p>Ask @employee again.</p>", editor)
    assert mentions_of(employee) == 2


def test_the_wiki_editor_is_not_told_of_his_own_mention(open_space, editor, moderator):
    page = make_wiki_page(open_space, "Kitchen rules", "<p>Wash up.</p>", author=editor)
    publish(page, "<p>@moderator and @editor wash up.</p>", moderator)
    assert mentions_of(editor) == 1
    assert mentions_of(moderator) == 0
