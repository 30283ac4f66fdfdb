"""Wagtail wiring for the wiki: concurrent edits never overwrite each other silently."""

from __future__ import annotations

from django.contrib import messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.models import Page

from wiki.models import WikiPage


def is_stale_edit(request, page: Page) -> bool:
    """Whether the editor's form was loaded from an older revision than the newest one.
    Wagtail checks this itself only for autosave requests; a plain "Publish" would replace
    a colleague's newer text without a word."""
    latest = Page.objects.filter(pk=page.pk).values_list("latest_revision_id", flat=True).first()
    if latest is None:
        return False
    started_from = request.POST.get("overwrite_revision_id") or request.POST.get(
        "loaded_revision_id"
    )
    return bool(started_from) and started_from != str(latest)


@hooks.register("before_edit_page")
def keep_a_stale_publish_as_draft(request, page):
    if request.method != "POST" or not issubclass(page.specific_class or Page, WikiPage):
        return None
    if not request.POST.get("action-publish") or not is_stale_edit(request, page):
        return None
    # Turn the publish into "save draft": the text is kept as a draft revision on top of
    # the colleague's version, and the editor decides how to merge.
    data = request.POST.copy()
    del data["action-publish"]
    data.pop("overwrite_revision_id", None)
    request.POST = data
    messages.warning(
        request,
        _(
            "Someone else changed this page while you were editing. Your text was saved as "
            "a draft and not published: compare it with their version in the page history, "
            "merge, and publish again."
        ),
    )
    return None


@hooks.register("register_log_actions")
def register_wiki_log_actions(actions) -> None:
    actions.register_action(
        "wiki.restore", gettext_lazy("Restore wiki version"), gettext_lazy("Wiki version restored")
    )
