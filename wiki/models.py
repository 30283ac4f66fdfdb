"""Wiki pages: a tree of pages inside a space, with full history.

Every edit is a Wagtail revision; the page's `edit_summary` is stored in each revision's
content, so history reads the summary back from the revision without another table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import TYPE_CHECKING

from django import forms
from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import PageLogEntry, Revision
from wagtail.search import index

from intranet.access import visible_pages
from intranet.models import IntranetPage
from intranet.richtext import PageUrls

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from intranet.models import SpacePage

# Rich text is stored as HTML; a body this size is already a small book. Bigger bodies are
# refused with a form error instead of slowing every render and diff of the page.
MAX_BODY_CHARS = 2 * 1024 * 1024

WIKI_FEATURES = [
    "h2",
    "h3",
    "h4",
    "bold",
    "italic",
    "ol",
    "ul",
    "hr",
    "link",
    "document-link",
    "image",
    "embed",
    "code",
    "code-block",
    "blockquote",
]


def check_body_size(body: str) -> str:
    """`body`, if it is not longer than a page may be; a form error otherwise."""
    if len(body) > MAX_BODY_CHARS:
        raise forms.ValidationError(
            _("The page is too long (%(size)s MB). Split it into several pages."),
            params={"size": round(len(body) / 1024 / 1024, 1)},
        )
    return body


class WikiPageForm(WagtailAdminPageForm):
    """The admin's editor form: the edit summary starts empty on every edit, because it
    describes this one change, not the page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "edit_summary" in self.fields:
            self.initial["edit_summary"] = ""

    def clean_body(self) -> str:
        return check_body_size(self.cleaned_data.get("body") or "")


class WikiPage(IntranetPage):
    body = RichTextField(_("body"), blank=True, features=WIKI_FEATURES)
    tags = models.CharField(
        _("tags"),
        max_length=255,
        blank=True,
        help_text=_("Comma-separated keywords, for example: onboarding, vpn, how-to."),
    )
    edit_summary = models.CharField(
        _("edit summary"),
        max_length=255,
        blank=True,
        help_text=_("Briefly describe what you changed; shown in the page history."),
    )

    content_panels = IntranetPage.content_panels + [
        FieldPanel("body"),
        FieldPanel("tags"),
        FieldPanel("language"),
        FieldPanel("edit_summary"),
    ]
    search_fields = IntranetPage.search_fields + [
        index.SearchField("body"),
        index.SearchField("tags"),
    ]
    parent_page_types = ["intranet.SpacePage", "wiki.WikiPage"]
    subpage_types = ["wiki.WikiPage"]
    base_form_class = WikiPageForm

    class Meta:
        verbose_name = _("wiki page")

    @classmethod
    def recently_changed_for(cls, user, limit: int = 10, space=None) -> models.QuerySet[WikiPage]:
        """The wiki pages the user may see, most recently edited first."""
        pages = visible_pages(user, cls.objects.all())
        if space is not None:
            pages = pages.filter(space=space)
        return pages.select_related("space", "latest_revision__user").order_by(
            "-last_published_at"
        )[:limit]

    @property
    def tag_list(self) -> list[str]:
        return [tag.strip() for tag in self.tags.split(",") if tag.strip()]

    def revisions_with_summaries(self) -> models.QuerySet[Revision]:
        """Every revision of this page, newest first, with author and summary, without
        loading the (possibly large) content: one query however many revisions there are."""
        return (
            self.revisions.defer("content")
            .select_related("user")
            .annotate(summary=KeyTextTransform("edit_summary", "content"))
            .order_by("-created_at", "-id")
        )

    def get_context(self, request, *args, **kwargs):
        from wiki.rendering import wiki_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(wiki_page_context(self, request))
        return context


class EditDraft(models.Model):
    """What someone typed in the wiki editor and has not published yet, kept every few
    seconds while they write, for them alone. Not a Wagtail revision: it never shows in the
    history, never blocks publishing and never takes a slug. Publishing deletes it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The page being edited; for a page not created yet, the page it will go under.
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    new_page = models.BooleanField(default=False)
    # The revision the editor was opened on: a colleague's later change is merged with
    # the draft when it is published.
    base_revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=255, blank=True)
    body = models.TextField(blank=True)
    edit_summary = models.CharField(max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "page", "new_page"], name="wiki_one_edit_draft_per_page"
            )
        ]

    @classmethod
    def find(cls, user, page, *, new_page: bool = False) -> EditDraft | None:
        return cls.objects.filter(user=user, page=page, new_page=new_page).first()


@dataclass(frozen=True)
class WikiChange:
    """One published change of a wiki page, for recent-changes lists and feeds."""

    page: WikiPage
    revision: Revision
    author: AbstractBaseUser | None
    created_at: datetime
    summary: str
    is_new_page: bool
    diff_url: str
    # The page's URL, worked out once for the whole list (`page.url` costs a lookup each).
    page_url: str | None = None


def diff_url(page_id: int, older_id: int | None, newer_id: int) -> str:
    """Site URL of the diff between two revisions (or the first revision on its own)."""
    url = reverse("wiki:diff", args=[page_id])
    return f"{url}?a={older_id}&b={newer_id}" if older_id else f"{url}?b={newer_id}"


def recent_changes(
    user,
    *,
    space: SpacePage | None = None,
    page: WikiPage | None = None,
    limit: int = 50,
    urls: PageUrls | None = None,
) -> list[WikiChange]:
    """Published changes (edits, new pages, restores) of wiki pages `user` may see, newest
    first. Two queries whatever the limit: log entries with their revisions, then the pages."""
    pages = visible_pages(user, WikiPage.objects.all())
    if space is not None:
        pages = pages.filter(space=space)
    if page is not None:
        pages = pages.filter(pk=page.pk)
    previous_revision = (
        Revision.objects.filter(
            base_content_type_id=OuterRef("revision__base_content_type_id"),
            object_id=OuterRef("revision__object_id"),
            pk__lt=OuterRef("revision_id"),
        )
        .order_by("-pk")
        .values("pk")[:1]
    )
    entries = list(
        PageLogEntry.objects.filter(
            action="wagtail.publish",
            page_id__in=pages.values("pk"),
            revision__isnull=False,
        )
        .select_related("revision", "user")
        .defer("revision__content")
        .annotate(
            summary=KeyTextTransform("edit_summary", "revision__content"),
            previous_revision_id=Subquery(previous_revision),
        )
        .order_by("-timestamp", "-pk")[:limit]
    )
    by_id = (
        WikiPage.objects.select_related("space")
        .defer("body")
        .in_bulk({entry.page_id for entry in entries})
    )
    urls = urls or PageUrls(None)
    changes = []
    for entry in entries:
        wiki_page = by_id.get(entry.page_id)
        if wiki_page is None:
            continue
        changes.append(
            WikiChange(
                page=wiki_page,
                revision=entry.revision,
                author=entry.user,
                created_at=entry.timestamp,
                summary=entry.summary or "",
                is_new_page=entry.previous_revision_id is None,
                diff_url=diff_url(wiki_page.pk, entry.previous_revision_id, entry.revision_id),
                page_url=urls.url(wiki_page.url_path),
            )
        )
    return changes


@dataclass(frozen=True)
class PageTemplate:
    """A starting point for a new page; the body is rich text in the database format."""

    key: str
    label: str
    body: str


def _heading(text: str, then: str = "<p></p>") -> str:
    return f"<h2>{escape(text)}</h2>{then}"


def page_templates() -> dict[str, PageTemplate]:
    """Fixed templates editors can start a page from. Built per call so the labels and
    headings are in the language of the person starting the page. (Each text is a plain
    `_()` call: makemessages does not find strings inside f-strings.)"""
    return {
        template.key: template
        for template in [
            PageTemplate("blank", _("Blank page"), ""),
            PageTemplate(
                "meeting-notes",
                _("Meeting notes"),
                "".join(
                    [
                        _heading(_("Date and attendees")),
                        _heading(_("Agenda"), "<ol><li></li></ol>"),
                        _heading(_("Decisions"), "<ul><li></li></ul>"),
                        _heading(
                            _("Action items"),
                            "<ul><li>" + escape(_("Who does what by when")) + "</li></ul>",
                        ),
                    ]
                ),
            ),
            PageTemplate(
                "how-to",
                _("How-to"),
                "".join(
                    [
                        "<p>"
                        + escape(_("What this guide helps you do, in one sentence."))
                        + "</p>",
                        _heading(_("Before you start"), "<ul><li></li></ul>"),
                        _heading(_("Steps"), "<ol><li></li><li></li></ol>"),
                        _heading(_("Troubleshooting")),
                        _heading(_("Related pages"), "<p>[[...]]</p>"),
                    ]
                ),
            ),
            PageTemplate(
                "decision",
                _("Decision record"),
                "".join(
                    [
                        _heading(_("Context")),
                        _heading(_("Decision")),
                        _heading(_("Consequences")),
                    ]
                ),
            ),
        ]
    }
