"""Descriptions of the service's data: the ontology (``/ontology``) and the dataset
(``/.well-known/void``), each in the RDF syntax or the HTML page the client asks for."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any
from urllib.parse import urljoin

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from kg.api.deps import SettingsDep, StoreDep
from kg.api.problems import problem_responses
from kg.errors import InvalidInput
from kg.jsonld import CONTEXT_PATH, compact_graph
from kg.ontology_docs import SERIALIZATIONS, ontology_document
from kg.sparql.formats import HTML, JSONLD, NTRIPLES, RDFXML, TURTLE, negotiate
from kg.void import (
    VOID_PATH,
    dataset_iri,
    describe_dataset,
    sparql_endpoint,
    subsets,
    total_triples,
)
from kg.web import templates


@asynccontextmanager
async def _load_ontology(app: FastAPI) -> AsyncIterator[None]:
    """Parse and serialise the ontology at start-up, so no request waits for it."""
    await run_in_threadpool(ontology_document, app.state.settings.ontology_dir)
    yield


router = APIRouter(tags=["meta"], lifespan=_load_ontology)

#: Types a client may ask for → the type answered, least preferred first: on equal q-values
#: mimeparse picks the last match, so ``*/*`` gets Turtle and browsers (``text/html`` at q=1) the
#: page. The aliases are those of the SPARQL endpoint.
DESCRIPTION_TYPES: dict[str, str] = {
    "application/xml": RDFXML,
    "application/json": JSONLD,
    "text/plain": NTRIPLES,
    "application/x-turtle": TURTLE,
    RDFXML: RDFXML,
    NTRIPLES: NTRIPLES,
    JSONLD: JSONLD,
    HTML: HTML,
    TURTLE: TURTLE,
}
#: ``format=`` names, for links and clients that cannot set ``Accept``.
FORMAT_NAMES: dict[str, str] = {
    "ttl": TURTLE,
    "rdfxml": RDFXML,
    "nt": NTRIPLES,
    "jsonld": JSONLD,
    "html": HTML,
}

FormatName = Annotated[
    str | None,
    Query(
        alias="format",
        description="The representation, when `Accept` cannot be set. Unknown names get 406.",
        json_schema_extra={"enum": list(FORMAT_NAMES)},
    ),
]


def _only(*allowed: str) -> Callable[[Request], None]:
    """A dependency that refuses query parameters other than ``allowed`` (typos fail loudly)."""

    def check(request: Request) -> None:
        unknown = sorted(set(request.query_params.keys()) - set(allowed))
        if unknown:
            raise InvalidInput(
                f"unknown parameter(s) {', '.join(unknown)}; this operation reads "
                f"{', '.join(allowed) or 'none'}",
                parameters=unknown,
            )

    return check


def _responses(summary: str) -> dict[int | str, dict[str, Any]]:
    """The documented answers of a description route."""
    text = {"schema": {"type": "string"}}
    return {
        200: {
            "description": summary,
            "headers": {"Vary": {"description": "Accept", "schema": {"type": "string"}}},
            "content": {
                TURTLE: text,
                RDFXML: text,
                NTRIPLES: text,
                JSONLD: {"schema": {"type": "object"}},
                HTML: text,
            },
        },
        **problem_responses(
            (400, "Unknown query parameter, or an Accept header that cannot be read."),
            (406, "None of the types asked for (Accept or format=) is offered."),
        ),
    }


def _rdf_response(body: bytes, media_type: str) -> Response:
    return Response(body, media_type=media_type, headers={"Vary": "Accept"})


def _context_url(request: Request) -> str:
    """Absolute URL of the JSON-LD context on this service (JSON-LD documents refer to it)."""
    return urljoin(str(request.base_url), CONTEXT_PATH.lstrip("/"))


@router.get(
    "/ontology",
    summary="The ClusterKG ontology (OWL) in RDF, or its documentation page",
    response_class=Response,
    responses=_responses(
        "The ontology files merged: Turtle (the default), RDF/XML, N-Triples, JSON-LD, or the "
        "HTML documentation with an anchor per term (`/ontology#Region`)."
    ),
    dependencies=[Depends(_only("format"))],
)
def ontology(request: Request, settings: SettingsDep, format_name: FormatName = None) -> Response:
    """The classes, properties and concept schemes of ClusterKG, in the negotiated type."""
    media_type = negotiate(
        DESCRIPTION_TYPES, request.headers.get("accept"), format_name, FORMAT_NAMES
    )
    document = ontology_document(settings.ontology_dir)
    if media_type == HTML:
        page: Response = templates.TemplateResponse(
            request, "ontology.html", {"page": document.page}
        )
        page.headers["Vary"] = "Accept"
        return page
    if media_type == JSONLD:
        return _rdf_response(document.jsonld(_context_url(request)), JSONLD)
    assert media_type in SERIALIZATIONS  # noqa: S101 - DESCRIPTION_TYPES offers nothing else
    return _rdf_response(document.serialized[media_type], media_type)


@router.get(
    VOID_PATH,
    summary="VoID + DCAT description of the dataset: triple counts, named graphs, sources",
    response_class=Response,
    responses=_responses(
        "The dataset with its SPARQL endpoint, vocabularies, example resources and one "
        "`void:subset` per named graph (its triple count, title, licence, source and "
        "provenance): Turtle (the default), RDF/XML, N-Triples, JSON-LD, or an HTML table."
    ),
    dependencies=[Depends(_only("format"))],
)
def void_description(
    request: Request, store: StoreDep, settings: SettingsDep, format_name: FormatName = None
) -> Response:
    """Describe the dataset as it is now (counts are the store's at the time of the request)."""
    media_type = negotiate(
        DESCRIPTION_TYPES, request.headers.get("accept"), format_name, FORMAT_NAMES
    )
    service_url = str(request.base_url)
    graph = describe_dataset(store, settings, service_url)
    dataset = dataset_iri(settings)
    if media_type == HTML:
        page: Response = templates.TemplateResponse(
            request,
            "void.html",
            {
                "dataset": str(dataset),
                "triples": total_triples(graph, dataset),
                "subsets": subsets(graph, dataset),
                "sparql_endpoint": sparql_endpoint(service_url),
                "uri_space": settings.base_iri,
            },
        )
        page.headers["Vary"] = "Accept"
        return page
    if media_type == JSONLD:
        compacted = compact_graph(graph, _context_url(request))
        body = json.dumps(compacted, ensure_ascii=False, indent=1).encode("utf-8")
        return _rdf_response(body, JSONLD)
    body = graph.serialize(format=SERIALIZATIONS[media_type], encoding="utf-8")
    return _rdf_response(body, media_type)
