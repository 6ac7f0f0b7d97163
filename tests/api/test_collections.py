"""REST collections under /api/: totals, filters, paging, CSV, content negotiation and errors.

The live tests ask a real ``kg serve`` and compare with counts computed here by plain SPARQL on
the built store (or from the source files), never through kg.collections. The in-memory tests
prove the filters the bundled data cannot show (no cluster or priority names a NACE sector yet,
and there are no value chains).
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pyld import jsonld

from kg.collections import (
    CLUSTERS,
    COLLECTIONS,
    VALUE_CHAINS,
    Collection,
    PageRequest,
    count_members,
    fetch_members,
    parse_request,
)
from kg.config import PROJECT_ROOT
from kg.errors import InvalidInput
from kg.store import EmbeddedStore
from tests.helpers import csv_rows

NUTS = "http://data.europa.eu/nuts/code/"
CKG = "https://w3id.org/clusterkg/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
HYDRA = "http://www.w3.org/ns/hydra/core#"
PROBLEM = "application/problem+json"
S3 = PROJECT_ROOT / "data" / "sources" / "s3"

# --- helpers ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def graph(built_store: Path) -> Iterator[EmbeddedStore]:
    """The built store, read directly: the independent reference for totals and members."""
    with EmbeddedStore(built_store, read_only=True) as opened:
        yield opened


def count(graph: EmbeddedStore, where: str) -> int:
    rows = graph.query(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {where} }}").rows
    return int(str(rows[0]["n"]))


def iris(graph: EmbeddedStore, where: str) -> set[str]:
    return {str(row["x"]) for row in graph.query(f"SELECT DISTINCT ?x WHERE {{ {where} }}").rows}


def get(base: str, path: str, **params: str | int) -> httpx.Response:
    return httpx.get(f"{base}{path}", params=params, timeout=60)


def page(base: str, path: str, **params: str | int) -> dict[str, Any]:
    response = get(base, path, **params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/ld+json"
    body: dict[str, Any] = response.json()
    assert response.headers["x-total-count"] == str(body["totalItems"])
    return body


def members(base: str, path: str, **params: str | int) -> list[dict[str, Any]]:
    """Every member over all pages, following the Link header's next page."""
    found: list[dict[str, Any]] = []
    url: str | None = str(httpx.URL(f"{base}{path}", params=params))
    while url:
        response = httpx.get(url, timeout=60)
        assert response.status_code == 200, response.text
        found += response.json()["member"]
        url = links(response).get("next")
    return found


def links(response: httpx.Response) -> dict[str, str]:
    return {
        rel: url
        for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers.get("link", ""))
    }


def eu27() -> set[str]:
    path = PROJECT_ROOT / "data" / "sources" / "nuts" / "nuts2024.csv"
    return {row["country_code"] for row in csv_rows(path)}


# --- totals and the index --------------------------------------------------------------------

CLASSES = {
    "regions": "ckg:Region",
    "clusters": "ckg:ClusterOrganisation",
    "kets": "ckg:KeyEnablingTechnology",
    "s3-priorities": "ckg:S3Priority",
    "policy-instruments": "ckg:PolicyInstrument",
    "projects": "ckg:CooperationProject",
    "value-chains": "ckg:ValueChain",
}


@pytest.mark.slow
def test_index_lists_every_collection_with_its_url_and_filters(live_server: str) -> None:
    response = get(live_server, "/api")
    assert response.status_code == 200
    collections = {c["name"]: c for c in response.json()["collections"]}
    assert set(collections) == set(CLASSES)
    assert collections["regions"]["url"] == f"{live_server}/api/regions"
    assert {f["name"] for f in collections["regions"]["filters"]} >= {"country", "level"}
    assert {f["name"] for f in collections["s3-priorities"]["filters"]} >= {
        "ket",
        "sector",
        "period",
    }
    assert {f["name"] for f in collections["projects"]["filters"]} >= {"programme", "period"}
    for collection in collections.values():
        assert httpx.get(collection["url"], params={"per_page": 1}).status_code == 200


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CLASSES))
def test_totals_match_the_graph(live_server: str, graph: EmbeddedStore, name: str) -> None:
    body = page(live_server, f"/api/{name}", per_page=5)
    expected = count(graph, f"?x a {CLASSES[name]}")
    assert body["totalItems"] == expected
    assert len(body["member"]) == min(5, expected)
    assert all(m["@type"] == CLASSES[name] for m in body["member"])


@pytest.mark.slow
def test_totals_match_the_curated_sources(live_server: str) -> None:
    # The data tests' figures: every row of clusters.csv, 662 priorities, 6 KETs + 16 ATI.
    assert page(live_server, "/api/clusters")["totalItems"] == len(csv_rows(S3 / "clusters.csv"))
    assert page(live_server, "/api/s3-priorities")["totalItems"] == 662
    assert page(live_server, "/api/kets")["totalItems"] == 22
    assert page(live_server, "/api/kets", scheme="ket")["totalItems"] == 6
    assert page(live_server, "/api/kets", scheme="ati")["totalItems"] == 16
    empty = page(live_server, "/api/value-chains")
    assert empty["totalItems"] == 0 and empty["member"] == []


# --- filters ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_eu27_has_244_nuts2_regions_in_2024(live_server: str) -> None:
    found = members(live_server, "/api/regions", level=2, version=2024, per_page=500)
    countries = eu27()
    codes = {
        m["notation"]
        for m in found
        if m["notation"][:2] in countries and not re.fullmatch(r"Z+", m["notation"][2:])
    }
    assert len(codes) == 244
    assert all(m["nutsLevel"] == 2 for m in found)


@pytest.mark.slow
def test_country_filter_keeps_only_that_country(live_server: str, graph: EmbeddedStore) -> None:
    found = members(live_server, "/api/regions", country="IT", per_page=500)
    assert len(found) == count(graph, "?x a ckg:Region ; ckg:country nuts:IT")
    assert {m["country"] for m in found} == {f"{NUTS}IT"}
    assert all(m["notation"].startswith("IT") for m in found)


@pytest.mark.slow
def test_greece_is_el_and_gr_is_read_as_el(live_server: str) -> None:
    el = page(live_server, "/api/regions", country="EL", level=2, version=2024, per_page=500)
    gr = page(live_server, "/api/regions", country="gr", level=2, version=2024, per_page=500)
    assert el["totalItems"] == gr["totalItems"] == 14  # 13 regions and EL ZZ (extra-regio)
    assert {m["@id"] for m in el["member"]} == {m["@id"] for m in gr["member"]}


@pytest.mark.slow
def test_level_and_region_filters(live_server: str, graph: EmbeddedStore) -> None:
    level0 = members(live_server, "/api/regions", level=0, per_page=500)
    assert len(level0) == count(graph, "?x a ckg:Region ; ckg:nutsLevel 0")
    assert all(m["nutsLevel"] == 0 and len(m["notation"]) == 2 for m in level0)
    within = members(live_server, "/api/regions", region="ITI", level=3)
    assert within and all(re.fullmatch(r"ITI\d\w", m["notation"]) for m in within)


@pytest.mark.slow
def test_country_filter_on_clusters_and_priorities(live_server: str, graph: EmbeddedStore) -> None:
    clusters = members(live_server, "/api/clusters", country="IT")
    expected = iris(graph, "?x a ckg:ClusterOrganisation ; ckg:region/ckg:country nuts:IT")
    assert {m["@id"] for m in clusters} == expected
    priorities = page(live_server, "/api/s3-priorities", country="IT", per_page=500)
    italian = count(graph, "?x a ckg:S3Priority ; ckg:region/ckg:country nuts:IT")
    assert priorities["totalItems"] == italian < 662


@pytest.mark.slow
def test_ket_filter_matches_named_derived_and_equivalent_technologies(
    live_server: str, graph: EmbeddedStore
) -> None:
    expected = iris(
        graph,
        "?x a ckg:S3Priority ; ckg:technology|ckg:derivedTechnology ?t "
        "VALUES ?t { ket:advanced-manufacturing-technologies "
        "ati:advanced-manufacturing-technology }",
    )
    assert expected
    for value in (
        "ket:advanced-manufacturing-technologies",
        "https://w3id.org/clusterkg/ket/advanced-manufacturing-technologies",
        "AMT",
    ):
        found = members(live_server, "/api/s3-priorities", ket=value)
        assert {m["@id"] for m in found} == expected, value
    photonics = members(live_server, "/api/clusters", ket="photonics")
    assert {m["@id"] for m in photonics} == iris(
        graph,
        "?x a ckg:ClusterOrganisation ; ckg:technology|ckg:derivedTechnology ?t "
        "VALUES ?t { ket:photonics ati:photonics }",
    )
    assert 0 < len(photonics) < 55  # a filter, not the whole collection


@pytest.mark.slow
def test_sector_filter_is_read_and_checked(live_server: str) -> None:
    # No curated cluster or priority names a NACE code yet (see the in-memory test below).
    assert page(live_server, "/api/clusters", sector="C26")["totalItems"] == 0
    assert page(live_server, "/api/s3-priorities", sector="26.11")["totalItems"] == 0
    response = get(live_server, "/api/clusters", sector="A26")
    assert response.status_code == 400 and response.json()["parameter"] == "sector"


@pytest.mark.slow
def test_programme_filter(live_server: str) -> None:
    projects = page(live_server, "/api/projects", programme="interreg-europe")
    assert [m["label"] for m in projects["member"]] == ["ClusterFY"]
    by_iri = page(
        live_server,
        "/api/policy-instruments",
        programme="https://w3id.org/clusterkg/id/programme/smart-growth-op",
    )
    assert [m["@id"].rsplit("/", 1)[-1] for m in by_iri["member"]] == ["clusterfy-pl"]


@pytest.mark.slow
@pytest.mark.parametrize("country", ["IT", "LT", "SE", "AT"])
def test_country_filter_on_projects_follows_partner_roles(
    live_server: str, graph: EmbeddedStore, country: str
) -> None:
    # Roles name their project with org:organization; not every project lists them back.
    expected = iris(
        graph,
        f"?r a ckg:PartnerRole ; org:organization ?x ; ckg:region/ckg:country nuts:{country}",
    )
    found = page(live_server, "/api/projects", country=country)["member"]
    assert {m["@id"] for m in found} == expected and len(expected) == 1


@pytest.mark.slow
def test_period_filter_keeps_overlapping_periods(live_server: str, graph: EmbeddedStore) -> None:
    # ClusterFY ran 2017-2021; ClusterPoliSEE states no period, so no period filter keeps it.
    assert [m["label"] for m in page(live_server, "/api/projects", period=2018)["member"]] == [
        "ClusterFY"
    ]
    assert page(live_server, "/api/projects", period="2010-2016")["totalItems"] == 0
    assert page(live_server, "/api/projects", period="2021/2030")["totalItems"] == 1
    found = members(live_server, "/api/s3-priorities", period=2022, per_page=100)
    expected = count(
        graph,
        "?x a ckg:S3Priority ; ckg:strategy/dct:temporal ?t . ?t dcat:startDate ?s ; "
        'dcat:endDate ?e FILTER(?s <= "2022-12-31"^^xsd:date && ?e >= "2022-01-01"^^xsd:date)',
    )
    assert len(found) == expected > 0
    for member in found:
        temporal = member["strategy"]["temporal"]
        assert temporal["startDate"] <= "2022-12-31" and temporal["endDate"] >= "2022-01-01"


# --- paging ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_pages_do_not_overlap_and_links_lead_through_them(live_server: str) -> None:
    first = get(live_server, "/api/regions", country="IT", level=3, per_page=40)
    total = int(first.headers["x-total-count"])
    last_number = -(-total // 40)
    assert total > 80 and total % 40  # several pages, the last one shorter
    rels = links(first)
    assert set(rels) == {"first", "next", "last"}
    assert rels["last"] == (
        f"{live_server}/api/regions?country=IT&level=3&per_page=40&page={last_number}"
    )
    assert "prev" not in rels
    seen: list[str] = []
    url: str | None = str(first.url)
    pages = 0
    while url:
        response = httpx.get(url)
        body = response.json()
        seen += [m["@id"] for m in body["member"]]
        pages += 1
        rels = links(response)
        assert body["view"].get("next") == rels.get("next")
        assert "country=IT" in rels["first"] and "level=3" in rels["first"]
        url = rels.get("next")
    assert pages == last_number
    assert len(body["member"]) == total % 40  # the last page is the shorter one
    assert rels["prev"].endswith(f"page={last_number - 1}")
    assert len(seen) == len(set(seen)) == total


@pytest.mark.slow
def test_page_past_the_end_is_empty(live_server: str) -> None:
    body = page(live_server, "/api/projects", page=5)
    assert body["member"] == [] and body["totalItems"] == 2


# --- representations -------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("headers", "params"),
    [({"Accept": "text/csv"}, {}), ({"Accept": "application/ld+json"}, {"format": "csv"})],
)
def test_csv_has_a_header_row_and_one_line_per_member(
    live_server: str, headers: dict[str, str], params: dict[str, str]
) -> None:
    response = httpx.get(
        f"{live_server}/api/clusters", params={"per_page": 20, **params}, headers=headers
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["x-total-count"] == "55"
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0][:2] == ["id", "label"] and "technology" in rows[0]
    assert len(rows) == 21
    assert all(row[0].startswith("https://w3id.org/clusterkg/id/cluster/") for row in rows[1:])
    if "format" in params:  # the links keep the format, so CSV pages lead to CSV pages
        assert "format=csv" in links(response)["next"]


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("*/*", "application/ld+json"),
        ("", "application/ld+json"),
        ("application/json", "application/json"),
        ("application/ld+json", "application/ld+json"),
        (BROWSER, "text/html"),  # a browser gets the page (regions, clusters, kets)
        ("text/html", "text/html"),
        ("text/html, application/ld+json", "application/ld+json"),  # a tie keeps JSON-LD
        ("application/ld+json, text/html;q=0.9", "application/ld+json"),
        ("application/ld+json;q=0.5, text/csv", "text/csv"),
        ("text/*", "text/csv"),  # as before: a tie between CSV and the page goes to CSV
    ],
)
def test_content_negotiation(live_server: str, accept: str, expected: str) -> None:
    response = httpx.get(f"{live_server}/api/kets", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == expected
    assert "Accept" in response.headers["vary"]


@pytest.mark.slow
def test_collections_without_a_page_keep_json_ld_for_browsers(live_server: str) -> None:
    response = httpx.get(f"{live_server}/api/projects", headers={"Accept": BROWSER})
    assert response.headers["content-type"] == "application/ld+json"
    assert (
        httpx.get(f"{live_server}/api/projects", headers={"Accept": "text/html"}).status_code == 406
    )


@pytest.mark.slow
def test_format_wins_over_a_browsers_accept(live_server: str) -> None:
    for fmt, media_type in (("jsonld", "application/ld+json"), ("csv", "text/csv")):
        response = httpx.get(
            f"{live_server}/api/regions", params={"format": fmt}, headers={"Accept": BROWSER}
        )
        assert response.headers["content-type"].split(";")[0] == media_type


@pytest.mark.slow
def test_unacceptable_media_type_is_406(live_server: str) -> None:
    response = httpx.get(f"{live_server}/api/kets", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["type"].endswith("/not-acceptable")
    assert get(live_server, "/api/kets", format="xml").status_code == 406


@pytest.mark.slow
def test_jsonld_expands_to_the_right_iris(live_server: str) -> None:
    def load(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        response = httpx.get(url, headers={"Accept": "application/ld+json"}, timeout=30)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": response.json(),
        }

    document = page(live_server, "/api/regions", region="ITI3", level=2)
    expanded = jsonld.expand(document, {"documentLoader": load})
    [collection] = expanded
    assert collection["@type"] == [f"{HYDRA}Collection"]
    assert collection[f"{HYDRA}totalItems"][0]["@value"] == 1
    [marche] = collection[f"{HYDRA}member"]
    assert marche["@id"] == f"{NUTS}ITI3"
    assert marche["@type"] == [f"{CKG}Region"]
    assert marche[f"{SKOS}prefLabel"] == [{"@value": "Marche"}]
    assert marche[f"{CKG}country"] == [{"@id": f"{NUTS}IT"}]
    assert {"@id": "http://data.europa.eu/nuts/scheme/2024"} in marche[f"{SKOS}inScheme"]
    view = collection[f"{HYDRA}view"][0]
    assert view[f"{HYDRA}first"][0]["@id"].startswith(f"{live_server}/api/regions?")


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_unknown_parameter_is_400_naming_it(live_server: str) -> None:
    response = get(live_server, "/api/regions", contry="IT")
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["parameter"] == "contry" and "'contry'" in problem["detail"]
    assert "country" in problem["allowed"] and "page" in problem["allowed"]
    # A filter of another collection is unknown here too: kets have no country.
    assert get(live_server, "/api/kets", country="IT").json()["parameter"] == "country"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("path", "params", "parameter"),
    [
        ("/api/regions", {"level": "9"}, "level"),
        ("/api/regions", {"country": "Italy"}, "country"),
        ("/api/regions", {"country": "XX"}, "country"),
        ("/api/regions", {"version": "1999"}, "version"),
        ("/api/regions", {"region": "ZZZ99"}, "region"),
        ("/api/regions", {"page": "0"}, "page"),
        ("/api/regions", {"page": "two"}, "page"),
        ("/api/regions", {"per_page": "501"}, "per_page"),
        ("/api/regions", {"country": ""}, "country"),
        ("/api/clusters", {"sector": "manufacturing"}, "sector"),
        ("/api/clusters", {"ket": "quantum"}, "ket"),
        ("/api/projects", {"programme": "horizon"}, "programme"),
        ("/api/projects", {"period": "2020-2014"}, "period"),
        ("/api/projects", {"period": "recent"}, "period"),
        ("/api/kets", {"scheme": "eu"}, "scheme"),
    ],
)
def test_bad_values_are_400_naming_the_parameter(
    live_server: str, path: str, params: dict[str, str], parameter: str
) -> None:
    response = get(live_server, path, **params)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["parameter"] == parameter


@pytest.mark.slow
def test_repeated_parameter_is_400(live_server: str) -> None:
    response = httpx.get(f"{live_server}/api/regions?country=IT&country=EL")
    assert response.status_code == 400
    assert response.json()["parameter"] == "country"


@pytest.mark.slow
def test_unknown_collection_is_404(live_server: str) -> None:
    response = get(live_server, "/api/widgets")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM


@pytest.mark.slow
def test_openapi_documents_each_collection(live_server: str) -> None:
    document = httpx.get(f"{live_server}/openapi.json", timeout=30).json()
    for name in CLASSES:
        operation = document["paths"][f"/api/{name}"]["get"]
        names = {p["name"] for p in operation["parameters"]}
        assert {"page", "per_page", "format"} <= names
        assert all(p["in"] == "query" and p["description"] for p in operation["parameters"])
        content = operation["responses"]["200"]["content"]
        assert {"application/ld+json", "text/csv"} <= set(content)
        # Browsers get a page of regions, clusters and technologies, and the form with an error.
        page_types = {"text/html"} if name in {"regions", "clusters", "kets"} else set()
        assert set(content) - {"application/ld+json", "application/json", "text/csv"} == page_types
        assert set(operation["responses"]["400"]["content"]) == {PROBLEM} | page_types
        assert set(operation["responses"]["406"]["content"]) == {PROBLEM}
    regions = document["paths"]["/api/regions"]["get"]["parameters"]
    level = next(p for p in regions if p["name"] == "level")
    assert level["schema"] == {"type": "integer", "minimum": 0, "maximum": 3}


# --- the HTML pages for browsers ------------------------------------------------------------


def page_rows(body: str) -> list[str]:
    """The IRIs of the members an HTML page lists, in its order."""
    return [html.unescape(iri) for iri in re.findall(r'<tr data-iri="([^"]+)">', body)]


def html_page(base: str, path: str, **params: str | int) -> httpx.Response:
    response = httpx.get(f"{base}{path}", params=params, headers={"Accept": BROWSER}, timeout=60)
    assert response.headers["content-type"].startswith("text/html"), response.text[:300]
    assert "Accept" in response.headers["vary"]
    return response


@pytest.mark.slow
@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/regions", {}),
        ("/api/regions", {"country": "IT", "level": 3, "per_page": 40, "page": 2}),
        ("/api/regions", {"country": "gr", "level": 2, "version": 2024}),
        ("/api/regions", {"name": "att", "per_page": 5}),
        ("/api/regions", {"region": "ITI"}),
        ("/api/clusters", {}),
        ("/api/clusters", {"ket": "photonics"}),
        ("/api/clusters", {"country": "IT", "per_page": 3, "page": 2}),
        ("/api/kets", {"scheme": "ati"}),
        ("/api/kets", {"page": 9}),  # past the end: both empty
    ],
)
def test_the_page_lists_the_same_members_as_the_json_ld(
    live_server: str, path: str, params: dict[str, str | int]
) -> None:
    response = html_page(live_server, path, **params)
    assert response.status_code == 200
    document = page(live_server, path, **params)
    assert page_rows(response.text) == [m["@id"] for m in document["member"]]
    assert response.headers["x-total-count"] == str(document["totalItems"])
    total = re.search(r'id="total">\s*(\d+) ', response.text)
    assert total is not None and int(total.group(1)) == document["totalItems"]


@pytest.mark.slow
def test_the_region_page_links_people_to_region_pages_and_other_pages(live_server: str) -> None:
    body = html_page(live_server, "/api/regions", country="IT", level=3, per_page=40).text
    assert "<h1>Regions</h1>" in body
    assert body.count("<tr data-iri=") == 40
    # Each code leads to the region's page; the parent region is named and linked too.
    assert '<a href="/regions/ITC11">ITC11</a>' in body
    assert '<a href="/regions/ITC1">Piemonte</a>' in body
    # Every filter input has a label; the country and level keep what was asked.
    for name in ("country", "level", "version", "region", "name"):
        assert f'<label for="filter-{name}">' in body and f'id="filter-{name}"' in body
    assert '<option value="IT" selected>' in body and '<option value="3" selected>' in body
    # Next and last pages keep the filters; there is no previous page on the first.
    assert 'href="?country=IT&amp;level=3&amp;per_page=40&amp;page=2" rel="next"' in body
    assert 'rel="prev"' not in body
    assert 'href="?country=IT&amp;level=3&amp;per_page=40&amp;format=csv"' in body


@pytest.mark.slow
def test_the_cluster_and_technology_pages_link_to_existing_pages(live_server: str) -> None:
    clusters = html_page(live_server, "/api/clusters", ket="photonics").text
    links = set(re.findall(r'href="(/(?:id|regions|technologies)/[^"]+)"', clusters))
    assert any(h.startswith("/id/cluster/") for h in links)
    assert "/technologies/ket-photonics" in links
    technologies = html_page(live_server, "/api/kets").text
    hrefs = set(re.findall(r'href="(/(?:technologies|ket|ati|scheme)/[^"]+)"', technologies))
    assert {"/technologies/ket-photonics", "/technologies/ati-robotics", "/ket/photonics"} <= hrefs
    with httpx.Client(base_url=live_server, headers={"Accept": "text/html"}, timeout=60) as client:
        for href in sorted(links | hrefs):
            assert client.get(href).status_code == 200, href


@pytest.mark.slow
@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"contry": "IT"}, "contry"),
        ({"country": "Italy"}, "country"),
        ({"level": "9"}, "level"),
        ({"name": "a"}, "name"),
        ({"per_page": "501"}, "per_page"),
    ],
)
def test_a_browser_gets_the_form_and_the_same_error(
    live_server: str, params: dict[str, str], parameter: str
) -> None:
    problem = get(live_server, "/api/regions", **params)
    assert problem.status_code == 400 and problem.headers["content-type"] == PROBLEM
    assert problem.json()["parameter"] == parameter
    response = html_page(live_server, "/api/regions", **params)
    assert response.status_code == 400
    alert = re.search(r'<div class="error" role="alert"[^>]*>(.*?)</div>', response.text, re.S)
    assert alert is not None
    assert problem.json()["detail"] in html.unescape(alert.group(1))
    assert page_rows(response.text) == []


@pytest.mark.slow
def test_empty_form_fields_are_dropped_by_a_redirect(live_server: str) -> None:
    response = httpx.get(
        f"{live_server}/api/regions?country=&level=2&version=&region=&name=marche",
        headers={"Accept": BROWSER},
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/api/regions?level=2&name=marche"
    # An API client sending an empty parameter is still refused, as before.
    assert get(live_server, "/api/regions", country="").status_code == 400


@pytest.mark.slow
def test_values_from_the_graph_are_escaped(live_server: str) -> None:
    # The NUTS name of FR9 holds an apostrophe: Jinja's autoescape writes it as &#39;.
    name = page(live_server, "/api/regions", name="d'outre")["member"][0]["prefLabel"]
    assert name == "Départements d'outre-mer"
    body = html_page(live_server, "/api/regions", name="d'outre").text
    assert "Départements d&#39;outre-mer" in body and name not in body


# --- the name filter -------------------------------------------------------------------------


@pytest.mark.slow
def test_name_filter_finds_any_label_ignoring_case(live_server: str, graph: EmbeddedStore) -> None:
    marche = members(live_server, "/api/regions", name="MARCHE")
    assert f"{NUTS}ITI3" in {m["@id"] for m in marche}
    expected = iris(
        graph,
        "?x a ckg:Region ; skos:prefLabel|rdfs:label|skos:altLabel ?l "
        'FILTER(CONTAINS(LCASE(STR(?l)), "attiki"))',
    )
    # Attiki is the transliteration (skos:altLabel @el-Latn) of Αττική.
    assert {m["@id"] for m in members(live_server, "/api/regions", name="Attiki")} == expected
    assert f"{NUTS}EL30" in expected
    clusters = members(live_server, "/api/clusters", name="clust-er")
    assert clusters and all("clust-er" in m["label"].lower() for m in clusters)


# --- filters the bundled data cannot show, on a small in-memory graph -----------------------

SMALL_GRAPH = """
PREFIX ckg: <https://w3id.org/clusterkg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX nace: <http://data.europa.eu/ux2/nace2/>
PREFIX nuts: <http://data.europa.eu/nuts/code/>
PREFIX ket: <https://w3id.org/clusterkg/ket/>
PREFIX ati: <https://w3id.org/clusterkg/ati/>
PREFIX ex: <https://example.org/>
INSERT DATA { GRAPH ex:g {
  nace:C skos:inScheme nace:nace2 .
  nace:26 skos:inScheme nace:nace2 ; skos:broader nace:C .
  nace:261 skos:inScheme nace:nace2 ; skos:broader nace:26 .
  nace:2611 skos:inScheme nace:nace2 ; skos:broader nace:261 .
  nace:10 skos:inScheme nace:nace2 ; skos:broader nace:C .
  nace:A skos:inScheme nace:nace2 .
  nuts:IT a ckg:Region ; ckg:nutsLevel 0 ; ckg:country nuts:IT .
  nuts:EL a ckg:Region ; ckg:nutsLevel 0 ; ckg:country nuts:EL .
  ket:photonics a ckg:KeyEnablingTechnology ; skos:notation "PH" ; skos:exactMatch ati:photonics .
  ati:photonics a ckg:KeyEnablingTechnology ; skos:notation "ATI-14" .
  ex:chips a ckg:ClusterOrganisation ; ckg:naceSector nace:2611 ; ckg:region nuts:IT .
  ex:food a ckg:ClusterOrganisation ; ckg:naceSector nace:10 ; ckg:region nuts:EL .
  ex:chain a ckg:ValueChain ; ckg:region nuts:EL ; ckg:technology ati:photonics .
  ex:other a ckg:ValueChain ; ckg:region nuts:IT .
} }
"""


@pytest.fixture(scope="module")
def small() -> EmbeddedStore:
    store = EmbeddedStore()
    store.update(SMALL_GRAPH)
    return store


def matching(store: EmbeddedStore, request: PageRequest) -> list[str]:
    found = [m["@id"].rsplit("/", 1)[-1] for m in fetch_members(store, request)]
    assert count_members(store, request) == len(found)
    return found


def request(store: EmbeddedStore, collection: Collection, **params: str) -> PageRequest:
    return parse_request(
        collection, list(params.items()), store, default_per_page=50, max_per_page=500
    )


@pytest.mark.parametrize(
    ("sector", "expected"),
    [
        ("C26", ["chips"]),
        ("26.11", ["chips"]),
        ("261", ["chips"]),
        ("C", ["chips", "food"]),
        ("10", ["food"]),
    ],
)
def test_sector_filter_matches_the_activity_and_below(
    small: EmbeddedStore, sector: str, expected: list[str]
) -> None:
    assert matching(small, request(small, CLUSTERS, sector=sector)) == expected


def test_sector_of_the_wrong_section_is_refused(small: EmbeddedStore) -> None:
    with pytest.raises(InvalidInput) as caught:
        request(small, CLUSTERS, sector="A26")
    assert caught.value.extensions["parameter"] == "sector"


def test_value_chain_filters(small: EmbeddedStore) -> None:
    assert matching(small, request(small, VALUE_CHAINS)) == ["chain", "other"]
    assert matching(small, request(small, VALUE_CHAINS, country="gr")) == ["chain"]
    assert matching(small, request(small, VALUE_CHAINS, ket="PH")) == ["chain"]
    assert matching(small, request(small, VALUE_CHAINS, ket="ati:photonics")) == ["chain"]
    assert matching(small, request(small, VALUE_CHAINS, country="IT")) == ["other"]


def test_each_json_key_means_one_property_per_collection() -> None:
    # The inline context defines one term per key, so a key may not stand for two properties.
    for collection in COLLECTIONS.values():
        meanings: dict[str, str] = {}
        for f in collection.fields:
            for key, step in [*zip(f.nest, f.steps, strict=False), (f.key, f.steps[-1])]:
                assert meanings.setdefault(key, step) == step, (collection.name, key)
        assert len({f.name for f in collection.fields}) == len(collection.fields)


def test_name_filter_binds_the_text_as_a_literal() -> None:
    # The text reaches the store as a bound literal: quotes and brackets are only text.
    store = EmbeddedStore()
    store.update(
        "PREFIX ckg: <https://w3id.org/clusterkg/ontology#> "
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "INSERT DATA { GRAPH <https://example.org/names> { "
        '<https://example.org/odd> a ckg:ClusterOrganisation ; rdfs:label "Odd" ; '
        'skos:altLabel "Quote \\" and ) brace"@en . '
        '<https://example.org/even> a ckg:ClusterOrganisation ; rdfs:label "Even" } }'
    )
    assert matching(store, request(store, CLUSTERS, name='" and )')) == ["odd"]
    assert matching(store, request(store, CLUSTERS, name="QUOTE")) == ["odd"]
    assert matching(store, request(store, CLUSTERS, name="ve")) == ["even"]
    assert matching(store, request(store, CLUSTERS, name="chips")) == []
    with pytest.raises(InvalidInput) as caught:
        request(store, CLUSTERS, name=" x ")
    assert caught.value.extensions["parameter"] == "name"
