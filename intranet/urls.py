from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from intranet import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    # Must stay before the Wagtail admin include: its own login form bypasses MFA.
    path("admin/login/", views.admin_login_redirect, name="wagtailadmin_login_redirect"),
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

urlpatterns += [path("", include(wagtail_urls))]

handler400 = "intranet.views.bad_request"
handler403 = "intranet.views.permission_denied"
handler404 = "intranet.views.page_not_found"
handler500 = "intranet.views.server_error"
