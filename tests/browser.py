"""The browser fixtures for every test that drives Chromium (Playwright for Python against
`live_server`), wherever the test lives; loaded once for the whole suite from
`tests/conftest.py`, so one Playwright session serves them all.

A walk runs in English at desktop width unless it parametrizes `language` ("de": the
browser asks for German, as a German-speaking new employee's does before they pick a
language on their profile) or `viewport` (PHONE); `IN_EVERY_LANGUAGE` and `AT_EVERY_WIDTH`
do both. Locators take the interface's words from `words`, Django's own translation, so
a German walk proves the page shows the German words.

Every flow saves a screenshot into test-artifacts/screenshots/ (CI keeps that folder).
No flow sleeps: Playwright waits for navigation and for elements."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.utils import translation

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"
PASSWORD = "correct-horse-battery"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# What the browser asks for (Accept-Language) in each of the intranet's languages.
BROWSER_LOCALES = {"en": "en-US", "de": "de-DE"}

IN_EVERY_LANGUAGE = pytest.mark.parametrize("language", list(BROWSER_LOCALES))
AT_EVERY_WIDTH = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
# body are still synchronous and safe, so allow them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    """Every test that opens the browser is an e2e test (`make test-fast` leaves them out)."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.e2e)


class Clicks:
    """Counts the clicks of a walk (typing is not counted): every click goes through it."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, locator) -> None:
        self.count += 1
        locator.click()


def open_page(browser, base_url: str, language: str = "en", viewport: dict = DESKTOP):
    """A page in a browser context of its own (its own cookies: its own person), asking
    for `language`; it records uncaught JavaScript errors in `page.js_errors`."""
    context = browser.new_context(
        base_url=base_url, viewport=viewport, locale=BROWSER_LOCALES[language]
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    return page


def log_in(page, username: str, password: str = PASSWORD):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    return page


def assert_language(page, language: str) -> None:
    """The page says which language it is in (screen readers and hyphenation go by it)."""
    assert page.locator("html").get_attribute("lang") == language


def assert_fits_width(page) -> None:
    """Nothing in the page's own content reaches past the right edge: a long (German) word
    must wrap, not make the reader scroll sideways. The site header is base.html's."""
    right = page.evaluate(
        "Math.max(...[...document.querySelectorAll('main *')]"
        ".map(e => e.getBoundingClientRect().right))"
    )
    assert right <= page.viewport_size["width"], (page.url, right)
    if page.viewport_size["width"] >= 1024:  # on a desktop the header is one row
        header = page.locator(".site-header").bounding_box()
        assert header is None or header["height"] < 80, (page.url, header)


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def language() -> str:
    """The interface language the browser asks for; parametrize it to walk in German."""
    return "en"


@pytest.fixture
def viewport() -> dict:
    """The browser window's size; parametrize it to walk at phone width."""
    return DESKTOP


@pytest.fixture
def variant(language, viewport) -> str:
    """This run's language and width, for screenshot names: "de-phone"."""
    return f"{language}-{'phone' if viewport == PHONE else 'desktop'}"


@pytest.fixture
def page(browser, live_server, language, viewport):
    page = open_page(browser, live_server.url, language, viewport)
    yield page
    page.context.close()


@pytest.fixture
def words(language):
    """`words(msgid, **values)`: the interface's words in the test's language, through
    Django's translation, so a German walk finds the German words (and fails on English)."""

    def translate(msgid: str, **values) -> str:
        with translation.override(language):
            text = translation.gettext(msgid)
        return text % values if values else text

    return translate


@pytest.fixture
def click() -> Clicks:
    return Clicks()


@pytest.fixture
def shoot():
    """`shoot(page, name)`: save a full-page screenshot for CI's artifacts."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def login(page):
    def do(username: str, password: str = PASSWORD):
        return log_in(page, username, password)

    return do
