"""Dereferenceable IRIs: ``/id/…``, the fixed ClusterKG namespaces, ``/resource?iri=`` and the
published JSON-LD context. The work is done by :mod:`kg.resources`; routes read the request and
pick the response class.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from kg.api.deps import SettingsDep, StoreDep, refuse_unknown_parameters
from kg.api.problems import PROBLEM_JSON, problem_responses
from kg.errors import KGError, NotFound
from kg.jsonld import CONTEXT_PATH, context_document, context_url
from kg.resources import (
    HTML,
    JSONLD,
    REPRESENTATIONS,
    RESOURCE_PATH,
    SERVED_NAMESPACES,
    build_page,
    describe,
    namespace_iri,
    negotiate,
    parse_iri,
    preferred_languages,
    rdf_document,
)
from kg.web import templates

router = APIRouter(tags=["linked data"])

#: The answer depends on these request headers (HTML or RDF, and the language of the page), so
#: caches must keep one copy per value.
VARY = {"Vary": "Accept, Accept-Language"}

FormatParam = Annotated[
    str | None,
    Query(
        alias="format",
        description="Representation, overriding Accept: html, ttl, nt or jsonld.",
    ),
]


#: The documented answers of a resource route.
RESOURCE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The resource: an HTML page (labels in the Accept-Language language, "
        "links, incoming links), or its triples as Turtle (the default), N-Triples or JSON-LD "
        "compacted with /context.jsonld.",
        "headers": {
            "Vary": {"description": "Accept, Accept-Language", "schema": {"type": "string"}}
        },
        "content": {
            r.media_type: {"schema": {"type": "object" if r is JSONLD else "string"}}
            for r in REPRESENTATIONS.values()
        },
    },
    **problem_responses(
        (400, "Unknown query parameter, a missing or malformed `iri`, or an unreadable Accept."),
        (404, "The graph has no statements about the IRI (HTML for browsers, else problem+json)."),
        (406, "None of the types asked for (Accept or format=) is offered."),
    ),
}


@router.get(
    CONTEXT_PATH,
    summary="The JSON-LD context of ClusterKG documents",
    response_class=Response,
    responses={
        200: {
            "description": "Prefixes, `id`/`type` aliases and short terms for common properties.",
            "content": {JSONLD.media_type: {"schema": {"type": "object"}}},
        }
    },
)
def jsonld_context() -> JSONResponse:
    """The context every JSON-LD document of ClusterKG refers to; it changes only with releases,
    so clients and caches may keep it for a day."""
    return JSONResponse(
        context_document(),
        media_type="application/ld+json",
        headers={"Cache-Control": "public, max-age=86400", "Access-Control-Allow-Origin": "*"},
    )


def _data_resource(
    path: str, request: Request, store: StoreDep, settings: SettingsDep, fmt: FormatParam = None
) -> Response:
    """Describe the data resource ``{KG_BASE_IRI}{path}`` (HTML, Turtle, N-Triples or JSON-LD)."""
    refuse_unknown_parameters(request.query_params.keys(), {"format"})
    return _respond(request, store, settings, settings.base_iri + path, fmt)


def _namespace_resource(namespace: str) -> Callable[..., Response]:
    """The route of one fixed namespace: ``/{namespace}/{path}`` describes its IRIs."""

    def endpoint(
        path: str,
        request: Request,
        store: StoreDep,
        settings: SettingsDep,
        fmt: FormatParam = None,
    ) -> Response:
        refuse_unknown_parameters(request.query_params.keys(), {"format"})
        return _respond(request, store, settings, namespace_iri(namespace) + path, fmt)

    endpoint.__doc__ = f"Describe `{namespace_iri(namespace)}{{path}}` (HTML or RDF)."
    return endpoint


def _any_resource(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    iri: Annotated[str | None, Query(description="The absolute IRI to describe.")] = None,
    fmt: FormatParam = None,
) -> Response:
    """Describe any IRI the graph has statements about: NUTS regions, NACE sectors, ontology
    terms, … (HTML, Turtle, N-Triples or JSON-LD)."""
    refuse_unknown_parameters(request.query_params.keys(), {"iri", "format"})
    return _respond(request, store, settings, str(parse_iri(iri)), fmt)


def _add_route(path: str, endpoint: Callable[..., Response], name: str, summary: str) -> None:
    """GET in the API docs, plus HEAD (same headers, no body) kept out of them."""
    router.add_api_route(
        path,
        endpoint,
        methods=["GET"],
        name=name,
        summary=summary,
        response_class=Response,
        responses=RESOURCE_RESPONSES,
    )
    router.add_api_route(
        path, endpoint, methods=["HEAD"], name=f"{name}_head", include_in_schema=False
    )


_add_route("/id/{path:path}", _data_resource, "data_resource", "Describe a data resource")
for _namespace in SERVED_NAMESPACES:
    _add_route(
        f"/{_namespace}/{{path:path}}",
        _namespace_resource(_namespace),
        f"{_namespace}_resource",
        f"Describe a ClusterKG {_namespace} IRI",
    )
_add_route(RESOURCE_PATH, _any_resource, "any_resource", "Describe any IRI of the graph")


def _respond(
    request: Request, store: StoreDep, settings: SettingsDep, iri: str, fmt: str | None
) -> Response:
    """Negotiate, describe ``iri`` and render it; errors carry ``Vary`` as well."""
    try:
        representation = negotiate(request.headers.get("accept"), fmt)
    except KGError as exc:
        return _problem(request, exc)
    try:
        description = describe(store, iri)
    except NotFound as exc:
        if representation is HTML:
            return _html_not_found(request, iri, exc)
        return _problem(request, exc)
    if representation is HTML:
        languages = preferred_languages(request.headers.get("accept-language"))
        page = build_page(description, languages, settings.base_iri)
        return templates.TemplateResponse(
            request,
            "resource.html",
            # The page is in English (headings, navigation); its title and values carry their
            # own language (resource.html), so <html lang> stays "en".
            {"page": page, "formats": _format_links(request)},
            headers={**VARY, "Content-Language": page.language},
        )
    return Response(
        rdf_document(description, representation, context_url(str(request.base_url))),
        media_type=representation.media_type,
        headers=VARY,
    )


def _problem(request: Request, exc: KGError) -> JSONResponse:
    """RFC 9457 problem details, as the app's handlers write them, plus ``Vary``."""
    return JSONResponse(
        exc.to_problem(instance=request.url.path),
        status_code=exc.status,
        media_type=PROBLEM_JSON,
        headers=VARY,
    )


def _html_not_found(request: Request, iri: str, exc: KGError) -> Response:
    """A small HTML 404 page for browsers."""
    return templates.TemplateResponse(
        request,
        "resource_not_found.html",
        {"iri": iri, "detail": exc.detail},
        status_code=404,
        headers=VARY,
    )


def _format_links(request: Request) -> list[dict[str, str]]:
    """Links to the other representations of this resource (same query, another ``format``)."""
    params = {k: v for k, v in request.query_params.items() if k != "format"}
    return [
        {
            "name": r.name,
            "media_type": r.media_type,
            "href": "?" + urlencode({**params, "format": r.key}),
        }
        for r in REPRESENTATIONS.values()
        if r is not HTML
    ]
