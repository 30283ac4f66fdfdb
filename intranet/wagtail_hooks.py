from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views.home import sprite
from wagtail.admin.views.i18n import localized_js_catalog

from intranet.access import can_view, visibility_filter


@hooks.register("before_serve_page", order=-100)
def hide_pages_the_reader_may_not_see(page, request, serve_args, serve_kwargs):
    """Members-only content answers 404 to outsiders, exactly like a page that never existed
    (Wagtail's own group restriction would redirect to the login page instead)."""
    if not can_view(request.user, page):
        raise Http404


def readable_in_admin(pages, request):
    """`pages` narrowed to what the admin user may read. Drafts stay listed, so this uses
    the rule without its `live` part. When the admin is about to run a search on the
    queryset, the rule is handed over as a list of ids (as Wagtail's own page search does
    with its permission filter), because a search index cannot run our subquery."""
    readable = pages.filter(visibility_filter(request.user, pages.model))
    if request.GET.get("q"):
        return pages.filter(pk__in=list(readable.values_list("pk", flat=True)))
    return readable


@hooks.register("register_admin_urls")
def admin_assets_for_admins_only() -> list:
    """Wagtail serves its icon sprite and script translations to anyone, for its own login
    page; ours is allauth's. Registered here, before Wagtail's own, they answer only people
    with admin access, like every other /admin/ address."""
    return [
        path("sprite/", sprite, name="wagtailadmin_sprite"),
        path("jsi18n/", localized_js_catalog, name="wagtailadmin_javascript_catalog"),
    ]


@hooks.register("construct_explorer_page_queryset")
def hide_hidden_spaces_in_the_explorer(parent_page, pages, request):
    """The admin explorer lists pages by their tree position; an editor of one space must
    not see the titles of members-only spaces they are not in."""
    return readable_in_admin(pages, request)


@hooks.register("construct_page_chooser_queryset")
def hide_hidden_spaces_in_the_page_chooser(pages, request):
    """Wagtail's page chooser shows the whole tree for linking; keep it to what the editor
    may read."""
    return readable_in_admin(pages, request)


@hooks.register("register_log_actions")
def register_space_log_actions(actions):
    actions.register_action("intranet.member_added", _("Add member"), _("Member added"))
    actions.register_action("intranet.member_removed", _("Remove member"), _("Member removed"))
    actions.register_action("intranet.role_changed", _("Change role"), _("Member role changed"))
    actions.register_action(
        "intranet.visibility_changed", _("Change visibility"), _("Space visibility changed")
    )
    actions.register_action(
        "intranet.join_requested", _("Request to join"), _("Asked to join the space")
    )
    actions.register_action(
        "intranet.join_request_denied", _("Deny join request"), _("Join request denied")
    )
    actions.register_action(
        "intranet.settings_changed", _("Change space settings"), _("Space settings changed")
    )


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def sync_spaces_edited_in_the_admin(request, page):
    """A space created or published in the page editor gets the same groups, permissions
    and view restriction as one changed through `intranet.actions`."""
    from intranet.actions import sync_space_after_admin_edit
    from intranet.models import SpacePage

    if isinstance(page.specific_deferred, SpacePage):
        sync_space_after_admin_edit(SpacePage.objects.get(pk=page.pk), actor=request.user)


@hooks.register("register_admin_viewset")
def register_spaces_admin():
    from intranet.admin_views import SpacesAdminGroup

    return SpacesAdminGroup()
