"""``/search``: regions, clusters and technologies by label (the work is :mod:`kg.search`).

JSON by default, an HTML page for browsers (``Accept: text/html`` or ``format=html``).
"""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import urlencode, urljoin

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from kg.api.deps import SettingsDep, StoreDep, refuse_unknown_parameters
from kg.api.problems import problem_responses
from kg.errors import InvalidInput
from kg.search import (
    DEFAULT_LIMIT,
    KINDS,
    MAX_LIMIT,
    MAX_QUERY_LENGTH,
    MIN_QUERY_LENGTH,
    SearchResult,
    search,
    search_request,
)
from kg.sparql.formats import HTML, negotiate
from kg.web import templates

router = APIRouter(tags=["search"])

JSON = "application/json"
#: Least preferred first: ``*/*`` (or no Accept) gets JSON, a browser the page.
OFFERED = {HTML: HTML, JSON: JSON}
FORMAT_NAMES = {"html": HTML, "json": JSON}
PARAMETERS = {"q", "type", "lang", "limit", "format"}

_HIT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "format": "uri", "description": "The resource's IRI."},
        "type": {"type": "string", "description": "Its class, e.g. `ckg:Region`."},
        "kind": {"type": "string", "enum": list(KINDS)},
        "label": {"type": "string", "description": "The label to show (in `lang` if any)."},
        "labelLanguage": {"type": ["string", "null"]},
        "matchedLabel": {"type": "string", "description": "The label or code that matched."},
        "matchedLanguage": {"type": ["string", "null"]},
        "matchedProperty": {"type": "string", "description": "e.g. `skos:altLabel`."},
        "match": {"type": "string", "enum": ["exact", "prefix", "word", "substring"]},
        "page": {"type": "string", "format": "uri", "description": "Its page on this service."},
        "code": {"type": "string", "description": "NUTS code (regions only)."},
        "nuts2024": {
            "type": "boolean",
            "description": "Whether the region is in NUTS 2024 (regions only).",
        },
    },
    "required": ["id", "type", "kind", "label", "matchedLabel", "match", "page"],
}
_RESULT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "format": "uri", "description": "This search."},
        "q": {"type": "string"},
        "type": {"type": ["string", "null"]},
        "lang": {"type": ["string", "null"]},
        "limit": {"type": "integer"},
        "total": {"type": "integer", "description": "Resources found, before `limit`."},
        "accentsIgnored": {
            "type": "boolean",
            "description": "Nothing matched as typed, so accents were ignored.",
        },
        "items": {"type": "array", "items": _HIT_SCHEMA},
    },
    "required": ["q", "total", "items"],
}

#: Errors are problem+json; a browser asking with a short query gets the form and the message.
ERRORS = problem_responses(
    (400, "A query shorter than 2 characters, an unknown parameter or an invalid value."),
    (406, "Neither JSON nor HTML is acceptable."),
)
ERRORS[400]["content"][HTML] = {"schema": {"type": "string"}}


@router.get(
    "/search",
    summary="Find regions, clusters and technologies by name or code",
    response_class=Response,
    responses={
        200: {
            "description": "The best matches: exact, then prefix, then start of a word, then "
            "anywhere; regions of NUTS 2024 before outdated ones; shorter labels first.",
            "headers": {"Vary": {"description": "Accept", "schema": {"type": "string"}}},
            "content": {JSON: {"schema": _RESULT_SCHEMA}, HTML: {}},
        },
        **ERRORS,
    },
)
def search_labels(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    q: Annotated[
        str | None,
        Query(
            description=f"Text to find in labels and codes, {MIN_QUERY_LENGTH} to "
            f"{MAX_QUERY_LENGTH} characters; case is ignored, and accents too when nothing "
            "matches as typed. Required.",
            examples=["Marche", "Αττική", "photonics", "ITI3"],
        ),
    ] = None,
    kind: Annotated[
        str | None,
        Query(
            alias="type",
            description="Only regions, cluster organisations or technologies (KETs and "
            "advanced technologies); empty for all.",
            json_schema_extra={"enum": ["", *KINDS]},
        ),
    ] = None,
    lang: Annotated[
        str | None,
        Query(
            description="Language tag (en, it, el, …): match only labels in it, or without a "
            "language (NUTS names, cluster names), and show labels in it.",
        ),
    ] = None,
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description="Most results to return.")
    ] = DEFAULT_LIMIT,
    fmt: Annotated[
        str | None, Query(alias="format", description="html or json, overriding Accept.")
    ] = None,
) -> Response:
    """Search labels (``skos:prefLabel``, ``skos:altLabel``, ``rdfs:label``) and codes
    (``skos:notation``) of regions, clusters and technologies, in every language; each resource
    is returned once, with the label that matched and the address of its page here."""
    refuse_unknown_parameters(request.query_params.keys(), PARAMETERS)
    media_type = negotiate(OFFERED, request.headers.get("accept"), fmt, FORMAT_NAMES)
    headers = {"Vary": "Accept"}
    if media_type == HTML:
        return _page(request, store, settings.base_iri, q, kind, lang, limit, headers)
    result = search(store, search_request(q, kind, lang, limit), settings.base_iri)
    body = json.dumps(_document(request, result), ensure_ascii=False, indent=1)
    return Response(body, media_type=JSON, headers=headers)


def _document(request: Request, result: SearchResult) -> dict[str, Any]:
    base = str(request.base_url)
    items = [{**hit.to_json(), "page": urljoin(base, hit.page)} for hit in result.hits]
    return {
        "id": str(request.url),
        "q": result.request.text,
        "type": result.request.kind,
        "lang": result.request.lang,
        "limit": result.request.limit,
        "total": result.total,
        "accentsIgnored": result.accents_ignored,
        "items": items,
    }


def _page(
    request: Request,
    store: StoreDep,
    base_iri: str,
    q: str | None,
    kind: str | None,
    lang: str | None,
    limit: int,
    headers: dict[str, str],
) -> Response:
    """The search form, with results or with what is wrong with the query (then a 400)."""
    form = {"q": q or "", "type": kind or "", "lang": lang or "", "limit": limit}
    context: dict[str, Any] = {"form": form, "kinds": list(KINDS), "max_limit": MAX_LIMIT}
    status = 200
    if q is not None:
        try:
            context["result"] = search(store, search_request(q, kind, lang, limit), base_iri)
            as_json = {k: v for k, v in form.items() if v != ""} | {"format": "json"}
            context["json_href"] = "/search?" + urlencode(as_json)
        except InvalidInput as exc:
            context["error"] = exc.detail
            status = exc.status
    return templates.TemplateResponse(
        request, "search.html", context, status_code=status, headers=headers
    )
