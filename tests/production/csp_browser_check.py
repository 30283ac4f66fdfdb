"""Run by test_csp.py in its own process: log in with Chromium, visit pages, print the console
errors as JSON. A separate process, because Playwright's sync API refuses to start inside the
event loop another browser test of the same pytest session may still hold open."""

from __future__ import annotations

import json
import sys

from playwright.sync_api import sync_playwright


def main(chromium: str, base_url: str, username: str, password: str, *paths: str) -> None:
    problems: list[str] = []
    visited: list[list] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(base_url=base_url)
        page.set_default_timeout(15_000)
        page.on(
            "console",
            lambda message: (
                problems.append(f"{page.url}: {message.text}") if message.type == "error" else None
            ),
        )
        page.on("pageerror", lambda exc: problems.append(f"{page.url}: {exc}"))
        for path in ["/accounts/login/"]:
            response = page.goto(path)
            visited.append([path, response.status])
        page.fill("input[name=login]", username)
        page.fill("input[name=password]", password)
        page.click("form button[type=submit]")
        page.wait_for_load_state("networkidle")
        for path in paths:
            response = page.goto(path)
            page.wait_for_load_state("networkidle")
            visited.append([path, response.status])
        browser.close()
    print(json.dumps({"visited": visited, "problems": problems}))


if __name__ == "__main__":
    main(*sys.argv[1:])
