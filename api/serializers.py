"""What the API sends and accepts. Output fields are read from objects the views already
checked through `intranet.access`; rich text is rendered for the caller by the same
functions the web pages use, so a link to a page they may not see carries neither its
title nor its address. Input serializers check types and shapes; the web pages' own forms
then check the rest, so a value the web refuses the API refuses with the same message.

Field descriptions are for developers and stay in English, like the rest of the schema;
messages a caller may show to a person (errors) are translated."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from blogs.forms import PostForm
from intranet.models import Role
from intranet.people import display_name


def absolute_url(context: dict, url: str | None) -> str | None:
    request = context.get("request")
    if not url:
        return None
    return request.build_absolute_uri(url) if request is not None else url


class PersonRefSerializer(serializers.Serializer):
    """A person named on something: enough to show them and to look up their profile."""

    username = serializers.CharField(source="get_username")
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return display_name(user)


class SpaceRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    slug = serializers.CharField()
    title = serializers.CharField()


class PageUrlMixin(serializers.Serializer):
    url = serializers.SerializerMethodField()

    def get_url(self, page) -> str | None:
        return absolute_url(self.context, page.get_url(self.context.get("request")))


# --- spaces -------------------------------------------------------------------------------


class SpaceSerializer(PageUrlMixin):
    id = serializers.IntegerField(source="pk")
    slug = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    kind = serializers.CharField()
    visibility = serializers.CharField()
    join_policy = serializers.CharField()
    member_role = serializers.CharField()
    my_role = serializers.SerializerMethodField(
        help_text="The caller's role in the space; null when not a member."
    )

    def get_my_role(self, space) -> str | None:
        return self.context.get("my_roles", {}).get(space.pk)


class MembershipSerializer(serializers.Serializer):
    person = PersonRefSerializer(source="user")
    role = serializers.CharField()
    joined = serializers.DateTimeField(source="created_at")


class JoinInputSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.CharField()
    detail = serializers.CharField(required=False)


class AddMembersInputSerializer(serializers.Serializer):
    usernames = serializers.ListField(
        child=serializers.CharField(max_length=150),
        min_length=1,
        max_length=100,
        help_text="Usernames (or names, as the web form takes them) of active colleagues.",
    )
    role = serializers.ChoiceField(choices=Role.choices)


class RoleInputSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


# --- posts --------------------------------------------------------------------------------


class PostSerializer(PageUrlMixin):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    date = serializers.DateTimeField()
    author = PersonRefSerializer(source="owner", allow_null=True)
    space = SpaceRefSerializer(allow_null=True)
    tags = serializers.SerializerMethodField()
    teaser = serializers.CharField()
    language = serializers.CharField()
    live = serializers.BooleanField()

    def get_tags(self, post) -> list[str]:
        tags = getattr(post, "listing_tags", None)
        if tags is None:
            tags = post.tags.all()
        return [tag.name for tag in tags]


class PostDetailSerializer(PostSerializer):
    body_html = serializers.SerializerMethodField(
        help_text="The text as HTML, as the post's page shows it to the caller."
    )

    def get_body_html(self, post) -> str:
        from blogs.rendering import render_post_body

        return str(render_post_body(post, self.context["request"].user))


# Tags are separated by commas on the web; a tag that holds one (or a quote, which the web
# form reads as grouping) could not be sent through the same form.
_tag_name = RegexValidator(r'^[^,"]+\Z', _("A tag cannot contain commas or quotes."))


class PostInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=255)
    body = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="HTML, as the composer's editor writes it.",
    )
    space = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=255,
        help_text="The slug of a space the caller may write in; empty: their own blog.",
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=100, validators=[_tag_name]),
        required=False,
        default=list,
        max_length=PostForm.MAX_TAGS,
    )
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
    action = serializers.ChoiceField(
        choices=[PostForm.DRAFT, PostForm.PUBLISH, PostForm.SCHEDULE],
        required=False,
        default=PostForm.PUBLISH,
    )
    go_live_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="When to publish, with action “schedule”."
    )


class PostSavedSerializer(serializers.Serializer):
    outcome = serializers.CharField(help_text="draft, published, scheduled or submitted")
    post = PostSerializer()


# --- wiki ---------------------------------------------------------------------------------


class WikiPageSerializer(PageUrlMixin):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    space = SpaceRefSerializer(allow_null=True)
    tags = serializers.ListField(child=serializers.CharField(), source="tag_list")
    language = serializers.CharField()
    last_published_at = serializers.DateTimeField(allow_null=True)
    latest_revision_id = serializers.IntegerField(allow_null=True)
    live = serializers.BooleanField()


class WikiPageDetailSerializer(WikiPageSerializer):
    body_html = serializers.SerializerMethodField(
        help_text="The text as HTML, as the page shows it to the caller."
    )
    parent_id = serializers.SerializerMethodField()

    def get_body_html(self, page) -> str:
        from intranet.richtext import PageUrls
        from wiki.rendering import render_body

        request = self.context["request"]
        return str(render_body(page, request.user, can_create=False, urls=PageUrls(request)))

    def get_parent_id(self, page) -> int | None:
        # A wiki page's parent is in its own space (or is the space), so the caller may see
        # it whenever they may see the page.
        parent = page.get_parent()
        return parent.pk if parent is not None else None


class RevisionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    created_at = serializers.DateTimeField()
    author = PersonRefSerializer(source="user", allow_null=True)
    summary = serializers.CharField(allow_null=True)
    live = serializers.SerializerMethodField()

    def get_live(self, revision) -> bool:
        return revision.pk == self.context.get("live_revision_id")


class WikiEditInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=255)
    body = serializers.CharField(allow_blank=True, help_text="HTML, as the editor writes it.")
    edit_summary = serializers.CharField(
        max_length=255, required=False, allow_blank=True, default=""
    )
    base_revision = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**62,
        help_text=(
            "The revision the change starts from (the page's latest_revision_id when read): "
            "changes saved since are merged with this one. Without it, this change is made "
            "over the latest revision."
        ),
    )


class WikiCreateInputSerializer(WikiEditInputSerializer):
    parent = serializers.IntegerField(
        min_value=1,
        max_value=2**62,
        help_text="The id of the space or wiki page to add it under.",
    )
    base_revision = None  # type: ignore[assignment]
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)


class WikiSavedSerializer(serializers.Serializer):
    outcome = serializers.CharField(help_text="published, submitted or draft")
    merged_with = serializers.CharField()
    page = WikiPageSerializer()


class WikiConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField(help_text="Both versions of each block both changed.")
    base_revision = serializers.IntegerField(source="base_revision_id")
    their_name = serializers.CharField()
    conflicts = serializers.IntegerField()


# --- people -------------------------------------------------------------------------------


class PersonSerializer(serializers.Serializer):
    username = serializers.CharField(source="get_username")
    name = serializers.SerializerMethodField()
    job_title = serializers.CharField(source="profile.job_title")
    department = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return display_name(user)

    def get_department(self, user) -> str | None:
        department = user.profile.department
        return department.name if department is not None else None

    def get_url(self, user) -> str | None:
        return absolute_url(self.context, user.profile.get_absolute_url())


class PersonDetailSerializer(PersonSerializer):
    """The fields the profile page shows, with the same choices of what colleagues see."""

    pronouns = serializers.CharField(source="profile.pronouns")
    email = serializers.EmailField()
    bio = serializers.CharField(source="profile.bio")
    ask_me_about = serializers.CharField(source="profile.ask_me_about")
    working_hours = serializers.CharField(source="profile.working_hours")
    absent_until = serializers.DateField(source="profile.absent_until", allow_null=True)
    manager = serializers.SerializerMethodField()
    links = serializers.ListField(child=serializers.CharField(), source="profile.link_list")
    skills = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    mobile = serializers.SerializerMethodField()
    location = serializers.SerializerMethodField()
    birthday = serializers.SerializerMethodField(
        help_text="Month and day (MM-DD), as the profile page shows it; null when hidden."
    )

    def _shows(self, user) -> dict[str, bool]:
        return user.profile.fields_visible_to(self.context["request"].user)

    def get_manager(self, user) -> str | None:
        manager = user.profile.manager
        return manager.get_username() if manager is not None and manager.is_active else None

    def get_skills(self, user) -> list[str]:
        return [skill.name for skill in user.profile.skills.order_by("name")]

    def get_phone(self, user) -> str | None:
        return user.profile.phone if self._shows(user)["phone"] else None

    def get_mobile(self, user) -> str | None:
        return user.profile.mobile if self._shows(user)["phone"] else None

    def get_location(self, user) -> str | None:
        return user.profile.location if self._shows(user)["location"] else None

    def get_birthday(self, user) -> str | None:
        birthday = user.profile.birthday
        if birthday is None or not self._shows(user)["birthday"]:
            return None
        return birthday.strftime("%m-%d")


# --- search -------------------------------------------------------------------------------


class SearchHitSerializer(serializers.Serializer):
    kind = serializers.CharField()
    type_label = serializers.CharField()
    id = serializers.SerializerMethodField()
    title = serializers.CharField()
    url = serializers.SerializerMethodField()
    snippet_html = serializers.CharField(source="snippet")
    space_title = serializers.CharField()
    author_name = serializers.CharField()
    date = serializers.SerializerMethodField()

    def get_id(self, hit) -> int | None:
        return getattr(hit.obj, "pk", None)

    def get_url(self, hit) -> str | None:
        return absolute_url(self.context, hit.url)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_date(self, hit):
        return hit.date.isoformat() if hit.date is not None else None


class SearchResultsSerializer(serializers.Serializer):
    query = serializers.CharField(help_text="As searched: the correction, if corrected.")
    corrected_from = serializers.CharField()
    did_you_mean = serializers.CharField()
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    num_pages = serializers.IntegerField()
    results = SearchHitSerializer(many=True)
    people = SearchHitSerializer(
        many=True, help_text="The first few people found, on the first page only."
    )
    people_count = serializers.IntegerField()


class MeSerializer(serializers.Serializer):
    person = PersonRefSerializer()
    token_name = serializers.CharField(allow_null=True)
    token_scope = serializers.CharField(
        allow_null=True, help_text="read or write; null when signed in with the browser."
    )
    token_expires_at = serializers.DateTimeField(allow_null=True)
