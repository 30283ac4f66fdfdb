import pytest
from django.core import mail

from community import actions
from community.models import Activity, Follow, Notification, Report
from intranet.actions import set_space_visibility
from tests.factories import UserFactory, make_wiki_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret_page(private_space, editor):
    return make_wiki_page(private_space, "Quokka roadmap", author=editor)


@pytest.fixture
def open_page(open_space, editor):
    return make_wiki_page(open_space, "Kitchen rules", author=editor)


# --- following ---------------------------------------------------------------------------


def test_an_employee_follows_an_open_space(client_for, employee, open_space):
    response = client_for(employee).post(f"/follow/space/{open_space.slug}/")
    assert response.status_code == 302
    assert Follow.objects.filter(user=employee, space=open_space).exists()


def test_following_twice_keeps_one_follow(client_for, employee, open_space):
    client = client_for(employee)
    client.post(f"/follow/space/{open_space.slug}/")
    client.post(f"/follow/space/{open_space.slug}/")
    assert Follow.objects.filter(user=employee, space=open_space).count() == 1


def test_an_outsider_cannot_follow_a_members_only_space(client_for, outsider, private_space):
    response = client_for(outsider).post(f"/follow/space/{private_space.slug}/")
    assert response.status_code == 404
    assert not Follow.objects.exists()


def test_an_outsider_cannot_follow_a_hidden_page(client_for, outsider, secret_page):
    assert client_for(outsider).post(f"/follow/page/{secret_page.pk}/").status_code == 404


def test_following_needs_post(client_for, employee, open_space):
    assert client_for(employee).get(f"/follow/space/{open_space.slug}/").status_code == 405


def test_unfollow_removes_the_follow(client_for, employee, open_space):
    client = client_for(employee)
    client.post(f"/follow/person/{open_space.owner.username if open_space.owner else 'editor'}/")
    client.post(f"/follow/space/{open_space.slug}/")
    client.post(f"/unfollow/space/{open_space.slug}/")
    assert not Follow.objects.filter(user=employee, kind="space").exists()


def test_unknown_follow_kinds_are_404(client_for, employee):
    assert client_for(employee).post("/follow/galaxy/x/").status_code == 404


# --- activity stream ---------------------------------------------------------------------


def test_the_stream_hides_members_only_activity_from_outsiders(
    outsider, reader, secret_page, open_page
):
    outsider_pages = {a.page_id for a in Activity.stream_for(outsider)}
    member_pages = {a.page_id for a in Activity.stream_for(reader)}
    assert secret_page.pk not in outsider_pages
    assert {secret_page.pk, open_page.pk} <= member_pages


def test_the_stream_forgets_content_when_its_space_becomes_private(employee, open_space, open_page):
    assert open_page.pk in {a.page_id for a in Activity.stream_for(employee)}
    set_space_visibility(open_space, "members")
    assert open_page.pk not in {a.page_id for a in Activity.stream_for(employee)}


def test_repeated_edits_are_grouped_into_one_entry(client_for, employee, open_space, editor):
    from community.stream import group_activity

    pages = [make_wiki_page(open_space, f"Recipe {i}", author=editor) for i in range(3)]
    for page in pages:
        page.save_revision(user=editor).publish(user=editor)
    entries = group_activity(Activity.stream_for(employee))
    edited = [e for e in entries if e.kind == "wiki_edited"]
    assert len(edited) == 1 and edited[0].count == 3


def test_the_stream_can_show_only_followed_people(employee, open_space, editor, reader):
    make_wiki_page(open_space, "By the editor", author=editor)
    actions.follow(employee, "person", reader)
    rows = Activity.stream_for(employee, following="people")
    assert all(row.actor_id == reader.pk for row in rows)


def test_home_renders_the_stream_with_a_filter(client_for, employee, open_page):
    from django.template import Context, Template
    from django.test import RequestFactory

    request = RequestFactory().get("/?stream=nonsense")
    request.user = employee
    html = Template("{% load community_tags %}{% activity_stream %}").render(
        Context({"request": request})
    )
    assert "Kitchen rules" in html


def test_new_colleagues_and_space_joins_are_in_the_stream(employee, open_space):
    newcomer = UserFactory(username="newcomer")
    kinds = {(a.kind, a.actor_id) for a in Activity.stream_for(employee)}
    assert ("new_colleague", newcomer.pk) in kinds
    assert any(kind == "joined_space" for kind, _ in kinds)


# --- notifications -------------------------------------------------------------------------


def test_an_edit_notifies_followers_of_the_page_but_not_the_editor(open_page, editor, employee):
    actions.follow(employee, "page", open_page)
    actions.follow(editor, "page", open_page)
    open_page.save_revision(user=editor).publish(user=editor)
    assert Notification.objects.filter(recipient=employee, kind="wiki_edit").count() == 1
    assert not Notification.objects.filter(recipient=editor).exists()


def test_nobody_is_notified_about_content_they_cannot_see(secret_page, outsider, editor):
    made = actions.notify(
        [outsider], Notification.Kind.MENTION, text="x", actor=editor, page=secret_page
    )
    assert made == []


def test_notifications_about_content_made_private_later_are_not_shown(
    open_space, open_page, employee, editor
):
    actions.notify(
        [employee], Notification.Kind.WIKI_EDIT, text="edited", actor=editor, page=open_page
    )
    assert Notification.for_user(employee).count() == 1
    set_space_visibility(open_space, "members")
    assert Notification.for_user(employee).count() == 0


def test_a_join_request_notifies_the_space_moderators(
    client_for, employee, site_tree, moderator, space_admin
):
    from intranet.actions import set_member_role
    from tests.factories import make_space

    space = make_space("Guarded", slug="guarded", join_policy="approval")
    set_member_role(space, moderator, "moderator")
    set_member_role(space, space_admin, "admin")
    client_for(employee).post(f"/spaces/{space.slug}/join/")
    recipients = set(
        Notification.objects.filter(kind="join_request").values_list(
            "recipient__username", flat=True
        )
    )
    assert recipients == {"moderator", "spaceadmin"}


def test_muted_spaces_send_no_notifications(open_page, employee, editor, open_space):
    from community.models import MutedSpace

    MutedSpace.objects.create(user=employee, space=open_space)
    assert actions.notify([employee], "wiki_edit", text="x", actor=editor, page=open_page) == []


def test_a_kind_turned_off_sends_nothing(open_page, employee, editor):
    from community.models import NotificationSetting

    NotificationSetting.objects.create(user=employee, kind="wiki_edit", delivery="off")
    assert actions.notify([employee], "wiki_edit", text="x", actor=editor, page=open_page) == []


def test_mentions_are_e_mailed_at_once(
    open_page, employee, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.notify(
            [employee], "mention", text="Eddie mentioned you", actor=editor, page=open_page
        )
    assert len(mail.outbox) == 1
    assert "Eddie mentioned you" in mail.outbox[0].subject


def test_an_immediate_e_mail_is_queued_only_when_the_write_commits(
    open_page, employee, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        actions.notify(
            [employee], "mention", text="Eddie mentioned you", actor=editor, page=open_page
        )
    assert mail.outbox == []  # a rolled-back write would never run these callbacks
    for callback in after_commit:
        callback()
    assert len(mail.outbox) == 1


def test_the_daily_digest_groups_by_page_and_is_never_empty(
    open_page, open_space, employee, editor
):
    from community.tasks import send_digest

    assert send_digest.call(employee.pk) == 0
    assert mail.outbox == []
    other = make_wiki_page(open_space, "Dish duty", author=editor)
    for page in (open_page, open_page, other):
        actions.notify(
            [employee], "wiki_edit", text=f"edited {page.title}", actor=editor, page=page
        )
    assert send_digest.call(employee.pk) == 3
    body = mail.outbox[0].body
    assert "== Kitchen rules ==" in body and "== Dish duty ==" in body
    assert send_digest.call(employee.pk) == 0


def test_send_digests_queues_one_task_per_user_with_news(
    open_page, employee, editor, capsys, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    actions.notify([employee], "wiki_edit", text="edited", actor=editor, page=open_page)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_digests")
    assert "Queued 1 digest" in capsys.readouterr().out
    assert len(mail.outbox) == 1


def test_the_notification_list_and_read_all(client_for, employee, editor, open_page):
    actions.notify(
        [employee], "wiki_edit", text="Kitchen rules changed", actor=editor, page=open_page
    )
    client = client_for(employee)
    assert "Kitchen rules changed" in client.get("/notifications/").content.decode()
    assert client.get("/notifications/read/").status_code == 405
    client.post("/notifications/read/")
    assert not Notification.objects.filter(read_at=None).exists()


def test_notification_settings_are_saved(client_for, employee, open_space, reader):
    client = client_for(reader)
    data = {f"kind_{k}": "site" for k in Notification.Kind.values}
    data["muted"] = [open_space.pk]
    assert client.post("/notifications/settings/", data).status_code == 302
    from community.models import MutedSpace, NotificationSetting

    assert NotificationSetting.deliveries_for(reader)["mention"] == "site"
    assert MutedSpace.objects.filter(user=reader, space=open_space).exists()


def test_notification_settings_reject_unknown_values(client_for, reader):
    response = client_for(reader).post(
        "/notifications/settings/", {"kind_mention": "carrier-pigeon"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


# --- guidelines ----------------------------------------------------------------------------


@pytest.fixture
def guidelines(site_tree):
    from community.models import GuidelinesPage

    page = GuidelinesPage(title="Community guidelines", slug="guidelines", body="<p>Be kind.</p>")
    site_tree["home"].add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def test_writing_waits_until_the_guidelines_are_acknowledged(
    client_for, editor, open_space, guidelines
):
    client = client_for(editor)
    write_url = f"/blogs/-/write/?space={open_space.slug}"
    response = client.get(write_url)
    assert response.status_code == 302 and response["Location"].startswith(guidelines.url)
    assert "Be kind" in client.get(response["Location"]).content.decode()
    client.post(guidelines.url, {"next": write_url})
    assert client.get(write_url).status_code == 200


def test_a_new_version_of_the_guidelines_needs_a_new_acknowledgement(editor, guidelines):
    actions.acknowledge_guidelines(editor, guidelines)
    assert actions.needs_acknowledgement(editor) is None
    guidelines.save_revision().publish()
    guidelines.refresh_from_db()
    assert actions.needs_acknowledgement(editor) == guidelines


# --- reports and moderation -----------------------------------------------------------------


def test_a_report_reaches_the_space_moderators_and_the_reporter_hears_back(
    client_for, reader, moderator, open_page
):
    client_for(reader).post("/report/", {"page": open_page.pk, "reason": "Spam"})
    report = Report.objects.get()
    queue = client_for(moderator).get("/moderation/").content.decode()
    assert "Kitchen rules" in queue and "Spam" in queue
    client_for(moderator).post(f"/moderation/{report.pk}/", {"status": "hidden"})
    open_page.refresh_from_db()
    assert not open_page.live
    assert Notification.objects.filter(recipient=reader, kind="report_outcome").exists()
    from wagtail.models import PageLogEntry

    assert PageLogEntry.objects.filter(action="community.report_resolved").exists()


def test_an_outsider_cannot_report_what_they_cannot_see(client_for, outsider, secret_page):
    response = client_for(outsider).post("/report/", {"page": secret_page.pk, "reason": "x"})
    assert response.status_code == 404


def test_a_report_without_a_reason_is_refused_with_a_message(client_for, reader, open_page):
    response = client_for(reader).post(
        "/report/", {"page": open_page.pk, "reason": ""}, follow=True
    )
    assert "say what is wrong" in response.content.decode()
    assert not Report.objects.exists()


def test_employees_who_moderate_nothing_cannot_open_the_queue(client_for, employee):
    assert client_for(employee).get("/moderation/").status_code == 403


def test_a_moderator_cannot_resolve_reports_of_other_spaces(
    client_for, reader, open_page, site_tree
):
    other_mod = UserFactory(username="othermod")
    from intranet.actions import set_member_role
    from tests.factories import make_space

    set_member_role(make_space("Elsewhere", slug="elsewhere"), other_mod, "moderator")
    actions.report_content(reader, open_page, "Spam")
    report = Report.objects.get()
    assert (
        client_for(other_mod).post(f"/moderation/{report.pk}/", {"status": "hidden"}).status_code
        == 404
    )


# --- dashboard -------------------------------------------------------------------------------


def test_site_admins_see_the_success_dashboard(client_for, site_admin, open_page):
    response = client_for(site_admin).get("/dashboard/")
    assert response.status_code == 200
    assert "Active writers per week" in response.content.decode()
    assert "<svg" in response.content.decode()


def test_employees_cannot_see_the_dashboard(client_for, employee):
    assert client_for(employee).get("/dashboard/").status_code == 403


def test_space_admins_see_their_own_space_dashboard_only(
    client_for, space_admin, open_space, private_space, outsider
):
    assert client_for(space_admin).get(f"/dashboard/?space={open_space.slug}").status_code == 200
    assert client_for(outsider).get(f"/dashboard/?space={private_space.slug}").status_code == 404


def test_the_dashboard_exports_csv_without_formula_injection(
    client_for, site_admin, open_space, editor
):
    make_wiki_page(open_space, "=HYPERLINK(evil)", author=editor)
    client = client_for(site_admin)
    client.get(make_wiki_page(open_space, "Read me", author=editor).url)
    response = client.get("/dashboard.csv")
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode()
    assert "Active writers per week" in body and "Read me" in body
    assert "\n=" not in body and ",=" not in body


def test_the_dashboard_refuses_post(client_for, site_admin):
    assert client_for(site_admin).post("/dashboard/").status_code == 405


def test_reads_are_counted_without_recording_the_reader(client_for, employee, open_page):
    from community.models import ActiveReader, ReadCount

    client_for(employee).get(open_page.url)
    client_for(employee).get(open_page.url)
    assert ReadCount.objects.get(page=open_page).count == 2
    assert ActiveReader.objects.count() == 1


def test_the_dashboard_lists_searches_that_found_nothing(client_for, site_admin, site_tree):
    from search.models import ZeroResultQuery

    ZeroResultQuery.record("quantenschaum")
    assert "quantenschaum" in client_for(site_admin).get("/dashboard/").content.decode()


def test_a_reported_comment_is_shown_to_moderators_and_hidden_by_the_queue(
    client_for, reader, moderator, open_space, editor
):
    from blogs import actions as blog_actions
    from tests.factories import make_blog_post

    post = make_blog_post(blog_actions.ensure_space_blog(open_space), "Menu", author=editor)
    comment = blog_actions.add_comment(post, reader, "Buy <b>pills</b> at spam.example @editor")
    actions.report_comment(comment, editor, "Spam")
    queue = client_for(moderator).get("/moderation/").content.decode()
    assert "Buy &lt;b&gt;pills" in queue and "<b>pills" not in queue
    report = Report.objects.get()
    client_for(moderator).post(f"/moderation/{report.pk}/", {"status": "hidden"})
    comment.refresh_from_db()
    assert comment.is_hidden


def test_a_mention_notifies_only_colleagues_who_can_read_the_post(
    private_space, editor, reader, outsider
):
    from blogs import actions as blog_actions
    from tests.factories import make_blog_post

    post = make_blog_post(blog_actions.ensure_space_blog(private_space), "Plans", author=editor)
    blog_actions.add_comment(post, editor, "@reader and @outsider, have a look")
    assert Notification.objects.filter(recipient=reader, kind="mention").exists()
    assert not Notification.objects.filter(recipient=outsider).exists()


def test_a_reply_and_a_comment_notify_the_parent_author_and_the_post_owner(
    open_space, editor, reader, moderator
):
    from blogs import actions as blog_actions
    from tests.factories import make_blog_post

    post = make_blog_post(blog_actions.ensure_space_blog(open_space), "Lunch", author=editor)
    first = blog_actions.add_comment(post, reader, "Pizza?")
    blog_actions.add_comment(post, moderator, "Pasta!", parent=first)
    assert Notification.objects.filter(recipient=reader, kind="reply").count() == 1
    assert Notification.objects.filter(recipient=editor, kind="comment").count() == 2


def test_commenting_waits_for_the_guidelines_and_keeps_the_text(
    client_for, reader, open_space, editor, guidelines
):
    from blogs import actions as blog_actions
    from blogs.models import Comment
    from tests.factories import make_blog_post

    post = make_blog_post(blog_actions.ensure_space_blog(open_space), "Menu", author=editor)
    client = client_for(reader)
    response = client.post(f"/blogs/-/posts/{post.pk}/comments/", {"text": "My careful words"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "My careful words" in body and guidelines.url in body
    assert not Comment.objects.exists()
    actions.acknowledge_guidelines(reader, guidelines)
    client.post(f"/blogs/-/posts/{post.pk}/comments/", {"text": "My careful words"})
    assert Comment.objects.filter(author=reader).exists()


# --- one rule each: mentions, hiding from the queue, tag follows ---------------------------


def test_a_mention_at_the_end_of_a_sentence_links_and_notifies(open_space, editor, reader):
    from blogs import actions as blog_actions
    from tests.factories import make_blog_post

    post = make_blog_post(blog_actions.ensure_space_blog(open_space), "Lunch", author=editor)
    comment = blog_actions.add_comment(post, editor, "Thanks @reader.")
    assert 'href="/people/reader/" rel="nofollow noopener noreferrer ugc">@reader</a>.' in (
        comment.body_html
    )
    assert Notification.objects.filter(recipient=reader, kind="mention").exists()


def test_an_at_sign_inside_a_link_neither_links_nor_notifies(open_space, editor, reader):
    from blogs import actions as blog_actions
    from tests.factories import make_blog_post

    post = make_blog_post(blog_actions.ensure_space_blog(open_space), "Lunch", author=editor)
    comment = blog_actions.add_comment(post, editor, "See https://example.com/@reader now")
    assert "/people/reader/" not in comment.body_html
    assert not Notification.objects.filter(recipient=reader, kind="mention").exists()


def test_hiding_a_comment_from_the_moderation_queue_records_who_hid_it_and_logs_it(
    client_for, reader, moderator, open_space, editor
):
    from wagtail.models import PageLogEntry

    from blogs import actions as blog_actions
    from tests.factories import make_blog_post

    post = make_blog_post(blog_actions.ensure_space_blog(open_space), "Menu", author=editor)
    comment = blog_actions.add_comment(post, reader, "Buy pills at spam.example")
    actions.report_comment(comment, editor, "Spam")
    report = Report.objects.get()
    client_for(moderator).post(f"/moderation/{report.pk}/", {"status": "hidden"})
    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_by == moderator
    entries = PageLogEntry.objects.filter(page=post, action="blogs.comment_hidden", user=moderator)
    assert [entry.data["comment"] for entry in entries] == [comment.pk]

    client_for(moderator).post(f"/moderation/{report.pk}/", {"status": "restored"})
    comment.refresh_from_db()
    assert not comment.is_hidden and comment.hidden_by is None
    assert PageLogEntry.objects.filter(page=post, action="blogs.comment_shown").exists()


@pytest.mark.parametrize("tagged", ["kubernetes", "KUBERNETES", "Kubernetes"])
def test_following_a_tag_notifies_of_posts_with_that_tag_in_any_case(
    client_for, employee, open_space, editor, tagged
):
    from blogs import actions as blog_actions
    from blogs.models import BlogPostPage

    assert client_for(employee).post("/follow/tag/Kubernetes/").status_code == 302
    blog = blog_actions.ensure_space_blog(open_space)
    post = BlogPostPage(title="Cluster news", body="<p>Text</p>", owner=editor)
    blog.add_child(instance=post)
    post.tags.add(tagged)
    post.save_revision(user=editor).publish(user=editor, skip_permission_checks=True)
    notification = Notification.objects.get(recipient=employee, kind="followed")
    assert notification.page_id == post.pk


def test_the_follow_button_counts_a_tag_followed_in_another_case(rf, employee, reader):
    from community.templatetags.community_tags import follow_button

    actions.follow(employee, "tag", "Kubernetes")
    request = rf.get("/")
    request.user = reader
    assert follow_button({"request": request}, "tag", "KUBERNETES")["count"] == 1
