"""API tokens: how scripts and other systems call the REST API as a person or a service.

A token is shown once, when it is made; the database keeps only its sha256 (the helper the
feed tokens use) and its first characters, so that people can tell their tokens apart. A
leaked database therefore yields no usable token. Unlike a feed token, an API token can
never be shown again: whoever loses it makes a new one.

A personal token acts as its owner. A service token acts as a service account: an active
account with no usable password, made by a site admin for one outside system (the HR sync,
a chat bot), which sees what any employee sees and is added to members-only spaces like
anyone else. Either way every call goes through the one visibility rule. A service token
with the directory scope is for an identity provider: it works only for directory sync
(SCIM, /scim/v2/), never for the REST API, and nothing else works for SCIM.

Wagtail 8 has an `APIToken` of its own (for its admin API); it knows neither scopes nor
expiry nor service accounts, so the intranet's API keeps its own."""

from __future__ import annotations

import secrets
from collections.abc import Collection
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from feeds.models import hash_token

#: Every token starts with this, so that secret scanners (and people) recognise one.
TOKEN_MARK = "itk_"  # noqa: S105 - a public marker, not a secret
PREFIX_LENGTH = len(TOKEN_MARK) + 6
TOKEN_LENGTH = len(TOKEN_MARK) + 43  # urlsafe base64 of 32 bytes, without padding
# Remembering every call would be a write per request.
LAST_USED_PRECISION = timedelta(minutes=5)


class Scope(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Read and write")
    # Directory sync (SCIM, /scim/v2/): provisions people and groups, and nothing else.
    DIRECTORY = "directory", _("Directory sync")


#: The scopes the REST API (/api/v1/) takes; a directory token works only for SCIM.
REST_API_SCOPES = frozenset({Scope.READ, Scope.WRITE})


class ApiTokenQuerySet(models.QuerySet):
    def usable(self) -> ApiTokenQuerySet:
        """Tokens that still authenticate: not revoked, not expired, owner active."""
        return self.filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()),
            revoked_at__isnull=True,
            user__is_active=True,
        )


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        # `api_tokens` is taken by Wagtail's own token model (see the module docstring).
        related_name="rest_api_tokens",
        verbose_name=_("acts as"),
    )
    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices, default=Scope.READ)
    service = models.BooleanField(_("service token"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("token starts with"), max_length=PREFIX_LENGTH)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A directory token creates and deactivates people: only site admins make one,
            # and only as a service token (the personal form does not offer the scope).
            models.CheckConstraint(
                condition=~Q(scope=Scope.DIRECTORY) | Q(service=True),
                name="directory_tokens_are_service_tokens",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def new_raw_token(cls) -> str:
        return TOKEN_MARK + secrets.token_urlsafe(32)

    @property
    def has_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def may_write(self) -> bool:
        return self.scope == Scope.WRITE

    @classmethod
    def find(cls, raw: str | None, *, scopes: Collection[str] = REST_API_SCOPES) -> ApiToken | None:
        """The usable token `raw` with one of `scopes`, or None for a wrong, revoked, expired
        or malformed one, one of another scope (a directory token at the REST API, a REST
        token at SCIM), and one whose owner is no longer active."""
        if not raw or len(raw) != TOKEN_LENGTH or not raw.startswith(TOKEN_MARK):
            return None
        found = (
            cls.objects.usable()
            .select_related("user")
            .filter(token_hash=hash_token(raw), scope__in=list(scopes))
        )
        token = found.first()
        if token is not None:
            token.touch()
        return token

    def touch(self) -> None:
        now = timezone.now()
        if self.last_used_at is None or now - self.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now
