"""The browser fixtures of tests/e2e, shared with the editor's browser test."""

