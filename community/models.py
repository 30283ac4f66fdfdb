"""Following, the activity stream, notifications, community guidelines, content reports
and the counts behind the success dashboard.

What a user may see of any of these is decided by `intranet.access`: rows that point at a
page or a space are filtered through the same rule at read time, so content that later
becomes private disappears from streams and notification lists at once."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import Truncator
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from intranet.access import (
    hidden_spaces,
    is_employee,
    visible_pages,
    visible_rows,
    visible_spaces,
)
from intranet.models import Membership, Role, roles_at_least

# Roles that moderate a space's content (moderators and everyone ranked above them).
MODERATING_ROLES = roles_at_least(Role.MODERATOR)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


class Follow(models.Model):
    """One user following a space, a person, a tag or a page."""

    class Kind(models.TextChoices):
        SPACE = "space", _("Space")
        PERSON = "person", _("Person")
        TAG = "tag", _("Tag")
        PAGE = "page", _("Page")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    space = models.ForeignKey(
        "intranet.SpacePage",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="followers",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="followers",
    )
    tag = models.CharField(max_length=100, blank=True)
    page = models.ForeignKey(
        Page, null=True, blank=True, on_delete=models.CASCADE, related_name="page_followers"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "space"], condition=Q(kind="space"), name="unique_follow_space"
            ),
            models.UniqueConstraint(
                fields=["user", "person"], condition=Q(kind="person"), name="unique_follow_person"
            ),
            models.UniqueConstraint(
                fields=["user", "tag"], condition=Q(kind="tag"), name="unique_follow_tag"
            ),
            models.UniqueConstraint(
                fields=["user", "page"], condition=Q(kind="page"), name="unique_follow_page"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} follows {self.kind}"

    @classmethod
    def target_field(cls, kind: str) -> str:
        """The field that holds what a follow of `kind` follows (KeyError for other kinds)."""
        return {
            cls.Kind.SPACE: "space",
            cls.Kind.PERSON: "person",
            cls.Kind.TAG: "tag",
            cls.Kind.PAGE: "page",
        }[kind]

    @staticmethod
    def tag_key(name: str) -> str:
        """How a followed tag is stored and matched. Tags are the same tag in any case
        (TAGGIT_CASE_INSENSITIVE), so following "Kubernetes" follows "KUBERNETES" too."""
        return name.strip().lower()[:100]


class Activity(models.Model):
    """Something that happened, for the home page's stream."""

    class Kind(models.TextChoices):
        POST = "post", _("published a post")
        WIKI_CREATED = "wiki_created", _("created a wiki page")
        WIKI_EDITED = "wiki_edited", _("edited a wiki page")
        COMMENT = "comment", _("commented")
        NEW_COLLEAGUE = "new_colleague", _("joined the company")
        JOINED_SPACE = "joined_space", _("joined a space")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="activities"
    )
    page = models.ForeignKey(
        Page, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    space = models.ForeignKey(
        "intranet.SpacePage", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    summary = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["actor", "-created_at"]),
            models.Index(fields=["space", "-created_at"]),
            # The stream's exact order: its newest rows are an index walk with a LIMIT,
            # ties included, at any table size.
            models.Index(fields=["-created_at", "-id"], name="activity_stream_order"),
        ]
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return f"{self.actor} {self.get_kind_display()}"

    @classmethod
    def stream_for(
        cls, user, *, following: str = "all", limit: int = 40
    ) -> models.QuerySet[Activity]:
        """The newest activity `user` may see, without the arrival of people who have left
        since; `following` narrows it to spaces or people the user follows. Costs the same
        few queries at any table size (index on created_at)."""
        # "Joined the company" is news only while it is true.
        rows = visible_rows(user, cls.objects.all()).exclude(
            kind=cls.Kind.NEW_COLLEAGUE, actor__is_active=False
        )
        if following == "spaces":
            rows = rows.filter(
                space__in=Follow.objects.filter(user=user, kind="space").values("space")
            )
        elif following == "people":
            rows = rows.filter(
                actor__in=Follow.objects.filter(user=user, kind="person").values("person")
            )
        return rows.select_related("actor", "actor__profile", "page", "space")[:limit]


class Notification(models.Model):
    """Something a person should know about, stored as what happened (an untranslated
    message and its values) and put into words when it is read, in the reader's language."""

    class Kind(models.TextChoices):
        MENTION = "mention", _("Someone mentions me")
        REPLY = "reply", _("Replies to my comments")
        COMMENT = "comment", _("Comments on my posts")
        WIKI_EDIT = "wiki_edit", _("Edits to wiki pages I follow")
        JOIN_REQUEST = "join_request", _("Requests to join a space I moderate")
        FOLLOWED_CONTENT = "followed", _("New posts from spaces, people and tags I follow")
        REPORT_OUTCOME = "report_outcome", _("Outcome of my reports")
        MEMBERSHIP = "membership", _("Being added to a space or given a new role")
        REVIEW = "review", _("Changes waiting for my approval")
        REVIEW_OUTCOME = "review_outcome", _("Approval or return of my changes")

    # The longest text a notification shows (and the longest value it keeps).
    MAX_LENGTH = 300

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    page = models.ForeignKey(
        Page, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    space = models.ForeignKey(
        "intranet.SpacePage", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The English message (the msgid, e.g. "%(name)s edited “%(title)s”") and its values;
    # empty for notifications made before messages were stored, which show `text`.
    message = models.TextField(blank=True)
    params = models.JSONField(default=dict, blank=True)
    # The notification in the site's language as it was made: the whole of notifications
    # made before messages were stored, and the words shown should a message ever no
    # longer fit its values.
    text = models.CharField(max_length=MAX_LENGTH)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"])]

    def __str__(self) -> str:
        return self.text

    @classmethod
    def message_fields(cls, message: str | Promise, params: dict | None = None) -> dict:
        """The fields that keep `message` with `params`: untranslated, and `text` in the
        site's language. The message (and any value) may be a lazy translation
        (`gettext_lazy`) or a `gettext_noop` string; lazy values, such as a role's label,
        are kept as `{"msgid": ...}` and translated for each reader. Other values are kept
        as they are, text cut to MAX_LENGTH."""
        kept: dict = {}
        with override(None):  # no language: a lazy translation gives its msgid
            for key, value in (params or {}).items():
                if isinstance(value, Promise):
                    kept[key] = {"msgid": str(value)} if str(value) else ""
                elif isinstance(value, bool | int | float):
                    kept[key] = value
                else:
                    kept[key] = Truncator(str(value)).chars(cls.MAX_LENGTH)
            msgid = str(message)
        with override(settings.LANGUAGE_CODE):
            text = cls(message=msgid, params=kept).display_text
        return {"message": msgid, "params": kept, "text": text}

    @property
    def display_text(self) -> str:
        """The notification in the active language (the reader's: their request's, or the
        one an e-mail to them is written in)."""
        if not self.message:
            return self.text
        values = {
            key: gettext(value["msgid"]) if isinstance(value, dict) else value
            for key, value in self.params.items()
        }
        try:
            shown = gettext(self.message) % values if values else gettext(self.message)
        except (KeyError, TypeError, ValueError):
            # A translation whose placeholders do not match the values.
            return self.text or self.message
        return Truncator(shown).chars(self.MAX_LENGTH)

    @property
    def link(self) -> str:
        """Where the notification leads: the page's address today (it may have moved since),
        else the address stored with it."""
        if self.page_id is not None:
            return self.page.url or ""
        return self.url

    @classmethod
    def for_user(cls, user) -> models.QuerySet[Notification]:
        """The user's notifications about things they may see *now*.

        Every notification names the page or the space it is about (its text names nothing
        else), and is kept only while the visibility rule lets `user` see that page (live,
        in whatever space it is in today, not the one stored on the row) and that space.
        The list, the unread count and every e-mail read through here, so someone who
        loses access loses the notification everywhere at once. A row naming neither
        cannot be checked and is never shown."""
        if not is_employee(user):
            return cls.objects.none()
        page_visible = Exists(visible_pages(user, Page.objects.filter(pk=OuterRef("page_id"))))
        space_visible = Exists(visible_spaces(user).filter(pk=OuterRef("space_id")))
        return (
            cls.objects.filter(recipient=user)
            .filter(Q(page__isnull=False) | Q(space__isnull=False))
            .filter(Q(page__isnull=True) | page_visible)
            .filter(Q(space__isnull=True) | space_visible)
            .select_related("actor", "page", "space")
        )


class Delivery(models.TextChoices):
    OFF = "off", _("Off")
    SITE = "site", _("On the site only")
    DAILY = "daily", _("Daily e-mail digest")
    IMMEDIATE = "immediate", _("E-mail at once")


DEFAULT_DELIVERY = {Notification.Kind.MENTION: Delivery.IMMEDIATE}


class NotificationSetting(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    kind = models.CharField(max_length=16, choices=Notification.Kind.choices)
    delivery = models.CharField(max_length=16, choices=Delivery.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="unique_notification_setting")
        ]

    @staticmethod
    def deliveries_for(user) -> dict[str, str]:
        chosen = dict(NotificationSetting.objects.filter(user=user).values_list("kind", "delivery"))
        return {
            kind: chosen.get(kind, DEFAULT_DELIVERY.get(kind, Delivery.DAILY))
            for kind in Notification.Kind.values
        }


class MutedSpace(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="muted_spaces"
    )
    space = models.ForeignKey("intranet.SpacePage", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "space"], name="unique_muted_space")]


class GuidelinesPage(Page):
    """The company's community guidelines; everyone acknowledges the current version once
    before writing, and again whenever it is republished with changes."""

    body = RichTextField(_("guidelines"))
    content_panels = Page.content_panels + [FieldPanel("body")]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("community guidelines")

    @property
    def version(self):
        return self.last_published_at

    def acknowledged_by(self, user) -> bool:
        return Acknowledgement.objects.filter(user=user, page=self, version=self.version).exists()

    def serve(self, request, *args, **kwargs):
        from community.views import guidelines_page

        return guidelines_page(request, self)


class Acknowledgement(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    page = models.ForeignKey(
        GuidelinesPage, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    version = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "page", "version"], name="unique_acknowledgement"
            )
        ]


class Report(models.Model):
    """A report of a post, wiki page or comment to the moderators."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        HIDDEN = "hidden", _("Content hidden")
        RESTORED = "restored", _("Content restored")
        DISMISSED = "dismissed", _("Dismissed")

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="+")
    space = models.ForeignKey(
        "intranet.SpacePage", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    comment_id = models.PositiveBigIntegerField(null=True, blank=True)
    reason = models.TextField(max_length=2000)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["status", "-created_at"]

    @classmethod
    def moderated_by(cls, user) -> models.QuerySet[Report]:
        """The reports `user` may see and act on in the moderation queue.

        Decided from the reported page as it is now, never from the stored `space` (a page
        may have moved since): site admins moderate everything, space moderators and admins
        the pages in their spaces; pages outside spaces (personal blogs) only site admins.
        A comment report counts only if the comment is on the reported page; anything else
        was forged and is shown to nobody."""
        from django.apps import apps

        if not is_employee(user):
            return cls.objects.none()
        comment_model = apps.get_model("blogs", "Comment")
        comment_on_page = Exists(
            comment_model.objects.filter(pk=OuterRef("comment_id"), post_id=OuterRef("page_id"))
        )
        reports = cls.objects.filter(Q(comment_id__isnull=True) | comment_on_page)
        if not user.is_superuser:
            spaces = (
                Membership.objects.filter(user=user, role__in=MODERATING_ROLES)
                .exclude(space__in=hidden_spaces(user))
                .values("space")
            )
            reports = reports.filter(page__intranetpage__space__in=spaces)
        return reports.select_related("page", "page__intranetpage__space", "reporter")

    @property
    def current_space(self):
        """The space the reported page is in now (None outside spaces)."""
        try:
            return self.page.intranetpage.space
        except ObjectDoesNotExist:
            return None


class ReadCount(models.Model):
    """How often a page was read in a week: a number, never who read it."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="+")
    week = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["page", "week"], name="unique_read_count")]


class ActiveReader(models.Model):
    """That someone read something in a week, as a keyed hash: counts active readers without
    recording who read what."""

    week = models.DateField()
    reader_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["week", "reader_hash"], name="unique_active_reader")
        ]

    @staticmethod
    def hash_for(user_id: int, week: date) -> str:
        message = f"{user_id}:{week.isoformat()}".encode()
        return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
