"""Where a change comes from: the IP address and browser of the request that makes it, and
who is acting when the code that makes it does not say.

Django announces every request (`request_started`, with the WSGI environ or the ASGI scope)
and its end (`request_finished`); `audit.receivers` keeps the current one in a context
variable, so an entry written anywhere during the request knows its origin without a
middleware or a request passed down through every action. Outside a request (commands,
the task worker) there is none, and entries record no address.

The client's address follows the project's one rule for it, allauth's (the one its login
rate limits use): `REMOTE_ADDR`, unless the site trusts a proxy through
`ALLAUTH_TRUSTED_PROXY_COUNT` or `ALLAUTH_TRUSTED_CLIENT_IP_HEADER`."""

from __future__ import annotations

import io
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from allauth.account.adapter import get_adapter
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest
from wagtail.log_actions import get_active_log_context

USER_AGENT_MAX_LENGTH = 512

# The WSGI environ or the ASGI scope of the request being served, if any.
_current_request: ContextVar[tuple[str, dict[str, Any]] | None] = ContextVar(
    "audit_current_request", default=None
)


@dataclass(frozen=True)
class Origin:
    ip_address: str | None = None
    user_agent: str = ""


def remember_request(sender, environ=None, scope=None, **kwargs) -> None:
    """`request_started`: keep the new request's environ (WSGI) or scope (ASGI)."""
    if environ is not None:
        _current_request.set(("environ", environ))
    elif scope is not None:
        _current_request.set(("scope", scope))
    else:
        _current_request.set(None)


def forget_request(sender, **kwargs) -> None:
    """`request_finished`: nothing after the response may claim the request's origin."""
    _current_request.set(None)


def current_origin() -> Origin:
    """The current request's client address and user agent; empty outside a request."""
    request = _current_http_request()
    if request is None:
        return Origin()
    return Origin(
        ip_address=_client_ip(request),
        user_agent=request.headers.get("User-Agent", "")[:USER_AGENT_MAX_LENGTH],
    )


def current_actor():
    """Who is acting when a change is heard of through a signal (a user saved, a group
    changed): the signed-in user of the Wagtail admin view making it (Wagtail's log context,
    which its admin sets for every view), or None: the system (a command, directory sync)."""
    return get_active_log_context().user


def _current_http_request() -> HttpRequest | None:
    """A request built from the stored environ or scope: headers and META only, the body is
    never read. Built when an entry is written, so requests that change nothing pay nothing."""
    current = _current_request.get()
    if current is None:
        return None
    kind, data = current
    if kind == "scope":
        return ASGIRequest(data, io.BytesIO())
    request = HttpRequest()
    request.META = data
    return request


def _client_ip(request: HttpRequest) -> str | None:
    try:
        return get_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):
        # No usable address (allauth refuses it), or a forwarded header that does not match
        # the trusted proxy count: the change still happens, the entry says "unknown".
        return None
