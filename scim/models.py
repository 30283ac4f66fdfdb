"""What directory sync keeps besides people's own records: the identity provider's id of
each person, its groups, and which spaces each group gives its members.

A membership a group gave is written down (`GroupGrant`), so that leaving the group ends
that membership and never one the person had on their own."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intranet.models import Membership, Role, SpacePage

EXTERNAL_ID_LENGTH = 255


class DirectoryPerson(models.Model):
    """The identity provider's own id for a person (SCIM `externalId`)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="directory_entry",
    )
    external_id = models.CharField(_("external id"), max_length=EXTERNAL_ID_LENGTH, db_index=True)

    class Meta:
        verbose_name = _("person in the directory")
        verbose_name_plural = _("people in the directory")

    def __str__(self) -> str:
        return self.external_id


class DirectoryGroup(models.Model):
    """A group of the identity provider (Entra ID, Okta), kept in step through SCIM. Its
    members become members of the spaces it is linked to (`SpaceLink`)."""

    display_name = models.CharField(_("name"), max_length=255)
    external_id = models.CharField(
        _("external id"), max_length=EXTERNAL_ID_LENGTH, blank=True, db_index=True
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="directory_groups",
        blank=True,
        verbose_name=_("members"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)

    class Meta:
        ordering = ["display_name", "pk"]
        verbose_name = _("directory group")
        verbose_name_plural = _("directory groups")

    def __str__(self) -> str:
        return self.display_name


class SpaceLink(models.Model):
    """Members of `group` are members of `space` with `role`, for as long as they are in
    the group."""

    group = models.ForeignKey(
        DirectoryGroup,
        on_delete=models.CASCADE,
        related_name="space_links",
        verbose_name=_("directory group"),
    )
    space = models.ForeignKey(
        SpacePage, on_delete=models.CASCADE, related_name="+", verbose_name=_("space")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.READER)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["group__display_name", "space__title", "pk"]
        verbose_name = _("group in a space")
        verbose_name_plural = _("groups in spaces")
        constraints = [models.UniqueConstraint(fields=["group", "space"], name="unique_space_link")]

    def __str__(self) -> str:
        return f"{self.group} → {self.space}"


class GroupGrant(models.Model):
    """`membership` exists because of `link`: it ends when the person leaves every group
    that gives it. A membership removed by hand takes its grants with it."""

    link = models.ForeignKey(SpaceLink, on_delete=models.CASCADE, related_name="grants")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["link", "membership"], name="unique_group_grant")
        ]

    def __str__(self) -> str:
        return f"{self.link}: {self.membership}"
