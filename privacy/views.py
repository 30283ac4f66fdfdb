"""/privacy/my-data/ (everyone: download what the intranet holds about me) and
/privacy/erase/<username>/ (site admins: erase a former employee's personal data).

The download is built while it is sent, not in a task: the JSON documents are read from
the database before the first byte (they are text, small beside the files), and the files
are copied into the ZIP one piece at a time, so memory stays flat however many there are,
and no copy of anyone's personal data is ever stored to be fetched, expired and erased
later. The gthread workers
(gunicorn.conf.py) keep answering while one thread sends a large download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from blogs.models import BlogPostPage, Comment
from intranet.people import display_name
from intranet.ratelimit import RateLimited, check_rate
from privacy import actions
from privacy.export import collect_personal_data, zip_chunks
from privacy.forms import EraseForm
from privacy.models import Erasure
from wiki.models import WikiPage

# A download reads everything of a person's: a couple a minute is plenty for anyone.
EXPORTS_PER_MINUTE = 2


@require_http_methods(["GET", "HEAD", "POST"])
def my_data(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "privacy/my_data.html", {})
    try:
        check_rate(request.user, "personal-data-export", EXPORTS_PER_MINUTE)
    except RateLimited:
        error = _("You have downloaded your data just now. Please wait a minute.")
        return render(request, "privacy/my_data.html", {"error": error}, status=429)
    data = collect_personal_data(request.user, request.build_absolute_uri)
    actions.record_export(request.user, data.counts)
    readme = render_to_string(
        "privacy/README.txt",
        {"person": request.user, "made_at": timezone.now(), "counts": data.counts},
        request=request,
    )
    response = StreamingHttpResponse(zip_chunks(data, readme), content_type="application/zip")
    filename = f"personal-data-{request.user.get_username()}-{timezone.localdate():%Y-%m-%d}.zip"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def get_person_to_erase(actor, username: str):
    """The account called `username`, for a site admin; 403 for anyone else (who may not
    learn more here than the profile pages already tell every employee)."""
    if not actions.can_erase(actor):
        raise PermissionDenied
    return get_object_or_404(get_user_model(), username=username)


@require_http_methods(["GET", "HEAD", "POST"])
def erase(request: HttpRequest, username: str) -> HttpResponse:
    person = get_person_to_erase(request.user, username)
    refusal = actions.erasure_refusal(person)
    form = EraseForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if refusal:
            status = 409
        elif form.is_valid():
            try:
                erasure = actions.erase_personal_data(person, actor=request.user)
            except ValidationError as error:  # erased or reactivated meanwhile
                refusal, status = " ".join(error.messages), 409
            else:
                messages.success(
                    request,
                    _("The personal data is erased. Their content stays, by a former employee."),
                )
                return redirect("profiles:detail", username=erasure.user.get_username())
        else:
            status = 400
    context = {
        "person": person,
        "name": display_name(person),
        "refusal": refusal,
        "erasure": Erasure.objects.select_related("erased_by").filter(user=person).first(),
        "form": form,
        "kept": {
            "posts": BlogPostPage.objects.filter(owner=person).count(),
            "pages": WikiPage.objects.filter(owner=person).count(),
            "comments": Comment.objects.filter(author=person).count(),
        },
    }
    return render(request, "privacy/erase.html", context, status=status)
