"""The service's front door: the policy officer's tasks, search, and where each surface lives.

``/find-partners`` is the home page's first form: a form can only put the region in a query
string, so it redirects to the region page's matches (``/regions/ITI3#matches``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kg.api.deps import refuse_unknown_parameters, saved_service
from kg.api.problems import problem_responses
from kg.errors import KGError
from kg.home import COMPARE_PARAMETERS, COMPARE_QUERY, home_lists, partner_matches_href
from kg.queries import ParameterType
from kg.saved import SavedQueryService, wants_html
from kg.sparql.formats import HTML
from kg.web import templates
from kg.web.forms import Choices

router = APIRouter(tags=["home"])

FIND_PARTNERS_ERRORS = problem_responses(
    (400, "Unknown parameter."),
    (404, "No NUTS region has this code."),
    (422, "No region given, or not a NUTS code."),
)
# Browsers get these as a page with the form again.
for _status in (400, 404, 422):
    FIND_PARTNERS_ERRORS[_status]["content"][HTML] = {}


@router.get("/", response_class=HTMLResponse, summary="Home page: tasks, search, surfaces")
def home(request: Request) -> HTMLResponse:
    """Four tasks first (find partners, explore a technology, compare two regions, browse the
    questions), then the search box and the surfaces for programs."""
    service = saved_service(request)
    context = _task_context(request, service)
    response: HTMLResponse = templates.TemplateResponse(request, "home.html", context)
    return response


@router.get(
    "/find-partners",
    status_code=303,
    summary="Go to a region's partner matches (the home page's form)",
    response_class=Response,
    responses={
        303: {"description": "To the region page's matches: /regions/{code}#matches."},
        **FIND_PARTNERS_ERRORS,
    },
)
def find_partners(
    request: Request,
    region: Annotated[
        str | None,
        Query(description="NUTS code of the region, such as ITI3 (Marche).", examples=["ITI3"]),
    ] = None,
) -> Response:
    """Redirect to ``/regions/{code}#matches``; a browser sent a missing or unknown region gets
    the form again with the reason, a program gets a problem."""
    service = saved_service(request)
    try:
        refuse_unknown_parameters(request.query_params.keys(), {"region"})
        target = partner_matches_href(region, service.store)
    except KGError as exc:
        if not wants_html(request.headers.get("accept"), None):
            raise
        context = {**_task_context(request, service), "error": exc, "given": region or ""}
        return templates.TemplateResponse(
            request,
            "find_partners.html",
            context,
            status_code=exc.status,
            headers={"Vary": "Accept"},
        )
    return RedirectResponse(target, status_code=303)


def _task_context(request: Request, service: SavedQueryService) -> dict[str, object]:
    """What the task forms need: regions with S3 priorities, technologies with strengths, the
    region lists of the comparison, and the catalogue grouped once per question."""
    choices: Choices = request.app.state.choices
    choices.refresh_for(service.state)
    lists = home_lists(service.store, service.state)
    compare = service.catalogue.get(COMPARE_QUERY)
    takes_two_regions = compare is not None and all(
        (parameter := compare.parameter(name)) is not None
        and parameter.type is ParameterType.NUTS_CODE
        for name in COMPARE_PARAMETERS
    )
    return {
        "s3_regions": lists.s3_regions,
        "technologies": lists.technologies,
        "compare": compare if takes_two_regions else None,
        "compare_regions": choices.regions(),
        "groups": service.catalogue.by_primary_tag(),
        "question_count": len(service.catalogue),
    }
