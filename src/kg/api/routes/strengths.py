"""Measured technology strengths: ``/api/strengths`` (a region's profile with evidence) and
``/api/technologies/{technology}/regions`` (the ranking of regions in one technology).

Routes parse and negotiate; the answers come from :mod:`kg.strengths.answers`.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from kg.api.cache import AnswerCache, etag, not_modified
from kg.api.deps import (
    SettingsDep,
    StoreDep,
    refuse_unknown_parameters,
    saved_service,
    strength_index,
)
from kg.api.problems import problem_responses
from kg.jsonld import serialize_graph
from kg.paging import Paging, link_header
from kg.sparql.formats import CSV, HTML, JSONLD, TURTLE, negotiate
from kg.strengths.answers import (
    parse_region_code,
    parse_technology,
    region_strengths,
    strengths_as_graph,
    technology_ranking,
)
from kg.strengths.compute import technology_slug
from kg.web import templates
from kg.web.choropleth import EU27, render_choropleth

router = APIRouter(tags=["strengths"])

JSON = "application/json"
#: Media types of a region's strengths, least preferred first: plain JSON is the default (a
#: client sending no Accept or */* gets it), JSON-LD and Turtle give the strengths as linked data.
STRENGTH_TYPES = {TURTLE: TURTLE, JSONLD: JSONLD, JSON: JSON}
STRENGTH_FORMATS = {"json": JSON, "jsonld": JSONLD, "ttl": TURTLE}
RANKING_TYPES = {CSV: CSV, JSON: JSON}
_CACHE = AnswerCache()

RANKING_FORMATS = {"json": JSON, "csv": CSV}


@router.get(
    "/api/strengths",
    summary="A region's measured technology strengths, each with its evidence",
    response_class=Response,
    responses={
        200: {
            "description": (
                "The region's strengths, best first: score, stars, components and the "
                "observations each rests on. JSON by default; JSON-LD or Turtle give the "
                "strength resources as the graph holds them."
            ),
            "content": {JSON: {}, JSONLD: {}, TURTLE: {}},
        },
        **problem_responses(
            (400, "Unknown parameter or malformed technology."),
            (404, "No NUTS region has this code."),
            (406, "No acceptable media type."),
            (422, "Malformed NUTS code."),
        ),
    },
)
def strengths(
    request: Request,
    store: StoreDep,
    region: Annotated[
        str,
        Query(
            description="NUTS code of any version and level (a country, NUTS 1 or NUTS 2 "
            "region answers for itself, an older code for the region(s) it became, a NUTS 3 "
            "code for its NUTS 2 parent).",
            examples=["ITI3"],
        ),
    ],
    technology: Annotated[
        str | None,
        Query(
            description="Only this technology: ket:NAME or ati:NAME.", examples=["ket:photonics"]
        ),
    ] = None,
    format: Annotated[
        str | None, Query(description="json, jsonld or ttl (instead of Accept).")
    ] = None,
) -> Response:
    """Plain ``def``: the store work runs in the thread pool, never on the event loop. Answers
    carry an ``ETag`` (of the store state and the request) and are kept in memory; a client
    sending it back in ``If-None-Match`` gets ``304``."""
    refuse_unknown_parameters(request.query_params.keys(), {"region", "technology", "format"})
    media_type = negotiate(STRENGTH_TYPES, request.headers.get("accept"), format, STRENGTH_FORMATS)
    code = parse_region_code(region)
    wanted = parse_technology(technology) if technology else None
    tag = etag(saved_service(request).state, code, str(wanted), media_type, str(request.base_url))
    headers = {"Vary": "Accept", "ETag": tag}
    if not_modified(request.headers.get("if-none-match"), tag):
        return Response(status_code=304, headers=headers)
    cached = _CACHE.get(tag)
    if cached is not None:
        return Response(cached[0], media_type=cached[1], headers=headers)
    answer = region_strengths(store, code, wanted, index=strength_index(request))
    if media_type == JSON:
        body = json.dumps(answer.as_json(), ensure_ascii=False, indent=1).encode()
    else:
        graph = strengths_as_graph(store, answer)
        body = serialize_graph(graph, media_type, str(request.base_url))
    _CACHE.put(tag, body, media_type)
    return Response(body, media_type=media_type, headers=headers)


@router.get(
    "/api/technologies/{technology}/regions",
    summary="Regions ranked by their measured strength in one technology",
    response_class=Response,
    responses={
        200: {
            "description": "One page of the ranking, best first; `Link` and `X-Total-Count` "
            "headers for paging.",
            "content": {JSON: {}, CSV: {}},
        },
        **problem_responses(
            (400, "Unknown parameter or malformed technology."),
            (404, "Not a KET or ATI technology."),
            (406, "No acceptable media type."),
            (422, "A paging parameter out of range."),
        ),
    },
)
def technology_regions(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    technology: str,
    level: Annotated[
        int,
        Query(
            ge=0,
            le=2,
            description="NUTS level: 2 regions (default), 1 NUTS 1 regions or 0 countries.",
        ),
    ] = 2,
    page: Annotated[int, Query(ge=1, description="Page number, from 1.")] = 1,
    per_page: Annotated[int | None, Query(ge=1, description="Rows per page.")] = None,
    format: Annotated[str | None, Query(description="json or csv (instead of Accept).")] = None,
) -> Response:
    """The ranking of ``technology`` (``ket:photonics``, ``ati-robotics`` or a full IRI)."""
    refuse_unknown_parameters(request.query_params.keys(), {"level", "page", "per_page", "format"})
    media_type = negotiate(RANKING_TYPES, request.headers.get("accept"), format, RANKING_FORMATS)
    size = min(per_page or settings.page_size, settings.max_page_size)
    paging = Paging(page, size)
    ranking = technology_ranking(
        store, parse_technology(technology), level=level, offset=paging.offset, limit=size
    )

    def page_url(number: int) -> str:
        return str(request.url.include_query_params(page=number))

    headers = {
        "Link": link_header(paging.links(ranking.total), page_url),
        "X-Total-Count": str(ranking.total),
        "Vary": "Accept",
    }
    if media_type == CSV:
        return Response(
            _ranking_csv(ranking.as_json()), media_type=f"{CSV}; charset=utf-8", headers=headers
        )
    body = json.dumps(ranking.as_json(), ensure_ascii=False, indent=1)
    return Response(body, media_type=JSON, headers=headers)


def _ranking_csv(document: dict[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        ["rank", "region", "label", "score", "stars", "location_quotient", "components", "id"]
    )
    for row in document["regions"]:
        writer.writerow(
            [
                row["rank"],
                row["region"]["code"],
                row["region"]["label"],
                "" if row["score"] is None else row["score"],
                "" if row["stars"] is None else row["stars"],
                "" if row["location_quotient"] is None else row["location_quotient"],
                row["component_count"],
                row["strength"],
            ]
        )
    return buffer.getvalue()


@router.get(
    "/technologies/{technology}",
    summary="A technology's page: map of Europe and the ranked regions",
    response_class=HTMLResponse,
    responses={
        200: {"description": "The page.", "content": {HTML: {}}},
        **problem_responses((400, "Malformed technology."), (404, "Not a KET or ATI technology.")),
    },
)
def technology_page(request: Request, store: StoreDep, technology: str) -> Response:
    """The map (server-rendered SVG from the GISCO NUTS 2024 boundaries) and, with the same
    numbers, the ranked table: the map's text alternative."""
    refuse_unknown_parameters(request.query_params.keys(), set())
    concept = parse_technology(technology)
    ranking = technology_ranking(store, concept, level=2)
    scores = {row.region: float(row.score) for row in ranking.rows if row.score is not None}
    label = ranking.technology_label
    choropleth = render_choropleth(
        scores,
        title=f"Strength of EU regions in {label}",
        description=(
            f"Map of the EU's NUTS 2 regions coloured by their score in {label} (0 to 1); "
            "the table below the map gives the same numbers."
        ),
        value_label="score",
        links={code: f"/regions/{code}" for code in scores},
        countries=EU27,
        value_format=lambda value: f"{value:.3f}",
        id_prefix="technology-map",
    )
    return templates.TemplateResponse(
        request,
        "technology.html",
        {"ranking": ranking, "map": choropleth, "slug": technology_slug(concept)},
    )
