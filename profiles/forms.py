from __future__ import annotations

from allauth.account import app_settings as account_settings
from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from intranet.people import display_name
from intranet.pickers import PersonField
from profiles.models import (
    SPOKEN_LANGUAGES,
    Department,
    Profile,
    Skill,
    SkillLevel,
    manager_would_loop,
)
from profiles.photos import square_photo


class ProfileForm(forms.ModelForm):
    # The edit page shows the fields in these three groups (fieldsets), in this order.
    ABOUT_FIELDS = [
        "first_name",
        "last_name",
        "pronouns",
        "photo",
        "job_title",
        "department",
        "manager",
        "ask_me_about",
        "bio",
        "links",
    ]
    CONTACT_FIELDS = [
        "location",
        "phone",
        "mobile",
        "birthday",
        "working_hours",
        "time_zone",
        "absent_until",
        "cover",
    ]
    VISIBILITY_FIELDS = ["show_phone", "show_location", "show_birthday"]

    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    manager = PersonField(label=_("Manager"), required=False)
    cover = PersonField(label=_("While I'm away, ask"), required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages I speak"),
        choices=SPOKEN_LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_("JPEG, PNG, GIF or WebP. We crop it square and remove location data."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )

    class Meta:
        model = Profile
        fields = [
            "first_name",
            "last_name",
            "pronouns",
            "job_title",
            "department",
            "manager",
            "location",
            "phone",
            "mobile",
            "birthday",
            "working_hours",
            "time_zone",
            "ask_me_about",
            "bio",
            "links",
            "absent_until",
            "cover",
            "show_phone",
            "show_location",
            "show_birthday",
        ]
        widgets = {
            "birthday": forms.DateInput(attrs={"type": "date"}),
            "absent_until": forms.DateInput(attrs={"type": "date"}),
            "bio": forms.Textarea(attrs={"rows": 5}),
            "links": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.instance.user
        self.fields["department"].queryset = Department.objects.order_by("name")
        if not self.is_bound:
            self.initial.update(
                {
                    "first_name": user.first_name,
                    "last_name": user.last_name,
                    "manager": self.instance.manager,
                    "cover": self.instance.cover,
                    "languages": self.instance.spoken_language_codes,
                }
            )

    def clean_manager(self):
        manager = self.cleaned_data["manager"]
        if manager is None:
            return None
        if manager.pk == self.instance.user_id:
            raise forms.ValidationError(_("Nobody can be their own manager."))
        if manager_would_loop(self.instance.user_id, manager.pk):
            raise forms.ValidationError(
                _("%(name)s already reports to this person; that would make a loop."),
                params={"name": display_name(manager)},
            )
        return manager

    def clean_cover(self):
        cover = self.cleaned_data["cover"]
        if cover is not None and cover.pk == self.instance.user_id:
            raise forms.ValidationError(_("Name a colleague, not yourself."))
        return cover

    def clean_links(self):
        links = [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]
        validate = URLValidator(schemes=["http", "https"])
        for link in links:
            try:
                validate(link)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("“%(link)s” is not a web address (http:// or https://)."),
                    params={"link": link},
                ) from None
        return "\n".join(links)

    def clean_photo(self):
        uploaded = self.cleaned_data.get("photo")
        if not uploaded:
            return uploaded
        return square_photo(uploaded)


SKILL_NAME_MAX_LENGTH = Skill._meta.get_field("name").max_length


class CompleteProfileForm(ProfileForm):
    """The step after sign-up: the few things colleagues look for first. The same rules as
    the profile form (a photo is cropped square), and skills typed as a list."""

    first_name = last_name = manager = cover = None
    field_order = ["photo", "job_title", "department", "skills", "languages"]
    skills = forms.CharField(
        label=_("Skills"),
        required=False,
        max_length=1000,
        help_text=_("What colleagues may ask you about, separated by commas."),
    )

    class Meta(ProfileForm.Meta):
        fields = ["job_title", "department"]

    def clean_skills(self) -> list[str]:
        names = [" ".join(part.split()) for part in self.cleaned_data["skills"].split(",")]
        names = list(dict.fromkeys(name for name in names if name))
        too_long = [name for name in names if len(name) > SKILL_NAME_MAX_LENGTH]
        if too_long:
            raise forms.ValidationError(
                _("“%(name)s” is longer than %(limit)s characters."),
                params={"name": too_long[0], "limit": SKILL_NAME_MAX_LENGTH},
            )
        return names


class SkillForm(forms.Form):
    name = forms.CharField(label=_("Skill"), max_length=SKILL_NAME_MAX_LENGTH)
    level = forms.TypedChoiceField(
        label=_("Level"), choices=SkillLevel.choices, coerce=int, initial=SkillLevel.INTERMEDIATE
    )

    def __init__(self, *args, part_of: str = "", **kwargs):
        """`part_of`: the id of the form these fields belong to where they sit outside it
        (the skills beside the profile form on the edit page), so they post with it."""
        super().__init__(*args, **kwargs)
        if part_of:
            for field in self.fields.values():
                field.widget.attrs["form"] = part_of

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Name the skill."))
        return name


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search people or expertise"), required=False, max_length=200)
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.order_by("name"),
        required=False,
        to_field_name="slug",
        empty_label=_("All departments"),
    )
    location = forms.CharField(label=_("Location"), required=False, max_length=200)
    skill = forms.CharField(label=_("Skill"), required=False, max_length=100)
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("Any language")), *SPOKEN_LANGUAGES],
        required=False,
    )


class ImportRowForm(forms.Form):
    """One row of an HR export, validated before anything is written."""

    username = forms.RegexField(regex=r"^[\w.@+-]+\Z", max_length=150)
    email = forms.EmailField(required=False)
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    job_title = forms.CharField(max_length=200, required=False)
    department = forms.CharField(max_length=200, required=False)
    manager = forms.CharField(max_length=150, required=False)
    location = forms.CharField(max_length=200, required=False)
    phone = forms.CharField(max_length=40, required=False)
    # Optional: whether the person still works here. Empty or absent leaves it as it is.
    active = forms.CharField(max_length=10, required=False)

    ACTIVE_WORDS = {
        "yes": True,
        "true": True,
        "1": True,
        "ja": True,
        "no": False,
        "false": False,
        "0": False,
        "nein": False,
    }

    def clean_username(self):
        # The names sign-up refuses ("-" is where /people/-/suggest/ lives) are refused here too.
        username = self.cleaned_data["username"]
        if username.lower() in {name.lower() for name in account_settings.USERNAME_BLACKLIST}:
            raise forms.ValidationError(
                _("“%(name)s” cannot be a username."), params={"name": username}
            )
        return username

    def clean_department(self):
        slug = self.cleaned_data["department"].strip()
        if not slug:
            return None
        department = Department.objects.filter(slug=slug).first()
        if department is None:
            raise forms.ValidationError(_("Unknown department “%(slug)s”."), params={"slug": slug})
        return department

    def clean_active(self) -> bool | None:
        word = self.cleaned_data["active"].strip().lower()
        if not word:
            return None
        if word not in self.ACTIVE_WORDS:
            raise forms.ValidationError(
                _("“%(value)s” is not yes or no (also true/false, 1/0)."),
                params={"value": self.cleaned_data["active"]},
            )
        return self.ACTIVE_WORDS[word]


class DeactivateForm(forms.Form):
    """Who takes over the pages of someone who leaves; their manager unless changed."""

    successor = PersonField(
        label=_("Hand their pages to"),
        required=False,
        help_text=_("Their manager unless you choose someone else. Their posts stay theirs."),
    )

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_successor(self):
        successor = self.cleaned_data["successor"]
        if successor is not None and successor.pk == self.person.pk:
            raise forms.ValidationError(_("Choose a colleague who still works here."))
        return successor
