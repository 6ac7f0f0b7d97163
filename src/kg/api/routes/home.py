"""The service's front door: where each surface lives, for people and for programs."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from kg.web import templates

router = APIRouter(tags=["home"])


@router.get("/", response_class=HTMLResponse, summary="Home page: the surfaces of the service")
def home(request: Request) -> HTMLResponse:
    """Links to the SPARQL editor, REST collections, ontology, dataset description and API docs."""
    response: HTMLResponse = templates.TemplateResponse(request, "home.html", {})
    return response
