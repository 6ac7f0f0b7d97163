"""Running one SPARQL query against a pyoxigraph store and serialising its answer.

This module runs inside query worker processes (see :mod:`kg.store.runner`), so it imports
nothing heavier than pyoxigraph: a worker replaced after a timeout is ready in milliseconds.
The same :func:`execute` also runs in-process for stores that have no worker pool.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from multiprocessing.connection import Connection
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_SYNTAX_POSITION = re.compile(r"error at (\d+):(\d+):?\s*")


@dataclass(frozen=True)
class QueryRequest:
    """A query with its dataset, its acceptable answer types and limits (picklable)."""

    sparql: str
    #: Answer type for SELECT/ASK, or None when the client accepts no result-set type.
    result_media_type: str | None
    #: Answer type for CONSTRUCT/DESCRIBE, or None when the client accepts no RDF type.
    graph_media_type: str | None
    max_results: int
    #: Protocol dataset (``default-graph-uri`` / ``named-graph-uri``); overrides FROM clauses.
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    #: Whether the query names its own dataset; otherwise the default graph is the union.
    own_dataset: bool = False
    prefixes: dict[str, str] = field(default_factory=dict)
    #: Base IRI for the query's relative IRIs when it has no BASE (the service endpoint).
    base_iri: str | None = None


@dataclass(frozen=True)
class QueryAnswer:
    """A serialised answer: its media type, bytes and number of rows or triples."""

    media_type: str
    body: bytes
    count: int


@dataclass(frozen=True)
class QueryFailure:
    """Why a query produced no answer, in terms the HTTP layer maps to an error."""

    #: "syntax", "too-large", "not-acceptable" or "engine".
    reason: str
    message: str
    line: int | None = None
    column: int | None = None


def execute(store: ox.Store, request: QueryRequest) -> QueryAnswer | QueryFailure:
    """Run ``request`` on ``store`` and serialise the answer in the negotiated type."""
    try:
        result = _query(store, request)
        if isinstance(result, ox.QueryBoolean):
            if request.result_media_type is None:
                return _not_acceptable("ASK")
            return QueryAnswer(
                request.result_media_type, _boolean(bool(result), request.result_media_type), 1
            )
        if isinstance(result, ox.QuerySolutions):
            if request.result_media_type is None:
                return _not_acceptable("SELECT")
            return _solutions(result, request)
        if request.graph_media_type is None:
            return _not_acceptable("CONSTRUCT/DESCRIBE")
        return _triples(result, request)
    except SyntaxError as exc:
        return syntax_failure(str(exc))
    except (OSError, ValueError, RuntimeError) as exc:
        # Evaluation errors (e.g. a SERVICE call or an unsupported feature) are the query's.
        return QueryFailure("engine", str(exc))


def syntax_failure(message: str) -> QueryFailure:
    """A parse error with the position pyoxigraph reports ("error at LINE:COLUMN: …").

    >>> syntax_failure("error at 1:25: expected one of LATERAL").column
    25
    """
    match = _SYNTAX_POSITION.match(message)
    if match is None:
        return QueryFailure("syntax", message)
    return QueryFailure(
        "syntax", message[match.end() :], line=int(match.group(1)), column=int(match.group(2))
    )


def _query(
    store: ox.Store, request: QueryRequest
) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    if request.default_graphs or request.named_graphs:
        # The protocol dataset replaces the query's and the service's: a graph not listed is out.
        return store.query(
            request.sparql,
            prefixes=request.prefixes,
            base_iri=request.base_iri,
            default_graph=[ox.NamedNode(iri) for iri in request.default_graphs],
            named_graphs=[ox.NamedNode(iri) for iri in request.named_graphs],
        )
    # The union default graph would override a query's own FROM clauses: only use it without them.
    return store.query(
        request.sparql,
        prefixes=request.prefixes,
        base_iri=request.base_iri,
        use_default_graph_as_union=not request.own_dataset,
    )


def _not_acceptable(form: str) -> QueryFailure:
    return QueryFailure(
        "not-acceptable", f"the Accept header allows no type in which a {form} answer can be sent"
    )


def _too_large(limit: int, unit: str) -> QueryFailure:
    return QueryFailure(
        "too-large",
        f"the answer has more than {limit:,} {unit}, the most this service returns at once; "
        "add LIMIT and OFFSET to fetch it in pages",
    )


def _solutions(solutions: ox.QuerySolutions, request: QueryRequest) -> QueryAnswer | QueryFailure:
    variables = [variable.value for variable in solutions.variables]
    # Reading one row past the limit tells "exactly at the limit" from "over it".
    rows = list(islice(solutions, request.max_results + 1))
    if len(rows) > request.max_results:
        return _too_large(request.max_results, "rows")
    writer = _ROW_WRITERS[request.result_media_type or ""]
    return QueryAnswer(request.result_media_type or "", writer(variables, rows), len(rows))


def _triples(triples: Iterable[ox.Triple], request: QueryRequest) -> QueryAnswer | QueryFailure:
    collected = list(islice(triples, request.max_results + 1))
    if len(collected) > request.max_results:
        return _too_large(request.max_results, "triples")
    media_type = request.graph_media_type or ""
    body = ox.serialize(
        collected, format=ox.RdfFormat.from_media_type(media_type), prefixes=request.prefixes
    )
    return QueryAnswer(media_type, body or b"", len(collected))


# --- SPARQL 1.1 result formats (JSON, XML, CSV, TSV), written from pyoxigraph terms ---


def _json_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> dict[str, object]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {
            "subject": _json_term(term.subject),
            "predicate": _json_term(term.predicate),
            "object": _json_term(term.object),
        },
    }


def _json_rows(variables: list[str], rows: list[ox.QuerySolution]) -> bytes:
    # Written as text with each distinct term encoded once: join answers repeat the same IRIs
    # and labels on many rows, and this is most of the time of a large answer.
    encoded: dict[object, str] = {}
    keys = [json.dumps(name) + ":" for name in variables]
    parts = []
    for row in rows:
        cells = []
        for key, term in zip(keys, row, strict=True):
            if term is None:
                continue
            text = encoded.get(term)
            if text is None:
                text = encoded[term] = json.dumps(_json_term(term), ensure_ascii=False)
            cells.append(key + text)
        parts.append("{" + ",".join(cells) + "}")
    head = json.dumps({"vars": variables}, ensure_ascii=False)
    body = ",".join(parts)
    return f'{{"head":{head},"results":{{"bindings":[{body}]}}}}'.encode()


def _xml_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != _XSD_STRING:
            datatype = quoteattr(term.datatype.value)
            return f"<literal datatype={datatype}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return (
        f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>"
        f"{_xml_term(term.predicate)}</predicate><object>{_xml_term(term.object)}</object></triple>"
    )


def _xml_document(head: str, body: str) -> bytes:
    return (
        '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
        f"<head>{head}</head>{body}</sparql>\n"
    ).encode()


def _xml_rows(variables: list[str], rows: list[ox.QuerySolution]) -> bytes:
    head = "".join(f"<variable name={quoteattr(name)}/>" for name in variables)
    parts = ["<results>"]
    for row in rows:
        parts.append("<result>")
        for name, term in zip(variables, row, strict=True):
            if term is not None:
                parts.append(f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>")
        parts.append("</result>")
    parts.append("</results>")
    return _xml_document(head, "".join(parts))


def _csv_rows(variables: list[str], rows: list[ox.QuerySolution]) -> bytes:
    # SPARQL 1.1 CSV: plain values (IRIs and literals alike), CRLF line ends.
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(variables)
    for row in rows:
        writer.writerow(["" if term is None else _csv_value(term) for term in row])
    return buffer.getvalue().encode("utf-8")


def _csv_value(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return str(term)
    return str(term.value)


def _tsv_rows(variables: list[str], rows: list[ox.QuerySolution]) -> bytes:
    # SPARQL 1.1 TSV: terms in Turtle/N-Triples syntax, which pyoxigraph's str() writes.
    lines = ["\t".join(f"?{name}" for name in variables)]
    for row in rows:
        lines.append("\t".join("" if term is None else str(term) for term in row))
    return ("\n".join(lines) + "\n").encode("utf-8")


_ROW_WRITERS = {
    "application/sparql-results+json": _json_rows,
    "application/sparql-results+xml": _xml_rows,
    "text/csv": _csv_rows,
    "text/tab-separated-values": _tsv_rows,
}


def _boolean(value: bool, media_type: str) -> bytes:
    text = "true" if value else "false"
    if media_type == "application/sparql-results+json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if media_type == "application/sparql-results+xml":
        return _xml_document("", f"<boolean>{text}</boolean>")
    if media_type == "text/csv":
        return f"_askResult\r\n{text}\r\n".encode()
    return f"?_askResult\n{text}\n".encode()


# --- the worker process ---


#: What a worker sends once its store is open, before it takes queries.
READY = "ready"


def open_snapshot(snapshot: str, in_memory: bool) -> ox.Store:
    """Open a snapshot read-only, or copy it into memory (several times faster to query)."""
    on_disk = ox.Store.read_only(snapshot)
    if not in_memory:
        return on_disk
    copy = ox.Store()
    copy.bulk_extend(on_disk)
    return copy


def serve(connection: Connection, snapshot: str, in_memory: bool) -> None:
    """Open ``snapshot``, say :data:`READY`, then answer ``(snapshot, QueryRequest)`` messages.

    A message naming a newer snapshot (after an update) makes the worker open that one first,
    so a worker never reads a directory another process writes.
    """
    store = open_snapshot(snapshot, in_memory)
    opened = snapshot
    connection.send(READY)
    for wanted, request in _messages(connection):
        if wanted != opened:
            del store  # release the old snapshot (and its memory) before opening the new one
            store = open_snapshot(wanted, in_memory)
            opened = wanted
        connection.send(execute(store, request))


def _messages(connection: Connection) -> Iterator[tuple[str, QueryRequest]]:
    while True:
        try:
            yield connection.recv()
        except EOFError:
            return
