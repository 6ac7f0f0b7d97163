"""The policy officer's path in a real browser: pick a question, fill its form, read the table,
sort it, download the CSV, open the SPARQL behind it; then a region's page.

Screenshots of the question and region pages land in ``test-output/screenshots/`` (the README's
pictures come from there).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse

import pytest

from tests.web.test_strengths_browser import axe_violations

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.web.conftest import Screenshot

pytestmark = pytest.mark.slow

# Marche's clusters in data/sources/clusters/clusters.csv (region ITI3).
MARCHE_CLUSTERS = 5


def column(page: Page, name: str) -> list[str]:
    """The texts of one column of the answer table (by its variable), in the order shown."""
    variables = [
        th.get_attribute("data-variable") for th in page.locator("#answer table thead th").all()
    ]
    index = variables.index(name)
    return [
        row.locator("td").nth(index).inner_text().strip()
        for row in page.locator("#answer table tbody tr").all()
    ]


def test_a_question_is_answered_from_its_form_and_downloads_as_csv(
    live_server: str, page: Page, screenshot: Screenshot, tmp_path: Path
) -> None:
    page.goto(f"{live_server}/")
    page.get_by_role("link", name=re.compile(r"Browse all \d+ questions")).click()
    # The catalogue lists each question once, under its first tag.
    link = page.get_by_role("link", name="Which cluster organisations are in a region?")
    assert link.count() == 1
    link.click()
    page.get_by_role("heading", name="Which cluster organisations are in a region?").wait_for()

    # The form: a select list of regions with a label; choose Marche by keyboard-free selection.
    page.get_by_label("Region").select_option("ITI3")
    page.get_by_role("button", name="Answer").click()
    page.locator("#answer table").wait_for()
    assert "region=ITI3" in page.url
    assert page.locator("#row-count").inner_text() == f"{MARCHE_CLUSTERS} rows"
    clusters = column(page, "cluster_label")
    assert len(clusters) == MARCHE_CLUSTERS
    assert "Cluster Marche Manufacturing" in clusters

    # Columns are headed in words (the variable stays on the header for API users); numbers
    # carry their unit.
    header = page.locator('#answer table thead th[data-variable="cluster_label"]')
    assert header.inner_text().strip() == "Cluster organisation"
    assert header.get_attribute("title") == "CSV and JSON column: cluster_label"
    assert "cluster_label" not in page.locator("#answer table thead").inner_text()

    # Sorting by a column (a button in its header) reorders the rows, and says so.
    header.get_by_role("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    assert column(page, "cluster_label") == sorted(clusters, key=str.lower)
    header.get_by_role("button").click()
    assert header.get_attribute("aria-sort") == "descending"
    assert column(page, "cluster_label") == sorted(clusters, key=str.lower, reverse=True)
    screenshot("question")

    # The CSV download has the same clusters.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    saved = tmp_path / "answer.csv"
    download_info.value.save_as(saved)
    with saved.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(row["cluster_label"] for row in rows) == sorted(clusters)

    # The SPARQL behind it, with the region bound, opens in the editor.
    page.get_by_text("The SPARQL behind this question").click()
    sparql = page.locator("#sparql-text").inner_text()
    assert "VALUES (?region) { (<http://data.europa.eu/nuts/code/ITI3>) }" in sparql
    link = page.locator("#open-in-editor").get_attribute("href") or ""
    assert unquote(link.partition("#query=")[2]) == sparql


def test_a_numeric_answer_has_a_bar_chart(live_server: str, page: Page) -> None:
    page.goto(f"{live_server}/queries/indicator-trend?region=ITI3&indicator=rd-private-eur-hab")
    bars = page.locator("figure.chart svg g.bar")
    years = column(page, "year")
    assert bars.count() == len(years) >= 5
    assert page.get_by_label("Indicator").input_value() == "rd-private-eur-hab"


def test_a_measured_column_is_headed_with_its_unit(live_server: str, page: Page) -> None:
    page.goto(f"{live_server}/queries/top-regions-in-technology?ket=ati:robotics")
    score = page.locator('#answer table thead th[data-variable="score"]')
    assert score.inner_text().strip() == "Strength (score 0–1)"
    assert (
        page.locator("figure.chart figcaption")
        .inner_text()
        .startswith("Strength (score 0–1) by Region")
    )
    # Sorting still works on the labelled header: highest score first after two clicks.
    score.get_by_role("button").click()
    score.get_by_role("button").click()
    assert score.get_attribute("aria-sort") == "descending"
    values = [float(v) for v in column(page, "score")]
    assert values == sorted(values, reverse=True)
    assert axe_violations(page) == []


def test_a_new_user_reaches_their_regions_partner_matches_from_the_home_page(
    live_server: str, page: Page, screenshot: Screenshot
) -> None:
    page.goto(f"{live_server}/")
    screenshot("home")
    assert axe_violations(page) == []
    actions = 0
    # Someone who has never seen SPARQL picks their region by its name, as they read it.
    page.get_by_label("Your region").select_option(label="Marche (ITI3)")
    actions += 1
    page.get_by_role("button", name="Show partners").click()
    actions += 1
    page.wait_for_url(re.compile(r"/regions/ITI3#matches$"))
    assert actions <= 3
    reached = urlparse(page.url)
    assert (reached.path, reached.fragment) == ("/regions/ITI3", "matches")
    page.get_by_role("heading", name="Marche (ITI3)").wait_for()


def test_every_technology_link_of_the_home_page_opens_its_page(
    live_server: str, page: Page
) -> None:
    page.goto(f"{live_server}/")
    links = page.locator("#explore-technology a")
    hrefs = [link.get_attribute("href") or "" for link in links.all()]
    assert len(hrefs) >= 6 and all(h.startswith("/technologies/") for h in hrefs)
    for href in hrefs:
        response = page.request.get(f"{live_server}{href}")
        assert response.status == 200, href
    # And one followed as a person does: its map and ranking.
    page.get_by_role("link", name="Robotics").click()
    page.get_by_role("heading", name=re.compile("Robotics: which regions are strong")).wait_for()
    assert urlparse(page.url).path == "/technologies/ati-robotics"


def test_two_regions_are_compared_from_the_home_page(live_server: str, page: Page) -> None:
    page.goto(f"{live_server}/")
    page.get_by_label("First region").select_option("ITI3")
    page.get_by_label("Second region").select_option("EL52")
    page.get_by_role("button", name="Compare").click()
    page.locator("#answer table").wait_for()
    reached = urlparse(page.url)
    assert reached.path == "/queries/compare-regions"
    assert "region_a=ITI3" in reached.query and "region_b=EL52" in reached.query
    assert "Photonics" in column(page, "technology_label")
    assert axe_violations(page) == []


def test_a_region_the_graph_lacks_gets_the_form_again_not_an_error_page(
    live_server: str, page: Page
) -> None:
    response = page.goto(f"{live_server}/find-partners?region=XX99")
    assert response is not None and response.status == 404
    assert "XX99" in page.get_by_role("alert").inner_text()
    assert axe_violations(page) == []
    page.get_by_label("Your region").select_option("ITI3")
    page.get_by_role("button", name="Show partners").click()
    page.wait_for_url(re.compile(r"/regions/ITI3#matches$"))


def test_a_bad_value_is_shown_next_to_the_form(live_server: str, page: Page) -> None:
    page.goto(f"{live_server}/queries/regions-ranked-by-indicator?year=1900")
    alert = page.get_by_role("alert")
    assert "year" in alert.inner_text()
    assert page.get_by_label("Year").is_visible()


def test_the_region_page_gathers_the_regions_questions(
    live_server: str, page: Page, screenshot: Screenshot
) -> None:
    page.goto(f"{live_server}/")
    page.get_by_label("Find a region, cluster or technology").fill("Marche")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Marche").first.click()
    page.get_by_role("heading", name="Marche (ITI3)").wait_for()
    assert page.url.endswith("/regions/ITI3")
    sections = page.locator("section.region-section h2").all_inner_texts()
    # Where it is strong, whom to work with, what it lacks, whom to learn from; then questions.
    assert sections[0].startswith("Technology profile")
    assert sections[1].startswith("Partners for Marche")
    assert sections[2].startswith("Gaps") and sections[3].startswith("Peers")
    assert "What are a region's smart specialisation (S3) priorities?" in sections[4]
    clusters = page.locator("#region-clusters table tbody tr")
    assert clusters.count() == MARCHE_CLUSTERS
    # Indicator values over time, as a chart.
    assert page.locator("#indicator-trend figure.chart svg g.bar").count() >= 5
    screenshot("region")
    # The README's picture: the top of the page, in a tall window.
    page.set_viewport_size({"width": 1280, "height": 1500})
    screenshot("region-top", full_page=False)


def test_pages_work_on_a_phone(live_server: str, page: Page, screenshot: Screenshot) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/queries/region-clusters?region=ITI3")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1  # nothing but the table's own scroll box is wider than the screen
    assert page.get_by_role("button", name="Answer").is_visible()
    screenshot("question-phone")
