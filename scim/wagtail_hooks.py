"""Directory sync's place in the Wagtail admin: Settings → Directory groups and Groups in
spaces, for site admins only (`scim.admin_views`)."""

from __future__ import annotations

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from scim.admin_views import DirectoryGroupViewSet, SiteAdminsOnly, SpaceLinkViewSet
from scim.models import DirectoryGroup, SpaceLink

# The provider owns its groups: the admin only looks at them.
register_permission_policy(DirectoryGroup, SiteAdminsOnly(DirectoryGroup, frozenset({"view"})))
register_permission_policy(
    SpaceLink, SiteAdminsOnly(SpaceLink, frozenset({"add", "change", "delete", "view"}))
)


@hooks.register("register_admin_viewset")
def register_directory_groups():
    return DirectoryGroupViewSet("directory_groups")


@hooks.register("register_admin_viewset")
def register_space_links():
    return SpaceLinkViewSet("directory_group_spaces")
