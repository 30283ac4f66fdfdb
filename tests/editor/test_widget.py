"""The editor's form field and widget: what the page sends to the browser and what the
form hands back to the view."""

from __future__ import annotations

import json
from html import unescape

import pytest
from django import forms
from django.utils import translation

from blogs.models import BODY_FEATURES
from intranet.editor import RichTextFormField, RichTextInput, editor_strings
from tests.factories import make_wiki_page


class PostForm(forms.Form):
    body = RichTextFormField(
        features=BODY_FEATURES,
        upload_url="/upload/",
        page_search_url="/pages/search/",
        people_url="/people/suggest/",
    )


def _attribute(html: str, name: str) -> str:
    start = html.index(f'{name}="') + len(name) + 2
    return unescape(html[start : html.index('"', start)])


def test_the_widget_renders_a_textarea_that_names_its_features_and_addresses():
    html = str(PostForm()["body"])
    assert html.startswith("<textarea") and "data-richtext" in html
    assert _attribute(html, "data-features") == " ".join(BODY_FEATURES)
    assert _attribute(html, "data-upload-url") == "/upload/"
    assert _attribute(html, "data-page-search-url") == "/pages/search/"
    assert _attribute(html, "data-people-url") == "/people/suggest/"


def test_without_a_people_address_there_is_no_mention_popup():
    html = RichTextInput(["bold"]).render("body", "")
    assert "data-people-url" not in html and "data-upload-url" not in html


def test_the_widgets_words_are_translated_json_for_the_script():
    with translation.override("en"):
        strings = json.loads(_attribute(str(PostForm()["body"]), "data-strings"))
    assert strings["bold"] == "Bold"
    assert set(strings) == set(editor_strings())


def test_the_widget_brings_the_bundled_editor_and_its_stylesheet():
    media = PostForm().media
    assert "intranet/vendor/editor.min.js" in str(media)
    assert "intranet/css/editor.css" in str(media)


def test_a_submitted_body_is_cleaned_into_the_stored_format():
    form = PostForm(
        {"body": '<p><strong>Hi</strong> <a href="javascript:alert(1)">x</a></p><p></p>'}
    )
    assert form.is_valid()
    assert form.cleaned_data["body"] == "<p><b>Hi</b> x</p>"


def test_an_empty_editor_is_a_missing_body():
    form = PostForm({"body": "<p></p>"})
    assert not form.is_valid()
    assert "body" in form.errors


def test_an_optional_body_may_stay_empty():
    class Optional(forms.Form):
        body = RichTextFormField(required=False)

    form = Optional({"body": "<p> </p>"})
    assert form.is_valid() and form.cleaned_data["body"] == ""


@pytest.mark.django_db
def test_a_stored_body_is_shown_to_the_editor_in_the_editors_format(open_space, editor):
    target = make_wiki_page(open_space, "Target", author=editor)
    form = PostForm(initial={"body": f'<p><a linktype="page" id="{target.pk}">Target</a></p>'})
    html = str(form["body"])
    assert f"data-page-id=&quot;{target.pk}&quot;" in html
    assert "linktype" not in html


def test_a_form_shown_again_after_an_error_keeps_what_was_typed():
    class WithTitle(forms.Form):
        title = forms.CharField()
        body = RichTextFormField()

    typed = '<p>Draft with <a href="/spaces/" data-page-id="x">a link</a></p>'
    form = WithTitle({"title": "", "body": typed})
    assert not form.is_valid()
    assert unescape(str(form["body"])).count(typed) == 1


def test_the_hidden_textarea_keeps_its_label_target():
    html = str(PostForm()["body"])
    assert 'id="id_body"' in html
