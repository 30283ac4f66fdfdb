"""The interface language a person picked: the switch that stores it on their profile, and
the middleware that applies it to each of their requests."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.views.decorators.http import require_POST

from profiles.models import Profile

SESSION_LANGUAGE_KEY = "intranet_language"


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language and remember it on the user's profile."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    if language not in dict(settings.LANGUAGES) or not check_for_language(language):
        return HttpResponseRedirect(next_url)
    profile = Profile.for_user(request.user)
    profile.preferred_language = language
    profile.save(update_fields=["preferred_language"])
    request.session[SESSION_LANGUAGE_KEY] = language
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


class UserLanguageMiddleware:
    """Use the language the user picked on their profile (remembered in the session, so it
    costs one query per session), else the browser's, as LocaleMiddleware found it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = request.session.get(SESSION_LANGUAGE_KEY)
            if language is None:
                language = (
                    Profile.objects.filter(user=user)
                    .values_list("preferred_language", flat=True)
                    .first()
                    or ""
                )
                request.session[SESSION_LANGUAGE_KEY] = language
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
