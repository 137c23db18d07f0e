from __future__ import annotations

from trustscreen.scanning import Scanner
from trustscreen.scanning.extract import Document
from trustscreen.scanning.report import render_report


def test_report_highlights_escapes_and_lists_findings(scanner: Scanner) -> None:
    text = 'Note <script>alert("x")</script> & contract with Huawei Technologies Co., Ltd. and ZTE.'
    document = Document(text, "text", "memo <1>.txt")
    hits = scanner.scan(text)
    page = render_report(document, hits, threshold=0.76)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; contract" in page
    assert "memo &lt;1&gt;.txt" in page
    assert page.count("<mark ") == 2  # Huawei (five entries, one passage) and ZTE
    assert '<div class="finding" id="f1">' in page and '<div class="finding" id="f2">' in page
    assert "us-bis-el:huawei" in page and "us-fcc-covered:zte" in page
    assert "Entity List" in page  # the listing's program
    assert 'href="https://' in page  # listing source links
    assert "why this score" in page


def test_report_without_findings(scanner: Scanner) -> None:
    page = render_report(Document("Nothing here.", "text", "a.txt"), [], threshold=0.76)
    assert "No passage of this document names a party" in page
    assert "<mark" not in page
