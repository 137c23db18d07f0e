"""Payment messages: SWIFT MT103 fields and ISO 20022 pacs.008 elements, each scanned on its own.

Each hit names the field it was found in (":59:" / "FIToFICstmrCdtTrf/CdtTrfTxInf/Cdtr/Nm"), so a
payments operator sees at once whether the beneficiary, an intermediary bank or the remittance text
named the listed party. Party fields (names and addresses) count as naming a party: a listed name
there needs no further context, as in name screening.
"""

from __future__ import annotations

import re
from typing import Any

from trustscreen.scanning.extract import Document, DocumentError
from trustscreen.scanning.scanner import Field

# Block 4 tags worth scanning, with their MT103 meaning. Amounts, dates, codes are not names.
MT103_FIELDS = {
    "50A": "Ordering Customer",
    "50F": "Ordering Customer",
    "50K": "Ordering Customer",
    "51A": "Sending Institution",
    "52A": "Ordering Institution",
    "52D": "Ordering Institution",
    "53A": "Sender's Correspondent",
    "53B": "Sender's Correspondent",
    "53D": "Sender's Correspondent",
    "54A": "Receiver's Correspondent",
    "54B": "Receiver's Correspondent",
    "54D": "Receiver's Correspondent",
    "55A": "Third Reimbursement Institution",
    "55D": "Third Reimbursement Institution",
    "56A": "Intermediary Institution",
    "56C": "Intermediary Institution",
    "56D": "Intermediary Institution",
    "57A": "Account With Institution",
    "57B": "Account With Institution",
    "57C": "Account With Institution",
    "57D": "Account With Institution",
    "59": "Beneficiary Customer",
    "59A": "Beneficiary Customer",
    "59F": "Beneficiary Customer",
    "70": "Remittance Information",
    "72": "Sender to Receiver Information",
    "77B": "Regulatory Reporting",
    "77T": "Envelope Contents",
}
_FREE_TEXT_TAGS = frozenset({"70", "72", "77B", "77T"})
_TAG = re.compile(r"^:(\d{2}[A-Z]?):", re.M)
_BLOCK4 = re.compile(r"\{4:[ \t]*\r?\n?")

# pacs.008 elements holding names, addresses and free text; the party they belong to is in the path.
PACS008_TEXT_ELEMENTS = frozenset(
    ["Nm", "AdrLine", "StrtNm", "BldgNm", "TwnNm", "TwnLctnNm", "DstrctNm", "CtrySubDvsn", "Dept", "SubDept",
     "Ustrd", "AddtlRmtInf", "InstrInf", "AddtlInf"]
)  # fmt: skip
_PACS_FREE_TEXT = frozenset(["Ustrd", "AddtlRmtInf", "InstrInf", "AddtlInf"])


def parse_mt103(text: str, source: str) -> Document:
    """Block 4 of an MT103 (or bare ":tag:" lines); offsets are into the message as given."""
    block = _BLOCK4.search(text)
    start = block.end() if block else 0
    end = text.find("\n-}", start)
    end = len(text) if end < 0 else end
    tags = list(_TAG.finditer(text, start, end))
    if not tags:
        raise DocumentError(source, "no SWIFT field tags (:20:, :50K:, :59: …); expected an MT103 message")
    if not any(t.group(1) in ("59", "59A", "59F") for t in tags):
        raise DocumentError(source, "no beneficiary field :59:/:59A:/:59F:; expected an MT103 customer transfer")
    fields = []
    for index, tag in enumerate(tags):
        code = tag.group(1)
        if code not in MT103_FIELDS:
            continue
        stop = tags[index + 1].start() if index + 1 < len(tags) else end
        fields.append(Field(f":{code}:", tag.end(), stop, party=code not in _FREE_TEXT_TAGS, label=MT103_FIELDS[code]))
    return Document(text, "mt103", source, tuple(fields))


def parse_pacs008(data: bytes, source: str) -> Document:
    """Names, addresses and remittance text of a pacs.008, one line per element: `path: value`."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise DocumentError(source, f"not well-formed XML ({exc}); expected an ISO 20022 pacs.008 message") from None
    namespace = etree.QName(root).namespace or ""
    if "pacs.008" not in namespace:
        raise DocumentError(
            source,
            f"XML namespace {namespace or '(none)'!r} is not pacs.008; "
            "expected urn:iso:std:iso:20022:tech:xsd:pacs.008.*",
        )
    lines: list[str] = []
    fields: list[Field] = []
    offset = 0
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        local = etree.QName(element).localname
        value = (element.text or "").strip()
        if local not in PACS008_TEXT_ELEMENTS or not value:
            continue
        path = _path(element, root)
        start = offset + len(path) + 2
        lines.append(f"{path}: {value}\n")
        fields.append(Field(path, start, start + len(value), party=local not in _PACS_FREE_TEXT, label=local))
        offset = start + len(value) + 1
    if not fields:
        raise DocumentError(source, "no name, address or remittance element (Nm, AdrLine, Ustrd …) in the pacs.008")
    return Document("".join(lines), "pacs008", source, tuple(fields))


def _path(element: Any, root: Any) -> str:
    """XPath-like path below the Document element; [n] only where siblings repeat the tag."""
    from lxml import etree

    qname = etree.QName
    steps = []
    node = element
    while node is not None and node is not root:
        parent = node.getparent()
        name = qname(node).localname
        if parent is not None:
            same = [c for c in parent if isinstance(c.tag, str) and qname(c).localname == name]
            if len(same) > 1:
                name = f"{name}[{same.index(node) + 1}]"
        steps.append(name)
        node = parent
    return "/".join(reversed(steps))
