from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from trustscreen.scanning import Scanner
from trustscreen.scanning.extract import DocumentError, detect_format, parse_document, read_document

HUAWEI = "us-bis-el:huawei"


def make_docx(paragraphs: list[str]) -> bytes:
    """A minimal Word document: the parts Word needs, with one w:p per paragraph."""
    body = "".join(f'<w:p><w:r><w:t xml:space="preserve">{p}</w:t></w:r></w:p>' for p in paragraphs)
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


def make_pdf(line: str) -> bytes:
    """A one-page PDF with a Helvetica text line, xref offsets computed."""
    content = f"BT /F1 12 Tf 72 720 Td ({line}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def hit_ids(scanner: Scanner, document_text: str, fields: object = None) -> set[tuple[str, str]]:
    hits = scanner.scan(document_text, fields or None)  # type: ignore[arg-type]
    return {(h.text, h.entity.id) for h in hits if h.entity.id == HUAWEI}


def test_plain_text_and_markdown(scanner: Scanner) -> None:
    doc = parse_document(b"\xef\xbb\xbfWe buy from Huawei.", "text")
    assert doc.text == "We buy from Huawei."
    md = parse_document(b"See [Huawei](https://example.com/huawei-tiktok) now.", "md")
    # Link targets are blanked, same length, so offsets still point into the file.
    assert len(md.text) == len("See [Huawei](https://example.com/huawei-tiktok) now.")
    assert hit_ids(scanner, md.text) == {("Huawei", HUAWEI)}


def test_html_text_without_scripts(scanner: Scanner) -> None:
    page = (
        b'<!DOCTYPE html><html><head><meta charset="utf-8"><title>Suppliers</title>'
        b"<script>var x = 'ZTE';</script><style>.Huawei{}</style></head>"
        b"<body><h1>Vendors</h1><p>Contract with <b>Hua&shy;wei</b> Technologies &amp; others.</p>"
        b"<table><tr><td>Nokia</td><td>Ericsson</td></tr></table></body></html>"
    )
    doc = parse_document(page, "auto", source="page.html")
    assert doc.format == "html"
    assert "ZTE" not in doc.text and ".Huawei" not in doc.text
    assert "Nokia\tEricsson" in doc.text
    assert hit_ids(scanner, doc.text) == {("Hua\u00adwei Technologies", HUAWEI)}


def test_docx_paragraphs(scanner: Scanner) -> None:
    doc = parse_document(make_docx(["Supply agreement", "Seller: Huawei Technologies Co., Ltd."]), "auto")
    assert doc.format == "docx"
    assert doc.text == "Supply agreement\nSeller: Huawei Technologies Co., Ltd.\n"
    assert [f.name for f in doc.fields] == ["document"]
    assert hit_ids(scanner, doc.text, doc.fields) == {("Huawei Technologies Co., Ltd", HUAWEI)}


def test_pdf_text_layer(scanner: Scanner) -> None:
    pytest.importorskip("pypdf", reason="the docs extra (pypdf) is not installed")
    doc = parse_document(make_pdf("Invoice from Huawei Technologies Co., Ltd."), "auto", source="x.pdf")
    assert doc.format == "pdf"
    assert "Invoice from Huawei Technologies" in doc.text
    assert [f.name for f in doc.fields] == ["page 1"]
    hits = scanner.scan(doc.text, doc.fields)
    assert {h.field for h in hits} == {"page 1"}
    assert HUAWEI in {h.entity.id for h in hits}


def test_eml_headers_and_body(scanner: Scanner) -> None:
    message = (
        b"From: Sales <sales@example.com>\r\nTo: Huawei Technologies <buyer@example.cn>\r\n"
        b"Subject: Offer for ZTE routers\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/alternative; boundary="b"\r\n\r\n'
        b'--b\r\nContent-Type: text/plain; charset="utf-8"\r\n\r\nPlease pay Hikvision by Friday.\r\n'
        b'--b\r\nContent-Type: text/html; charset="utf-8"\r\n\r\n<p>Please pay Hikvision by Friday.</p>\r\n--b--\r\n'
    )
    doc = parse_document(message, "auto", source="mail.eml")
    assert doc.format == "eml"
    assert [f.name for f in doc.fields] == ["From", "To", "Subject", "body"]
    hits = scanner.scan(doc.text, doc.fields)
    by_field = {(h.field, h.text) for h in hits}
    # The plain-text body only: its HTML alternative would report every name twice.
    assert by_field == {("To", "Huawei Technologies"), ("Subject", "ZTE"), ("body", "Hikvision")}


def test_format_detection() -> None:
    assert detect_format("-", b"%PDF-1.7 ...") == "pdf"
    assert detect_format("x.bin", b"PK\x03\x04....") == "docx"
    assert detect_format("-", b"{1:F01BANKBEBBAXXX0000000000}{4:\n:20:REF\n") == "mt103"
    assert (
        detect_format("-", b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08">')
        == "pacs008"
    )
    assert detect_format("-", b"<!DOCTYPE html><html>") == "html"
    assert detect_format("-", b"From: a@b.c\nTo: d@e.f\nSubject: x\n\nbody") == "eml"
    assert detect_format("notes.md", b"# Title") == "md"
    assert detect_format("-", b"Just words.") == "text"


@pytest.mark.parametrize(
    ("data", "fmt", "message"),
    [
        (b"Caf\xe9 Huawei", "text", "byte 0xe9 at offset 3 is not UTF-8 and the file declares no charset"),
        (b"%PDF-1.4\nthis is not really a pdf", "pdf", "not a readable PDF"),
        (b"PK\x03\x04 broken", "docx", "not a DOCX file"),
        (b"plain words, no headers", "eml", "no From, To or Subject header"),
        (b"   \n", "text", "the document is empty"),
        (b"x", "rtf", "unknown format 'rtf'"),
    ],
)
def test_bad_input_gives_clear_errors(data: bytes, fmt: str, message: str) -> None:
    if fmt == "pdf":
        pytest.importorskip("pypdf", reason="the docs extra (pypdf) is not installed")
    with pytest.raises(DocumentError) as caught:
        parse_document(data, fmt, source="input.bin")
    assert message in str(caught.value)
    assert str(caught.value).startswith("input.bin: ")


def test_declared_encoding_and_size_limit(tmp_path: Path) -> None:
    assert parse_document(b"Caf\xe9", "text", encoding="cp1252").text == "Café"
    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * 1000)
    with pytest.raises(DocumentError, match="file is 5,000 bytes; the limit is 1,000"):
        read_document(big, max_bytes=1000)
    with pytest.raises(DocumentError, match="no such file"):
        read_document(tmp_path / "missing.txt")


def test_pdf_without_text_layer() -> None:
    pytest.importorskip("pypdf", reason="the docs extra (pypdf) is not installed")
    with pytest.raises(DocumentError, match="no text layer"):
        parse_document(make_pdf(""), "pdf")
