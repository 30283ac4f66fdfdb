"""The blog writes that are not Wagtail's: start a blog, comment, hide, react.

Blog pages themselves (all blogs, a blog, a post) are Wagtail pages; see models.py.
Reporting a comment is the community app's (its moderators' queue). Each write answers a
plain form post with a redirect back to the post, and the post page's script
(`intranet.fragments`) with the piece of the page that changed."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from blogs import actions
from blogs.forms import CommentForm, ReactionForm
from blogs.models import BlogPostPage, Comment, Reaction, comment_max_length
from intranet.access import get_page_for_user
from intranet.fragments import render_fragment, wants_fragment
from intranet.gates import closed_gate
from intranet.ratelimit import RateLimited


def get_post_for_user(user, post_id: int) -> BlogPostPage:
    """A live post the user may read; 404 for drafts and posts in hidden spaces."""
    return get_page_for_user(user, BlogPostPage.objects.all(), pk=post_id)


def get_comment_for_user(user, comment_id: int) -> Comment:
    comment = Comment.visible_to(user).select_related("post").filter(pk=comment_id).first()
    if comment is None:
        raise Http404
    return comment


def comment_problem(
    request: HttpRequest, post, form, status: int, message: str = "", gate=None
) -> HttpResponse:
    """The form again with what went wrong, so nothing typed is lost; with a closed write
    gate (`intranet.gates`), a link to where it opens. The script shows just the problem
    inside the form it sent, which still holds the text."""
    context = {"post": post, "form": form, "message": message, "gate": gate}
    if wants_fragment(request):
        template = "blogs/includes/comment_problem_message.html"
        return render_fragment(request, template, context, status=status)
    return render(request, "blogs/comment_problem.html", context, status=status)


def render_comment(request: HttpRequest, comment: Comment, post: BlogPostPage) -> HttpResponse:
    """One comment as the post page shows it to this reader, for the script to put in."""
    context = {
        "comment": comment,
        "page": post,
        "can_moderate": post.can_moderate_comments(request.user),
        "comment_max_length": comment_max_length(),
        "is_reply": comment.parent_id is not None,
    }
    return render_fragment(request, "blogs/includes/comment.html", context)


@require_POST
def comment(request: HttpRequest, post_id: int) -> HttpResponse:
    post = get_post_for_user(request.user, post_id)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return comment_problem(request, post, form, 400)
    gate = closed_gate(request.user, post.url)
    if gate is not None:
        return comment_problem(request, post, form, 403, gate.message, gate=gate)
    parent = None
    if form.cleaned_data["parent"]:
        parent = Comment.objects.filter(post=post, pk=form.cleaned_data["parent"]).first()
        if parent is None:
            raise Http404
    try:
        new = actions.add_comment(post, request.user, form.cleaned_data["text"], parent=parent)
    except actions.CommentError as error:
        return comment_problem(request, post, form, 400, str(error))
    except RateLimited:
        message = _("You are commenting very fast. Please wait a minute and send it again.")
        return comment_problem(request, post, form, 429, message)
    if wants_fragment(request):
        return render_comment(request, new, post)
    return redirect(f"{post.url}#comment-{new.pk}")


@require_POST
def hide(request: HttpRequest, comment_id: int) -> HttpResponse:
    target = get_comment_for_user(request.user, comment_id)
    hidden = request.POST.get("hidden", "true") != "false"
    actions.hide_comment(target, request.user, hidden=hidden)
    if wants_fragment(request):
        return render_comment(request, target, target.post)
    messages.success(request, _("Comment hidden.") if hidden else _("Comment shown again."))
    return redirect(f"{target.post.url}#comment-{target.pk}")


@require_POST
def react(request: HttpRequest, post_id: int) -> HttpResponse:
    post = get_post_for_user(request.user, post_id)
    form = ReactionForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Unknown reaction."), status=400)
    try:
        actions.react(post, request.user, form.cleaned_data["kind"])
    except RateLimited:
        message = _("Too many reactions just now. Please wait a minute.")
        if wants_fragment(request):
            template = "blogs/includes/comment_problem_message.html"
            return render_fragment(request, template, {"message": message}, status=429)
        return HttpResponse(message, status=429)
    if wants_fragment(request):
        reactions = Reaction.summary_for(post, request.user)
        context = {
            "page": post,
            "reactions": reactions,
            "reaction_count": sum(r["count"] for r in reactions),
        }
        return render_fragment(request, "blogs/includes/reactions.html", context)
    return redirect(f"{post.url}#reactions")
