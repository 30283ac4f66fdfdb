"""The profile loses nothing: a skill saved while other fields were changed keeps both; a
new colleague is asked to complete the profile after sign-up, and home reminds them until
it is done."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import RequestFactory, override_settings
from django.urls import reverse
from PIL import Image

from profiles.completion import missing_parts
from profiles.models import Profile, ProfileSkill, SkillLevel
from tests.factories import DepartmentFactory


def edit_url(username: str = "employee") -> str:
    return reverse("profiles:edit", args=[username])


def add_skill_url(username: str = "employee") -> str:
    return reverse("profiles:add_skill", args=[username])


def profile_form(**changes) -> dict:
    """The edit page's form as a browser sends it, with `changes`."""
    data = {"first_name": "Emil", "last_name": "Ployee", "show_phone": "on"}
    data.update(changes)
    return data


def photo_upload(colour: str = "red") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (200, 200), colour).save(out, format="PNG")
    return SimpleUploadedFile("me.png", out.getvalue(), content_type="image/png")


def skills_of(user) -> dict[str, int]:
    return dict(ProfileSkill.objects.filter(profile__user=user).values_list("skill__name", "level"))


# --- skills on the edit page -------------------------------------------------------------


def test_saving_a_skill_keeps_the_name_typed_before_it(client_for, employee):
    data = profile_form(first_name="Emilia", name="Kubernetes", level="4", add_skill="1")
    response = client_for(employee).post(edit_url(), data)
    assert response.status_code == 302 and response["Location"] == edit_url() + "#skills"
    employee.refresh_from_db()
    assert employee.first_name == "Emilia"
    assert skills_of(employee) == {"Kubernetes": 4}


def test_a_skill_typed_but_not_added_is_saved_with_the_profile(client_for, employee):
    response = client_for(employee).post(edit_url(), profile_form(name="Baking", level="2"))
    assert response.status_code == 302
    assert skills_of(employee) == {"Baking": 2}


def test_removing_a_skill_saves_the_rest_of_the_form_too(client_for, employee):
    from profiles import actions

    profile = Profile.objects.get(user=employee)
    actions.set_skill(profile, "Lying", SkillLevel.EXPERT, actor=employee)
    data = profile_form(job_title="Honest broker", remove_skill="lying")
    response = client_for(employee).post(edit_url(), data)
    assert response.status_code == 302
    assert skills_of(employee) == {}
    assert Profile.objects.get(user=employee).job_title == "Honest broker"


def test_a_mistake_elsewhere_keeps_the_skill_and_the_name_typed(client_for, employee):
    data = profile_form(first_name="Emilia", links="not a link", name="Kubernetes", add_skill="1")
    response = client_for(employee).post(edit_url(), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="Kubernetes"' in html and 'value="Emilia"' in html
    assert "is not a web address" in html
    assert skills_of(employee) == {}


def test_save_skill_without_a_name_asks_for_one_and_saves_nothing(client_for, employee):
    response = client_for(employee).post(edit_url(), profile_form(first_name="X", add_skill="1"))
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    employee.refresh_from_db()
    assert employee.first_name == "Emil"


def test_the_skill_fields_belong_to_the_profile_form(client_for, employee):
    html = client_for(employee).get(edit_url()).content.decode()
    assert '<form class="card profile-form" id="profile-form"' in html
    assert 'name="name" maxlength="100" form="profile-form"' in html
    assert 'name="add_skill" value="1"' in html and f'data-fetch-action="{add_skill_url()}"' in html


def test_the_script_adds_a_skill_alone_and_gets_the_skills_back(fetch_for, employee):
    response = fetch_for(employee)(add_skill_url(), {"name": "Kubernetes", "level": "3"})
    assert response.status_code == 200 and response["X-Fragment"] == "1"
    html = response.content.decode()
    assert 'id="skills"' in html and "Kubernetes" in html
    assert 'name="name" maxlength="100" form="profile-form"' in html  # emptied for the next
    assert skills_of(employee) == {"Kubernetes": 3}


def test_the_script_gets_a_refused_skill_back_with_what_was_typed(fetch_for, employee):
    response = fetch_for(employee)(add_skill_url(), {"name": "x" * 101, "level": "3"})
    assert response.status_code == 400 and response["X-Fragment"] == "1"
    html = response.content.decode()
    assert 'aria-invalid="true"' in html and "x" * 101 in html


def test_the_script_removes_a_skill_alone(fetch_for, employee):
    from profiles import actions

    actions.set_skill(Profile.objects.get(user=employee), "Lying", 4, actor=employee)
    url = reverse("profiles:remove_skill", args=["employee", "lying"])
    response = fetch_for(employee)(url)
    assert response.status_code == 200 and "Lying" not in response.content.decode()
    assert skills_of(employee) == {}


def test_nobody_else_adds_skills_to_a_profile(fetch_for, client_for, outsider, employee):
    assert fetch_for(outsider)(add_skill_url(), {"name": "Lying", "level": "4"}).status_code == 403
    response = client_for(outsider).post(edit_url(), profile_form(name="Lying", add_skill="1"))
    assert response.status_code == 403
    anonymous = fetch_for(None)(add_skill_url(), {"name": "Lying", "level": "4"})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert skills_of(employee) == {}


def test_adding_and_removing_skills_refuse_get(client_for, employee):
    client = client_for(employee)
    assert client.get(add_skill_url()).status_code == 405
    assert client.get(reverse("profiles:remove_skill", args=["employee", "x"])).status_code == 405


# --- the step after sign-up --------------------------------------------------------------


@override_settings(SIGNUP_DOMAINS=["example.com"], ACCOUNT_EMAIL_VERIFICATION="optional")
def test_sign_up_lands_on_the_complete_profile_step(client, site_tree):
    data = {"email": "nora@example.com", "username": "nora"}
    data["password1"] = data["password2"] = "a-long-passphrase-42"
    response = client.post("/accounts/signup/", data)
    assert response.status_code == 302
    assert response["Location"] == reverse("profiles:complete")
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Complete your profile</h1>" in html and "Skip for now" in html


def test_the_step_saves_what_was_given_and_leads_home(client_for, employee, site_tree):
    from profiles import actions

    department = DepartmentFactory(name="Kitchen", slug="kitchen")
    profile = Profile.objects.get(user=employee)
    actions.set_skill(profile, "Soup", SkillLevel.EXPERT, actor=employee)
    data = {
        "job_title": "Cook",
        "department": department.pk,
        "skills": "soup, Knife work ,,  Knife  work",
        "languages": ["de", "en"],
        "photo": photo_upload(),
    }
    response = client_for(employee).post(reverse("profiles:complete"), data)
    assert response.status_code == 302 and response["Location"] == "/"
    profile.refresh_from_db()
    assert (profile.job_title, profile.department) == ("Cook", department)
    assert profile.photo and sorted(profile.spoken_language_codes) == ["de", "en"]
    # A skill already there keeps its level; a new one comes in once.
    assert skills_of(employee) == {"Soup": SkillLevel.EXPERT, "Knife work": 2}
    assert missing_parts(employee) == []


def test_the_step_keeps_what_was_typed_when_a_skill_is_too_long(client_for, employee):
    data = {"job_title": "Cook", "skills": "Soup, " + "y" * 101}
    response = client_for(employee).post(reverse("profiles:complete"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="Cook"' in html and "is longer than 100 characters" in html
    assert Profile.objects.get(user=employee).job_title == ""


def test_the_step_is_for_signed_in_people_and_only_gets_and_posts(client, client_for, employee):
    url = reverse("profiles:complete")
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client_for(employee).put(url).status_code == 405


# --- the reminder on home ----------------------------------------------------------------


def render_card(user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load profile_completion %}{% complete_profile_card %}")
    return template.render(Context({"request": request}))


def test_home_reminds_a_new_colleague_until_the_profile_is_complete(employee):
    from profiles import actions

    DepartmentFactory(name="Kitchen", slug="kitchen")
    html = render_card(employee)
    assert "Complete your profile" in html
    assert "a photo, your job title, your department, your skills" in html
    assert reverse("profiles:complete") in html

    profile = Profile.objects.get(user=employee)
    Profile.objects.filter(pk=profile.pk).update(
        job_title="Cook", department=DepartmentFactory(name="Hall", slug="hall")
    )
    actions.set_skill(profile, "Soup", 2, actor=employee)
    actions.set_spoken_languages(profile, ["de"])
    assert missing_parts(employee) == ["a photo"]
    profile.refresh_from_db()
    profile.photo.save("employee.jpg", photo_upload(), save=True)
    assert render_card(employee).strip() == ""


def test_no_department_is_asked_for_where_the_company_has_none(employee):
    assert "your department" not in [str(part) for part in missing_parts(employee)]


# --- the header avatar -------------------------------------------------------------------


def test_the_header_avatar_shows_the_photo_right_after_upload(client_for, employee, site_tree):
    client = client_for(employee)
    summary = client.get("/").content.decode().split('<details class="user-menu">')[1]
    summary = summary.split("</summary>")[0]
    assert "avatar-initials" in summary and "<img" not in summary
    response = client.post(edit_url(), {**profile_form(), "photo": photo_upload()})
    assert response.status_code == 302
    photo = Profile.objects.get(user=employee).photo
    summary = client.get("/").content.decode().split('<details class="user-menu">')[1]
    summary = summary.split("</summary>")[0]
    assert f'<img class="avatar avatar-sm" src="{photo.url}"' in summary


def test_a_new_photo_gets_a_new_address_so_no_browser_keeps_the_old_one(
    settings, tmp_path, client_for, employee
):
    settings.MEDIA_ROOT = str(tmp_path)  # no file of another test to dodge by chance
    client = client_for(employee)
    client.post(edit_url(), {**profile_form(), "photo": photo_upload("red")})
    first = Profile.objects.get(user=employee).photo.url
    client.post(edit_url(), {**profile_form(), "photo": photo_upload("blue")})
    assert Profile.objects.get(user=employee).photo.url != first
