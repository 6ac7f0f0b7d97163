"""REST collections under ``/api/``: one paged, filtered list per class (logic in kg.collections).

Every collection answers JSON-LD (a Hydra collection) by default and CSV on request
(``Accept: text/csv`` or ``format=csv``), with the total in ``X-Total-Count`` and the other pages
in a ``Link`` header. Its parameters are declared in the OpenAPI document from the collection's
definition, and validated by :func:`kg.collections.parse_request`, not by FastAPI, so every error
is one of the project's problem documents.

Regions, clusters and technologies (``kets``) also have a page for people: a browser, whose
``Accept`` ranks ``text/html`` above JSON-LD, gets it (with the same members, from the same
request, see :mod:`kg.web.listing`); every other client gets what it got before.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import mimeparse
from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from kg.api.deps import SettingsDep, StoreDep
from kg.api.problems import problem_responses
from kg.collections import (
    COLLECTIONS,
    CSV_SEPARATOR,
    FORMAT,
    FORMATS,
    PAGE,
    PER_PAGE,
    Collection,
    Page,
    csv_columns,
    describe,
    list_page,
    member_schema,
    page_csv,
    page_document,
    parse_request,
)
from kg.config import Settings
from kg.errors import InvalidInput, KGError, NotAcceptable
from kg.jsonld import CONTEXT_PATH, context_url
from kg.paging import link_header
from kg.store import Store
from kg.web import templates
from kg.web.listing import build_listing, error_listing, has_page, known_values

JSONLD = "application/ld+json"
JSON = "application/json"
CSV = "text/csv"
#: Media types a collection can answer in; best_match gives ties to the last, so JSON-LD wins
#: for ``*/*`` and plain JSON only when asked for by name.
OFFERED = [CSV, JSON, JSONLD]
HTML = "text/html"
#: For browsers: the page is offered first, so it loses every tie and is chosen only when the
#: Accept header ranks it above JSON-LD, JSON and CSV (``*/*`` and no Accept keep JSON-LD).
OFFERED_WITH_PAGE = [HTML, *OFFERED]

router = APIRouter(tags=["collections"])


class FilterInfo(BaseModel):
    """A filter parameter of a collection."""

    name: str
    description: str
    example: str


class CollectionInfo(BaseModel):
    """What a collection holds and how to ask for it."""

    name: str
    title: str
    description: str
    url: str = Field(description="Absolute URL of the collection.")
    type: str = Field(description="IRI of the class of its members.")
    filters: list[FilterInfo]
    fields: list[str] = Field(description="Fields of a member (the CSV columns after `id`).")


class ApiIndex(BaseModel):
    """The REST collections of the service."""

    collections: list[CollectionInfo]
    paging: str
    formats: str


PAGING_HELP = (
    f"Pages are numbered from 1 (`{PAGE}`); `{PER_PAGE}` sets their size (default "
    "KG_PAGE_SIZE, 50; at most KG_MAX_PAGE_SIZE, 500). The `Link` header gives the first, "
    "prev, next and last pages with the same filters, `X-Total-Count` the number of members "
    "over all pages. Members are in a stable order, so pages never overlap."
)
FORMATS_HELP = (
    f"JSON-LD (a Hydra collection, `{JSONLD}`) by default or when `Accept` asks for JSON; CSV "
    f"with a header row for `Accept: {CSV}` or `{FORMAT}=csv`. In CSV, many values share a "
    f"cell separated by `{CSV_SEPARATOR}`. Unknown parameters and invalid values are refused "
    "with 400, an `Accept` that allows neither format with 406 (problem+json)."
)


@router.get("/api", response_model=ApiIndex, summary="List the REST collections")
def api_index(request: Request) -> ApiIndex:
    """The collections with their URLs, filters and member fields."""
    infos = [
        CollectionInfo(url=str(request.url_for(_route_name(name))), **info)
        for name, info in zip(COLLECTIONS, describe(COLLECTIONS.values()), strict=True)
    ]
    return ApiIndex(collections=infos, paging=PAGING_HELP, formats=FORMATS_HELP)


def choose_media_type(accept: str | None, requested_format: str | None) -> str:
    """The media type to answer in: ``format`` wins over ``Accept``; a missing Accept is ``*/*``."""
    if requested_format is not None:
        return CSV if requested_format == "csv" else JSONLD
    header = (accept or "").strip() or "*/*"
    try:
        best: str = mimeparse.best_match(OFFERED, header)
    except ValueError as exc:
        raise InvalidInput(f"the Accept header does not parse: {exc}", parameter="Accept") from exc
    if not best:
        raise NotAcceptable(
            f"a collection is available as {', '.join(OFFERED)}; the Accept header "
            f"({header!r}) allows none of them",
            parameter="Accept",
            allowed=OFFERED,
        )
    return best


def prefers_page(accept: str | None, requested_format: str | None) -> bool:
    """Whether to answer a collection with its HTML page: no ``format=``, and an ``Accept`` that
    ranks ``text/html`` strictly above the other types (a browser's does).

    >>> prefers_page("text/html,application/xhtml+xml,*/*;q=0.8", None)
    True
    >>> prefers_page("*/*", None), prefers_page(None, None), prefers_page("text/html", "csv")
    (False, False, False)
    >>> prefers_page("text/html, application/ld+json", None)  # a tie keeps JSON-LD
    False
    """
    header = (accept or "").strip()
    if requested_format is not None or not header:
        return False
    try:
        best: str = mimeparse.best_match(OFFERED_WITH_PAGE, header)
    except ValueError:  # an unreadable Accept: answered as before (400), not as a page
        return False
    return best == HTML


def _render(page: Page, request: Request, media_type: str) -> Response:
    def page_url(number: int) -> str:
        return str(request.url.include_query_params(**{PAGE: number}))

    headers = {
        "Link": link_header(page.links(), page_url),
        "X-Total-Count": str(page.total),
        "Vary": "Accept",
    }
    if media_type == CSV:
        return Response(page_csv(page), media_type=f"{CSV}; charset=utf-8", headers=headers)
    document = page_document(
        page,
        context_url=context_url(str(request.base_url)),
        collection_url=str(request.url.remove_query_params([PAGE, PER_PAGE, FORMAT])),
        page_url=page_url,
    )
    body = json.dumps(document, ensure_ascii=False, indent=1)
    return Response(body, media_type=media_type, headers=headers)


def _list_endpoint(collection: Collection) -> Callable[..., Response]:
    def list_members(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
        if has_page(collection) and prefers_page(
            request.headers.get("accept"), request.query_params.get(FORMAT)
        ):
            return _page(collection, request, store, settings)
        page_request = parse_request(
            collection,
            request.query_params.multi_items(),
            store,
            default_per_page=min(settings.page_size, settings.max_page_size),
            max_per_page=settings.max_page_size,
        )
        media_type = choose_media_type(request.headers.get("accept"), page_request.format)
        return _render(list_page(store, page_request), request, media_type)

    list_members.__doc__ = f"One page of the collection {collection.name}."
    return list_members


def _page(collection: Collection, request: Request, store: Store, settings: Settings) -> Response:
    """The HTML page: the members of the same request as the JSON-LD, or the form and what is
    wrong (with the status the JSON-LD would have had)."""
    headers = {"Vary": "Accept"}
    params = request.query_params.multi_items()
    given = [(name, value) for name, value in params if value.strip()]
    if len(given) < len(params):
        # A filter form sends its empty fields too; without them, the address means the same
        # page in every format (parse_request refuses empty parameters).
        target = request.url.path + ("?" + urlencode(given) if given else "")
        return RedirectResponse(target, status_code=303, headers=headers)
    values = known_values(params)
    path = request.url.path
    status = 200
    try:
        page_request = parse_request(
            collection,
            params,
            store,
            default_per_page=min(settings.page_size, settings.max_page_size),
            max_per_page=settings.max_page_size,
        )
    except KGError as exc:
        listing = error_listing(collection, store, values, path=path, error=exc.detail)
        status = exc.status
    else:
        page = list_page(store, page_request)

        def page_href(number: int) -> str:
            return "?" + urlencode([*((k, v) for k, v in params if k != PAGE), (PAGE, number)])

        def page_url(number: int) -> str:
            return str(request.url.include_query_params(**{PAGE: number}))

        downloads = {
            name: "?" + urlencode([*((k, v) for k, v in params if k != FORMAT), (FORMAT, key)])
            for name, key in (("CSV", "csv"), ("JSON-LD", "jsonld"))
        }
        listing = build_listing(
            store,
            page,
            values,
            path=path,
            base_iri=settings.base_iri,
            page_href=page_href,
            downloads=downloads,
        )
        headers["Link"] = link_header(page.links(), page_url)
        headers["X-Total-Count"] = str(page.total)
    return templates.TemplateResponse(
        request, "collection.html", {"listing": listing}, status_code=status, headers=headers
    )


def _route_name(collection_name: str) -> str:
    return f"collection-{collection_name}"


# --- the OpenAPI description, built from the collection definitions -------------------------


def _page_schema(collection: Collection) -> dict[str, Any]:
    link = {"type": "string", "format": "uri"}
    return {
        "type": "object",
        "description": "A Hydra collection: the members of one page, the total and page links.",
        "required": ["@context", "@id", "@type", "totalItems", "view", "member"],
        "properties": {
            "@context": {
                "type": "array",
                "description": f"The service's context ({CONTEXT_PATH}), then the page's terms.",
            },
            "@id": {**link, "description": "The collection with its filters."},
            "@type": {"type": "string", "const": "hydra:Collection"},
            "totalItems": {"type": "integer", "description": "Members over all pages."},
            "view": {
                "type": "object",
                "description": "This page (@id) and the first, previous, next and last pages.",
                "properties": {
                    "@id": link,
                    "@type": {"type": "string", "const": "hydra:PartialCollectionView"},
                    "first": link,
                    "previous": link,
                    "next": link,
                    "last": link,
                },
            },
            "member": {"type": "array", "items": member_schema(collection)},
        },
    }


def _responses(collection: Collection) -> dict[int | str, dict[str, Any]]:
    page = {"schema": _page_schema(collection)}
    responses: dict[int | str, dict[str, Any]] = {
        200: {
            "description": "One page of the collection.",
            "headers": {
                "Link": {
                    "description": 'Pages with the same filters: rel="first", "prev", "next", '
                    '"last" (absolute URLs).',
                    "schema": {"type": "string"},
                },
                "X-Total-Count": {
                    "description": "Members over all pages.",
                    "schema": {"type": "integer"},
                },
            },
            "content": {
                JSONLD: page,
                JSON: page,
                CSV: {
                    "schema": {"type": "string"},
                    "example": ",".join(csv_columns(collection)) + "\r\n",
                },
            },
        },
        **problem_responses(
            (400, "An unknown, repeated, empty or invalid parameter (named in `parameter`)."),
            (406, "Neither JSON-LD nor CSV is acceptable, or `format` is not one of them."),
        ),
    }
    if has_page(collection):
        # Browsers get the page, and the form with the message for an invalid parameter.
        responses[200]["content"][HTML] = {"schema": {"type": "string"}}
        responses[303] = {
            "description": "A browser sent empty parameters (a filter form's "
            "unset fields): the same page without them."
        }
        responses[400]["content"][HTML] = {"schema": {"type": "string"}}
    return responses


def _parameters(collection: Collection) -> list[dict[str, Any]]:
    filters = [
        {
            "name": f.parameter.name,
            "in": "query",
            "required": False,
            "description": f.description,
            "schema": dict(f.parameter.schema),
            "example": f.parameter.example,
        }
        for f in collection.filters
    ]
    paging = [
        {
            "name": PAGE,
            "in": "query",
            "required": False,
            "description": "Page number, from 1.",
            "schema": {"type": "integer", "minimum": 1, "default": 1},
        },
        {
            "name": PER_PAGE,
            "in": "query",
            "required": False,
            "description": "Members per page: default KG_PAGE_SIZE (50), at most "
            "KG_MAX_PAGE_SIZE (500).",
            "schema": {"type": "integer", "minimum": 1},
        },
        {
            "name": FORMAT,
            "in": "query",
            "required": False,
            "description": "Representation, overriding the Accept header.",
            "schema": {"type": "string", "enum": list(FORMATS)},
        },
    ]
    return filters + paging


def _register(collection: Collection) -> None:
    filters = ", ".join(f"`{f.parameter.name}`" for f in collection.filters) or "none"
    router.add_api_route(
        f"/api/{collection.name}",
        _list_endpoint(collection),
        methods=["GET"],
        name=_route_name(collection.name),
        operation_id=f"list_{collection.name.replace('-', '_')}",
        summary=f"List {collection.title}",
        description=f"{collection.description}\n\nFilters: {filters}. Unknown parameters are "
        f"refused.\n\n{PAGING_HELP}\n\n{FORMATS_HELP}",
        response_class=Response,
        responses=_responses(collection),
        openapi_extra={"parameters": _parameters(collection)},
    )


for _collection in COLLECTIONS.values():
    _register(_collection)
