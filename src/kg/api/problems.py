"""RFC 9457 problem details: every error the API returns, in one place."""

from __future__ import annotations

import http
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kg.errors import PROBLEM_BASE, KGError

PROBLEM_JSON = "application/problem+json"
#: Name of the problem-details schema in the OpenAPI document's components.
PROBLEM_SCHEMA_NAME = "Problem"
#: RFC 9457 problem details as a JSON Schema (extension members are allowed).
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details; `type` names the kind of error.",
    "type": "object",
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
    },
    "required": ["type", "title", "status"],
    "additionalProperties": True,
}
_PROBLEM_REF = {"$ref": f"#/components/schemas/{PROBLEM_SCHEMA_NAME}"}


def problem_responses(*statuses: int | tuple[int, str]) -> dict[int | str, dict[str, Any]]:
    """Entries for a route's ``responses=``: each status answered with problem+json.

    A status may come with its own description, as ``(status, description)``.

    >>> responses = problem_responses(400, (406, "No acceptable type."))
    >>> responses[406]["description"], list(responses[400]["content"])
    ('No acceptable type.', ['application/problem+json'])
    """
    entries: dict[int | str, dict[str, Any]] = {}
    for entry in statuses:
        status, description = entry if isinstance(entry, tuple) else (entry, "")
        entries[status] = {
            "description": description or http.HTTPStatus(status).phrase,
            "content": {PROBLEM_JSON: {"schema": dict(_PROBLEM_REF)}},
        }
    return entries


def install_problem_handlers(app: FastAPI) -> None:
    """Map :class:`KGError`, request-validation and HTTP errors to problem+json.

    Also makes the OpenAPI document say so (see :func:`_document_problems`).
    """
    _document_problems(app)

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


def _document_problems(app: FastAPI) -> None:
    """Describe errors in the OpenAPI document as they are answered.

    FastAPI documents a ``422`` with its own validation-error schema for every operation that
    has parameters, but :func:`install_problem_handlers` answers invalid requests with ``400``
    problem+json: the generated ``422`` is replaced by that ``400``, and the ``Problem`` schema
    that :func:`problem_responses` refers to is added.
    """
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = generate()  # FastAPI keeps it in app.openapi_schema; edited in place
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                if not isinstance(operation, dict):  # path-level "parameters", "summary", …
                    continue
                responses = operation.get("responses", {})
                generated = responses.get("422", {}).get("content", {}).get("application/json")
                if generated and "HTTPValidationError" in str(generated.get("schema")):
                    del responses["422"]
                    invalid = (400, "Invalid parameters or body (see `errors`).")
                    responses.setdefault("400", problem_responses(invalid)[400])
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        if "HTTPValidationError" not in str(schema.get("paths")):
            schemas.pop("HTTPValidationError", None)
            schemas.pop("ValidationError", None)
        schemas[PROBLEM_SCHEMA_NAME] = PROBLEM_SCHEMA
        return schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented extension point
