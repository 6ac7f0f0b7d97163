"""The SPARQL 1.1 Protocol service, independent of HTTP: queries, updates, service description.

Routes parse requests and call :class:`SparqlService`; the store's endpoint runner executes
queries with the configured time limit and result cap.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, VOID, XSD

from kg.config import Settings
from kg.errors import (
    InvalidQuery,
    KGError,
    NotAcceptable,
    ResultTooLarge,
)
from kg.namespaces import PREFIXES
from kg.sparql.formats import (
    GRAPH_FORMAT_NAMES,
    GRAPH_TYPES,
    RESULT_FORMAT_NAMES,
    RESULT_TYPES,
    negotiate,
)
from kg.sparql.text import RequestForm, read_request, request_form
from kg.store import Store
from kg.store.runner import QueryRunner
from kg.store.worker import QueryAnswer, QueryFailure, QueryRequest, syntax_failure

T = TypeVar("T")

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")


@dataclass(frozen=True)
class ExampleQuery:
    """A saved query offered as an example in the SPARQL editor."""

    name: str
    summary: str
    text: str


class SparqlService:
    """Answers protocol queries through the store's runner and applies updates one at a time."""

    def __init__(self, store: Store, runner: QueryRunner, settings: Settings) -> None:
        self.store = store
        self.runner = runner
        self.settings = settings
        self._update_lock = threading.Lock()
        #: Counts the updates applied since start-up, so caches can tell the store changed.
        self.generation = 0

    def query(
        self,
        sparql: str,
        *,
        accept: str | None = None,
        format_name: str | None = None,
        default_graphs: tuple[str, ...] = (),
        named_graphs: tuple[str, ...] = (),
        base_iri: str | None = None,
    ) -> QueryAnswer:
        """Run a query and serialise its answer in the negotiated type.

        Relative IRIs in a query without BASE resolve against ``base_iri`` (the endpoint's URL).

        Raises :class:`InvalidQuery` (with ``line``/``column`` when the parser gives them),
        :class:`NotAcceptable`, :class:`ResultTooLarge` or :class:`QueryTimeout`.
        """
        form, own_dataset = read_request(sparql)
        if form is RequestForm.UPDATE:
            raise InvalidQuery(
                "this is a SPARQL Update; the query endpoint only reads. Send updates with POST "
                "to /update."
            )
        result_type, graph_type = _answer_types(form, accept, format_name)
        request = QueryRequest(
            sparql=sparql,
            result_media_type=result_type,
            graph_media_type=graph_type,
            max_results=self.settings.max_results,
            default_graphs=default_graphs,
            named_graphs=named_graphs,
            own_dataset=own_dataset,
            prefixes=dict(PREFIXES),
            base_iri=base_iri,
        )
        reply = self.runner.run(request, self.settings.query_timeout)
        if isinstance(reply, QueryFailure):
            raise failure_error(reply, sparql)
        return reply

    def update(self, sparql_update: str) -> None:
        """Apply an update as one transaction, then let queries see the new state."""
        form = request_form(sparql_update)
        if form not in (RequestForm.UPDATE, RequestForm.UNKNOWN):
            raise InvalidQuery(f"this is a {form} query, not an update; send it to /sparql")

        def apply(store: Store) -> None:
            try:
                store.update(sparql_update)
            except InvalidQuery as exc:
                prefix, _, message = exc.detail.partition(": ")
                raise _syntax_error(prefix, syntax_failure(message), sparql_update) from exc

        self.write(apply)

    def write(self, change: Callable[[Store], T]) -> T:
        """Make a change to the store as the service's one writer: one change at a time (an
        update, an ingest and the derived graphs it touches), then the query workers and every
        answer kept by store state see the new state. A change that raises leaves the state
        as it was (the store's writes are transactions)."""
        with self._update_lock:
            result = change(self.store)
            self.runner.refresh()
            self.generation += 1
            return result


def failure_error(failure: QueryFailure, sparql: str) -> KGError:
    """The error to answer for a query that produced no answer."""
    if failure.reason == "syntax":
        return _syntax_error("the query does not parse", failure, sparql)
    if failure.reason == "too-large":
        return ResultTooLarge(failure.message)
    if failure.reason == "not-acceptable":
        return NotAcceptable(failure.message)
    return InvalidQuery(f"the query could not run: {failure.message}")


def _syntax_error(prefix: str, failure: QueryFailure, text: str) -> InvalidQuery:
    """A parse error with its position and the line it is on."""
    if failure.line is None or failure.column is None:
        return InvalidQuery(f"{prefix}: {failure.message}")
    lines = text.splitlines()
    near = lines[failure.line - 1] if 0 < failure.line <= len(lines) else ""
    message = failure.message
    if "Prefix not found" in message:
        # The parser lists every character it could have read; name the missing prefix instead.
        name = _PREFIXED_NAME_END.search(near[: failure.column - 1])
        declared = ", ".join(sorted(PREFIXES))
        message = (
            f"the prefix '{name.group(1) if name else ''}:' is not declared; add a PREFIX line "
            f"(predeclared here: {declared})"
        )
    return InvalidQuery(
        f"{prefix}: line {failure.line}, column {failure.column}: {message}",
        line=failure.line,
        column=failure.column,
        near=near,
    )


_PREFIXED_NAME_END = re.compile(r"([A-Za-z][\w.-]*)?:[\w.%-]*$")


def _answer_types(
    form: RequestForm, accept: str | None, format_name: str | None
) -> tuple[str | None, str | None]:
    """Negotiated (result-set type, graph type) for the query form; None where not needed."""
    if form in (RequestForm.SELECT, RequestForm.ASK):
        return negotiate_results(accept, format_name), None
    if form.returns_graph:
        return None, negotiate_graph(accept, format_name)
    # Form not recognised (the query probably does not parse): let the engine say why, and
    # keep whatever types the client accepts in case it does run.
    result_type = graph_type = None
    with contextlib.suppress(NotAcceptable):
        result_type = negotiate_results(accept, format_name)
    with contextlib.suppress(NotAcceptable):
        graph_type = negotiate_graph(accept, format_name)
    return result_type, graph_type


def negotiate_results(accept: str | None, format_name: str | None) -> str:
    """The result-set media type for ``Accept`` / ``format=``."""
    return negotiate(RESULT_TYPES, accept, format_name, RESULT_FORMAT_NAMES)


def negotiate_graph(accept: str | None, format_name: str | None) -> str:
    """The RDF media type for ``Accept`` / ``format=``."""
    return negotiate(GRAPH_TYPES, accept, format_name, GRAPH_FORMAT_NAMES)


def service_description(
    endpoint: str, graph_sizes: dict[str, int], *, update_endpoint: str | None = None
) -> Graph:
    """A SPARQL 1.1 Service Description of the endpoint, with the dataset's graphs and sizes."""
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    graph.bind("formats", FORMATS)
    service = URIRef(endpoint)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, RDFS.label, Literal("ClusterKG SPARQL endpoint", lang="en")))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    graph.add((service, SD.feature, SD.BasicFederatedQuery))
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV"):
        graph.add((service, SD.resultFormat, FORMATS[name]))
    graph.add((service, SD.resultFormat, FORMATS.SPARQL_Results_TSV))
    for name in ("Turtle", "N-Triples", "N-Quads", "JSON-LD", "RDF_XML", "TriG"):
        graph.add((service, SD.resultFormat, FORMATS[name]))
    dataset = BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    default_graph = BNode()
    graph.add((dataset, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
    graph.add(
        (default_graph, VOID.triples, Literal(sum(graph_sizes.values()), datatype=XSD.integer))
    )
    for name, size in sorted(graph_sizes.items()):
        if not name:
            continue
        named = BNode()
        described = BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
        graph.add((named, SD.graph, described))
        graph.add((described, RDF.type, SD.Graph))
        graph.add((described, VOID.triples, Literal(size, datatype=XSD.integer)))
    if update_endpoint:
        update = URIRef(update_endpoint)
        graph.add((update, RDF.type, SD.Service))
        graph.add((update, SD.endpoint, update))
        graph.add((update, SD.supportedLanguage, SD.SPARQL11Update))
    return graph
