"""What a caller may do: every call needs an active employee; writes need a token with the
write scope (a signed-in browser may write, as on the web pages)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions
from rest_framework.request import Request

from api.models import ApiToken
from intranet.access import is_employee


class IsEmployee(permissions.BasePermission):
    def has_permission(self, request: Request, view) -> bool:
        return is_employee(request.user)


class TokenScope(permissions.BasePermission):
    """Reading takes any token; anything else a token with the write scope. A method the
    view does not take passes here, so that it is answered 405 like any other caller's."""

    message = _("This API token may only read. Make a token with the write scope.")

    def has_permission(self, request: Request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        if not hasattr(view, request.method.lower()):
            return True
        token = request.auth
        return not isinstance(token, ApiToken) or token.may_write
