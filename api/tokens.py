"""The token page, /api/tokens/: people make and revoke their own API tokens there, and
site admins the service tokens. A new token is shown once, in the answer to the request
that made it, and never again."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from api import actions
from api.forms import ServiceTokenForm, TokenForm
from api.models import ApiToken
from intranet.access import is_employee


def is_site_admin(user) -> bool:
    return is_employee(user) and user.is_superuser


def tokens_managed_by(user) -> QuerySet[ApiToken]:
    """The tokens `user` may see and revoke here: their own personal tokens; for site
    admins also every service token."""
    managed = Q(user=user, service=False)
    if is_site_admin(user):
        managed |= Q(service=True)
    return ApiToken.objects.filter(managed).select_related("user", "created_by")


def _page(
    request: HttpRequest,
    *,
    form: TokenForm | None = None,
    service_form: ServiceTokenForm | None = None,
    new_token: tuple[ApiToken, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    context = {
        "tokens": ApiToken.objects.filter(user=user, service=False),
        "form": form or TokenForm(),
        "new_token": new_token[0] if new_token else None,
        "raw_token": new_token[1] if new_token else None,
        "is_site_admin": is_site_admin(user),
    }
    if context["is_site_admin"]:
        context["service_tokens"] = ApiToken.objects.filter(service=True).select_related(
            "user", "created_by"
        )
        context["service_form"] = service_form or ServiceTokenForm()
    response = render(request, "api/tokens.html", context, status=status)
    # The page may show a secret: never cached, never sent as a referrer.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request)
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form=form, status=400)
    new_token = actions.create_api_token(
        request.user,
        name=form.cleaned_data["name"],
        scope=form.cleaned_data["scope"],
        expires_at=form.expires_at,
    )
    return _page(request, new_token=new_token, status=201)


@require_POST
def service_token_create(request: HttpRequest) -> HttpResponse:
    if not is_site_admin(request.user):
        raise PermissionDenied
    form = ServiceTokenForm(request.POST)
    if not form.is_valid():
        return _page(request, service_form=form, status=400)
    new_token = actions.create_service_token(
        form.cleaned_data["account"],
        name=form.cleaned_data["name"],
        scope=form.cleaned_data["scope"],
        expires_at=form.expires_at,
        actor=request.user,
    )
    return _page(request, new_token=new_token, status=201)


@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    # Someone else's token is a 404: never confirm that it exists.
    token = get_object_or_404(tokens_managed_by(request.user), pk=token_id)
    if actions.revoke_api_token(token, actor=request.user):
        messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("api:tokens")


@require_safe
def api_home(request: HttpRequest) -> HttpResponse:
    """/api/: where the docs are."""
    return redirect("api:docs")
