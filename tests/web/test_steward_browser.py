"""The data steward's page in headless Chromium: choose a CSV of S3 priorities, check it (the
report per row, nothing written), then load it with a write key and see the result — the same
as a steward would, on a real ``kg serve`` over a copy of the small steward store; axe-core finds
no violation."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from tests.api.conftest import start_server
from tests.api.test_ingest_http import FIRST, PRIORITY
from tests.conftest import kg_env, run_kg
from tests.web.test_strengths_browser import axe_violations

if TYPE_CHECKING:
    from playwright.sync_api import Page


@pytest.fixture(scope="module")
def steward_server(
    steward_store: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    store = tmp_path_factory.mktemp("steward-page") / "store"
    shutil.copytree(steward_store, store)
    create = run_kg("keys", "create", "page-steward", env=kg_env(store))
    assert create.returncode == 0, create.stderr
    with start_server(store) as base:
        yield base, create.stdout.strip()


def test_check_then_load_a_file_from_the_page(
    steward_server: tuple[str, str], page: Page, tmp_path: Path
) -> None:
    base, key = steward_server
    upload = tmp_path / "marche-2021.csv"
    upload.write_text(FIRST, encoding="utf-8")
    page.goto(f"{base}/steward")
    assert axe_violations(page) == []
    page.get_by_label("File").set_input_files(str(upload))
    page.get_by_label("Mapping").select_option("s3-priorities")
    page.get_by_role("button", name="Check the file").click()
    status = page.locator("#steward-status")
    status.filter(has_text="Checked").wait_for()
    assert "nothing was written" in page.locator("#steward-report-title").inner_text()
    counts = page.locator("#steward-counts").inner_text()
    assert "1 refused" in counts
    rows = page.locator("#steward-rows tbody tr.violation")
    assert rows.count() == 1
    assert rows.first.locator("td").nth(0).inner_text() == "5"  # the row with the bad URL
    assert rows.first.locator("td").nth(3).inner_text() == "source_url"
    found = httpx.post(
        f"{base}/sparql", data={"query": f"ASK {{ <{PRIORITY}t-robotics> ?p ?o }}"}, timeout=60
    )
    assert found.json()["boolean"] is False  # checking wrote nothing

    page.get_by_label("Source name").fill("s3-page")
    page.get_by_label("Write key").fill(key)
    page.get_by_role("button", name="Load the valid records").click()
    status.filter(has_text="Loaded").wait_for(timeout=120_000)
    assert "graph/s3-page" in page.locator("#steward-report-title").inner_text()
    found = httpx.post(
        f"{base}/sparql", data={"query": f"ASK {{ <{PRIORITY}t-robotics> ?p ?o }}"}, timeout=60
    )
    assert found.json()["boolean"] is True
    assert axe_violations(page) == []

    # Loading again without "replace" is refused, and the page says why.
    page.get_by_role("button", name="Load the valid records").click()
    status.filter(has_text="Not loaded").wait_for(timeout=60_000)
    assert "replace" in status.inner_text()
