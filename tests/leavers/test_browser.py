"""In a browser, in English and in German, at desktop and phone width: a site admin marks a
colleague who has left from their profile page in two clicks (the button, then the
confirmation), never on an /admin/ address; the colleague's page then says they have left,
and the colleague's own browser is signed out at its next page."""

from __future__ import annotations

import pytest

from tests.browser import AT_EVERY_WIDTH, IN_EVERY_LANGUAGE, assert_fits_width, assert_language
from tests.factories import UserFactory, make_wiki_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MAX_CLICKS = 2


@IN_EVERY_LANGUAGE
@AT_EVERY_WIDTH
def test_a_site_admin_marks_a_leaver_from_their_profile(
    page,
    browser,
    live_server,
    login,
    shoot,
    words,
    click,
    open_space,
    site_admin,
    language,
    variant,
):
    from tests.browser import log_in, open_page

    manager = UserFactory(username="manny", first_name="Manny", last_name="Ger")
    leaver = UserFactory(username="lea", first_name="Lea", last_name="Ving")
    leaver.profile.manager = manager
    leaver.profile.save()
    make_wiki_page(open_space, "Onboarding checklist", "<p>Badge first.</p>", author=leaver)
    her_page = log_in(open_page(browser, live_server.url), "lea")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    login("siteadmin")
    page.goto("/people/lea/")
    assert_language(page, language)
    click(page.get_by_role("link", name=words("Deactivate (left the company)")))
    page.wait_for_url("**/people/lea/deactivate/")
    assert page.get_by_label(words("Hand their pages to")).input_value() == "Manny Ger"
    assert_fits_width(page)
    shoot(page, f"leaver-confirm-{variant}")
    click(page.get_by_role("button", name=words("Deactivate (left the company)")))
    page.wait_for_url("**/people/lea/")

    assert words("%(name)s was deactivated and signed out everywhere.", name="Lea Ving") in (
        page.content()
    )
    assert words("No longer works here. What they wrote stays readable.") in page.content()
    shoot(page, f"leaver-done-{variant}")
    assert click.count <= MAX_CLICKS
    assert not [url for url in requests if "/admin/" in url]
    her_page.goto(live_server.url + "/")
    assert "/accounts/login/" in her_page.url
    her_page.context.close()
