"""People through the API: the directory and profiles, with the profile page's choices of
what colleagues see."""

from __future__ import annotations

import datetime

from profiles.models import Profile


def test_the_directory_lists_active_colleagues(api, reader, outsider, employee):
    employee.is_active = False
    employee.save()
    response = api(outsider).get("/api/v1/people/")
    assert response.status_code == 200
    assert [p["username"] for p in response.json()["results"]] == ["outsider", "reader"]


def test_a_profile_hides_what_its_person_keeps_from_colleagues(api, reader, outsider):
    profile = Profile.for_user(reader)
    profile.phone = "+49 30 1234"
    profile.location = "Berlin"
    profile.birthday = datetime.date(1990, 4, 12)
    profile.show_phone = False
    profile.show_location = True
    profile.show_birthday = True
    profile.save()
    seen = api(outsider).get("/api/v1/people/reader/").json()
    assert seen["phone"] is None and seen["mobile"] is None
    assert seen["location"] == "Berlin"
    # Day and month, as the profile page shows it: never the year.
    assert seen["birthday"] == "04-12"
    own = api(reader).get("/api/v1/people/reader/").json()
    assert own["phone"] == "+49 30 1234"


def test_a_site_admin_sees_every_field(api, reader, site_admin):
    profile = Profile.for_user(reader)
    profile.phone = "+49 30 1234"
    profile.show_phone = False
    profile.save()
    assert api(site_admin).get("/api/v1/people/reader/").json()["phone"] == "+49 30 1234"


def test_a_former_colleague_or_nobody_is_a_404(api, reader, outsider):
    reader.is_active = False
    reader.save()
    assert api(outsider).get("/api/v1/people/reader/").status_code == 404
    assert api(outsider).get("/api/v1/people/nobody/").status_code == 404


def test_people_are_read_only(api, reader):
    client = api(reader, "write")
    assert client.post("/api/v1/people/", {}, content_type="application/json").status_code == 405
    assert (
        client.patch("/api/v1/people/reader/", {}, content_type="application/json").status_code
        == 405
    )
