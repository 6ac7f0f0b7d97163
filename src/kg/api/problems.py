"""RFC 9457 problem details: every error the API returns, in one place."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kg.errors import PROBLEM_BASE, KGError

PROBLEM_JSON = "application/problem+json"


def install_problem_handlers(app: FastAPI) -> None:
    """Map :class:`KGError`, request-validation and HTTP errors to problem+json."""

    @app.exception_handler(KGError)
    def kg_error(request: Request, exc: KGError) -> JSONResponse:
        return JSONResponse(
            exc.to_problem(instance=str(request.url.path)),
            status_code=exc.status,
            media_type=PROBLEM_JSON,
            headers=exc.headers or None,
        )

    @app.exception_handler(RequestValidationError)
    def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"location": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
            for e in exc.errors()
        ]
        detail = "; ".join(f"{e['location']}: {e['message']}" for e in errors)
        return JSONResponse(
            {
                "type": PROBLEM_BASE + "invalid-input",
                "title": "Invalid input",
                "status": 400,
                "detail": detail,
                "instance": str(request.url.path),
                "errors": errors,
            },
            status_code=400,
            media_type=PROBLEM_JSON,
        )

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        slug = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
        return JSONResponse(
            {
                "type": PROBLEM_BASE + slug,
                "title": str(exc.detail) if exc.status_code != 404 else "Not found",
                "status": exc.status_code,
                "detail": str(exc.detail),
                "instance": str(request.url.path),
            },
            status_code=exc.status_code,
            media_type=PROBLEM_JSON,
            headers=getattr(exc, "headers", None),
        )
