"""The partners, gaps and peers of a region page in headless Chromium: each reason leads to its
evidence, the map shades the partners with the scores of the list, the CSV download is the
API's, and axe-core finds no violation."""

from __future__ import annotations

import csv
import io
import re
from typing import TYPE_CHECKING

import httpx

from tests.web.conftest import Screenshot
from tests.web.test_strengths_browser import axe_violations

if TYPE_CHECKING:
    from playwright.sync_api import Page


def test_marche_partners_with_reasons_leading_to_evidence(
    live_server: str, page: Page, screenshot: Screenshot
) -> None:
    page.goto(f"{live_server}/regions/ITI3#matches")
    section = page.locator("#matches")
    section.get_by_role("heading", name=re.compile("Partners for Marche")).wait_for()
    groups = section.locator("h3")
    assert groups.count() >= 1
    partners = section.locator("ol.matches > li")
    assert partners.count() >= 5
    first = partners.first
    first.locator("summary").click()
    reasons = first.locator("ul.reasons li")
    assert reasons.count() >= 3
    assert "is measured strong in" in reasons.nth(1).inner_text()
    # A reason's evidence link opens the resource it cites (the partner's strength).
    link = reasons.nth(1).locator(".evidence a").first
    href = link.get_attribute("href") or ""
    assert href.startswith("/resource?iri=")
    with page.expect_navigation():
        link.click()
    assert page.locator("h1").inner_text()
    assert "strength" in page.url
    page.go_back()
    # The map shades exactly the partners listed, linked to their pages.
    shaded = page.locator('#matches figure.map svg a[href$="#matches"]')
    listed = {
        (re.search(r"\((\w+)\)", partners.nth(i).inner_text()) or [None, None])[1]
        for i in range(partners.count())
    }
    assert shaded.count() >= 3
    for i in range(shaded.count()):
        code = (shaded.nth(i).get_attribute("href") or "").split("/")[-1].split("#")[0]
        assert code in listed
    # The CSV download is the API's table of the same matches.
    csv_href = section.get_by_role("link", name="CSV").get_attribute("href") or ""
    table = httpx.get(f"{live_server}{csv_href}", timeout=60)
    rows = list(csv.DictReader(io.StringIO(table.text)))
    assert {row["partner"] for row in rows} >= listed - {None}
    first.scroll_into_view_if_needed()
    screenshot("region-matches")
    assert axe_violations(page) == []


def test_sud_muntenia_gaps_and_peers(live_server: str, page: Page, screenshot: Screenshot) -> None:
    page.goto(f"{live_server}/regions/RO31#gaps")
    gaps = page.locator("#gaps table.results tbody tr")
    assert gaps.count() >= 1
    assert page.locator("#gaps table.results tbody tr td a").count() >= 1
    peers = page.locator("#peers ol.matches > li")
    assert peers.count() >= 3
    peers.first.locator("summary").click()
    assert "is similar to Sud-Muntenia" in peers.first.locator("ul.reasons").inner_text()
    page.locator("#gaps").scroll_into_view_if_needed()
    screenshot("region-gaps-peers")
    assert axe_violations(page) == []
