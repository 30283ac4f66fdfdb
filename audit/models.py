"""The audit log's one model: an append-only row per change of who may do what."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

NAME_MAX_LENGTH = 300


class AuditAction(models.TextChoices):
    """What happened, as a short dotted name that outside tools can rely on: names are only
    ever added, never renamed (a new one needs a migration that only changes `choices`)."""

    MEMBERSHIP_ADDED = "membership.added", _("Member added")
    MEMBERSHIP_ROLE_CHANGED = "membership.role_changed", _("Member role changed")
    MEMBERSHIP_REMOVED = "membership.removed", _("Member removed")
    SPACE_CREATED = "space.created", _("Space created")
    SPACE_VISIBILITY_CHANGED = "space.visibility_changed", _("Space visibility changed")
    SPACE_JOIN_POLICY_CHANGED = "space.join_policy_changed", _("Who may join changed")
    SPACE_MEMBER_ROLE_CHANGED = "space.member_role_changed", _("Role for new members changed")
    FEED_TOKEN_CREATED = "feed_token.created", _("Feed token created")
    FEED_TOKEN_ROTATED = "feed_token.rotated", _("Feed token replaced")
    FEED_TOKEN_REVOKED = "feed_token.revoked", _("Feed token revoked")
    ADMIN_GRANTED = "admin.granted", _("Admin rights granted")
    ADMIN_REVOKED = "admin.revoked", _("Admin rights revoked")
    GROUP_CHANGED = "group.changed", _("Group permissions changed")
    SPACE_DELETED = "space.deleted", _("Space deleted")
    PERSON_DEACTIVATED = "person.deactivated", _("Person deactivated")
    PERSON_REACTIVATED = "person.reactivated", _("Person reactivated")
    API_TOKEN_CREATED = "api_token.created", _("API token created")
    API_TOKEN_REVOKED = "api_token.revoked", _("API token revoked")
    PERSON_CREATED = "person.created", _("Person added")
    PERSON_CHANGED = "person.changed", _("Person changed by the directory")
    WEBHOOK_CREATED = "webhook.created", _("Webhook created")
    WEBHOOK_CHANGED = "webhook.changed", _("Webhook changed")
    WEBHOOK_DELETED = "webhook.deleted", _("Webhook deleted")
    DIRECTORY_GROUP_CHANGED = "directory_group.changed", _("Directory group changed")
    PERSONAL_DATA_EXPORTED = "personal_data.exported", _("Personal data downloaded")
    PERSONAL_DATA_ERASED = "personal_data.erased", _("Personal data erased")
    # Reserved for guests (issue 19): outside partners invited into chosen spaces.
    GUEST_INVITED = "guest.invited", _("Guest invited")
    GUEST_REVOKED = "guest.revoked", _("Guest access revoked")


class AppendOnlyError(Exception):
    """Refused: audit entries are written once and never changed or deleted."""

    def __init__(self) -> None:
        super().__init__("Audit entries are append-only: they cannot be changed or deleted.")


class AuditEntryQuerySet(models.QuerySet):
    """Bulk writes other than appending are refused like the model's own save and delete.

    Deleting a person still works: Django nulls `actor` and `target` through the model's
    base manager, and the name snapshots keep saying who it was."""

    def update(self, **kwargs):
        raise AppendOnlyError

    def delete(self):
        raise AppendOnlyError


class AuditEntry(models.Model):
    """One change of access: who (`actor`, None for the system: commands, directory sync),
    to whom (`target`), in which space, what (`action`, `details` with before and after),
    when (`at`) and from where (`ip_address`, `user_agent` of the request that made it).

    People and spaces are kept as snapshots beside the ids (spaces only as id and title, so
    the audit log depends on no app), so an entry still reads right after a rename or a
    deletion."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True, editable=False)
    action = models.CharField(
        _("action"), max_length=64, choices=AuditAction.choices, db_index=True, editable=False
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
        editable=False,
    )
    actor_name = models.CharField(
        _("changed by"), max_length=NAME_MAX_LENGTH, blank=True, editable=False
    )
    target = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person concerned"),
        editable=False,
    )
    target_name = models.CharField(
        _("person concerned"), max_length=NAME_MAX_LENGTH, blank=True, editable=False
    )
    space_id = models.PositiveBigIntegerField(
        _("space id"), null=True, blank=True, db_index=True, editable=False
    )
    space_title = models.CharField(_("space"), max_length=255, blank=True, editable=False)
    details = models.JSONField(
        _("details"), default=dict, blank=True, encoder=DjangoJSONEncoder, editable=False
    )
    ip_address = models.GenericIPAddressField(
        _("IP address"), null=True, blank=True, editable=False
    )
    user_agent = models.CharField(_("browser"), max_length=512, blank=True, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-pk"]
        # No add, change, delete or view permission to hand out: only site admins read the
        # log, and nobody writes it except the code that records a change.
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.actor_name}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnlyError
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError

    @property
    def summary(self) -> str:
        """`details` in one line for the list: "role: reader → editor; group: Site admins"."""
        return "; ".join(
            f"{name}: {_describe(value)}" for name, value in sorted(self.details.items())
        )


def _describe(value) -> str:
    if isinstance(value, dict) and set(value) == {"before", "after"}:
        return f"{_describe(value['before'])} → {_describe(value['after'])}"
    if isinstance(value, list | tuple):
        return ", ".join(_describe(item) for item in value)
    if value is None or value == "":
        return "–"
    return str(value)


def person_label(user) -> str:
    """How a person is written down in an entry: full name and user name, since two
    colleagues can share a name and a user name alone says little to an auditor."""
    if user is None:
        return ""
    username = user.get_username()
    full_name = user.get_full_name().strip() if hasattr(user, "get_full_name") else ""
    label = f"{full_name} ({username})" if full_name else username
    return label[:NAME_MAX_LENGTH]
