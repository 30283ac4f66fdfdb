"""`manage.py import_people`: validates the whole HR file, then applies all of it or none."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from profiles.models import Profile

pytestmark = pytest.mark.django_db
HEADER = "username,email,first_name,last_name,job_title,department,manager,location,phone\n"


def run(tmp_path, text: str, *args) -> str:
    path = tmp_path / "people.csv"
    path.write_text(text, encoding="utf-8")
    out = StringIO()
    call_command("import_people", str(path), *args, stdout=out, stderr=out)
    return out.getvalue()


def test_people_are_created_with_departments_and_managers(tmp_path, departments):
    output = run(
        tmp_path,
        HEADER
        + "lena,lena@example.com,Lena,Koch,Head of IT,it,,Berlin,+49 1\n"
        + "jonas,jonas@example.com,Jonas,Wolf,Engineer,it-ops,lena,Hamburg,\n",
    )
    assert "2 created, 0 updated, 0 skipped" in output
    jonas = Profile.objects.select_related("manager", "department").get(user__username="jonas")
    assert (jonas.manager.username, jonas.department.slug, jonas.location) == (
        "lena",
        "it-ops",
        "Hamburg",
    )


def test_a_second_run_skips_unchanged_rows_and_updates_changed_ones(tmp_path, departments):
    row = "lena,lena@example.com,Lena,Koch,Head of IT,it,,Berlin,\n"
    run(tmp_path, HEADER + row)
    output = run(tmp_path, HEADER + row + "jonas,,Jonas,Wolf,Engineer,it,,,\n")
    assert "1 created, 0 updated, 1 skipped" in output
    output = run(tmp_path, HEADER + row.replace("Head of IT", "CTO"))
    assert "0 created, 1 updated, 0 skipped" in output


def test_missing_columns_stop_the_import(tmp_path, departments):
    with pytest.raises(CommandError):
        run(tmp_path, "username,email\nlena,lena@example.com\n")
    assert not get_user_model().objects.filter(username="lena").exists()


def test_an_unknown_department_is_reported_per_row_and_nothing_is_applied(tmp_path, departments):
    with pytest.raises(CommandError) as error:
        run(
            tmp_path,
            HEADER
            + "lena,,Lena,Koch,,it,,,\n"
            + "jonas,,Jonas,Wolf,,narnia,,,\n"
            + "mia,not-an-email,Mia,Lange,,it,,,\n",
        )
    assert "line 3" in str(error.value) and "narnia" in str(error.value)
    assert "line 4" in str(error.value) and "email" in str(error.value)
    assert not get_user_model().objects.filter(username__in=["lena", "jonas", "mia"]).exists()


def test_a_manager_loop_in_the_file_applies_nothing(tmp_path, departments):
    with pytest.raises(CommandError) as error:
        run(tmp_path, HEADER + "lena,,Lena,,,it,jonas,,\n" + "jonas,,Jonas,,,it,lena,,\n")
    assert "loop" in str(error.value)
    assert not get_user_model().objects.filter(username__in=["lena", "jonas"]).exists()


def test_a_loop_with_an_existing_reporting_line_is_refused(
    tmp_path, departments, employee, outsider
):
    Profile.objects.filter(user=outsider).update(manager=employee)
    with pytest.raises(CommandError, match="loop"):
        run(tmp_path, HEADER + "employee,,,,,it,outsider,,\n")
    assert Profile.objects.get(user=employee).manager is None


def test_an_unknown_manager_is_an_error(tmp_path, departments):
    with pytest.raises(CommandError, match="Unknown manager"):
        run(tmp_path, HEADER + "lena,,Lena,,,it,ghost,,\n")


def test_a_dry_run_reports_but_changes_nothing(tmp_path, departments):
    output = run(tmp_path, HEADER + "lena,,Lena,Koch,,it,,,\n", "--dry-run")
    assert "1 created" in output and "dry run" in output.lower()
    assert not get_user_model().objects.filter(username="lena").exists()


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_people", str(tmp_path / "nope.csv"))
