"""The service's front door: search, the questions by tag, and where each surface lives."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from kg.api.deps import saved_service
from kg.web import templates

router = APIRouter(tags=["home"])


@router.get("/", response_class=HTMLResponse, summary="Home page: search, questions, surfaces")
def home(request: Request) -> HTMLResponse:
    """A search box, the saved questions grouped by tag, and links to every surface."""
    groups = saved_service(request).catalogue.by_tag()
    response: HTMLResponse = templates.TemplateResponse(request, "home.html", {"groups": groups})
    return response
