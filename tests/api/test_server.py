"""`kg serve` as a real uvicorn process on 127.0.0.1, probed with a real HTTP client."""

from __future__ import annotations

import httpx
import pytest


@pytest.mark.slow
def test_healthz_reports_the_graph_size(live_server: str) -> None:
    response = httpx.get(f"{live_server}/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["graphs"]["https://w3id.org/clusterkg/id/graph/nuts"] > 10_000
    assert body["quads"] == sum(body["graphs"].values())


@pytest.mark.slow
def test_unknown_path_is_a_problem_json_404(live_server: str) -> None:
    response = httpx.get(f"{live_server}/no/such/thing")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/not-found")


@pytest.mark.slow
def test_home_page_links_every_surface_and_its_stylesheet_is_served(live_server: str) -> None:
    page = httpx.get(f"{live_server}/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    for path in ("/sparql", "/api", "/ontology", "/.well-known/void", "/docs"):
        assert f'href="{path}"' in page.text
    stylesheet = httpx.get(f"{live_server}/static/style.css")
    assert stylesheet.status_code == 200
    assert stylesheet.headers["content-type"].startswith("text/css")
