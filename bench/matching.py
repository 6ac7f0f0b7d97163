"""Benchmark explainable matching: computing every region's matches, gaps and peers on the
bundled data, and a region's answer from ``/api/match``, side by side with named baselines in one
run. Writes bench/results/<name>.{json,md} (default ``matching``).

- **compute all** (in-process): read the inputs from the graph, compute every region's needs,
  matches, gaps and peers and write the triples (``read_match_inputs`` + ``compute_all`` +
  ``matches_graph``); wall time and peak Python memory (tracemalloc). Baseline: reading the
  inputs only (the floor any implementation over the store pays).
- **rebuild** (in-process, on a copy): ``rebuild_matches`` — the above plus the atomic
  replacement of the named graph on disk with its provenance.
- **the match index** (in-process): ``MatchIndex.build`` — every stored match, gap and peer with
  the labels, categories and evidence their answers show, read into memory; wall time and the
  Python memory it keeps (tracemalloc).
- **one region over HTTP**: ``GET /api/match?region=CODE`` against ``kg serve`` for the
  ClusterFY/ClusterPoliSEE regions: each region's first answer from the in-memory index (once
  ``/healthz`` says ``match_index: ready``), then repeated answers (kept by their ETag); median,
  p90 and max. Baselines in the same run: a server answering by queries
  (``KG_MATCH_INDEX=false``), and the answer computed by queries in-process by
  ``region_results`` (no HTTP, no JSON).

    .venv/bin/python bench/matching.py --store var/store
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from machine import machine_facts
from strengths import percentile, serve, timed_answers, wait_for_index

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from rdflib import URIRef  # noqa: E402 - after the path set-up, as a script

from kg.config import Settings  # noqa: E402
from kg.matching import rebuild_matches  # noqa: E402
from kg.matching.answers import MatchIndex, region_results  # noqa: E402
from kg.matching.graph import matches_graph  # noqa: E402
from kg.matching.inputs import read_match_inputs  # noqa: E402
from kg.matching.model import compute_all  # noqa: E402
from kg.store.embedded import EmbeddedStore  # noqa: E402

RESULTS = ROOT / "bench" / "results"
BASE = "https://w3id.org/clusterkg/id/"
#: Marche and the ClusterFY partner regions (countries where the partner is national).
REGIONS = ("ITI3", "LT", "NL11", "SE31", "PL", "RO31", "ES42", "SK", "EL52")


def bench_compute(store_path: Path, runs: int) -> dict[str, Any]:
    """Compute everything ``runs`` times (no write), with the read-only baseline; one more run
    under tracemalloc for the peak memory (not timed: tracemalloc slows Python down)."""
    seconds, baseline = [], []
    with EmbeddedStore(store_path, read_only=True) as store:

        def compute() -> dict[str, int]:
            inputs = read_match_inputs(store, BASE)
            results = compute_all(inputs)
            triples = matches_graph(results, inputs, BASE, URIRef(f"{BASE}graph/matches#x"))
            return {
                "regions": len(results),
                "nuts2_regions": sum(1 for r in results if inputs.regions[r.region].level == 2),
                "matches": sum(len(r.matches) for r in results),
                "gaps": sum(len(r.gaps) for r in results),
                "peers": sum(len(r.peers) for r in results),
                "triples": len(triples),
            }

        for _ in range(runs):
            start = time.perf_counter()
            read_match_inputs(store, BASE)
            baseline.append(time.perf_counter() - start)
            start = time.perf_counter()
            counts = compute()
            seconds.append(time.perf_counter() - start)
        tracemalloc.start()
        compute()
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    return {
        **counts,
        "seconds": seconds,
        "median_s": statistics.median(seconds),
        "peak_python_mb": peak,
        "baseline_read_only_seconds": baseline,
        "baseline_median_s": statistics.median(baseline),
    }


def bench_rebuild(store_path: Path, work: Path) -> dict[str, Any]:
    """``rebuild_matches`` once on a private copy (it writes)."""
    copy = work / "rebuild-store"
    shutil.copytree(store_path, copy)
    settings = Settings(store_path=copy, quarantine_dir=work / "quarantine")
    with EmbeddedStore(copy) as store:
        start = time.perf_counter()
        report = rebuild_matches(store, settings, None)
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "triples": report.triples}


def bench_index(store_path: Path, runs: int) -> dict[str, Any]:
    """Read the match index ``runs`` times; once more under tracemalloc for what it keeps."""
    seconds = []
    with EmbeddedStore(store_path, read_only=True) as store:
        for _ in range(runs):
            start = time.perf_counter()
            index = MatchIndex.build(store, "bench")
            seconds.append(time.perf_counter() - start)
        del index
        tracemalloc.start()
        kept = MatchIndex.build(store, "bench")
        size, _ = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return {"median_s": statistics.median(seconds), "kept_mb": size / 1e6, "results": kept.size()}


def bench_http(store_path: Path, work: Path, repeat: int) -> dict[str, Any]:
    """/api/match per region over HTTP (first and repeated) with the index, by queries, and
    in-process by queries."""
    copy = work / "http-store"
    shutil.copytree(store_path, copy)
    in_process = []
    with EmbeddedStore(copy, read_only=True) as store:
        for _ in range(repeat):
            for code in REGIONS:
                start = time.perf_counter()
                region_results(store, code, "match")
                in_process.append((time.perf_counter() - start) * 1000)
    measured: dict[str, list[float]] = {}
    ready_after = 0.0
    for with_index in (True, False):
        server, base = serve(copy, index=False, match_index=with_index)
        try:
            if with_index:
                started = time.perf_counter()
                wait_for_index(base, "match_index")
                ready_after = time.perf_counter() - started
            timed = timed_answers(base, "/api/match", REGIONS, repeat)
        finally:
            server.terminate()
            server.wait(timeout=30)
        name = "" if with_index else "queries_"
        for what in ("first", "cached", "revalidated"):
            measured[f"{name}{what}"] = timed[what]
    measured["in_process"] = in_process
    out: dict[str, Any] = {"regions": list(REGIONS), "repeat": repeat, "ready_s": ready_after}
    for name, values in measured.items():
        out[f"{name}_median_ms"] = statistics.median(values)
        out[f"{name}_p90_ms"] = percentile(values, 0.9)
        out[f"{name}_max_ms"] = max(values)
    return out


def main() -> None:
    """Run the benchmark and write its results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="a store built by kg build")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--name", default="matching")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-matching-"))
    try:
        compute = bench_compute(args.store, args.runs)
        index = bench_index(args.store, args.runs)
        rebuild = bench_rebuild(args.store, work)
        http = bench_http(args.store, work, args.repeat)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result = {
        "machine": machine_facts(["pyoxigraph", "rdflib", "fastapi", "uvicorn"]),
        "compute_all": compute,
        "rebuild": rebuild,
        "index": index,
        "one_region": http,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.name}.json").write_text(json.dumps(result, indent=1) + "\n")
    m, c, h = result["machine"], compute, http
    lines = [
        f"Machine: {m['cpu_count']} CPUs ({m['cpu_model']}), {m['memory_gb']} GB RAM, Python "
        f"{m['python']}, pyoxigraph {m['packages']['pyoxigraph']}; {m['date'][:10]}.",
        "",
        "| measure | ClusterKG | baseline | goal |",
        "|---|--:|--:|--:|",
        f"| compute all matches, gaps and peers ({c['regions']} regions, {c['nuts2_regions']} of "
        f"them NUTS 2; {c['matches']:,} matches, {c['gaps']:,} gaps, {c['peers']:,} peers, "
        f"{c['triples']:,} triples), median of {args.runs} | {c['median_s']:.2f} s (peak "
        f"{c['peak_python_mb']:.0f} MB Python) | {c['baseline_median_s']:.2f} s (reading the "
        "inputs only) | < 30 s |",
        f"| `kg match --rebuild` (compute + replace the graph on disk), once | "
        f"{rebuild['seconds']:.1f} s | — | |",
        f"| read the match index ({index['results']:,} results with their labels and evidence), "
        f"median of {args.runs} | {index['median_s']:.2f} s ({index['kept_mb']:.0f} MB Python "
        f"kept; ready {h['ready_s']:.1f} s after a server's start) | — | |",
        f"| `GET /api/match?region=…`, first answer per region ({len(REGIONS)} regions) from "
        f"the index, median / p90 / max | {h['first_median_ms']:.1f} / {h['first_p90_ms']:.1f} / "
        f"{h['first_max_ms']:.1f} ms | {h['queries_first_median_ms']:.1f} / "
        f"{h['queries_first_p90_ms']:.1f} / {h['queries_first_max_ms']:.1f} ms (a server "
        f"answering by queries, `KG_MATCH_INDEX=false`); {h['in_process_median_ms']:.1f} / "
        f"{h['in_process_p90_ms']:.1f} / {h['in_process_max_ms']:.1f} ms (by queries "
        "in-process, no HTTP) | < 50 ms |",
        f"| the same, repeated (in memory by ETag), median / p90 | {h['cached_median_ms']:.1f} / "
        f"{h['cached_p90_ms']:.1f} ms | — | < 5 ms |",
    ]
    (RESULTS / f"{args.name}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
