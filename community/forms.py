from django import forms
from django.utils.translation import gettext_lazy as _

from community.models import Delivery, Notification, Report

# Ids arrive from the browser: bounded, so a huge number is a form error, not a database one.
MAX_ID = 2**63 - 1


class ReportForm(forms.Form):
    page = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_ID)
    comment = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=MAX_ID
    )
    reason = forms.CharField(
        label=_("What is wrong with it?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class CommentReportForm(forms.Form):
    """The report form under each comment on a post (the post and comment are in its URL)."""

    reason = forms.CharField(
        label=_("What is wrong with this comment?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ResolveForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(s, label) for s, label in Report.Status.choices if s != Report.Status.OPEN]
    )


class NotificationSettingsForm(forms.Form):
    """One choice per notification kind, plus the spaces the user mutes."""

    def __init__(self, *args, deliveries: dict[str, str], spaces, muted: set[int], **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in Notification.Kind.choices:
            self.fields[f"kind_{kind}"] = forms.ChoiceField(
                label=label, choices=Delivery.choices, initial=deliveries[kind]
            )
        self.fields["muted"] = forms.ModelMultipleChoiceField(
            label=_("Mute these spaces (no notifications from them)"),
            queryset=spaces,
            required=False,
            initial=list(muted),
            widget=forms.CheckboxSelectMultiple,
        )
