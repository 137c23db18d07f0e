"""Every kind of bad list file: one clear error naming file and line/record, exit code 2, and the
SQLite store byte-for-byte as it was."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trustscreen.cli.main import app

UN_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<CONSOLIDATED_LIST dateGenerated="2026-01-01T00:00:00Z">\n'
UN_ENTITY = (
    "<ENTITY><DATAID>{n}</DATAID><FIRST_NAME>ACME {n}</FIRST_NAME><UN_LIST_TYPE>DPRK</UN_LIST_TYPE>"
    "<REFERENCE_NUMBER>KPe.{ref}</REFERENCE_NUMBER><LISTED_ON>2020-01-01</LISTED_ON></ENTITY>\n"
)
DPL_HEADER = (
    '"Name"\t"Street_Address"\t"City"\t"State"\t"Country"\t"Postal_Code"\t"Effective_Date"\t'
    '"Expiration_Date"\t"Standard_Order"\t"Last_Update"\t"Action"\t"FR_Citation"\n'
)
DPL_ROW = (
    '"JOHN DOE"\t"1 MAIN ST"\t"EL PASO"\t"TX"\t"US"\t"79905"\t"08/24/2022"\t"01/14/2026"\t"Y"\t'
    '"2022-08-29"\t"F.R. NOTICE ADDED"\t"87 F.R. 52741 8/29/2022"\n'
)


def _truncated_xml(tmp: Path) -> tuple[Path, str]:
    path = tmp / "consolidated.xml"
    path.write_text(UN_HEAD + "<ENTITIES>\n" + UN_ENTITY.format(n=1, ref="001") + "<ENTITY><DATAID>2", "utf-8")
    return path, "un-xml"


def _wrong_encoding(tmp: Path) -> tuple[Path, str]:
    path = tmp / "dpl.txt"
    path.write_bytes((DPL_HEADER + DPL_ROW.replace("JOHN DOE", "JOSÉ DOE")).encode("cp1252"))
    return path, "bis-dpl"


def _missing_column(tmp: Path) -> tuple[Path, str]:
    path = tmp / "dpl.txt"
    path.write_text(DPL_HEADER.replace('\t"FR_Citation"', "") + DPL_ROW, "utf-8")
    return path, "bis-dpl"


def _extra_column(tmp: Path) -> tuple[Path, str]:
    path = tmp / "dpl.txt"
    path.write_text(DPL_HEADER + DPL_ROW.replace("\n", '\t"surprise"\n'), "utf-8")
    return path, "bis-dpl"


def _duplicate_ids(tmp: Path) -> tuple[Path, str]:
    path = tmp / "consolidated.xml"
    body = UN_ENTITY.format(n=1, ref="001") + UN_ENTITY.format(n=2, ref="001")
    path.write_text(UN_HEAD + "<ENTITIES>\n" + body + "</ENTITIES>\n</CONSOLIDATED_LIST>\n", "utf-8")
    return path, "un-xml"


def _empty_file(tmp: Path) -> tuple[Path, str]:
    path = tmp / "dpl.txt"
    path.write_bytes(b"")
    return path, "bis-dpl"


def _half_a_file_set(tmp: Path) -> tuple[Path, str]:
    folder = tmp / "ofac"
    folder.mkdir()
    (folder / "add.csv").write_bytes(b'36,25,-0- ,"Havana","Cuba",-0- \r\n\x1a')
    (folder / "alt.csv").write_bytes(b'36,12,"aka","AERO-CARIBBEAN",-0- \r\n\x1a')
    return folder, "ofac-csv"


CASES: dict[str, Callable[[Path], tuple[Path, str]]] = {
    "truncated XML": _truncated_xml,
    "wrong encoding": _wrong_encoding,
    "missing column": _missing_column,
    "extra column": _extra_column,
    "duplicate ids": _duplicate_ids,
    "empty file": _empty_file,
    "half a file set": _half_a_file_set,
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_file_is_refused_and_the_store_is_untouched(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "store.db"
    monkeypatch.setenv("TRUSTSCREEN_DB", str(db))
    cli = CliRunner()
    assert cli.invoke(app, ["lists", "ls"]).exit_code == 0  # store exists, curated bundle loaded
    before = hashlib.sha256(db.read_bytes()).hexdigest()

    path, fmt = CASES[case](tmp_path)
    for args in (["lists", "load", str(path)], ["lists", "load", str(path), "--format", fmt]):
        result = cli.invoke(app, args)
        assert result.exit_code == 2, (case, result.output)
        message = result.stderr
        assert str(path) in message, message
        assert "Traceback" not in result.output
    if case not in ("empty file", "half a file set"):
        assert "line" in message or "record" in message, message
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert os.path.getsize(db) > 0
