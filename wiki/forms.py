"""The wiki's forms: a new page's title and template, and the in-place editor."""

from __future__ import annotations

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from intranet.editor import RichTextFormField
from wiki.models import WIKI_FEATURES, check_body_size, page_templates


class NewPageForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=255, error_messages={"required": _("Give the page a title.")}
    )
    template = forms.ChoiceField(label=_("Start from"), widget=forms.RadioSelect, initial="blank")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per form, so the names follow the reader's language.
        self.fields["template"].choices = [(t.key, t.label) for t in page_templates().values()]


class WikiEditForm(forms.Form):
    """A wiki page in the intranet's editor. `base_revision` is the revision the editor was
    opened on: a colleague's change saved since then is merged, not overwritten."""

    title = forms.CharField(
        label=_("Title"), max_length=255, error_messages={"required": _("Give the page a title.")}
    )
    body = RichTextFormField(
        label=_("Text"),
        required=False,
        features=WIKI_FEATURES,
        upload_url=reverse_lazy("uploads"),
        page_search_url=reverse_lazy("search:pages_json"),
    )
    edit_summary = forms.CharField(
        label=_("What did you change?"),
        max_length=255,
        required=False,
        help_text=_("A few words for the page history, for example “Added the VPN steps”."),
    )
    base_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Links to pages this person may not see reach the editor without their address.
        self.fields["body"].user = user

    def clean_body(self) -> str:
        return check_body_size(self.cleaned_data.get("body") or "")


class AutosaveForm(WikiEditForm):
    """The same fields, saved as a private draft while someone types: nothing is required,
    so a half-written page never shows an error."""

    title = forms.CharField(max_length=255, required=False)
