"""Reading the text inside files (intranet/extraction.py): each of the five formats, and
the files that cannot be read, which give a status and never an exception."""

from __future__ import annotations

import pytest

from intranet import extraction
from intranet.extraction import Extracted, Limits, extract_text, read_in_child
from intranet.models import DocumentText
from tests.search_files.files import (
    docx_bytes,
    encrypted_docx_bytes,
    encrypted_odt_bytes,
    encrypted_pdf_bytes,
    odt_bytes,
    pdf_bytes,
    pptx_bytes,
    xlsx_bytes,
    zip_bomb_docx,
)

ROOMY = {"max_chars": 100_000, "max_unpacked": 50 * 1024 * 1024}
LIMITS = Limits(max_chars=100_000, max_unpacked=50 * 1024 * 1024, seconds=30, memory=1 << 30)


def read(data: bytes, extension: str, **limits) -> Extracted:
    return extract_text(data, extension, **{**ROOMY, **limits})


# --- the five formats ---------------------------------------------------------------------


def test_the_text_of_every_page_of_a_pdf_is_read():
    found = read(pdf_bytes("Die Kilometerpauschale (neu)", "Second page: mileage"), "pdf")
    assert found == Extracted("ok", "Die Kilometerpauschale (neu)\nSecond page: mileage")


def test_paragraphs_and_tables_of_a_word_file_are_read_in_their_order():
    data = docx_bytes(
        "Onboarding checklist", "Bring your passport.", table=[["Item", "Who"], ["Laptop", "IT"]]
    )
    found = read(data, "docx")
    assert found.status == "ok"
    assert found.text == "Onboarding checklist\nBring your passport.\nItem | Who\nLaptop | IT"


def test_slides_and_speaker_notes_of_a_presentation_are_read():
    found = read(pptx_bytes("Quartalsbericht", "Umsatz steigt", notes="Nicht vorlesen"), "pptx")
    assert found == Extracted("ok", "Quartalsbericht\nUmsatz steigt\nNicht vorlesen")


def test_sheet_names_and_cell_values_of_a_workbook_are_read():
    found = read(xlsx_bytes([["Posten", "Betrag"], ["Druckerpapier", 12.5], [None, None]]), "xlsx")
    assert found == Extracted("ok", "Budget\nPosten | Betrag\nDruckerpapier | 12.5")


def test_headings_and_paragraphs_of_an_opendocument_text_are_read_apart():
    found = read(odt_bytes("Öffnungszeiten", "Montag bis Freitag", "Samstag geschlossen"), "odt")
    assert found == Extracted("ok", "Öffnungszeiten\nMontag bis Freitag\nSamstag geschlossen")


def test_the_extension_is_read_whatever_its_case():
    assert read(pdf_bytes("Upper case"), ".PDF").text == "Upper case"


def test_plain_text_and_csv_in_the_windows_code_page_are_read():
    assert read("Größe;Preis\n".encode("cp1252"), "csv").text == "Größe;Preis"
    assert read("\ufeffHallo Welt".encode(), "txt").text == "Hallo Welt"


# --- what cannot be read ------------------------------------------------------------------


@pytest.mark.parametrize("extension", ["pdf", "docx", "pptx", "xlsx", "odt"])
def test_damaged_bytes_of_each_format_are_corrupt(extension):
    makers = {
        "pdf": lambda: pdf_bytes("Text"),
        "docx": lambda: docx_bytes("Text"),
        "pptx": lambda: pptx_bytes("Title", "Text"),
        "xlsx": lambda: xlsx_bytes([["Text"]]),
        "odt": lambda: odt_bytes("Title", "Text"),
    }
    whole = makers[extension]()
    assert read(whole[: len(whole) // 3], extension) == Extracted("corrupt")
    assert read(b"this is not a file of that type" * 20, extension) == Extracted("corrupt")


def test_a_pdf_that_needs_a_password_is_encrypted():
    assert read(encrypted_pdf_bytes("Gehaltsliste"), "pdf") == Extracted("encrypted")


def test_a_pdf_that_only_protects_its_owners_rights_is_read():
    found = read(encrypted_pdf_bytes("Offen lesbar", user_password=""), "pdf")
    assert found == Extracted("ok", "Offen lesbar")


def test_a_word_file_saved_with_a_password_is_encrypted():
    assert read(encrypted_docx_bytes("Gehaltsliste"), "docx") == Extracted("encrypted")


def test_an_opendocument_saved_with_a_password_is_encrypted():
    assert read(encrypted_odt_bytes(), "odt") == Extracted("encrypted")


def test_an_old_binary_office_file_under_a_new_name_is_unsupported():
    # What a .doc renamed to .docx looks like: an OLE container without an encrypted package.
    import olefile

    assert read(olefile.MAGIC + b"\0" * 1024, "docx") == Extracted("unsupported")


def test_a_file_that_would_unpack_past_the_limit_is_too_large():
    bomb = zip_bomb_docx(8 * 1024 * 1024)
    assert len(bomb) < 100_000
    assert read(bomb, "docx", max_unpacked=4 * 1024 * 1024) == Extracted("too_large")


def test_types_search_does_not_read_are_unsupported():
    assert read(b"PK\x03\x04", "zip") == Extracted("unsupported")
    assert read(b"\xd0\xcf\x11\xe0", "doc") == Extracted("unsupported")


def test_a_file_without_text_is_empty():
    assert read(pdf_bytes(""), "pdf") == Extracted("empty")
    assert read(b"", "pdf") == Extracted("empty")


def test_long_text_is_cut_at_a_word_end_and_marked_truncated():
    found = read(("Wissensmanagement " * 1000).encode(), "txt", max_chars=100)
    assert found.truncated
    assert len(found.text) <= 100
    assert found.text.endswith("Wissensmanagement")


def test_control_characters_never_reach_the_stored_text():
    found = read(b"Nul\x00byte and\x07bell\r\n\r\n\r\n\r\nnext", "txt")
    assert found.text == "Nul byte and bell\n\nnext"


def test_every_status_is_one_the_model_stores():
    assert set(extraction.STATUSES) == set(DocumentText.Status.values)


# --- in a child process -------------------------------------------------------------------


def test_a_child_process_reads_the_file_and_answers_the_same():
    data = pptx_bytes("Kantine", "Neue Öffnungszeiten")
    assert read_in_child(data, "pptx", LIMITS) == read(data, "pptx")


def test_a_child_that_runs_out_of_time_makes_the_file_too_large():
    slow = Limits(max_chars=100, max_unpacked=100, seconds=0.001, memory=1 << 30)
    assert read_in_child(pdf_bytes("Text"), "pdf", slow) == Extracted("too_large")


def test_a_child_that_runs_out_of_memory_makes_the_file_too_large():
    text = ("Wort " * 8_000_000).encode()  # 40 MB of text, read whole
    keep_all = {"max_chars": 10**9, "max_unpacked": 1, "seconds": 60}
    tight = Limits(**keep_all, memory=150 * 1024 * 1024)
    roomy = Limits(**keep_all, memory=1 << 30)
    assert read_in_child(text, "txt", tight) == Extracted("too_large")
    assert read_in_child(text, "txt", roomy).status == "ok"


def test_a_damaged_file_read_in_a_child_is_corrupt():
    assert read_in_child(b"%PDF-1.4 broken", "pdf", LIMITS) == Extracted("corrupt")


def test_an_unsupported_type_starts_no_child(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("no child for a type nobody reads")

    monkeypatch.setattr(extraction.subprocess, "run", refuse)
    assert read_in_child(b"PK", "zip", LIMITS) == Extracted("unsupported")
