"""SPARQL 1.1 Protocol: ``/sparql`` (query, service description, editor) and ``/update``.

Routes read the request (GET parameters, form or direct POST bodies, size and encoding checks)
and hand the text to :class:`kg.sparql.SparqlService` in a worker thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from kg.api.auth import WriteKeyName
from kg.api.deps import refuse_unknown_parameters, sparql_service
from kg.api.problems import problem_responses
from kg.errors import (
    InvalidInput,
    InvalidQuery,
    PayloadTooLarge,
    UnsupportedMediaType,
)
from kg.jsonld import serialize_graph
from kg.keys import writes_enabled
from kg.sparql import ExampleQuery, service_description
from kg.sparql.formats import DESCRIPTION_TYPES, HTML, negotiate
from kg.web import templates

router = APIRouter(tags=["sparql"])
log = logging.getLogger(__name__)

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
#: Parameters the query operation reads; ``output``/``results`` are synonyms of ``format`` that
#: SPARQLWrapper sends.
QUERY_PARAMETERS = {"query", "default-graph-uri", "named-graph-uri", "format", "output", "results"}
UPDATE_PARAMETERS = {"update", "using-graph-uri", "using-named-graph-uri"}
_QUERY_ANSWERS: dict[str, object] = {
    "application/sparql-results+json": {},
    "application/sparql-results+xml": {},
    "text/csv": {},
    "text/tab-separated-values": {},
    "text/turtle": {},
    "application/n-triples": {},
    "application/n-quads": {},
    "application/trig": {},
    "application/ld+json": {},
    "application/rdf+xml": {},
}
QUERY_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"description": "The answer, in the negotiated type.", "content": _QUERY_ANSWERS},
    **problem_responses(
        (400, "Malformed query (with line and column) or request."),
        (406, "No acceptable answer type."),
        (413, "Request body larger than KG_MAX_REQUEST_BYTES."),
        (415, "POST body in a type other than form or sparql-query."),
        (422, "Answer larger than KG_MAX_RESULTS (page it)."),
        (503, "Query stopped at KG_QUERY_TIMEOUT."),
    ),
}

DefaultGraphs = Annotated[
    list[str],
    Query(
        alias="default-graph-uri",
        description="Named graph(s) whose merge is the default graph (overrides FROM).",
    ),
]
NamedGraphs = Annotated[
    list[str],
    Query(alias="named-graph-uri", description="Named graph(s) available to GRAPH patterns."),
]
FormatName = Annotated[
    str | None,
    Query(
        alias="format",
        description="Answer format when Accept cannot be set: json, xml, csv, tsv (SELECT/ASK); "
        "ttl, nt, nq, trig, jsonld, rdfxml (CONSTRUCT/DESCRIBE).",
    ),
]


@router.get(
    "/sparql",
    summary="SPARQL query (GET), or the service description without a query",
    responses={
        **QUERY_RESPONSES,
        200: {
            "description": "The answer; without `query`, the service description (Turtle, "
            "JSON-LD, N-Triples, RDF/XML) or the query editor (HTML).",
            "content": {**_QUERY_ANSWERS, HTML: {}},
        },
    },
    response_class=Response,
)
async def sparql_get(
    request: Request,
    query: Annotated[str | None, Query(description="The SPARQL query.")] = None,
    default_graph_uri: DefaultGraphs = [],  # noqa: B006 - FastAPI copies defaults per request
    named_graph_uri: NamedGraphs = [],  # noqa: B006
    format_name: FormatName = None,
) -> Response:
    """Run a query given in ``?query=``; without one, describe the service."""
    parameters = request.query_params
    refuse_unknown_parameters(parameters.keys(), QUERY_PARAMETERS)
    if "query" not in parameters:
        return await run_in_threadpool(_describe, request)
    return await _answer(
        request,
        _single(parameters.getlist("query"), "query"),
        default_graph_uri,
        named_graph_uri,
        _format_parameter(parameters.getlist),
    )


@router.post(
    "/sparql",
    summary="SPARQL query (POST, form-encoded or application/sparql-query)",
    responses=QUERY_RESPONSES,
    response_class=Response,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                FORM: {
                    "schema": {
                        "type": "object",
                        "required": ["query"],
                        "properties": {
                            "query": {"type": "string"},
                            "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                            "named-graph-uri": {"type": "array", "items": {"type": "string"}},
                        },
                    }
                },
                SPARQL_QUERY: {"schema": {"type": "string"}},
            },
        }
    },
)
async def sparql_post(
    request: Request,
    default_graph_uri: DefaultGraphs = [],  # noqa: B006
    named_graph_uri: NamedGraphs = [],  # noqa: B006
    format_name: FormatName = None,
) -> Response:
    """Run a query sent in the body (form field ``query`` or the whole body)."""
    media_type = _media_type(request)
    body = await _read_body(request)
    if media_type == SPARQL_QUERY:
        refuse_unknown_parameters(request.query_params.keys(), QUERY_PARAMETERS - {"query"})
        return await _answer(
            request,
            _decode(body, "query"),
            default_graph_uri,
            named_graph_uri,
            _format_parameter(request.query_params.getlist),
        )
    if media_type != FORM:
        raise UnsupportedMediaType(
            f"send the query as {FORM} (field 'query') or as {SPARQL_QUERY}; got "
            f"{media_type or 'no Content-Type'}"
        )
    fields = parse_qs(_decode(body, "form"), keep_blank_values=True)
    if "update" in fields:
        raise InvalidQuery("updates are not accepted here; send them with POST to /update")
    refuse_unknown_parameters(set(fields) | set(request.query_params.keys()), QUERY_PARAMETERS)
    if "query" in request.query_params:
        raise InvalidInput("send the query in the body or in the URL, not both")
    return await _answer(
        request,
        _single(fields.get("query", []), "query"),
        tuple(default_graph_uri) + tuple(fields.get("default-graph-uri", [])),
        tuple(named_graph_uri) + tuple(fields.get("named-graph-uri", [])),
        _format_parameter(lambda name: fields.get(name, []) + request.query_params.getlist(name)),
    )


@router.post(
    "/update",
    summary="SPARQL 1.1 Update (with a write key; off while no key exists)",
    status_code=204,
    response_class=Response,
    responses={
        204: {"description": "Applied as one transaction."},
        **problem_responses(
            (400, "Malformed update (with line and column)."),
            (401, "No `Authorization: Bearer` write key."),
            (403, "Unknown or revoked key, or no write key exists on this service."),
            (413, "Request body larger than KG_MAX_REQUEST_BYTES."),
            (415, "Body in a type other than form or sparql-update."),
        ),
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                FORM: {
                    "schema": {
                        "type": "object",
                        "required": ["update"],
                        "properties": {"update": {"type": "string"}},
                    }
                },
                SPARQL_UPDATE: {"schema": {"type": "string"}},
            },
        }
    },
)
async def sparql_update(request: Request, key_name: WriteKeyName) -> Response:
    """Apply a SPARQL Update (bypasses SHACL validation: for operators, not for data entry).

    Needs a write key (``kg keys create NAME``, or the bootstrap ``KG_UPDATE_KEY``).
    """
    media_type = _media_type(request)
    body = await _read_body(request)
    if media_type == SPARQL_UPDATE:
        refuse_unknown_parameters(request.query_params.keys(), set())
        text = _decode(body, "update")
    elif media_type == FORM:
        fields = parse_qs(_decode(body, "form"), keep_blank_values=True)
        if "query" in fields:
            raise InvalidQuery("queries are not accepted here; send them to /sparql")
        refuse_unknown_parameters(set(fields) | set(request.query_params.keys()), {"update"})
        text = _single(fields.get("update", []), "update")
    else:
        raise UnsupportedMediaType(
            f"send the update as {FORM} (field 'update') or as {SPARQL_UPDATE}; got "
            f"{media_type or 'no Content-Type'}"
        )
    await run_in_threadpool(sparql_service(request).update, text)
    # Who changed the store, for the operator's log (updates bypass the ingest's provenance).
    log.info("SPARQL update applied with key %r (%d characters)", key_name, len(text))
    return Response(status_code=204)


async def _answer(
    request: Request,
    query: str,
    default_graphs: list[str] | tuple[str, ...],
    named_graphs: list[str] | tuple[str, ...],
    format_name: str | None,
) -> Response:
    answer = await run_in_threadpool(
        sparql_service(request).query,
        query,
        accept=request.headers.get("accept"),
        format_name=format_name,
        default_graphs=tuple(default_graphs),
        named_graphs=tuple(named_graphs),
        # The protocol leaves the base IRI of relative IRIs to the service: the endpoint's URL.
        base_iri=str(request.url_for("sparql_get")),
    )
    return Response(answer.body, media_type=answer.media_type, headers={"Vary": "Accept"})


def _describe(request: Request) -> Response:
    service = sparql_service(request)
    media_type = negotiate(DESCRIPTION_TYPES, request.headers.get("accept"))
    if media_type == HTML:
        saved = request.app.state.saved
        examples = [
            ExampleQuery(query.name, query.summary, saved.example_text(query))
            for query in saved.catalogue.values()
        ]
        response: Response = templates.TemplateResponse(
            request, "sparql.html", {"examples": examples}
        )
        response.headers["Vary"] = "Accept"
        return response
    endpoint = str(request.url_for("sparql_get"))
    # Read at each request: a key created or revoked with `kg keys` switches updates on or off.
    update = str(request.url_for("sparql_update")) if writes_enabled(service.settings) else None
    graph = service_description(endpoint, service.store.graph_sizes(), update_endpoint=update)
    body = serialize_graph(graph, media_type, str(request.base_url))
    return Response(body, media_type=media_type, headers={"Vary": "Accept"})


def _single(values: list[str], name: str) -> str:
    if len(values) != 1:
        raise InvalidInput(f"give exactly one '{name}' parameter (got {len(values)})")
    return values[0]


def _format_parameter(values_of: Callable[[str], list[str]]) -> str | None:
    values = [value for name in ("format", "output", "results") for value in values_of(name)]
    if len(set(values)) > 1:
        raise InvalidInput(f"conflicting format parameters: {', '.join(sorted(set(values)))}")
    return values[0] if values else None


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def _read_body(request: Request) -> bytes:
    limit = sparql_service(request).settings.max_request_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the request body has {declared} bytes; the limit is {limit:,}")
    chunks = bytearray()
    async for chunk in request.stream():
        chunks.extend(chunk)
        if len(chunks) > limit:
            raise PayloadTooLarge(f"the request body is larger than the limit of {limit:,} bytes")
    return bytes(chunks)


def _decode(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"the {what} is not valid UTF-8 (byte {exc.start}); SPARQL requests must be UTF-8"
        ) from exc
