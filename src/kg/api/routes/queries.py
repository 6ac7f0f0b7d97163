"""Saved queries over HTTP: ``/queries`` (the catalogue) and one operation per saved query.

Each saved query becomes its own ``GET /queries/{name}`` operation with its parameters, so the
OpenAPI document lists every question and what it takes. Routes only read the request and pick
the representation; :class:`kg.saved.SavedQueryService` does the work (in a worker thread: the
routes are plain ``def``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, FastAPI, Request
from fastapi import Path as PathParameter
from fastapi.responses import JSONResponse, Response

from kg.api.deps import refuse_unknown_parameters, saved_service
from kg.api.problems import problem_responses
from kg.errors import KGError
from kg.paging import link_header
from kg.queries import Catalogue, Column, Parameter, SavedQuery
from kg.saved import SavedAnswer, Table, wants_html
from kg.sparql.formats import (
    CSV,
    GRAPH_FORMAT_NAMES,
    GRAPH_TYPES,
    HTML,
    JSONLD,
    RESULT_FORMAT_NAMES,
    SPARQL_JSON,
    SPARQL_XML,
    TSV,
    negotiate,
)
from kg.sparql.text import RequestForm
from kg.web import templates
from kg.web.forms import Choices, form_fields

router = APIRouter(tags=["saved queries"])

#: Least preferred first (see kg.sparql.formats.negotiate): ``*/*`` gets JSON-LD.
_CATALOGUE_TYPES = {HTML: HTML, "application/json": "application/json", JSONLD: JSONLD}
_SELECT_TYPES: dict[str, object] = {SPARQL_JSON: {}, CSV: {}, TSV: {}, SPARQL_XML: {}, HTML: {}}
_GRAPH_TYPES: dict[str, object] = {media: {} for media in sorted(set(GRAPH_TYPES.values()))}
_GRAPH_TYPES[HTML] = {}


@router.get(
    "/queries",
    summary="The catalogue of saved queries (questions), as JSON-LD or a page",
    responses={
        200: {
            "description": "Every saved query with its parameters.",
            "content": {media: {} for media in _CATALOGUE_TYPES},
        },
        **problem_responses((400, "Unknown parameter."), (406, "No acceptable type.")),
    },
    response_class=Response,
)
def catalogue(request: Request) -> Response:
    """List the questions: JSON-LD (Hydra IRI templates, one per query) or HTML, each question
    once under its first tag."""
    refuse_unknown_parameters(request.query_params.keys(), {"format"})
    service = saved_service(request)
    media_type = negotiate(
        _CATALOGUE_TYPES,
        request.headers.get("accept"),
        request.query_params.get("format"),
        {"html": HTML, "json": "application/json", "jsonld": JSONLD},
    )
    if media_type == HTML:
        page = templates.TemplateResponse(
            request, "queries.html", {"groups": service.catalogue.by_primary_tag()}
        )
        page.headers["Vary"] = "Accept"
        return page
    base = str(request.base_url).rstrip("/")
    document = catalogue_document(service.catalogue, base)
    return JSONResponse(document, media_type=media_type, headers={"Vary": "Accept"})


def catalogue_document(catalogue: Catalogue, base: str) -> dict[str, Any]:
    """The catalogue as JSON-LD, in existing vocabularies only.

    Each query is a ``dcat:DataService`` whose ``hydra:search`` is an IRI template with one
    mapping per parameter (its type, default and allowed values in the mapping's comment).
    """
    members = []
    for query in catalogue.values():
        names = [p.name for p in query.parameters]
        endpoint = f"{base}/queries/{query.name}"
        template = endpoint + ("{?" + ",".join(names) + "}" if names else "")
        members.append(
            {
                "@id": endpoint,
                "@type": "DataService",
                "identifier": query.name,
                "title": query.summary,
                "description": query.description,
                "keyword": list(query.tags),
                "endpointURL": endpoint,
                "search": {
                    "@type": "IriTemplate",
                    "template": template,
                    "variableRepresentation": "BasicRepresentation",
                    "mapping": [_mapping(p) for p in query.parameters],
                },
                "tableSchema": {
                    "@type": "Schema",
                    "columns": [_column(query.column(name)) for name in query.variables],
                },
            }
        )
    return {
        "@context": {
            "hydra": "http://www.w3.org/ns/hydra/core#",
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "DataService": "dcat:DataService",
            "IriTemplate": "hydra:IriTemplate",
            "IriTemplateMapping": "hydra:IriTemplateMapping",
            "Collection": "hydra:Collection",
            "identifier": "dct:identifier",
            "title": "dct:title",
            "description": "dct:description",
            "keyword": "dcat:keyword",
            "endpointURL": {"@id": "dcat:endpointURL", "@type": "@id"},
            "search": "hydra:search",
            "template": "hydra:template",
            "variableRepresentation": {"@id": "hydra:variableRepresentation", "@type": "@vocab"},
            "BasicRepresentation": "hydra:BasicRepresentation",
            "mapping": "hydra:mapping",
            "variable": "hydra:variable",
            "required": "hydra:required",
            "comment": "http://www.w3.org/2000/01/rdf-schema#comment",
            "example": "http://www.w3.org/2004/02/skos/core#example",
            "member": {"@id": "hydra:member", "@container": "@set"},
            "totalItems": "hydra:totalItems",
            # The answer's columns (CSVW): the variable, its label and unit for people.
            "csvw": "http://www.w3.org/ns/csvw#",
            "Schema": "csvw:Schema",
            "Column": "csvw:Column",
            "tableSchema": "csvw:tableSchema",
            "columns": {"@id": "csvw:column", "@container": "@list"},
            "name": "csvw:name",
            "titles": {"@id": "csvw:title", "@language": "en"},
            "unitText": "https://schema.org/unitText",
        },
        "@id": f"{base}/queries",
        "@type": "Collection",
        "totalItems": len(members),
        "member": members,
    }


def _column(column: Column) -> dict[str, Any]:
    described: dict[str, Any] = {"@type": "Column", "name": column.name, "titles": column.label}
    if column.unit:
        described["unitText"] = column.unit
    return described


def _mapping(parameter: Parameter) -> dict[str, Any]:
    notes = [f"{parameter.label} ({parameter.type})."]
    if parameter.description:
        notes.append(parameter.description)
    if parameter.default is not None:
        notes.append(f"Default: {parameter.default}.")
    if parameter.values:
        named = [
            f"{v} ({parameter.value_labels[v]})" if v in parameter.value_labels else v
            for v in parameter.values
        ]
        notes.append(f"One of: {', '.join(named)}.")
    return {
        "@type": "IriTemplateMapping",
        "variable": parameter.name,
        "required": parameter.required,
        "comment": " ".join(notes),
        "example": parameter.example,
    }


def add_saved_query_routes(app: FastAPI, catalogue: Catalogue) -> None:
    """One documented ``GET /queries/{name}`` operation per saved query, then a 404 fallback."""
    for query in catalogue.values():
        app.add_api_route(
            f"/queries/{query.name}",
            _endpoint(query.name),
            methods=["GET"],
            name=f"saved_query_{query.name.replace('-', '_')}",
            summary=query.summary,
            description=_operation_description(query),
            tags=["saved queries", *query.tags],
            response_class=Response,
            responses=_responses(query),
            openapi_extra={"parameters": _openapi_parameters(query)},
        )
    app.add_api_route(
        "/queries/{name}",
        run_by_name,
        methods=["GET"],
        summary="Any saved query by name (each one's own operation documents its parameters)",
        tags=["saved queries"],
        response_class=Response,
        responses={
            200: {
                "description": "The answer in the negotiated type.",
                "content": {**_SELECT_TYPES, **_GRAPH_TYPES},
            },
            304: {"description": "Not modified: the ETag sent in If-None-Match still holds."},
            **problem_responses(
                (404, "No saved query of that name; the problem lists the catalogue."),
                (406, "No acceptable answer type."),
                (422, "Unknown parameter, or a value that is not of its type."),
                (503, "Query stopped at KG_QUERY_TIMEOUT."),
            ),
        },
    )


def _endpoint(name: str) -> Callable[[Request], Response]:
    def run_saved_query(request: Request) -> Response:
        return answer_request(request, name)

    return run_saved_query


def run_by_name(
    request: Request,
    name: Annotated[str, PathParameter(description="The saved query's name, as in /queries.")],
) -> Response:
    """Run the saved query ``name``; an unknown name is a 404 listing the catalogue."""
    return answer_request(request, name)


def answer_request(request: Request, name: str) -> Response:
    """Run saved query ``name`` for this request in the representation it asks for."""
    service = saved_service(request)
    params = request.query_params
    arguments = {key: params.getlist(key) for key in params}
    accept = request.headers.get("accept")
    format_name = params.get("format")
    if wants_html(accept, format_name):
        return question_page(request, service.query(name), arguments)
    answer = service.answer(
        name,
        arguments,
        accept=accept,
        format_name=format_name,
        if_none_match=request.headers.get("if-none-match"),
    )
    headers = {"Vary": "Accept", "Cache-Control": "no-cache"}
    if isinstance(answer, str):
        return Response(status_code=304, headers={**headers, "ETag": answer})
    headers["ETag"] = answer.etag
    headers.update(_paging_headers(request, answer))
    return Response(answer.body, media_type=answer.media_type, headers=headers)


def _paging_headers(request: Request, answer: SavedAnswer) -> dict[str, str]:
    if answer.paging is None or answer.total is None:
        return {}

    def page_url(number: int) -> str:
        return str(request.url.include_query_params(page=number))

    return {
        "Link": link_header(answer.paging.links(answer.total), page_url),
        "X-Total-Count": str(answer.total),
    }


def question_page(request: Request, query: SavedQuery, arguments: dict[str, list[str]]) -> Response:
    """The question's page: its form, and its answer once the required values are there."""
    service = saved_service(request)
    choices: Choices = request.app.state.choices
    choices.refresh_for(service.state)
    values = {key: given[-1] for key, given in arguments.items() if key != "format"}
    if not values:
        # A first visit answers the question for its example values, so there is something to
        # read at once; the form shows them, ready to change.
        values = {p.name: p.example for p in query.parameters if p.required}
    status = 200
    error: KGError | None = None
    table: Table | None = None
    text = query.sparql
    missing = [p for p in query.parameters if p.required and not values.get(p.name)]
    try:
        parameter_values, paging = service.read_arguments(
            query, {k: [v] for k, v in values.items()}, paged_by_default=True
        )
        text = service.bound_text(query, parameter_values)
        if not missing:
            table = service.table(query, text, paging)
    except KGError as exc:
        error, status = exc, exc.status
        parameter_values = {k: v for k, v in values.items() if k not in ("page", "per_page")}
    fields = form_fields(query, parameter_values, choices)
    downloads = {
        label: f"/queries/{query.name}?" + urlencode({**parameter_values, "format": fmt})
        for label, fmt in _downloads(query)
    }
    context = {
        "query": query,
        "fields": fields,
        "table": table,
        "error": error,
        "missing": missing,
        "sparql_text": text,
        "editor_href": "/sparql#query=" + quote(text, safe=""),
        "downloads": downloads,
        "pages": _page_links(query, parameter_values, table),
    }
    response = templates.TemplateResponse(request, "question.html", context, status_code=status)
    response.headers["Vary"] = "Accept"
    return response


def _downloads(query: SavedQuery) -> list[tuple[str, str]]:
    if query.form is RequestForm.CONSTRUCT:
        return [("Turtle", "ttl"), ("JSON-LD", "jsonld"), ("N-Triples", "nt")]
    return [("CSV", "csv"), ("JSON", "json")]


def _page_links(query: SavedQuery, values: dict[str, str], table: Table | None) -> dict[str, str]:
    if table is None or table.paging is None:
        return {}
    size = {"per_page": str(table.paging.per_page)}
    return {
        rel: f"/queries/{query.name}?" + urlencode({**values, "page": str(number), **size})
        for rel, number in table.paging.links(table.total).items()
        if rel in ("prev", "next")
    }


def _operation_description(query: SavedQuery) -> str:
    formats = (
        ", ".join(sorted(GRAPH_FORMAT_NAMES))
        if query.form is RequestForm.CONSTRUCT
        else ", ".join(sorted(RESULT_FORMAT_NAMES))
    )
    paging = (
        "Paged with `page` and `per_page` when either is given (`Link` and `X-Total-Count` "
        "headers); otherwise every row. "
        if query.form is RequestForm.SELECT
        else ""
    )
    columns = "".join(f"\n- `{name}`: {query.column(name).heading}" for name in query.variables)
    return (
        f"{query.description}\n\nTags: {', '.join(query.tags)}. Answer by `Accept` or "
        f"`format=` ({formats}, html). {paging}Every answer has an `ETag`; send it back in "
        f"`If-None-Match` for a `304`. Source: `queries/{query.name}.rq`.\n\n"
        f"Columns of the answer (variable: what it holds, with its unit):{columns}"
    )


def _openapi_parameters(query: SavedQuery) -> list[dict[str, Any]]:
    parameters = [p.openapi() for p in query.parameters]
    names = GRAPH_FORMAT_NAMES if query.form is RequestForm.CONSTRUCT else RESULT_FORMAT_NAMES
    format_names = sorted(names)
    parameters.append(
        {
            "name": "format",
            "in": "query",
            "required": False,
            "description": "Answer format when Accept cannot be set.",
            "schema": {"type": "string", "enum": [*format_names, "html"]},
        }
    )
    if query.form is RequestForm.SELECT:
        parameters += [
            {
                "name": "page",
                "in": "query",
                "required": False,
                "description": "Page number, from 1.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": "per_page",
                "in": "query",
                "required": False,
                "description": "Rows per page (at most KG_MAX_PAGE_SIZE).",
                "schema": {"type": "integer", "minimum": 1},
            },
        ]
    return parameters


def _responses(query: SavedQuery) -> dict[int | str, dict[str, Any]]:
    content = _GRAPH_TYPES if query.form is RequestForm.CONSTRUCT else _SELECT_TYPES
    return {
        200: {"description": "The answer in the negotiated type.", "content": content},
        304: {"description": "Not modified: the ETag sent in If-None-Match still holds."},
        **problem_responses(
            (404, "No such saved query."),
            (406, "No acceptable answer type."),
            (422, "Unknown parameter, or a value that is not of its type (the problem names it)."),
            (503, "Query stopped at KG_QUERY_TIMEOUT."),
        ),
    }
