"""Dereferenceable IRIs on a real ``kg serve``: content negotiation, formats, languages, errors.

Every representation is read back with a real parser: rdflib for Turtle and N-Triples, pyld
(loading the published context from the server) for JSON-LD.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from pyld import jsonld
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from kg.namespaces import CKG
from tests.api.conftest import start_server

CLUSTER = "https://w3id.org/clusterkg/id/cluster/itecam"
CLUSTER_LABEL = "ITECAM (Metal Technology Cluster of Castilla-La Mancha)"
PROJECT = "https://w3id.org/clusterkg/id/project/clusterpolisee"
PHOTONICS = "https://w3id.org/clusterkg/ket/photonics"
MARCHE = "http://data.europa.eu/nuts/code/ITI3"
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def resource_url(base: str, iri: str) -> str:
    """The service URL that describes an IRI not under ``/id/`` or a ClusterKG namespace."""
    return f"{base}/resource?iri={quote(iri, safe='')}"


def parsed(response: httpx.Response, fmt: str) -> Graph:
    """The response body parsed by rdflib, with ``"x"^^xsd:string`` read as ``"x"`` (RDF 1.1)."""
    graph = Graph().parse(data=response.text, format=fmt)
    return plain(graph)


def plain(graph: Graph) -> Graph:
    """``graph`` with every ``xsd:string`` literal written without its datatype (same literal)."""
    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype == XSD.string:
            o = Literal(str(o))
        out.add((s, p, o))
    return out


def httpx_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """A pyld document loader over httpx (pyld's own needs ``requests``)."""
    response = httpx.get(url, headers={"Accept": "application/ld+json"})
    response.raise_for_status()
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": str(response.url),
        "document": response.json(),
    }


def assert_problem(response: httpx.Response, status: int, slug: str) -> dict[str, Any]:
    """The response is an RFC 9457 problem of the given status and type."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem: dict[str, Any] = response.json()
    assert problem["type"].endswith("/" + slug)
    assert problem["status"] == status
    assert problem["detail"]
    return problem


# --- RDF representations ------------------------------------------------------------------------


@pytest.mark.slow
def test_a_minted_cluster_iri_dereferences_to_turtle(live_server: str) -> None:
    response = httpx.get(f"{live_server}/id/cluster/itecam", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    assert "Accept" in response.headers["vary"]
    graph = parsed(response, "turtle")
    assert (URIRef(CLUSTER), RDFS.label, Literal(CLUSTER_LABEL)) in graph
    assert (URIRef(CLUSTER), RDF.type, CKG.ClusterOrganisation) in graph
    # The description is of this resource only: every triple has it as subject.
    assert set(graph.subjects()) == {URIRef(CLUSTER)}


@pytest.mark.slow
def test_n_triples_carry_the_same_triples_as_turtle(live_server: str) -> None:
    url = f"{live_server}/id/project/clusterpolisee"
    turtle = httpx.get(url, headers={"Accept": "text/turtle"})
    ntriples = httpx.get(url, headers={"Accept": "application/n-triples"})
    assert ntriples.status_code == 200
    assert ntriples.headers["content-type"] == "application/n-triples"
    graph = parsed(ntriples, "nt")
    label = Literal("Smarter Cluster Policies for South East Europe", lang="en")
    assert (URIRef(PROJECT), RDFS.label, label) in graph
    assert set(graph) == set(parsed(turtle, "turtle"))


@pytest.mark.slow
def test_json_ld_expands_with_the_published_context_to_the_requested_iri(
    live_server: str,
) -> None:
    url = f"{live_server}/id/project/clusterpolisee"
    response = httpx.get(url, headers={"Accept": "application/ld+json"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/ld+json"
    document = response.json()
    assert document["@context"] == f"{live_server}/context.jsonld"

    expanded = jsonld.expand(document, {"documentLoader": httpx_loader})
    assert len(expanded) == 1
    node = expanded[0]
    assert node["@id"] == PROJECT
    assert str(CKG.CooperationProject) in node["@type"]
    assert {"@value": "Smarter Cluster Policies for South East Europe", "@language": "en"} in node[
        str(RDFS.label)
    ]
    # Nothing is lost or changed by compaction: the JSON-LD holds exactly the Turtle's triples.
    nquads = jsonld.to_rdf(
        document, {"format": "application/n-quads", "documentLoader": httpx_loader}
    )
    turtle = httpx.get(url, headers={"Accept": "text/turtle"})
    assert set(plain(Graph().parse(data=nquads, format="nt"))) == set(parsed(turtle, "turtle"))


@pytest.mark.slow
def test_the_context_is_served_as_cacheable_json_ld(live_server: str) -> None:
    response = httpx.get(f"{live_server}/context.jsonld")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/ld+json"
    assert "max-age" in response.headers["cache-control"]
    terms = response.json()["@context"]
    assert terms["prefLabel"] == "skos:prefLabel"
    assert terms["type"] == "@type"
    assert terms["ckg"] == str(CKG)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("path", "iri"),
    [
        ("/ket/photonics", PHOTONICS),
        ("/ati/photonics", "https://w3id.org/clusterkg/ati/photonics"),
        ("/scheme/ket", "https://w3id.org/clusterkg/scheme/ket"),
        ("/concept/more-developed", "https://w3id.org/clusterkg/concept/more-developed"),
        ("/euroscivoc/23-43-251", "https://w3id.org/clusterkg/euroscivoc/23-43-251"),
    ],
)
def test_every_clusterkg_namespace_dereferences(live_server: str, path: str, iri: str) -> None:
    response = httpx.get(live_server + path, headers={"Accept": "text/turtle"})
    assert response.status_code == 200, response.text
    assert set(parsed(response, "turtle").subjects()) == {URIRef(iri)}


# --- Content negotiation ------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (FIREFOX, "text/html"),
        ("*/*", "text/turtle"),
        (None, "text/turtle"),
        ("application/json", "application/ld+json"),
        ("text/turtle;q=0.5, application/n-triples", "application/n-triples"),
    ],
)
def test_accept_picks_the_representation(
    live_server: str, accept: str | None, media_type: str
) -> None:
    # httpx sends "Accept: */*" unless told otherwise; None sends an empty header (no preference).
    headers = {"Accept": accept if accept is not None else ""}
    response = httpx.get(f"{live_server}/id/cluster/itecam", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert {"accept", "accept-language"} <= {
        v.strip().lower() for v in response.headers["vary"].split(",")
    }


@pytest.mark.slow
@pytest.mark.parametrize(("fmt", "parser"), [("ttl", "turtle"), ("nt", "nt")])
def test_the_format_parameter_overrides_accept(live_server: str, fmt: str, parser: str) -> None:
    response = httpx.get(
        f"{live_server}/id/cluster/itecam?format={fmt}", headers={"Accept": FIREFOX}
    )
    assert response.status_code == 200
    assert (URIRef(CLUSTER), RDFS.label, Literal(CLUSTER_LABEL)) in parsed(response, parser)


@pytest.mark.slow
def test_head_answers_with_the_headers_of_get(live_server: str) -> None:
    response = httpx.head(f"{live_server}/ket/photonics", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    assert "Accept" in response.headers["vary"]
    assert response.content == b""


# --- HTML ---------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_browser_gets_a_page_with_labels_links_and_incoming_links(live_server: str) -> None:
    response = httpx.get(f"{live_server}/id/project/clusterpolisee", headers={"Accept": FIREFOX})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "<h1>Smarter Cluster Policies for South East Europe</h1>" in page
    assert PROJECT in page
    # An outgoing link to a thematic area, by its label, to the local page of its IRI.
    assert 'href="/id/thematic-area/clusterpolisee-innovation-rd"' in page
    # Incoming links: the partner roles of the project, linked to their own pages.
    incoming = page.split('id="incoming"', 1)[1]
    assert 'href="/id/partner-role/clusterpolisee-regione-marche"' in incoming
    assert "Regione Marche as lead partner of ClusterPoliSEE" in incoming
    # The other representations are one click away.
    for fmt in ("ttl", "nt", "jsonld"):
        assert f'href="?format={fmt}"' in page


@pytest.mark.slow
@pytest.mark.parametrize(
    ("accept_language", "title", "language"),
    [
        ("it-IT,it;q=0.9,en;q=0.8", "Fotonica", "it"),
        ("el", "Φωτονική", "el"),
        ("en-GB,en;q=0.9", "Photonics", "en"),
        ("de-DE,de;q=0.9", "Photonics", "en"),  # no German label: English is the fallback
        ("it;q=0.4, el;q=0.8", "Φωτονική", "el"),
    ],
)
def test_accept_language_picks_the_label(
    live_server: str, accept_language: str, title: str, language: str
) -> None:
    response = httpx.get(
        f"{live_server}/ket/photonics",
        headers={"Accept": "text/html", "Accept-Language": accept_language},
    )
    assert response.status_code == 200
    # The page (headings, navigation) is English; the title says when it is in another language.
    assert '<html lang="en">' in response.text
    heading = re.search(r'<h1(?: lang="([^"]+)")?>([^<]*)', response.text)
    assert heading is not None and heading.group(2).strip() == title
    assert heading.group(1) == (None if language == "en" else language)
    assert response.headers["content-language"] == language
    assert "Accept-Language" in response.headers["vary"]


def marked(body: str, text: str) -> str | None:
    """The language marker right after ``text`` on a page (its tag), or None if it has none."""
    index = body.index(text) + len(text)
    rest = body[index : index + 200]
    found = re.match(
        r'(?:</a>|</span>) <span class="lang-marker" lang="en"><span aria-hidden="true" '
        r'title="([^"]+)">([^<]+)</span><span class="visually-hidden">\(([^)]+)\)</span>',
        rest,
    )
    if found is None:
        return None
    assert found.group(1) == found.group(3)  # the name on hover is the one read aloud
    return found.group(2)


@pytest.mark.slow
def test_values_in_other_languages_say_which_language_they_are_in(live_server: str) -> None:
    body = httpx.get(f"{live_server}/ket/photonics", headers={"Accept": "text/html"}).text
    # Each label of the technology in its language; English is not marked.
    assert marked(body, '<span lang="it">Fotonica') == "it"
    assert marked(body, '<span lang="el">Φωτονική') == "el"
    assert '<span lang="en">Photonics</span>' in body
    assert marked(body, '<span lang="en">Photonics') is None
    assert 'title="Italian">it</span><span class="visually-hidden">(Italian)</span>' in body
    assert 'title="Greek">el</span><span class="visually-hidden">(Greek)</span>' in body


@pytest.mark.slow
def test_link_labels_carry_their_language(live_server: str) -> None:
    body = httpx.get(
        f"{live_server}/ket/photonics",
        headers={"Accept": "text/html", "Accept-Language": "it"},
    ).text
    # The ATI twin is named in Italian for this reader, and the link says so.
    assert marked(body, '<a href="/ati/photonics" lang="it">Fotonica') == "it"
    # An untagged name (a cluster's) gets no lang and no marker: its language is not known.
    assert '<a href="/id/cluster/litek">LITEK' in body
    assert (
        marked(
            body, '<a href="/id/cluster/litek">LITEK (Laser and Engineering Technologies Cluster)'
        )
        is None
    )


@pytest.mark.slow
def test_every_local_link_of_a_page_dereferences(live_server: str) -> None:
    page = httpx.get(f"{live_server}/ket/photonics", headers={"Accept": "text/html"}).text
    hrefs = set(
        re.findall(r'href="(/(?:id|ket|ati|scheme|concept|euroscivoc|resource)[^"]*)"', page)
    )
    assert any(h.startswith("/id/cluster/") for h in hrefs)
    assert any(h.startswith("/euroscivoc/") for h in hrefs)
    with httpx.Client(base_url=live_server, headers={"Accept": "text/turtle"}) as client:
        for href in sorted(hrefs):
            response = client.get(href.replace("&amp;", "&"))
            assert response.status_code == 200, href


@pytest.mark.slow
def test_incoming_links_are_capped_and_counted(live_server: str) -> None:
    # Every region is an instance of ckg:Region: thousands of statements link to the class.
    url = resource_url(live_server, str(CKG.Region))
    page = httpx.get(url, headers={"Accept": "text/html"}).text
    total = re.search(r"(\d+) statements link here; the first (\d+) are listed", page)
    assert total is not None, page
    assert int(total.group(1)) > 2000
    assert int(total.group(2)) == 200
    incoming = page.split('id="incoming"', 1)[1]
    assert incoming.count("<li>") == 200


# --- External IRIs ------------------------------------------------------------------------------


@pytest.mark.slow
def test_an_external_nuts_iri_has_a_local_description(live_server: str) -> None:
    url = resource_url(live_server, MARCHE)
    response = httpx.get(url, headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = parsed(response, "turtle")
    assert (URIRef(MARCHE), SKOS.prefLabel, Literal("Marche")) in graph
    assert (URIRef(MARCHE), SKOS.notation, Literal("ITI3")) in graph

    page = httpx.get(url, headers={"Accept": FIREFOX}).text
    assert "<h1>Marche</h1>" in page
    # Its country, another external IRI the graph describes, links to its local page.
    assert 'href="/resource?iri=http%3A%2F%2Fdata.europa.eu%2Fnuts%2Fcode%2FIT"' in page
    assert "http://data.europa.eu/nuts/code/IT&gt;" in page  # with the original IRI shown


@pytest.mark.slow
def test_a_nace_sector_has_a_local_description(live_server: str) -> None:
    nace = "http://data.europa.eu/ux2/nace2/26"
    response = httpx.get(resource_url(live_server, nace) + "&format=jsonld")
    assert response.status_code == 200
    node = jsonld.expand(response.json(), {"documentLoader": httpx_loader})[0]
    assert node["@id"] == nace
    assert str(SKOS.Concept) in node["@type"]


@pytest.mark.slow
def test_an_iri_the_graph_only_points_at_dereferences_to_the_statements_naming_it(
    live_server: str,
) -> None:
    source = "https://w3id.org/clusterkg/id/source/nuts/nuts2016.csv"
    turtle = httpx.get(
        f"{live_server}/id/source/nuts/nuts2016.csv", headers={"Accept": "text/turtle"}
    )
    assert turtle.status_code == 200
    graph = parsed(turtle, "turtle")
    # Every region of the 2016 list names the file (and each load of the NUTS source used it):
    # the first INCOMING_LIMIT statements come back.
    predicates = set(graph.predicates())
    assert URIRef("http://purl.org/dc/terms/source") in predicates
    assert predicates <= {
        URIRef("http://purl.org/dc/terms/source"),
        URIRef("http://www.w3.org/ns/prov#used"),
    }
    assert set(graph.objects()) == {URIRef(source)}
    assert len(graph) == 200
    page = httpx.get(f"{live_server}/id/source/nuts/nuts2016.csv", headers={"Accept": FIREFOX})
    assert page.status_code == 200
    assert source in page.text


# --- Errors -------------------------------------------------------------------------------------


@pytest.mark.slow
def test_an_unknown_minted_iri_is_a_problem_404(live_server: str) -> None:
    response = httpx.get(f"{live_server}/id/no-such-thing", headers={"Accept": "text/turtle"})
    problem = assert_problem(response, 404, "not-found")
    assert "https://w3id.org/clusterkg/id/no-such-thing" in problem["detail"]
    assert "Accept" in response.headers["vary"]


@pytest.mark.slow
def test_a_browser_gets_an_html_404(live_server: str) -> None:
    response = httpx.get(f"{live_server}/id/no-such-thing", headers={"Accept": FIREFOX})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "https://w3id.org/clusterkg/id/no-such-thing" in response.text


@pytest.mark.slow
def test_an_iri_the_graph_does_not_describe_is_a_404(live_server: str) -> None:
    response = httpx.get(resource_url(live_server, "http://example.org/not/in/the/graph"))
    assert_problem(response, 404, "not-found")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("", "required"),
        ("?iri=ITI3", "not an absolute IRI"),
        ("?iri=http%3A%2F%2Fexample.org%2Fa%20b", "not an absolute IRI"),
        ("?iri=http%3A%2F%2Fdata.europa.eu%2Fnuts%2Fcode%2FITI3&lang=it", "lang"),
    ],
)
def test_a_missing_or_malformed_iri_parameter_is_a_400(
    live_server: str, query: str, words: str
) -> None:
    response = httpx.get(f"{live_server}/resource{query}")
    assert words in assert_problem(response, 400, "invalid-input")["detail"]


@pytest.mark.slow
def test_an_unknown_query_parameter_is_a_400(live_server: str) -> None:
    response = httpx.get(f"{live_server}/id/cluster/itecam?fromat=ttl")
    assert "fromat" in assert_problem(response, 400, "invalid-input")["detail"]


@pytest.mark.slow
@pytest.mark.parametrize("url", ["/id/cluster/itecam", "/id/no-such-thing"])
def test_an_unacceptable_media_type_is_a_406(live_server: str, url: str) -> None:
    response = httpx.get(live_server + url, headers={"Accept": "image/png"})
    problem = assert_problem(response, 406, "not-acceptable")
    assert "text/turtle" in problem["offered"]


@pytest.mark.slow
def test_an_unknown_format_is_a_406(live_server: str) -> None:
    response = httpx.get(f"{live_server}/id/cluster/itecam?format=xlsx")
    assert "jsonld" in assert_problem(response, 406, "not-acceptable")["detail"]


# --- Configuration ------------------------------------------------------------------------------


@pytest.mark.slow
def test_id_paths_follow_the_configured_base_iri(built_store_copy: Path) -> None:
    """The same store served with another KG_BASE_IRI: ``/id/…`` maps onto the configured base.

    (A store built with that base would hold IRIs under it; this one keeps the default ones,
    which are then ordinary IRIs served through ``/resource?iri=``.)
    """
    with start_server(built_store_copy, KG_BASE_IRI="http://example.org/kg/") as base:
        missing = httpx.get(f"{base}/id/cluster/itecam", headers={"Accept": "text/turtle"})
        problem = assert_problem(missing, 404, "not-found")
        assert "http://example.org/kg/cluster/itecam" in problem["detail"]

        page = httpx.get(resource_url(base, CLUSTER), headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert f"<h1>{CLUSTER_LABEL}</h1>" in page.text
        photonics = httpx.get(f"{base}/ket/photonics", headers={"Accept": "text/html"}).text
        cluster_href = resource_url("", "https://w3id.org/clusterkg/id/cluster/litek")
        assert f'href="{cluster_href}"' in photonics
