"""The list pages of regions, clusters and technologies in headless Chromium, reached as a new
user would (the navigation links), filtered with the form, paged, and checked with axe-core;
then the language markers of a resource page.

Counts are compared with the JSON-LD of the same address, asked for by an API client.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from tests.web.test_strengths_browser import axe_violations

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.web.conftest import Screenshot

pytestmark = pytest.mark.slow


def json_ld_of(page: Page) -> dict[str, object]:
    """The JSON-LD an API client gets for the address the browser shows."""
    response = httpx.get(page.url, headers={"Accept": "application/ld+json"}, timeout=60)
    assert response.status_code == 200
    document: dict[str, object] = response.json()
    return document


def shown_iris(page: Page) -> list[str]:
    return [
        row.get_attribute("data-iri") or "" for row in page.locator("#members-table tbody tr").all()
    ]


def test_regions_from_the_navigation_filtered_and_paged(
    live_server: str, page: Page, screenshot: Screenshot
) -> None:
    page.goto(f"{live_server}/")
    page.locator("header.site nav").get_by_role("link", name="Regions").click()
    page.get_by_role("heading", name="Regions", level=1).wait_for()
    assert page.locator("#members-table").is_visible()  # a table, not raw JSON

    # A policy officer: Italian NUTS 2 regions, by the labelled form fields.
    page.get_by_label("Country").select_option("IT")
    page.get_by_label("NUTS level").select_option("2")
    page.get_by_role("button", name="Show").click()
    page.locator("#members-table").wait_for()
    # The empty fields are gone from the address, which means the same list as JSON-LD.
    assert dict(parse_qsl(urlsplit(page.url).query)) == {"country": "IT", "level": "2"}
    document = json_ld_of(page)
    assert shown_iris(page) == [m["@id"] for m in document["member"]]  # type: ignore[attr-defined]
    total = page.locator("#total").inner_text()
    assert total.startswith(f"{document['totalItems']} match")
    assert page.get_by_role("link", name="ITI3").count() == 1
    screenshot("regions-italy-level-2")
    assert axe_violations(page) == []

    # Name contains, on top of the other filters.
    page.get_by_label("Name contains").fill("marche")
    page.get_by_role("button", name="Show").click()
    page.get_by_role("link", name="ITI3").wait_for()
    assert page.locator("#members-table tbody tr").count() == 1

    # Paging through all regions keeps the order of the JSON-LD pages.
    page.get_by_role("link", name="Clear filters").click()
    page.locator("#members-table").wait_for()
    first_page = shown_iris(page)
    page.locator("nav.pager").get_by_role("link", name="Next").click()
    page.wait_for_url(re.compile(r"page=2"))
    second_page = shown_iris(page)
    assert second_page == [m["@id"] for m in json_ld_of(page)["member"]]  # type: ignore[attr-defined]
    assert not set(first_page) & set(second_page)
    assert page.locator("nav.pager").get_by_role("link", name="Previous").count() == 1

    # A region's code leads to its page.
    page.get_by_role("link", name=second_page[0].rsplit("/", 1)[-1], exact=True).click()
    page.wait_for_url(re.compile(r"/regions/"))


def test_an_invalid_filter_shows_the_form_and_the_problem(
    live_server: str, page: Page, screenshot: Screenshot
) -> None:
    response = page.goto(f"{live_server}/api/regions?country=Italy")
    assert response is not None and response.status == 400
    alert = page.get_by_role("alert")
    assert "two-letter NUTS country code" in alert.inner_text()
    assert page.get_by_label("Country").input_value() == "Italy"
    screenshot("regions-invalid-country", full_page=False)
    assert axe_violations(page) == []


def test_clusters_name_region_and_technologies(
    live_server: str, page: Page, screenshot: Screenshot
) -> None:
    page.goto(f"{live_server}/")
    page.locator("header.site nav").get_by_role("link", name="Clusters").click()
    page.get_by_role("heading", name="Clusters", level=1).wait_for()
    headers = page.locator("#members-table thead th").all_inner_texts()
    assert headers == ["Name", "Region", "Technologies", "Web site"]
    page.get_by_label("Technology").select_option("ket:photonics")
    page.get_by_role("button", name="Show").click()
    page.locator("#members-table").wait_for()
    assert shown_iris(page) == [m["@id"] for m in json_ld_of(page)["member"]]  # type: ignore[attr-defined]
    row = page.locator("#members-table tbody tr", has_text="LITEK")
    assert "Lietuva" in row.inner_text() or "LT" in row.inner_text()
    screenshot("clusters-photonics")
    assert axe_violations(page) == []
    row.get_by_role("link", name=re.compile("^LITEK")).click()
    page.get_by_role("heading", name=re.compile("LITEK"), level=1).wait_for()


def test_technologies_lead_to_their_maps(
    live_server: str, page: Page, screenshot: Screenshot
) -> None:
    page.goto(f"{live_server}/")
    page.locator("header.site nav").get_by_role("link", name="Technologies").click()
    page.get_by_role("heading", name="Technologies", level=1).wait_for()
    assert page.locator("#members-table tbody tr").count() == 22
    screenshot("technologies")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Robotics", exact=True).first.click()
    page.get_by_role("heading", name=re.compile("Robotics: which regions are strong")).wait_for()


def test_a_resource_page_marks_values_in_other_languages(
    live_server: str, page: Page, screenshot: Screenshot
) -> None:
    page.goto(f"{live_server}/ket/photonics")
    italian = page.locator('td [lang="it"]', has_text="Fotonica").first
    assert italian.is_visible()
    marker = page.locator(".lang-marker", has=page.locator('[title="Italian"]')).first
    assert marker.is_visible() and marker.inner_text().startswith("it")
    # English values have their lang but no marker.
    english = page.locator('td span[lang="en"]', has_text=re.compile("^Photonics$"))
    assert english.count() == 1
    screenshot("resource-language-markers", full_page=False)
    assert axe_violations(page) == []
