"""The technology profile of a region page and the technology page (map and ranking), in
headless Chromium, with an axe-core accessibility check of each page (axe-playwright-python,
which bundles axe-core; nothing is fetched)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.web.conftest import Screenshot

if TYPE_CHECKING:
    from playwright.sync_api import Page


def axe_violations(page: Page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)" for v in results.response["violations"]
    ]


def test_marche_technology_profile_links_each_bar_to_its_evidence(
    live_server: str, page: Page, screenshot: Screenshot
) -> None:
    page.goto(f"{live_server}/regions/ITI3")
    profile = page.locator("#technology-profile")
    profile.get_by_role("heading", name=re.compile("Technology profile")).wait_for()
    bars = profile.locator("svg.bar-chart a")
    assert bars.count() >= 6
    first = bars.first
    target = first.get_attribute("href")
    assert target and target.startswith("#evidence-")
    first.click()
    assert page.url.endswith(target)
    evidence = page.locator(target)
    assert "× the EU share" in evidence.inner_text() or "insufficient data" in evidence.inner_text()
    evidence.locator("summary").click()
    assert evidence.locator("ul.observations li").count() >= 2
    screenshot("region-technology-profile")
    page.set_viewport_size({"width": 1280, "height": 1300})
    page.locator("#technology-profile").scroll_into_view_if_needed()
    page.evaluate("document.getElementById('technology-profile').scrollIntoView()")
    screenshot("region-technology-profile-top", full_page=False)
    assert axe_violations(page) == []


def test_technology_page_shows_the_map_and_the_same_numbers_in_a_table(
    live_server: str, page: Page, screenshot: Screenshot
) -> None:
    page.goto(f"{live_server}/technologies/ati:robotics")
    page.get_by_role("heading", name=re.compile("Robotics: which regions are strong")).wait_for()
    regions = page.locator("figure.map svg path[data-code]")
    # the EU27's 244 NUTS 2 regions but the 8 outside the map's frame (FRY1-FRY5, PT20, PT30,
    # ES70), which the caption lists
    assert regions.count() == 236
    rows = page.locator("table.results tbody tr")
    assert rows.count() > 200
    assert "DE11" in rows.first.inner_text() or "DE11" in rows.nth(1).inner_text()
    # the map's region for Stuttgart names the same score as the table
    stuttgart = page.locator('figure.map svg path[data-code="DE11"] title').text_content() or ""
    table_row = page.locator("table.results tbody tr", has_text="(DE11)").inner_text()
    score = re.search(r"[01]\.\d{3}", stuttgart)
    assert score and score.group(0) in table_row
    assert "EuroGeographics" in page.locator("figure.map").inner_text()
    screenshot("technology-map")
    page.set_viewport_size({"width": 1280, "height": 1100})
    page.evaluate("window.scrollTo(0, 0)")
    screenshot("technology-map-top", full_page=False)
    assert axe_violations(page) == []


@pytest.mark.parametrize(
    "path", ["/", "/queries", "/queries/region-technology-profile?region=EL52"]
)
def test_other_pages_stay_free_of_axe_violations(live_server: str, page: Page, path: str) -> None:
    page.goto(f"{live_server}{path}")
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == []
