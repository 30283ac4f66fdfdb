"""People: profiles, the department tree, skills with levels and endorsements."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from intranet import people

# How far up a reporting line we walk; deeper org charts are a data error, not a company.
MAX_REPORTING_DEPTH = 50

# Languages people can say they speak; a fixed list keeps the directory filter useful.
SPOKEN_LANGUAGES = [
    ("ar", _("Arabic")),
    ("zh", _("Chinese")),
    ("cs", _("Czech")),
    ("da", _("Danish")),
    ("nl", _("Dutch")),
    ("en", _("English")),
    ("fi", _("Finnish")),
    ("fr", _("French")),
    ("de", _("German")),
    ("el", _("Greek")),
    ("hi", _("Hindi")),
    ("hu", _("Hungarian")),
    ("it", _("Italian")),
    ("ja", _("Japanese")),
    ("ko", _("Korean")),
    ("no", _("Norwegian")),
    ("pl", _("Polish")),
    ("pt", _("Portuguese")),
    ("ro", _("Romanian")),
    ("ru", _("Russian")),
    ("es", _("Spanish")),
    ("sv", _("Swedish")),
    ("tr", _("Turkish")),
    ("uk", _("Ukrainian")),
    ("vi", _("Vietnamese")),
]


def named_row(model: type[models.Model], name: str, *, slug_length: int, fallback: str):
    """The row of `model` (a department, a skill) called `name`, ignoring case, else a new
    one with a free slug made from the name ("sales", "sales-2")."""
    existing = model.objects.filter(name__iexact=name).first()
    if existing is not None:
        return existing
    base = slugify(name)[:slug_length] or fallback
    slug, n = base, 1
    while model.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return model.objects.create(name=name, slug=slug)


class Department(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent department"),
    )
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("head"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # A department may not sit below itself: the org chart is a tree.
        seen = {self.pk}
        parent = self.parent
        while parent is not None:
            if parent.pk in seen:
                raise ValidationError({"parent": _("A department cannot be inside itself.")})
            seen.add(parent.pk)
            parent = parent.parent

    @classmethod
    def tree(cls) -> list[tuple[Department, int]]:
        """Every department with its depth, parents before children, in one query."""
        departments = list(
            cls.objects.select_related("head", "head__profile", "head__profile__department")
        )
        children: dict[int | None, list[Department]] = {}
        for dept in departments:
            children.setdefault(dept.parent_id, []).append(dept)
        out: list[tuple[Department, int]] = []

        def walk(parent_id: int | None, depth: int) -> None:
            for dept in children.get(parent_id, []):
                out.append((dept, depth))
                walk(dept.pk, depth + 1)

        walk(None, 0)
        return out


class Skill(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def named(cls, name: str) -> Skill:
        """The skill called `name` (case-insensitively), made on first use."""
        return named_row(cls, " ".join(name.split()), slug_length=90, fallback="skill")


# The parts of the world whose zones people choose from (the IANA database also keeps old
# aliases such as "US/Eastern" and "Etc/GMT+5", which would only make the list longer).
TIME_ZONE_REGIONS = (
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)


def time_zone_choices() -> list:
    """The time zones a person may pick, grouped by region ("America" → "New York"), after
    the empty choice: the company's time zone (settings.TIME_ZONE), which follows it when
    the company changes it. A callable, so that the model's migrations do not copy the
    time zone database."""
    regions: dict[str, list[tuple[str, str]]] = {region: [] for region in TIME_ZONE_REGIONS}
    for name in sorted(zoneinfo.available_timezones()):
        region, _slash, place = name.partition("/")
        if region in regions and place:
            regions[region].append((name, place.replace("_", " ").replace("/", " / ")))
    company = _("The company’s time zone (%(zone)s)") % {"zone": settings.TIME_ZONE}
    return [("", company), ("UTC", "UTC"), *((r, zones) for r, zones in regions.items() if zones)]


class SkillLevel(models.IntegerChoices):
    BEGINNER = 1, _("beginner")
    INTERMEDIATE = 2, _("intermediate")
    ADVANCED = 3, _("advanced")
    EXPERT = 4, _("expert")


class Profile(index.Indexed, models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    pronouns = models.CharField(_("pronouns"), max_length=40, blank=True)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        verbose_name=_("department"),
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="direct_reports",
        verbose_name=_("manager"),
    )
    photo = models.ImageField(_("photo"), upload_to="avatars/", blank=True)
    preferred_language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, blank=True
    )
    # Empty: the company's time zone. Applied to each request by profiles.timezone.
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=time_zone_choices, blank=True
    )
    bio = models.TextField(_("about me"), blank=True, max_length=4000)
    location = models.CharField(_("location / office"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    mobile = models.CharField(_("mobile phone"), max_length=40, blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    ask_me_about = models.CharField(_("ask me about"), max_length=300, blank=True)
    links = models.TextField(
        _("links"), blank=True, max_length=2000, help_text=_("One web address per line.")
    )
    working_hours = models.CharField(_("working hours"), max_length=200, blank=True)
    absent_until = models.DateField(_("out of office until"), null=True, blank=True)
    cover = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("while I'm away, ask"),
    )
    # What colleagues may see of the optional personal fields; the person always sees all.
    show_phone = models.BooleanField(_("colleagues see my phone numbers"), default=True)
    show_location = models.BooleanField(_("colleagues see my location"), default=True)
    show_birthday = models.BooleanField(_("colleagues see my birthday"), default=False)
    skills = models.ManyToManyField(
        Skill, through="ProfileSkill", related_name="profiles", blank=True
    )

    search_fields = [
        index.SearchField("job_title", boost=2),
        index.SearchField("ask_me_about", boost=2),
        index.SearchField("bio"),
        index.AutocompleteField("job_title"),
        index.RelatedFields(
            "user",
            [
                index.SearchField("first_name", boost=3),
                index.SearchField("last_name", boost=3),
                index.SearchField("username"),
                index.AutocompleteField("first_name"),
                index.AutocompleteField("last_name"),
                index.FilterField("is_active"),
            ],
        ),
        index.RelatedFields("department", [index.SearchField("name")]),
        index.RelatedFields("skills", [index.SearchField("name", boost=2)]),
        index.FilterField("department_id"),
    ]

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return people.display_name(self.user)

    def get_absolute_url(self) -> str:
        return reverse("profiles:detail", args=[self.user.get_username()])

    @classmethod
    def get_indexed_objects(cls):
        # Deactivated people leave the search results with their account.
        return cls.objects.filter(user__is_active=True).select_related("user", "department")

    @classmethod
    def for_user(cls, user) -> Profile:
        """The user's profile, made on first use: every account gets one at its first login
        (`profiles.receivers`), but one made in the admin or by a script may not have logged
        in yet when a colleague opens their page."""
        profile, _ = cls.objects.get_or_create(user=user)
        return profile

    @property
    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]

    @property
    def is_absent(self) -> bool:
        return bool(self.absent_until and self.absent_until >= timezone.localdate())

    @property
    def spoken_language_codes(self) -> list[str]:
        return [lang.code for lang in self.spoken_languages.all()]

    def fields_visible_to(self, viewer) -> dict[str, bool]:
        """Which optional fields `viewer` may see: the person and site admins see all."""
        everything = viewer.pk == self.user_id or viewer.is_superuser
        return {
            "phone": everything or self.show_phone,
            "location": everything or self.show_location,
            "birthday": everything or self.show_birthday,
        }

    def reporting_line(self) -> list:
        """Managers from the direct manager up to the top, stopping at any loop."""
        line, seen = [], {self.user_id}
        profile = self
        for _step in range(MAX_REPORTING_DEPTH):
            manager_id = profile.manager_id
            if manager_id is None or manager_id in seen:
                break
            seen.add(manager_id)
            profile = (
                Profile.objects.select_related("user", "department")
                .filter(user_id=manager_id)
                .first()
            )
            if profile is None:
                break
            line.append(profile.user)
        return line

    def would_loop_with(self, manager) -> bool:
        """Whether making `manager` this person's manager would close a reporting loop."""
        return manager is not None and manager_would_loop(self.user_id, manager.pk)


def manager_would_loop(user_id: int, manager_id: int | None, overrides=None) -> bool:
    """Whether `manager_id` managing `user_id` makes a loop. `overrides` maps user ids to the
    manager ids they are about to get (an import file), read before the database."""
    overrides = overrides or {}
    seen: set[int] = set()
    current = manager_id
    while current is not None:
        if current == user_id:
            return True
        if current in seen:
            return False  # an older loop above us; not one we are creating
        seen.add(current)
        if current in overrides:
            current = overrides[current]
        else:
            current = (
                Profile.objects.filter(user_id=current).values_list("manager_id", flat=True).first()
            )
    return False


class SpokenLanguage(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="spoken_languages")
    code = models.CharField(_("language"), max_length=8, choices=SPOKEN_LANGUAGES)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "code"], name="unique_spoken_language")
        ]
        verbose_name = _("spoken language")

    def __str__(self) -> str:
        return self.get_code_display()


class ProfileSkill(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="profile_skills")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="profile_skills")
    level = models.PositiveSmallIntegerField(
        _("level"), choices=SkillLevel.choices, default=SkillLevel.INTERMEDIATE
    )

    class Meta:
        ordering = ["-level", "skill__name"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "skill"], name="unique_profile_skill")
        ]
        verbose_name = _("skill of a person")

    def __str__(self) -> str:
        return f"{self.skill} ({self.get_level_display()})"


class Endorsement(models.Model):
    """A colleague saying "I've seen them do this" about one skill of one person."""

    profile_skill = models.ForeignKey(
        ProfileSkill, on_delete=models.CASCADE, related_name="endorsements"
    )
    endorser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="endorsements_given"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile_skill", "endorser"], name="unique_endorsement")
        ]
        verbose_name = _("endorsement")
