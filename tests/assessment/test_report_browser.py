"""The HTML assessment report in a real browser (the system Chromium, driven by Playwright)."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from trustscreen.cli.main import app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _chromium() -> str | None:
    configured = os.environ.get("TRUSTSCREEN_CHROMIUM")
    if configured:
        return configured
    return next(
        (found for name in ("chromium", "chromium-browser", "google-chrome") if (found := shutil.which(name))), None
    )


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("report")
    env = {"TRUSTSCREEN_DB": str(folder / "r.db")}
    runner = CliRunner()
    html = folder / "report.html"
    args = ["assess", str(EXAMPLES / "inventory.yaml"), "--as", "US,IN", "--date", "2026-11-29"]
    result = runner.invoke(app, [*args, "--format", "html", "-o", str(html)], env=env)
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, [*args, "--format", "json"], env=env)
    assert result.exit_code == 0, result.output
    return html, json.loads(result.stdout)


@pytest.fixture(scope="module")
def page(report: tuple[Path, dict[str, Any]]) -> Iterator[Any]:
    executable = _chromium()
    if executable is None:
        pytest.skip("no Chromium found (install chromium or set TRUSTSCREEN_CHROMIUM)")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the dev extra")
    with playwright_api.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        tab = browser.new_page()
        tab.goto(report[0].as_uri())
        yield tab
        browser.close()


def _visible_assets(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        "tr[data-i]:not([hidden]) td:nth-child(3)", "cells => cells.map(c => c.textContent)"
    )


def test_summary_matches_the_json(page: Any, report: tuple[Path, dict[str, Any]]) -> None:
    summary = report[1]["summary"]
    assert page.title() == "Technology stack assessment"
    cards = page.eval_on_selector_all(".card", "cards => cards.map(c => c.textContent.trim())")
    assert f"Assets{summary['assets']}" in [c.replace("\n", "") for c in cards]
    bars = page.eval_on_selector_all(".bar", "bars => bars.map(b => b.innerText.replace(/\\s+/g, ' ').trim())")
    assert f"Prohibited {summary['by_verdict']['prohibited']}" in bars
    assert f"Clear {summary['by_verdict']['clear']}" in bars
    # Rows come most severe first.
    first = page.eval_on_selector("tr[data-i] .pill", "p => p.textContent")
    assert first == "Prohibited"


def test_sorting_by_a_column_and_back(page: Any, report: tuple[Path, dict[str, Any]]) -> None:
    names = [f["asset"]["name"] for f in report[1]["findings"]]
    page.click("th[data-col='2']")
    assert _visible_assets(page) == sorted(names, key=str.lower)
    assert page.get_attribute("th[data-col='2']", "aria-sort") == "ascending"
    page.click("th[data-col='2']")
    assert _visible_assets(page) == sorted(names, key=str.lower, reverse=True)
    page.click("th[data-col='0']")  # by verdict rank, most severe first
    pills = page.eval_on_selector_all("tr[data-i] .pill", "p => p.map(x => x.textContent)")
    assert pills[0] == "Prohibited" and pills[-1] == "Clear"


def test_evidence_opens_on_click_and_filter_narrows(page: Any) -> None:
    page.fill("#filter", "tiktok")
    assert _visible_assets(page) == ["TikTok"]
    row = page.locator("tr[data-i]:not([hidden])").first
    evidence = page.locator("tr[data-i]:not([hidden]) + tr.evidence").first
    assert evidence.is_hidden()
    row.click()
    assert evidence.is_visible()
    text = evidence.inner_text()
    assert "App blocked under IT Act s.69A" in text and "What to do" in text and "in-it-69a:tiktok" in text
    page.fill("#filter", "")
    assert len(_visible_assets(page)) == 19
