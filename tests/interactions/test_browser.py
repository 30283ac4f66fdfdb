"""In a browser: comment (with an @mention chosen by name), react and follow on a post
without a page load, and the same with JavaScript off, page by page; the profile keeps a
name typed while a skill is saved; a new colleague completes the profile after sign-up
and sees the photo in the header. Screenshots at 1280 and 390 px go to
test-artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings

from blogs.models import Comment, Reaction
from community.models import Follow
from profiles.models import Profile, ProfileSkill
from tests.browser import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MARKER = "window.__stillTheSamePage"


@pytest.fixture(autouse=True)
def root_collection(transactional_db):
    """Blogs keep their images in a collection below the root one, which a migration made
    and a transactional test before this one may have flushed away."""
    from wagtail.models import Collection

    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")


def mark_page(page) -> None:
    """A value that only survives as long as the page is not loaded again."""
    page.evaluate(f"{MARKER} = true")


def same_page(page) -> bool:
    return page.evaluate(f"{MARKER} === true")


def admin_requests(page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url) if "/admin/" in r.url else None)
    return seen


def test_a_reader_comments_mentions_reacts_and_follows_without_a_page_load(
    page, login, shoot, settings, reader, editor, open_post
):
    settings.BLOG_COMMENTS_PER_MINUTE = 1
    admin = admin_requests(page)
    login("reader")
    page.goto(open_post.url)
    mark_page(page)

    box = page.get_by_role("textbox", name="Your comment")
    box.press_sequentially("Thanks @Edd")
    page.get_by_role("option", name=re.compile("Eddie Tor")).wait_for()
    box.press("ArrowDown")
    box.press("Enter")  # chooses the colleague; no new line, no sending
    assert box.input_value() == "Thanks @editor "
    box.press_sequentially("for the soup!")
    page.get_by_role("button", name="Comment", exact=True).click()
    comment_article = page.locator("article.comment", has_text="for the soup!")
    comment_article.wait_for()
    comment = Comment.objects.get()
    assert comment.body == "Thanks @editor for the soup!"
    assert comment_article.get_by_role("link", name="@editor").count() == 1
    page.get_by_role("status").filter(has_text="Comment posted.").wait_for()
    assert page.evaluate("document.activeElement.id") == f"comment-{comment.pk}"
    assert box.input_value() == ""
    assert same_page(page)
    shoot(page, "interactions-comment-desktop")

    # Too fast: the problem shows in the form, and the words stay for later.
    box.fill("A second thought")
    page.get_by_role("button", name="Comment", exact=True).click()
    page.get_by_role("alert").filter(has_text="Please wait a minute").wait_for()
    assert box.input_value() == "A second thought"
    assert Comment.objects.count() == 1

    love = page.locator(".reactions button[title=Love]")
    love.click()
    page.locator(".reactions button[title=Love][aria-pressed=true]").wait_for()
    assert Reaction.objects.filter(user=reader, kind="love").exists()
    assert page.evaluate("document.activeElement.title") == "Love"

    page.locator(".post-footer").get_by_role("button", name="Follow").click()
    page.locator(".post-footer").get_by_role("button", name="Unfollow").wait_for()
    assert Follow.objects.filter(user=reader, person=editor).exists()
    assert same_page(page)

    page.set_viewport_size({"width": 390, "height": 844})
    box.fill("")
    box.press_sequentially("@Edd")
    page.get_by_role("option", name=re.compile("Eddie Tor")).wait_for()
    listbox = page.get_by_role("listbox", name="Suggestions").bounding_box()
    assert listbox["x"] >= 0 and listbox["x"] + listbox["width"] <= 390
    shoot(page, "interactions-comment-phone")
    assert not admin and not page.js_errors


def test_with_javascript_off_commenting_and_reacting_work_page_by_page(
    browser, live_server, shoot, reader, editor, open_post
):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "reader")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    page.goto(open_post.url)

    page.get_by_label("Your comment").fill("Plain and simple")
    with page.expect_navigation():
        page.get_by_role("button", name="Comment", exact=True).click()
    comment = Comment.objects.get()
    assert page.url.endswith(f"#comment-{comment.pk}")
    page.locator("article.comment", has_text="Plain and simple").wait_for()

    with page.expect_navigation():
        page.locator(".reactions button[title=Like]").click()
    assert page.locator(".reactions button[title=Like]").get_attribute("aria-pressed") == "true"
    with page.expect_navigation():
        page.locator(".post-footer").get_by_role("button", name="Follow").click()
    page.locator(".post-footer").get_by_role("button", name="Unfollow").wait_for()
    assert Reaction.objects.filter(user=reader).count() == 1
    assert Follow.objects.filter(user=reader, person=editor).exists()
    shoot(page, "interactions-no-javascript-phone")
    context.close()


def test_a_skill_saved_while_the_name_was_changed_keeps_both(
    page, login, shoot, site_tree, employee
):
    login("employee")
    page.goto("/people/employee/edit/")
    mark_page(page)
    page.get_by_label("First name").fill("Emilia")
    page.get_by_label("Skill:", exact=True).fill("Kubernetes")
    page.get_by_role("button", name="Save skill").click()
    page.get_by_role("button", name="Remove Kubernetes").wait_for()
    assert same_page(page) and page.get_by_label("First name").input_value() == "Emilia"
    assert page.get_by_label("Skill:", exact=True).input_value() == ""
    shoot(page, "interactions-profile-skill-desktop")

    page.get_by_role("button", name="Save profile").click()
    page.wait_for_url("**/people/employee/")
    employee.refresh_from_db()
    assert employee.first_name == "Emilia"
    assert ProfileSkill.objects.filter(profile__user=employee, skill__name="Kubernetes").exists()
    assert not page.js_errors


def test_without_javascript_saving_a_skill_saves_the_name_too(
    browser, live_server, site_tree, employee
):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "employee")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    page.goto("/people/employee/edit/")
    page.get_by_label("First name").fill("Emilia")
    page.get_by_label("Skill:", exact=True).fill("Kubernetes")
    with page.expect_navigation():
        page.get_by_role("button", name="Save skill").click()
    assert page.url.endswith("/people/employee/edit/#skills")
    assert page.get_by_label("First name").input_value() == "Emilia"
    employee.refresh_from_db()
    assert employee.first_name == "Emilia"
    assert ProfileSkill.objects.filter(profile__user=employee, skill__name="Kubernetes").exists()
    context.close()


@override_settings(SIGNUP_DOMAINS=["example.com"], ACCOUNT_EMAIL_VERIFICATION="none")
def test_a_new_colleague_completes_the_profile_and_sees_the_photo_in_the_header(
    page, shoot, site_tree, tmp_path
):
    from tests.interactions.test_profile import photo_upload

    page.goto("/accounts/signup/")
    page.fill("input[name=email]", "nora@example.com")
    page.fill("input[name=username]", "nora")
    page.fill("input[name=password1]", "a-long-passphrase-42")
    page.fill("input[name=password2]", "a-long-passphrase-42")
    page.click("form button[type=submit]")
    page.get_by_role("heading", name="Complete your profile", level=1).wait_for()
    shoot(page, "interactions-complete-profile-desktop")

    page.get_by_role("link", name="Skip for now").click()
    card = page.locator("section.complete-profile")
    card.wait_for()
    assert "a photo" in card.inner_text()
    page.set_viewport_size({"width": 390, "height": 844})
    shoot(page, "interactions-complete-card-phone")
    card.get_by_role("link", name="Complete your profile").click()
    shoot(page, "interactions-complete-profile-phone")

    photo = tmp_path / "nora.png"
    photo.write_bytes(photo_upload("green").read())
    page.get_by_label("Photo").set_input_files(str(photo))
    page.get_by_label("Job title").fill("Sommelière")
    page.get_by_label("Skills").fill("Wine, Cheese")
    page.get_by_label("German").check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("heading", name=re.compile("Hello, nora")).wait_for()
    profile = Profile.objects.get(user__username="nora")
    header_avatar = page.locator(".user-menu summary img.avatar")
    assert header_avatar.get_attribute("src") == profile.photo.url
    # decode() waits for the image and rejects when it cannot be loaded: a busy machine
    # may not have fetched it yet when the heading appears.
    assert header_avatar.evaluate(
        "img => img.decode().then(() => img.naturalWidth > 0, () => false)"
    )
    assert page.locator("section.complete-profile").count() == 0  # nothing missing now
    shoot(page, "interactions-home-after-profile-phone")
    assert not page.js_errors
