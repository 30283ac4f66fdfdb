from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import BadRequest
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from django.utils.translation import gettext as _
from wagtail.contrib.redirects.middleware import RedirectMiddleware, get_redirect
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, Site


class NullCharacterMiddleware:
    """Refuse a query string that carries a NUL character with a 400 that says so.

    PostgreSQL text cannot hold NUL, so a filter such as ``?author=%00`` would otherwise end
    in a database error (a 500). Form fields already refuse NUL with a form error (Django's
    ``ProhibitNullCharactersValidator``); this covers the many list filters that read
    ``request.GET`` directly."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise BadRequest(_("The address contains a NUL character. Remove it and try again."))
        return self.get_response(request)


class VisibleRedirectMiddleware(RedirectMiddleware):
    """Wagtail's redirects (made by hand, or on their own when a page moves or is renamed),
    except into a page the reader may not see: that keeps the 404 the old address already
    answered. A redirect from a page's old address into a members-only space would
    otherwise confirm to outsiders that the page exists, and where."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if response.status_code != 404:
            return response
        redirect = self._find_redirect(request)
        if redirect is None or not redirect.link or not self._may_follow(request, redirect):
            return response
        if redirect.is_permanent:
            return HttpResponsePermanentRedirect(redirect.link)
        return HttpResponseRedirect(redirect.link)

    @staticmethod
    def _find_redirect(request: HttpRequest) -> Redirect | None:
        # Wagtail's own lookup: the full path first, then without the query string.
        path = Redirect.normalise_path(request.get_full_path(), decode_unicode=False)
        redirect = get_redirect(request, path)
        path_without_query = urlsplit(path).path
        if redirect is None and path_without_query != path:
            redirect = get_redirect(request, path_without_query)
        return redirect

    @staticmethod
    def _may_follow(request: HttpRequest, redirect: Redirect) -> bool:
        """Whether the redirect leads somewhere `request.user` may go: to a page they may
        see (the visibility rule, live pages only), or to an address that is not a page."""
        from intranet.access import can_view

        target = redirect.redirect_page or _page_at(request, redirect.link)
        return target is None or can_view(request.user, target)


def _page_at(request: HttpRequest, link: str) -> Page | None:
    """The page an address on this site leads to, whatever its state; None for another
    site's address or one that is not a page (a view such as /people/)."""
    parts = urlsplit(link)
    if parts.netloc and parts.netloc != request.get_host():
        return None
    site = Site.find_for_request(request)
    if site is None:
        return None
    try:
        # `route` and not Page.find_for_request, which keeps the first answer on the request.
        return site.root_page.specific.route(request, [c for c in parts.path.split("/") if c])[0]
    except Http404:
        # Not a live page. Wagtail answers 404 for a draft; so must its redirect.
        url_path = site.root_page.url_path + parts.path.lstrip("/")
        return Page.objects.filter(
            url_path=url_path if url_path.endswith("/") else url_path + "/"
        ).first()
