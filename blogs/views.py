"""The blog writes that are not Wagtail's: start a blog, comment, hide, report, react.

Blog pages themselves (all blogs, a blog, a post) are Wagtail pages; see models.py."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from blogs import actions
from blogs.forms import CommentForm, ReactionForm, ReportForm, WriteForm
from blogs.models import BlogPostPage, Comment
from community.actions import needs_acknowledgement
from intranet.access import can_write_in_space, get_page_for_user
from intranet.models import SpacePage


def get_post_for_user(user, post_id: int) -> BlogPostPage:
    """A live post the user may read; 404 for drafts and posts in hidden spaces."""
    return get_page_for_user(user, BlogPostPage.objects.all(), pk=post_id)


def get_comment_for_user(user, comment_id: int) -> Comment:
    comment = Comment.visible_to(user).select_related("post").filter(pk=comment_id).first()
    if comment is None:
        raise Http404
    return comment


def _problem(
    request: HttpRequest, post, form, status: int, message: str = "", guidelines=None
) -> HttpResponse:
    """The form again with what went wrong, so nothing typed is lost."""
    context = {"post": post, "form": form, "message": message, "guidelines": guidelines}
    return render(request, "blogs/comment_problem.html", context, status=status)


@require_POST
def write(request: HttpRequest) -> HttpResponse:
    """Open the editor for a new post, making the personal or space blog on first use."""
    form = WriteForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Unknown space."), status=400)
    slug = form.cleaned_data["space"]
    if slug:
        space = get_page_for_user(request.user, SpacePage.objects.all(), slug=slug)
        if not can_write_in_space(request.user, space):
            raise PermissionDenied(_("Only this space's editors write in its blog."))
        blog = actions.ensure_space_blog(space, actor=request.user)
    else:
        blog = actions.start_personal_blog(request.user)
    return redirect(blog.add_post_url)


@require_POST
def comment(request: HttpRequest, post_id: int) -> HttpResponse:
    post = get_post_for_user(request.user, post_id)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _problem(request, post, form, 400)
    guidelines = needs_acknowledgement(request.user)
    if guidelines is not None:
        message = _("Please read and accept the community guidelines before you write.")
        return _problem(request, post, form, 403, message, guidelines=guidelines)
    parent = None
    if form.cleaned_data["parent"]:
        parent = Comment.objects.filter(post=post, pk=form.cleaned_data["parent"]).first()
        if parent is None:
            raise Http404
    try:
        new = actions.add_comment(post, request.user, form.cleaned_data["text"], parent=parent)
    except actions.CommentError as error:
        return _problem(request, post, form, 400, str(error))
    except actions.RateLimited:
        message = _("You are commenting very fast. Please wait a minute and send it again.")
        return _problem(request, post, form, 429, message)
    return redirect(f"{post.url}#comment-{new.pk}")


@require_POST
def hide(request: HttpRequest, comment_id: int) -> HttpResponse:
    target = get_comment_for_user(request.user, comment_id)
    hidden = request.POST.get("hidden", "true") != "false"
    actions.hide_comment(target, request.user, hidden=hidden)
    messages.success(request, _("Comment hidden.") if hidden else _("Comment shown again."))
    return redirect(f"{target.post.url}#comment-{target.pk}")


@require_POST
def report(request: HttpRequest, comment_id: int) -> HttpResponse:
    target = get_comment_for_user(request.user, comment_id)
    form = ReportForm(request.POST)
    if not form.is_valid():
        return _problem(request, target.post, form, 400)
    try:
        actions.report_comment(target, request.user, form.cleaned_data["reason"])
    except actions.RateLimited:
        message = _("You have sent many reports just now. Please wait a minute.")
        return _problem(request, target.post, form, 429, message)
    messages.success(request, _("Thank you. The moderators will look at this comment."))
    return redirect(f"{target.post.url}#comment-{target.pk}")


@require_POST
def react(request: HttpRequest, post_id: int) -> HttpResponse:
    post = get_post_for_user(request.user, post_id)
    form = ReactionForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Unknown reaction."), status=400)
    try:
        actions.react(post, request.user, form.cleaned_data["kind"])
    except actions.RateLimited:
        return HttpResponse(_("Too many reactions just now. Please wait a minute."), status=429)
    return redirect(f"{post.url}#reactions")
