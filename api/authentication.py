"""Who is calling: `Authorization: Bearer <token>` for scripts and other systems, the
session for a signed-in browser (DRF's session authentication, which enforces CSRF)."""

from __future__ import annotations

from collections.abc import Collection

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from api.models import REST_API_SCOPES, ApiToken


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """A personal or service token. A wrong, revoked or expired token, one of a scope this
    part of the site does not take (`scopes`), and any token of an account that is no
    longer active, is a 401: never a fallback to anonymous."""

    keyword = "Bearer"
    realm = "api"
    #: The REST API's scopes; directory sync (scim/) takes only the directory scope.
    scopes: Collection[str] = REST_API_SCOPES

    def authenticate(self, request: Request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None  # not ours: the session may still authenticate
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the header as “Bearer <token>”."))
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("This API token is not valid.")) from None
        token = ApiToken.find(raw, scopes=self.scopes)
        if token is None:
            raise exceptions.AuthenticationFailed(_("This API token is not valid."))
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        # Makes DRF answer 401 (with this challenge), not 403, to calls without credentials.
        return f'{self.keyword} realm="{self.realm}"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """How the schema (and the docs' "Authorize" button) describes the token."""

    target_class = "api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "itk_…"}
