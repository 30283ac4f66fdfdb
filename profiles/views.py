from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intranet.access import is_employee
from profiles import actions, experts
from profiles.forms import DirectoryFilterForm, ProfileForm, SkillForm
from profiles.generation import people_generation
from profiles.models import Department, Endorsement, Profile, ProfileSkill
from profiles.vcard import vcard_for

PER_PAGE = 24
ORG_MEMBERS_SHOWN = 30
ORG_CHART_CACHE_SECONDS = 600


def get_person(viewer, username: str):
    """The active person called `username` with their profile; 404 for anyone else."""
    if not is_employee(viewer):
        raise Http404
    person = get_object_or_404(
        get_user_model().objects.select_related(
            "profile", "profile__department", "profile__manager", "profile__cover"
        ),
        username=username,
        is_active=True,
    )
    if not hasattr(person, "profile"):  # made in the admin, never logged in: none yet
        person.profile = Profile.for_user(person)
    return person


def people_for_directory(filters: dict):
    people = get_user_model().objects.filter(is_active=True, profile__isnull=False)
    if filters.get("department"):
        people = people.filter(profile__department=filters["department"])
    if filters.get("location"):
        # Only people who let colleagues see their location can be found by it.
        people = people.filter(
            profile__location__icontains=filters["location"], profile__show_location=True
        )
    if filters.get("skill"):
        people = people.filter(profile__skills__name__iexact=filters["skill"]).distinct()
    if filters.get("language"):
        people = people.filter(profile__spoken_languages__code=filters["language"])
    return people


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    people = people_for_directory(filters)
    query = (filters.get("q") or "").strip()
    evidence: dict = {}
    if query:
        evidence = experts.gather_evidence(request.user, query, people)
        ranked = experts.rank(evidence)
        page = Paginator(ranked, PER_PAGE).get_page(request.GET.get("page"))
        users = get_user_model().objects.select_related("profile", "profile__department")
        found = users.in_bulk(list(page.object_list))
        rows = [(found[pk], evidence[pk].explain(query)) for pk in page.object_list if pk in found]
    else:
        people = people.select_related("profile", "profile__department").order_by(
            "first_name", "last_name", "username"
        )
        page = Paginator(people, PER_PAGE).get_page(request.GET.get("page"))
        rows = [(person, "") for person in page.object_list]
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "profiles/directory.html",
        {
            "form": form,
            "page_obj": page,
            "rows": rows,
            "query": query,
            "query_string": params.urlencode(),
            "nav_section": "people",
        },
    )


@require_GET
def detail(request: HttpRequest, username: str) -> HttpResponse:
    from profiles.activity import posts_by, wiki_edits_by

    person = get_person(request.user, username)
    profile = person.profile
    skills = (
        ProfileSkill.objects.filter(profile=profile)
        .select_related("skill")
        .annotate(
            endorsement_count=Count("endorsements"),
            endorsed_by_me=Exists(
                Endorsement.objects.filter(profile_skill=OuterRef("pk"), endorser=request.user)
            ),
        )
    )
    reports = (
        get_user_model()
        .objects.filter(profile__manager=person, is_active=True)
        .select_related("profile", "profile__department")
        .order_by("first_name", "last_name")
    )
    return render(
        request,
        "profiles/detail.html",
        {
            "person": person,
            "profile": profile,
            "shows": profile.fields_visible_to(request.user),
            "skills": skills,
            "languages": profile.spoken_languages.all(),
            "reporting_line": list(reversed(profile.reporting_line())),
            "direct_reports": reports,
            "posts": posts_by(request.user, person),
            "wiki_edits": wiki_edits_by(request.user, person),
            "can_edit": actions.can_edit_profile(request.user, profile),
            "nav_section": "people",
        },
    )


@require_http_methods(["GET", "POST"])
def me(request: HttpRequest) -> HttpResponse:
    """/people/me/edit/: the signed-in person's own edit page."""
    if request.user.get_username() == "me":  # their edit URL is this one; don't loop
        return edit(request, "me")
    return redirect("profiles:edit", username=request.user.get_username())


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, username: str) -> HttpResponse:
    person = get_person(request.user, username)
    profile = person.profile
    actions.require_edit_profile(request.user, profile)
    form = ProfileForm(request.POST or None, request.FILES or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        data["first_name"] = form.cleaned_data["first_name"]
        data["last_name"] = form.cleaned_data["last_name"]
        data["languages"] = form.cleaned_data["languages"]
        photo = form.cleaned_data.get("photo")
        actions.update_profile(
            profile,
            data,
            actor=request.user,
            photo=photo or None,
            clear_photo=photo is False,
        )
        messages.success(request, _("Profile saved."))
        return redirect(profile.get_absolute_url())
    skills = ProfileSkill.objects.filter(profile=profile).select_related("skill")
    return render(
        request,
        "profiles/edit.html",
        {
            "person": person,
            "profile": profile,
            "form": form,
            "skill_form": SkillForm(),
            "about_fields": ProfileForm.ABOUT_FIELDS,
            "contact_fields": ProfileForm.CONTACT_FIELDS,
            "visibility_fields": ProfileForm.VISIBILITY_FIELDS,
            "skills": skills,
            "nav_section": "people",
        },
        status=400 if form.errors else 200,
    )


@require_POST
def add_skill(request: HttpRequest, username: str) -> HttpResponse:
    person = get_person(request.user, username)
    actions.require_edit_profile(request.user, person.profile)
    form = SkillForm(request.POST)
    if form.is_valid():
        actions.set_skill(
            person.profile,
            form.cleaned_data["name"],
            form.cleaned_data["level"],
            actor=request.user,
        )
        messages.success(request, _("Skill saved."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("profiles:edit", username=person.username)


@require_POST
def remove_skill(request: HttpRequest, username: str, skill: str) -> HttpResponse:
    person = get_person(request.user, username)
    profile_skill = get_object_or_404(
        ProfileSkill.objects.select_related("skill"), profile=person.profile, skill__slug=skill
    )
    actions.remove_skill(person.profile, profile_skill.skill, actor=request.user)
    messages.success(request, _("Skill removed."))
    return redirect("profiles:edit", username=person.username)


@require_POST
def endorse(request: HttpRequest, username: str, skill: str) -> HttpResponse:
    person = get_person(request.user, username)
    profile_skill = get_object_or_404(
        ProfileSkill.objects.select_related("profile"), profile=person.profile, skill__slug=skill
    )
    if request.POST.get("withdraw"):
        actions.withdraw_endorsement(profile_skill, endorser=request.user)
        messages.success(request, _("Endorsement withdrawn."))
    else:
        try:
            actions.endorse(profile_skill, endorser=request.user)
            messages.success(request, _("Thanks for the endorsement."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect(person.profile.get_absolute_url() + "#skills")


@require_GET
def vcard(request: HttpRequest, username: str) -> HttpResponse:
    person = get_person(request.user, username)
    response = HttpResponse(
        vcard_for(person, person.profile.fields_visible_to(request.user)),
        content_type="text/vcard; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{person.username}.vcf"'
    return response


@require_GET
def org_chart(request: HttpRequest) -> HttpResponse:
    if not is_employee(request.user):
        raise Http404
    # Every employee sees the same chart: rendered once per language and change of people
    # (hundreds of person cards), then served from the cache.
    key = f"profiles:org-chart:{people_generation()}:{get_language()}"
    tree = cache.get(key)
    if tree is None:
        tree = render_to_string("profiles/org_chart_tree.html", {"rows": org_chart_rows()})
        cache.set(key, tree, ORG_CHART_CACHE_SECONDS)
    # `tree` is our own template's output (auto-escaped when rendered); the cache only
    # stored it, so it is marked safe again here.
    tree = mark_safe(tree)  # noqa: S308
    return render(request, "profiles/org_chart.html", {"tree": tree, "nav_section": "people"})


def org_chart_rows() -> list[dict]:
    tree = Department.tree()
    counts = dict(
        Profile.objects.filter(user__is_active=True, department__isnull=False)
        .values_list("department")
        .annotate(n=Count("pk"))
        .values_list("department", "n")
    )
    members: dict[int, list] = {}
    # A few names per department (one query with a window); the directory lists everyone.
    shown = (
        Profile.objects.filter(user__is_active=True, department__isnull=False)
        .select_related("user", "department")
        .annotate(
            position=Window(
                RowNumber(),
                partition_by="department_id",
                order_by=["user__first_name", "user__last_name", "user_id"],
            )
        )
        .filter(position__lte=ORG_MEMBERS_SHOWN)
        .order_by("department_id", "position")
    )
    for profile in shown:
        profile.user.profile = profile  # the person component reads user.profile: no query
        members.setdefault(profile.department_id, []).append(profile.user)
    return [
        {
            "department": dept,
            "depth": depth,
            "count": counts.get(dept.pk, 0),
            "members": members.get(dept.pk, []),
        }
        for dept, depth in tree
    ]
