"""Descriptions of the service's data: the ontology (``/ontology``) and the dataset
(``/.well-known/void``), each in the RDF syntax or the HTML page the client asks for."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from kg.api.deps import SettingsDep, StoreDep, refuse_unknown_parameters
from kg.api.problems import problem_responses
from kg.jsonld import context_url, serialize_graph
from kg.ontology_docs import ontology_document
from kg.sparql.formats import (
    DESCRIPTION_FORMAT_NAMES,
    DESCRIPTION_TYPES,
    HTML,
    JSONLD,
    NTRIPLES,
    RDFXML,
    TURTLE,
    negotiate,
)
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

FormatName = Annotated[
    str | None,
    Query(
        alias="format",
        description="The representation, when `Accept` cannot be set. Unknown names get 406.",
        json_schema_extra={"enum": list(DESCRIPTION_FORMAT_NAMES)},
    ),
]


def _only(*allowed: str) -> Callable[[Request], None]:
    """A dependency that refuses query parameters other than ``allowed`` (typos fail loudly)."""

    def check(request: Request) -> None:
        refuse_unknown_parameters(request.query_params.keys(), set(allowed))

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
        DESCRIPTION_TYPES, request.headers.get("accept"), format_name, DESCRIPTION_FORMAT_NAMES
    )
    document = ontology_document(settings.ontology_dir)
    if media_type == HTML:
        page: Response = templates.TemplateResponse(
            request, "ontology.html", {"page": document.page}
        )
        page.headers["Vary"] = "Accept"
        return page
    if media_type == JSONLD:
        return _rdf_response(document.jsonld(context_url(str(request.base_url))), JSONLD)
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
        DESCRIPTION_TYPES, request.headers.get("accept"), format_name, DESCRIPTION_FORMAT_NAMES
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
    return _rdf_response(serialize_graph(graph, media_type, service_url), media_type)
