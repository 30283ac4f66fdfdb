"""Space pages that live beside the Wagtail-served space home (members, join, settings...),
and creating a space. No space is ever called "new" (see `intranet.actions`): its address
is the creation form's."""

from django.urls import path

from intranet import space_views

app_name = "spaces"
urlpatterns = [
    path("spaces/new/", space_views.create, name="create"),
    path("spaces/<slug:slug>/members/", space_views.members, name="members"),
    path("spaces/<slug:slug>/members/add/", space_views.add_member, name="add_member"),
    path(
        "spaces/<slug:slug>/members/<int:user_id>/role/",
        space_views.change_role,
        name="change_role",
    ),
    path(
        "spaces/<slug:slug>/members/<int:user_id>/remove/",
        space_views.remove_member,
        name="remove_member",
    ),
    path(
        "spaces/<slug:slug>/requests/<int:request_id>/approve/",
        space_views.approve_request,
        name="approve_request",
    ),
    path(
        "spaces/<slug:slug>/requests/<int:request_id>/deny/",
        space_views.deny_request,
        name="deny_request",
    ),
    path("spaces/<slug:slug>/join/", space_views.join, name="join"),
    path("spaces/<slug:slug>/leave/", space_views.leave, name="leave"),
    path(
        "spaces/<slug:slug>/write-access/",
        space_views.request_write_access,
        name="write_access",
    ),
    path("spaces/<slug:slug>/settings/", space_views.space_settings, name="settings"),
    path("spaces/<slug:slug>/history/", space_views.history, name="history"),
]
