"""Reports reach the moderation queue only for content the reporter may see, and the queue
shows and acts only on content the moderator may moderate; notifications of every kind are
filtered by the recipient's visibility *now*, wherever they are listed, counted or e-mailed.

Personas: `outsider` moderates a space of his own ("Outpost") but is no member of the
members-only `private_space`; `reader` is a member of both persona spaces until the tests
take that away."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command

from blogs import actions as blog_actions
from blogs.models import Comment
from community import actions
from community.models import Follow, Notification, NotificationSetting, Report
from community.tasks import send_digest, send_notification_email
from intranet.actions import join_space, remove_member, set_member_role, sync_space_permissions
from intranet.models import IntranetPage
from tests.factories import make_blog_post, make_space, make_wiki_page

pytestmark = pytest.mark.django_db

MARKER = "Quokkaplan"


@pytest.fixture(autouse=True)
def _no_rate_limits_left_over():
    """Comment and report rate limits are cache counters keyed by user id."""
    cache.clear()


@pytest.fixture
def outpost(site_tree, outsider):
    """An open space the outsider moderates: his own page to report through."""
    space = make_space("Outpost", slug="outpost")
    set_member_role(space, outsider, "moderator")
    return space


@pytest.fixture
def outpost_page(outpost, outsider):
    return make_wiki_page(outpost, "Outpost notes", author=outsider)


@pytest.fixture
def secret_post(private_space, editor):
    blog = blog_actions.ensure_space_blog(private_space)
    return make_blog_post(blog, f"{MARKER} roadmap", author=editor)


@pytest.fixture
def secret_comment(secret_post, reader):
    return blog_actions.add_comment(secret_post, reader, f"The {MARKER} launch date is Friday")


@pytest.fixture
def open_post(open_space, editor):
    return make_blog_post(blog_actions.ensure_space_blog(open_space), "Kitchen menu", author=editor)


@pytest.fixture
def open_comment(open_post, reader):
    return blog_actions.add_comment(open_post, reader, "Buy pills at spam.example")


# --- reports: what may be reported ---------------------------------------------------------


def test_a_comment_of_a_hidden_post_cannot_be_reported_through_a_page_of_ones_own_space(
    client_for, outsider, outpost_page, secret_comment
):
    response = client_for(outsider).post(
        "/report/", {"page": outpost_page.pk, "comment": secret_comment.pk, "reason": "x"}
    )
    assert response.status_code == 404
    assert not Report.objects.exists()


def test_a_comment_of_another_visible_post_cannot_be_reported_through_this_page(
    client_for, reader, open_space, open_comment, editor
):
    other = make_wiki_page(open_space, "Dish duty", author=editor)
    response = client_for(reader).post(
        "/report/", {"page": other.pk, "comment": open_comment.pk, "reason": "x"}
    )
    assert response.status_code == 404
    assert not Report.objects.exists()


def test_a_comment_is_reported_through_its_own_post(
    client_for, employee, moderator, open_post, open_comment
):
    response = client_for(employee).post(
        "/report/", {"page": open_post.pk, "comment": open_comment.pk, "reason": "Spam"}
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.page_id, report.comment_id) == (open_post.pk, open_comment.pk)
    assert "spam.example" in client_for(moderator).get("/moderation/").content.decode()


def test_a_hidden_comment_is_reported_only_by_those_who_may_see_it(
    client_for, employee, moderator, open_post, open_comment
):
    blog_actions.hide_comment(open_comment, moderator)
    data = {"page": open_post.pk, "comment": open_comment.pk, "reason": "x"}
    assert client_for(employee).post("/report/", data).status_code == 404
    assert client_for(moderator).post("/report/", data).status_code == 302
    assert Report.objects.count() == 1


def test_an_outsider_cannot_report_a_hidden_post(client_for, outsider, secret_post):
    response = client_for(outsider).post("/report/", {"page": secret_post.pk, "reason": "x"})
    assert response.status_code == 404
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"page": 10**30, "reason": "x"},
        {"page": -1, "reason": "x"},
        {"page": "abc", "reason": "x"},
        {"page": 1, "comment": 10**30, "reason": "x"},
        {"page": 1, "comment": 0, "reason": "x"},
    ],
)
def test_absurd_ids_in_a_report_are_a_message_not_a_crash(client_for, reader, open_space, data):
    response = client_for(reader).post("/report/", data)
    assert response.status_code == 302
    assert not Report.objects.exists()


def test_a_report_of_a_page_without_an_address_goes_back_home(client_for, site_admin, site_tree):
    client = client_for(site_admin)
    response = client.post("/report/", {"page": 1, "reason": "x"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/moderation/").status_code == 200


def test_reporting_needs_post(client_for, reader):
    assert client_for(reader).get("/report/").status_code == 405


# --- the moderation queue and its actions ----------------------------------------------------


@pytest.fixture
def forged_report(outsider, outpost_page, secret_comment):
    """A report made before reports were checked: a hidden comment through his own page."""
    return Report.objects.create(
        reporter=outsider,
        page=outpost_page,
        space_id=outpost_page.space_id,
        comment_id=secret_comment.pk,
        reason="look",
    )


def test_a_forged_comment_report_is_not_shown_in_the_queue(
    client_for, outsider, site_admin, forged_report
):
    for user in (outsider, site_admin):
        response = client_for(user).get("/moderation/")
        assert response.status_code == 200
        assert MARKER not in response.content.decode()


@pytest.mark.parametrize("status", ["hidden", "restored", "dismissed"])
def test_a_forged_comment_report_cannot_be_acted_on(
    client_for, outsider, forged_report, secret_comment, status
):
    if status == "restored":
        Comment.objects.filter(pk=secret_comment.pk).update(is_hidden=True)
    before = Comment.objects.get(pk=secret_comment.pk).is_hidden
    response = client_for(outsider).post(f"/moderation/{forged_report.pk}/", {"status": status})
    assert response.status_code == 404
    assert Comment.objects.get(pk=secret_comment.pk).is_hidden == before
    forged_report.refresh_from_db()
    assert forged_report.status == Report.Status.OPEN
    assert not Notification.objects.filter(recipient=outsider).exists()


def test_the_queue_follows_where_the_page_is_now_not_the_stored_space(
    client_for, outsider, outpost, reader, secret_post
):
    report = actions.report_content(reader, secret_post, "Spam")
    # A stale copy of "which space", as a page move used to leave behind.
    Report.objects.filter(pk=report.pk).update(space=outpost)
    assert MARKER not in client_for(outsider).get("/moderation/").content.decode()
    response = client_for(outsider).post(f"/moderation/{report.pk}/", {"status": "hidden"})
    assert response.status_code == 404
    secret_post.refresh_from_db()
    assert secret_post.live


def test_a_moderator_sees_and_resolves_reports_of_his_space_only(
    client_for, outsider, outpost_page, reader, open_post, moderator
):
    mine = actions.report_content(reader, outpost_page, "Typo")
    theirs = actions.report_content(reader, open_post, "Spam")
    client = client_for(outsider)
    queue = client.get("/moderation/").content.decode()
    assert "Outpost notes" in queue and "Kitchen menu" not in queue
    assert client.post(f"/moderation/{theirs.pk}/", {"status": "dismissed"}).status_code == 404
    assert client.post(f"/moderation/{mine.pk}/", {"status": "dismissed"}).status_code == 302
    mine.refresh_from_db()
    assert mine.status == Report.Status.DISMISSED


def test_employees_who_moderate_nothing_get_no_queue_and_no_actions(
    client_for, employee, reader, open_post
):
    report = actions.report_content(reader, open_post, "Spam")
    client = client_for(employee)
    assert client.get("/moderation/").status_code == 403
    assert client.post(f"/moderation/{report.pk}/", {"status": "hidden"}).status_code == 404


def test_moderation_views_refuse_the_wrong_method(client_for, moderator, reader, open_post):
    report = actions.report_content(reader, open_post, "Spam")
    client = client_for(moderator)
    assert client.post("/moderation/").status_code == 405
    assert client.get(f"/moderation/{report.pk}/").status_code == 405


def test_dismissing_a_comment_report_leaves_the_comment_as_it_was(
    client_for, moderator, editor, open_post, open_comment
):
    blog_actions.hide_comment(open_comment, editor)
    report = actions.report_content(moderator, open_post, "Spam", comment_id=open_comment.pk)
    client_for(moderator).post(f"/moderation/{report.pk}/", {"status": "dismissed"})
    open_comment.refresh_from_db()
    assert open_comment.is_hidden


def test_hiding_and_restoring_a_reported_comment(
    client_for, moderator, employee, open_post, open_comment
):
    report = actions.report_content(employee, open_post, "Spam", comment_id=open_comment.pk)
    client = client_for(moderator)
    client.post(f"/moderation/{report.pk}/", {"status": "hidden"})
    open_comment.refresh_from_db()
    assert open_comment.is_hidden and open_comment.hidden_by == moderator
    client.post(f"/moderation/{report.pk}/", {"status": "restored"})
    open_comment.refresh_from_db()
    assert not open_comment.is_hidden


# --- report outcomes ---------------------------------------------------------------------------


def unread_badge(client) -> bool:
    return 'class="notification-count"' in client.get("/notifications/").content.decode()


def test_a_report_outcome_reaches_the_reporter_only_while_he_may_see_the_space(
    client_for, reader, moderator, private_space, secret_post, django_capture_on_commit_callbacks
):
    report = actions.report_content(reader, secret_post, "Spam")
    actions.resolve_report(report, Report.Status.DISMISSED, moderator=moderator)
    client = client_for(reader)
    page = client.get("/notifications/").content.decode()
    assert f"{MARKER} roadmap" in page and unread_badge(client)
    remove_member(private_space, reader)
    assert MARKER not in client.get("/notifications/").content.decode()
    assert not unread_badge(client)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_digests")
    assert mail.outbox == []


def test_an_outcome_that_hid_the_page_does_not_name_it(
    client_for, reader, moderator, open_space, editor
):
    page = make_wiki_page(open_space, f"{MARKER} menu", author=editor)
    report = actions.report_content(reader, page, "Spam")
    actions.resolve_report(report, Report.Status.HIDDEN, moderator=moderator)
    client = client_for(reader)
    listed = client.get("/notifications/").content.decode()
    assert "Your report: Content hidden" in listed and MARKER not in listed
    assert send_digest.call(reader.pk) == 1
    assert MARKER not in mail.outbox[0].body + mail.outbox[0].subject


def test_a_report_outcome_follows_the_reporters_notification_settings(
    reader, moderator, open_post, django_capture_on_commit_callbacks
):
    NotificationSetting.objects.create(user=reader, kind="report_outcome", delivery="immediate")
    report = actions.report_content(reader, open_post, "Spam")
    with django_capture_on_commit_callbacks(execute=True):
        actions.resolve_report(report, Report.Status.DISMISSED, moderator=moderator)
    assert [m.to for m in mail.outbox] == [[reader.email]]
    assert "Kitchen menu" in mail.outbox[0].subject


# --- every notification kind, for an ex-member ---------------------------------------------------


def notifications_of_every_kind(recipient, private_space, editor, moderator, site_tree):
    """Make one notification of each kind for `recipient` through the real paths, all about
    members-only content the recipient may see today."""
    blog = blog_actions.ensure_space_blog(private_space)
    wiki = make_wiki_page(private_space, f"{MARKER} wiki", author=editor)
    Follow.objects.create(user=recipient, kind="page", page=wiki)
    Follow.objects.create(user=recipient, kind="space", space=private_space)
    wiki.save_revision(user=editor).publish(user=editor)  # wiki_edit
    post = make_blog_post(blog, f"{MARKER} post", author=editor)  # followed
    own = make_blog_post(blog, f"{MARKER} own post", author=recipient)
    blog_actions.add_comment(own, editor, "Nice")  # comment
    mine = blog_actions.add_comment(post, recipient, "Question")
    blog_actions.add_comment(post, editor, f"@{recipient.username} answer", parent=mine)
    # mention + reply (the mention takes precedence for the same comment): one more reply
    blog_actions.add_comment(post, editor, "Another answer", parent=mine)
    guarded = make_space(
        f"{MARKER} guarded", slug="guarded", visibility="members", join_policy="approval"
    )
    set_member_role(guarded, recipient, "moderator", actor=moderator)  # membership
    join_space(guarded, editor)  # join_request
    # review: a change waiting for the recipient, a moderator of `guarded`, which approves
    guarded.wiki_moderation = True
    guarded.save()
    sync_space_permissions(guarded)
    rules = make_wiki_page(guarded, f"{MARKER} rules", author=recipient)
    rules.save_revision(user=editor)
    rules.get_workflow().start(rules, editor)
    # review_outcome: the recipient's own change to a page of `private_space`, sent back
    private_space.wiki_moderation = True
    private_space.save()
    sync_space_permissions(private_space)
    wiki.save_revision(user=recipient)
    state = wiki.get_workflow().start(wiki, recipient).current_task_state
    state.task.specific.on_action(state, moderator, "reject", comment="Not yet")
    report = actions.report_content(recipient, post, "Spam")
    actions.resolve_report(report, Report.Status.DISMISSED, moderator=moderator)
    return guarded


def test_every_notification_kind_names_its_page_or_space(
    reader, private_space, editor, moderator, site_tree
):
    notifications_of_every_kind(reader, private_space, editor, moderator, site_tree)
    made = Notification.objects.filter(recipient=reader)
    assert set(made.values_list("kind", flat=True)) == set(Notification.Kind.values)
    assert not made.filter(page=None, space=None).exists()
    assert Notification.for_user(reader).count() == made.count()


def test_an_ex_member_gets_no_notification_of_any_kind_listed_counted_or_emailed(
    client_for,
    reader,
    private_space,
    editor,
    moderator,
    site_tree,
    django_capture_on_commit_callbacks,
):
    for kind in Notification.Kind.values:
        NotificationSetting.objects.create(user=reader, kind=kind, delivery="daily")
    guarded = notifications_of_every_kind(reader, private_space, editor, moderator, site_tree)
    client = client_for(reader)
    assert unread_badge(client)
    remove_member(private_space, reader)
    remove_member(guarded, reader)
    mail.outbox.clear()
    page = client.get("/notifications/").content.decode()
    assert MARKER not in page and "No notifications." in page
    assert not unread_badge(client)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_digests")
    for notification in Notification.objects.filter(recipient=reader):
        # What a task worker would do with an immediate e-mail queued before the change.
        assert send_notification_email.call(notification.pk) is False
    assert [m.to for m in mail.outbox if reader.email in m.to] == []


def test_a_notification_about_a_page_now_in_a_hidden_space_is_not_shown(
    client_for, employee, open_space, private_space, editor
):
    page = make_wiki_page(open_space, f"{MARKER} rules", author=editor)
    actions.notify([employee], "wiki_edit", text=f"edited {MARKER} rules", page=page)
    assert Notification.for_user(employee).count() == 1
    # The page is in the members-only space now; the row still names the open one.
    IntranetPage.objects.filter(pk=page.pk).update(space=private_space)
    assert Notification.for_user(employee).count() == 0
    assert MARKER not in client_for(employee).get("/notifications/").content.decode()
    assert send_digest.call(employee.pk) == 0


def test_a_notification_leads_to_where_its_page_is_now(client_for, employee, open_space, editor):
    page = make_wiki_page(open_space, "Dish duty", author=editor)
    shelf = make_wiki_page(open_space, "Archive", author=editor)
    actions.notify([employee], "wiki_edit", text="Dish duty changed", page=page)
    page.move(shelf, pos="last-child", user=editor)
    page.refresh_from_db()
    assert page.url == "/spaces/open-kitchen/archive/dish-duty/"
    assert f'href="{page.url}"' in client_for(employee).get("/notifications/").content.decode()


def test_a_notification_about_nothing_is_refused_and_never_shown(employee):
    with pytest.raises(ValueError):
        actions.notify([employee], "mention", text="about nothing")
    # A row from before every notification named its page or space cannot be checked.
    Notification.objects.create(recipient=employee, kind="report_outcome", text=MARKER)
    assert Notification.for_user(employee).count() == 0


def test_notification_views_for_an_outsider_show_only_his_own(
    client_for, outsider, reader, open_post, editor
):
    actions.notify([reader], "mention", text="For the reader only", actor=editor, page=open_post)
    client = client_for(outsider)
    assert "For the reader only" not in client.get("/notifications/").content.decode()
    client.post("/notifications/read/")
    assert Notification.objects.get(recipient=reader).read_at is None


def test_notification_views_refuse_the_wrong_method(client_for, reader):
    client = client_for(reader)
    assert client.post("/notifications/").status_code == 405
    assert client.get("/notifications/read/").status_code == 405
    assert client.put("/notifications/settings/").status_code == 405


def test_anonymous_visitors_are_sent_to_log_in(client):
    for path in ("/notifications/", "/moderation/"):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
