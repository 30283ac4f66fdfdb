from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from intranet.access import is_employee
from intranet.cache import cached
from intranet.fragments import render_fragment, wants_fragment
from intranet.people import display_name, is_erased
from profiles import actions, experts
from profiles.forms import (
    CompleteProfileForm,
    DeactivateForm,
    DirectoryFilterForm,
    ProfileForm,
    SkillForm,
)
from profiles.models import Department, Endorsement, Profile, ProfileSkill, SkillLevel
from profiles.timezone import remember_time_zone
from profiles.vcard import vcard_for

PER_PAGE = 24
ORG_MEMBERS_SHOWN = 30
ORG_CHART_CACHE_SECONDS = 600


def get_person(viewer, username: str, *, former: bool = False):
    """The active person called `username` with their profile; 404 for anyone else. With
    `former`, also someone who has left (their profile page stays, for author links)."""
    if not is_employee(viewer):
        raise Http404
    people = get_user_model().objects.select_related(
        "profile", "profile__department", "profile__manager", "profile__cover"
    )
    if not former:
        people = people.filter(is_active=True)
    person = get_object_or_404(people, username=username)
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


@require_safe
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


@require_safe
def detail(request: HttpRequest, username: str) -> HttpResponse:
    from profiles.activity import recent_activity

    person = get_person(request.user, username, former=True)
    if not person.is_active:
        return former_employee(request, person)
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
            "activity": recent_activity(request.user, person),
            "can_edit": actions.can_edit_profile(request.user, profile),
            "can_deactivate": person.pk != request.user.pk
            and actions.can_manage_leavers(request.user),
            "nav_section": "people",
        },
    )


def former_employee(request: HttpRequest, person) -> HttpResponse:
    """The page of someone who has left: their name and what they wrote that the reader may
    see, for readers following an author link; no contact details, skills or reporting line,
    which no longer say anything true."""
    from profiles.activity import recent_activity

    return render(
        request,
        "profiles/former.html",
        {
            "person": person,
            "activity": recent_activity(request.user, person),
            "can_reactivate": actions.can_manage_leavers(request.user) and not is_erased(person),
            # Erasing (the privacy app, above this one) is for site admins only.
            "can_erase": request.user.is_superuser and not is_erased(person),
            "nav_section": "people",
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def deactivate(request: HttpRequest, username: str) -> HttpResponse:
    """/people/<username>/deactivate/: a site admin confirms that someone has left and
    chooses who takes over their pages (their manager unless changed)."""
    person = get_person(request.user, username)
    if person.pk == request.user.pk or not actions.can_manage_leavers(request.user):
        raise PermissionDenied
    form = DeactivateForm(
        request.POST if request.method == "POST" else None,
        person=person,
        initial={"successor": actions.default_successor(person)},
    )
    if request.method == "POST" and form.is_valid():
        name = display_name(person)
        try:
            departure = actions.deactivate_person(
                person, actor=request.user, successor=form.cleaned_data["successor"]
            )
        except ValidationError as exc:
            form.add_error("successor", exc)
        else:
            messages.success(request, departure_message(name, departure))
            return redirect("profiles:detail", username=person.username)
    context = {
        "person": person,
        "form": form,
        "pages_owned": actions.pages_to_hand_over(person).count(),
        "nav_section": "people",
    }
    return render(request, "profiles/deactivate.html", context, status=400 if form.errors else 200)


def departure_message(name: str, departure: actions.Departure) -> str:
    said = _("%(name)s was deactivated and signed out everywhere.") % {"name": name}
    if departure.successor is not None and departure.pages_handed_over:
        said += " " + ngettext(
            "%(count)s page now belongs to %(successor)s.",
            "%(count)s pages now belong to %(successor)s.",
            departure.pages_handed_over,
        ) % {"count": departure.pages_handed_over, "successor": display_name(departure.successor)}
    elif departure.pages_unclaimed:
        said += " " + ngettext(
            "Nobody took over their %(count)s page: they have no manager here.",
            "Nobody took over their %(count)s pages: they have no manager here.",
            departure.pages_unclaimed,
        ) % {"count": departure.pages_unclaimed}
    return said


@require_POST
def reactivate(request: HttpRequest, username: str) -> HttpResponse:
    """Undo a deactivation: a site admin's mistake, or someone who came back."""
    person = get_person(request.user, username, former=True)
    if not actions.can_manage_leavers(request.user):
        raise PermissionDenied
    if not person.is_active:
        actions.reactivate_person(person, actor=request.user)
        messages.success(request, _("%(name)s can sign in again.") % {"name": display_name(person)})
    return redirect("profiles:detail", username=person.username)


@require_http_methods(["GET", "HEAD", "POST"])
def me(request: HttpRequest) -> HttpResponse:
    """/people/me/edit/: the signed-in person's own edit page."""
    if request.user.get_username() == "me":  # their edit URL is this one; don't loop
        return edit(request, "me")
    return redirect("profiles:edit", username=request.user.get_username())


PROFILE_FORM_ID = "profile-form"  # the skills beside it post with it (SkillForm.part_of)


def save_profile_form(form: ProfileForm, actor) -> None:
    """What a valid profile form (or the complete step's part of it) holds, through the one
    action that writes it; its skills are the caller's."""
    data = {name: value for name, value in form.cleaned_data.items() if name != "skills"}
    photo = data.pop("photo", None)
    actions.update_profile(
        form.instance, data, actor=actor, photo=photo or None, clear_photo=photo is False
    )


@require_http_methods(["GET", "HEAD", "POST"])
def edit(request: HttpRequest, username: str) -> HttpResponse:
    """The whole profile in one form. The skills sit beside it but post with it, so adding
    or removing a skill saves everything else typed too (the page's script sends a skill
    alone, without leaving the page: `add_skill`, `remove_skill`)."""
    person = get_person(request.user, username)
    profile = person.profile
    actions.require_edit_profile(request.user, profile)
    posted = request.POST if request.method == "POST" else None
    form = ProfileForm(posted, request.FILES or None, instance=profile)
    skill_form = posted_skill_form(posted)
    if (
        posted is not None
        and form.is_valid()
        and (not skill_form.is_bound or skill_form.is_valid())
    ):
        save_profile_form(form, request.user)
        if request.user.pk == person.pk:
            remember_time_zone(request, profile.time_zone)
        if save_skill_changes(profile, skill_form, posted, request.user):
            messages.success(request, _("Profile and skills saved."))
            return redirect(reverse("profiles:edit", args=[person.username]) + "#skills")
        messages.success(request, _("Profile saved."))
        return redirect(profile.get_absolute_url())
    context = {
        **skills_context(person, skill_form),
        "profile": profile,
        "form": form,
        "about_fields": ProfileForm.ABOUT_FIELDS,
        "contact_fields": ProfileForm.CONTACT_FIELDS,
        "visibility_fields": ProfileForm.VISIBILITY_FIELDS,
        "nav_section": "people",
    }
    status = 400 if form.errors or skill_form.errors else 200
    return render(request, "profiles/edit.html", context, status=status)


def posted_skill_form(posted) -> SkillForm:
    """The skill fields that post with the profile form; bound only when a skill was typed
    or "Save skill" pressed, so a typed skill is saved whichever button was pressed."""
    adding = posted is not None and ("add_skill" in posted or posted.get("name", "").strip())
    return SkillForm(posted if adding else None, part_of=PROFILE_FORM_ID)


def save_skill_changes(profile: Profile, skill_form: SkillForm, posted, actor) -> bool:
    """Save the typed skill and remove the one whose Remove was pressed; False if neither."""
    if skill_form.is_bound:
        data = skill_form.cleaned_data
        actions.set_skill(profile, data["name"], data["level"], actor=actor)
    slug = posted.get("remove_skill")
    if slug:
        removed = ProfileSkill.objects.filter(profile=profile, skill__slug=slug)
        for profile_skill in removed.select_related("skill"):
            actions.remove_skill(profile, profile_skill.skill, actor=actor)
    return skill_form.is_bound or bool(slug)


def skills_context(person, skill_form: SkillForm | None = None) -> dict:
    """What the skills part of the edit page shows (templates/profiles/includes/skills.html)."""
    return {
        "person": person,
        "skills": ProfileSkill.objects.filter(profile=person.profile).select_related("skill"),
        "skill_form": skill_form or SkillForm(part_of=PROFILE_FORM_ID),
        "form_id": PROFILE_FORM_ID,
    }


def skills_answer(request: HttpRequest, person, message: str, form=None) -> HttpResponse:
    """After a skill was added or removed alone: the skills part for the edit page's
    script, or back to the edit page."""
    if wants_fragment(request):
        status = 400 if form is not None and form.errors else 200
        context = skills_context(person, form if status == 400 else None)
        return render_fragment(request, "profiles/includes/skills.html", context, status=status)
    if form is not None and form.errors:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        messages.success(request, message)
    return redirect("profiles:edit", username=person.username)


@require_POST
def add_skill(request: HttpRequest, username: str) -> HttpResponse:
    person = get_person(request.user, username)
    actions.require_edit_profile(request.user, person.profile)
    form = SkillForm(request.POST, part_of=PROFILE_FORM_ID)
    if form.is_valid():
        data = form.cleaned_data
        actions.set_skill(person.profile, data["name"], data["level"], actor=request.user)
    return skills_answer(request, person, _("Skill saved."), form)


@require_POST
def remove_skill(request: HttpRequest, username: str, skill: str) -> HttpResponse:
    person = get_person(request.user, username)
    profile_skill = get_object_or_404(
        ProfileSkill.objects.select_related("skill"), profile=person.profile, skill__slug=skill
    )
    actions.remove_skill(person.profile, profile_skill.skill, actor=request.user)
    return skills_answer(request, person, _("Skill removed."))


@require_http_methods(["GET", "HEAD", "POST"])
def complete(request: HttpRequest) -> HttpResponse:
    """The step after sign-up (`intranet.accounts`): photo, job title, department, skills
    and languages, each optional; skipping leads home, where a card asks again."""
    person = get_person(request.user, request.user.get_username())
    form = CompleteProfileForm(request.POST or None, request.FILES or None, instance=person.profile)
    if request.method == "POST" and form.is_valid():
        save_profile_form(form, request.user)
        have = {name.lower() for name in person.profile.skills.values_list("name", flat=True)}
        for name in form.cleaned_data["skills"]:
            if name.lower() not in have:  # a skill already there keeps its level
                actions.set_skill(person.profile, name, SkillLevel.INTERMEDIATE, actor=request.user)
        messages.success(request, _("Thank you. Colleagues can find you now."))
        return redirect("/")
    context = {"person": person, "form": form, "nav_section": "people"}
    return render(request, "profiles/complete.html", context, status=400 if form.errors else 200)


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


@require_safe
def vcard(request: HttpRequest, username: str) -> HttpResponse:
    person = get_person(request.user, username)
    response = HttpResponse(
        vcard_for(person, person.profile.fields_visible_to(request.user)),
        content_type="text/vcard; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{person.username}.vcf"'
    return response


@require_safe
def org_chart(request: HttpRequest) -> HttpResponse:
    if not is_employee(request.user):
        raise Http404
    # Every employee sees the same chart: rendered once per language and change of people
    # (hundreds of person cards), then served from the cache.
    tree = cached(
        ("profiles", "org-chart", get_language()),
        lambda: render_to_string("profiles/org_chart_tree.html", {"rows": org_chart_rows()}),
        generations=("people",),
        timeout=ORG_CHART_CACHE_SECONDS,
    )
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
