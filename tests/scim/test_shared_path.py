"""The HR import and SCIM write people through one function, `provision_person`: the same
validation, the same audit entries, the same leaver handling."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from audit.models import AuditAction, AuditEntry
from profiles.actions import ensure_department, provision_person
from profiles.models import Department, Profile
from tests.scim.conftest import ENTERPRISE, patch_op

HEADER = "username,email,first_name,last_name,job_title,department,manager,location,phone\n"


def test_someone_the_hr_import_made_is_found_and_updated_by_scim(tmp_path, scim):
    Department.objects.create(name="IT", slug="it")
    path = tmp_path / "people.csv"
    path.write_text(HEADER + "lena,lena@example.com,Lena,Koch,Engineer,it,,Berlin,\n")
    call_command("import_people", str(path), stdout=StringIO())
    created = AuditEntry.objects.get(action=AuditAction.PERSON_CREATED)
    assert created.actor is None and created.details["department"] == "IT"

    found = scim.get('Users?filter=userName eq "lena"').json()["Resources"]
    assert found[0][ENTERPRISE]["department"] == "IT"
    scim.patch(
        f"Users/{found[0]['id']}", patch_op({"op": "replace", "path": "title", "value": "CTO"})
    )

    profile = Profile.objects.get(user__username="lena")
    assert (profile.job_title, profile.location, profile.department.slug) == ("CTO", "Berlin", "it")
    changed = AuditEntry.objects.get(action=AuditAction.PERSON_CHANGED)
    assert changed.details == {"job_title": {"before": "Engineer", "after": "CTO"}}


def test_an_absent_attribute_keeps_its_value_and_an_empty_one_clears_it(db):
    user = provision_person({"username": "mia", "job_title": "Chef", "phone": "1"}).user
    result = provision_person({"username": "mia", "phone": ""})
    profile = Profile.objects.get(user=user)
    assert (profile.job_title, profile.phone) == ("Chef", "")
    assert result.changes == {"phone": {"before": "1", "after": ""}} and not result.created


def test_a_person_cannot_manage_themselves(db):
    user = provision_person({"username": "mia"}).user
    with pytest.raises(ValidationError, match="loop"):
        provision_person({"username": "mia", "manager": user})


def test_ensure_department_finds_by_name_and_makes_a_free_slug(db):
    Department.objects.create(name="Research", slug="sales")
    assert ensure_department("  research ") == Department.objects.get(slug="sales")
    Department.objects.create(name="Other", slug="legal")
    made = ensure_department("Legal")
    assert (made.name, made.slug) == ("Legal", "legal-2")
