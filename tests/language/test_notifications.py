"""Notifications and e-mails speak the recipient's language, whatever language the person
who caused them reads the intranet in."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from community import actions
from community.models import Notification, NotificationSetting, Report
from community.tasks import send_digest
from intranet.models import Role

pytestmark = pytest.mark.django_db

GERMAN_COMMENT = "Rita Reader hat „Soup of the day“ kommentiert"
ENGLISH_COMMENT = "Rita Reader commented on “Soup of the day”"


def comment(client, post, text: str = "Lovely soup!"):
    return client.post(reverse("blogs:comment", args=[post.pk]), {"text": text})


def listed(client) -> str:
    return client.get("/notifications/").content.decode()


def test_a_german_author_reads_an_english_colleagues_comment_in_german(
    client_for, speaks, editor, reader, open_post
):
    speaks(editor, "de")
    speaks(reader, "en")
    assert comment(client_for(reader), open_post).status_code == 302
    assert GERMAN_COMMENT in listed(client_for(editor))


def test_an_english_author_reads_a_german_colleagues_comment_in_english(
    client_for, speaks, editor, reader, open_post
):
    speaks(editor, "en")
    speaks(reader, "de")
    comment(client_for(reader), open_post)
    page = listed(client_for(editor))
    assert ENGLISH_COMMENT in page and "kommentiert" not in page


def test_a_notification_keeps_what_happened_not_the_actors_words(
    client_for, speaks, editor, reader, open_post
):
    speaks(reader, "de")
    comment(client_for(reader), open_post)
    note = Notification.objects.get(recipient=editor)
    assert note.message == "%(name)s commented on “%(title)s”"
    assert note.params == {"name": "Rita Reader", "title": "Soup of the day"}


def test_the_e_mail_at_once_is_in_the_recipients_language(
    client_for, speaks, editor, reader, open_post, django_capture_on_commit_callbacks
):
    speaks(editor, "de")
    speaks(reader, "en")
    NotificationSetting.objects.create(user=editor, kind="comment", delivery="immediate")
    with django_capture_on_commit_callbacks(execute=True):
        comment(client_for(reader), open_post)
    [sent] = mail.outbox
    assert sent.subject == GERMAN_COMMENT
    assert sent.body.startswith(GERMAN_COMMENT)


def test_an_english_recipient_gets_an_english_e_mail_for_a_german_actor(
    client_for, speaks, editor, reader, open_post, django_capture_on_commit_callbacks
):
    speaks(editor, "en")
    speaks(reader, "de")
    NotificationSetting.objects.create(user=editor, kind="comment", delivery="immediate")
    with django_capture_on_commit_callbacks(execute=True):
        comment(client_for(reader), open_post)
    assert [m.subject for m in mail.outbox] == [ENGLISH_COMMENT]


def test_the_daily_digest_is_in_the_recipients_language(
    client_for, speaks, editor, reader, open_post
):
    speaks(editor, "de")
    speaks(reader, "en")
    comment(client_for(reader), open_post)
    assert send_digest.call(editor.pk) == 1
    [sent] = mail.outbox
    assert sent.subject == "Ihre tägliche Intranet-Zusammenfassung (1)"
    assert "Hallo Eddie" in sent.body and GERMAN_COMMENT in sent.body


@pytest.mark.parametrize("language", ["de", "en"])
def test_everyone_reads_the_same_notification_in_their_own_language(
    client_for, speaks, editor, reader, employee, open_page, language
):
    """Two followers of one page, one German, one English: the wiki edit is one event."""
    speaks(editor, language)  # the actor's language changes nothing
    speaks(reader, "de")
    speaks(employee, "en")
    for person in (reader, employee):
        actions.follow(person, "page", open_page)
    open_page.body = "<p>Wash up, then dry.</p>"
    open_page.save_revision(user=editor).publish(user=editor, skip_permission_checks=True)
    assert "Eddie Tor hat „Kitchen rules“ bearbeitet" in listed(client_for(reader))
    assert "Eddie Tor edited “Kitchen rules”" in listed(client_for(employee))


def test_words_given_as_values_are_translated_for_the_reader_too(
    client_for, speaks, reader, moderator, open_post
):
    """A report's outcome is a label ("Dismissed"): the reporter reads it in German."""
    speaks(reader, "de")
    speaks(moderator, "en")
    report = actions.report_content(reader, open_post, "Spam")
    actions.resolve_report(report, Report.Status.DISMISSED, moderator=moderator)
    assert "Ihre Meldung zu „Soup of the day“: Verworfen" in listed(client_for(reader))


def test_a_role_given_lazily_is_kept_untranslated(editor, open_space):
    made = actions.notify(
        [editor],
        Notification.Kind.MEMBERSHIP,
        text="%(role)s",
        params={"role": Role.MODERATOR.label},
        space=open_space,
    )
    assert made[0].params == {"role": {"msgid": "Moderator"}}


def test_notifications_made_before_messages_still_show_their_text(
    client_for, speaks, editor, open_post
):
    """Rows from before the migration have only their text, in the actor's language."""
    speaks(editor, "en")
    Notification.objects.create(
        recipient=editor, kind="comment", page=open_post, text="Rita hat kommentiert"
    )
    assert "Rita hat kommentiert" in listed(client_for(editor))
    assert send_digest.call(editor.pk) == 1
    assert ": Rita hat kommentiert" in mail.outbox[0].body


def test_a_translation_that_does_not_fit_its_values_shows_the_stored_text(editor, open_post):
    note = Notification.objects.create(
        recipient=editor,
        kind="comment",
        page=open_post,
        message="%(name)s commented on “%(title)s”",
        params={"name": "Rita Reader"},
        text="Rita Reader commented",
    )
    assert note.display_text == "Rita Reader commented"


def test_a_subject_never_breaks_a_line(
    speaks, editor, open_post, django_capture_on_commit_callbacks
):
    NotificationSetting.objects.create(user=editor, kind="mention", delivery="immediate")
    with django_capture_on_commit_callbacks(execute=True):
        actions.notify(
            [editor], "mention", text="%(comment)s", params={"comment": "one\ntwo"}, page=open_post
        )
    assert [m.subject for m in mail.outbox] == ["one two"]
