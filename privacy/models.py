"""What the privacy app keeps of its own: that a person's personal data was erased, when
and by whom. Never their old name: the row exists so that nobody has to remember it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Erasure(models.Model):
    """One former employee whose personal data `privacy.actions.erase_personal_data` erased.

    The user row stays (posts, pages and comments keep their owner); it only has the
    anonymous username it was given. This row answers "was this person erased already?",
    which an inactive account alone cannot."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="erasure",
        verbose_name=_("former employee"),
    )
    erased_at = models.DateTimeField(_("erased"), default=timezone.now)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("erased by"),
    )

    class Meta:
        verbose_name = _("erasure of personal data")
        verbose_name_plural = _("erasures of personal data")

    def __str__(self) -> str:
        return f"{self.user_id} erased {self.erased_at:%Y-%m-%d}"
