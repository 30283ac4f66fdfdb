"""Answers for forms that `intranet/js/enhance.js` sends with fetch instead of a page load.

A write view (comment, react, follow, ...) answers a plain form post as it always has: a
redirect back to the page, or a page with the problem. When the script sent it, the same
view answers with just the piece of HTML that changed (the new comment, the reaction bar,
the follow button) or the problem to show inside the form, and the script swaps it in.
The script asks with `Accept: text/html; fragment` (or `X-Requested-With`), and trusts only
answers marked with the `X-Fragment` header: anything else (a login page after the session
ended, a server error) makes it send the form the ordinary way."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

FRAGMENT_HEADER = "X-Fragment"


def wants_fragment(request: HttpRequest) -> bool:
    """Whether the form was sent by the script, which swaps the answer into the page."""
    accept = request.headers.get("Accept", "")
    return "fragment" in accept or bool(request.headers.get("X-Requested-With"))


def render_fragment(
    request: HttpRequest, template: str, context: dict, *, status: int = 200
) -> HttpResponse:
    """`template` alone (no base.html), marked as a fragment for the script."""
    response = render(request, template, context, status=status)
    response[FRAGMENT_HEADER] = "1"
    patch_vary_headers(response, ["Accept", "X-Requested-With"])
    return response
