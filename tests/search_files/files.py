"""Small files of every readable type, made in the test that needs them: no binary fixture
is kept in the repository, so each one shows what it holds."""

from __future__ import annotations

import io
import zipfile


def pdf_bytes(*pages: str) -> bytes:
    """A PDF with one page per text, in Helvetica, written object by object with a correct
    cross-reference table (what any PDF writer produces, only smaller)."""
    fonts = "<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>"
    count = len(pages)
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(count))
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {count} >>",
    ]
    for i, text in enumerate(pages):
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        stream = f"BT /F1 12 Tf 72 720 Td ({escaped}) Tj ET"
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources {fonts} "
            f"/Contents {4 + 2 * i} 0 R >>"
        )
        objects.append(
            f"<< /Length {len(stream.encode('latin-1'))} >>\nstream\n{stream}\nendstream"
        )
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def encrypted_pdf_bytes(text: str, *, user_password: str = "secret") -> bytes:  # noqa: S107
    """A PDF encrypted with AES-256; with an empty `user_password` anyone may open it (only
    the owner's rights are protected)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(text))))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_bytes(*paragraphs: str, table: list[list[str]] | None = None) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def encrypted_docx_bytes(text: str, password: str = "secret") -> bytes:  # noqa: S107
    """A Word file saved with a password: an OLE container holding the encrypted package."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(docx_bytes(text))).encrypt(password, out)
    return out.getvalue()


def pptx_bytes(title: str, body: str, notes: str = "") -> bytes:
    from pptx import Presentation

    presentation = Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[1])
    slide.shapes.title.text = title
    slide.placeholders[1].text = body
    if notes:
        slide.notes_slide.notes_text_frame.text = notes
    out = io.BytesIO()
    presentation.save(out)
    return out.getvalue()


def xlsx_bytes(rows: list[list[object]], sheet: str = "Budget") -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def odt_bytes(*paragraphs: str) -> bytes:
    from odfdo import Document, Header, Paragraph

    document = Document("text")
    document.body.clear()
    document.body.append(Header(1, paragraphs[0]))
    for paragraph in paragraphs[1:]:
        document.body.append(Paragraph(paragraph))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def encrypted_odt_bytes() -> bytes:
    """An OpenDocument text saved with a password, as LibreOffice writes one: the manifest
    names the cipher of content.xml, whose bytes are unreadable without the key."""
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"'
        ' manifest:size="1234">'
        '<manifest:encryption-data manifest:checksum-type="urn:oasis:names:tc:opendocument:'
        'xmlns:manifest:1.0#sha256-1k" manifest:checksum="AAAA">'
        '<manifest:algorithm manifest:algorithm-name="http://www.w3.org/2001/04/xmlenc#aes256-cbc"'
        ' manifest:initialisation-vector="AAAA"/>'
        '<manifest:key-derivation manifest:key-derivation-name="PBKDF2" manifest:key-size="32"'
        ' manifest:iteration-count="100000" manifest:salt="AAAA"/>'
        "</manifest:encryption-data></manifest:file-entry></manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", bytes(range(256)) * 8)
    return out.getvalue()


def zip_bomb_docx(unpacked_bytes: int) -> bytes:
    """A Word file whose one part unpacks to `unpacked_bytes` of zeros (and compresses to
    almost nothing)."""
    out = io.BytesIO()
    small = io.BytesIO(docx_bytes("Kleine Datei"))
    with (
        zipfile.ZipFile(small, "r") as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for item in source.infolist():
            archive.writestr(item, source.read(item.filename))
        archive.writestr("word/media/padding.bin", b"\0" * unpacked_bytes)
    return out.getvalue()
