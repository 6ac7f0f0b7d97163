"""A real ``kg serve`` (uvicorn on 127.0.0.1) over a copy of the built store.

``live_server`` is shared by the read-only tests of a session; tests that write or need other
settings start their own with :func:`start_server`.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.conftest import KG, kg_env


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


#: Seconds a test server may take to answer its first /healthz.
START_TIMEOUT = 180


@contextmanager
def start_server(store: Path, **settings: str) -> Iterator[str]:
    """Run ``kg serve`` on ``store`` with extra ``KG_*`` settings; yield its base URL."""
    port = free_port()
    # The server's log goes to a file: a pipe nobody reads fills up (64 KiB of access log lines)
    # and then blocks the server's event loop on its next log line.
    log = store.parent / f"kg-serve-{port}.log"
    log_file = log.open("wb")
    process = subprocess.Popen(
        [KG, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=kg_env(store, **settings),
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    # A deadline, not a measure of speed: the query workers copy the store into memory before
    # the first answer, which takes much longer on a loaded machine.
    deadline = time.monotonic() + START_TIMEOUT
    try:
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None:
                output = log.read_text(encoding="utf-8", errors="replace")
                pytest.fail(f"kg serve exited early:\n{output}")
            time.sleep(0.2)
        else:
            pytest.fail(f"kg serve did not answer within {START_TIMEOUT} s")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log_file.close()


@pytest.fixture(scope="session")
def live_server(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One server for the read-only tests of the session, on its own copy of the built store."""
    store = tmp_path_factory.mktemp("live") / "store"
    shutil.copytree(built_store, store)
    with start_server(store) as base:
        yield base
