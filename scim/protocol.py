"""SCIM 2.0 on Django REST framework (RFC 7644): who may call (a directory sync token and
nothing else), the `application/scim+json` body, and errors as SCIM error messages (§3.12)
instead of DRF's or Django's own. No call ends in a 500 for bad input."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, permissions
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.authentication import BearerTokenAuthentication
from api.models import ApiToken, Scope
from api.parsers import JSONParser

MEDIA_TYPE = "application/scim+json"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


class ScimError(Exception):
    """An answer of RFC 7644 §3.12: `status`, the `scim_type` for 400 and 409 (invalidValue,
    invalidFilter, invalidSyntax, invalidPath, noTarget, uniqueness, ...) and `detail`."""

    def __init__(self, status: int, detail: str, scim_type: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.scim_type = scim_type


def invalid_value(detail: str) -> ScimError:
    return ScimError(400, detail, "invalidValue")


def not_found() -> ScimError:
    return ScimError(404, _("There is no such resource."))


def error_response(error: ScimError, headers: dict | None = None) -> Response:
    body = {"schemas": [ERROR_SCHEMA], "status": str(error.status), "detail": error.detail}
    if error.scim_type:
        body["scimType"] = error.scim_type
    return Response(body, status=error.status, headers=headers)


class DirectoryTokenAuthentication(BearerTokenAuthentication):
    """Only a directory sync token: personal tokens and read or write service tokens are
    refused (401) like a wrong token, and no session counts."""

    realm = "scim"
    scopes = frozenset({Scope.DIRECTORY})


class IsDirectoryToken(permissions.BasePermission):
    message = gettext_lazy("Directory sync needs a directory sync token.")

    def has_permission(self, request: Request, view) -> bool:
        token = request.auth
        return isinstance(token, ApiToken) and token.scope == Scope.DIRECTORY


class ScimRenderer(JSONRenderer):
    media_type = MEDIA_TYPE
    format = "scim"


class ScimParser(JSONParser):
    media_type = MEDIA_TYPE


class AlwaysScim(DefaultContentNegotiation):
    """Every answer is `application/scim+json`, whatever the client accepts: identity
    providers send `Accept: application/json` or nothing at all."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _as_scim_error(exc: Exception) -> ScimError | None:
    if isinstance(exc, ScimError):
        return exc
    if isinstance(exc, Http404):
        return not_found()
    if isinstance(exc, exceptions.ParseError):
        return ScimError(400, _("The body is not valid JSON."), "invalidSyntax")
    if isinstance(exc, DjangoValidationError):
        return invalid_value(" ".join(exc.messages))
    if isinstance(exc, DjangoPermissionDenied):
        return ScimError(403, _("This call is not allowed."))
    if isinstance(exc, exceptions.APIException):
        return ScimError(exc.status_code, str(exc.detail))
    return None


def scim_exception_handler(exc: Exception, context: dict) -> Response | None:
    """Every error as a SCIM error message; None (a 500) only for a bug."""
    error = _as_scim_error(exc)
    if error is None:
        return None
    headers = {}
    auth_header = getattr(exc, "auth_header", None)
    if auth_header:
        headers["WWW-Authenticate"] = auth_header
    return error_response(error, headers)


class ScimView(APIView):
    """Every SCIM endpoint. The login middleware lets the call through to the token check;
    DRF's views are exempt from CSRF, and no session authenticates here."""

    authentication_classes = [DirectoryTokenAuthentication]
    permission_classes = [IsDirectoryToken]
    renderer_classes = [ScimRenderer]
    parser_classes = [ScimParser, JSONParser]
    content_negotiation_class = AlwaysScim
    throttle_classes: list = []
    schema = None  # not part of the REST API's OpenAPI schema

    @classmethod
    def as_view(cls, **initkwargs):
        return login_not_required(super().as_view(**initkwargs))

    def get_exception_handler(self):
        return scim_exception_handler

    def json_body(self, request: Request) -> dict:
        """The request's JSON object; anything else is an invalidSyntax error."""
        data = request.data
        if not isinstance(data, dict):
            raise ScimError(400, _("The body must be a JSON object."), "invalidSyntax")
        return data
