from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from community import actions


@hooks.register("before_serve_page")
def count_reads(page, request, serve_args, serve_kwargs):
    """Count reads of posts and wiki pages (a number per page and week, nothing per person)."""
    from blogs.models import BlogPostPage
    from wiki.models import WikiPage

    if (
        request.method == "GET"
        and request.user.is_authenticated
        and isinstance(page.specific_deferred, BlogPostPage | WikiPage)
    ):
        actions.record_read(request.user, page)


def _guidelines_gate(request):
    page = actions.needs_acknowledgement(request.user)
    if page is None:
        return None
    return redirect(f"{page.url}?{urlencode({'next': request.get_full_path()})}")


@hooks.register("before_create_page")
def acknowledge_before_creating(request, parent_page, page_class):
    return _guidelines_gate(request)


@hooks.register("before_edit_page")
def acknowledge_before_editing(request, page):
    return _guidelines_gate(request)


@hooks.register("register_log_actions")
def register_community_log_actions(actions_registry):
    actions_registry.register_action(
        "community.guidelines_acknowledged",
        _("Acknowledge guidelines"),
        _("Guidelines acknowledged"),
    )
    actions_registry.register_action("community.reported", _("Report"), _("Content reported"))
    actions_registry.register_action(
        "community.report_resolved", _("Resolve report"), _("Report resolved")
    )


class SiteAdminMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_admin_menu_item")
def dashboard_menu_item():
    return SiteAdminMenuItem(
        _("Success dashboard"),
        reverse("community:dashboard"),
        icon_name="table",
        order=900,
    )
