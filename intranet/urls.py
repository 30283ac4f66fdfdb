from django.conf import settings
from django.urls import include, path, re_path
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.urls import serve_pattern

from intranet import admin_views, files, uploads, views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    # Every URL that takes a password is allauth's. Wagtail's admin and front-end login
    # forms would skip MFA and rate limits, so their addresses only send people to allauth
    # (the admin one must stay before the admin include).
    path("admin/login/", views.login_redirect, name="wagtailadmin_login_redirect"),
    path("_util/login/", views.login_redirect, name="wagtailcore_login"),
    # Wagtail's tag autocomplete offered every tag, those of members-only spaces included.
    path("admin/tag-autocomplete/", admin_views.tag_autocomplete),
    path("admin/tag-autocomplete/<slug:app_name>/<slug:model_name>/", admin_views.tag_autocomplete),
    path("admin/", include(wagtailadmin_urls)),
    # Uploaded files only through the views that check access (never as static files, with
    # or without DEBUG). The name is Wagtail's, so `Document.url` and document links in rich
    # text lead here.
    path(
        "documents/<int:document_id>/<str:document_filename>",
        files.serve_document,
        name="wagtaildocs_serve",
    ),
    path(f"{settings.MEDIA_URL.strip('/')}/<path:name>", files.serve_media, name="media"),
    path("-/uploads/", uploads.upload, name="uploads"),
    path("language/", include("profiles.language_urls")),
    path("people/", include("profiles.urls")),
    path("org/", include("profiles.org_urls")),
    path("feeds/", include("feeds.urls")),
    path("search/", include("search.urls")),
    path("api/", include("api.urls")),
    path("scim/v2/", include("scim.urls")),
    path("privacy/", include("privacy.urls")),
    path("webhooks/", include("webhooks.urls")),
    path("", include("community.urls")),
    path("", include("intranet.space_urls")),
    path("", include("blogs.urls")),
    path("", include("wiki.urls")),
]

# Only Wagtail's page serving, not `wagtail.urls` as a whole: that also mounts a password
# login (`_util/login/`) and page-password forms outside allauth.
urlpatterns += [re_path(serve_pattern, wagtail_views.serve, name="wagtail_serve")]

handler400 = "intranet.views.bad_request"
handler403 = "intranet.views.permission_denied"
handler404 = "intranet.views.page_not_found"
handler500 = "intranet.views.server_error"
