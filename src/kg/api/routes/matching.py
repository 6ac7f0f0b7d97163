"""Explainable matching: ``/api/match`` (partner regions for a region's S3 priorities),
``/api/gaps`` (the technologies it lacks, with helpers) and ``/api/peers`` (similar regions to
learn from). Routes parse and negotiate; the answers come from :mod:`kg.matching.answers`.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from kg.api.cache import AnswerCache, etag, not_modified
from kg.api.deps import (
    SettingsDep,
    StoreDep,
    match_index,
    refuse_unknown_parameters,
    saved_service,
)
from kg.api.problems import problem_responses
from kg.jsonld import serialize_graph
from kg.matching.answers import answer_csv, region_results, results_as_graph
from kg.sparql.formats import CSV, JSONLD, TURTLE, negotiate
from kg.strengths.answers import parse_region_code, parse_technology

router = APIRouter(tags=["matching"])

JSON = "application/json"
#: Least preferred first: plain JSON is the default; JSON-LD and Turtle give the stored resources.
TYPES = {CSV: CSV, TURTLE: TURTLE, JSONLD: JSONLD, JSON: JSON}
FORMATS = {"json": JSON, "jsonld": JSONLD, "ttl": TURTLE, "csv": CSV}
_CACHE = AnswerCache()

REGION = Query(
    description="NUTS code of any version and level: a NUTS 2 region, or a country or NUTS 1 "
    "region with S3 priorities, answers for itself; a NUTS 3 code for its NUTS 2 parent; an "
    "older code for the region(s) it became.",
    examples=["ITI3"],
)
FORMAT = Query(description="json, jsonld, ttl or csv (instead of Accept).")


def _responses(what: str) -> dict[int | str, dict[str, Any]]:
    return {
        200: {
            "description": f"The region's {what}, best first, each with its reasons in words and "
            "the evidence they rest on. JSON by default; JSON-LD or Turtle give the stored "
            "resources (graph …/graph/matches); CSV a table.",
            "content": {JSON: {}, JSONLD: {}, TURTLE: {}, CSV: {}},
        },
        304: {"description": "Not modified (the ETag sent in If-None-Match)."},
        **problem_responses(
            (400, "Unknown parameter or malformed technology."),
            (404, "No NUTS region has this code."),
            (406, "No acceptable media type."),
            (422, "Malformed NUTS code or a parameter out of range."),
        ),
    }


def _answer(
    request: Request,
    store: Any,
    kind: str,
    allowed: set[str],
    fmt: str | None,
    region: str,
    **filters: Any,
) -> Response:
    refuse_unknown_parameters(request.query_params.keys(), allowed)
    media_type = negotiate(TYPES, request.headers.get("accept"), fmt, FORMATS)
    code = parse_region_code(region)
    state = saved_service(request).state
    tag = etag(state, kind, code, repr(sorted(filters.items())), media_type, str(request.base_url))
    headers = {"Vary": "Accept", "ETag": tag}
    if not_modified(request.headers.get("if-none-match"), tag):
        return Response(status_code=304, headers=headers)
    cached = _CACHE.get(tag)
    if cached is not None:
        return Response(cached[0], media_type=cached[1], headers=headers)
    answer = region_results(store, code, kind, index=match_index(request), **filters)
    headers["X-Total-Count"] = str(answer.total)
    if media_type == JSON:
        body = json.dumps(answer.as_json(), ensure_ascii=False, indent=1).encode()
    elif media_type == CSV:
        body = answer_csv(answer).encode()
        media_type = f"{CSV}; charset=utf-8"
    else:
        body = serialize_graph(results_as_graph(store, answer), media_type, str(request.base_url))
    _CACHE.put(tag, body, media_type)
    return Response(body, media_type=media_type, headers=headers)


@router.get(
    "/api/match",
    summary="Partner regions measured strong in what a region's S3 priorities need, with reasons",
    response_class=Response,
    responses=_responses("partner matches"),
)
def match(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    region: Annotated[str, REGION],
    technology: Annotated[
        str | None,
        Query(description="Only this technology: ket:NAME or ati:NAME.", examples=["ati:robotics"]),
    ] = None,
    priority: Annotated[
        str | None,
        Query(
            description="Only this S3 priority: its IRI, or its name in ClusterKG's IRIs "
            "(…/s3-priority/NAME).",
            examples=["iti3-2014-2020-mechatronics"],
        ),
    ] = None,
    min_score: Annotated[
        float | None, Query(ge=0, le=1, description="Only matches scoring at least this.")
    ] = None,
    limit: Annotated[
        int | None, Query(ge=1, description="At most this many matches (default: all).")
    ] = None,
    format: Annotated[str | None, FORMAT] = None,
) -> Response:
    """Plain ``def``: the store work runs in the thread pool, never on the event loop."""
    allowed = {"region", "technology", "priority", "min_score", "limit", "format"}
    wanted = parse_technology(technology) if technology else None
    priority_iri = None
    if priority:
        priority_iri = (
            priority if "://" in priority else f"{settings.base_iri}s3-priority/{priority}"
        )
    return _answer(
        request,
        store,
        "match",
        allowed,
        format,
        region,
        technology=wanted,
        priority=priority_iri,
        min_score=min_score,
        limit=min(limit, settings.max_page_size) if limit else None,
    )


@router.get(
    "/api/gaps",
    summary="A region's S3 priorities whose technologies it is not measured strong in, "
    "with the regions best placed to help",
    response_class=Response,
    responses=_responses("gaps"),
)
def gaps(
    request: Request,
    store: StoreDep,
    region: Annotated[str, REGION],
    format: Annotated[str | None, FORMAT] = None,
) -> Response:
    """Plain ``def``: the store work runs in the thread pool, never on the event loop."""
    return _answer(request, store, "gap", {"region", "format"}, format, region)


@router.get(
    "/api/peers",
    summary="Regions structurally similar to a region and stronger in what it needs",
    response_class=Response,
    responses=_responses("peers"),
)
def peers(
    request: Request,
    store: StoreDep,
    region: Annotated[str, REGION],
    format: Annotated[str | None, FORMAT] = None,
) -> Response:
    """Plain ``def``: the store work runs in the thread pool, never on the event loop."""
    return _answer(request, store, "peer", {"region", "format"}, format, region)
