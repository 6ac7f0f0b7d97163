"""``/api/strengths`` and ``/api/technologies/{technology}/regions`` on a real ``kg serve``.

Evidence values are compared with what the SPARQL endpoint of the same server returns for the
same observation, never through kg.strengths.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import httpx
import pytest
from rdflib import Graph, URIRef
from SPARQLWrapper import JSON, SPARQLWrapper

from tests.helpers import wait_until_ready

CKG = "https://w3id.org/clusterkg/ontology#"
NUTS = "http://data.europa.eu/nuts/code/"
PROBLEM = "application/problem+json"


def get(base: str, path: str, **params: Any) -> httpx.Response:
    return httpx.get(f"{base}{path}", params=params, timeout=30)


def test_marche_profile_with_evidence_the_graph_holds(live_server: str) -> None:
    response = get(live_server, "/api/strengths", region="ITI3")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["region"]["code"] == "ITI3"
    assert body["note"] is None
    strengths = body["strengths"]
    assert len(strengths) >= 6
    scores = [s["score"] for s in strengths if s["score"] is not None]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 1 for s in scores)
    first = strengths[0]
    assert set(first) >= {"id", "technology", "score", "stars", "components", "evidence"}
    assert first["id"].startswith("https://w3id.org/clusterkg/id/strength/ITI3/")
    item = first["evidence"][0]
    assert set(item) >= {"id", "value", "label", "year", "source"}
    sparql = SPARQLWrapper(f"{live_server}/sparql")
    sparql.setQuery(
        "PREFIX sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#> "
        f"SELECT ?v WHERE {{ <{item['id']}> sdmx-measure:obsValue ?v }}"
    )
    sparql.setReturnFormat(JSON)
    (binding,) = sparql.queryAndConvert()["results"]["bindings"]  # type: ignore[index]
    assert Decimal(binding["v"]["value"]) == Decimal(str(item["value"]))


def test_one_technology_only(live_server: str) -> None:
    body = get(live_server, "/api/strengths", region="EL52", technology="ati:robotics").json()
    assert [s["technology"]["id"] for s in body["strengths"]] == [
        "https://w3id.org/clusterkg/ati/robotics"
    ]


def test_an_old_code_answers_for_the_regions_it_became(live_server: str) -> None:
    body = get(live_server, "/api/strengths", region="LT00").json()
    assert {r["code"] for r in body["resolved"]} == {"LT01", "LT02"}
    assert "LT01" in body["note"]
    assert {s["region"] for s in body["strengths"]} == {"LT01", "LT02"}


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"region": "XX99"}, 404),
        ({"region": "IT I3"}, 400),
        ({"region": "ITI3", "technology": "ket:Photonics!"}, 400),
        ({"region": "ITI3", "colour": "blue"}, 400),
        ({}, 400),
    ],
)
def test_bad_requests_are_problems(live_server: str, params: dict[str, str], status: int) -> None:
    response = get(live_server, "/api/strengths", **params)
    assert response.status_code == status
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["detail"]


@pytest.mark.parametrize(
    ("accept", "fmt"), [("application/ld+json", "json-ld"), ("text/turtle", "turtle")]
)
def test_linked_data_answers_are_the_strength_resources(
    live_server: str, accept: str, fmt: str
) -> None:
    response = httpx.get(
        f"{live_server}/api/strengths",
        params={"region": "ITI3", "technology": "ket:photonics"},
        headers={"Accept": accept},
        timeout=30,
    )
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format=fmt, publicID=live_server)
    strength = URIRef("https://w3id.org/clusterkg/id/strength/ITI3/ket-photonics")
    assert (strength, URIRef(CKG + "region"), URIRef(NUTS + "ITI3")) in graph
    assert graph.value(strength, URIRef(CKG + "score")) is not None
    evidence = set(graph.objects(strength, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")))
    assert evidence
    values = URIRef("http://purl.org/linked-data/sdmx/2009/measure#obsValue")
    assert all(graph.value(e, values) is not None for e in evidence)


def test_technology_ranking_pages_and_csv(live_server: str) -> None:
    response = get(live_server, "/api/technologies/ati:robotics/regions", per_page=10)
    assert response.status_code == 200
    body = response.json()
    total = int(response.headers["X-Total-Count"])
    assert total == body["total"] > 200
    assert len(body["regions"]) == 10
    assert 'rel="next"' in response.headers["Link"]
    ranks = [row["rank"] for row in body["regions"]]
    assert ranks == sorted(ranks) and ranks[0] == 1
    page2 = get(live_server, "/api/technologies/ati:robotics/regions", per_page=10, page=2).json()
    assert page2["regions"][0]["rank"] >= ranks[-1]
    as_csv = get(live_server, "/api/technologies/ati-robotics/regions", format="csv", per_page=5)
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert len(rows) == 5
    assert rows[0]["region"] == body["regions"][0]["region"]["code"]


def test_ranking_of_an_unknown_technology_is_404(live_server: str) -> None:
    response = get(live_server, "/api/technologies/ati:teleportation/regions")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith(PROBLEM)


def test_answers_have_an_etag_and_revalidate_to_304(live_server: str) -> None:
    first = get(live_server, "/api/strengths", region="RO31")
    etag = first.headers["etag"]
    again = get(live_server, "/api/strengths", region="RO31")
    assert again.headers["etag"] == etag
    assert again.content == first.content
    revalidated = httpx.get(
        f"{live_server}/api/strengths",
        params={"region": "RO31"},
        headers={"If-None-Match": etag},
        timeout=30,
    )
    assert revalidated.status_code == 304
    other = get(live_server, "/api/strengths", region="RO31", technology="ati:mobility")
    assert other.headers["etag"] != etag


def test_a_nuts1_region_answers_with_its_summed_strengths(live_server: str) -> None:
    body = get(live_server, "/api/strengths", region="DE9", technology="ati:robotics").json()
    assert body["region"]["code"] == "DE9"
    assert body["note"] is None
    (strength,) = body["strengths"]
    assert strength["id"] == "https://w3id.org/clusterkg/id/strength/DE9/ati-robotics"
    (employment,) = [c for c in strength["components"] if c["kind"] == "employment-specialisation"]
    assert employment["published_region"] == "DE9"
    assert employment["summed_units"] == ["DE91", "DE92", "DE93", "DE94"]
    assert employment["value"] > 0
    # the evidence is the NUTS 2 observations summed
    assert {item["region"] for item in strength["evidence"]} == {"DE91", "DE92", "DE93", "DE94"}


def test_technology_ranking_of_nuts1_regions(live_server: str) -> None:
    response = get(live_server, "/api/technologies/ati:robotics/regions", level=1, per_page=10)
    assert response.status_code == 200
    body = response.json()
    assert body["level"] == 1
    assert 80 < int(response.headers["X-Total-Count"]) == body["total"] <= 92
    codes = [row["region"]["code"] for row in body["regions"]]
    assert all(len(code) == 3 for code in codes)
    assert "DE1" in codes
    scores = [row["score"] for row in body["regions"] if row["score"] is not None]
    assert scores == sorted(scores, reverse=True)


def test_once_the_index_is_read_answers_come_from_memory_unchanged(live_server: str) -> None:
    """The server reads every strength into memory in the background; /healthz says when. An
    answer given from memory is the one the graph gives by queries (compared through SPARQL)."""
    wait_until_ready(live_server, "strength_index")
    body = get(live_server, "/api/strengths", region="PL22").json()  # asked by no other test
    sparql = SPARQLWrapper(f"{live_server}/sparql")
    sparql.setQuery(
        f"PREFIX ckg: <{CKG}> SELECT ?s ?score WHERE {{ ?s a ckg:TechnologyStrength ; "
        f"ckg:region <{NUTS}PL22> OPTIONAL {{ ?s ckg:score ?score }} }}"
    )
    sparql.setReturnFormat(JSON)
    rows = sparql.queryAndConvert()["results"]["bindings"]  # type: ignore[index]
    expected = {
        row["s"]["value"]: Decimal(row["score"]["value"]) if "score" in row else None
        for row in rows
    }
    given = {
        s["id"]: Decimal(str(s["score"])) if s["score"] is not None else None
        for s in body["strengths"]
    }
    assert given == expected and len(given) >= 6
