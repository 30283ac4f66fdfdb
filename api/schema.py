"""The OpenAPI schema's scope: the intranet's REST API only, not Wagtail's admin API,
which is Wagtail's own business (and answers only to its admin's session)."""

from __future__ import annotations

API_PREFIX = "/api/v1/"


def only_the_rest_api(endpoints: list[tuple]) -> list[tuple]:
    """drf-spectacular preprocessing hook: keep the endpoints under /api/v1/."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(API_PREFIX)]
