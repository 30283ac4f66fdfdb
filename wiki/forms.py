from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wiki.models import page_templates


class NewPageForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    template = forms.ChoiceField(label=_("Start from"), widget=forms.RadioSelect, initial="blank")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [(t.key, t.label) for t in page_templates().values()]

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Give the page a title."))
        return title
