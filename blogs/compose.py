"""The composer: write, schedule and publish a post in the intranet's own pages.

`/blogs/-/write/` starts a post (`?space=<slug>` preselects a space), `/blogs/-/posts/<id>/
edit/` changes one. Both save through `blogs.actions` (`save_post`, `publish_post`), on
Wagtail's revisions, workflows and publishing, so history, search, notifications and
moderation work as they do for every page. Nothing here links to the Wagtail admin.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from blogs import actions
from blogs.forms import PostForm
from blogs.models import BlogIndexPage, BlogPostPage
from intranet.access import can_write_in_space, get_page_for_user
from intranet.cache import cached_for_view
from intranet.gates import behind_write_gates
from intranet.models import SpacePage
from intranet.ratelimit import RateLimited

# The tags offered while typing: the most used ones the writer may see.
TAG_SUGGESTIONS = 100


def get_post_to_edit(user, post_id: int) -> BlogPostPage:
    """The post, if `user` may edit it (`can_be_edited_by`); 404 otherwise, never 403,
    which would confirm that a draft or a members-only post exists."""
    post = BlogPostPage.objects.filter(pk=post_id).select_related("space").first()
    if post is None or not post.can_be_edited_by(user):
        raise Http404
    return post


@require_http_methods(["GET", "HEAD", "POST"])
@behind_write_gates
def write(request: HttpRequest) -> HttpResponse:
    """A new post, in the writer's blog (made on first save) or a space they may write in."""
    user = request.user
    slug = request.POST.get("space") if request.method == "POST" else request.GET.get("space")
    space = None
    if slug:
        # A space the writer may not see does not exist for them.
        space = get_page_for_user(user, SpacePage.objects.all(), slug=slug)
    if request.method != "POST":
        initial = {"language": get_language(), "space": slug or ""}
        form = PostForm(user=user, initial=initial)
        if space is not None and not can_write_in_space(user, space):
            form.initial["space"] = ""
            return _composer(request, form, space_refused=space)
        return _composer(request, form)
    form = PostForm(request.POST, request.FILES, user=user)
    if not form.is_valid():
        return _composer(request, form, status=400)
    chosen = form.chosen_space
    if chosen is not None:
        blog = actions.ensure_space_blog(chosen, actor=user)
    else:
        blog = actions.start_personal_blog(user)
    return _save(request, form, form.apply_to(BlogPostPage()), blog)


@require_http_methods(["GET", "HEAD", "POST"])
@behind_write_gates
def edit(request: HttpRequest, post_id: int) -> HttpResponse:
    """Change a post: its author, the space's moderators and site admins."""
    post = get_post_to_edit(request.user, post_id)
    latest = post.get_latest_revision_as_object()
    if request.method != "POST":
        form = PostForm(user=request.user, post=latest, initial=PostForm.initial_for(latest))
        return _composer(request, form, post=post)
    form = PostForm(request.POST, request.FILES, user=request.user, post=latest)
    if not form.is_valid():
        return _composer(request, form, post=post, status=400)
    return _save(request, form, form.apply_to(latest))


def _save(
    request: HttpRequest, form: PostForm, post: BlogPostPage, blog: BlogIndexPage | None = None
) -> HttpResponse:
    user = request.user
    existing = post if post.pk else None
    try:
        if form.cleaned_data["action"] == PostForm.DRAFT:
            actions.save_post(post, user, blog=blog)
            outcome = actions.PostOutcome.DRAFT
        else:
            outcome = actions.publish_post(post, user, blog=blog, go_live_at=form.scheduled_for)
    except RateLimited:
        form.add_error(None, _("You are saving very fast. Please wait a minute and try again."))
        return _composer(request, form, post=existing, status=429)
    except PermissionDenied as error:
        form.add_error(None, str(error) or _("You cannot publish here."))
        return _composer(request, form, post=existing, status=403)
    except ValidationError as error:
        form.add_error(None, error.messages)
        return _composer(request, form, post=existing, status=400)
    edit_url = reverse("blogs:edit", args=[post.pk])
    if outcome == actions.PostOutcome.PUBLISHED:
        messages.success(request, _("Your post is published."))
        return redirect(BlogPostPage.objects.get(pk=post.pk).url)
    if outcome == actions.PostOutcome.SCHEDULED:
        when = formats.date_format(timezone.localtime(post.go_live_at), "DATETIME_FORMAT")
        messages.success(request, _("Your post will be published on %(when)s.") % {"when": when})
    elif outcome == actions.PostOutcome.SUBMITTED:
        messages.success(
            request, _("Your post was sent for review. It appears once a moderator approves it.")
        )
    else:
        messages.success(request, _("Draft saved. Only you can see it."))
    return redirect(edit_url)


def _composer(
    request: HttpRequest,
    form: PostForm,
    *,
    post: BlogPostPage | None = None,
    space_refused: SpacePage | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    context = {
        "form": form,
        "post": post,
        "space_refused": space_refused,
        "tag_suggestions": cached_for_view(
            user,
            ("blogs", "composer_tags"),
            lambda: BlogPostPage.top_tags_for(user, limit=TAG_SUGGESTIONS),
        ),
        "nav_section": "blogs",
    }
    if post is not None:
        permissions = post.permissions_for_user(user)
        context.update(
            {
                "can_publish": permissions.can_publish(),
                "scheduled": post.scheduled_revision,
                "in_review": post.workflow_in_progress,
            }
        )
    else:
        # Spaces whose moderators approve what `user` writes there (no publish permission).
        context["reviewed_in"] = [
            space.title
            for space in form.writable_spaces
            if not space.permissions_for_user(user).can_publish_subpage()
        ]
        context["can_publish"] = True
    return render(request, "blogs/compose.html", context, status=status)
