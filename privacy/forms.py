"""The erasure's confirmation: one box that says it cannot be undone."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that this cannot be undone."),
        error_messages={"required": _("Tick the box to confirm that this cannot be undone.")},
    )
