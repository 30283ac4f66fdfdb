"""The browser fixtures of tests/e2e, shared with the editor's browser test."""

from tests.e2e.conftest import browser, login, page, shoot  # noqa: F401
