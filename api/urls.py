"""/api/: the token page, the OpenAPI schema and its docs, and the REST API under /api/v1/."""

from django.contrib.auth.decorators import login_required
from django.urls import include, path, re_path
from django.views.decorators.http import require_safe
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from api import tokens, views
from api.permissions import IsEmployee

app_name = "api"

router = SimpleRouter()
router.register("spaces", views.SpaceViewSet, basename="space")
router.register("posts", views.PostViewSet, basename="post")
router.register("wiki", views.WikiPageViewSet, basename="wiki")
router.register("people", views.PersonViewSet, basename="person")


class SchemaView(views.ApiMixin, SpectacularAPIView):
    """The schema, for signed-in employees and for tokens (a client generator may fetch it
    with one)."""

    permission_classes = [IsEmployee]


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI, from the sidecar package's files (no CDN), its start script a URL of its
    own (`?script`), so the Content-Security-Policy needs no exception. For browsers:
    anonymous visitors are sent to the login page (`login_required` below: DRF's views are
    exempt from the login middleware)."""

    permission_classes = [IsEmployee]
    template_name = "api/swagger_ui.html"


urlpatterns = [
    path("", tokens.api_home, name="home"),
    path("tokens/", tokens.token_list, name="tokens"),
    path("tokens/service/", tokens.service_token_create, name="service_token_create"),
    # Digits that fit the database's integers: a longer number is a 404, not an overflow.
    re_path(
        r"^tokens/(?P<token_id>[0-9]{1,18})/revoke/$", tokens.token_revoke, name="token_revoke"
    ),
    path("schema/", SchemaView.as_view(), name="schema"),
    # Read only: anything else is a 405 before DRF, which would answer it with an HTML 403.
    path(
        "docs/",
        login_required(require_safe(DocsView.as_view(url_name="api:schema"))),
        name="docs",
    ),
    path("v1/search/", views.SearchView.as_view(), name="search"),
    path("v1/me/", views.MeView.as_view(), name="me"),
    path("v1/", include(router.urls)),
]
