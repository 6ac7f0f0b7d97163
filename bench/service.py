"""Benchmark ClusterKG's SPARQL endpoint against raw pyoxigraph, a minimal HTTP endpoint and
rdflib-endpoint on the same data; write bench/results/<name>.{json,md} (default ``service``).

Five kinds of query on the data of ``kg build`` (one-resource lookup, multi-join match, aggregate,
text filter, property path) run, one after the other, against:

- **pyoxigraph in-process**: ``Store.read_only`` in this process; the query with its results
  iterated, and the query with its results serialised to SPARQL JSON by pyoxigraph;
- **minimal HTTP**: a ~30-line Starlette app over the same read-only store, under uvicorn, that
  runs the query in a thread and answers pyoxigraph's JSON (what HTTP alone costs);
- **ClusterKG ``/sparql``**: ``kg serve`` as a real process (worker-process pool over a store
  snapshot, our serialisers, content negotiation);
- **rdflib-endpoint**: its CLI serving ``kg export --format nt`` (the union of all graphs, loaded
  into its default graph) with rdflib's in-memory store.

Every HTTP server gets one keep-alive ``httpx.Client``, form-encoded POSTs and
``Accept: application/sparql-results+json``. Each fast variant is timed back to back after
warm-up runs, in a few passes over the variants (order rotated); rdflib-endpoint runs last, with
few repetitions and a per-request time limit. Each query must give the same number of rows
everywhere (checked). Two more in-process variants split our time up:
``kg.store.worker.execute`` (our serialiser, no process hop) and ``SparqlService.query``
through a ``WorkerPoolRunner`` (with the hop, no HTTP).

    .venv/bin/python bench/service.py --store /path/to/a/built/store   # or without: builds one
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import multiprocessing
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
from machine import machine_facts as common_machine_facts

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
KG = str(BIN / "kg")
RDFLIB_ENDPOINT = str(BIN / "rdflib-endpoint")
JSON_RESULTS = "application/sparql-results+json"
HOST = "127.0.0.1"


def log(message: str) -> None:
    """Progress on stderr, with the time."""
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# The queries (full PREFIX declarations: rdflib-endpoint knows none of ours)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BenchQuery:
    """One benchmark query: a short key, its kind and the SPARQL text."""

    key: str
    kind: str
    title: str
    text: str


QUERIES = [
    BenchQuery(
        "lookup",
        "one-resource lookup",
        "every property of the NUTS region ITI3 (Marche)",
        """SELECT ?p ?o WHERE { <http://data.europa.eu/nuts/code/ITI3> ?p ?o }""",
    ),
    BenchQuery(
        "join",
        "multi-join match",
        "S3 priorities × their current region × indicator observations there (12 patterns)",
        """PREFIX ckg: <https://w3id.org/clusterkg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
PREFIX sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#>
SELECT ?priority ?priorityLabel ?region ?regionLabel ?indicatorLabel ?year ?value WHERE {
  ?priority a ckg:S3Priority ;
    skos:prefLabel ?priorityLabel ;
    ckg:currentRegion ?region .
  ?region skos:prefLabel ?regionLabel .
  ?obs a qb:Observation ;
    ckg:currentRegion ?region ;
    ckg:indicator ?indicator ;
    sdmx-dimension:refPeriod ?year ;
    sdmx-measure:obsValue ?value .
  ?indicator skos:prefLabel ?indicatorLabel .
}""",
    ),
    BenchQuery(
        "aggregate",
        "aggregate",
        "observations and mean value per indicator per country (GROUP BY, COUNT, AVG)",
        """PREFIX ckg: <https://w3id.org/clusterkg/ontology#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#>
SELECT ?indicator ?country (COUNT(?obs) AS ?observations) (AVG(?value) AS ?mean) WHERE {
  ?obs a qb:Observation ;
    ckg:indicator ?indicator ;
    ckg:currentRegion ?region ;
    sdmx-measure:obsValue ?value .
  ?region ckg:country ?country .
}
GROUP BY ?indicator ?country
ORDER BY ?indicator ?country""",
    ),
    BenchQuery(
        "text",
        "text filter",
        'rdfs:label / skos:prefLabel containing "automotive" (CONTAINS over LCASE)',
        """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?resource ?label WHERE {
  VALUES ?property { rdfs:label skos:prefLabel }
  ?resource ?property ?label .
  FILTER(CONTAINS(LCASE(STR(?label)), "automotive"))
}""",
    ),
    BenchQuery(
        "path",
        "property path",
        "NUTS 3 regions per country through skos:broader+ (path, then GROUP BY)",
        """PREFIX ckg: <https://w3id.org/clusterkg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?country (COUNT(DISTINCT ?region) AS ?regions) WHERE {
  ?region a ckg:Region ;
    ckg:nutsLevel 3 ;
    skos:broader+ ?country .
  ?country ckg:nutsLevel 0 .
}
GROUP BY ?country
ORDER BY ?country""",
    ),
]

#: Variants, in table order: key -> label.
VARIANTS = {
    "raw": "pyoxigraph in-process: query + iterate rows",
    "raw_json": "pyoxigraph in-process: query + pyoxigraph JSON",
    "execute": "kg.store.worker.execute in-process: query + our JSON writer",
    "service": "SparqlService.query via WorkerPoolRunner (process hop, no HTTP)",
    "minimal": "minimal HTTP: Starlette + pyoxigraph JSON under uvicorn",
    "ours": "ClusterKG /sparql (kg serve)",
    "rdflib": "rdflib-endpoint (rdflib in-memory store)",
}
FAST = ["raw", "raw_json", "execute", "service", "minimal", "ours"]
#: Where queries read the data: the on-disk store, or an in-memory copy (kg serve's default).
STORAGE = ("memory", "disk")
STORAGE_TEXT = {"memory": "an in-memory copy of the store", "disk": "the on-disk store"}

#: Goals of the issue: rdflib-endpoint ÷ ours at least this, per query.
SPEEDUP_GOALS = {"lookup": 4.0, "join": 20.0, "aggregate": 20.0}
#: Overhead goal: ours <= OVERHEAD_FACTOR × raw (query + JSON) + OVERHEAD_MS.
OVERHEAD_FACTOR, OVERHEAD_MS = 1.2, 1.0


# --------------------------------------------------------------------------------------------
# The minimal HTTP endpoint (run as `bench/service.py minimal-server --store S --port P`)
# --------------------------------------------------------------------------------------------


def minimal_app(store_path: Path, in_memory: bool) -> Any:
    """A bare SPARQL endpoint: Starlette, one pyoxigraph store, pyoxigraph's JSON.

    The store is the snapshot read-only on disk, or its copy in memory, as `kg serve`'s workers.
    """
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse, Response
    from starlette.routing import Route

    from kg.store.worker import open_snapshot

    store = open_snapshot(str(store_path), in_memory)

    def answer(query: str) -> bytes:
        result = store.query(query, use_default_graph_as_union=True)
        assert isinstance(result, ox.QuerySolutions | ox.QueryBoolean)
        return result.serialize(format=ox.QueryResultsFormat.JSON) or b""

    async def sparql(request: Request) -> Response:
        if request.method == "POST":
            query = str((await request.form())["query"])
        else:
            query = request.query_params["query"]
        return Response(await run_in_threadpool(answer, query), media_type=JSON_RESULTS)

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(
        routes=[Route("/sparql", sparql, methods=["GET", "POST"]), Route("/healthz", healthz)]
    )


def serve_minimal(argv: Sequence[str]) -> int:
    """Entry point of the minimal endpoint's process."""
    import uvicorn

    parser = argparse.ArgumentParser(prog="service.py minimal-server")
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--storage", choices=STORAGE, required=True)
    args = parser.parse_args(argv)
    app = minimal_app(args.store, args.storage == "memory")
    uvicorn.run(app, host=HOST, port=args.port, log_level="warning")
    return 0


# --------------------------------------------------------------------------------------------
# Server processes
# --------------------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A server started as a child process (own process group), polled until it answers."""

    name: str
    command: list[str]
    env: dict[str, str]
    log_path: Path
    ready_path: str
    query_path: str
    port: int
    ready_headers: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None
    startup_seconds: float | None = None

    @property
    def base_url(self) -> str:
        """Where it listens."""
        return f"http://{HOST}:{self.port}"

    def start(self, timeout: float) -> None:
        """Start the process and wait until ``ready_path`` answers 200."""
        log(f"starting {self.name}: {' '.join(self.command)}")
        started = time.perf_counter()
        with self.log_path.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our own commands
                self.command,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        with httpx.Client(base_url=self.base_url, timeout=5.0) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"{self.name} exited early:\n{self.log_tail()}")
                with contextlib.suppress(httpx.TransportError):
                    if client.get(self.ready_path, headers=self.ready_headers).status_code == 200:
                        self.startup_seconds = round(time.perf_counter() - started, 2)
                        log(f"{self.name} ready in {self.startup_seconds} s")
                        return
                time.sleep(0.25)
        raise RuntimeError(f"{self.name} not ready after {timeout:g} s:\n{self.log_tail()}")

    def stop(self) -> None:
        """Terminate the process (and its process group, e.g. query workers), then kill."""
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        # Whatever the server left in its own group (forkserver, query workers) goes too.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, 9)

    def log_tail(self, chars: int = 3000) -> str:
        """The end of the server's output."""
        with contextlib.suppress(OSError):
            return self.log_path.read_text(errors="replace")[-chars:]
        return ""


# --------------------------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------------------------


class RequestTimedOut(Exception):
    """A request ran past the client's time limit."""


def timed_post(client: httpx.Client, path: str, query: str) -> tuple[float, bytes]:
    """Seconds for one form-encoded POST, body read in full; and the body."""
    started = time.perf_counter()
    try:
        response = client.post(path, data={"query": query})
        body = response.content
    except httpx.TimeoutException as exc:
        raise RequestTimedOut(str(exc)) from exc
    seconds = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{client.base_url}{path}: HTTP {response.status_code}: {body[:500]!r}")
    return seconds, body


def json_rows(body: bytes) -> int:
    """Rows in a SPARQL JSON results document."""
    return len(json.loads(body)["results"]["bindings"])


def summarise(seconds: list[float]) -> dict[str, Any]:
    """Median, p90, min and max in ms, and every run."""
    ms = [s * 1000 for s in seconds]
    if not ms:
        return {"runs": 0}
    p90 = statistics.quantiles(ms, n=10, method="inclusive")[-1] if len(ms) > 1 else ms[0]
    return {
        "runs": len(ms),
        "median_ms": round(statistics.median(ms), 3),
        "p90_ms": round(p90, 3),
        "min_ms": round(min(ms), 3),
        "max_ms": round(max(ms), 3),
        "all_ms": [round(m, 3) for m in ms],
    }


Timer = Callable[[str], tuple[float, int, int]]
"""Runs one query once: (seconds, rows, bytes)."""


def in_process_timers(store: ox.Store, service: Any) -> dict[str, Timer]:
    """The in-process variants: raw pyoxigraph (two ways), our execute, our SparqlService."""
    from kg.namespaces import PREFIXES
    from kg.store.worker import QueryAnswer, QueryRequest, execute

    def raw(query: str) -> tuple[float, int, int]:
        started = time.perf_counter()
        rows = sum(1 for _ in store.query(query, use_default_graph_as_union=True))
        return time.perf_counter() - started, rows, 0

    def raw_json(query: str) -> tuple[float, int, int]:
        started = time.perf_counter()
        result = store.query(query, use_default_graph_as_union=True)
        assert isinstance(result, ox.QuerySolutions)
        body = result.serialize(format=ox.QueryResultsFormat.JSON) or b""
        return time.perf_counter() - started, -1, len(body)

    def ours_execute(query: str) -> tuple[float, int, int]:
        # The request SparqlService builds for a query without protocol dataset.
        request = QueryRequest(
            sparql=query,
            result_media_type=JSON_RESULTS,
            graph_media_type=None,
            max_results=service.settings.max_results,
            prefixes=dict(PREFIXES),
        )
        started = time.perf_counter()
        answer = execute(store, request)
        seconds = time.perf_counter() - started
        assert isinstance(answer, QueryAnswer), answer
        return seconds, answer.count, len(answer.body)

    def ours_service(query: str) -> tuple[float, int, int]:
        started = time.perf_counter()
        answer = service.query(query, accept=JSON_RESULTS)
        return time.perf_counter() - started, answer.count, len(answer.body)

    return {"raw": raw, "raw_json": raw_json, "execute": ours_execute, "service": ours_service}


def http_timer(client: httpx.Client, path: str) -> Timer:
    """A variant that posts the query to an HTTP endpoint."""

    def run(query: str) -> tuple[float, int, int]:
        seconds, body = timed_post(client, path, query)
        return seconds, -1, len(body)

    return run


def count_rows(
    timers: dict[str, Timer], clients: dict[str, tuple[httpx.Client, str]], query: str
) -> dict[str, int]:
    """Rows each variant answers (HTTP answers parsed once, outside any timing)."""
    rows: dict[str, int] = {}
    for key, timer in timers.items():
        if key in clients:
            client, path = clients[key]
            rows[key] = json_rows(timed_post(client, path, query)[1])
        elif key == "raw_json":
            rows[key] = rows.get("raw", -1)
        else:
            rows[key] = timer(query)[1]
    return rows


def bench_fast(
    query: BenchQuery,
    timers: dict[str, Timer],
    clients: dict[str, tuple[httpx.Client, str]],
    settings: argparse.Namespace,
    shift: int,
) -> dict[str, Any]:
    """Time every fast variant ``settings.runs`` times, in ``settings.passes`` passes.

    In each pass every variant (in an order rotated by ``shift`` and the pass) gets warm-up
    runs, then its share of the timed runs back to back. Back to back, as rdflib-endpoint is
    timed: on this VM a request that follows a few ms of idleness costs up to 2 ms more (CPU
    wake-up), which one-at-a-time interleaving would charge to every HTTP variant; the passes
    spread a burst of load from other processes over all variants.
    """
    rows = count_rows(timers, clients, query.text)
    samples: dict[str, list[float]] = {key: [] for key in timers}
    sizes: dict[str, int] = {}
    keys = list(timers)
    passes = max(1, min(settings.passes, settings.runs))
    for number in range(passes):
        count = settings.runs // passes + (1 if number < settings.runs % passes else 0)
        first = (shift + number) % len(keys)
        for key in keys[first:] + keys[:first]:
            timer = timers[key]
            for _ in range(settings.warmup if number == 0 else 1):
                timer(query.text)
            gc.collect()
            for _ in range(count):
                seconds, _rows, size = timer(query.text)
                samples[key].append(seconds)
                if size:
                    sizes[key] = size
    return {"rows": rows, "samples": samples, "bytes": sizes}


def bench_rdflib(
    server: Server, query: BenchQuery, runs: int, budget: float, timeout: float
) -> dict[str, Any]:
    """Time rdflib-endpoint: a warm-up, then up to ``runs`` runs while under ``budget`` seconds.

    A warm-up longer than the budget is kept as the only sample. A request past ``timeout`` is
    recorded as a lower bound, and the server is restarted (it would keep computing).
    """
    out: dict[str, Any] = {"timed_out": False, "warmup_used_as_sample": False}
    samples: list[float] = []
    limits = httpx.Timeout(timeout, connect=10.0)
    try:
        with httpx.Client(
            base_url=server.base_url, timeout=limits, headers={"Accept": JSON_RESULTS}
        ) as client:
            seconds, body = timed_post(client, server.query_path, query.text)
            out["rows"] = json_rows(body)
            out["bytes"] = len(body)
            out["warmup_ms"] = round(seconds * 1000, 3)
            if seconds > budget:
                out["warmup_used_as_sample"] = True
                samples.append(seconds)
            else:
                spent = 0.0
                while len(samples) < runs and spent < budget:
                    seconds, _body = timed_post(client, server.query_path, query.text)
                    samples.append(seconds)
                    spent += seconds
    except RequestTimedOut:
        out["timed_out"] = True
        log(f"   rdflib-endpoint: {query.key} past {timeout:g} s; restarting it")
        server.stop()
        server.start(timeout=600)
    out.update(summarise(samples))
    return out


def _echo_answers(connection: Connection) -> None:
    """Child process: answer each requested size with a QueryAnswer of that many bytes."""
    from kg.store.worker import QueryAnswer

    body = b""
    while (size := connection.recv()) is not None:
        if len(body) != size:
            body = b"x" * size
        connection.send(QueryAnswer(JSON_RESULTS, body, 0))


class PipeProbe:
    """A child process (forkserver, as the query workers) that answers QueryAnswers of a size."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("forkserver")
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_echo_answers, args=(child,), daemon=True)
        self.process.start()
        child.close()

    def round_trip(self, size: int) -> float:
        """Seconds to ask for and receive an answer of ``size`` bytes."""
        started = time.perf_counter()
        self.connection.send(size)
        self.connection.recv()
        return time.perf_counter() - started

    def close(self) -> None:
        """Stop the child."""
        with contextlib.suppress(OSError):
            self.connection.send(None)
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
        self.connection.close()


def component_timings(
    store: ox.Store, query: BenchQuery, pipe: PipeProbe, runs: int, warmup: int
) -> dict[str, Any]:
    """Two of our steps timed on their own: the JSON writer and the answer's trip over a pipe."""
    from kg.store.worker import _json_rows  # the writer the workers use for SPARQL JSON

    result = store.query(query.text, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    variables = [variable.value for variable in result.variables]
    rows = list(result)
    size = len(_json_rows(variables, rows))
    writer: list[float] = []
    transfer: list[float] = []
    for number in range(warmup + runs):
        started = time.perf_counter()
        _json_rows(variables, rows)
        seconds = time.perf_counter() - started
        trip = pipe.round_trip(size)
        if number >= warmup:
            writer.append(seconds)
            transfer.append(trip)
    return {"our_json_writer": summarise(writer), "answer_through_pipe": summarise(transfer)}


# --------------------------------------------------------------------------------------------
# Data: the store, its copies and the export for rdflib-endpoint
# --------------------------------------------------------------------------------------------


def kg_env(store: Path, tmp: Path) -> dict[str, str]:
    """The environment of a `kg` child: no KG_* from the caller, our store and quarantine."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    env.update(KG_STORE_PATH=str(store), KG_QUARANTINE_DIR=str(tmp / "quarantine"), COLUMNS="200")
    return env


def prepare_data(store_arg: Path | None, tmp: Path) -> tuple[Path, dict[str, Any]]:
    """The source store (a copy of ``--store`` or a fresh ``kg build``) and its N-Triples export."""
    source = tmp / "source" / "store"
    source.parent.mkdir(parents=True)
    facts: dict[str, Any] = {}
    if store_arg is not None:
        log(f"copying {store_arg} to {source}")
        shutil.copytree(store_arg, source)
        # Only that a given store was copied: results must not carry paths of this machine.
        facts["store"] = "copy of a store built by kg build (--store)"
    else:
        log("kg build into a temp store (no --store given)")
        started = time.perf_counter()
        subprocess.run(  # noqa: S603 - our own command
            [KG, "build"], env=kg_env(source, tmp), check=True, stdout=subprocess.DEVNULL
        )
        facts["store"] = "fresh kg build"
        facts["build_seconds"] = round(time.perf_counter() - started, 1)
    export = tmp / "union.nt"
    subprocess.run(  # noqa: S603 - our own command
        [KG, "export", "--format", "nt", "--output", str(export)],
        env=kg_env(source, tmp),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    store = ox.Store.read_only(str(source))
    graphs = {str(g.value) for g in store.named_graphs()}
    quads = len(store)
    distinct = store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } } }"
    )
    assert isinstance(distinct, ox.QuerySolutions)
    del store
    with export.open("rb") as lines:
        exported = sum(1 for _ in lines)
    facts.update(
        quads=quads,
        named_graphs=len(graphs),
        distinct_triples=int(next(distinct)["n"].value),
        export_triples=exported,
        export_bytes=export.stat().st_size,
    )
    if exported != facts["distinct_triples"]:
        raise RuntimeError(f"the export has {exported} triples; the union {facts}")
    return source, facts


def copy_store(source: Path, target: Path) -> Path:
    """A private copy of the store (each writer-opened store needs its own directory)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, target)
    return target


# --------------------------------------------------------------------------------------------
# Machine facts
# --------------------------------------------------------------------------------------------


def machine_facts() -> dict[str, Any]:
    """CPU, memory, Python, package versions, date, load average and the code's commit."""
    packages = (
        "clusterkg",
        "pyoxigraph",
        "rdflib",
        "rdflib-endpoint",
        "fastapi",
        "starlette",
        "uvicorn",
        "httpx",
    )
    return {
        **common_machine_facts(packages),
        "loadavg_start": load_average(),
        "git": git_facts(),
    }


def git_facts() -> dict[str, Any]:
    """The commit measured, and which files under src/ differ from it (the code measured)."""

    def git(*args: str) -> str:
        completed = subprocess.run(  # noqa: S603 - fixed git commands
            ["git", *args],  # noqa: S607 - git from PATH
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        return completed.stdout.rstrip("\n")

    changed = [line[3:] for line in git("status", "--porcelain", "--", "src").splitlines()]
    return {"commit": git("rev-parse", "--short", "HEAD").strip() or None, "src_changed": changed}


def load_average() -> list[float]:
    """1, 5 and 15-minute load averages (what `uptime` shows)."""
    return [round(x, 2) for x in os.getloadavg()]


# --------------------------------------------------------------------------------------------
# Ratios, goals and the report
# --------------------------------------------------------------------------------------------


def derive(entry: dict[str, Any]) -> None:
    """Ratios and differences of medians, and the where-the-time-goes split, into ``entry``."""
    median = {k: v["median_ms"] for k, v in entry["variants"].items() if v.get("runs")}
    rdflib = entry["variants"].get("rdflib", {})
    ours = median["ours"]
    ratios: dict[str, Any] = {
        "ours_over_raw_json": round(ours / median["raw_json"], 2),
        "ours_minus_raw_json_ms": round(ours - median["raw_json"], 3),
        "ours_minus_minimal_ms": round(ours - median["minimal"], 3),
        "minimal_minus_raw_json_ms": round(median["minimal"] - median["raw_json"], 3),
        "overhead_budget_ms": round(OVERHEAD_FACTOR * median["raw_json"] + OVERHEAD_MS, 3),
    }
    if rdflib.get("runs"):
        ratios["rdflib_over_ours"] = round(rdflib["median_ms"] / ours, 1)
        ratios["rdflib_over_ours_is_lower_bound"] = False
    elif rdflib.get("timed_out"):
        ratios["rdflib_over_ours"] = round(rdflib["timeout_s"] * 1000 / ours, 1)
        ratios["rdflib_over_ours_is_lower_bound"] = True
    entry["ratios"] = ratios
    # Differences of medians, except the two steps timed on their own ("direct").
    components = entry.get("components", {})
    entry["split_ms"] = {
        "engine: query + iterate (raw)": median["raw"],
        "pyoxigraph's JSON writer (raw+JSON − raw)": round(median["raw_json"] - median["raw"], 3),
        "our JSON writer, rows to bytes (direct)": components.get("our_json_writer", {}).get(
            "median_ms"
        ),
        "the answer over a process pipe (direct)": components.get("answer_through_pipe", {}).get(
            "median_ms"
        ),
        "worker-process hop in all (service − execute)": round(
            median["service"] - median["execute"], 3
        ),
        "our HTTP layer: FastAPI, thread pool, uvicorn, client (ours − service)": round(
            ours - median["service"], 3
        ),
        "bare HTTP layer: Starlette, thread pool, uvicorn, client (minimal − raw+JSON)": ratios[
            "minimal_minus_raw_json_ms"
        ],
    }


def goal_checks(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pass/fail against the issue's goals, per query, with the minimal endpoint for scale."""
    checks = []
    for entry in entries:
        ratios, key = entry["ratios"], entry["key"]
        ours = entry["variants"]["ours"]["median_ms"]
        minimal = entry["variants"]["minimal"]["median_ms"]
        if key in SPEEDUP_GOALS and "rdflib_over_ours" in ratios:
            target = SPEEDUP_GOALS[key]
            bound = ">" if ratios["rdflib_over_ours_is_lower_bound"] else ""
            reach = ratios["rdflib_over_ours"] * ours / minimal
            checks.append(
                {
                    "query": key,
                    "goal": f"rdflib-endpoint ÷ ours ≥ {target:g}×",
                    "actual": f"{bound}{ratios['rdflib_over_ours']:,.1f}× (the minimal HTTP "
                    f"endpoint: {bound}{reach:,.1f}×)",
                    "pass": ratios["rdflib_over_ours"] >= target,
                }
            )
        budget = ratios["overhead_budget_ms"]
        checks.append(
            {
                "query": key,
                "goal": f"ours ≤ {OVERHEAD_FACTOR:g} × pyoxigraph (query + JSON) + "
                f"{OVERHEAD_MS:g} ms = {budget:.2f} ms",
                "actual": f"{ours:.2f} ms ({ratios['ours_over_raw_json']:.2f}× raw, "
                f"{ratios['ours_minus_raw_json_ms']:+.2f} ms; the minimal HTTP endpoint: "
                f"{minimal:.2f} ms, {'within' if minimal <= budget else 'over'} budget)",
                "pass": ours <= budget,
            }
        )
    return checks


def ms(value: float | None) -> str:
    """Milliseconds, with sensible precision."""
    if value is None:
        return "-"
    if value < 10:
        return f"{value:.2f}"
    if value < 100:
        return f"{value:.1f}"
    return f"{value:,.0f}"


def cell(variant: dict[str, Any]) -> str:
    """``median (p90)`` or a timeout mark."""
    if variant.get("timed_out") and not variant.get("runs"):
        return f"> {variant['timeout_s']:g} s (timeout)"
    if not variant.get("runs"):
        return "-"
    if variant["runs"] == 1:
        return f"{ms(variant['median_ms'])} (1 run)"
    return f"{ms(variant['median_ms'])} ({ms(variant['p90_ms'])})"


def markdown(result: dict[str, Any]) -> str:
    """The results as Markdown tables."""
    m, data, settings = result["machine"], result["data"], result["settings"]
    pkgs = m["packages"]
    lines = [
        f"Machine: {m['cpu_count']} CPUs ({m.get('cpu_model') or 'unknown CPU'}), "
        f"{m.get('memory_gb')} GB RAM, Python {m['python']}, pyoxigraph {pkgs['pyoxigraph']}, "
        f"rdflib {pkgs['rdflib']}, rdflib-endpoint {pkgs['rdflib-endpoint']}, fastapi "
        f"{pkgs['fastapi']}, starlette {pkgs['starlette']}, uvicorn {pkgs['uvicorn']}, httpx "
        f"{pkgs['httpx']}; {m['date'][:10]}. Load average (1/5/15 min) at start "
        f"{'/'.join(map(str, m['loadavg_start']))}, after the fast variants "
        f"{'/'.join(map(str, result['loadavg_after_fast']))}, at the end "
        f"{'/'.join(map(str, result['loadavg_end']))}.",
        "",
        "Storage: every pyoxigraph variant (in-process, minimal HTTP, kg serve's workers) reads "
        + STORAGE_TEXT[result["settings"]["storage"]]
        + " (`--storage`).",
        "",
        f"Code: commit {m.get('git', {}).get('commit')}"
        + (
            f", with uncommitted changes in {', '.join(m['git']['src_changed'])}"
            if m.get("git", {}).get("src_changed")
            else ""
        )
        + ".",
        "",
        f"Data: {data['store']} ({data['quads']:,} quads in {data['named_graphs']} named graphs; "
        f"{data['distinct_triples']:,} distinct triples). pyoxigraph, the minimal endpoint and "
        "ClusterKG query the union default graph of the named graphs. rdflib-endpoint serves "
        f"`kg export --format nt` (the same union, {data['export_triples']:,} triples, "
        f"{data['export_bytes'] / 1e6:.1f} MB), all loaded into one default graph "
        "(`Dataset(default_union=True)`, rdflib's in-memory store; it reports "
        f"{data['rdflib_loaded_triples'] or 0:,} triples loaded).",
        "",
        f"Method: one run, all servers side by side on 127.0.0.1. One keep-alive httpx client "
        f"per server, form-encoded POST, `Accept: {JSON_RESULTS}`; every HTTP time is the full "
        f"round trip with the body read. Fast variants: {settings['runs']} timed runs each, in "
        f"{settings['passes']} passes over the variants (order rotated); in each pass a variant "
        f"gets warm-up runs ({settings['warmup']} in the first, then 1) and its share of the "
        "runs back to back (on this VM a request after a few ms of idleness costs up to 2 ms "
        "more, which one-at-a-time interleaving would charge to every HTTP variant). "
        f"rdflib-endpoint last: 1 warm-up, then up to {settings['rdflib_runs']} runs while the "
        f"query's runs stay under {settings['rdflib_budget']:g} s (a warm-up longer than that "
        f"is the only sample), {settings['rdflib_timeout']:g} s per-request limit. Cells: "
        "median ms (p90 ms).",
        "",
        "| query | rows | pyoxigraph: query + iterate | pyoxigraph: query + JSON | minimal HTTP "
        "| **ClusterKG /sparql** | rdflib-endpoint | rdflib ÷ ours | ours ÷ pyoxigraph+JSON "
        "| ours − minimal HTTP |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for entry in result["queries"]:
        v, r = entry["variants"], entry["ratios"]
        speedup = "-"
        if "rdflib_over_ours" in r:
            bound = "> " if r["rdflib_over_ours_is_lower_bound"] else ""
            speedup = f"{bound}{r['rdflib_over_ours']:,.1f}×"
        lines.append(
            f"| {entry['kind']} | {entry['rows']:,} | {cell(v['raw'])} | {cell(v['raw_json'])} "
            f"| {cell(v['minimal'])} | **{cell(v['ours'])}** | {cell(v['rdflib'])} | {speedup} "
            f"| {r['ours_over_raw_json']:.2f}× | {r['ours_minus_minimal_ms']:+.2f} ms |"
        )
    lines += ["", "Goals:", ""]
    for check in result["goals"]:
        mark = "pass" if check["pass"] else "FAIL"
        lines.append(f"- **{mark}**: {check['query']}: {check['goal']}: {check['actual']}")
    lines += [
        "",
        "Where ClusterKG's time goes (ms). Two steps are timed on their own (direct, "
        "medians): `kg.store.worker._json_rows` on rows already fetched, and a `QueryAnswer` "
        "of the response's size sent back over a multiprocessing pipe from a forkserver child. "
        "The other columns are differences of the medians above: they are noisy for the heavy "
        "queries, whose engine time moves by 10-20 % from one block of runs to the next on "
        "this shared 2-core VM.",
        "",
        "| query | engine: query + iterate | pyoxigraph's JSON writer (diff.) | our JSON writer "
        "(direct) | answer over a process pipe (direct) | worker hop in all: service − "
        "execute | our HTTP layer: ours − service | bare HTTP layer: minimal − pyoxigraph+JSON "
        "| response bytes |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for entry in result["queries"]:
        split = list(entry["split_ms"].values())
        lines.append(
            f"| {entry['kind']} | "
            + " | ".join(
                "-" if x is None else f"{x:+.2f}" if i else f"{x:.2f}" for i, x in enumerate(split)
            )
            + f" | {entry['bytes'].get('ours', 0):,} |"
        )
    lines += ["", "Queries (rows are the same on every server; checked):", ""]
    for entry in result["queries"]:
        lines.append(f"- **{entry['kind']}** (`{entry['key']}`): {entry['title']}.")
    lines += ["", f"Total bench time: {result['total_seconds'] / 60:.1f} min.", ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--store",
        type=Path,
        default=None,
        help="a built store to copy (never opened itself); default: kg build into a temp dir",
    )
    parser.add_argument("--name", default="service", help="results name (default service)")
    parser.add_argument(
        "--storage",
        choices=STORAGE,
        default="memory",
        help="where pyoxigraph, the minimal endpoint and kg serve's workers read the data: an "
        "in-memory copy (default, as kg serve) or the on-disk store",
    )
    parser.add_argument("--runs", type=int, default=20, help="timed runs per fast variant")
    parser.add_argument("--warmup", type=int, default=3, help="warm-up runs per fast variant")
    parser.add_argument(
        "--passes",
        type=int,
        default=4,
        help="split the timed runs into this many passes over the variants (1 warm-up each)",
    )
    parser.add_argument("--rdflib-runs", type=int, default=3, help="most rdflib-endpoint runs")
    parser.add_argument(
        "--rdflib-budget",
        type=float,
        default=60.0,
        help="stop repeating an rdflib-endpoint query once its runs took this many seconds",
    )
    parser.add_argument(
        "--rdflib-timeout", type=float, default=300.0, help="rdflib-endpoint request time limit"
    )
    parser.add_argument(
        "--queries",
        nargs="*",
        default=None,
        choices=[q.key for q in QUERIES],
        help="run only these queries (default all)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp directory")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and write the results."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["minimal-server"]:
        return serve_minimal(argv[1:])
    args = parse_args(argv)
    from kg.config import Settings
    from kg.sparql import SparqlService
    from kg.store import EmbeddedStore
    from kg.store.worker import open_snapshot

    started = time.perf_counter()
    queries = [q for q in QUERIES if args.queries is None or q.key in args.queries]
    result: dict[str, Any] = {"name": args.name, "machine": machine_facts()}
    result["settings"] = {
        k: ("given" if v is not None else None) if k == "store" else v
        for k, v in vars(args).items()
    }
    tmp = Path(tempfile.mkdtemp(prefix="kg-bench-service-"))
    servers: dict[str, Server] = {}
    clients: list[httpx.Client] = []
    service_store: EmbeddedStore | None = None
    runner = None
    pipe: PipeProbe | None = None
    exit_code = 0
    try:
        source, result["data"] = prepare_data(args.store, tmp)
        ours_store = copy_store(source, tmp / "ours" / "store")
        service_path = copy_store(source, tmp / "service" / "store")
        export = tmp / "union.nt"

        servers["ours"] = Server(
            "ClusterKG (kg serve)",
            [KG, "serve", "--host", HOST, "--port", str(port := free_port())],
            {
                **kg_env(ours_store, tmp),
                "KG_QUERY_WORKERS_IN_MEMORY": str(args.storage == "memory").lower(),
            },
            tmp / "ours.log",
            "/healthz",
            "/sparql",
            port,
        )
        servers["minimal"] = Server(
            "minimal HTTP endpoint",
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "minimal-server",
                *("--store", str(source), "--port", str(port := free_port())),
                *("--storage", args.storage),
            ],
            dict(os.environ),
            tmp / "minimal.log",
            "/healthz",
            "/sparql",
            port,
        )
        servers["rdflib"] = Server(
            "rdflib-endpoint",
            [
                RDFLIB_ENDPOINT,
                "serve",
                str(export),
                "--host",
                HOST,
                "--port",
                str(port := free_port()),
            ],
            dict(os.environ),
            tmp / "rdflib.log",
            "/",
            "/",
            port,
            ready_headers={"Accept": "text/turtle"},
        )
        for server in servers.values():
            server.start(timeout=max(600.0, args.rdflib_timeout))
        # rdflib-endpoint logs "Loaded triples from FILE, for a total of N" once loaded.
        loaded = re.findall(r"for a total of (\d+)", servers["rdflib"].log_tail())
        result["data"]["rdflib_loaded_triples"] = int(loaded[-1]) if loaded else None
        if result["data"]["rdflib_loaded_triples"] != result["data"]["export_triples"]:
            raise RuntimeError(f"rdflib-endpoint loaded {loaded} triples, not the export's")
        result["data"]["startup_seconds"] = {k: s.startup_seconds for k, s in servers.items()}

        # The in-process variants: raw pyoxigraph over the source store; our service over its
        # own copy with the worker pool `kg serve` would use.
        in_memory = args.storage == "memory"
        raw_store = open_snapshot(str(source), in_memory)
        settings = Settings(store_path=service_path, quarantine_dir=tmp / "quarantine")
        service_store = EmbeddedStore(service_path)
        runner = service_store.endpoint_runner(workers=settings.query_workers, in_memory=in_memory)
        service = SparqlService(service_store, runner, settings)
        timers = in_process_timers(raw_store, service)
        pipe = PipeProbe()
        http: dict[str, tuple[httpx.Client, str]] = {}
        for key in ("minimal", "ours"):
            client = httpx.Client(
                base_url=servers[key].base_url, timeout=120.0, headers={"Accept": JSON_RESULTS}
            )
            clients.append(client)
            http[key] = (client, servers[key].query_path)
            timers[key] = http_timer(client, servers[key].query_path)
        timers = {key: timers[key] for key in FAST}

        entries = []
        for index, query in enumerate(queries):
            log(f"{query.key}: {args.runs} runs each of {', '.join(timers)}")
            load = load_average()
            fast = bench_fast(query, timers, http, args, shift=index)
            variants = {key: summarise(s) for key, s in fast["samples"].items()}
            components = component_timings(raw_store, query, pipe, args.runs, args.warmup)
            entries.append(
                {
                    "key": query.key,
                    "kind": query.kind,
                    "title": query.title,
                    "sparql": query.text,
                    "loadavg_at_start": load,
                    "rows_per_variant": fast["rows"],
                    "bytes": fast["bytes"],
                    "variants": variants,
                    "components": components,
                }
            )
            log(
                "   medians ms: "
                + ", ".join(f"{k} {v['median_ms']:.2f}" for k, v in variants.items())
            )
        result["loadavg_after_fast"] = load_average()

        for entry, query in zip(entries, queries, strict=True):
            log(f"{query.key}: rdflib-endpoint")
            rdflib = bench_rdflib(
                servers["rdflib"], query, args.rdflib_runs, args.rdflib_budget, args.rdflib_timeout
            )
            rdflib["timeout_s"] = args.rdflib_timeout
            entry["variants"]["rdflib"] = rdflib
            if "rows" in rdflib:
                entry["rows_per_variant"]["rdflib"] = rdflib.pop("rows")
                entry["bytes"]["rdflib"] = rdflib.pop("bytes")
            log(f"   {cell(rdflib)} ms")
            counts = set(entry["rows_per_variant"].values())
            entry["rows"] = entry["rows_per_variant"]["raw"]
            entry["rows_agree"] = len(counts) == 1
            if not entry["rows_agree"]:
                log(f"   ROW COUNTS DIFFER: {entry['rows_per_variant']}")
                exit_code = 1
            derive(entry)
        result["queries"] = entries
        result["goals"] = goal_checks(entries)
        result["loadavg_end"] = load_average()
    finally:
        for client in clients:
            client.close()
        for server in servers.values():
            server.stop()
        if runner is not None:
            runner.close()
        if pipe is not None:
            pipe.close()
        if service_store is not None:
            service_store.close()
        result["total_seconds"] = round(time.perf_counter() - started, 1)
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.name}.json").write_text(
        json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (RESULTS / f"{args.name}.md").write_text(markdown(result), encoding="utf-8")
    log(f"wrote {RESULTS / args.name}.{{json,md}}")
    if exit_code:
        log("the row counts differ between servers (see rows_per_variant in the JSON)")
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
