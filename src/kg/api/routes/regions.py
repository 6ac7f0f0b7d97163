"""Region pages for people: ``/regions/{code}`` (programs get the linked-data resource)."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse, Response

from kg.api.deps import match_index, refuse_unknown_parameters, saved_service, strength_index
from kg.api.problems import problem_responses
from kg.errors import NotFound
from kg.regions import RegionPage, region_page, region_summary
from kg.saved import wants_html
from kg.sparql.formats import HTML
from kg.web import templates
from kg.web.choropleth import EU27, ChoroplethMap, render_choropleth

router = APIRouter(tags=["regions"])

ERRORS = problem_responses((400, "Unknown parameter."), (404, "No such NUTS region."))
# Browsers get the 404 as a page with a search box.
ERRORS[404]["content"][HTML] = {}


@router.get(
    "/regions/{code}",
    summary="A region's page: S3 priorities, clusters, indicators, instruments and projects",
    response_class=Response,
    responses={
        200: {"description": "The region page.", "content": {HTML: {}}},
        303: {"description": "Non-browser clients: see the region's linked-data resource."},
        **ERRORS,
    },
)
def region(
    request: Request,
    code: str = Path(description="NUTS code of any level, such as ITI3.", examples=["ITI3"]),
) -> Response:
    """Browsers get the page; other clients are sent to ``/resource?iri=…`` (JSON-LD, Turtle)."""
    refuse_unknown_parameters(request.query_params.keys(), set())
    service = saved_service(request)
    if not wants_html(request.headers.get("accept"), None):
        summary = region_summary(service, code)
        target = "/resource?" + urlencode({"iri": summary.iri})
        return RedirectResponse(target, status_code=303, headers={"Vary": "Accept"})
    try:
        page = region_page(service, code, strength_index(request), match_index(request))
    except NotFound as exc:
        # A person who mistyped a code gets a page with the search box, not a JSON problem.
        return templates.TemplateResponse(
            request,
            "region_not_found.html",
            {"code": code, "detail": exc.detail},
            status_code=404,
            headers={"Vary": "Accept"},
        )
    response = templates.TemplateResponse(
        request, "region.html", {"page": page, "match_map": _match_map(page)}
    )
    response.headers["Vary"] = "Accept"
    return response


def _match_map(page: RegionPage) -> ChoroplethMap | None:
    """The partner regions shaded by their best match score (the matches' text alternative is
    the list beside it)."""
    if page.matching is None:
        return None
    scores = page.matching.partner_scores()
    if not scores:
        return None
    name = page.summary.name
    return render_choropleth(
        scores,
        title=f"Partner regions for {name}",
        description=(
            f"Map of the EU's NUTS 2 regions: the partner regions matched to {name}'s S3 "
            "priorities, coloured by their best match score (0 to 1); the list below gives the "
            "same numbers with the reasons."
        ),
        value_label="best match score",
        links={code: f"/regions/{code}#matches" for code in scores},
        countries=EU27,
        # Regions that are not partners are not missing data: plain background, not hatched.
        data_countries=(),
        value_format=lambda value: f"{value:.2f}",
        id_prefix="match-map",
    )
