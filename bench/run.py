"""Benchmark ClusterKG's build, ingest and SHACL validation; write bench/results/<name>.{json,md}.

Phases (all in throw-away stores under one temp directory, removed at the end; never the default
store; no network):

a. ``kg build`` of the bundled data, N times as a subprocess (wall seconds, median and all runs),
   then once in-process with ``kg.ingest.pipeline.ingest_file`` per source, timing validation.
b. ``kg ingest synthetic.nt --source synthetic`` (bench/generate.py, >= 1M triples) into a
   separate store built with the bundled data: wall seconds, records/s, triples/s and the peak
   RSS of the ingest process.
c. The same sample of synthetic records (the first ~20k triples, cut at a record boundary)
   validated four ways -- ours (``ShapeValidator.validate_records`` in batches of 500), per
   record, and whole-graph pyshacl runs with ``inference="rdfs"`` (the naive baseline) and
   ``inference="none"`` -- first as generated (all valid), then with ~1 % of the records broken
   on purpose; the sets of failing records are compared across strategies.

    .venv/bin/python bench/generate.py && .venv/bin/python bench/run.py
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import math
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from machine import machine_facts as common_machine_facts
from pyshacl import validate as pyshacl_validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg.config import Settings
from kg.ingest.mappings.rdf import map_rdf
from kg.ingest.pipeline import combined_lookup, ingest_file, source_index, store_lookup
from kg.ingest.records import MappingContext, Record
from kg.ingest.sources import load_manifest
from kg.namespaces import CKG, NUTS, PREFIXES, QB, SDMX_DIMENSION, SDMX_MEASURE, SH
from kg.store import EmbeddedStore
from kg.validation import ReferenceLookup, ShapeValidator

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
DEFAULT_SYNTHETIC = ROOT / "bench" / "work" / "synthetic.nt"
KG = str(Path(sys.executable).with_name("kg"))
ORG_HAS_MEMBER = URIRef("http://www.w3.org/ns/org#hasMember")

SUMMARY = re.compile(
    r"^(?P<source>[a-z0-9][a-z0-9-]*): (?P<read>\d+) records read, (?P<loaded>\d+) "
    r"(?:loaded|valid \(dry run, nothing written\)), (?P<quarantined>\d+) quarantined, "
    r"(?P<triples>\d+) triples, (?P<warnings>\d+) warnings \((?P<seconds>[\d.]+) s\)",
    re.MULTILINE,
)
QUADS = re.compile(r": (\d+) quads in all")


def log(message: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# Subprocesses of the real `kg` command, with wall time and peak RSS
# --------------------------------------------------------------------------------------------


@dataclass
class Run:
    args: list[str]
    returncode: int
    seconds: float
    max_rss_mb: float
    stdout: str
    stderr: str

    def summaries(self) -> list[dict[str, Any]]:
        rows = []
        for match in SUMMARY.finditer(self.stdout):
            row: dict[str, Any] = {
                k: int(v) for k, v in match.groupdict().items() if k not in ("source", "seconds")
            }
            row["source"] = match["source"]
            row["seconds"] = float(match["seconds"])
            rows.append(row)
        return rows

    def brief(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "returncode": self.returncode,
            "wall_seconds": round(self.seconds, 2),
            "peak_rss_mb": round(self.max_rss_mb, 1),
            "sources": self.summaries(),
        }
        if quads := QUADS.search(self.stdout):
            out["quads"] = int(quads[1])
        if self.returncode not in (0, 1):  # 1 = some records quarantined; anything else broke
            out["stderr_tail"] = self.stderr[-2000:]
        return out


def kg_env(store: Path, quarantine: Path) -> dict[str, str]:
    # Only the batch size may come from the caller's environment (phase c reads it too).
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("KG_") or k == "KG_VALIDATION_BATCH_SIZE"
    }
    env.update(KG_STORE_PATH=str(store), KG_QUARANTINE_DIR=str(quarantine), COLUMNS="200")
    return env


def run_kg(args: Sequence[str], env: dict[str, str], timeout: float) -> Run:
    """Run ``kg ARGS``; the peak RSS is this child's own (os.wait4), not all children's."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen([KG, *args], env=env, stdout=out, stderr=err)  # noqa: S603
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        try:
            _pid, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            list(args), process.returncode, seconds, usage.ru_maxrss / 1024, out.read(), err.read()
        )


# --------------------------------------------------------------------------------------------
# Machine facts
# --------------------------------------------------------------------------------------------


def machine_facts() -> dict[str, Any]:
    """The machine, and the shapes the validation figures depend on."""
    shapes = hashlib.sha256()
    for path in sorted((ROOT / "shapes").glob("*.ttl")):
        shapes.update(path.name.encode() + b"\0" + path.read_bytes())
    return {
        **common_machine_facts(
            ("clusterkg", "pyoxigraph", "pyshacl", "rdflib", "owlrl", "pyparsing")
        ),
        "shapes_sha256": shapes.hexdigest()[:16],
        "shape_files": len(list((ROOT / "shapes").glob("*.ttl"))),
        "validation_batch_size": Settings().validation_batch_size,
    }


# --------------------------------------------------------------------------------------------
# a. Build
# --------------------------------------------------------------------------------------------


class TimedValidator(ShapeValidator):
    """The project's validator, adding up the time spent in validate_records."""

    seconds = 0.0

    def validate_records(self, records, lookup=None):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return super().validate_records(records, lookup)
        finally:
            self.seconds += time.perf_counter() - started


def bench_build(tmp: Path, runs: int, sources: list[str] | None) -> tuple[dict[str, Any], Path]:
    """kg build RUNS times (fresh stores); return the results and the last run's store."""
    extra = [a for s in sources or [] for a in ("--source", s)]
    results, store = [], tmp / "build-0" / "store"
    for index in range(runs):
        root = tmp / f"build-{index}"
        store = root / "store"
        log(f"a. kg build, run {index + 1}/{runs}")
        run = run_kg(["build", *extra], kg_env(store, root / "quarantine"), timeout=1800)
        results.append(run.brief())
        log(f"   {run.seconds:.1f} s, exit {run.returncode}")
        if index < runs - 1:
            shutil.rmtree(root, ignore_errors=True)
    walls = [r["wall_seconds"] for r in results]
    out = {
        "runs": len(results),
        "wall_seconds_median": round(statistics.median(walls), 2),
        "wall_seconds_all": walls,
        "runs_detail": results,
    }
    log("a. in-process build, per source")
    out["per_source"] = bench_build_in_process(tmp / "build-in-process", sources)
    return out, store


def bench_build_in_process(root: Path, sources: list[str] | None) -> list[dict[str, Any]]:
    settings = Settings(store_path=root / "store", quarantine_dir=root / "quarantine")
    validator = TimedValidator(settings.shapes_dir, settings.ontology_dir)
    started = time.perf_counter()
    _ = validator.shapes, validator.ontology
    rows: list[dict[str, Any]] = [
        {"source": "(parse shapes + ontology)", "seconds": round(time.perf_counter() - started, 3)}
    ]
    specs = [s for s in load_manifest(settings.data_dir) if not sources or s.name in sources]
    with EmbeddedStore(settings.store_path) as store:
        for spec in specs:
            validator.seconds = 0.0
            started = time.perf_counter()
            try:
                report = ingest_file(
                    store,
                    settings,
                    validator,
                    source=spec.description,
                    path=spec.file,
                    mapping_name=spec.mapping,
                )
            except Exception as exc:
                rows.append({"source": spec.name, "error": f"{type(exc).__name__}: {exc}"})
                continue
            seconds = time.perf_counter() - started
            rows.append(
                {
                    "source": spec.name,
                    "records": report.records_read,
                    "loaded": report.records_loaded,
                    "quarantined": report.records_quarantined,
                    "triples": report.triples,
                    "warnings": report.warnings,
                    "seconds": round(seconds, 3),
                    "validation_seconds": round(validator.seconds, 3),
                    "validation_records_per_s": _rate(report.records_read, validator.seconds),
                }
            )
    shutil.rmtree(root, ignore_errors=True)
    return rows


def _rate(count: int, seconds: float) -> float | None:
    return round(count / seconds, 1) if seconds > 0 else None


# --------------------------------------------------------------------------------------------
# b. Ingest of the synthetic graph
# --------------------------------------------------------------------------------------------


def count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


# --------------------------------------------------------------------------------------------
# c. Validation strategies on the same sample
# --------------------------------------------------------------------------------------------


SYNTHETIC = "https://w3id.org/clusterkg/id/synthetic/"
GENERATOR = f"<{SYNTHETIC}generator>"  # every record's dct:source; not a record itself


def write_sample(source: Path, target: Path, triples: int) -> int:
    """The first ~TRIPLES lines of SOURCE, cut at a record boundary where every synthetic
    resource referred to so far is described (a strategy's priorities follow the strategy)."""
    written, previous = 0, None
    described: set[str] = set()
    pending: set[str] = set()
    with source.open(encoding="utf-8") as reader, target.open("w", encoding="utf-8") as writer:
        for line in reader:
            subject, _predicate, rest = line.split(" ", 2)
            if written >= triples and subject != previous and not pending:
                break
            writer.write(line)
            written += 1
            previous = subject
            described.add(subject)
            pending.discard(subject)
            obj = rest.rsplit(" .", 1)[0]
            if obj.startswith(f"<{SYNTHETIC}") and obj not in described and obj != GENERATOR:
                pending.add(obj)
    return written


def validator_name(term: object) -> str:
    """``ckg:ClusterOrganisation`` for the full IRI, with the project's prefixes."""
    text = str(term)
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda p: -len(p[1])):
        if text.startswith(namespace):
            return f"{prefix}:{text[len(namespace) :]}"
    return text


def map_sample(path: Path, settings: Settings) -> list[Record]:
    context = MappingContext(
        base_iri=settings.base_iri,
        source_name="bench-sample",
        source_file=path,
        source_document=URIRef(f"{settings.base_iri}source/bench-sample/{path.name}"),
    )
    records = list(map_rdf(context))
    # The mapping yields records sorted by IRI; keep the file's order instead, so that "the first
    # N records" (the per-record subset, the records to break) mix the record types like the file.
    first_seen: dict[str, int] = {}
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            first_seen.setdefault(line.split(" ", 1)[0][1:-1], number)
    return sorted(records, key=lambda r: first_seen.get(r.key, len(first_seen)))


#: Ways to break a record: (name, record kind, what SHACL feature must catch it, mutation).
Mutation = Callable[[Graph, URIRef], None]


def _drop(predicate: URIRef) -> Mutation:
    def mutate(graph: Graph, subject: URIRef) -> None:
        graph.remove((subject, predicate, None))

    return mutate


def _replace(predicate: URIRef, value: Any) -> Mutation:
    def mutate(graph: Graph, subject: URIRef) -> None:
        graph.remove((subject, predicate, None))
        graph.add((subject, predicate, value))

    return mutate


def _replace_one(predicate: URIRef, value: Any) -> Mutation:
    def mutate(graph: Graph, subject: URIRef) -> None:
        first = sorted(graph.objects(subject, predicate))[0]
        graph.remove((subject, predicate, first))
        graph.add((subject, predicate, value))

    return mutate


def _scheme_not_strategy(graph: Graph, subject: URIRef) -> None:
    strategy = graph.value(subject, CKG.strategy)
    graph.remove((subject, SKOS.inScheme, None))
    graph.add((subject, SKOS.inScheme, URIRef(f"{strategy}-elsewhere")))


BOGUS_REGION = NUTS["XX99"]  # not a NUTS code
BREAKAGES: list[tuple[str, URIRef, str, Mutation]] = [
    ("cluster without label", CKG.ClusterOrganisation, "sh:minCount", _drop(RDFS.label)),
    (
        "cluster label not text (integer)",
        CKG.ClusterOrganisation,
        "sh:or in a property shape",
        _replace(RDFS.label, Literal(42)),
    ),
    (
        "cluster region not a NUTS region",
        CKG.ClusterOrganisation,
        "sh:node (code-list reference)",
        _replace(CKG.region, BOGUS_REGION),
    ),
    (
        "cluster technology not a KET/ATI",
        CKG.ClusterOrganisation,
        "sh:node (code-list reference)",
        _replace_one(CKG.technology, URIRef("https://w3id.org/clusterkg/ket/quantum-computing")),
    ),
    (
        "cluster member unknown",
        CKG.ClusterOrganisation,
        "sh:class",
        _replace_one(
            ORG_HAS_MEMBER, URIRef("https://w3id.org/clusterkg/id/synthetic/organisation/none")
        ),
    ),
    (
        "priority scheme is not its strategy",
        CKG.S3Priority,
        "sh:sparql + sh:class",
        _scheme_not_strategy,
    ),
    ("observation without indicator", QB.Observation, "sh:minCount", _drop(CKG.indicator)),
    (
        "observation value not a decimal",
        QB.Observation,
        "sh:datatype",
        _replace(SDMX_MEASURE.obsValue, Literal("n/a")),
    ),
    (
        "observation area not a NUTS region",
        QB.Observation,
        "sh:node (code-list reference)",
        _replace(SDMX_DIMENSION.refArea, BOGUS_REGION),
    ),
]


def break_records(
    records: list[Record], rate: float, eligible: int, seed: int
) -> tuple[list[Record], dict[str, str]]:
    """A copy of RECORDS with ~RATE of the first ELIGIBLE broken; returns {subject: breakage}."""
    rng = random.Random(seed)
    by_class: dict[URIRef, list[int]] = {}
    for index, record in enumerate(records[:eligible]):
        subject = URIRef(record.key)
        for cls in record.graph.objects(subject, RDF.type):
            by_class.setdefault(cls, []).append(index)  # type: ignore[arg-type]
    per_kind = max(1, math.ceil(rate * eligible / len(BREAKAGES)))
    broken = list(records)
    chosen: dict[str, str] = {}
    taken: set[int] = set()
    for name, cls, _feature, mutate in BREAKAGES:
        candidates = [i for i in by_class.get(cls, []) if i not in taken]
        for index in rng.sample(candidates, k=min(per_kind, len(candidates))):
            taken.add(index)
            record = records[index]
            graph = Graph()
            for triple in record.graph:
                graph.add(triple)
            mutate(graph, URIRef(record.key))
            broken[index] = Record(key=record.key, graph=graph, raw=copy.deepcopy(record.raw))
            chosen[record.key] = name
    return broken, chosen


@dataclass
class Outcome:
    strategy: str
    short: str
    records: int
    seconds: float
    failing: set[str] = field(default_factory=set)  # keys of records with a violation
    other_nodes: int = 0  # violations on nodes that are not records (reference stubs)
    note: str = ""
    skipped: bool = False

    def brief(self) -> dict[str, Any]:
        return {
            "strategy": self.strategy,
            "short": self.short,
            "records": self.records,
            "seconds": round(self.seconds, 3),
            "records_per_s": _rate(self.records, self.seconds),
            "failing_records": len(self.failing),
            "violations_on_non_record_nodes": self.other_nodes,
            "skipped": self.skipped,
            "note": self.note,
        }


def run_batched(
    validator: ShapeValidator,
    records: list[Record],
    lookup: ReferenceLookup,
    batch_size: int,
    name: str,
    short: str,
    max_records: int | None = None,
    max_seconds: float | None = None,
) -> Outcome:
    outcome = Outcome(name, short, 0, 0.0)
    limit = len(records) if max_records is None else min(max_records, len(records))
    started = time.perf_counter()
    for start in range(0, limit, batch_size):
        batch = records[start : min(start + batch_size, limit)]
        for record, report in zip(batch, validator.validate_records(batch, lookup), strict=True):
            if not report.conforms:
                outcome.failing.add(record.key)
        outcome.records += len(batch)
        if max_seconds is not None and time.perf_counter() - started > max_seconds:
            outcome.note = f"stopped after {max_seconds:.0f} s"
            break
    outcome.seconds = time.perf_counter() - started
    return outcome


def run_whole_graph(
    validator: ShapeValidator,
    records: list[Record],
    lookup: ReferenceLookup,
    inference: str,
    name: str,
    short: str,
) -> Outcome:
    """One pyshacl run over all the sample's records plus the reference triples they need."""
    started = time.perf_counter()
    data = Graph()
    for prefix, namespace in PREFIXES.items():
        data.bind(prefix, namespace)
    keys: dict[str, str] = {}
    for record in records:
        for triple in record.graph:
            data.add(triple)
        for subject in set(record.graph.subjects()):
            keys[str(subject)] = record.key
    described = {URIRef(s) for s in keys}
    referenced = {o for o in data.objects() if isinstance(o, URIRef) and o not in described}
    for triple in lookup(referenced):
        data.add(triple)
    _conforms, report, _text = pyshacl_validate(
        data,
        shacl_graph=validator.shapes,
        ont_graph=validator.ontology,
        inference=inference,
        advanced=True,
        allow_warnings=True,
        allow_infos=True,
        inplace=True,
    )
    outcome = Outcome(name, short, len(records), time.perf_counter() - started)
    assert isinstance(report, Graph)
    for node in report.subjects(RDF.type, SH.ValidationReport):
        for result in report.objects(node, SH.result):  # top-level results only, not sh:detail
            if report.value(result, SH.resultSeverity) != SH.Violation:
                continue
            focus = str(report.value(result, SH.focusNode))
            if focus in keys:
                outcome.failing.add(keys[focus])
            else:
                outcome.other_nodes += 1
    return outcome


def run_strategies(
    validator: ShapeValidator,
    records: list[Record],
    lookup: ReferenceLookup,
    args: argparse.Namespace,
    triples: int,
    label: str,
) -> list[Outcome]:
    batch_size = Settings().validation_batch_size
    outcomes = []
    log(f"c. [{label}] ours: validate_records in batches of {batch_size}, {len(records)} records")
    outcomes.append(
        run_batched(
            validator,
            records,
            lookup,
            batch_size,
            f"ours: validate_records, batches of {batch_size}",
            "ours",
        )
    )
    per_record = min(args.per_record_max, len(records))
    log(f"c. [{label}] per record: {per_record} records")
    outcomes.append(
        run_batched(
            validator,
            records,
            lookup,
            1,
            "per record (batch size 1)",
            "per record",
            max_records=per_record,
            max_seconds=args.per_record_seconds,
        )
    )
    baseline = "whole graph, inference=rdfs (naive baseline)"
    if triples <= args.rdfs_max_triples:
        log(f"c. [{label}] whole graph, inference=rdfs (naive baseline)")
        outcomes.append(
            run_whole_graph(validator, records, lookup, "rdfs", baseline, "whole, rdfs")
        )
    else:
        outcomes.append(
            Outcome(
                baseline,
                "whole, rdfs",
                0,
                0.0,
                skipped=True,
                note=f"sample has {triples} triples > {args.rdfs_max_triples}",
            )
        )
    log(f"c. [{label}] whole graph, inference=none")
    outcomes.append(
        run_whole_graph(
            validator, records, lookup, "none", "whole graph, inference=none", "whole, none"
        )
    )
    return outcomes


def compare(
    outcomes: list[Outcome], records: list[Record], expected: dict[str, str]
) -> dict[str, Any]:
    """Failing records per strategy, on the records each one covered, against ours and truth."""
    order = [r.key for r in records]
    ours = outcomes[0]
    rows = []
    for outcome in outcomes:
        if outcome.skipped:
            rows.append({"strategy": outcome.strategy, "skipped": True})
            continue
        covered = set(order[: outcome.records])
        truth = {k for k in expected if k in covered}
        reference = ours.failing & covered
        rows.append(
            {
                "strategy": outcome.strategy,
                "records_compared": len(covered),
                "failing": len(outcome.failing),
                "expected_failing": len(truth),
                "caught": len(outcome.failing & truth),
                "missed": sorted(truth - outcome.failing)[:20],
                "missed_count": len(truth - outcome.failing),
                "unexpected": sorted(outcome.failing - truth)[:20],
                "unexpected_count": len(outcome.failing - truth),
                "same_as_ours": outcome.failing == reference,
                "same_as_expected": outcome.failing == truth,
            }
        )
    per_kind: dict[str, dict[str, Any]] = {}
    for key, kind in expected.items():
        entry = per_kind.setdefault(kind, {"records": 0, "caught_by": {}})
        entry["records"] += 1
        for outcome in outcomes:
            if outcome.skipped or key not in set(order[: outcome.records]):
                continue
            caught = entry["caught_by"].setdefault(outcome.strategy, 0)
            entry["caught_by"][outcome.strategy] = caught + (key in outcome.failing)
    features = {name: feature for name, _cls, feature, _m in BREAKAGES}
    for kind, entry in per_kind.items():
        entry["checked_by"] = features[kind]
    identical = all(r.get("same_as_ours", True) for r in rows)
    return {"identical_across_strategies": identical, "strategies": rows, "per_breakage": per_kind}


def bench_validation(
    store_path: Path, tmp: Path, main: Path, args: argparse.Namespace
) -> dict[str, Any]:
    settings = Settings(store_path=store_path, quarantine_dir=tmp / "quarantine-sample")
    sample_path = tmp / "sample.nt"
    triples = write_sample(main, sample_path, args.sample_triples)
    records = map_sample(sample_path, settings)
    log(f"c. sample: {triples} triples, {len(records)} records")
    kinds: dict[str, int] = {}
    for record in records:
        for cls in record.graph.objects(URIRef(record.key), RDF.type):
            name = validator_name(cls)
            kinds[name] = kinds.get(name, 0) + 1

    log("c. kg validate sample.nt (the sample is valid against the built store)")
    check = run_kg(["validate", str(sample_path)], kg_env(store_path, tmp / "q-validate"), 1800)
    out: dict[str, Any] = {
        "sample": {
            "triples": triples,
            "records": len(records),
            "records_by_type": dict(sorted(kinds.items())),
            "first_triples_of": main.name,
            "kg_validate": check.brief(),
        },
    }
    validator = ShapeValidator(settings.shapes_dir, settings.ontology_dir)
    _ = validator.shapes, validator.ontology  # parsed once, outside every timing
    with EmbeddedStore(store_path, read_only=True) as store:
        # As the pipeline does: the sample's own records first, then the store.
        lookup = combined_lookup(
            source_index(records), store_lookup(store, settings.source_graph("bench-sample"))
        )
        valid = run_strategies(validator, records, lookup, args, triples, "valid sample")
        out["valid"] = {
            "results": [o.brief() for o in valid],
            "comparison": compare(valid, records, {}),
        }
        eligible = min(args.per_record_max, len(records))
        broken, expected = break_records(records, args.broken_rate, eligible, args.seed)
        log(f"c. broken sample: {len(expected)} of the first {eligible} records broken")
        bad = run_strategies(validator, broken, lookup, args, triples, "broken sample")
        out["broken"] = {
            "broken_records": len(expected),
            "breakages": {
                k: sum(1 for v in expected.values() if v == k)
                for k in dict.fromkeys(expected.values())
            },
            "results": [o.brief() for o in bad],
            "comparison": compare(bad, broken, expected),
        }
    return out


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def markdown(result: dict[str, Any]) -> str:
    m = result["machine"]
    lines = [
        f"Machine: {m['cpu_count']} CPUs ({m.get('cpu_model') or 'unknown CPU'}), "
        f"{m.get('memory_gb')} GB RAM, Python {m['python']}, pyoxigraph "
        f"{m['packages']['pyoxigraph']}, pyshacl {m['packages']['pyshacl']}, rdflib "
        f"{m['packages']['rdflib']}; {m['date'][:10]}; shapes {m['shapes_sha256']}.",
        "",
    ]
    if build := result.get("build"):
        lines += [
            f"**`kg build` of the bundled data** (fresh store, {build['runs']} runs): median "
            f"{build['wall_seconds_median']:.1f} s wall (runs: "
            + ", ".join(f"{s:.1f}" for s in build["wall_seconds_all"])
            + " s).",
            "",
            "| source | records | loaded | quarantined | triples | seconds | validation s "
            "| validated records/s |",
            "|---|--:|--:|--:|--:|--:|--:|--:|",
        ]
        for row in build["per_source"]:
            if "error" in row:
                lines.append(f"| {row['source']} | error: {row['error'][:60]} |||||||")
            elif "records" not in row:
                lines.append(f"| {row['source']} | | | | | {row['seconds']:.2f} | | |")
            else:
                lines.append(
                    f"| {row['source']} | {row['records']:,} | {row['loaded']:,} | "
                    f"{row['quarantined']:,} | {row['triples']:,} | {row['seconds']:.2f} | "
                    f"{row['validation_seconds']:.2f} | {row['validation_records_per_s'] or '-'} |"
                )
        lines.append("")
    if row := result.get("ingest"):
        summary = row["sources"][0] if row["sources"] else {}
        lines += [
            "**`kg ingest` of the synthetic graph** (one file, into a separate store built with "
            "the bundled data):",
            "",
            "| file | triples | records | loaded | quarantined | wall s | records/s | triples/s "
            "| peak RSS MB |",
            "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
            f"| {row['file']} | {row['triples_in_file']:,} | {summary.get('read', 0):,} | "
            f"{summary.get('loaded', 0):,} | {summary.get('quarantined', 0):,} | "
            f"{row['wall_seconds']:.1f} | {row['records_per_s']} | {row['triples_per_s']} | "
            f"{row['peak_rss_mb']:.0f} |",
            "",
        ]
    if validation := result.get("validation"):
        sample = validation["sample"]
        broken = validation["broken"]
        lines += [
            f"**Validation strategies on the same sample** ({sample['records']:,} synthetic "
            f"records, {sample['triples']:,} triples; then the same records with "
            f"{broken['broken_records']} broken on purpose):",
            "",
            "| strategy | records | seconds | records/s | valid sample: failing | broken sample: "
            "caught / broken | false alarms | same failing set as ours |",
            "|---|--:|--:|--:|--:|--:|--:|:-:|",
        ]
        good = {r["strategy"]: r for r in validation["valid"]["results"]}
        bad_rows = {r["strategy"]: r for r in broken["comparison"]["strategies"]}
        for name, row in good.items():
            if row["skipped"]:
                lines.append(f"| {name} | skipped: {row['note']} |||||||")
                continue
            cmp_row = bad_rows.get(name, {})
            lines.append(
                f"| {name} | {row['records']:,} | {row['seconds']:.1f} | "
                f"{row['records_per_s']} | {row['failing_records']} | "
                f"{cmp_row.get('caught', '?')} / {cmp_row.get('expected_failing', '?')} | "
                f"{cmp_row.get('unexpected_count', '?')} | "
                f"{'yes' if cmp_row.get('same_as_ours') else 'NO'} |"
            )
        shown = [r for r in validation["broken"]["results"] if not r["skipped"]]
        lines += [
            "",
            "Broken records, and how many each strategy caught:",
            "",
            "| breakage | checked by | broken | " + " | ".join(r["short"] for r in shown) + " |",
            "|---|---|--:|" + "--:|" * len(shown),
        ]
        names = [r["strategy"] for r in validation["broken"]["results"] if not r["skipped"]]
        for kind, entry in broken["comparison"]["per_breakage"].items():
            lines.append(
                f"| {kind} | {entry['checked_by']} | {entry['records']} | "
                + " | ".join(str(entry["caught_by"].get(n, "-")) for n in names)
                + " |"
            )
        lines.append("")
    lines.append(f"Total bench time: {result['total_seconds'] / 60:.1f} min.")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--name", default="latest", help="results name (default latest)")
    parser.add_argument(
        "--synthetic",
        type=Path,
        default=DEFAULT_SYNTHETIC,
        help="main synthetic N-Triples file (generated if missing)",
    )
    parser.add_argument("--build-runs", type=int, default=3)
    parser.add_argument(
        "--sources", nargs="*", default=None, help="build only these bundled sources (default: all)"
    )
    parser.add_argument("--sample-triples", type=int, default=20_000)
    parser.add_argument("--per-record-max", type=int, default=2_000)
    parser.add_argument("--per-record-seconds", type=float, default=900.0)
    parser.add_argument("--rdfs-max-triples", type=int, default=50_000)
    parser.add_argument("--broken-rate", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--skip",
        nargs="*",
        default=[],
        choices=["build", "ingest", "validation"],
        help="phases to skip (the store is still built once)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp directory")
    args = parser.parse_args(argv)

    main_file: Path = args.synthetic
    if not main_file.exists():
        log(f"{main_file} missing: generating it with bench/generate.py (default size)")
        generate = [sys.executable, str(ROOT / "bench" / "generate.py"), str(main_file)]
        subprocess.run(generate, check=True)  # noqa: S603 - our own script

    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    result: dict[str, Any] = {"name": args.name, "machine": machine_facts()}
    manifest = main_file.with_suffix(".json")
    if manifest.exists():
        result["synthetic"] = json.loads(manifest.read_text(encoding="utf-8"))
    result["settings"] = {k: v for k, v in vars(args).items() if k not in ("synthetic",)}
    try:
        # a. Builds; the last run's store (a temp store, never the default) serves b and c.
        runs = 1 if "build" in args.skip else args.build_runs
        build, store = bench_build(tmp, runs, args.sources)
        if "build" not in args.skip:
            result["build"] = build
        # c. before b, so the sample is checked against the bundled data only.
        if "validation" not in args.skip:
            result["validation"] = bench_validation(store, tmp, main_file, args)
        if "ingest" not in args.skip:
            triples = count_lines(main_file)
            log(f"b. kg ingest {main_file.name} ({triples:,} triples) --source synthetic")
            env = kg_env(store, tmp / "quarantine-ingest")
            run = run_kg(["ingest", str(main_file), "--source", "synthetic"], env, 4 * 3600)
            brief = run.brief()
            summary = (run.summaries() or [{}])[0]
            brief.update(
                file=main_file.name,
                triples_in_file=triples,
                records=summary.get("read"),
                records_per_s=_rate(summary.get("read") or 0, run.seconds),
                triples_per_s=_rate(triples, run.seconds),
                report_seconds=summary.get("seconds"),
            )
            log(f"   {run.seconds:.1f} s, exit {run.returncode}, peak RSS {run.max_rss_mb:.0f} MB")
            with EmbeddedStore(store, read_only=True) as opened:
                brief["quads_in_store_after"] = len(opened)
            result["ingest"] = brief
    finally:
        result["total_seconds"] = round(time.perf_counter() - started, 1)
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / f"{args.name}.json").write_text(
            json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8"
        )
        try:
            table = markdown(result)
        except Exception as exc:
            table = f"(no table: {type(exc).__name__}: {exc})\n"
        (RESULTS / f"{args.name}.md").write_text(table, encoding="utf-8")
        print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
