"""Document readers: bytes of a text, Markdown, HTML, PDF, DOCX or e-mail file → plain text + fields.

Hits carry offsets into `Document.text`: for plain text and Markdown that is the file itself; for the
other formats it is the text extracted from them (HTML without tags, PDF page text, DOCX paragraphs,
e-mail headers and body), which is also what the HTML report shows. Payment messages are read by
`trustscreen.scanning.payments`.
"""

from __future__ import annotations

import email
import email.policy
import io
import re
import sys
import zipfile
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from trustscreen.errors import TrustscreenError
from trustscreen.scanning.scanner import Field

FORMATS = ("text", "md", "html", "pdf", "docx", "eml", "mt103", "pacs008")
MAX_BYTES = 50 * 1024 * 1024
# A DOCX part far larger than its document is a zip bomb, not a contract.
MAX_DOCX_PART_BYTES = 200 * 1024 * 1024

_EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".log": "text",
    ".csv": "text",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
    ".docx": "docx",
    ".eml": "eml",
    ".mt103": "mt103",
    ".fin": "mt103",
    ".swift": "mt103",
}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_MD_LINK_TARGET = re.compile(r"(\]\()([^)\s]*)(\s*(?:\"[^\"]*\")?\))")
_MD_AUTOLINK = re.compile(r"<(?:https?|mailto):[^>\s]+>")
_EMAIL_HEADER = re.compile(rb"^(From|To|Subject|Date|Received|Return-Path|Message-ID|MIME-Version):", re.I | re.M)
_MT_TAG = re.compile(rb"^:\d{2}[A-Z]?:", re.M)


class DocumentError(TrustscreenError):
    """A document cannot be read as the format it claims to be."""

    def __init__(self, source: str, problem: str) -> None:
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: {problem}")


@dataclass(frozen=True, slots=True)
class Document:
    text: str
    format: str
    source: str
    # Parts scanned on their own; empty means the whole text is one part.
    fields: tuple[Field, ...] = ()


def read_document(
    path: str | Path, fmt: str = "auto", *, encoding: str | None = None, max_bytes: int = MAX_BYTES
) -> Document:
    """Read a file (or "-" for standard input) and extract its text; refuses files over `max_bytes`."""
    source = str(path)
    if source == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        name = "<stdin>"
    else:
        file = Path(path)
        if not file.is_file():
            raise DocumentError(source, "no such file")
        size = file.stat().st_size
        if size > max_bytes:
            raise DocumentError(source, f"file is {size:,} bytes; the limit is {max_bytes:,} (raise it with --max-mb)")
        data = file.read_bytes()
        name = source
    if len(data) > max_bytes:
        raise DocumentError(name, f"input is over the limit of {max_bytes:,} bytes (raise it with --max-mb)")
    return parse_document(data, fmt, source=name, encoding=encoding)


def parse_document(data: bytes, fmt: str = "auto", *, source: str = "<input>", encoding: str | None = None) -> Document:
    if fmt == "auto":
        fmt = detect_format(source, data)
    if fmt not in FORMATS:
        raise DocumentError(source, f"unknown format {fmt!r}; expected auto or one of {', '.join(FORMATS)}")
    if not data.strip():
        raise DocumentError(source, "the document is empty")
    if fmt in ("mt103", "pacs008"):
        from trustscreen.scanning import payments

        if fmt == "mt103":
            return payments.parse_mt103(decode_text(data, source, encoding), source)
        return payments.parse_pacs008(data, source)
    readers = {"text": _read_text, "md": _read_markdown, "html": _read_html, "pdf": _read_pdf, "docx": _read_docx}
    if fmt == "eml":
        return _read_eml(data, source)
    return readers[fmt](data, source, encoding)


def detect_format(name: str, data: bytes) -> str:
    """From the extension when it says, else from the first bytes."""
    head = data[:4096]
    by_extension = _EXTENSIONS.get(Path(name).suffix.lower()) if name not in ("-", "<stdin>") else None
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    if b"pacs.008" in head and head.lstrip().startswith(b"<"):
        return "pacs008"
    if by_extension in ("pdf", "docx", "eml", "html", "md", "mt103"):
        return by_extension
    if head.lstrip().startswith(b"{1:") or (b":20:" in head and len(_MT_TAG.findall(head)) >= 3):
        return "mt103"
    lowered = head.lstrip()[:200].lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        return "html"
    if _looks_like_email(head):
        return "eml"
    return by_extension or "text"


def _looks_like_email(head: bytes) -> bool:
    header_block = head.split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0]
    names = {m.group(1).lower() for m in _EMAIL_HEADER.finditer(header_block)}
    return head[:1].isalpha() and b"from" in names and len(names) >= 2


# ---- text ------------------------------------------------------------------------------------


def decode_text(data: bytes, source: str, encoding: str | None) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with BOM, or the encoding the user names; else a clear error."""
    if encoding:
        try:
            return data.decode(encoding)
        except LookupError:
            raise DocumentError(source, f"unknown encoding {encoding!r}") from None
        except UnicodeDecodeError as exc:
            raise DocumentError(source, f"byte {exc.start:,} is not valid {encoding}: {exc.reason}") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(
            source,
            f"byte 0x{data[exc.start]:02x} at offset {exc.start:,} is not UTF-8 and the file declares no charset; "
            "expected UTF-8 text (pass --encoding, e.g. --encoding cp1252)",
        ) from None


def _read_text(data: bytes, source: str, encoding: str | None) -> Document:
    return Document(decode_text(data, source, encoding), "text", source)


def _read_markdown(data: bytes, source: str, encoding: str | None) -> Document:
    """Markdown is scanned as written; link targets are blanked (same length, so offsets hold)."""
    text = decode_text(data, source, encoding)
    text = _MD_LINK_TARGET.sub(lambda m: m.group(1) + " " * len(m.group(2)) + m.group(3), text)
    text = _MD_AUTOLINK.sub(lambda m: " " * len(m.group(0)), text)
    return Document(text, "md", source)


# ---- HTML ------------------------------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    [
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure",
        "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p",
        "pre", "section", "table", "tbody", "thead", "tfoot", "title", "tr", "ul",
    ]
)  # fmt: skip
_CELL_TAGS = frozenset(["td", "th"])
_SKIPPED_TAGS = frozenset(["script", "style", "noscript", "template", "svg", "head_meta"])


def html_to_text(markup: str) -> str:
    """Visible text of an HTML document, one line per block element, cells separated by tabs."""
    import lxml.html
    from lxml import etree

    markup = _XML_DECLARATION.sub("", markup)
    if not markup.strip():
        return ""
    root = lxml.html.document_fromstring(markup)
    parts: list[str] = []
    _walk(root, parts, etree, preformatted=False)
    text = "".join(parts)
    lines = [_collapse(line) if "\x00" not in line else line.replace("\x00", "") for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def _collapse(line: str) -> str:
    """HTML whitespace: runs become one space; tabs between table cells stay (they separate names)."""
    return re.sub(r"\s*\t\s*", "\t", re.sub(r"[^\S\t]+", " ", line)).strip()


def _walk(element: Any, parts: list[str], etree: Any, *, preformatted: bool) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _SKIPPED_TAGS or element.tag is etree.Comment or element.tag is etree.ProcessingInstruction:
        if element.tail:
            parts.append(element.tail)
        return
    pre = preformatted or tag == "pre"
    block = tag in _BLOCK_TAGS
    if block:
        parts.append("\n")
    if element.text:
        parts.append(_pre(element.text) if pre else element.text)
    for child in element:
        _walk(child, parts, etree, preformatted=pre)
    if block:
        parts.append("\n")
    elif tag in _CELL_TAGS:
        parts.append("\t")
    if element.tail:
        parts.append(element.tail)


def _pre(text: str) -> str:
    # Marks preformatted lines so whitespace collapsing leaves them alone.
    return "\n".join(line + "\x00" for line in text.split("\n"))


def _read_html(data: bytes, source: str, encoding: str | None) -> Document:
    declared = _META_CHARSET.search(data[:4096])
    charset = encoding or (declared.group(1).decode("ascii") if declared else None)
    return Document(html_to_text(decode_text(data, source, charset)), "html", source)


# ---- PDF -------------------------------------------------------------------------------------


def _read_pdf(data: bytes, source: str, encoding: str | None) -> Document:
    try:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError
    except ImportError:
        raise DocumentError(
            source, "reading PDF needs the optional dependency pypdf: pip install 'trustscreen[docs]'"
        ) from None
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError(source, "the PDF is encrypted with a password; expected an unencrypted PDF")
        pages = [page.extract_text() or "" for page in reader.pages]
    except DocumentError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as exc:
        raise DocumentError(source, f"not a readable PDF ({type(exc).__name__}: {exc}); expected a PDF file") from None
    if not any(page.strip() for page in pages):
        raise DocumentError(
            source, f"the PDF's {len(pages)} page(s) have no text layer (scanned images?); run OCR on it first"
        )
    text_parts: list[str] = []
    fields: list[Field] = []
    offset = 0
    for number, page in enumerate(pages, start=1):
        fields.append(Field(f"page {number}", offset, offset + len(page)))
        text_parts.append(page + "\n\n")
        offset += len(page) + 2
    return Document("".join(text_parts), "pdf", source, tuple(fields))


# ---- DOCX ------------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DOCX_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml")


def _read_docx(data: bytes, source: str, encoding: str | None) -> Document:
    """Paragraph text of word/document.xml, then headers, footers, footnotes and comments."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise DocumentError(source, "not a DOCX file (not a ZIP archive); expected a Word .docx document") from None
    with archive:
        names = [n for n in archive.namelist() if _DOCX_PARTS.fullmatch(n)]
        if "word/document.xml" not in names:
            raise DocumentError(source, "ZIP archive without word/document.xml; expected a Word .docx document")
        names.sort(key=lambda n: (n != "word/document.xml", n))
        text_parts: list[str] = []
        fields: list[Field] = []
        offset = 0
        for name in names:
            part = _docx_part_text(archive, name, source)
            if not part.strip():
                continue
            label = name.removeprefix("word/").removesuffix(".xml")
            fields.append(Field(label, offset, offset + len(part)))
            text_parts.append(part + "\n")
            offset += len(part) + 1
    return Document("".join(text_parts), "docx", source, tuple(fields))


def _docx_part_text(archive: zipfile.ZipFile, name: str, source: str) -> str:
    from lxml import etree

    if archive.getinfo(name).file_size > MAX_DOCX_PART_BYTES:
        raise DocumentError(source, f"{name} unpacks to more than {MAX_DOCX_PART_BYTES:,} bytes; refusing")
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(archive.read(name), parser)
    except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError) as exc:
        raise DocumentError(source, f"{name} is not readable XML ({exc}); the .docx is damaged") from None
    paragraphs = []
    for paragraph in root.iter(f"{_W}p"):
        pieces = []
        for node in paragraph.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr", f"{_W}noBreakHyphen"):
            if node.tag == f"{_W}t":
                pieces.append(node.text or "")
            elif node.tag == f"{_W}tab":
                pieces.append("\t")
            elif node.tag == f"{_W}noBreakHyphen":
                pieces.append("-")
            else:
                pieces.append("\n")
        paragraphs.append("".join(pieces))
    return "\n".join(paragraphs)


# ---- e-mail ----------------------------------------------------------------------------------

_HEADERS = ("From", "To", "Cc", "Reply-To", "Subject")


def _read_eml(data: bytes, source: str) -> Document:
    """Headers From/To/Cc/Reply-To/Subject and the body (plain text, else HTML made text)."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    if not isinstance(message, EmailMessage) or not any(message.get(h) for h in ("From", "To", "Subject")):
        raise DocumentError(source, "no From, To or Subject header; expected an e-mail message (.eml, RFC 5322)")
    text_parts: list[str] = []
    fields: list[Field] = []
    offset = 0

    def add(name: str, value: str, party: bool) -> None:
        nonlocal offset
        prefix = f"{name}: " if name != "body" else "\n"
        start = offset + len(prefix)
        text_parts.append(prefix + value + "\n")
        fields.append(Field(name, start, start + len(value), party=party))
        offset = start + len(value) + 1

    for header in _HEADERS:
        value = message.get(header)
        if value:
            add(header, str(value), header != "Subject")
    body = message.get_body(preferencelist=("plain", "html"))
    if body is not None:
        add("body", _part_text(body, source), False)
    return Document("".join(text_parts), "eml", source, tuple(fields))


def _part_text(part: Any, source: str) -> str:
    try:
        content = part.get_content()
    except (LookupError, UnicodeDecodeError) as exc:
        raise DocumentError(source, f"the e-mail body cannot be decoded ({exc}); expected a known charset") from None
    if isinstance(content, bytes):
        content = decode_text(content, source, None)
    text = str(content)
    return html_to_text(text) if part.get_content_subtype() == "html" else text
