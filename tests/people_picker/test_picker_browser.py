"""The picker in a browser: type a first name in the manager box, choose with the keyboard,
save. Screenshots at desktop and phone width go to test-artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest

from profiles.models import Profile

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_colleague_chooses_a_manager_by_name_with_the_keyboard(
    page, login, shoot, site_tree, employee, directory
):
    login("employee")
    page.goto("/people/employee/edit/")
    manager = page.get_by_role("combobox", name="Manager")
    manager.press_sequentially("Emma")
    option = page.get_by_role("option", name=re.compile("Emma Wagner"))
    option.wait_for()
    assert "Account Manager · Sales" in option.inner_text()
    assert page.get_by_role("status").filter(has_text="1 person found").count() == 1

    manager.press("ArrowDown")
    assert option.get_attribute("aria-selected") == "true"
    shoot(page, "people-picker-desktop")
    assert manager.get_attribute("aria-activedescendant") == option.get_attribute("id")
    manager.press("Enter")  # chooses; does not submit the form
    assert manager.input_value() == "Emma Wagner"
    assert manager.get_attribute("aria-expanded") == "false"
    assert page.locator("input[type=hidden][name=manager]").input_value() == "ewagner"

    page.get_by_role("button", name="Save profile").click()
    page.wait_for_url("**/people/employee/")
    assert Profile.objects.get(user=employee).manager == directory["emma"]

    # On a phone the list fits the screen; Escape closes it and the name stays as typed.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/people/employee/edit/")
    assert page.get_by_role("combobox", name="Manager").input_value() == "Emma Wagner"
    cover = page.get_by_role("combobox", name="While I'm away, ask")
    cover.scroll_into_view_if_needed()
    cover.press_sequentially("wag")
    suggestions = page.get_by_role("listbox", name="Suggestions")
    suggestions.get_by_role("option", name=re.compile("Erik Wagner")).wait_for()
    assert suggestions.get_by_role("option").count() == 2
    box = suggestions.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    shoot(page, "people-picker-phone")
    cover.press("Escape")
    assert suggestions.is_hidden()
    assert not page.js_errors
