"""The SPARQL 1.1 Protocol endpoint, through real clients against a live ``kg serve``."""

from __future__ import annotations

import csv
import io
import json
import shutil
import threading
import time
from pathlib import Path
from xml.dom.minidom import Document

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper

from tests.api.conftest import start_server

pytestmark = pytest.mark.slow

MARCHE = "http://data.europa.eu/nuts/code/ITI3"
REGIONS_OF_ITALY = """
SELECT ?region ?label WHERE {
  ?region a ckg:Region ; ckg:nutsLevel 2 ; ckg:country nuts:IT ; skos:prefLabel ?label ;
          skos:inScheme <http://data.europa.eu/nuts/scheme/2024> .
} ORDER BY ?region
"""
MARCHE_LABEL = (
    f"CONSTRUCT {{ <{MARCHE}> skos:prefLabel ?label }} WHERE {{ <{MARCHE}> skos:prefLabel ?label }}"
)
PROBLEM = "application/problem+json"


def sparql(base: str) -> str:
    return f"{base}/sparql"


def test_select_by_get_answers_sparql_json(live_server: str) -> None:
    response = httpx.get(
        sparql(live_server), params={"query": f"SELECT ?l WHERE {{ <{MARCHE}> skos:prefLabel ?l }}"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/sparql-results+json"
    assert "Accept" in response.headers["vary"]
    labels = {b["l"]["value"] for b in response.json()["results"]["bindings"]}
    assert "Marche" in labels


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/json", "application/sparql-results+json"),
        ("text/csv;q=0.4, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("text/html, */*;q=0.1", "application/sparql-results+json"),
        (None, "application/sparql-results+json"),
    ],
)
def test_select_answer_type_follows_accept_with_q_values(
    live_server: str, accept: str | None, expected: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = httpx.post(sparql(live_server), data={"query": "ASK { ?s ?p ?o }"}, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == expected


def test_format_parameter_overrides_accept(live_server: str) -> None:
    response = httpx.get(
        sparql(live_server),
        params={"query": "SELECT ?s WHERE { ?s a ckg:Region } LIMIT 3", "format": "csv"},
        headers={"Accept": "application/sparql-results+xml"},
    )
    assert response.headers["content-type"].startswith("text/csv")
    assert response.text.splitlines()[0] == "s"
    assert len(response.text.splitlines()) == 4


def test_csv_and_tsv_carry_the_same_rows(live_server: str) -> None:
    answers = {
        fmt: httpx.get(sparql(live_server), params={"query": REGIONS_OF_ITALY, "format": fmt}).text
        for fmt in ("csv", "tsv", "json")
    }
    csv_rows = list(csv.DictReader(io.StringIO(answers["csv"])))
    tsv_lines = answers["tsv"].splitlines()
    bindings = json.loads(answers["json"])["results"]["bindings"]
    assert (
        len(csv_rows) == len(tsv_lines) - 1 == len(bindings) == 22
    )  # Italy's 21 NUTS-2 regions and ITZZ
    assert tsv_lines[0] == "?region\t?label"
    marche = next(row for row in csv_rows if row["region"] == MARCHE)
    assert marche["label"] == "Marche"
    assert f"<{MARCHE}>\t" in answers["tsv"]


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("application/n-quads", "nquads"),
    ],
)
def test_construct_answers_each_rdf_type(live_server: str, accept: str, rdflib_format: str) -> None:
    response = httpx.post(
        sparql(live_server),
        content=MARCHE_LABEL,
        headers={"Content-Type": "application/sparql-query", "Accept": accept},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == accept
    graph = Graph()
    graph.parse(data=response.text, format=rdflib_format)
    assert (URIRef(MARCHE), SKOS.prefLabel, Literal("Marche")) in graph or any(
        str(o) == "Marche" for o in graph.objects(URIRef(MARCHE), SKOS.prefLabel)
    )


def test_describe_answers_turtle(live_server: str) -> None:
    response = httpx.get(sparql(live_server), params={"query": f"DESCRIBE <{MARCHE}>"})
    assert response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    assert any(str(o) == "Marche" for o in graph.objects(URIRef(MARCHE), SKOS.prefLabel))


def test_nothing_acceptable_is_406(live_server: str) -> None:
    response = httpx.get(
        sparql(live_server), params={"query": "ASK {}"}, headers={"Accept": "image/png"}
    )
    assert response.status_code == 406
    assert response.headers["content-type"] == PROBLEM
    assert "application/sparql-results+json" in response.json()["detail"]


def test_select_asked_as_turtle_only_is_406(live_server: str) -> None:
    response = httpx.get(
        sparql(live_server), params={"query": "ASK {}"}, headers={"Accept": "text/turtle"}
    )
    assert response.status_code == 406


def test_malformed_query_is_400_with_line_and_column(live_server: str) -> None:
    query = "SELECT ?s WHERE {\n  ?s a ckg:Region .\n  BIND(1 AS)\n}"
    response = httpx.post(sparql(live_server), data={"query": query})
    assert response.status_code == 400
    problem = response.json()
    assert problem["type"].endswith("/invalid-query")
    assert (problem["line"], problem["column"]) == (3, 13)
    assert "line 3, column 13" in problem["detail"]
    assert problem["near"] == "  BIND(1 AS)"


def test_undeclared_prefix_names_the_prefix(live_server: str) -> None:
    response = httpx.get(sparql(live_server), params={"query": "SELECT * { ?s nope:p ?o }"})
    assert response.status_code == 400
    assert "the prefix 'nope:' is not declared" in response.json()["detail"]


@pytest.mark.parametrize(
    "update",
    ["INSERT DATA { <urn:a> <urn:b> <urn:c> }", "PREFIX ex: <urn:x:>\nDELETE WHERE { ?s ?p ?o }"],
)
def test_update_on_the_query_endpoint_is_refused(live_server: str, update: str) -> None:
    before = httpx.get(f"{live_server}/healthz").json()["quads"]
    for response in (
        httpx.post(sparql(live_server), data={"query": update}),
        httpx.post(sparql(live_server), data={"update": update}),
    ):
        assert response.status_code == 400
        assert "/update" in response.json()["detail"]
    assert httpx.get(f"{live_server}/healthz").json()["quads"] == before


def test_unknown_parameter_is_400_naming_it(live_server: str) -> None:
    response = httpx.get(sparql(live_server), params={"query": "ASK {}", "qeury": "x"})
    assert response.status_code == 400
    assert response.json()["parameters"] == ["qeury"]


def test_two_queries_are_400(live_server: str) -> None:
    response = httpx.get(f"{sparql(live_server)}?query=ASK%7B%7D&query=ASK%7B%7D")
    assert response.status_code == 400


def test_wrong_body_type_is_415(live_server: str) -> None:
    response = httpx.post(
        sparql(live_server), content="ASK {}", headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 415
    assert "application/sparql-query" in response.json()["detail"]


def test_non_utf8_body_is_400(live_server: str) -> None:
    response = httpx.post(
        sparql(live_server),
        content='SELECT * { ?s skos:prefLabel "Bras\xedlia" }'.encode("latin-1"),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert response.status_code == 400
    assert "UTF-8" in response.json()["detail"]


def test_oversized_body_is_413(live_server: str) -> None:
    query = "ASK {}" + " " * 1_100_000
    response = httpx.post(
        sparql(live_server), content=query, headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 413


def test_protocol_dataset_overrides_the_union_and_from(live_server: str) -> None:
    nace = "https://w3id.org/clusterkg/id/graph/nace"
    kets = "https://w3id.org/clusterkg/id/graph/kets"
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    sizes = httpx.get(f"{live_server}/healthz").json()["graphs"]

    def total(query: str, **params: object) -> int:
        response = httpx.get(sparql(live_server), params={"query": query, **params})
        return int(response.json()["results"]["bindings"][0]["n"]["value"])

    assert total(count) == sum(sizes.values())
    assert total(count, **{"default-graph-uri": nace}) == sizes[nace]
    assert total(count.replace("WHERE", f"FROM <{kets}> WHERE")) == sizes[kets]
    # The protocol's dataset wins over the query's FROM.
    assert (
        total(count.replace("WHERE", f"FROM <{kets}> WHERE"), **{"default-graph-uri": nace})
        == sizes[nace]
    )
    named = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert total(named, **{"named-graph-uri": [nace, kets]}) == 2


def test_service_description_is_turtle_by_default(live_server: str) -> None:
    response = httpx.get(sparql(live_server))
    assert response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoint = URIRef(sparql(live_server))
    assert (endpoint, URIRef(sd + "endpoint"), endpoint) in graph
    assert (endpoint, URIRef(sd + "feature"), URIRef(sd + "UnionDefaultGraph")) in graph
    names = {str(o) for o in graph.objects(None, URIRef(sd + "name"))}
    assert "https://w3id.org/clusterkg/id/graph/nuts" in names


def test_browsers_get_the_editor_with_saved_examples(live_server: str) -> None:
    response = httpx.get(
        sparql(live_server), headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    )
    assert response.headers["content-type"].startswith("text/html")
    assert "<textarea" in response.text
    assert "Cooperation projects at a glance" in response.text  # queries/project-overview.rq


# --- real clients ---------------------------------------------------------------------------


def wrapper(base: str, query: str, fmt: str) -> SPARQLWrapper:
    client = SPARQLWrapper(sparql(base))
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


def test_sparqlwrapper_json(live_server: str) -> None:
    result = wrapper(live_server, REGIONS_OF_ITALY, JSON).queryAndConvert()
    assert isinstance(result, dict)
    regions = {b["region"]["value"] for b in result["results"]["bindings"]}
    assert MARCHE in regions
    assert len(regions) == 22


def test_sparqlwrapper_xml(live_server: str) -> None:
    result = wrapper(live_server, REGIONS_OF_ITALY, XML).queryAndConvert()
    assert isinstance(result, Document)
    uris = [node.firstChild.data for node in result.getElementsByTagName("uri")]
    assert MARCHE in uris
    assert len(result.getElementsByTagName("result")) == 22


def test_sparqlwrapper_csv(live_server: str) -> None:
    result = wrapper(live_server, REGIONS_OF_ITALY, CSV).queryAndConvert()
    rows = list(csv.DictReader(io.StringIO(result.decode("utf-8"))))
    assert {row["region"] for row in rows} >= {MARCHE}
    assert len(rows) == 22


def test_sparqlwrapper_construct(live_server: str) -> None:
    client = wrapper(live_server, MARCHE_LABEL, TURTLE)
    raw = client.queryAndConvert()
    graph = Graph().parse(data=raw, format="turtle")
    assert any(str(o) == "Marche" for o in graph.objects(URIRef(MARCHE), SKOS.prefLabel))


def test_rdflib_graph_over_the_endpoint(live_server: str) -> None:
    graph = Graph(store=SPARQLStore(query_endpoint=sparql(live_server)))
    labels = {str(o) for o in graph.objects(URIRef(MARCHE), SKOS.prefLabel)}
    assert "Marche" in labels
    rows = list(
        graph.query(
            "SELECT ?label WHERE { ?region skos:prefLabel ?label } LIMIT 1",
            initBindings={"region": URIRef(MARCHE)},
            initNs={"skos": SKOS},
        )
    )
    assert rows and str(rows[0][0]) in labels


# --- limits: a time limit that stops the work, a result cap -----------------------------------


@pytest.fixture(scope="module")
def limited_server(built_store: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    store = tmp_path_factory.mktemp("limited") / "store"
    shutil.copytree(built_store, store)
    with start_server(store, KG_QUERY_TIMEOUT="3", KG_MAX_RESULTS="22") as base:
        yield base


EXPLOSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_explosive_query_is_stopped_while_cheap_queries_still_answer(limited_server: str) -> None:
    outcome: dict[str, object] = {}

    def explode() -> None:
        started = time.monotonic()
        response = httpx.post(sparql(limited_server), data={"query": EXPLOSIVE}, timeout=60)
        outcome["status"] = response.status_code
        outcome["problem"] = response.json()
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=explode)
    thread.start()
    time.sleep(0.5)  # the explosive query is running now
    cheap_times = []
    for _ in range(5):
        started = time.monotonic()
        response = httpx.get(
            sparql(limited_server), params={"query": f"ASK {{ <{MARCHE}> ?p ?o }}"}
        )
        cheap_times.append(time.monotonic() - started)
        assert response.json()["boolean"] is True
    thread.join(timeout=30)
    assert max(cheap_times) < 1.0, cheap_times
    assert outcome["status"] == 503
    assert outcome["problem"]["type"].endswith("/query-timeout")  # type: ignore[index]
    assert 3 <= outcome["seconds"] < 10  # type: ignore[operator]
    # The stopped query's worker was replaced: the pool still serves two queries at once.
    answers = []
    threads = [
        threading.Thread(
            target=lambda: answers.append(
                httpx.get(sparql(limited_server), params={"query": "ASK { ?s ?p ?o }"}).status_code
            )
        )
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers == [200] * 4


def test_result_cap_refuses_larger_answers_and_allows_equal_ones(limited_server: str) -> None:
    at_limit = httpx.get(sparql(limited_server), params={"query": REGIONS_OF_ITALY})
    assert at_limit.status_code == 200
    assert len(at_limit.json()["results"]["bindings"]) == 22
    over = httpx.get(
        sparql(limited_server), params={"query": "SELECT ?s WHERE { ?s a ckg:Region }"}
    )
    assert over.status_code == 422
    assert "LIMIT" in over.json()["detail"]
    construct = httpx.get(
        sparql(limited_server),
        params={"query": "CONSTRUCT { ?s a ckg:Region } WHERE { ?s a ckg:Region }"},
    )
    assert construct.status_code == 422


# --- updates ----------------------------------------------------------------------------------

NEW_LABEL = 'INSERT DATA { GRAPH <urn:test:graph> { <urn:test:thing> skos:prefLabel "Thing"@en } }'


def test_updates_are_off_without_a_key(live_server: str) -> None:
    response = httpx.post(f"{live_server}/update", data={"update": NEW_LABEL})
    assert response.status_code == 403
    assert "KG_UPDATE_KEY" in response.json()["detail"]


@pytest.fixture
def update_server(built_store_copy: Path):  # type: ignore[no-untyped-def]
    with start_server(built_store_copy, KG_UPDATE_KEY="s3cret-test-key") as base:
        yield base


def test_update_needs_the_key_and_is_seen_by_the_next_query(update_server: str) -> None:
    ask = {"query": "ASK { <urn:test:thing> skos:prefLabel ?l }"}
    wrong = httpx.post(
        f"{update_server}/update",
        data={"update": NEW_LABEL},
        headers={"Authorization": "Bearer wrong"},
    )
    assert wrong.status_code == 403  # a key, but not a known one
    assert wrong.headers["www-authenticate"].startswith("Bearer")
    assert httpx.get(sparql(update_server), params=ask).json()["boolean"] is False

    auth = {"Authorization": "Bearer s3cret-test-key"}
    applied = httpx.post(f"{update_server}/update", data={"update": NEW_LABEL}, headers=auth)
    assert applied.status_code == 204, applied.text
    # The next query waits for the workers to copy the new snapshot into memory (seconds on the
    # full bundled store): a generous timeout, not a speed test.
    seen = httpx.get(sparql(update_server), params=ask, timeout=120)
    assert seen.json()["boolean"] is True

    direct = httpx.post(
        f"{update_server}/update",
        content=NEW_LABEL.replace("INSERT", "DELETE"),
        headers={**auth, "Content-Type": "application/sparql-update"},
    )
    assert direct.status_code == 204
    assert httpx.get(sparql(update_server), params=ask, timeout=120).json()["boolean"] is False


def test_malformed_update_is_400_and_changes_nothing(update_server: str) -> None:
    auth = {"Authorization": "Bearer s3cret-test-key"}
    before = httpx.get(f"{update_server}/healthz").json()["quads"]
    # The first operation is valid, the second is not: the request is one transaction.
    update = NEW_LABEL + " ;\nINSERT DATA { <urn:a> <urn:b> }"
    response = httpx.post(f"{update_server}/update", data={"update": update}, headers=auth)
    assert response.status_code == 400
    assert response.json()["line"] == 2
    assert httpx.get(f"{update_server}/healthz").json()["quads"] == before
    query_as_update = httpx.post(
        f"{update_server}/update", data={"update": "SELECT * { ?s ?p ?o }"}, headers=auth
    )
    assert query_as_update.status_code == 400
    assert httpx.get(f"{update_server}/update").status_code == 405
