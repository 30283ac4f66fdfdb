"""The token page's forms: a personal token, and (site admins) a service token."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.models import REST_API_SCOPES, Scope

EXPIRY_CHOICES = [
    ("30", _("in 30 days")),
    ("90", _("in 90 days")),
    ("365", _("in a year")),
    ("", _("never")),
]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, for example “Reporting script”."),
    )
    scope = forms.ChoiceField(
        label=_("Scope"),
        choices=[(scope.value, scope.label) for scope in Scope if scope in REST_API_SCOPES],
        initial=Scope.READ,
        widget=forms.RadioSelect,
        help_text=_("A token that may write can publish posts and change pages as you."),
    )
    expires = forms.ChoiceField(
        label=_("Expires"), choices=EXPIRY_CHOICES, initial="90", required=False
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    @property
    def expires_at(self) -> datetime | None:
        days = self.cleaned_data.get("expires")
        return timezone.now() + timedelta(days=int(days)) if days else None


class ServiceTokenForm(TokenForm):
    """A token for a service account: an account made for another system (in the admin's
    Users), which acts as that account."""

    account = forms.CharField(
        label=_("Service account"),
        max_length=150,
        help_text=_(
            "The username of the account the system acts as. It sees what that account may "
            "see: add it to members-only spaces it needs."
        ),
    )
    field_order = ["account", "name", "scope", "expires"]
    # Distinct field ids: both forms are on one page.
    prefix = "service"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        scope = self.fields["scope"]
        scope.choices = Scope.choices
        scope.help_text = _(
            "A token that may write can publish posts and change pages as the account. A "
            "directory sync token is for an identity provider (Entra ID, Okta): it creates, "
            "changes and deactivates people and groups through SCIM (/scim/v2/), and cannot "
            "call the REST API."
        )

    def clean_account(self):
        username = self.cleaned_data["account"].strip()
        account = get_user_model().objects.filter(username=username).first()
        if account is None or not account.is_active:
            raise forms.ValidationError(_("There is no active account with this username."))
        if account.is_superuser:
            raise forms.ValidationError(
                _("A site admin's account cannot have a service token: it could see everything.")
            )
        return account
