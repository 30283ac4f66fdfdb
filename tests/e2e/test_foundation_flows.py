"""Browser flows for accounts, language and spaces."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db(transaction=True)


@override_settings(SIGNUP_DOMAINS=["example.com"], ACCOUNT_EMAIL_VERIFICATION="none")
def test_a_colleague_signs_up_with_a_company_address_and_lands_home(page, site_tree, shoot):
    page.goto("/accounts/signup/")
    page.fill("input[name=email]", "nora@gmail.com")
    page.fill("input[name=username]", "nora")
    page.fill("input[name=password1]", "a-long-passphrase-42")
    page.fill("input[name=password2]", "a-long-passphrase-42")
    page.click("form button[type=submit]")
    page.get_by_text("only open to company addresses").wait_for()
    shoot(page, "signup-refused-domain")

    page.fill("input[name=email]", "nora@example.com")
    page.fill("input[name=password1]", "a-long-passphrase-42")
    page.fill("input[name=password2]", "a-long-passphrase-42")
    page.click("form button[type=submit]")
    page.get_by_role("heading", name="Complete your profile", level=1).wait_for()
    page.get_by_role("link", name="Skip for now").click()
    page.get_by_role("heading", name="Hello, nora").wait_for()
    shoot(page, "signup-home")
    assert not page.js_errors


def test_an_employee_logs_in_and_switches_language_to_german_and_back(
    page, login, employee, site_tree, shoot
):
    login("employee")
    page.get_by_role("heading", name="Hello, Emil").wait_for()
    page.locator("summary").filter(has_text="Emil").click()
    page.select_option("#language-select", "de")
    page.get_by_role("button", name="Switch").click()
    page.get_by_role("link", name="Startseite").wait_for()
    shoot(page, "language-german")
    page.locator("summary").filter(has_text="Emil").click()
    page.select_option("#language-select", "en")
    page.get_by_role("button", name="Wechseln").click()
    page.get_by_role("link", name="Home").wait_for()
    assert not page.js_errors


def test_an_employee_joins_an_open_space(page, login, employee, open_space, shoot):
    login("employee")
    page.goto(open_space.url)
    page.get_by_role("button", name="Join space").click()
    page.get_by_text("Welcome to Open Kitchen").wait_for()
    page.get_by_role("button", name="Leave space").wait_for()
    shoot(page, "space-joined")
    assert open_space.memberships.filter(user=employee).exists()


def test_a_wrong_password_shows_a_message_and_keeps_the_user_out(page, employee, site_tree):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "employee")
    page.fill("input[name=password]", "wrong-password")
    page.click("form button[type=submit]")
    page.get_by_text("not correct").wait_for()
    page.goto("/")
    assert "/accounts/login/" in page.url
