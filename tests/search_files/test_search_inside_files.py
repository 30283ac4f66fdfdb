"""Search inside files: a page is found by the text of the files it links, with the page's
own visibility, and the hit names the file and shows a snippet from inside it."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from search.query import search_content
from tests.factories import make_blog_post, make_wiki_page
from tests.search_files.conftest import link_to
from tests.search_files.files import (
    docx_bytes,
    encrypted_docx_bytes,
    odt_bytes,
    pdf_bytes,
    pptx_bytes,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

SEARCH = "/search/"
FILES = {
    "pdf": lambda text: pdf_bytes("Protokoll der Sitzung", text),
    "docx": lambda text: docx_bytes("Protokoll der Sitzung", text),
    "pptx": lambda text: pptx_bytes("Protokoll der Sitzung", text),
    "xlsx": lambda text: xlsx_bytes([["Protokoll der Sitzung"], [text]]),
    "odt": lambda text: odt_bytes("Protokoll der Sitzung", text),
}
SECRET = "Die Fusion mit Quokkasoft wird im Mai vollzogen."


@pytest.mark.parametrize("extension", list(FILES))
def test_a_member_finds_a_members_only_page_by_the_text_of_its_file(
    extension, editor, reader, private_space, upload, page_holding, client_for
):
    document = upload(editor, f"protokoll.{extension}", FILES[extension](SECRET))
    page_holding(private_space, "Board minutes", document)

    results = search_content(reader, "Quokkasoft")
    assert [hit.title for hit in results.hits] == ["Board minutes"]
    assert results.hits[0].file.name == f"protokoll.{extension}"

    page = client_for(reader).get(SEARCH, {"q": "Quokkasoft"}).content.decode()
    assert f'<a href="{document.url}">protokoll.{extension}</a>' in page
    assert "<mark>Quokkasoft</mark>" in page


@pytest.mark.parametrize("extension", list(FILES))
def test_an_outsider_never_finds_a_members_only_page_through_its_file(
    extension, editor, outsider, private_space, upload, page_holding, client_for
):
    document = upload(editor, f"protokoll.{extension}", FILES[extension](SECRET))
    page_holding(private_space, "Board minutes", document)

    results = search_content(outsider, "Quokkasoft")
    assert results.total == 0
    assert results.hits == []
    assert not results.did_you_mean and not results.corrected_from
    page = client_for(outsider).get(SEARCH, {"q": "Quokkasoft Fusion"}).content.decode()
    assert "Board minutes" not in page
    assert "protokoll" not in page
    assert "Zanzibar" not in page


def test_a_file_on_an_open_and_a_members_only_page_is_found_to_the_outsider_only_on_the_open_one(
    editor, reader, outsider, open_space, private_space, upload, page_holding
):
    document = upload(editor, "kantine.pdf", pdf_bytes("Neue Kaffeemaschine im Erdgeschoss"))
    page_holding(open_space, "Canteen news", document)
    page_holding(private_space, "Facility plans", document)
    assert [hit.title for hit in search_content(outsider, "Kaffeemaschine").hits] == [
        "Canteen news"
    ]
    assert {hit.title for hit in search_content(reader, "Kaffeemaschine").hits} == {
        "Canteen news",
        "Facility plans",
    }


def test_the_hit_shows_the_file_name_and_a_snippet_from_inside_the_file(
    editor, reader, open_space, upload, page_holding
):
    words = "Einleitung. " * 60 + "Die Kilometerpauschale beträgt 30 Cent je Kilometer."
    document = upload(editor, "Reiserichtlinie.pdf", pdf_bytes(words))
    page_holding(open_space, "Travel", document, body="<p>Our rules for business trips.</p>")

    hit = search_content(reader, "Kilometerpauschale").hits[0]
    assert hit.file.name == "Reiserichtlinie.pdf"
    assert hit.file.url == document.url
    assert "<mark>Kilometerpauschale</mark> beträgt 30 Cent" in hit.snippet
    assert "business trips" not in hit.snippet
    html = render_to_string("search/hit.html", {"hit": hit})
    assert f'In the attached file <a href="{document.url}">Reiserichtlinie.pdf</a>:' in " ".join(
        html.split()
    )


def test_words_on_the_page_itself_keep_the_pages_own_snippet(
    editor, reader, open_space, upload, page_holding
):
    document = upload(editor, "agenda.pdf", pdf_bytes("Budget planning in detail"))
    page_holding(open_space, "Budget", document, body="<p>The budget planning starts now.</p>")
    hit = search_content(reader, "planning").hits[0]
    assert hit.file is None
    assert "<mark>planning</mark> starts now" in hit.snippet


def test_a_blog_post_is_found_by_the_text_of_its_file(
    editor, reader, open_space, upload, client_for
):
    from blogs.models import BlogIndexPage

    blog = BlogIndexPage.objects.child_of(open_space).first() or open_space.add_child(
        instance=BlogIndexPage(title="Blog", slug="blog")
    )
    document = upload(editor, "roadmap.pptx", pptx_bytes("Roadmap", "Mobile App im Herbst"))
    make_blog_post(blog, "Our roadmap", f"<p>{link_to(document)}</p>", author=editor)
    hit = search_content(reader, "Herbst").hits[0]
    assert (hit.title, hit.file.name) == ("Our roadmap", "roadmap.pptx")


def test_a_draft_that_links_a_file_is_not_found_by_it(editor, reader, open_space, upload):
    document = upload(editor, "draft.docx", docx_bytes("Vorläufige Stellenbeschreibung"))
    page = make_wiki_page(open_space, "Jobs", "<p>Open positions.</p>", author=editor)
    page.body = f"<p>Open positions: {link_to(document)}</p>"
    page.save_revision(user=editor)
    assert search_content(reader, "Stellenbeschreibung").total == 0


def test_a_file_whose_text_cannot_be_read_leaves_the_page_found_by_its_own_text(
    editor, reader, open_space, upload, page_holding
):
    document = upload(editor, "gehalt.docx", encrypted_docx_bytes("Tarifvertrag"))
    page_holding(open_space, "Pay", document, body="<p>Pay bands for 2027.</p>")
    assert search_content(reader, "Tarifvertrag").total == 0
    hit = search_content(reader, "bands").hits[0]
    assert (hit.title, hit.file) == ("Pay", None)


def test_the_file_named_in_a_hit_opens_for_the_member_and_not_for_the_outsider(
    editor, reader, outsider, private_space, upload, page_holding, client_for
):
    document = upload(editor, "protokoll.pdf", pdf_bytes(SECRET))
    page_holding(private_space, "Board minutes", document)
    url = search_content(reader, "Quokkasoft").hits[0].file.url
    assert client_for(reader).get(url).status_code == 200
    assert client_for(outsider).get(url).status_code == 404


def test_searching_inside_files_answers_only_get(client_for, reader):
    assert client_for(reader).post(SEARCH, {"q": "Quokkasoft"}).status_code == 405


def test_a_word_typed_with_ae_oe_ue_finds_and_marks_its_umlaut_spelling_in_a_file(
    editor, reader, open_space, upload, page_holding
):
    document = upload(
        editor, "aushang.odt", odt_bytes("Aushang", "Neue Öffnungszeiten der Kantine")
    )
    page_holding(open_space, "Canteen", document)
    hit = search_content(reader, "Oeffnungszeiten").hits[0]
    assert hit.file.name == "aushang.odt"
    assert "<mark>Öffnungszeiten</mark>" in hit.snippet


def test_a_match_deep_inside_a_long_file_is_found_and_shown(
    editor, reader, open_space, upload, page_holding, settings
):
    settings.FILE_TEXT_MAX_CHARS = 200_000
    lines = "\n".join(f"Zeile {n} mit allgemeinem Text über Abläufe." for n in range(3000))
    document = upload(
        editor, "handbuch.txt", f"{lines}\nDer Notfallkontakt ist Frau Weber.".encode()
    )
    page_holding(open_space, "Handbook", document)
    hit = search_content(reader, "Notfallkontakt").hits[0]
    assert hit.file.name == "handbuch.txt"
    assert hit.snippet == "Der <mark>Notfallkontakt</mark> ist Frau Weber."
