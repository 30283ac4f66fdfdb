"""Feed tokens: how RSS readers, which cannot log in, fetch a person's private feeds.

Each user has at most one token. The token a reader sends is an HMAC of a random per-token
nonce under SECRET_KEY; the database keeps the nonce and the sha256 of the token, never the
token itself. A database leak alone therefore yields no usable token, while the
subscriptions page can still show the full URLs at any time (re-deriving them with the key)
instead of only once. Revoking deletes the row, so old URLs stop working at once.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

# Readers poll often; remembering every fetch would be a write per request.
LAST_USED_PRECISION = timedelta(minutes=5)
TOKEN_LENGTH = 43  # urlsafe base64 of 32 bytes, without padding
PREFIX_LENGTH = 6


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def derive_token(nonce: str) -> str:
    digest = salted_hmac("feeds.FeedToken", nonce, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


class FeedToken(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="feed_token",
        verbose_name=_("user"),
    )
    nonce = models.CharField(max_length=64)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("token starts with"), max_length=PREFIX_LENGTH)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("feed token")

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"

    @classmethod
    def new_for(cls, user) -> FeedToken:
        """A fresh token for `user`, replacing any old one (callers: feeds.actions)."""
        nonce = secrets.token_urlsafe(32)
        raw = derive_token(nonce)
        cls.objects.filter(user=user).delete()
        return cls.objects.create(
            user=user, nonce=nonce, token_hash=hash_token(raw), prefix=raw[:PREFIX_LENGTH]
        )

    @property
    def token(self) -> str | None:
        """The token for URLs, or None when it can no longer be derived (SECRET_KEY changed):
        old URLs then still work, but the page asks for a new token to show new ones."""
        raw = derive_token(self.nonce)
        return raw if hash_token(raw) == self.token_hash else None

    @classmethod
    def user_for(cls, raw: str | None):
        """The active user owning token `raw`, or None for a wrong, revoked or malformed one."""
        if not raw or len(raw) != TOKEN_LENGTH:
            return None
        found = cls.objects.select_related("user").filter(token_hash=hash_token(raw)).first()
        if found is None or not found.user.is_active:
            return None
        found.touch()
        return found.user

    def touch(self) -> None:
        now = timezone.now()
        if self.last_used_at is None or now - self.last_used_at > LAST_USED_PRECISION:
            FeedToken.objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now
