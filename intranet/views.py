from __future__ import annotations

import sys

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import BadRequest
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database (and the search index, if Whoosh) answer; 503 otherwise."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:
        checks["database"] = "unavailable"
    index_dir = settings.SEARCH_INDEX_DIR
    if settings.SEARCH_BACKEND == "whoosh":
        checks["search"] = "ok" if index_dir.exists() else "rebuilding"
    healthy = checks["database"] == "ok"
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


@login_not_required
def login_redirect(request: HttpRequest) -> HttpResponseRedirect:
    """Wagtail's own login forms would skip MFA and rate limits: send everyone to allauth."""
    target = reverse("account_login")
    next_url = request.GET.get("next", "/admin/" if request.path.startswith("/admin/") else "/")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        target += "?" + urlencode({"next": next_url})
    return HttpResponseRedirect(target)


def error_view(status: int, template: str):
    @login_not_required
    def view(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
        # A PermissionDenied raised with a message tells the user what to do; 404s never
        # echo anything (they must not confirm what exists).
        # So does a BadRequest we raise ourselves with a message (see NullCharacterMiddleware).
        ours = status == 403 or (status == 400 and type(exception) is BadRequest)
        message = str(exception) if ours and exception and exception.args else ""
        return render(request, template, {"exception": message}, status=status)

    return view


page_not_found = error_view(404, "404.html")
permission_denied = error_view(403, "403.html")
bad_request = error_view(400, "400.html")


# Written out here, not in a template: when the database is down nothing that might touch it
# (context processors, the session, the user) may run while this page is made.
DATABASE_UNAVAILABLE_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Briefly unavailable</title><link rel="stylesheet" href="/static/intranet/site.css"></head>
<body><main class="container"><div class="error-page"><p class="code">503</p>
<h1>The intranet is briefly unavailable · Das Intranet ist kurz nicht erreichbar</h1>
<p>Its database does not answer right now. Please try again in a minute. ·
Die Datenbank antwortet gerade nicht. Bitte versuchen Sie es in einer Minute noch einmal.</p>
</div></main></body></html>
"""


def is_database_outage(exc: BaseException | None) -> bool:
    """Whether `exc` came from a database that cannot be reached, rather than from a bug or
    a missing migration (which must stay a loud 500)."""
    if not isinstance(exc, DatabaseError):
        return False
    if not isinstance(exc, OperationalError | InterfaceError) and "connection" not in str(exc):
        return False
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return True
    return False


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this while handling the exception, so sys.exc_info() names it: a database
    # outage answers a clean 503 that load balancers and monitors understand, not a 500.
    if is_database_outage(sys.exc_info()[1]):
        response = HttpResponse(DATABASE_UNAVAILABLE_HTML, status=503)
        response["Retry-After"] = "30"
        return response
    # No context processors that touch the database: the database may be what failed.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render({}), status=500)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp with the strict site policy everywhere except the Wagtail admin, which gets
    `CSP_ADMIN_DIRECTIVES` (its editors run inline scripts and styles)."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponse, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith("/admin/"):
            parts.config = settings.CSP_ADMIN_DIRECTIVES
        return parts
