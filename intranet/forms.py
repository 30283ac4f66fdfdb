"""Forms for the space pages on the site: settings, adding members, roles, join requests."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from intranet.models import JoinPolicy, Role, SpaceKind, Visibility


class SpaceSettingsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=2000, widget=forms.Textarea
    )
    picture = forms.ImageField(
        label=_("New picture"),
        required=False,
        help_text=_("A square image works best; it is shown at 88 × 88 pixels."),
    )
    remove_picture = forms.BooleanField(label=_("Remove the picture"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=SpaceKind.choices)
    visibility = forms.ChoiceField(
        label=_("Visibility"),
        choices=Visibility.choices,
        widget=forms.RadioSelect,
        help_text=_("Members-only hides the space and everything in it from non-members."),
    )
    join_policy = forms.ChoiceField(
        label=_("Who can join"), choices=JoinPolicy.choices, widget=forms.RadioSelect
    )

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("A space needs a title."))
        return title


class AddMemberForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("The colleague's username, as in the address of their profile page."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.READER)

    def clean_username(self):
        username = self.cleaned_data["username"].strip().lstrip("@")
        user = get_user_model().objects.filter(username__iexact=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("There is no active colleague with that username."))
        return user


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class JoinForm(forms.Form):
    message = forms.CharField(label=_("Message to the moderators"), required=False, max_length=1000)
