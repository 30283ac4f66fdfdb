"""Forms for the space pages on the site: creating a space, its settings, inviting members,
roles, join requests."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from intranet.models import JoinPolicy, MemberRole, Role, SpaceKind, Visibility
from intranet.pickers import PersonField


class SpaceForm(forms.Form):
    """What describes a space, when it is created and in its settings."""

    title = forms.CharField(
        label=_("Name"), max_length=255, error_messages={"required": _("A space needs a name.")}
    )
    description = forms.CharField(
        label=_("Description"), required=False, max_length=2000, widget=forms.Textarea
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=SpaceKind.choices, initial=SpaceKind.TEAM)
    visibility = forms.ChoiceField(
        label=_("Visibility"),
        choices=Visibility.choices,
        initial=Visibility.OPEN,
        widget=forms.RadioSelect,
        help_text=_("Members-only hides the space and everything in it from non-members."),
    )
    join_policy = forms.ChoiceField(
        label=_("Who can join"),
        choices=JoinPolicy.choices,
        initial=JoinPolicy.OPEN,
        widget=forms.RadioSelect,
        help_text=_("Nobody finds a members-only space to join it: there, you add the members."),
    )


class SpaceSettingsForm(SpaceForm):
    picture = forms.ImageField(
        label=_("New picture"),
        required=False,
        help_text=_("A square image works best; it is shown at 88 × 88 pixels."),
    )
    remove_picture = forms.BooleanField(label=_("Remove the picture"), required=False)
    # Not required: a form from before this choice existed keeps the space's current one.
    member_role = forms.ChoiceField(
        label=_("New members"),
        choices=MemberRole.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Readers can ask to write; you approve that on the members page."),
    )
    field_order = [
        "title",
        "description",
        "picture",
        "remove_picture",
        "kind",
        "visibility",
        "join_policy",
        "member_role",
    ]


class AddMemberForm(forms.Form):
    """Invite colleagues by name ("Emma Wagner, Ben Koch"), all with one role."""

    # Named "username" because that is what the picker sends; it cleans to a list of users.
    username = PersonField(
        multiple=True,
        label=_("Colleagues"),
        error_messages={
            "not_found": _("There is no active colleague called “%(value)s”."),
        },
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.READER)

    def __init__(self, *args, space=None, **kwargs):
        super().__init__(*args, **kwargs)
        if space is not None:
            # Invited people get what joining people get, unless the inviter says otherwise.
            self.fields["role"].initial = space.member_role


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class JoinForm(forms.Form):
    """Joining, or asking to write: an optional note for the moderators."""

    message = forms.CharField(label=_("Message to the moderators"), required=False, max_length=1000)
