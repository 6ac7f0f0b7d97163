"""The API documentation in headless Chromium with every request to another host refused, as on
a machine without internet: the operations must still render (their files come from the app)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page, Route

    from tests.web.conftest import Screenshot


REDOCLY_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


def refuse_other_hosts(page: Page, server: str) -> list[str]:
    """Let the page reach ``server`` only; every other request fails (and is listed)."""
    refused: list[str] = []
    allowed = urlsplit(server).netloc

    def handle(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).scheme in {"http", "https"} and urlsplit(url).netloc != allowed:
            refused.append(url)
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route("**/*", handle)
    return refused


@pytest.mark.slow
def test_swagger_ui_renders_the_operations_offline(
    live_server: str, page: Page, screenshot: Screenshot
) -> None:
    refused = refuse_other_hosts(page, live_server)
    page.goto(f"{live_server}/docs")
    regions = page.locator('.opblock-summary-path[data-path="/api/regions"]')
    regions.wait_for()
    assert regions.inner_text().strip() == "/api/regions"
    assert page.locator(".opblock").count() > 20
    # The OpenAPI document loaded: the title and version are shown, not an error.
    assert "ClusterKG" in page.locator(".info .title").inner_text()
    assert page.get_by_text("Unable to render this definition").count() == 0
    screenshot("docs-offline", full_page=False)
    assert refused == []


@pytest.mark.slow
def test_redoc_renders_the_operations_offline(live_server: str, page: Page) -> None:
    refused = refuse_other_hosts(page, live_server)
    page.goto(f"{live_server}/redoc")
    page.get_by_role("heading", name="List NUTS regions").first.wait_for()
    # ReDoc's one outside request is its vendor's logo in the menu, which it hides when the image
    # fails to load (an onError handler in redoc.standalone.js): nothing the page needs.
    assert [url for url in refused if url != REDOCLY_LOGO] == []
