"""The search page's GET parameters, parsed leniently: bad values are ignored, never errors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from search.query import MAX_QUERY_LENGTH, month_range

# Anything longer than this is not something a person typed; it is cut, not refused.
_RAW_LIMIT = 2_000


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search for"), required=False, strip=True)
    type = forms.CharField(required=False)
    space = forms.CharField(required=False)
    author = forms.CharField(required=False)
    department = forms.CharField(required=False)
    date = forms.CharField(required=False)
    page = forms.CharField(required=False)
    # Set by the "search instead for" link: the words as typed, never corrected.
    exact = forms.BooleanField(required=False)

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        # Always bound, so `cleaned_data` exists; each value cut and cleared of NUL
        # characters first, which would otherwise make the whole form invalid.
        values = {
            name: str(data.get(name, ""))[:_RAW_LIMIT].replace("\x00", "")
            for name in self.base_fields
            if data is not None and data.get(name) is not None
        }
        super().__init__(values, **kwargs)
        self.fields["q"].widget.attrs.update(
            {"type": "search", "maxlength": str(MAX_QUERY_LENGTH), "autocomplete": "off"}
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["q"] = (data.get("q") or "")[:MAX_QUERY_LENGTH]
        return data

    def search_arguments(self) -> dict[str, Any]:
        """Keyword arguments for `search.query.search_content`."""
        data = self.cleaned_data if self.is_valid() else {}
        months = month_range(data.get("date"))
        return {
            "q": data.get("q", ""),
            "types": [data["type"]] if data.get("type") else None,
            "space": data.get("space") or None,
            "author": data.get("author") or None,
            "department": data.get("department") or None,
            "date_from": months[0] if months else None,
            "date_to": months[1] if months else None,
            "page": data.get("page") or 1,
            "spelling": "suggest" if data.get("exact") else "correct",
        }
