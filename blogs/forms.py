from __future__ import annotations

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from blogs.models import Reaction, comment_max_length


class CommentForm(forms.Form):
    # The length limit is checked by the action too, with a message that gives the numbers;
    # the form keeps a 100 KB paste from reaching it at all.
    text = forms.CharField(
        label=_("Your comment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Plain text. Links become clickable; @username notifies a colleague."),
    )
    parent = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = comment_max_length()
        self.fields["text"].max_length = limit
        self.fields["text"].widget.attrs["maxlength"] = str(limit)
        self.fields["text"].validators.append(MaxLengthValidator(limit))


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with this comment?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReactionForm(forms.Form):
    kind = forms.ChoiceField(choices=Reaction.Kind.choices)


class WriteForm(forms.Form):
    """Where to write: the personal blog (no space) or a space's blog."""

    space = forms.SlugField(required=False)
