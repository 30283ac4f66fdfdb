"""Skills and endorsements: own skills are edited by their owner; colleagues endorse once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from profiles.actions import set_skill
from profiles.models import Endorsement, ProfileSkill, SkillLevel

pytestmark = pytest.mark.django_db


@pytest.fixture
def kubernetes(employee):
    return set_skill(employee.profile, "Kubernetes", SkillLevel.EXPERT, actor=employee)


def endorse_url(skill) -> str:
    return reverse("profiles:endorse", args=[skill.profile.user.username, skill.skill.slug])


def test_a_person_adds_a_skill_with_a_level(client_for, employee):
    response = client_for(employee).post(
        reverse("profiles:add_skill", args=["employee"]), {"name": " Kubernetes ", "level": "4"}
    )
    assert response.status_code == 302
    skill = ProfileSkill.objects.get(profile__user=employee)
    assert (skill.skill.name, skill.level) == ("Kubernetes", 4)


def test_a_skill_with_the_same_name_in_other_case_is_the_same_skill(employee, outsider, kubernetes):
    other = set_skill(outsider.profile, "kubernetes", 2, actor=outsider)
    assert other.skill == kubernetes.skill


def test_adding_a_skill_to_someone_elses_profile_is_forbidden(client_for, employee, outsider):
    response = client_for(outsider).post(
        reverse("profiles:add_skill", args=["employee"]), {"name": "Lying", "level": "4"}
    )
    assert response.status_code == 403
    assert not ProfileSkill.objects.exists()


def test_adding_a_skill_refuses_get(client_for, employee):
    assert (
        client_for(employee).get(reverse("profiles:add_skill", args=["employee"])).status_code
        == 405
    )


def test_a_bad_level_is_refused_with_a_message(client_for, employee):
    response = client_for(employee).post(
        reverse("profiles:add_skill", args=["employee"]),
        {"name": "Soup", "level": "99"},
        follow=True,
    )
    assert not ProfileSkill.objects.exists()
    assert "99" in response.content.decode()


def test_a_person_removes_their_skill(client_for, employee, kubernetes):
    url = reverse("profiles:remove_skill", args=["employee", kubernetes.skill.slug])
    assert client_for(employee).post(url).status_code == 302
    assert not ProfileSkill.objects.exists()


def test_a_colleague_endorses_a_skill_once(client_for, outsider, kubernetes):
    client = client_for(outsider)
    assert client.post(endorse_url(kubernetes)).status_code == 302
    assert client.post(endorse_url(kubernetes)).status_code == 302
    assert Endorsement.objects.filter(profile_skill=kubernetes, endorser=outsider).count() == 1


def test_a_colleague_withdraws_an_endorsement(client_for, outsider, kubernetes):
    client = client_for(outsider)
    client.post(endorse_url(kubernetes))
    client.post(endorse_url(kubernetes), {"withdraw": "1"})
    assert not Endorsement.objects.exists()


def test_nobody_endorses_their_own_skill(client_for, employee, kubernetes):
    response = client_for(employee).post(endorse_url(kubernetes), follow=True)
    assert not Endorsement.objects.exists()
    assert "cannot endorse your own" in response.content.decode()


def test_endorsing_refuses_get(client_for, outsider, kubernetes):
    assert client_for(outsider).get(endorse_url(kubernetes)).status_code == 405


def test_endorsing_a_skill_the_person_does_not_have_is_not_found(client_for, outsider, employee):
    url = reverse("profiles:endorse", args=["employee", "witchcraft"])
    assert client_for(outsider).post(url).status_code == 404


def test_the_profile_shows_skills_with_endorsement_counts(client_for, outsider, reader, kubernetes):
    client_for(outsider).post(endorse_url(kubernetes))
    client_for(reader).post(endorse_url(kubernetes))
    html = client_for(reader).get(reverse("profiles:detail", args=["employee"])).content.decode()
    assert "Kubernetes" in html and "2 endorsements" in html and "Withdraw endorsement" in html
