"""Schemathesis runs every operation of the API's OpenAPI schema with generated input, valid
and invalid, and no answer may be a server error.

The schema is the one /api/schema/ serves to a signed-in employee. Calls go to the Django
app in this process (Schemathesis's WSGI transport), inside the test's transaction, with a
write token of a member of both spaces; a share of the calls names objects that exist (a
space, a post, a wiki page, a person), so that the views get past their 404s."""

from __future__ import annotations

import json
from contextlib import contextmanager

import hypothesis.strategies as st
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode

# Small, so the whole run stays under a minute on a shared two-core machine.
EXAMPLES_PER_OPERATION = 12


@contextmanager
def connection_kept_open():
    """Calls to the WSGI app without the per-request connection closing that would end the
    test's transaction (Django's test client switches it off the same way, and on again
    after each of its requests: so no test client request inside this block)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def known_path_parameters(content, editor) -> dict[str, object]:
    return {
        "slug": content["private_post"].space.slug,
        "id": content["private_wiki"].pk,
        "username": editor.get_username(),
    }


def test_no_generated_call_gets_a_server_error(client_for, make_token, content, editor, site_admin):
    served = client_for(site_admin).get("/api/schema/", {"format": "json"})
    assert served.status_code == 200
    schema = schemathesis.openapi.from_dict(json.loads(served.content))
    schema.app = WSGIHandler()
    _token, raw = make_token(editor, "write")
    headers = {"Authorization": f"Bearer {raw}"}
    known = known_path_parameters(content, editor)
    # A post id for the posts' paths, a wiki page's for the wiki's.
    post_id = content["open_post"].pk

    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15, [operation.label for operation in operations]
    failures: list[str] = []
    with connection_kept_open():
        for operation in operations:
            failures.extend(fuzz(operation, headers, known, post_id))
    assert failures == []


def fuzz(operation, headers: dict, known: dict, post_id: int) -> list[str]:
    """Run one operation with generated input; its failure, described, or nothing."""
    names = {parameter.name for parameter in operation.path_parameters}
    fixed = {name: known[name] for name in names if name in known}
    if "id" in fixed and operation.path.startswith("/api/v1/posts/"):
        fixed["id"] = post_id  # a wiki page's id is no post's
    strategies = [
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    ]
    if fixed:
        strategies += [
            operation.as_strategy(GenerationMode.POSITIVE, path_parameters=fixed),
            operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=fixed),
        ]

    @given(case=st.one_of(strategies))
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        # A failure is reported as found: shrinking it would take minutes.
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def call(case) -> None:
        response = case.call(headers=headers)
        case.validate_response(response, checks=[not_a_server_error])

    try:
        call()
    except Exception as error:  # every operation runs, so one run names all that fail
        return [f"{operation.label}: {error}"]
    return []
