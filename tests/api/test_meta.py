"""``/ontology`` and ``/.well-known/void`` on a real ``kg serve``: content negotiation, the
documentation page, and a dataset description whose counts agree with ``/healthz``."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, VOID

from kg.jsonld import context_terms
from kg.namespaces import CKG

BASE_IRI = "https://w3id.org/clusterkg/id/"
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
}
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def media_type(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0].strip()


def parse(response: httpx.Response) -> Graph:
    """Parse an RDF answer; JSON-LD is read with the project's context, not fetched."""
    fmt = RDF_TYPES[media_type(response)]
    if fmt == "json-ld":
        document = response.json()
        assert document["@context"].endswith("/context.jsonld")
        document["@context"] = context_terms()
        return Graph().parse(data=json.dumps(document), format="json-ld")
    return Graph().parse(data=response.text, format=fmt)


class AnchorCollector(HTMLParser):
    """Collects every ``id`` of a page, and the ``data-iri`` of the elements that have one."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.anchors: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(str(values["id"]))
            if values.get("data-iri"):
                self.anchors[str(values["data-iri"])] = str(values["id"])


def ontology(live_server: str, **headers: str) -> httpx.Response:
    return httpx.get(f"{live_server}/ontology", headers=headers, timeout=30)


@pytest.mark.slow
def test_ontology_turtle_has_the_region_class_and_its_label(live_server: str) -> None:
    response = ontology(live_server, Accept="text/turtle")
    assert response.status_code == 200
    assert media_type(response) == "text/turtle"
    assert response.headers["vary"] == "Accept"
    graph = parse(response)
    assert (CKG.Region, RDF.type, OWL.Class) in graph
    assert Literal("Region", lang="en") in set(graph.objects(CKG.Region, RDFS.label))


@pytest.mark.slow
def test_ontology_is_the_same_graph_in_every_rdf_syntax(live_server: str) -> None:
    turtle = parse(ontology(live_server, Accept="text/turtle"))
    for wanted in RDF_TYPES:
        response = ontology(live_server, Accept=wanted)
        assert response.status_code == 200, response.text
        assert media_type(response) == wanted
        assert isomorphic(parse(response), turtle), wanted


@pytest.mark.slow
def test_rdfxml_by_format_parameter(live_server: str) -> None:
    response = httpx.get(f"{live_server}/ontology?format=rdfxml", timeout=30)
    assert media_type(response) == "application/rdf+xml"
    graph = parse(response)
    assert (CKG.Region, RDF.type, OWL.Class) in graph
    # The owl:members lists of the disjointness axioms survive, each written once.
    assert len(graph) == len(parse(ontology(live_server, Accept="text/turtle")))


@pytest.mark.slow
def test_ontology_page_documents_every_class_with_an_anchor(live_server: str) -> None:
    turtle = parse(ontology(live_server))
    classes = {str(c) for c in turtle.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
    response = ontology(live_server, Accept=BROWSER_ACCEPT)
    assert response.status_code == 200
    assert media_type(response) == "text/html"
    assert response.headers["vary"] == "Accept"
    page = AnchorCollector()
    page.feed(response.text)
    assert len(page.ids) == len(set(page.ids)), "duplicate ids on the page"
    assert classes and classes <= set(page.anchors), classes - set(page.anchors)
    # /ontology#Region works: the fragment of the term IRI is the anchor.
    assert page.anchors[str(CKG.Region)] == "Region"
    assert page.anchors["http://www.w3.org/2004/02/skos/core#Concept"] == "skos:Concept"
    # Concept schemes (KETs) and their concepts are documented too.
    assert page.anchors["https://w3id.org/clusterkg/scheme/ket"] == "scheme:ket"
    assert "ket:photonics" in page.ids
    assert "Photonics" in response.text


@pytest.mark.slow
def test_ontology_defaults_to_turtle_and_format_overrides_accept(live_server: str) -> None:
    assert media_type(httpx.get(f"{live_server}/ontology", timeout=30)) == "text/turtle"
    response = httpx.get(
        f"{live_server}/ontology?format=html", headers={"Accept": "text/turtle"}, timeout=30
    )
    assert media_type(response) == "text/html"
    response = ontology(live_server, Accept="application/json")
    assert media_type(response) == "application/ld+json"


@pytest.mark.slow
@pytest.mark.parametrize("path", ["/ontology", "/.well-known/void"])
def test_unacceptable_type_is_a_problem_json_406(live_server: str, path: str) -> None:
    response = httpx.get(f"{live_server}{path}", headers={"Accept": "image/png"}, timeout=30)
    assert response.status_code == 406
    assert media_type(response) == "application/problem+json"
    problem = response.json()
    assert problem["type"].endswith("/not-acceptable")
    assert "text/turtle" in problem["offered"]
    response = httpx.get(f"{live_server}{path}?format=png", timeout=30)
    assert response.status_code == 406


@pytest.mark.slow
@pytest.mark.parametrize("path", ["/ontology", "/.well-known/void"])
def test_unknown_query_parameter_is_a_problem_json_400(live_server: str, path: str) -> None:
    response = httpx.get(f"{live_server}{path}?fromat=ttl", timeout=30)
    assert response.status_code == 400
    assert media_type(response) == "application/problem+json"
    problem = response.json()
    assert problem["type"].endswith("/invalid-input")
    assert problem["parameters"] == ["fromat"]


def void_graph(live_server: str, accept: str = "text/turtle") -> Graph:
    response = httpx.get(f"{live_server}/.well-known/void", headers={"Accept": accept}, timeout=30)
    assert response.status_code == 200, response.text
    assert media_type(response) == accept
    assert response.headers["vary"] == "Accept"
    return parse(response)


@pytest.mark.slow
def test_void_counts_agree_with_healthz(live_server: str) -> None:
    sizes: dict[str, int] = httpx.get(f"{live_server}/healthz").json()["graphs"]
    graph = void_graph(live_server)
    dataset = URIRef(BASE_IRI + "dataset")
    assert (dataset, RDF.type, VOID.Dataset) in graph
    assert [int(n) for n in graph.objects(dataset, VOID.triples)] == [sum(sizes.values())]
    subsets = {str(s): s for s in graph.objects(dataset, VOID.subset)}
    assert set(subsets) == {iri for iri in sizes if iri}
    for iri, subset in subsets.items():
        assert [int(n) for n in graph.objects(subset, VOID.triples)] == [sizes[iri]], iri
    assert graph.value(dataset, VOID.uriSpace) == Literal(BASE_IRI)


@pytest.mark.slow
def test_void_describes_sources_from_the_metadata_graph(live_server: str) -> None:
    graph = void_graph(live_server)
    nuts = URIRef(BASE_IRI + "graph/nuts")
    assert "NUTS" in str(graph.value(nuts, DCTERMS.title))
    assert graph.value(nuts, DCTERMS.license) is not None
    assert graph.value(nuts, DCTERMS.source) is not None
    activity = graph.value(nuts, URIRef("http://www.w3.org/ns/prov#wasGeneratedBy"))
    assert activity is not None
    assert graph.value(activity, URIRef("http://www.w3.org/ns/prov#endedAtTime")) is not None
    dataset = URIRef(BASE_IRI + "dataset")
    vocabularies = {str(v) for v in graph.objects(dataset, VOID.vocabulary)}
    assert {str(CKG), "http://www.w3.org/2004/02/skos/core#"} <= vocabularies
    examples = list(graph.objects(dataset, VOID.exampleResource))
    assert examples
    # An example resource is in the data: the SPARQL endpoint knows it.
    found = httpx.get(
        f"{live_server}/sparql",
        params={"query": f"ASK {{ <{examples[0]}> ?p ?o }}"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert found.json()["boolean"] is True


@pytest.mark.slow
def test_void_sparql_endpoint_is_this_server(live_server: str) -> None:
    graph = void_graph(live_server)
    endpoint = graph.value(URIRef(BASE_IRI + "dataset"), VOID.sparqlEndpoint)
    assert str(endpoint) == f"{live_server}/sparql"
    answer = httpx.get(
        str(endpoint),
        params={"query": "ASK { ?s ?p ?o }"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert answer.status_code == 200
    assert answer.json()["boolean"] is True


@pytest.mark.slow
def test_void_is_the_same_graph_in_every_rdf_syntax(live_server: str) -> None:
    turtle = void_graph(live_server)
    for accept in RDF_TYPES:
        assert isomorphic(void_graph(live_server, accept), turtle), accept


@pytest.mark.slow
def test_void_page_lists_every_named_graph(live_server: str) -> None:
    sizes: dict[str, int] = httpx.get(f"{live_server}/healthz").json()["graphs"]
    response = httpx.get(
        f"{live_server}/.well-known/void", headers={"Accept": BROWSER_ACCEPT}, timeout=30
    )
    assert media_type(response) == "text/html"
    for iri, size in sizes.items():
        if iri:
            assert iri in response.text
            assert f"{size:,}" in response.text
