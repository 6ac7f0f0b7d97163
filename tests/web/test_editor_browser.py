"""The SPARQL editor at /sparql in a real browser: prefilled from the URL fragment, run with the
button and with Ctrl+Enter, results as a table with links, parse errors with their position, the
CSV download, the examples and the keyboard."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.web.conftest import Screenshot

pytestmark = pytest.mark.slow

REGIONS = """SELECT ?region ?code ?label WHERE {
  ?region a ckg:Region ; skos:notation ?code ; skos:prefLabel ?label .
  FILTER(?code IN ("ITI3", "ITC4", "ITH5"))
} ORDER BY ?code"""
EXPECTED_ROWS = [
    ["http://data.europa.eu/nuts/code/ITC4", "ITC4", "Lombardia"],
    ["http://data.europa.eu/nuts/code/ITH5", "ITH5", "Emilia-Romagna"],
    ["http://data.europa.eu/nuts/code/ITI3", "ITI3", "Marche"],
]
CLUSTER = 'SELECT ?cluster WHERE { ?cluster a ckg:ClusterOrganisation ; skos:altLabel "ITECAM" }'


def open_editor(page: Page, base: str, query: str | None = None) -> None:
    """Open the editor, with ``query`` in the fragment when given."""
    fragment = "#query=" + quote(query, safe="") if query is not None else ""
    page.goto(f"{base}/sparql{fragment}")
    page.get_by_label("SPARQL query").wait_for()


def table_rows(page: Page) -> list[list[str]]:
    return [
        [cell.inner_text() for cell in row.locator("td").all()]
        for row in page.locator("#results table tbody tr").all()
    ]


def test_a_query_in_the_fragment_is_prefilled_and_runs_with_the_button(
    live_server: str, page: Page, screenshot: Screenshot
) -> None:
    open_editor(page, live_server, REGIONS)
    editor = page.get_by_label("SPARQL query")
    assert editor.input_value() == REGIONS
    assert page.locator("#gutter").inner_text().split() == ["1", "2", "3", "4"]

    page.get_by_role("button", name="Run").click()

    page.locator("#results table").wait_for()
    headers = page.locator("#results table thead th").all_inner_texts()
    assert headers == ["region", "code", "label"]
    assert table_rows(page) == EXPECTED_ROWS
    assert re.fullmatch(r"3 rows in \d+ ms\.", page.locator("#status").inner_text())
    # IRIs outside the service's base link to /resource?iri=…
    link = page.locator("#results tbody tr").first.get_by_role("link")
    assert (
        link.get_attribute("href")
        == "/resource?iri=http%3A%2F%2Fdata.europa.eu%2Fnuts%2Fcode%2FITC4"
    )
    screenshot("regions-table")


def test_ctrl_enter_runs_the_query_and_keeps_it_in_the_address(
    live_server: str, page: Page
) -> None:
    open_editor(page, live_server)
    editor = page.get_by_label("SPARQL query")
    editor.fill(CLUSTER)
    editor.press("Control+Enter")

    link = page.locator("#results table tbody").get_by_role("link")
    link.wait_for()
    assert link.inner_text() == "https://w3id.org/clusterkg/id/cluster/itecam"
    # Data IRIs under the service's base link to their own page here.
    assert link.get_attribute("href") == "/id/cluster/itecam"
    assert page.locator("#status").inner_text().startswith("1 row in ")
    # The query that ran is in the fragment: reloading the address brings it back.
    assert "#query=" in page.url
    page.reload()
    assert page.get_by_label("SPARQL query").input_value() == CLUSTER


def test_a_malformed_query_shows_the_error_with_line_and_column(
    live_server: str, page: Page, screenshot: Screenshot
) -> None:
    broken = "SELECT ?region WHERE {\n  ?region a ckg:Region .\n} LIMIT ten"
    open_editor(page, live_server, broken)
    page.get_by_role("button", name="Run").click()

    error = page.get_by_role("alert")
    error.wait_for()
    assert "Invalid SPARQL" in error.inner_text()
    assert error.locator(".error-position").inner_text() == "Line 3, column 9"
    assert error.locator("pre").inner_text() == "} LIMIT ten\n        ^"
    assert "▶3" in page.locator("#gutter").inner_text()
    assert page.locator("#results").inner_text() == ""
    screenshot("parse-error")

    error.get_by_role("button", name="Go to line 3").click()
    editor = page.get_by_label("SPARQL query")
    assert editor.evaluate("e => document.activeElement === e")
    caret = editor.evaluate("e => e.selectionStart")
    assert broken[caret:] == "ten"


def test_the_csv_link_downloads_the_same_query_as_csv(
    live_server: str, page: Page, tmp_path: Path
) -> None:
    open_editor(page, live_server, REGIONS)
    link = page.get_by_role("link", name="Download CSV")
    assert "format=csv" in (link.get_attribute("href") or "")

    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "query-results.csv"
    path = tmp_path / "results.csv"
    download.save_as(path)
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows == [["region", "code", "label"], *EXPECTED_ROWS]


def test_the_csv_link_follows_the_edited_query(live_server: str, page: Page) -> None:
    open_editor(page, live_server, REGIONS)
    page.get_by_label("SPARQL query").fill(CLUSTER)
    with page.expect_download() as info:
        page.get_by_role("link", name="Download CSV").click()
    text = info.value.path().read_text(encoding="utf-8")
    assert text.splitlines() == ["cluster", "https://w3id.org/clusterkg/id/cluster/itecam"]


def test_an_example_can_be_chosen_and_run(live_server: str, page: Page) -> None:
    open_editor(page, live_server)
    examples = page.get_by_label("Example")
    options = examples.locator("option:not([value=''])")
    assert options.count() > 0
    value = options.first.get_attribute("value")
    examples.select_option(value=value)
    text = page.locator(f"#example-{value}").evaluate("t => t.content.textContent.trim()")
    editor = page.get_by_label("SPARQL query")
    assert editor.input_value().strip() == text
    editor.press("Control+Enter")
    page.wait_for_function(
        "() => /rows? in|Answered|Graph answer/.test(document.getElementById('status').textContent)"
    )
    assert page.get_by_role("alert").is_hidden()


def test_tab_indents_and_escape_lets_tab_leave_the_editor(live_server: str, page: Page) -> None:
    open_editor(page, live_server)
    editor = page.get_by_label("SPARQL query")
    editor.fill("SELECT *")
    editor.press("Home")
    editor.press("Tab")
    assert editor.input_value() == "  SELECT *"
    editor.press("Shift+Tab")  # removes the line's indent
    assert editor.input_value() == "SELECT *"
    editor.press("Control+z")  # indents are edits that undo
    assert editor.input_value() == "  SELECT *"
    editor.press("Escape")
    editor.press("Tab")
    assert editor.input_value() == "  SELECT *"
    assert not editor.evaluate("e => document.activeElement === e")


def test_the_editor_fits_a_phone_screen(
    live_server: str, page: Page, screenshot: Screenshot
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    open_editor(page, live_server, REGIONS)
    page.get_by_role("button", name="Run").click()
    page.locator("#results table").wait_for()
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    screenshot("phone")
