"""Cheap checks of bench/service.py: its queries parse everywhere, the minimal endpoint answers
like pyoxigraph, and the report is built from results (no servers, no built store)."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import httpx
import pyoxigraph as ox
import pytest
from rdflib.plugins.sparql import prepareQuery

from kg.config import PROJECT_ROOT

JSON_RESULTS = "application/sparql-results+json"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    """bench/service.py, imported from its path (bench/ is not a package; its scripts import
    their sibling ``machine`` as scripts do, from their own directory)."""
    sys.path.insert(0, str(PROJECT_ROOT / "bench"))
    spec = importlib.util.spec_from_file_location(
        "bench_service", PROJECT_ROOT / "bench" / "service.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_queries_parse_in_pyoxigraph_and_rdflib(bench: ModuleType) -> None:
    assert {q.key for q in bench.QUERIES} == {"lookup", "join", "aggregate", "text", "path"}
    store = ox.Store()
    for query in bench.QUERIES:
        assert list(store.query(query.text, use_default_graph_as_union=True)) == []
        prepareQuery(query.text)  # rdflib-endpoint knows no prefixes: all are declared


def test_minimal_endpoint_answers_pyoxigraph_json(bench: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "store"
    writer = ox.Store(str(path))
    writer.add(
        ox.Quad(
            ox.NamedNode("http://data.europa.eu/nuts/code/ITI3"),
            ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"),
            ox.Literal("Marche"),
            ox.NamedNode("https://w3id.org/clusterkg/id/graph/nuts"),
        )
    )
    writer.flush()
    del writer
    lookup = next(q for q in bench.QUERIES if q.key == "lookup")

    async def post() -> httpx.Response:
        transport = httpx.ASGITransport(app=bench.minimal_app(path, in_memory=True))
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            return await client.post("/sparql", data={"query": lookup.text})

    response = asyncio.run(post())
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON_RESULTS
    bindings = json.loads(response.content)["results"]["bindings"]
    assert [b["o"]["value"] for b in bindings] == ["Marche"]
    assert bench.json_rows(response.content) == 1


def test_report_from_results(bench: ModuleType) -> None:
    def variant(median: float) -> dict[str, object]:
        return bench.summarise([median / 1000] * 3)

    entry = {
        "key": "join",
        "kind": "multi-join match",
        "title": "a join",
        "rows": 10,
        "bytes": {"ours": 1000},
        "variants": {
            "raw": variant(9.0),
            "raw_json": variant(10.0),
            "execute": variant(11.0),
            "service": variant(11.5),
            "minimal": variant(11.0),
            "ours": variant(14.0),
            "rdflib": {"runs": 0, "timed_out": True, "timeout_s": 300.0},
        },
    }
    bench.derive(entry)
    assert entry["ratios"]["rdflib_over_ours_is_lower_bound"] is True
    assert entry["ratios"]["ours_minus_minimal_ms"] == pytest.approx(3.0)
    goals = bench.goal_checks([entry])
    assert [g["pass"] for g in goals] == [True, False]  # 14 ms > 1.2 × 10 ms + 1 ms
    result = {
        "machine": {
            **bench.machine_facts(),
            "date": "2026-01-01T00:00:00+00:00",
        },
        "settings": {
            "storage": "memory",
            "warmup": 1,
            "passes": 1,
            "runs": 3,
            "rdflib_runs": 3,
            "rdflib_budget": 60.0,
            "rdflib_timeout": 300.0,
        },
        "data": {
            "store": "test",
            "quads": 1,
            "named_graphs": 1,
            "distinct_triples": 1,
            "export_triples": 1,
            "export_bytes": 100,
            "rdflib_loaded_triples": 1,
        },
        "queries": [entry],
        "goals": goals,
        "loadavg_after_fast": [0.0, 0.0, 0.0],
        "loadavg_end": [0.0, 0.0, 0.0],
        "total_seconds": 1.0,
    }
    report = bench.markdown(result)
    assert "> 300 s (timeout)" in report
    assert "**FAIL**" in report
