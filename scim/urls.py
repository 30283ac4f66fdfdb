"""/scim/v2/: directory sync for identity providers. The addresses take an optional
trailing slash, and a doubled one after v2 (a tenant URL entered with a trailing slash);
ids are any text, so that a wrong one is a SCIM 404 rather than the site's page."""

from django.urls import re_path

from scim import views

app_name = "scim"

urlpatterns = [
    re_path(
        r"^(?:/)?ServiceProviderConfig/?$",
        views.ServiceProviderConfigView.as_view(),
        name="service_provider_config",
    ),
    re_path(r"^(?:/)?ResourceTypes/?$", views.ResourceTypesView.as_view(), name="resource_types"),
    re_path(
        r"^(?:/)?ResourceTypes/(?P<name>[^/]+)/?$",
        views.ResourceTypesView.as_view(),
        name="resource_type",
    ),
    re_path(r"^(?:/)?Schemas/?$", views.SchemasView.as_view(), name="schemas"),
    re_path(r"^(?:/)?Schemas/(?P<urn>[^/]+)/?$", views.SchemasView.as_view(), name="schema"),
    re_path(r"^(?:/)?Users/?$", views.UsersView.as_view(), name="users"),
    re_path(r"^(?:/)?Users/(?P<user_id>[^/]+)/?$", views.UserView.as_view(), name="user"),
    re_path(r"^(?:/)?Groups/?$", views.GroupsView.as_view(), name="groups"),
    re_path(r"^(?:/)?Groups/(?P<group_id>[^/]+)/?$", views.GroupView.as_view(), name="group"),
    re_path(r"^(?P<rest>.*)$", views.NotFoundView.as_view(), name="not_found"),
]
