"""/people/-/suggest/: the colleagues the picker offers, for employees only, GET only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from intranet.pickers import people_matching
from profiles.models import Profile
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/people/-/suggest/"


def names(client, q: str) -> list[str]:
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    return [row["name"] for row in response.json()["results"]]


def test_the_address_is_the_named_route_before_any_username():
    assert reverse("profiles:suggest") == URL


def test_anonymous_visitors_are_sent_to_log_in(client, directory):
    response = client.get(URL, {"q": "emma"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_it_refuses_post(client_for, employee):
    assert client_for(employee).post(URL, {"q": "emma"}).status_code == 405


def test_it_answers_head(client_for, employee):
    assert client_for(employee).head(URL, {"q": "emma"}).status_code == 200


def test_an_employee_gets_name_detail_and_avatar(client_for, employee, directory):
    response = client_for(employee).get(URL, {"q": "emma"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["results"] == [
        {
            "username": "ewagner",
            "name": "Emma Wagner",
            "detail": "Account Manager · Sales",
            "avatar": "",
            "initials": "EW",
        }
    ]


def test_a_photo_is_given_as_its_address(client_for, employee, emma):
    Profile.objects.filter(user=emma).update(photo="avatars/emma.png")
    [row] = client_for(employee).get(URL, {"q": "emma"}).json()["results"]
    assert row["avatar"] == "/media/avatars/emma.png"


def test_it_matches_the_start_of_a_first_name(client_for, employee, directory):
    assert names(client_for(employee), "Emm") == ["Emma Wagner"]


def test_it_matches_the_start_of_a_last_name(client_for, employee, directory):
    assert names(client_for(employee), "wagn") == ["Emma Wagner", "Erik Wagner"]


def test_it_matches_a_full_name_in_either_order(client_for, employee, directory):
    client = client_for(employee)
    assert names(client, "Emma Wagner") == ["Emma Wagner"]
    assert names(client, "wagner emma") == ["Emma Wagner"]
    assert names(client, "Emma W") == ["Emma Wagner"]


def test_it_matches_a_username_and_a_word_inside_a_name(client_for, employee, directory):
    client = client_for(employee)
    assert names(client, "jmue") == ["Jürgen Müller"]
    assert names(client, "Lena") == ["Anna-Lena Özil"]


def test_it_matches_the_middle_of_no_word(client_for, employee, directory):
    assert names(client_for(employee), "agner") == []


@pytest.mark.parametrize("q", ["Mueller", "müller", "MÜLL", "juergen", "Oezil", "özil"])
def test_umlauts_match_however_they_are_written(client_for, employee, directory, q):
    found = names(client_for(employee), q)
    assert found in (["Jürgen Müller"], ["Anna-Lena Özil"])


def test_people_who_left_are_not_suggested(client_for, employee, directory):
    assert names(client_for(employee), "Gone") == []
    assert names(client_for(employee), "eformer") == []


def test_the_whole_name_comes_before_a_later_word(client_for, employee, directory):
    UserFactory(username="aemmaus", first_name="Anna", last_name="Emmaus")
    assert names(client_for(employee), "emma") == ["Emma Wagner", "Anna Emmaus"]


def test_an_exact_username_comes_first(client_for, employee, directory):
    UserFactory(username="erik2", first_name="Erik", last_name="Adams")
    assert names(client_for(employee), "erik") == ["Erik Wagner", "Erik Adams"]


def test_it_answers_at_most_ten(client_for, employee):
    for n in range(12):
        UserFactory(username=f"max{n}", first_name="Max", last_name=f"Muster{n:02}")
    assert len(names(client_for(employee), "max")) == 10


@pytest.mark.parametrize(
    "q", ["", "   ", "@", ",,,", "%", "_", "' OR 1=1 --", "a" * 5000, "x y z w v u t s"]
)
def test_an_empty_or_odd_query_finds_nobody_without_an_error(client_for, employee, directory, q):
    assert names(client_for(employee), q) == []


def test_like_wildcards_are_taken_literally(client_for, employee, directory):
    assert names(client_for(employee), "e%") == []
    assert names(client_for(employee), "e_ma") == []


def test_a_missing_query_finds_nobody(client_for, employee, directory):
    response = client_for(employee).get(URL)
    assert response.json() == {"results": []}


def test_the_ten_best_cost_one_query_with_their_departments(directory, django_assert_num_queries):
    for n in range(12):
        UserFactory(username=f"wagner{n}", first_name="Walter", last_name="Wagner")
    with django_assert_num_queries(1):
        found = list(people_matching("wag")[:10])
        details = [p.profile.department for p in found]
    assert len(found) == 10 and details
