"""``/api/match``, ``/api/gaps`` and ``/api/peers`` on a real ``kg serve``: answers, their
evidence checked through the server's own SPARQL endpoint (SPARQLWrapper), content negotiation,
paging by limit, caching and the problems for bad input."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import httpx
import pytest
from rdflib import Graph, URIRef
from SPARQLWrapper import JSON, SPARQLWrapper

from kg.matching.answers import region_results
from kg.store import EmbeddedStore
from tests.helpers import wait_until_ready

CKG = "https://w3id.org/clusterkg/ontology#"
PROBLEM = "application/problem+json"


def get(base: str, path: str, **params: Any) -> httpx.Response:
    return httpx.get(f"{base}{path}", params=params, timeout=60)


def test_marche_matches_follow_to_the_evidence(live_server: str) -> None:
    response = get(live_server, "/api/match", region="ITI3")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["region"]["code"] == "ITI3"
    assert body["weights"] == {"strength": 0.7, "clusters": 0.15, "cooperation": 0.1,
                               "learning": 0.05}  # fmt: skip
    matches = body["matches"]
    assert int(response.headers["X-Total-Count"]) == body["total"] == len(matches) >= 5
    first = matches[0]
    assert set(first) >= {"id", "score", "priority", "technology", "partnerRegion", "evidence",
                          "reasons", "connections"}  # fmt: skip
    # Each evidence value is what the graph holds: asked through the endpoint, not kg.matching.
    sparql = SPARQLWrapper(f"{live_server}/sparql")
    sparql.setReturnFormat(JSON)
    for item in first["evidence"]:
        if item["value"] is None:
            continue
        sparql.setQuery(f"SELECT ?v WHERE {{ <{item['id']}> <{CKG}score>|<{CKG}value> ?v }}")
        values = [float(b["v"]["value"]) for b in sparql.queryAndConvert()["results"]["bindings"]]
        assert values == [item["value"]]
    # The match itself is a dereferenceable resource with the same score.
    address = first["id"].replace("https://w3id.org/clusterkg", live_server)
    resource = httpx.get(
        address, headers={"Accept": "text/turtle"}, timeout=30, follow_redirects=True
    )
    assert resource.status_code == 200
    graph = Graph().parse(data=resource.text, format="turtle")
    score = graph.value(URIRef(first["id"]), URIRef(f"{CKG}matchScore"))
    assert score is not None and float(score) == first["score"]


def test_filters_and_limit(live_server: str) -> None:
    everything = get(live_server, "/api/match", region="ITI3").json()["matches"]
    technology = everything[0]["technology"]["id"]
    curie = "ket:" if "/ket/" in technology else "ati:"
    only = get(live_server, "/api/match", region="ITI3",
               technology=curie + technology.rsplit("/", 1)[-1]).json()  # fmt: skip
    assert only["matches"] and {m["technology"]["id"] for m in only["matches"]} == {technology}
    limited = get(live_server, "/api/match", region="ITI3", limit=2, min_score=0.6).json()
    assert len(limited["matches"]) == 2
    assert limited["total"] == len([m for m in everything if m["score"] >= 0.6])
    priority = everything[0]["priority"]["id"].rsplit("/", 1)[-1]
    by_priority = get(live_server, "/api/match", region="ITI3", priority=priority).json()
    assert {m["priority"]["id"] for m in by_priority["matches"]} == {
        everything[0]["priority"]["id"]
    }


@pytest.mark.parametrize(("path", "key"), [("/api/gaps", "gaps"), ("/api/peers", "peers")])
def test_sud_muntenia_gaps_and_peers(live_server: str, path: str, key: str) -> None:
    body = get(live_server, path, region="RO31").json()
    assert body[key], body
    for item in body[key]:
        assert item["reasons"] and item["explanations"]
        if key == "gaps":
            assert item["helpers"]
        else:
            assert item["strongerIn"] and item["evidence"]


def test_csv_and_linked_data(live_server: str) -> None:
    table = get(live_server, "/api/match", region="RO31", format="csv")
    assert table.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(table.text)))
    assert rows and rows[0]["partner"] and rows[0]["reasons"]
    turtle = httpx.get(f"{live_server}/api/peers", params={"region": "RO31"},
                       headers={"Accept": "text/turtle"}, timeout=60)  # fmt: skip
    graph = Graph().parse(data=turtle.text, format="turtle")
    peers = set(graph.subjects(URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                               URIRef(f"{CKG}PeerRegion")))  # fmt: skip
    assert len(peers) == len(get(live_server, "/api/peers", region="RO31").json()["peers"])
    assert len(turtle.content) < 2_000_000  # the results and their reasons, not the store
    jsonld = get(live_server, "/api/gaps", region="RO31", format="jsonld")
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    assert "@context" in jsonld.json()


def test_conditional_requests(live_server: str) -> None:
    first = get(live_server, "/api/match", region="EL52")
    again = httpx.get(f"{live_server}/api/match", params={"region": "EL52"},
                      headers={"If-None-Match": first.headers["ETag"]}, timeout=30)  # fmt: skip
    assert again.status_code == 304


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"region": "XX99"}, 404),
        ({"region": "not a code"}, 400),
        ({"region": "ITI3", "colour": "red"}, 400),
        ({"region": "ITI3", "min_score": "2"}, 400),
        ({"region": "ITI3", "limit": "0"}, 400),
        ({"region": "ITI3", "technology": "ket:"}, 400),
        ({}, 400),
    ],
)
def test_bad_input_is_a_problem(live_server: str, params: dict[str, str], status: int) -> None:
    response = get(live_server, "/api/match", **params)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["detail"]


def test_any_level_and_version(live_server: str) -> None:
    nuts3 = get(live_server, "/api/match", region="SE313", limit=1).json()
    assert nuts3["region"]["code"] == "SE31" and "NUTS 3" in nuts3["note"]
    country = get(live_server, "/api/match", region="PL").json()
    assert len({m["partnerRegion"]["code"] for m in country["matches"]}) >= 3
    assert all(not m["partnerRegion"]["code"].startswith("PL") for m in country["matches"])
    peers = get(live_server, "/api/peers", region="PL").json()
    assert peers["peers"] == [] and "NUTS 2" in peers["note"]


def test_once_the_index_is_read_answers_come_from_memory_unchanged(
    live_server: str, built_store: Path
) -> None:
    """The server reads every match, gap and peer into memory in the background; /healthz says
    when. An answer it gives from memory is the one computed by queries on the same store."""
    wait_until_ready(live_server, "match_index")
    store = EmbeddedStore(built_store, read_only=True)
    # regions asked by no other test, so that no cached body answers
    for code, kind, path in (("FRK2", "match", "/api/match"), ("PL22", "gap", "/api/gaps"),
                             ("HU33", "peer", "/api/peers")):  # fmt: skip
        served = get(live_server, path, region=code).json()
        assert served == region_results(store, code, kind).as_json(), code
        assert served[f"{kind}es" if kind == "match" else f"{kind}s"], code
