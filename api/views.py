"""The REST API: spaces and memberships, posts, wiki pages with revisions, people, search.

Each view does what the matching web page does, with the same functions: it finds the
object through `intranet.access` (or the app's own `get_*_for_user`), so what the caller
may not see is a 404 exactly as on the web; it checks roles the way the web page does; it
validates with the web page's own form; and it writes through the app's `actions.py`.
"""

from __future__ import annotations

from dataclasses import asdict

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.metadata import SimpleMetadata
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import serializers as s
from api.models import ApiToken
from api.parsers import JSONParser
from blogs import actions as blog_actions
from blogs.forms import PostForm
from blogs.models import BlogPostPage
from intranet import actions as space_actions
from intranet.access import get_page_for_user, visible_pages, visible_spaces
from intranet.forms import AddMemberForm
from intranet.gates import closed_gate
from intranet.models import Membership, Role
from intranet.space_views import check_may_change, get_space_for_role, get_space_for_user
from profiles.forms import DirectoryFilterForm
from profiles.views import get_person, people_for_directory
from search.forms import SearchForm
from search.query import search_content
from wiki import actions as wiki_actions
from wiki.forms import WikiEditForm
from wiki.models import WikiPage
from wiki.views import get_parent_for_user, get_wiki_page_for_user

# Page ids in addresses: digits only, and few enough to fit the database's integers (a
# longer number is a 404 from the URL resolver, not an overflow in the database).
ID_PATTERN = r"[0-9]{1,18}"
SLUG_PATTERN = r"[-a-zA-Z0-9_]+"
USERNAME_PATTERN = r"[\w.@+-]+"

NOT_FOUND = OpenApiResponse(description="Not found, or not visible to the caller.")
FORBIDDEN = OpenApiResponse(description="Visible, but the caller's role or token may not do this.")


class ApiMetadata(SimpleMetadata):
    """OPTIONS names the view and the formats it reads and writes; the fields are in the
    schema (/api/schema/). DRF's own would also describe PUT through `get_object()`, which
    these views do not have (they find objects through the visibility rule): a 500."""

    def determine_actions(self, request: Request, view) -> dict:
        return {}


class ApiMixin:
    """Every API view: the login middleware lets the call through, so that a token can
    authenticate it; the permission classes (settings) then require an active employee,
    and the write scope for writes. Bodies are JSON, read by a parser that never fails
    with a 500."""

    parser_classes = [JSONParser]
    metadata_class = ApiMetadata

    @classmethod
    def as_view(cls, *args, **kwargs):
        return login_not_required(super().as_view(*args, **kwargs))


class ApiViewSet(ApiMixin, viewsets.GenericViewSet):
    pass


def check_write_gates(request: Request) -> None:
    """The conditions the web's writing pages check first (the community guidelines)."""
    gate = closed_gate(request.user, request.get_full_path())
    if gate is not None:
        raise PermissionDenied(f"{gate.message} {request.build_absolute_uri(gate.url)}")


def form_errors(form, renamed: dict[str, str] | None = None) -> ValidationError:
    """A web form's errors as a 400 with field errors, under the API's field names."""
    renamed = renamed or {}
    errors = {renamed.get(name, name): list(messages) for name, messages in form.errors.items()}
    if "__all__" in errors:
        errors["non_field_errors"] = errors.pop("__all__")
    return ValidationError(errors)


def valid_input(serializer_class, request: Request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- spaces -------------------------------------------------------------------------------


class SpaceViewSet(ApiViewSet):
    """Spaces the caller may see, and their members."""

    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    serializer_class = s.SpaceSerializer

    def get_queryset(self):
        return visible_spaces(self.request.user).order_by("title", "pk")

    def _context(self, spaces) -> dict:
        roles = dict(
            Membership.objects.filter(
                user=self.request.user, space__in=[space.pk for space in spaces]
            ).values_list("space_id", "role")
        )
        return {**self.get_serializer_context(), "my_roles": roles}

    @extend_schema(summary="Spaces the caller may see")
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        data = s.SpaceSerializer(page, many=True, context=self._context(page)).data
        return self.get_paginated_response(data)

    @extend_schema(summary="One space", responses={200: s.SpaceSerializer, 404: NOT_FOUND})
    def retrieve(self, request: Request, slug: str) -> Response:
        space = get_space_for_user(request.user, slug)
        return Response(s.SpaceSerializer(space, context=self._context([space])).data)

    @extend_schema(
        methods=["GET"],
        summary="Members of a space",
        responses={200: s.MembershipSerializer(many=True), 404: NOT_FOUND},
    )
    @extend_schema(
        methods=["POST"],
        summary="Add colleagues to a space (moderators), or give members a role",
        request=s.AddMembersInputSerializer,
        responses={200: s.MembershipSerializer(many=True), 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get", "post"])
    def members(self, request: Request, slug: str) -> Response:
        if request.method == "POST":
            return self._add_members(request, slug)
        space = get_space_for_user(request.user, slug)
        memberships = (
            Membership.objects.filter(space=space)
            .select_related("user")
            .order_by("user__first_name", "user__last_name", "user__username", "pk")
        )
        paginator = self.paginator
        page = paginator.paginate_queryset(memberships, request, view=self)
        return paginator.get_paginated_response(s.MembershipSerializer(page, many=True).data)

    def _add_members(self, request: Request, slug: str) -> Response:
        space = get_space_for_role(request.user, slug, Role.MODERATOR)
        data = valid_input(s.AddMembersInputSerializer, request)
        form = AddMemberForm(
            {"username": ", ".join(data["usernames"]), "role": data["role"]}, space=space
        )
        if not form.is_valid():
            raise form_errors(form, {"username": "usernames"})
        people, role = form.cleaned_data["username"], form.cleaned_data["role"]
        check_may_change(request.user, space, role, *(space.role_of(p) or "" for p in people))
        try:
            added = space_actions.add_members(space, people, role, actor=request.user)
        except space_actions.LastSpaceAdminError as error:
            raise ValidationError({"role": [str(error)]}) from None
        return Response(s.MembershipSerializer(added, many=True).data)

    @extend_schema(
        methods=["PATCH"],
        summary="Change a member's role (moderators)",
        request=s.RoleInputSerializer,
        responses={200: s.MembershipSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @extend_schema(
        methods=["DELETE"],
        summary="Remove a member (moderators)",
        responses={204: None, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(
        detail=True,
        methods=["patch", "delete"],
        url_path=rf"members/(?P<username>{USERNAME_PATTERN})",
        url_name="member",
    )
    def member(self, request: Request, slug: str, username: str) -> Response:
        space = get_space_for_role(request.user, slug, Role.MODERATOR)
        membership = get_object_or_404(
            Membership.objects.select_related("user"), space=space, user__username=username
        )
        try:
            if request.method == "DELETE":
                check_may_change(request.user, space, membership.role)
                space_actions.remove_member(space, membership.user, actor=request.user)
                return Response(status=status.HTTP_204_NO_CONTENT)
            role = valid_input(s.RoleInputSerializer, request)["role"]
            check_may_change(request.user, space, role, membership.role)
            membership = space_actions.set_member_role(
                space, membership.user, role, actor=request.user
            )
        except space_actions.LastSpaceAdminError as error:
            raise ValidationError({"role": [str(error)]}) from None
        return Response(s.MembershipSerializer(membership).data)

    @extend_schema(
        summary="Join a space (or ask to, where moderators approve)",
        request=s.JoinInputSerializer,
        responses={200: s.OutcomeSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def join(self, request: Request, slug: str) -> Response:
        space = get_space_for_user(request.user, slug)
        data = valid_input(s.JoinInputSerializer, request)
        outcome = space_actions.join_space(space, request.user, message=data["message"])
        return Response({"outcome": outcome})

    @extend_schema(
        summary="Leave a space",
        request=None,
        responses={200: s.OutcomeSerializer, 400: OpenApiResponse(), 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def leave(self, request: Request, slug: str) -> Response:
        space = get_space_for_user(request.user, slug)
        if not Membership.objects.filter(space=space, user=request.user).exists():
            return Response({"outcome": "not_member"})
        try:
            space_actions.remove_member(space, request.user, actor=request.user)
        except space_actions.LastSpaceAdminError:
            raise ValidationError(
                {
                    "detail": _(
                        "You are the last space admin. Make someone else admin before you leave."
                    )
                }
            ) from None
        return Response({"outcome": "left"})


# --- posts --------------------------------------------------------------------------------


class PostViewSet(ApiViewSet):
    """Blog posts the caller may read; writing goes through the composer's actions."""

    lookup_value_regex = ID_PATTERN
    serializer_class = s.PostSerializer

    @extend_schema(
        summary="Posts the caller may read, newest first",
        parameters=[
            OpenApiParameter("space", str, description="Only posts in this space (slug)."),
            OpenApiParameter("author", str, description="Only posts by this person (username)."),
            OpenApiParameter("tag", str, description="Only posts with this tag."),
        ],
        responses={200: s.PostSerializer(many=True), 404: NOT_FOUND},
    )
    def list(self, request: Request) -> Response:
        params = request.query_params
        space = get_space_for_user(request.user, params["space"]) if params.get("space") else None
        posts = BlogPostPage.listing_for(request.user, space=space, tag=params.get("tag") or None)
        if params.get("author"):
            posts = posts.filter(owner__username=params["author"])
        page = self.paginate_queryset(posts)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(summary="One post", responses={200: s.PostDetailSerializer, 404: NOT_FOUND})
    def retrieve(self, request: Request, pk: str) -> Response:
        post = get_page_for_user(
            request.user, BlogPostPage.objects.select_related("owner", "space"), pk=int(pk)
        )
        return Response(s.PostDetailSerializer(post, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Write a post: publish it, schedule it or keep it as a draft",
        request=s.PostInputSerializer,
        responses={201: s.PostSavedSerializer, 403: FORBIDDEN, 429: OpenApiResponse()},
    )
    def create(self, request: Request) -> Response:
        check_write_gates(request)
        data = valid_input(s.PostInputSerializer, request)
        when = data.get("go_live_at")
        form = PostForm(
            {
                "title": data["title"],
                "body": data["body"],
                "space": data["space"],
                "tags": ", ".join(data["tags"]),
                "language": data.get("language") or request.LANGUAGE_CODE,
                "action": data["action"],
                "go_live_at": timezone.localtime(when).strftime("%Y-%m-%dT%H:%M:%S")
                if when
                else "",
            },
            user=request.user,
        )
        if not form.is_valid():
            raise form_errors(form)
        chosen = form.chosen_space
        if chosen is not None:
            blog = blog_actions.ensure_space_blog(chosen, actor=request.user)
        else:
            blog = blog_actions.start_personal_blog(request.user)
        post = form.apply_to(BlogPostPage())
        if form.cleaned_data["action"] == PostForm.DRAFT:
            blog_actions.save_post(post, request.user, blog=blog)
            outcome = blog_actions.PostOutcome.DRAFT
        else:
            outcome = blog_actions.publish_post(
                post, request.user, blog=blog, go_live_at=form.scheduled_for
            )
        post = BlogPostPage.objects.select_related("owner", "space").get(pk=post.pk)
        body = {
            "outcome": str(outcome),
            "post": s.PostSerializer(post, context=self.get_serializer_context()).data,
        }
        return Response(body, status=status.HTTP_201_CREATED)


# --- wiki ---------------------------------------------------------------------------------


class WikiPageViewSet(ApiViewSet):
    """Wiki pages the caller may read, their history, and editing through the editor's
    actions (a colleague's change saved meanwhile is merged, as in the web editor)."""

    lookup_value_regex = ID_PATTERN
    serializer_class = s.WikiPageSerializer

    @extend_schema(
        summary="Wiki pages the caller may read, most recently changed first",
        parameters=[OpenApiParameter("space", str, description="Only pages in this space.")],
        responses={200: s.WikiPageSerializer(many=True), 404: NOT_FOUND},
    )
    def list(self, request: Request) -> Response:
        pages = visible_pages(request.user, WikiPage.objects.select_related("space"))
        if slug := request.query_params.get("space"):
            pages = pages.filter(space=get_space_for_user(request.user, slug))
        pages = pages.order_by("-last_published_at", "-pk")
        page = self.paginate_queryset(pages)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="One wiki page", responses={200: s.WikiPageDetailSerializer, 404: NOT_FOUND}
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        page = get_wiki_page_for_user(request.user, int(pk))
        return Response(
            s.WikiPageDetailSerializer(page, context=self.get_serializer_context()).data
        )

    @extend_schema(
        summary="Every revision of a wiki page, newest first",
        responses={200: s.RevisionSerializer(many=True), 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"])
    def revisions(self, request: Request, pk: str) -> Response:
        page = get_wiki_page_for_user(request.user, int(pk))
        rows = self.paginate_queryset(page.revisions_with_summaries())
        context = {**self.get_serializer_context(), "live_revision_id": page.live_revision_id}
        return self.get_paginated_response(
            s.RevisionSerializer(rows, many=True, context=context).data
        )

    @extend_schema(
        summary="Add a wiki page under a space or another wiki page",
        request=s.WikiCreateInputSerializer,
        responses={201: s.WikiSavedSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def create(self, request: Request) -> Response:
        check_write_gates(request)
        data = valid_input(s.WikiCreateInputSerializer, request)
        parent = get_parent_for_user(request.user, data["parent"])
        if not parent.permissions_for_user(request.user).can_add_subpage():
            raise PermissionDenied(_("Only editors of this space can add wiki pages."))
        form = self._form(request, data)
        saved = wiki_actions.create_page(
            parent,
            user=request.user,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            edit_summary=form.cleaned_data["edit_summary"],
            language=data.get("language") or request.LANGUAGE_CODE,
        )
        return Response(self._saved(saved), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a wiki page",
        request=s.WikiEditInputSerializer,
        responses={
            200: s.WikiSavedSerializer,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: OpenApiResponse(
                s.WikiConflictSerializer,
                description="A colleague changed the same blocks meanwhile: nothing was "
                "saved. Resolve the conflict and send it again with the new base revision.",
            ),
        },
    )
    def update(self, request: Request, pk: str) -> Response:
        check_write_gates(request)
        page = get_wiki_page_for_user(request.user, int(pk))
        if not page.permissions_for_user(request.user).can_edit():
            raise PermissionDenied(_("Only editors of this space can edit its wiki pages."))
        data = valid_input(s.WikiEditInputSerializer, request)
        form = self._form(request, data)
        base = data.get("base_revision") or page.latest_revision_id
        result = wiki_actions.save_page(
            page,
            user=request.user,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            edit_summary=form.cleaned_data["edit_summary"],
            base_revision_id=base,
        )
        if isinstance(result, wiki_actions.Conflict):
            detail = _("A colleague changed the same places meanwhile. Nothing was saved.")
            conflict = s.WikiConflictSerializer({**asdict(result), "detail": detail}).data
            return Response(conflict, status=status.HTTP_409_CONFLICT)
        return Response(self._saved(result))

    def _form(self, request: Request, data: dict) -> WikiEditForm:
        form = WikiEditForm(
            {key: data.get(key, "") for key in ("title", "body", "edit_summary")},
            user=request.user,
        )
        if not form.is_valid():
            raise form_errors(form)
        return form

    def _saved(self, saved: wiki_actions.Saved) -> dict:
        page = WikiPage.objects.select_related("space").get(pk=saved.page.pk)
        return {
            "outcome": str(saved.outcome),
            "merged_with": saved.merged_with,
            "page": s.WikiPageSerializer(page, context=self.get_serializer_context()).data,
        }


# --- people -------------------------------------------------------------------------------


class PersonViewSet(ApiViewSet):
    """The directory: active colleagues, with what their profile page shows the caller."""

    lookup_field = "username"
    lookup_value_regex = USERNAME_PATTERN
    serializer_class = s.PersonSerializer

    @extend_schema(
        summary="Active colleagues, by name",
        parameters=[
            OpenApiParameter("department", str, description="A department's slug."),
            OpenApiParameter("location", str),
            OpenApiParameter("skill", str),
            OpenApiParameter("language", str, description="A spoken language's code."),
        ],
    )
    def list(self, request: Request) -> Response:
        form = DirectoryFilterForm(request.query_params)
        filters = form.cleaned_data if form.is_valid() else {}
        people = (
            people_for_directory(filters)
            .select_related("profile", "profile__department")
            .order_by("first_name", "last_name", "username", "pk")
        )
        page = self.paginate_queryset(people)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="One colleague's profile", responses={200: s.PersonDetailSerializer, 404: NOT_FOUND}
    )
    def retrieve(self, request: Request, username: str) -> Response:
        person = get_person(request.user, username)
        return Response(
            s.PersonDetailSerializer(person, context=self.get_serializer_context()).data
        )


# --- search and the caller ----------------------------------------------------------------


class SearchView(ApiMixin, APIView):
    """The search page's search: the same filters, the same hits, in pages of 20."""

    @extend_schema(
        summary="Search posts, wiki pages, spaces and people",
        parameters=[
            OpenApiParameter("q", str, description="What to search for."),
            OpenApiParameter("type", str, description="wiki.wikipage, blogs.blogpostpage, ..."),
            OpenApiParameter("space", str, description="A space's id."),
            OpenApiParameter("author", str, description="A username."),
            OpenApiParameter("department", str, description="A department's slug."),
            OpenApiParameter("date", str, description="A month: YYYY-MM."),
            OpenApiParameter("page", OpenApiTypes.INT),
            OpenApiParameter("exact", OpenApiTypes.BOOL, description="Never correct spelling."),
        ],
        responses={200: s.SearchResultsSerializer, 503: OpenApiResponse()},
    )
    def get(self, request: Request) -> Response:
        arguments = SearchForm(request.query_params).search_arguments()
        results = search_content(request.user, **arguments)
        page = results.page
        data = {
            "query": results.query,
            "corrected_from": results.corrected_from,
            "did_you_mean": results.did_you_mean,
            "count": results.total,
            "page": page.number if page is not None else 1,
            "num_pages": page.paginator.num_pages if page is not None else 0,
            "results": results.hits,
            "people": results.people,
            "people_count": results.people_total,
        }
        return Response(s.SearchResultsSerializer(data, context={"request": request}).data)


class MeView(ApiMixin, APIView):
    """Who the API takes the caller for: to check a token."""

    @extend_schema(summary="The caller and their token", responses={200: s.MeSerializer})
    def get(self, request: Request) -> Response:
        token = request.auth if isinstance(request.auth, ApiToken) else None
        data = {
            "person": request.user,
            "token_name": token.name if token else None,
            "token_scope": str(token.scope) if token else None,
            "token_expires_at": token.expires_at if token else None,
        }
        return Response(s.MeSerializer(data).data)
