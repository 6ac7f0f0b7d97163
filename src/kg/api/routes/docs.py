"""The interactive API documentation, ``/docs`` (Swagger UI) and ``/redoc`` (ReDoc), with every
file they load served by this app.

FastAPI's default pages load Swagger UI and ReDoc from a CDN, so on a machine without internet
``/docs`` is a blank page. The files come instead from the ``fastapi-offline`` package (Swagger
UI 5 and ReDoc 2 as published, MIT; Swagger UI itself is Apache-2.0), mounted under
:data:`ASSETS_PATH`; the pages are FastAPI's own, built with the documented
``get_swagger_ui_html`` / ``get_redoc_html`` and local URLs.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_PATH = "/docs"
REDOC_PATH = "/redoc"
#: Where the Swagger UI and ReDoc files are served.
ASSETS_PATH = "/docs/static"
#: The files the pages load, each shipped by fastapi-offline.
SWAGGER_JS, SWAGGER_CSS, REDOC_JS, FAVICON = (
    "swagger-ui-bundle.js",
    "swagger-ui.css",
    "redoc.standalone.js",
    "favicon.png",
)
#: Swagger UI parameters beside FastAPI's defaults: no validator badge, which Swagger UI would
#: fetch from validator.swagger.io for every page.
SWAGGER_PARAMETERS = {"validatorUrl": None}

router = APIRouter()


def assets_dir() -> Path:
    """The directory of the Swagger UI and ReDoc files, checked to hold each of them.

    A missing file fails the start with the reason, rather than a blank ``/docs`` later.
    """
    directory = Path(str(files("fastapi_offline") / "static"))
    missing = [
        name
        for name in (SWAGGER_JS, SWAGGER_CSS, REDOC_JS, FAVICON)
        if not (directory / name).is_file()
    ]
    if missing:
        raise RuntimeError(
            f"the fastapi-offline package lacks {', '.join(missing)} in {directory}; reinstall "
            "ClusterKG's dependencies (pip install -e .)"
        )
    return directory


def install_docs(app: FastAPI) -> None:
    """Serve the documentation pages and their files; the app must be made with
    ``docs_url=None, redoc_url=None`` so that FastAPI adds no CDN-backed pages of its own."""
    app.mount(ASSETS_PATH, StaticFiles(directory=assets_dir()), name="docs-static")
    app.include_router(router)


def _asset(request: Request, name: str) -> str:
    # root_path: behind a proxy that serves the app under a prefix, the files are there too.
    return f"{request.scope.get('root_path', '')}{ASSETS_PATH}/{name}"


@router.get(DOCS_PATH, include_in_schema=False)
def swagger_ui(request: Request) -> HTMLResponse:
    """Swagger UI over the OpenAPI document: every operation, with "Try it out"."""
    app: FastAPI = request.app
    return get_swagger_ui_html(
        openapi_url=f"{request.scope.get('root_path', '')}{app.openapi_url}",
        title=f"{app.title} - Swagger UI",
        swagger_js_url=_asset(request, SWAGGER_JS),
        swagger_css_url=_asset(request, SWAGGER_CSS),
        swagger_favicon_url=_asset(request, FAVICON),
        swagger_ui_parameters=SWAGGER_PARAMETERS,
    )


@router.get(REDOC_PATH, include_in_schema=False)
def redoc(request: Request) -> HTMLResponse:
    """ReDoc over the OpenAPI document (one long reference page), without Google Fonts."""
    app: FastAPI = request.app
    return get_redoc_html(
        openapi_url=f"{request.scope.get('root_path', '')}{app.openapi_url}",
        title=f"{app.title} - ReDoc",
        redoc_js_url=_asset(request, REDOC_JS),
        redoc_favicon_url=_asset(request, FAVICON),
        with_google_fonts=False,
    )
