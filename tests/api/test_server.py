"""`kg serve` as a real uvicorn process on 127.0.0.1, probed with a real HTTP client."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import KG, kg_env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(built_store_copy: Path) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [KG, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=kg_env(built_store_copy),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{base}/healthz", timeout=1)
            break
        except httpx.TransportError:
            if process.poll() is not None:
                output = process.stdout.read().decode() if process.stdout else ""
                pytest.fail(f"kg serve exited early:\n{output}")
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("kg serve did not answer within 30 s")
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.mark.slow
def test_healthz_reports_the_graph_size(server: str) -> None:
    response = httpx.get(f"{server}/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["graphs"]["https://w3id.org/clusterkg/id/graph/nuts"] > 10_000
    assert body["quads"] == sum(body["graphs"].values())


@pytest.mark.slow
def test_unknown_path_is_a_problem_json_404(server: str) -> None:
    response = httpx.get(f"{server}/no/such/thing")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/not-found")
