"""The site's URLs plus `/bench/minimal/`, the baseline every page's time is divided by."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from intranet.urls import handler400, handler403, handler404, handler500  # noqa: F401
from intranet.urls import urlpatterns as site_urlpatterns


@login_not_required
def minimal(request: HttpRequest) -> HttpResponse:
    # The cheapest Django response through the full middleware stack: no database, no
    # template. A page's ratio to it is its own cost, whatever the machine's speed.
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/minimal/", minimal, name="bench_minimal"), *site_urlpatterns]
