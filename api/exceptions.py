"""Errors of the apps' own actions as API answers: bad input is a 400 with field errors,
too many writes a 429, an index being rebuilt a 503; never a 500."""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from intranet.ratelimit import RateLimited

try:  # The Whoosh backend's "cannot read the index" error; absent on other backends.
    from search.backends.whoosh import IndexUnavailable
except ImportError:  # pragma: no cover - only when the backend module is missing

    class IndexUnavailable(Exception):  # type: ignore[no-redef]  # noqa: N818
        pass


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, BadRequest):
        exc = exceptions.ParseError(str(exc) or None)
    elif isinstance(exc, RateLimited):
        exc = exceptions.Throttled(
            detail=_("You are saving very fast. Please wait a minute and try again.")
        )
    elif isinstance(exc, IndexUnavailable):
        return Response(
            {
                "detail": _(
                    "The search index is not available right now. It is being rebuilt; "
                    "please try again in a few minutes."
                )
            },
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
        )
    return drf_exception_handler(exc, context)
