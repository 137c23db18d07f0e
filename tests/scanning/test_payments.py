from __future__ import annotations

import pytest

from trustscreen.scanning import Scanner
from trustscreen.scanning.extract import DocumentError, parse_document

MT103 = """{1:F01BANKBEBBAXXX0000000000}{2:I103BANKDEFFXXXXN}{4:
:20:REF20260227
:23B:CRED
:32A:260227USD125000,
:50K:/DE44500105175407324931
ACME TRADING GMBH
MAIN STREET 1, BERLIN
:59:/CN12345678901234
HUAWEI TECHNOLOGIES CO LTD
BANTIAN, LONGGANG DISTRICT, SHENZHEN
:70:INVOICE 4711 ROUTERS AND ZTE MODULES
:71A:SHA
-}"""

PACS008 = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08">
  <FIToFICstmrCdtTrf>
    <GrpHdr><MsgId>MSG1</MsgId><NbOfTxs>1</NbOfTxs></GrpHdr>
    <CdtTrfTxInf>
      <IntrBkSttlmAmt Ccy="USD">125000</IntrBkSttlmAmt>
      <Dbtr><Nm>Acme Trading GmbH</Nm></Dbtr>
      <Cdtr>
        <Nm>Hangzhou Hikvision Digital Technology Co., Ltd.</Nm>
        <PstlAdr><AdrLine>No. 555 Qianmo Road</AdrLine><AdrLine>Hangzhou</AdrLine></PstlAdr>
      </Cdtr>
      <RmtInf><Ustrd>Cameras, see contract with Dahua Technology</Ustrd></RmtInf>
    </CdtTrfTxInf>
  </FIToFICstmrCdtTrf>
</Document>"""


def test_mt103_fields(scanner: Scanner) -> None:
    doc = parse_document(MT103.encode(), "auto", source="pay.fin")
    assert doc.format == "mt103"
    assert [f.name for f in doc.fields] == [":50K:", ":59:", ":70:"]
    hits = scanner.scan(doc.text, doc.fields)
    for hit in hits:
        assert doc.text[hit.start : hit.end] == hit.text
    found = {(h.field, h.field_label, h.text) for h in hits}
    assert found == {
        (":59:", "Beneficiary Customer", "HUAWEI TECHNOLOGIES CO LTD"),
        (":70:", "Remittance Information", "ZTE"),
    }
    assert {h.entity.id for h in hits if h.field == ":59:"} >= {"us-bis-el:huawei", "us-fcc-covered:huawei"}


def test_pacs008_paths(scanner: Scanner) -> None:
    doc = parse_document(PACS008.encode(), "auto", source="pay.xml")
    assert doc.format == "pacs008"
    paths = [f.name for f in doc.fields]
    assert paths == [
        "FIToFICstmrCdtTrf/CdtTrfTxInf/Dbtr/Nm",
        "FIToFICstmrCdtTrf/CdtTrfTxInf/Cdtr/Nm",
        "FIToFICstmrCdtTrf/CdtTrfTxInf/Cdtr/PstlAdr/AdrLine[1]",
        "FIToFICstmrCdtTrf/CdtTrfTxInf/Cdtr/PstlAdr/AdrLine[2]",
        "FIToFICstmrCdtTrf/CdtTrfTxInf/RmtInf/Ustrd",
    ]
    hits = scanner.scan(doc.text, doc.fields)
    found = {(h.field, h.text) for h in hits}
    assert found == {
        ("FIToFICstmrCdtTrf/CdtTrfTxInf/Cdtr/Nm", "Hangzhou Hikvision Digital Technology Co., Ltd"),
        ("FIToFICstmrCdtTrf/CdtTrfTxInf/RmtInf/Ustrd", "Dahua Technology"),
    }


@pytest.mark.parametrize(
    ("data", "fmt", "message"),
    [
        (b":20:REF\n:32A:260227USD1,\n", "mt103", "no beneficiary field :59:"),
        (b"hello", "mt103", "no SWIFT field tags"),
        (b"<Document><broken>", "pacs008", "not well-formed XML"),
        (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"/>', "pacs008", "is not pacs.008"),
    ],
)
def test_bad_payment_messages(data: bytes, fmt: str, message: str) -> None:
    with pytest.raises(DocumentError, match=message):
        parse_document(data, fmt, source="pay")
