"""Benchmark the technology strengths: computing every strength on the bundled data, and a
region's answer from ``/api/strengths``, side by side with named baselines in one run. Writes
bench/results/<name>.{json,md} (default ``strengths``).

- **compute all** (in-process, on a copy of the store): read the inputs from the graph, compute
  every region × technology and write the triples (``read_inputs`` + ``compute_strengths`` +
  ``strengths_graph``); wall time and peak Python memory (tracemalloc) per run. Baseline: the
  same inputs read by one SPARQL query each and nothing else (the floor any implementation over
  the store pays).
- **rebuild** (in-process): ``rebuild_strengths`` — the above plus the atomic replacement of the
  named graph on disk and its provenance.
- **one region over HTTP**: ``GET /api/strengths?region=CODE`` against ``kg serve``, for the
  ClusterFY/ClusterPoliSEE regions: each region's first answer, then repeated answers (kept in
  memory by their ETag) and revalidations (304); median and p90 — from the server's in-memory
  strength index once it is read (and how long after start-up that is). Baselines: a server
  answering by queries (``KG_STRENGTH_INDEX=false``), and the same answer computed in-process by
  ``region_strengths`` by queries (no HTTP, no JSON), on the same store.

    .venv/bin/python bench/strengths.py --store var/store
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
import tracemalloc
from pathlib import Path
from typing import Any

import httpx
from machine import machine_facts

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from rdflib import URIRef  # noqa: E402 - after the path set-up, as a script

from kg.config import Settings  # noqa: E402
from kg.store.embedded import EmbeddedStore  # noqa: E402
from kg.strengths import rebuild_strengths  # noqa: E402
from kg.strengths.answers import region_strengths  # noqa: E402
from kg.strengths.compute import (  # noqa: E402
    _COUNTS,
    _EMPLOYMENT,
    compute_strengths,
    read_inputs,
    strengths_graph,
)

RESULTS = ROOT / "bench" / "results"
KG = str(Path(sys.executable).parent / "kg")
BASE = "https://w3id.org/clusterkg/id/"
#: The regions of the two projects (and their national levels), as a policy officer asks.
REGIONS = ("ITI3", "EL52", "RO31", "ES42", "SE31", "NL12", "SK02", "LT01", "PL21", "LT", "SK")


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))]


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bench_compute(store_path: Path, runs: int) -> dict[str, Any]:
    """Compute every strength ``runs`` times (no write), with the read-only baseline; one more
    run under tracemalloc for the peak memory (tracemalloc slows Python down, so it is not
    timed)."""
    seconds, baseline = [], []
    with EmbeddedStore(store_path, read_only=True) as store:

        def compute() -> tuple[int, int, int]:
            inputs = read_inputs(store, BASE)
            records = compute_strengths(inputs)
            triples = strengths_graph(records, BASE, inputs, URIRef(f"{BASE}graph/strengths#x"))
            return len(records), len({r.region for r in records}), len(triples)

        for _ in range(runs):
            start = time.perf_counter()
            for indicator in ("sbs-persons-employed", "i40-patent-count", "population-1-january"):
                query = _EMPLOYMENT if indicator == "sbs-persons-employed" else _COUNTS
                store.query(query.replace("?indicator ;", f"<{BASE}indicator/{indicator}> ;", 1))
            baseline.append(time.perf_counter() - start)
            start = time.perf_counter()
            strengths, regions, triples = compute()
            seconds.append(time.perf_counter() - start)
        tracemalloc.start()
        compute()
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    return {
        "strengths": strengths,
        "triples": triples,
        "regions": regions,
        "seconds": seconds,
        "median_s": statistics.median(seconds),
        "peak_python_mb": peak,
        "baseline_read_only_seconds": baseline,
        "baseline_median_s": statistics.median(baseline),
    }


def bench_rebuild(store_path: Path, work: Path, runs: int) -> dict[str, Any]:
    """``rebuild_strengths`` on a private copy (it writes)."""
    copy = work / "rebuild-store"
    shutil.copytree(store_path, copy)
    settings = Settings(store_path=copy, quarantine_dir=work / "quarantine")
    seconds = []
    with EmbeddedStore(copy) as store:
        for _ in range(runs):
            start = time.perf_counter()
            rebuild_strengths(store, settings, None)
            seconds.append(time.perf_counter() - start)
    return {"seconds": seconds, "median_s": statistics.median(seconds)}


def serve(
    copy: Path, index: bool, match_index: bool = False
) -> tuple[subprocess.Popen[bytes], str]:
    """``kg serve`` on ``copy`` with or without the in-memory indexes; its base URL once up."""
    port = free_port()
    env = {
        "KG_STORE_PATH": str(copy),
        "KG_STRENGTH_INDEX": "true" if index else "false",
        "KG_MATCH_INDEX": "true" if match_index else "false",
        "PATH": "/usr/bin:/bin",
    }
    server = subprocess.Popen(  # noqa: S603 - our own kg command, fixed arguments
        [KG, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.2)
    return server, base


def wait_for_index(base: str, name: str, timeout: float = 300) -> None:
    """Wait until the server's ``/healthz`` says the index ``name`` is ready."""
    deadline = time.monotonic() + timeout
    while httpx.get(f"{base}/healthz", timeout=10).json()[name] != "ready":
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name} was not ready within {timeout:.0f} s")
        time.sleep(0.1)


def timed_answers(
    base: str, path: str, regions: tuple[str, ...], repeat: int
) -> dict[str, list[float]]:
    """Each region's first answer from ``path``, then repeated answers and revalidations (ms)."""
    first, cached, revalidated = [], [], []
    with httpx.Client(timeout=60) as client:
        client.get(f"{base}{path}", params={"region": "DE11"})  # warm-up
        for code in regions:  # each region's first answer
            start = time.perf_counter()
            response = client.get(f"{base}{path}", params={"region": code})
            first.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.text
        for _ in range(repeat):
            for code in regions:
                start = time.perf_counter()
                response = client.get(f"{base}{path}", params={"region": code})
                cached.append((time.perf_counter() - start) * 1000)
                etag = response.headers["etag"]
                start = time.perf_counter()
                again = client.get(
                    f"{base}{path}", params={"region": code}, headers={"If-None-Match": etag}
                )
                revalidated.append((time.perf_counter() - start) * 1000)
                assert again.status_code == 304
    return {"first": first, "cached": cached, "revalidated": revalidated}


def bench_http(store_path: Path, work: Path, repeat: int) -> dict[str, Any]:
    """/api/strengths per region over HTTP: with the in-memory index (once ready) and, as the
    baseline, a server answering by queries (KG_STRENGTH_INDEX=false); and in-process."""
    copy = work / "http-store"
    shutil.copytree(store_path, copy)
    in_process = []
    with EmbeddedStore(copy, read_only=True) as store:
        for _ in range(repeat):
            for code in REGIONS:
                start = time.perf_counter()
                region_strengths(store, code)
                in_process.append((time.perf_counter() - start) * 1000)
    server, base = serve(copy, index=False)
    try:
        by_queries = timed_answers(base, "/api/strengths", REGIONS, repeat)
    finally:
        server.terminate()
        server.wait(timeout=30)
    started = time.monotonic()
    server, base = serve(copy, index=True)
    try:
        wait_for_index(base, "strength_index")
        ready_s = time.monotonic() - started
        indexed = timed_answers(base, "/api/strengths", REGIONS, repeat)
    finally:
        server.terminate()
        server.wait(timeout=30)

    def summary(values: list[float]) -> tuple[float, float]:
        return statistics.median(values), percentile(values, 0.9)

    out: dict[str, Any] = {
        "regions": list(REGIONS),
        "requests": sum(len(v) for v in (*indexed.values(), *by_queries.values())),
        "index_ready_after_start_s": ready_s,
    }
    for name, values in (
        ("first", indexed["first"]),
        ("cached", indexed["cached"]),
        ("revalidated", indexed["revalidated"]),
        ("baseline_queries_first", by_queries["first"]),
        ("baseline_in_process", in_process),
    ):
        out[f"{name}_median_ms"], out[f"{name}_p90_ms"] = summary(values)
    return out


def main() -> None:
    """Run the benchmark and write its results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="a store built by kg build")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--name", default="strengths")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-strengths-"))
    try:
        compute = bench_compute(args.store, args.runs)
        rebuild = bench_rebuild(args.store, work, args.runs)
        http = bench_http(args.store, work, args.repeat)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result = {
        "machine": machine_facts(["pyoxigraph", "rdflib", "fastapi", "uvicorn"]),
        "compute_all": compute,
        "rebuild": rebuild,
        "one_region": http,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.name}.json").write_text(json.dumps(result, indent=1) + "\n")
    m = result["machine"]
    lines = [
        f"Machine: {m['cpu_count']} CPUs ({m['cpu_model']}), {m['memory_gb']} GB RAM, Python "
        f"{m['python']}, pyoxigraph {m['packages']['pyoxigraph']}; {m['date'][:10]}.",
        "",
        "| measure | ClusterKG | baseline | goal |",
        "|---|--:|--:|--:|",
        f"| compute every strength ({compute['strengths']:,} strengths, {compute['regions']} "
        f"regions, {compute['triples']:,} triples), median of {args.runs} | "
        f"{compute['median_s']:.2f} s (peak {compute['peak_python_mb']:.0f} MB Python) | "
        f"{compute['baseline_median_s']:.2f} s (reading the inputs only) | < 10 s |",
        f"| `kg strengths --rebuild` (compute + replace the graph on disk), median | "
        f"{rebuild['median_s']:.2f} s | — | |",
        f"| `GET /api/strengths?region=…`, first answer per region ({len(http['regions'])} "
        f"regions) from the in-memory index, median / p90 | {http['first_median_ms']:.1f} / "
        f"{http['first_p90_ms']:.1f} ms | {http['baseline_queries_first_median_ms']:.1f} / "
        f"{http['baseline_queries_first_p90_ms']:.1f} ms (server answering by queries); "
        f"{http['baseline_in_process_median_ms']:.1f} / {http['baseline_in_process_p90_ms']:.1f}"
        " ms (in-process, by queries, no HTTP) | < 20 ms |",
        f"| the index ready after start-up (read in the background; answers by queries until "
        f"then) | {http['index_ready_after_start_s']:.1f} s | | |",
        f"| the same, repeated (answer kept by its ETag), median / p90 | "
        f"{http['cached_median_ms']:.1f} / {http['cached_p90_ms']:.1f} ms | | < 20 ms |",
        f"| the same with `If-None-Match` → 304, median / p90 | "
        f"{http['revalidated_median_ms']:.1f} / {http['revalidated_p90_ms']:.1f} ms | | |",
    ]
    (RESULTS / f"{args.name}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
