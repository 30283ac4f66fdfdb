"""Reading the text inside an uploaded file, so that search finds the page that holds it.

Formats: PDF (pypdf), Word (DOCX, python-docx), PowerPoint (PPTX, python-pptx), Excel (XLSX,
openpyxl in read-only mode), OpenDocument text, spreadsheets and presentations (ODT, ODS,
ODP, odfdo), and plain text and CSV. Every other type is "unsupported".

What comes out is an `Extracted`: a status and, when the file could be read, its text, cut at
`max_chars` characters. A file that cannot be read never raises: damaged bytes are
"corrupt", a password-protected file "encrypted" (a PDF that opens with the empty password,
which only forbids printing or copying, is read), and a file that would unpack past
`max_unpacked` bytes or trips a library's own limit "too_large".

Parsers of untrusted files can loop or swell for a long time on crafted input, and the
process that reads them is the task worker, the single writer of the search index. So
`read_in_child` reads each file in a child process (`python -m intranet.extraction`) with a
time limit and a memory limit: a file that runs over either is "too_large", and the worker
goes on. This module imports no Django, so the child starts in a fraction of a second.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

OK = "ok"
EMPTY = "empty"
CORRUPT = "corrupt"
ENCRYPTED = "encrypted"
TOO_LARGE = "too_large"
UNSUPPORTED = "unsupported"
STATUSES = (OK, EMPTY, CORRUPT, ENCRYPTED, TOO_LARGE, UNSUPPORTED)

OOXML = {"docx", "pptx", "xlsx"}
OPENDOCUMENT = {"odt", "ods", "odp"}
PLAIN_TEXT = {"txt", "csv"}
READABLE = {"pdf"} | OOXML | OPENDOCUMENT | PLAIN_TEXT

# An encrypted Office file is not a ZIP but an OLE compound file holding the encrypted
# package; a legacy .doc/.xls renamed to .docx starts the same way.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODF_MANIFEST = "META-INF/manifest.xml"
ODF_MANIFEST_NS = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
# Control characters other than tab and newline: PostgreSQL refuses NUL in text, and none
# of them is a word.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]+")
BLANK_LINES = re.compile(r"\n\s*\n+")
# The project's root, from which the child imports this module.
ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Extracted:
    status: str
    text: str = ""
    truncated: bool = False


class Unreadable(Exception):
    """Reading stopped for a reason the status names."""

    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status


# --- one format each --------------------------------------------------------------------------


def _pdf(data: bytes) -> Iterator[str]:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")
        except (DependencyError, NotImplementedError, FileNotDecryptedError):
            raise Unreadable(ENCRYPTED) from None
        if not opened:
            raise Unreadable(ENCRYPTED)
    try:
        for page in reader.pages:
            yield page.extract_text()
    except LimitReachedError:
        # pypdf's own guard against streams that inflate without end.
        raise Unreadable(TOO_LARGE) from None


def _docx(data: bytes) -> Iterator[str]:
    import docx
    from docx.table import Table

    document = docx.Document(io.BytesIO(data))
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            yield from _table_rows(block)
        else:
            yield block.text


def _table_rows(table) -> Iterator[str]:
    """A Word or PowerPoint table, a line per row; a merged cell is named once."""
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = cell.text.strip()
            if text and (not cells or cells[-1] != text):
                cells.append(text)
        yield " | ".join(cells)


def _pptx(data: bytes) -> Iterator[str]:
    from pptx import Presentation

    presentation = Presentation(io.BytesIO(data))
    for slide in presentation.slides:
        yield from _shape_texts(slide.shapes)
        if slide.has_notes_slide:
            notes = slide.notes_slide.notes_text_frame
            if notes is not None:
                yield notes.text


def _shape_texts(shapes) -> Iterator[str]:
    for shape in shapes:
        if getattr(shape, "has_text_frame", False) and shape.has_text_frame:
            yield shape.text_frame.text
        if getattr(shape, "has_table", False) and shape.has_table:
            yield from _table_rows(shape.table)
        if hasattr(shape, "shapes"):  # a group
            yield from _shape_texts(shape.shapes)


def _xlsx(data: bytes) -> Iterator[str]:
    from openpyxl import load_workbook

    # Read-only streams the rows; data_only gives the values formulas last computed.
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:
            yield sheet.title
            for row in sheet.iter_rows(values_only=True):
                values = [str(value) for value in row if value is not None and value != ""]
                if values:
                    yield " | ".join(values)
    finally:
        workbook.close()


def _opendocument(data: bytes) -> Iterator[str]:
    from odfdo import Document

    document = Document(io.BytesIO(data))
    if document.get_type() == "spreadsheet":
        yield document.get_formatted_text()  # each sheet as CSV
        return
    # Block by block: odfdo's whole-document text runs a heading into the paragraph after it.
    context = {
        "document": document,
        "footnotes": [],
        "endnotes": [],
        "annotations": [],
        "rst_mode": False,
        "img_counter": 0,
        "images": [],
        "no_img_level": 0,
    }
    for block in document.body.children:
        yield block.get_formatted_text(context)


def _plain_text(data: bytes) -> Iterator[str]:
    try:
        yield data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Office programs on Windows still write CSV in the Western code page.
        yield data.decode("cp1252", errors="replace")


READERS = {
    "pdf": _pdf,
    "docx": _docx,
    "pptx": _pptx,
    "xlsx": _xlsx,
    "odt": _opendocument,
    "ods": _opendocument,
    "odp": _opendocument,
    "txt": _plain_text,
    "csv": _plain_text,
}


# --- containers -------------------------------------------------------------------------------


def _is_encrypted_office_file(data: bytes) -> bool:
    """Whether an OLE compound file is an encrypted Office (OOXML) package."""
    import olefile

    try:
        with olefile.OleFileIO(data) as ole:
            return ole.exists("EncryptionInfo") and ole.exists("EncryptedPackage")
    except (OSError, ValueError):
        return False


def _check_container(data: bytes, extension: str, max_unpacked: int) -> None:
    """Refuse a ZIP-based file that is encrypted, is no ZIP, or would unpack too far."""
    if extension in OOXML and data.startswith(OLE_MAGIC):
        # A password-protected Office file, or an old binary one under a new name.
        raise Unreadable(ENCRYPTED if _is_encrypted_office_file(data) else UNSUPPORTED)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise Unreadable(CORRUPT) from None
    with archive:
        members = archive.infolist()
        if sum(member.file_size for member in members) > max_unpacked:
            raise Unreadable(TOO_LARGE)
        if (
            extension in OPENDOCUMENT
            and ODF_MANIFEST in archive.namelist()
            and _odf_is_encrypted(archive.read(ODF_MANIFEST))
        ):
            raise Unreadable(ENCRYPTED)


def _odf_is_encrypted(manifest: bytes) -> bool:
    """Whether an OpenDocument manifest marks any entry as encrypted (a password on save)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(manifest, parser)  # noqa: S320 - entities and network are off
    except etree.XMLSyntaxError:
        raise Unreadable(CORRUPT) from None
    return root.find(f".//{{{ODF_MANIFEST_NS}}}encryption-data") is not None


# --- text -------------------------------------------------------------------------------------


def clean(text: str) -> str:
    """Text as stored: no control characters, no runs of blank lines, no trailing spaces."""
    text = CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def collect(pieces: Iterable[str | None], max_chars: int) -> Extracted:
    """The pieces as one text, read only until `max_chars` characters are there."""
    kept: list[str] = []
    length = 0
    for piece in pieces:
        piece = clean(piece or "")
        if not piece:
            continue
        kept.append(piece)
        length += len(piece) + 1
        if length > max_chars:
            text = "\n".join(kept)[:max_chars]
            # Cut at a word's end, never inside one.
            return Extracted(OK, text.rsplit(None, 1)[0] if " " in text else text, True)
    text = "\n".join(kept)
    return Extracted(OK, text) if text else Extracted(EMPTY)


def extract_text(data: bytes, extension: str, *, max_chars: int, max_unpacked: int) -> Extracted:
    """The text of a file of type `extension` whose bytes are `data`; never raises for a bad
    file (run it through `read_in_child` for files nobody vouches for)."""
    extension = extension.lower().lstrip(".")
    reader = READERS.get(extension)
    if reader is None:
        return Extracted(UNSUPPORTED)
    if not data:
        return Extracted(EMPTY)
    try:
        if extension in OOXML or extension in OPENDOCUMENT:
            _check_container(data, extension, max_unpacked)
        return collect(reader(data), max_chars)
    except Unreadable as stop:
        return Extracted(stop.status)
    except MemoryError:
        return Extracted(TOO_LARGE)
    except RecursionError:
        return Extracted(CORRUPT)
    except Exception:  # noqa: BLE001 - each library raises its own errors for bad bytes
        return Extracted(CORRUPT)


# --- in a child process -----------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """How much reading one file may take: characters kept, bytes unpacked from a ZIP-based
    file, seconds of wall-clock time, and bytes of memory for the child."""

    max_chars: int
    max_unpacked: int
    seconds: float
    memory: int


def read_in_child(data: bytes, extension: str, limits: Limits) -> Extracted:
    """`extract_text` in a child process that is stopped after `limits.seconds` and may not
    take more than `limits.memory` bytes; running over either makes the file "too_large"."""
    if extension.lower().lstrip(".") not in READERS:
        return Extracted(UNSUPPORTED)
    command = [
        sys.executable,
        "-E",  # no PYTHON* variables of the parent's environment
        "-s",  # no user site-packages
        "-m",
        "intranet.extraction",
        extension,
        json.dumps(asdict(limits)),
    ]
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and module, no shell
            command,
            input=data,
            capture_output=True,
            timeout=limits.seconds,
            cwd=ROOT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Extracted(TOO_LARGE)
    if done.returncode != 0:
        # Killed by its CPU limit (a signal), or out of memory outside the readers.
        ran_out = done.returncode < 0 or b"MemoryError" in done.stderr
        return Extracted(TOO_LARGE if ran_out else CORRUPT)
    try:
        answer = json.loads(done.stdout)
        return Extracted(answer["status"], answer["text"], answer["truncated"])
    except (ValueError, KeyError, TypeError):
        return Extracted(CORRUPT)


def _limit_this_process(limits: Limits) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (limits.memory, limits.memory))
    seconds = max(1, int(limits.seconds) + 1)
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))


def main(argv: list[str]) -> int:
    """The child: the file's bytes on stdin, the extension and the limits as arguments, the
    `Extracted` as JSON on stdout."""
    extension, limits = argv[0], Limits(**json.loads(argv[1]))
    _limit_this_process(limits)
    data = sys.stdin.buffer.read()
    found = extract_text(
        data, extension, max_chars=limits.max_chars, max_unpacked=limits.max_unpacked
    )
    sys.stdout.write(json.dumps(asdict(found)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
