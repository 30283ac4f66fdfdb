"""Pages of the intranet's skeleton (the space index, spaces) and space membership.

Every page that can live inside a space inherits `IntranetPage`, which records the space it
belongs to (`space`, denormalised from the tree on save and on move). That one column is what
the visibility rule in `intranet.access` filters on, in the database and in the search index.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import Page
from wagtail.search import index

from intranet.space_sections import space_sections


class IntranetPage(Page):
    """Base of every page type that can sit in a space; carries the space and language."""

    space = models.ForeignKey(
        "intranet.SpacePage",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("space"),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language this page is written in; search uses it for word forms."),
    )

    search_fields = Page.search_fields + [
        index.FilterField("space_id"),
        index.FilterField("language"),
        # The text inside the files the page links: found with the page's own visibility,
        # weighing less than what the page itself says.
        index.SearchField("attachment_text", boost=0.5),
    ]
    is_creatable = False

    def attachment_text(self) -> str:
        """The text inside the files this page links (intranet/attachments.py)."""
        from intranet.attachments import attachment_text

        return attachment_text(self)

    def find_space_id(self) -> int | None:
        """The id of the space this page is in (itself for a space), read from the tree."""
        if isinstance(self, SpacePage):
            return self.pk
        if not self.path:
            return None
        ancestor_paths = [self.path[: i * Page.steplen] for i in range(1, self.depth)]
        space = (
            SpacePage.objects.filter(path__in=ancestor_paths).order_by("-depth").only("pk").first()
        )
        return space.pk if space else None

    def save(self, *args, **kwargs):
        if not isinstance(self, SpacePage):
            self.space_id = self.find_space_id()
        return super().save(*args, **kwargs)

    def get_space(self) -> SpacePage | None:
        if self.space_id is None:
            return None
        return SpacePage.objects.filter(pk=self.space_id).first()


class SpaceIndexPage(Page):
    """`/spaces/`: every space the reader may see."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["intranet.SpacePage"]
    max_count = 1
    SPACES_PER_PAGE = 48

    class Meta:
        verbose_name = _("space index")

    def get_context(self, request, *args, **kwargs):
        from intranet.access import visible_spaces

        context = super().get_context(request, *args, **kwargs)
        spaces = visible_spaces(request.user)
        kind = request.GET.get("kind", "")
        if kind in SpaceKind.values:
            spaces = spaces.filter(kind=kind)
        # Paginated, so the list costs the same with ten spaces or five thousand.
        page = Paginator(SpacePage.list_for(request.user, spaces), self.SPACES_PER_PAGE)
        page_obj = page.get_page(request.GET.get("page"))
        context.update(
            {
                "spaces": page_obj.object_list,
                "page_obj": page_obj,
                "kinds": SpaceKind.choices,
                "kind": kind if kind in SpaceKind.values else "",
                "query_string": urlencode({"kind": kind}) if kind in SpaceKind.values else "",
            }
        )
        return context


class SpaceKind(models.TextChoices):
    DEPARTMENT = "department", _("Department")
    TEAM = "team", _("Team")
    PROJECT = "project", _("Project")
    COMMUNITY = "community", _("Community")


class Visibility(models.TextChoices):
    OPEN = "open", _("Open: every employee can read")
    MEMBERS = "members", _("Members only: invisible to everyone else")


class JoinPolicy(models.TextChoices):
    OPEN = "open", _("Anyone can join")
    APPROVAL = "approval", _("Requests need a moderator's approval")
    INVITE = "invite", _("Invitation only")


class MemberRole(models.TextChoices):
    """What a new member of a space may do: the role a join (or an approved join request)
    gives. Its values are `Role` values."""

    EDITOR = "editor", _("New members write: they post and edit the wiki")
    READER = "reader", _("New members only read, and can ask to write")


class SpacePage(IntranetPage):
    """One department, team, project or community, with its members, wiki and blog."""

    description = models.TextField(_("description"), blank=True)
    picture = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("picture"),
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=SpaceKind.choices, default=SpaceKind.TEAM
    )
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.OPEN
    )
    join_policy = models.CharField(
        _("who can join"), max_length=16, choices=JoinPolicy.choices, default=JoinPolicy.OPEN
    )
    member_role = models.CharField(
        _("new members"), max_length=16, choices=MemberRole.choices, default=MemberRole.EDITOR
    )
    wiki_moderation = models.BooleanField(
        _("wiki changes need approval"),
        default=False,
        help_text=_("Send wiki edits through Wagtail's moderation workflow before publishing."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("description"),
        FieldPanel("picture"),
        MultiFieldPanel(
            [
                FieldPanel("kind"),
                FieldPanel("visibility"),
                FieldPanel("join_policy"),
                FieldPanel("wiki_moderation"),
            ],
            heading=_("Space settings"),
        ),
    ]
    search_fields = IntranetPage.search_fields + [
        index.SearchField("description"),
        index.FilterField("kind"),
    ]
    parent_page_types = ["intranet.SpaceIndexPage"]
    subpage_types = ["wiki.WikiPage", "blogs.BlogIndexPage"]

    class Meta:
        verbose_name = _("space")

    # Who may read a space, who may join it and what new members may do are the space
    # admins' decision. No revision changes them (the page editor, a workflow approval,
    # publishing an old revision): only `intranet.actions`, which checks the actor's role,
    # writes them.
    ACCESS_FIELDS = ("visibility", "join_policy", "member_role")

    def with_content_json(self, content):
        page = super().with_content_json(content)
        if self.pk:
            # From the database, not from `self`: a revision made moments ago keeps the
            # in-memory instance the editor changed as its `content_object`.
            current = type(self).objects.filter(pk=self.pk).values(*self.ACCESS_FIELDS).first()
            for name, value in (current or {}).items():
                setattr(page, name, value)
        return page

    def save(self, *args, **kwargs):
        result = super().save(*args, **kwargs)
        if self.space_id != self.pk:
            type(self).objects.filter(pk=self.pk).update(space_id=self.pk)
            self.space_id = self.pk
        return result

    def get_context(self, request, *args, **kwargs):
        from intranet.access import can_manage_space

        context = super().get_context(request, *args, **kwargs)
        user = request.user
        # The member count and my role (my membership row, if any) in one query.
        figures = self.memberships.aggregate(
            member_count=models.Count("pk"),
            my_role=models.Max("role", filter=models.Q(user_id=user.pk)),
        )
        my_role = figures["my_role"] if user.is_authenticated else None
        context.update(
            {
                # Only a space admin (or a site admin) can manage: skip asking otherwise.
                "may_manage": (my_role == Role.ADMIN or user.is_superuser)
                and can_manage_space(user, self),
                "my_role": my_role,
                "may_write": role_includes(my_role, Role.EDITOR),
                "my_role_label": Role(my_role).label if my_role else "",
                # An open request: to join (no role yet) or, from a reader, to write.
                "join_requested": bool(
                    my_role in (None, Role.READER) and self.join_requests.filter(user=user).exists()
                ),
                "member_count": figures["member_count"],
                "members": self.memberships.select_related("user__profile").order_by("created_at")[
                    :24
                ],
            }
        )
        # What the content apps show here (newest posts, wiki changes), each under its name.
        sections = space_sections()
        context["space_sections"] = sections
        context.update({section.name: section.items(user, self) for section in sections})
        return context

    @property
    def is_members_only(self) -> bool:
        return self.visibility == Visibility.MEMBERS

    @classmethod
    def list_for(cls, user, spaces):
        """Spaces annotated with member counts and the user's role, in one query.

        Both are correlated subqueries on the membership index (one lookup per listed
        space), not a join with GROUP BY over every membership of every visible space."""
        role = Membership.objects.filter(space=models.OuterRef("pk"), user=user).values("role")[:1]
        members = (
            Membership.objects.filter(space=models.OuterRef("pk"))
            .order_by()
            .values("space")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return (
            spaces.select_related("picture")
            .annotate(
                member_count=Coalesce(models.Subquery(members), 0),
                my_role=models.Subquery(role),
            )
            .order_by("title")
        )

    def role_of(self, user) -> str | None:
        if not user.is_authenticated:
            return None
        return (
            Membership.objects.filter(space=self, user=user).values_list("role", flat=True).first()
        )


class Role(models.TextChoices):
    READER = "reader", _("Reader")
    EDITOR = "editor", _("Editor")
    MODERATOR = "moderator", _("Moderator")
    ADMIN = "admin", _("Space admin")


# The one ranking of roles: each role may do everything the roles ranked below it may.
ROLE_RANK = {Role.READER: 1, Role.EDITOR: 2, Role.MODERATOR: 3, Role.ADMIN: 4}


def role_includes(held: str | None, wanted: str) -> bool:
    """Whether someone holding `held` (None: no role) may do what `wanted` may."""
    return bool(held) and ROLE_RANK[Role(held)] >= ROLE_RANK[Role(wanted)]


def roles_at_least(role: str) -> list[Role]:
    """`role` and every role ranked above it, for `role__in` filters."""
    return [held for held in Role if role_includes(held, role)]


class Membership(models.Model):
    space = models.ForeignKey(
        SpacePage, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("space")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.READER)
    created_at = models.DateTimeField(_("joined"), default=timezone.now)

    class Meta:
        verbose_name = _("membership")
        constraints = [
            models.UniqueConstraint(fields=["space", "user"], name="unique_space_membership")
        ]
        indexes = [models.Index(fields=["user", "space"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.space} ({self.role})"


class JoinRequest(models.Model):
    space = models.ForeignKey(SpacePage, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests"
    )
    message = models.TextField(_("message"), blank=True, max_length=1000)
    # Empty: someone asks to join (and gets the space's `member_role`). A role: a member
    # (a reader) asks for it, e.g. to write.
    role = models.CharField(_("requested role"), max_length=16, choices=Role.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("join request")
        constraints = [
            models.UniqueConstraint(fields=["space", "user"], name="unique_join_request")
        ]

    def __str__(self) -> str:
        if self.role:
            return f"{self.user} asks to be {self.role} in {self.space}"
        return f"{self.user} asks to join {self.space}"

    def role_to_grant(self) -> str:
        """The role approving this request gives: the one asked for, or the space's role
        for new members as it is now."""
        return self.role or self.space.member_role


class SpaceCreators(models.TextChoices):
    EVERYONE = "everyone", _("Every employee")
    SITE_ADMINS = "site_admins", _("Only site admins")
    GROUP = "group", _("Members of a group")


@register_setting(icon="group")
class SpaceCreationSettings(BaseGenericSetting):
    """Who may create spaces on the site (open and members-only alike). Site admins
    always may; by default every employee may."""

    who = models.CharField(
        _("who may create spaces"),
        max_length=16,
        choices=SpaceCreators.choices,
        default=SpaceCreators.EVERYONE,
    )
    group = models.ForeignKey(
        "auth.Group",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("group"),
        help_text=_("With “Members of a group”: the group whose members may create spaces."),
    )

    panels = [FieldPanel("who"), FieldPanel("group")]

    class Meta:
        verbose_name = _("space creation")

    def clean(self) -> None:
        if self.who == SpaceCreators.GROUP and self.group_id is None:
            raise ValidationError({"group": _("Choose the group whose members may create spaces.")})

    def allows(self, user) -> bool:
        """Whether `user` may create a space."""
        from intranet.access import is_employee

        if not is_employee(user):
            return False
        if user.is_superuser or self.who == SpaceCreators.EVERYONE:
            return True
        if self.who == SpaceCreators.GROUP and self.group_id is not None:
            return user.groups.filter(pk=self.group_id).exists()
        return False

    @classmethod
    def user_may_create(cls, user, request=None) -> bool:
        """Whether `user` may create a space, under the setting as saved (read once per
        request when `request` is given)."""
        return cls.load(request_or_site=request).allows(user)


class DocumentText(models.Model):
    """The text inside an uploaded document, read for search by the task worker
    (`intranet.attachments.read_document_text`, with `intranet.extraction`).

    A page that links the document is found by this text, with the page's own visibility:
    the text is indexed as part of each page that holds the file, never on its own. The
    status says why a file has no text, so its author can be told; `file_hash` is the hash
    of the file that was read, so a replaced file is read again."""

    class Status(models.TextChoices):
        # The values are intranet.extraction's statuses.
        OK = "ok", _("read")
        EMPTY = "empty", _("no text in it")
        CORRUPT = "corrupt", _("damaged")
        ENCRYPTED = "encrypted", _("protected by a password")
        TOO_LARGE = "too_large", _("too large")
        UNSUPPORTED = "unsupported", _("not a type search reads")

    document = models.OneToOneField(
        getattr(settings, "WAGTAILDOCS_DOCUMENT_MODEL", "wagtaildocs.Document"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="search_text",
        verbose_name=_("document"),
    )
    file_hash = models.CharField(max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    text = models.TextField(_("text"), blank=True)
    truncated = models.BooleanField(_("only the beginning is kept"), default=False)
    read_at = models.DateTimeField(_("read at"), default=timezone.now)

    class Meta:
        verbose_name = _("document text")

    def __str__(self) -> str:
        return f"{self.document_id}: {self.status}"
