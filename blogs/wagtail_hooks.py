"""Wagtail wiring for blogs: a code-block rich text feature and the ownership rule in the editor.

Wagtail's page permissions are per subtree: a space editor holds "change" on the whole space,
so Wagtail alone would let them edit a colleague's post. These hooks add the blog rule on
top: authors edit their own posts, space moderators any post in their space, site admins all.
"""

from __future__ import annotations

import wagtail.admin.rich_text.editors.draftail.features as draftail_features
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.auth import permission_denied
from wagtail.admin.rich_text.converters.html_to_contentstate import BlockElementHandler
from wagtail.admin.userbar import EditPageItem

from blogs.models import BlogPostPage


@hooks.register("register_rich_text_features")
def register_code_block_feature(features) -> None:
    control = {"type": "code-block", "label": "{ }", "description": _("Code block")}
    features.register_editor_plugin(
        "draftail", "code-block", draftail_features.BlockFeature(control)
    )
    features.register_converter_rule(
        "contentstate",
        "code-block",
        {
            "from_database_format": {"pre": BlockElementHandler("code-block")},
            "to_database_format": {"block_map": {"code-block": "pre"}},
        },
    )


def _someone_elses_post(request, page) -> bool:
    specific = page.specific_deferred
    return isinstance(specific, BlogPostPage) and not specific.can_be_edited_by(request.user)


@hooks.register("before_edit_page")
def only_authors_edit_their_posts(request, page):
    if _someone_elses_post(request, page):
        return permission_denied(request)
    return None


@hooks.register("before_delete_page")
def only_authors_delete_their_posts(request, page):
    if _someone_elses_post(request, page):
        return permission_denied(request)
    return None


@hooks.register("before_unpublish_page")
def only_authors_unpublish_their_posts(request, page):
    if _someone_elses_post(request, page):
        return permission_denied(request)
    return None


@hooks.register("before_move_page")
def only_authors_move_their_posts(request, page, destination):
    if _someone_elses_post(request, page):
        return permission_denied(request)
    return None


@hooks.register("before_copy_page")
def only_authors_copy_their_posts(request, page):
    if _someone_elses_post(request, page):
        return permission_denied(request)
    return None


@hooks.register("before_bulk_action")
def only_authors_act_on_their_posts_in_bulk(request, action_type, objects, action_class_instance):
    if any(_someone_elses_post(request, obj) for obj in objects if hasattr(obj, "specific")):
        return permission_denied(request)
    return None


@hooks.register("construct_page_listing_buttons")
def hide_edit_buttons_on_others_posts(buttons, page, user, context=None):
    """Keep the explorer honest: no Edit button where the edit view would refuse."""
    specific = page.specific_deferred
    if isinstance(specific, BlogPostPage) and not specific.can_be_edited_by(user):
        buttons[:] = [b for b in buttons if "/edit/" not in (getattr(b, "url", "") or "")]


@hooks.register("construct_wagtail_userbar")
def hide_userbar_edit_on_others_posts(request, items, page):
    if page is not None and _someone_elses_post(request, page):
        items[:] = [item for item in items if not isinstance(item, EditPageItem)]


@hooks.register("register_log_actions")
def register_blog_log_actions(actions) -> None:
    actions.register_action("blogs.comment_hidden", _("Hide comment"), _("Comment hidden"))
    actions.register_action("blogs.comment_shown", _("Show comment"), _("Comment shown again"))
    actions.register_action("blogs.blog_started", _("Start blog"), _("Personal blog started"))
