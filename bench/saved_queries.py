"""Benchmark the saved queries: each question's first answer, repeated answers and revalidation,
side by side with the same bound SPARQL sent to ``/sparql`` (the baseline: no catalogue, no
cache). Writes bench/results/<name>.{json,md} (default ``saved-queries``).

For every query in ``queries/`` with its example values, against one ``kg serve`` process:

- **/sparql (baseline)**: the bound query text (what the question page shows) POSTed to the
  SPARQL endpoint, which runs it every time; median of the repetitions;
- **first answer**: ``GET /queries/NAME?…`` the first time (validation, binding, running);
  one sample per server, since the answer is then cached;
- **repeated**: the same GET again (answered from the in-memory cache by its ETag); median;
- **304**: the same GET with ``If-None-Match`` (nothing runs, no body); median.

    .venv/bin/python bench/saved_queries.py --store var/store
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from machine import machine_facts

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from kg.queries import Catalogue  # noqa: E402 - after the path set-up, as a script
from kg.store.embedded import EmbeddedStore  # noqa: E402

RESULTS = ROOT / "bench" / "results"
KG = str(Path(sys.executable).parent / "kg")
JSON_RESULTS = "application/sparql-results+json"


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def timed(
    client: httpx.Client, method: str, url: str, **options: Any
) -> tuple[float, httpx.Response]:
    """Milliseconds one request took, and its response."""
    start = time.perf_counter()
    response = client.request(method, url, **options)
    return (time.perf_counter() - start) * 1000, response


def main() -> None:
    """Run the benchmark and write its results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="a store built by kg build")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--name", default="saved-queries")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-saved-"))
    store_copy = work / "store"
    shutil.copytree(args.store, store_copy)
    catalogue = Catalogue.load(ROOT / "queries")
    with EmbeddedStore(store_copy, read_only=True) as store:
        texts = {
            name: query.bind({p.name: p.example for p in query.parameters}, store)
            for name, query in catalogue.items()
        }

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {"KG_STORE_PATH": str(store_copy), "PATH": str(Path(sys.executable).parent)}
    command = [KG, "serve", "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)  # noqa: S603
    rows: list[dict[str, Any]] = []
    try:
        with httpx.Client(timeout=120) as client:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                try:
                    if client.get(f"{base}/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.3)
            for name, query in catalogue.items():
                params = {p.name: p.example for p in query.parameters}
                accept = "text/turtle" if query.form == "CONSTRUCT" else JSON_RESULTS
                headers = {"Accept": accept}
                url = f"{base}/queries/{name}"
                baseline = []
                for _ in range(args.repeat):
                    ms, answer = timed(
                        client,
                        "POST",
                        f"{base}/sparql",
                        data={"query": texts[name]},
                        headers=headers,
                    )
                    assert answer.status_code == 200, answer.text
                    baseline.append(ms)
                first_ms, first = timed(client, "GET", url, params=params, headers=headers)
                assert first.status_code == 200, first.text
                assert first.content == answer.content, name  # the same answer both ways
                etag = first.headers["etag"]
                repeated, revalidated = [], []
                for _ in range(args.repeat):
                    ms, again = timed(client, "GET", url, params=params, headers=headers)
                    assert again.headers["etag"] == etag
                    repeated.append(ms)
                    conditional = {**headers, "If-None-Match": etag}
                    ms, unchanged = timed(client, "GET", url, params=params, headers=conditional)
                    assert unchanged.status_code == 304
                    revalidated.append(ms)
                rows.append(
                    {
                        "query": name,
                        "bytes": len(first.content),
                        "sparql_ms": statistics.median(baseline),
                        "first_ms": first_ms,
                        "repeated_ms": statistics.median(repeated),
                        "not_modified_ms": statistics.median(revalidated),
                    }
                )
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)

    facts = machine_facts(["pyoxigraph", "fastapi", "uvicorn", "httpx"])
    RESULTS.mkdir(parents=True, exist_ok=True)
    document = {"machine": facts, "repeat": args.repeat, "rows": rows}
    (RESULTS / f"{args.name}.json").write_text(json.dumps(document, indent=1), encoding="utf-8")
    lines = [
        f"# Saved queries ({facts['date']})",
        "",
        f"{facts['cpu_count']} CPUs, Python {facts['python']}, pyoxigraph "
        f"{facts['packages']['pyoxigraph']}; medians of {args.repeat} (first answer: one sample). "
        "Example values of each query; `kg serve` with its defaults.",
        "",
        "| query | answer bytes | /sparql (baseline) | first answer | repeated (cached) | 304 |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    lines += [
        f"| {r['query']} | {r['bytes']:,} | {r['sparql_ms']:.1f} ms | {r['first_ms']:.1f} ms | "
        f"{r['repeated_ms']:.1f} ms | {r['not_modified_ms']:.1f} ms |"
        for r in rows
    ]
    totals = {k: sum(r[k] for r in rows) for k in ("sparql_ms", "first_ms", "repeated_ms")}
    totals["not_modified_ms"] = sum(r["not_modified_ms"] for r in rows)
    lines += [
        f"| **all {len(rows)}** | | **{totals['sparql_ms']:.0f} ms** | "
        f"**{totals['first_ms']:.0f} ms** | **{totals['repeated_ms']:.0f} ms** | "
        f"**{totals['not_modified_ms']:.0f} ms** |",
        "",
    ]
    (RESULTS / f"{args.name}.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
