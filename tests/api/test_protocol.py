"""The W3C SPARQL 1.1 Protocol test suite, query side, against a live ``kg serve``.

The cases are the entries of the W3C manifest copied to ``tests/data/protocol/manifest.ttl``
(origin, commit and licence in the README there). The manifest is parsed with rdflib: every
``mf:ProtocolTest`` gives its ``ht:requests`` (method, path, body, headers) and for each request
the expected ``mf:expectedStatus`` class, ``mf:expectedFormat`` and ``mf:expectedBoolean``.
One test function runs them all, once with ``Accept: */*`` (the manifest sends no Accept) and once
asking for XML (``application/sparql-results+xml``, or ``application/rdf+xml`` for graphs).

Run: ``query_*``, ``bad_query_*`` and ``bad_multiple_queries`` (two ``query`` parameters, also a
query operation), 20 entries. The manifest's ``/sparql/`` is this service's ``/sparql``. Every case
must leave the store as it was (graph sizes from ``/healthz``); every 4xx must be
``application/problem+json``.

Skipped: the update operation, 14 entries: ``update_dataset_default_graph``,
``update_dataset_default_graphs``, ``update_dataset_named_graphs``, ``update_dataset_full``,
``update_post_form``, ``update_post_direct``, ``update_base_uri``, ``bad_update_get``,
``bad_multiple_updates``, ``bad_update_wrong_media_type``, ``bad_update_missing_form_type``,
``bad_update_non_utf8``, ``bad_update_syntax`` and ``bad_update_dataset_conflict``. The manifest
sends updates to the query endpoint; here updates go to a separate ``/update``, which is off
unless the operator sets ``KG_UPDATE_KEY`` and takes no ``using-graph-uri`` /
``using-named-graph-uri`` parameters.

One correction to the manifest (``ERRATA``): ``query_multiple_dataset`` writes the ``&`` between
its two ``named-graph-uri`` parameters as ``%26``, which makes them one parameter naming no graph,
so its expected ``true`` cannot hold as written. The test sends the two parameters intended (the
original validator's dataset of two named graphs, w3c/rdf-tests#78). The query's own ``FROM``
names ``data3.rdf`` and no named graph, so ``true`` shows that the protocol dataset replaced it.

The graphs of ``ut:graphData`` (``data1.nt``…``data3.nt``, named
``http://kasei.us/2009/09/sparql/data/dataN.rdf``) are loaded into a copy of the built store
before the server starts.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import httpx
import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, Graph, Namespace
from rdflib.collection import Collection
from rdflib.query import Result
from rdflib.term import Node

from tests.api.conftest import start_server

DATA = Path(__file__).parents[1] / "data" / "protocol"
MANIFEST = DATA / "manifest.ttl"

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")

#: Local corrections of the manifest: entry → (text in ``ht:absolutePath``, replacement).
ERRATA = {"query_multiple_dataset": ("%26named-graph-uri%3D", "&named-graph-uri=")}
PROBLEM_JSON = "application/problem+json"
#: SPARQL result media types, with the rdflib parser that reads each.
RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
#: RDF media types the service answers, with the rdflib parser that reads each.
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/n-quads": "nquads",
    "application/trig": "trig",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}
#: Accept headers each case is sent with → the media type the answer must then have, per
#: ``mf:expectedFormat`` (none: any type of the family will do).
ACCEPTS: dict[str, tuple[str, dict[str, str]]] = {
    "accept-any": ("*/*", {}),
    "accept-xml": (
        "application/sparql-results+xml, application/rdf+xml;q=0.9",
        {
            "boolean": "application/sparql-results+xml",
            "tabular": "application/sparql-results+xml",
            "RDF": "application/rdf+xml",
        },
    ),
}


@dataclass(frozen=True)
class ProtocolRequest:
    """One HTTP exchange of a case: what to send and what the answer must be."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    #: Acceptable status classes: "2xx", "3xx", "4xx".
    statuses: frozenset[str]
    #: "boolean", "tabular" or "RDF", when the manifest gives one.
    expected_format: str | None
    expected_boolean: bool | None


@dataclass(frozen=True)
class ProtocolCase:
    """A manifest entry: its local name, its requests and the graphs it reads."""

    name: str
    title: str
    requests: tuple[ProtocolRequest, ...]
    #: (graph IRI, N-Triples file) for each ``ut:graphData``.
    graph_data: tuple[tuple[str, Path], ...]

    @property
    def query_side(self) -> bool:
        return self.name.startswith(("query_", "bad_query_")) or self.name == "bad_multiple_queries"


def _text(graph: Graph, subject: Node, predicate: Node) -> str | None:
    value = graph.value(subject, predicate)
    return None if value is None else str(value)


def _request(graph: Graph, node: Node, erratum: tuple[str, str] | None) -> ProtocolRequest:
    path = _text(graph, node, HT.absolutePath)
    method = _text(graph, node, HT.methodName)
    assert path and method, f"request {node} has no path or method"
    if erratum is not None:
        assert erratum[0] in path, f"erratum {erratum} no longer applies to {path}"
        path = path.replace(*erratum)
    body = None
    if (body_node := graph.value(node, HT.body)) is not None:
        chars = _text(graph, body_node, CNT.chars) or ""
        body = chars.encode(_text(graph, body_node, CNT.characterEncoding) or "UTF-8")
    headers: tuple[tuple[str, str], ...] = ()
    if (header_list := graph.value(node, HT.headers)) is not None:
        headers = tuple(
            (_text(graph, header, HT.fieldName) or "", _text(graph, header, HT.fieldValue) or "")
            for header in Collection(graph, header_list)
        )
    response = graph.value(node, HT.resp)
    assert response is not None, f"request {node} has no ht:resp"
    statuses = frozenset(
        str(status).rpartition("StatusCode")[2]
        for status in graph.objects(response, MF.expectedStatus)
    )
    boolean = graph.value(response, MF.expectedBoolean)
    return ProtocolRequest(
        method=method,
        path=path,
        headers=headers,
        body=body,
        statuses=statuses,
        expected_format=_text(graph, response, MF.expectedFormat),
        expected_boolean=None if boolean is None else str(boolean) == "true",
    )


def read_manifest(path: Path = MANIFEST) -> list[ProtocolCase]:
    """The manifest's entries, in order."""
    graph = Graph().parse(path, format="turtle", publicID=path.as_uri())
    manifest = graph.value(predicate=RDF.type, object=MF.Manifest)
    entries = graph.value(manifest, MF.entries)
    assert entries is not None, "the manifest has no mf:entries"
    cases = []
    for entry in Collection(graph, entries):
        name = str(entry).rpartition("#")[2]
        action = graph.value(entry, MF.action)
        request_list = graph.value(action, HT.requests)
        assert request_list is not None, f"{name} has no ht:requests"
        graph_data = tuple(
            sorted(
                (
                    _text(graph, data, RDFS.label) or "",
                    DATA / PurePosixPath(urlsplit(str(graph.value(data, UT.graph))).path).name,
                )
                for data in graph.objects(entry, UT.graphData)
            )
        )
        requests = tuple(
            _request(graph, node, ERRATA.get(name)) for node in Collection(graph, request_list)
        )
        cases.append(ProtocolCase(name, _text(graph, entry, MF.name) or name, requests, graph_data))
    return cases


CASES = read_manifest()
QUERY_CASES = [case for case in CASES if case.query_side]


def load_graph_data(store_path: Path, cases: list[ProtocolCase]) -> None:
    """Load every case's ``ut:graphData`` into its named graph, then release the store."""
    graphs = {iri: file for case in cases for iri, file in case.graph_data}
    store = ox.Store(str(store_path))
    try:
        for iri, file in sorted(graphs.items()):
            store.load(path=file, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(iri))
        store.flush()
    finally:
        del store  # the last reference: closes RocksDB and releases its lock for the server


@pytest.fixture(scope="module")
def protocol_server(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server on a copy of the built store plus the manifest's graphs."""
    store_path = tmp_path_factory.mktemp("protocol") / "store"
    shutil.copytree(built_store, store_path)
    load_graph_data(store_path, QUERY_CASES)
    with start_server(store_path) as base:
        yield base


def test_manifest_partition() -> None:
    """Every manifest entry is either run here or an update case (see the module docstring)."""
    names = [case.name for case in CASES]
    assert len(names) == 34
    run = {case.name for case in QUERY_CASES}
    assert len(run) == 20
    assert {name for name in names if name not in run} == {
        name for name in names if name.startswith(("update_", "bad_update_", "bad_multiple_up"))
    }
    kasei = "http://kasei.us/2009/09/sparql/data/"
    loaded = {iri for case in QUERY_CASES for iri, _ in case.graph_data}
    assert loaded == {f"{kasei}data{n}.rdf" for n in (1, 2, 3)}
    assert all(file.is_file() for case in QUERY_CASES for _, file in case.graph_data)


def _endpoint(path: str) -> str:
    """The manifest's ``/sparql/`` is this service's ``/sparql``."""
    route, question, query = path.partition("?")
    assert route in ("/sparql", "/sparql/"), path
    return "/sparql" + question + query


def _graph_sizes(client: httpx.Client) -> dict[str, int]:
    response = client.get("/healthz")
    assert response.status_code == 200
    sizes: dict[str, int] = response.json()["graphs"]
    return sizes


def _read_results(media_type: str, body: bytes) -> Result:
    """A SPARQL result set or boolean, parsed by rdflib's parser for its media type."""
    assert media_type in RESULT_TYPES, f"{media_type} is not a SPARQL results type"
    return Result.parse(io.BytesIO(body), format=RESULT_TYPES[media_type])


def _check(request: ProtocolRequest, response: httpx.Response, wanted: dict[str, str]) -> None:
    status_class = f"{response.status_code // 100}xx"
    assert status_class in request.statuses, (
        f"{request.method} {request.path}: {response.status_code}, expected "
        f"{sorted(request.statuses)}: {response.text[:500]}"
    )
    media_type = response.headers.get("content-type", "").split(";")[0].strip()
    if status_class == "4xx":
        assert media_type == PROBLEM_JSON, response.headers
        problem = response.json()
        assert problem["status"] == response.status_code
        assert problem["detail"]
        return
    assert status_class == "2xx", f"unexpected redirect: {response.headers}"
    if request.expected_format in wanted:
        assert media_type == wanted[request.expected_format], "Accept was not followed"
    if request.expected_format == "boolean":
        result = _read_results(media_type, response.content)
        assert result.type == "ASK", response.text
        if request.expected_boolean is not None:
            assert result.askAnswer is request.expected_boolean, response.text
    elif request.expected_format == "tabular":
        result = _read_results(media_type, response.content)
        assert result.type == "SELECT" and result.vars, response.text
    elif request.expected_format == "RDF":
        assert media_type in RDF_TYPES, f"{media_type} is not an RDF type"
        Graph().parse(data=response.content, format=RDF_TYPES[media_type])


@pytest.mark.slow
@pytest.mark.parametrize("accept", list(ACCEPTS))
@pytest.mark.parametrize("case", QUERY_CASES, ids=[case.name for case in QUERY_CASES])
def test_w3c_protocol_case(case: ProtocolCase, accept: str, protocol_server: str) -> None:
    header, wanted = ACCEPTS[accept]
    with httpx.Client(base_url=protocol_server, timeout=30, follow_redirects=False) as client:
        before = _graph_sizes(client)
        for request in case.requests:
            headers = {"Accept": header, **dict(request.headers)}
            response = client.request(
                request.method, _endpoint(request.path), headers=headers, content=request.body
            )
            _check(request, response, wanted)
        assert _graph_sizes(client) == before, f"{case.name} changed the store"
