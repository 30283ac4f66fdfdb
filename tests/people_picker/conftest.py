"""A small directory with the names the people picker must tell apart: two Wagners, a
Müller, an Özil with a double first name, and a former Emma who has left. The browser
fixtures of tests/e2e/ are shared here for the picker's one browser flow."""

from __future__ import annotations

import pytest

from profiles.models import Profile
from tests.factories import DepartmentFactory, UserFactory


def _person(username, first, last, *, department=None, job_title="", is_active=True):
    user = UserFactory(username=username, first_name=first, last_name=last, is_active=is_active)
    Profile.objects.filter(user=user).update(department=department, job_title=job_title)
    return user


@pytest.fixture
def sales(db):
    return DepartmentFactory(name="Sales", slug="sales")


@pytest.fixture
def it_department(db):
    return DepartmentFactory(name="IT", slug="it")


@pytest.fixture
def emma(sales):
    return _person("ewagner", "Emma", "Wagner", department=sales, job_title="Account Manager")


@pytest.fixture
def erik(it_department):
    return _person("erik", "Erik", "Wagner", department=it_department, job_title="Admin")


@pytest.fixture
def juergen(db):
    return _person("jmueller", "Jürgen", "Müller")


@pytest.fixture
def anna_lena(db):
    return _person("aoezil", "Anna-Lena", "Özil")


@pytest.fixture
def former_emma(db):
    return _person("eformer", "Emma", "Gone", is_active=False)


@pytest.fixture
def directory(emma, erik, juergen, anna_lena, former_emma):
    return {"emma": emma, "erik": erik, "juergen": juergen, "anna_lena": anna_lena}
