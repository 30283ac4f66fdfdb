"""PersonField: a person as people type them, resolved to exactly one active colleague."""

from __future__ import annotations

import pytest
from django import forms

from intranet.pickers import PersonField
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class OneForm(forms.Form):
    person = PersonField(label="Person")


class ManyForm(forms.Form):
    people = PersonField(label="People", multiple=True, required=False)


def resolve(text: str):
    form = OneForm({"person": text})
    assert form.is_valid(), form.errors
    return form.cleaned_data["person"]


def errors_for(text: str) -> list[str]:
    form = OneForm({"person": text})
    assert not form.is_valid()
    return form.errors["person"]


@pytest.mark.parametrize(
    "text",
    [
        "ewagner",
        "@ewagner",
        "EWagner",
        "Emma Wagner",
        "  emma wagner ",
        "Wagner Emma",
        "ewagner@example.com",
        "ewagner@example",
        "Emma",
    ],
)
def test_emma_is_found_however_she_is_typed(directory, text):
    assert resolve(text) == directory["emma"]


def test_a_name_written_without_umlauts_finds_the_person(directory):
    assert resolve("Juergen Mueller") == directory["juergen"]


def test_a_name_that_fits_two_people_asks_which_one(directory):
    assert errors_for("Wagner") == [
        "Which one: Emma Wagner (Sales, @ewagner), Erik Wagner (IT, @erik)?"
    ]


def test_the_exact_full_name_wins_over_a_longer_one(directory):
    UserFactory(username="emmaw2", first_name="Emma", last_name="Wagnerova")
    assert resolve("Emma Wagner") == directory["emma"]


def test_two_people_of_the_same_name_are_told_apart_by_username(directory, sales):
    twin = UserFactory(username="ewagner2", first_name="Emma", last_name="Wagner")
    [message] = errors_for("Emma Wagner")
    assert "@ewagner)" in message and "@ewagner2)" in message
    assert resolve("ewagner2") == twin


def test_a_name_that_fits_many_asks_for_more(directory):
    for n in range(6):
        UserFactory(username=f"wagner{n}", first_name=f"W{n}", last_name="Wagner")
    [message] = errors_for("Wagner")
    assert "type more of the name" in message


def test_nobody_of_that_name_is_a_clear_error(directory):
    assert errors_for("Zacharias") == ["Nobody with the username or name “Zacharias”."]


def test_someone_who_left_is_not_found(directory):
    assert errors_for("eformer") == ["Nobody with the username or name “eformer”."]
    assert errors_for("Emma Gone")


def test_a_null_character_is_a_form_error(directory):
    assert errors_for("emma\x00") == ["Null characters are not allowed."]


def test_an_empty_optional_field_is_none(directory):
    field = PersonField(required=False)
    assert field.clean("") is None and field.clean("   ") is None


def test_the_many_variant_takes_a_list_separated_by_commas(directory):
    form = ManyForm({"people": "Emma Wagner, jmueller,  Emma Wagner, "})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["people"] == [directory["emma"], directory["juergen"]]


def test_the_many_variant_names_every_person_it_cannot_place(directory):
    form = ManyForm({"people": "Wagner, Zacharias, jmueller"})
    assert not form.is_valid()
    assert form.errors["people"] == [
        "Which one: Emma Wagner (Sales, @ewagner), Erik Wagner (IT, @erik)?",
        "Nobody with the username or name “Zacharias”.",
    ]


def test_the_many_variant_is_empty_when_left_empty(directory):
    form = ManyForm({"people": ""})
    assert form.is_valid() and form.cleaned_data["people"] == []


def test_the_box_shows_a_username_and_carries_the_name_for_the_script(directory):
    html = str(OneForm(initial={"person": directory["emma"]})["person"])
    assert 'value="ewagner"' in html
    assert "data-person-picker" in html
    assert 'data-suggest-url="/people/-/suggest/"' in html
    assert 'data-names="{&quot;ewagner&quot;: &quot;Emma Wagner&quot;}"' in html


def test_the_many_box_lists_usernames_and_says_it_takes_several(directory):
    form = ManyForm(initial={"people": [directory["emma"], directory["erik"]]})
    html = str(form["people"])
    assert 'value="ewagner, erik"' in html and "data-multiple" in html


def test_the_form_brings_the_picker_script_and_its_styles():
    media = str(OneForm().media)
    assert "intranet/js/people-picker.js" in media and "defer" in media
    assert "intranet/people-picker.css" in media
