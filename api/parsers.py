"""The request bodies the API reads: JSON only. Whatever is not JSON Python can read is a
400, never a 500: DRF's parser turns only `ValueError` into one, and JSON nested deeper than
Python's recursion limit (a few kilobytes of "[") raises `RecursionError`."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("The JSON is nested too deeply.")) from None
