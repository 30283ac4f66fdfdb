from __future__ import annotations

from django.core.exceptions import BadRequest
from django.utils import translation
from django.utils.translation import gettext as _

SESSION_LANGUAGE_KEY = "intranet_language"


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
                from profiles.models import Profile

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
