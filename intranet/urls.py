from django.conf import settings
from django.urls import include, path, re_path
from wagtail import views as wagtail_views
from wagtail.urls import serve_pattern
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from intranet import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    # Every URL that takes a password is allauth's. Wagtail's admin and front-end login
    # forms would skip MFA and rate limits, so their addresses only send people to allauth
    # (the admin one must stay before the admin include).
    path("admin/login/", views.login_redirect, name="wagtailadmin_login_redirect"),
    path("_util/login/", views.login_redirect, name="wagtailcore_login"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("language/", views.set_language, name="set_language"),
    path("people/", include("profiles.urls")),
    path("org/", include("profiles.org_urls")),
    path("feeds/", include("feeds.urls")),
    path("search/", include("search.urls")),
    path("", include("community.urls")),
    path("", include("intranet.space_urls")),
    path("", include("blogs.urls")),
    path("", include("wiki.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Only Wagtail's page serving, not `wagtail.urls` as a whole: that also mounts a password
# login (`_util/login/`) and page-password forms outside allauth.
urlpatterns += [re_path(serve_pattern, wagtail_views.serve, name="wagtail_serve")]

handler400 = "intranet.views.bad_request"
handler403 = "intranet.views.permission_denied"
handler404 = "intranet.views.page_not_found"
handler500 = "intranet.views.server_error"
