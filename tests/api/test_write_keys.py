"""Named write keys on a live ``kg serve``: keys made and revoked with ``kg keys`` while the
server runs take effect at the next request, and ``/update`` declares and enforces them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.conftest import start_server
from tests.conftest import kg_env, run_kg

pytestmark = pytest.mark.slow

PROBLEM = "application/problem+json"
THING = "urn:test:write-keys"
ASK = {"query": f"ASK {{ <{THING}> skos:prefLabel ?label }}"}
#: Settings that make the server start quickly: no in-memory indexes, one worker reading disk.
QUICK = {
    "KG_STRENGTH_INDEX": "false",
    "KG_MATCH_INDEX": "false",
    "KG_QUERY_WORKERS": "1",
    "KG_QUERY_WORKERS_IN_MEMORY": "false",
}


def insert(label: str) -> dict[str, str]:
    """An update form adding one label to the test graph."""
    triple = f'<{THING}> skos:prefLabel "{label}"'
    return {"update": f"INSERT DATA {{ GRAPH <urn:test:graph> {{ {triple} }} }}"}


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def kg_keys(store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``kg keys …`` on ``store`` as the operator would, in its own process.

    Until ``kg`` registers the sub-app, the same commands run as ``python -m kg.cli_keys``.
    """
    from kg.cli import app

    env = kg_env(store)
    if any(group.name == "keys" for group in app.registered_groups):
        return run_kg("keys", *args, env=env)
    return subprocess.run(
        [sys.executable, "-m", "kg.cli_keys", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def create_key(store: Path, name: str) -> str:
    result = kg_keys(store, "create", name)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "will not be shown again" in result.stderr
    return result.stdout.strip()


def assert_problem(response: httpx.Response, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].endswith("/" + slug)
    return body


@pytest.fixture(scope="module")
def store(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("write-keys") / "store"
    shutil.copytree(built_store, target)
    return target


@pytest.fixture(scope="module")
def before_key(store: Path) -> str:
    """A key made by the CLI before the server starts."""
    assert not (store / "keys.json").exists()
    return create_key(store, "before")


@pytest.fixture(scope="module")
def server(store: Path, before_key: str) -> Iterator[str]:
    """A server on a store whose directory already holds the key ring."""
    with start_server(store, **QUICK) as base:
        yield base


def test_a_key_made_before_start_authorises_updates(
    server: str, store: Path, before_key: str
) -> None:
    # pyoxigraph opened the store with the ring in its directory and left the ring alone.
    assert "before" in (store / "keys.json").read_text(encoding="utf-8")
    applied = httpx.post(
        f"{server}/update", data=insert("A"), headers=bearer(before_key), timeout=60
    )
    assert applied.status_code == 204, applied.text
    seen = httpx.get(f"{server}/sparql", params=ASK, timeout=120)
    assert seen.json()["boolean"] is True


def test_no_or_malformed_header_is_401_with_a_challenge(server: str) -> None:
    for headers in ({}, {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Bearer"}):
        response = httpx.post(f"{server}/update", data=insert("x"), headers=headers)
        body = assert_problem(response, 401, "unauthorized")
        assert response.headers["www-authenticate"].startswith("Bearer"), headers
        assert "Authorization: Bearer" in body["detail"]


def test_unknown_key_is_403(server: str) -> None:
    response = httpx.post(f"{server}/update", data=insert("x"), headers=bearer("no-such-key"))
    body = assert_problem(response, 403, "key-refused")
    assert "not known" in body["detail"]


def test_keys_made_and_revoked_while_running_take_effect_without_restart(
    server: str, store: Path
) -> None:
    late = create_key(store, "late")
    applied = httpx.post(f"{server}/update", data=insert("late"), headers=bearer(late), timeout=60)
    assert applied.status_code == 204, applied.text

    revoked = kg_keys(store, "revoke", "late")
    assert revoked.returncode == 0, revoked.stderr
    refused = httpx.post(f"{server}/update", data=insert("late"), headers=bearer(late))
    body = assert_problem(refused, 403, "key-refused")
    assert "'late' was revoked" in body["detail"]

    listed = kg_keys(store, "list")
    assert listed.returncode == 0, listed.stderr
    assert {"before", "late"} <= set(listed.stdout.split())
    assert late not in listed.stdout

    unknown = kg_keys(store, "revoke", "late")
    assert unknown.returncode == 2
    assert "no active key named 'late'" in unknown.stderr


def test_openapi_declares_the_bearer_scheme_on_update(server: str) -> None:
    document = httpx.get(f"{server}/openapi.json", timeout=30).json()
    schemes = document["components"]["securitySchemes"]
    bearer_schemes = [
        name
        for name, scheme in schemes.items()
        if scheme.get("type") == "http" and scheme.get("scheme", "").lower() == "bearer"
    ]
    assert bearer_schemes, schemes
    update = document["paths"]["/update"]["post"]
    required = {name for requirement in update.get("security", []) for name in requirement}
    assert required & set(bearer_schemes)
    assert {"401", "403"} <= set(update["responses"])
    # Reading needs no key.
    assert "security" not in document["paths"]["/sparql"]["get"]


def test_updates_are_off_until_a_key_exists(
    built_store: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    store = tmp_path_factory.mktemp("no-keys") / "store"
    shutil.copytree(built_store, store)
    description = {"Accept": "application/n-triples"}
    with start_server(store, **QUICK) as base:
        off = httpx.post(f"{base}/update", data=insert("x"))
        body = assert_problem(off, 403, "forbidden")
        assert "kg keys create" in body["detail"] and "KG_UPDATE_KEY" in body["detail"]
        assert f"<{base}/update>" not in httpx.get(f"{base}/sparql", headers=description).text

        token = create_key(store, "first")
        assert f"<{base}/update>" in httpx.get(f"{base}/sparql", headers=description).text
        applied = httpx.post(f"{base}/update", data=insert("y"), headers=bearer(token), timeout=60)
        assert applied.status_code == 204, applied.text

        assert kg_keys(store, "revoke", "first").returncode == 0
        again_off = httpx.post(f"{base}/update", data=insert("z"), headers=bearer(token))
        assert_problem(again_off, 403, "forbidden")
