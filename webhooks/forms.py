"""The webhook form of the Wagtail admin (Settings → Webhooks)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from intranet.models import SpacePage
from webhooks.actions import acts_as_problem
from webhooks.models import Event, Webhook, validate_webhook_url


class WebhookForm(forms.ModelForm):
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        validators=[validate_webhook_url],
        help_text=Webhook._meta.get_field("url").help_text,
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=Event.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    space = forms.ModelChoiceField(
        label=_("Only in space"),
        queryset=SpacePage.objects.order_by("title", "pk"),
        required=False,
        help_text=Webhook._meta.get_field("space").help_text,
    )
    acts_as = forms.CharField(
        label=_("Acts as"),
        max_length=150,
        help_text=_(
            "The username of the account whose view applies: the webhook hears only of what "
            "this account may see, when the event happens and again when it is sent. Use a "
            "service account, and add it to the members-only spaces the webhook needs."
        ),
    )

    class Meta:
        model = Webhook
        fields = ["name", "url", "events", "space", "acts_as", "active"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["acts_as"] = self.instance.acts_as.get_username()

    def clean_acts_as(self):
        username = self.cleaned_data["acts_as"].strip()
        account = get_user_model().objects.filter(username=username).first()
        problem = acts_as_problem(account)
        if problem is not None:
            raise forms.ValidationError(problem)
        return account
