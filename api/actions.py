"""Writes of the API app: making and revoking API tokens, each written down in the audit
log in the same transaction (a token reads, and may write, whatever its account may)."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import PREFIX_LENGTH, ApiToken, Scope
from audit.actions import record
from audit.models import AuditAction
from feeds.models import hash_token
from intranet.access import is_employee

#: The default `actor`: people make and revoke their own tokens. Others (a site admin, the
#: system when someone leaves: None) say so.
OWNER: Final = object()


def _actor(owner, actor):
    return owner if actor is OWNER else actor


def _record(action: AuditAction, token: ApiToken, actor) -> None:
    record(
        action,
        actor=actor,
        target=token.user,
        # The first characters only, as the token page shows them: enough to tell tokens
        # apart, useless to call the API with.
        details={
            "token_starts_with": token.prefix,
            "name": token.name,
            "scope": str(token.scope),
            "service": token.service,
        },
    )


@transaction.atomic
def create_api_token(
    user,
    *,
    name: str,
    scope: str = Scope.READ,
    expires_at: datetime | None = None,
    actor=OWNER,
    service: bool = False,
) -> tuple[ApiToken, str]:
    """A new token acting as `user`; returns it and the raw token, which exists only in this
    return value: the caller shows it once. Directory sync tokens are service tokens only
    (`create_service_token`; the database refuses others too)."""
    if scope == Scope.DIRECTORY and not service:
        raise PermissionDenied(_("Only site admins make directory sync tokens."))
    raw = ApiToken.new_raw_token()
    actor = _actor(user, actor)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100],
        scope=Scope(scope),
        service=service,
        created_by=actor,
        token_hash=hash_token(raw),
        prefix=raw[:PREFIX_LENGTH],
        expires_at=expires_at,
    )
    _record(AuditAction.API_TOKEN_CREATED, token, actor)
    return token, raw


def create_service_token(
    account, *, name: str, scope: str, expires_at: datetime | None = None, actor
) -> tuple[ApiToken, str]:
    """A token for a service account (an account a site admin made for another system),
    made by a site admin. Refuses (PermissionDenied) anyone else, and accounts that could do
    more than an employee (site admins) or nothing at all (inactive ones)."""
    if not (is_employee(actor) and actor.is_superuser):
        raise PermissionDenied(_("Only site admins make service tokens."))
    if not account.is_active or account.is_superuser:
        raise PermissionDenied(
            _("A service token needs an active account that is not a site admin.")
        )
    return create_api_token(
        account, name=name, scope=scope, expires_at=expires_at, actor=actor, service=True
    )


@transaction.atomic
def revoke_api_token(token: ApiToken, *, actor=OWNER) -> bool:
    """Revoke `token` at once; False when it was revoked already (a second click)."""
    actor = _actor(token.user, actor)
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if updated:
        token.refresh_from_db(fields=["revoked_at"])
        _record(AuditAction.API_TOKEN_REVOKED, token, actor)
    return bool(updated)


@transaction.atomic
def revoke_all_api_tokens(user, *, actor=None) -> int:
    """Revoke every token acting as `user` (someone left the company); how many were."""
    tokens = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
    return sum(revoke_api_token(token, actor=actor) for token in tokens)
