"""The OpenAPI document of a real ``kg serve`` describes every route of the app as it behaves.

Generic on purpose: each route of :func:`kg.api.app.create_app` is checked, so routes added later
are covered without touching this file. Only the static-files mount and FastAPI's own
documentation routes (``/docs``, ``/redoc``, ``/openapi.json``) are left out, by name.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import fastapi.routing
import httpx
import pytest
from fastapi import FastAPI
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from kg.api.app import create_app
from kg.api.problems import PROBLEM_JSON
from kg.api.routes.docs import DOCS_PATH, REDOC_PATH
from kg.config import Settings
from kg.errors import KGError

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


@pytest.fixture(scope="module")
def app() -> FastAPI:
    """The app as built for the server (routes only: nothing is opened until start-up)."""
    return create_app(Settings())


@pytest.fixture(scope="module")
def document(live_server: str) -> dict[str, Any]:
    response = httpx.get(f"{live_server}/openapi.json", timeout=30)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def documentation_paths(app: FastAPI) -> set[str]:
    """FastAPI's own documentation routes: not part of the API they document. ``/docs`` and
    ``/redoc`` are the app's own (with local files, see kg.api.routes.docs), FastAPI's are off."""
    paths = {app.openapi_url, app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url}
    paths |= {DOCS_PATH, REDOC_PATH}
    return {path for path in paths if path}


def effective_routes(app: FastAPI) -> list[Any]:
    """The app's routes with included routers expanded (FastAPI ≥ 0.150 includes them lazily)."""
    iterate = getattr(fastapi.routing, "iter_route_contexts", None)
    if iterate is None:  # older FastAPI copies included routes into app.routes
        return list(app.routes)
    return list(iterate(app.routes))


def route_methods(app: FastAPI) -> dict[str, set[str]]:
    """Path (as OpenAPI writes it) → the methods the app routes there."""
    methods: dict[str, set[str]] = {}
    for route in effective_routes(app):
        original = getattr(route, "original_route", route)
        if isinstance(original, Mount):
            assert isinstance(original.app, StaticFiles), (
                f"mount {original.path} is neither static files nor covered by this test"
            )
            continue
        path = getattr(route, "path_format", None)
        assert path, f"route {route!r} has no path"
        if path in documentation_paths(app):
            continue
        methods.setdefault(path, set()).update(m.lower() for m in getattr(route, "methods", ()))
    return methods


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


def error_statuses() -> set[int]:
    """Every error status the app answers: its KGError classes, validation (400) and Starlette's
    404/405 (see kg.api.problems)."""
    statuses = {400, 404, 405}
    pending: list[type[KGError]] = [KGError]
    while pending:
        cls = pending.pop()
        statuses.add(cls.status)
        pending.extend(cls.__subclasses__())
    return statuses


def media_type(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip()


@pytest.mark.slow
def test_every_route_is_documented_with_its_methods(app: FastAPI, document: dict[str, Any]) -> None:
    routed = route_methods(app)
    documented = {path: set(item) & HTTP_METHODS for path, item in document["paths"].items()}
    assert sorted(set(routed) - set(documented)) == [], "routes missing from the document"
    assert sorted(set(documented) - set(routed)) == [], "documented paths that are not routed"
    for path, methods in routed.items():
        if "head" not in documented[path]:
            methods.discard("head")  # Starlette answers HEAD for GET routes by itself
        assert methods == documented[path], path


@pytest.mark.slow
def test_documented_statuses_are_plausible(document: dict[str, Any]) -> None:
    errors = error_statuses()
    problems: list[str] = []
    for path, method, operation in operations(document):
        where = f"{method.upper()} {path}"
        responses: dict[str, Any] = operation["responses"]
        codes = [int(code) for code in responses if code != "default"]
        if not any(200 <= code < 400 for code in codes):
            problems.append(f"{where}: no success response")
        for code in codes:
            if not 200 <= code < 600:
                problems.append(f"{where}: status {code}")
            elif code >= 400 and code not in errors:
                problems.append(f"{where}: documents {code}, which the app never answers")
            elif code >= 400 and PROBLEM_JSON not in responses[str(code)].get("content", {}):
                # Errors are problem+json (a page for browsers may be offered besides).
                problems.append(f"{where}: {code} is not documented as problem+json")
        takes_input = operation.get("parameters") or operation.get("requestBody")
        if takes_input and not {"400", "422"} & set(responses):
            # Invalid parameters or bodies are answered with problem+json: 400, or 422 for a
            # saved query's typed parameters (a value that is well-formed but not of its type).
            problems.append(f"{where}: takes input but documents no 400 or 422")
        if "HTTPValidationError" in str(responses):
            problems.append(f"{where}: documents FastAPI's 422, the app answers 400 problem+json")
    assert not problems, "\n".join(problems)


def simple_gets(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """GET operations that need no path parameter and no required query parameter."""
    return [
        (path, operation)
        for path, method, operation in operations(document)
        if method == "get"
        and "{" not in path
        and not any(p.get("required") for p in operation.get("parameters", []))
    ]


def undocumented(where: str, response: httpx.Response, responses: dict[str, Any]) -> list[str]:
    """What about ``response`` its operation does not document: its status, or its media type
    under that status."""
    status = str(response.status_code)
    if status not in responses and "default" not in responses:
        return [f"{where}: answered {status}, which is not documented"]
    content = responses.get(status, responses.get("default", {})).get("content", {})
    if response.content and media_type(response) not in content:
        answered = media_type(response)
        return [f"{where}: answered {answered} with {status}; documented {list(content)}"]
    return []


@pytest.mark.slow
def test_simple_gets_answer_in_documented_media_types(
    live_server: str, document: dict[str, Any]
) -> None:
    gets = simple_gets(document)
    assert any(path == "/healthz" for path, _ in gets)
    problems: list[str] = []
    for path, operation in gets:
        responses = operation["responses"]
        response = httpx.get(f"{live_server}{path}", timeout=60)
        problems += undocumented(f"GET {path}", response, responses)
        if not response.is_success:
            continue
        # Each media type documented for success is really served when asked for.
        for status, answer in responses.items():
            if not status.startswith("2"):
                continue
            for wanted in answer.get("content", {}):
                asked = httpx.get(f"{live_server}{path}", headers={"Accept": wanted}, timeout=60)
                where = f"GET {path} (Accept: {wanted})"
                problems += undocumented(where, asked, responses)
                if asked.is_success and media_type(asked) != wanted:
                    problems.append(f"{where}: answered {media_type(asked)}")
    assert not problems, "\n".join(problems)


def references(node: object) -> Iterator[str]:
    """Every ``$ref`` in a JSON document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from references(value)
    elif isinstance(node, list):
        for item in node:
            yield from references(item)


@pytest.mark.slow
def test_every_reference_resolves(document: dict[str, Any]) -> None:
    refs = set(references(document))
    assert "#/components/schemas/Problem" in refs
    for ref in refs:
        assert ref.startswith("#/"), ref
        node: Any = document
        for part in ref[2:].split("/"):
            assert isinstance(node, dict) and part in node, f"{ref} does not resolve"
            node = node[part]
