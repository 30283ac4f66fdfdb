from __future__ import annotations

from datetime import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.forms import TagField, TagWidget
from wagtail.images import get_image_model

from blogs.models import BODY_FEATURES, BlogPostPage, Reaction, comment_max_length
from intranet.access import visible_spaces
from intranet.editor import RichTextFormField
from intranet.files import may_read_upload
from intranet.models import Role, SpacePage, roles_at_least
from intranet.uploads import UploadError, store_upload


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


class ReactionForm(forms.Form):
    kind = forms.ChoiceField(choices=Reaction.Kind.choices)


def spaces_to_write_in(user) -> QuerySet[SpacePage]:
    """The spaces whose blog `user` may write in (`can_write_in_space` for each one, as
    one query for the composer's list), by title."""
    spaces = visible_spaces(user)
    if not user.is_superuser:
        spaces = spaces.filter(
            memberships__user=user, memberships__role__in=roles_at_least(Role.EDITOR)
        )
    return spaces.order_by("title")


class PostForm(forms.Form):
    """The composer: a post's words, picture, tags and place, and what to do with them.

    Nothing of the CMS: the address is made from the title once, on the server. `user` is
    the writer; `post` the post being edited (None for a new one, which also asks where
    it goes: the personal blog, "", or a space the writer may write in, by slug)."""

    DRAFT, SCHEDULE, PUBLISH = "draft", "schedule", "publish"
    MAX_TAGS = 20

    space = forms.ChoiceField(label=_("Publish in"), required=False)
    title = forms.CharField(
        label=_("Title"), max_length=255, widget=forms.TextInput(attrs={"autofocus": True})
    )
    body = RichTextFormField(
        label=_("Text"),
        features=BODY_FEATURES,
        required=False,
        upload_url=reverse_lazy("uploads"),
        page_search_url=reverse_lazy("search:pages_json"),
        people_url=reverse_lazy("profiles:suggest"),
        help_text=_(
            "Paste or drop images and files into the text. A link to another intranet page "
            "on a line of its own shows as a preview card."
        ),
    )
    # The header image already uploaded (on an earlier try, or the post's), so a form shown
    # again with an error does not ask for the file a second time.
    header_image_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    header_image = forms.FileField(
        label=_("Choose an image"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/*"}),
        help_text=_("Optional. Shown above the post and on its card in lists."),
    )
    remove_header_image = forms.BooleanField(label=_("Remove the header image"), required=False)
    header_image_alt = forms.CharField(
        label=_("Describe the header image"),
        max_length=250,
        required=False,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    tags = TagField(
        label=_("Tags"),
        required=False,
        widget=TagWidget(
            attrs={"list": "tag-suggestions", "autocomplete": "off", "data-tag-input": ""}
        ),
        help_text=_("Separate tags with commas. Colleagues can follow tags."),
    )
    language = forms.ChoiceField(
        label=_("Language of the post"),
        choices=settings.LANGUAGES,
        help_text=_("Search uses it to find other forms of the words."),
    )
    go_live_at = forms.DateTimeField(
        label=_("Publish on"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    action = forms.ChoiceField(
        choices=[(DRAFT, DRAFT), (SCHEDULE, SCHEDULE), (PUBLISH, PUBLISH)], required=False
    )

    def __init__(self, *args, user, post: BlogPostPage | None = None, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.user = user
        self.post = post
        self.fields["body"].user = user
        self.fields["body"].before = post.body if post is not None else ""
        if post is None:
            self.writable_spaces = list(spaces_to_write_in(user))
            self.fields["space"].choices = [("", _("My blog"))] + [
                (space.slug, space.title) for space in self.writable_spaces
            ]
            self.fields["space"].error_messages["invalid_choice"] = _(
                "You cannot write in this space. Ask its moderators for write access."
            )
        else:
            del self.fields["space"]
        self.header_image_obj = post.header_image if post is not None else None

    # --- fields ------------------------------------------------------------------------------

    def clean_tags(self) -> list[str]:
        tags = self.cleaned_data["tags"] or []
        if len(tags) > self.MAX_TAGS:
            raise ValidationError(_("At most %(count)s tags.") % {"count": self.MAX_TAGS})
        if any(len(tag) > 100 for tag in tags):
            raise ValidationError(_("A tag can be at most 100 characters long."))
        return tags

    def clean_header_image_id(self):
        """The header image a re-shown form carries: one the writer may use, else none."""
        pk = self.cleaned_data.get("header_image_id")
        image = get_image_model().objects.filter(pk=pk).first() if pk else None
        current = self.post.header_image_id if self.post is not None else None
        usable = image is not None and (image.pk == current or may_read_upload(self.user, image))
        self.header_image_obj = image if usable else None
        return self.header_image_obj

    def clean_header_image(self):
        """A new header image is stored at once, even if something else in the form is
        wrong, so the form shown again keeps it (`header_image_id`)."""
        file = self.cleaned_data.get("header_image")
        if not file:
            return None
        try:
            image = store_upload(self.user, file, images_only=True)
        except UploadError as error:
            raise ValidationError(str(error)) from error
        self.header_image_obj = image
        return image

    def clean(self) -> dict:
        data = super().clean()
        action = data.get("action") or self.DRAFT
        data["action"] = action
        if data.get("remove_header_image"):
            self.header_image_obj = None
        image = self.header_image_obj
        if image is not None and not data.get("header_image_alt") and not image.description:
            self.add_error(
                "header_image_alt", _("Describe the header image for people who cannot see it.")
            )
        if action != self.DRAFT and not data.get("body"):
            self.add_error("body", _("Write something first."))
        when = data.get("go_live_at")
        if action == self.SCHEDULE:
            if when is None:
                self.add_error("go_live_at", _("Choose when the post should appear."))
            elif when <= timezone.now():
                self.add_error("go_live_at", _("Choose a time in the future."))
        return data

    # --- results -----------------------------------------------------------------------------

    @property
    def chosen_space(self) -> SpacePage | None:
        slug = self.cleaned_data.get("space")
        return next((s for s in self.writable_spaces if s.slug == slug), None) if slug else None

    def apply_to(self, post: BlogPostPage) -> BlogPostPage:
        """Copy the cleaned values onto `post` (a new instance or the latest revision)."""
        data = self.cleaned_data
        post.title = data["title"]
        post.draft_title = data["title"]
        post.body = data["body"]
        post.language = data["language"]
        post.header_image = self.header_image_obj
        post.header_image_alt = data["header_image_alt"] if self.header_image_obj else ""
        post.tags.set(data["tags"], clear=True)
        return post

    @property
    def scheduled_for(self) -> datetime | None:
        """When to publish: the chosen time when scheduling, else None (now)."""
        data = self.cleaned_data
        return data["go_live_at"] if data["action"] == self.SCHEDULE else None

    @classmethod
    def initial_for(cls, post: BlogPostPage) -> dict:
        """The form's values for editing `post` (its latest revision)."""
        return {
            "title": post.title,
            "body": post.body,
            "header_image_id": post.header_image_id,
            "header_image_alt": post.header_image_alt,
            "tags": list(post.tags.all()),
            "language": post.language,
            "go_live_at": post.go_live_at,
        }
