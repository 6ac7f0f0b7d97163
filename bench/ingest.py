"""Benchmark ingest throughput before and after the data-steward work (issue 15: per-row reports,
replace with a change report, steward checks on curated CSVs, load records), side by side in one
run. Writes bench/results/<name>.{json,md} (default ``ingest``).

    git -C . worktree add /tmp/bench-before 18c677c    # the "before" tree, once
    .venv/bin/python bench/ingest.py                    # about 11 minutes on two cores
    git -C . worktree remove --force /tmp/bench-before

Options: ``--before TREE`` (default /tmp/bench-before) and ``--before-commit`` (the commit that
tree must be at), ``--rows`` (10,000) and ``--seed`` of the generated CSV, ``--runs`` (3),
``--no-bundled-build``, ``--keep`` (keep the temp directory), ``--generate-only FILE`` (write the
CSV and stop).

Both trees run with this virtualenv's Python, each in subprocesses of its own with
``PYTHONPATH=<tree>/src`` and no ``KG_*`` setting but the store and quarantine paths, so each uses
its own code and its own ``data/``, ``shapes/`` and ``ontology/`` (found from the package,
``kg.config.PROJECT_ROOT``). Every subprocess reports the ``kg`` package it imported (and its
validation workers theirs) and the directories its settings point at; the run stops if one is
not the tree's. The two trees' files are fingerprinted at the start and at the end, so an edit
made during the run shows in the results.

- **S3 rows**: a deterministic CSV of synthetic S3 priorities (``--rows``, ``--seed``) in the
  curated format of ``data/sources/s3/s3_priorities.csv``, valid for both trees. For each tree,
  ``--runs`` times, in a fresh copy of a store holding the reference sources the rows refer to
  (built once per tree by its own ``kg build --source …``), one subprocess times
  ``ingest_file`` of the CSV as a new source with its defaults: wall time of that call only
  (the shapes are parsed before; the validation workers start inside it, as in ``kg ingest``),
  records read, triples, records/s and triples/s, and the seconds spent mapping, validating and
  writing the store. The runs of the two trees alternate.
- **bundled build**: ``kg build`` of every bundled source with its derivations, once per tree,
  into a fresh store: wall time and peak RSS of the command, and from its summary lines the
  records read and loaded, triples, and records/s over the ingest part (the sum of the
  per-source seconds), apart from the derivations.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
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
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from machine import machine_facts

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
BEFORE_TREE = Path("/tmp/bench-before")  # noqa: S108 - the worktree the usage above adds
BEFORE_COMMIT = "18c677c"
#: The reference sources the S3 rows refer to (regions, NACE, technologies and what they need).
REFERENCE_SOURCES = (
    "ontology",
    "concepts",
    "euroscivoc",
    "kets",
    "nuts",
    "nace",
    "technology-mappings",
)
GOAL_RECORDS_PER_S = 1_000
SOURCE_NAME = "synthetic-s3"

#: ``kg`` as its entry point (pyproject ``kg = "kg.cli:app"``) runs it, after saying which
#: package and directories this process uses.
KG_MAIN = (
    "import sys, kg; from kg.config import get_settings; s = get_settings(); "
    "print(f'bench-tree: kg={kg.__file__} data={s.data_dir} shapes={s.shapes_dir} "
    "ontology={s.ontology_dir}', file=sys.stderr, flush=True); "
    "from kg.cli import app; app()"
)
TREE_LINE = re.compile(r"^bench-tree: kg=(\S+) data=(\S+) shapes=(\S+) ontology=(\S+)$", re.M)
SUMMARY = re.compile(
    r"^(?P<source>[a-z0-9][a-z0-9-]*): (?P<read>\d+) records read, (?P<loaded>\d+) loaded, "
    r"(?P<quarantined>\d+) quarantined, (?P<triples>\d+) triples, (?P<warnings>\d+) warnings "
    r"\((?P<seconds>[\d.]+) s\)",
    re.M,
)
DERIVED = re.compile(
    r"^(?P<name>[a-z0-9][a-z0-9 -]*): (?P<triples>\d+) triples derived from (?P<graphs>\d+) "
    r"graphs \((?P<seconds>[\d.]+) s\)",
    re.M,
)
QUADS = re.compile(r": (\d+) quads in all")


def log(message: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def rate(count: float, seconds: float) -> float | None:
    return round(count / seconds, 1) if seconds > 0 else None


# --------------------------------------------------------------------------------------------
# The synthetic S3 priorities
# --------------------------------------------------------------------------------------------

#: The columns of s3_priorities.csv (FORMATS.md; PRIORITY_COLUMNS of kg.ingest.mappings.s3).
COLUMNS = (
    "id",
    "nuts_code",
    "strategy_period",
    "label",
    "label_language",
    "label_en",
    "label_en_translated",
    "description",
    "nace_codes",
    "scientific_domains",
    "technologies",
    "technologies_text",
    "sectors_text",
    "source_url",
    "source_quote",
    "notes",
    "converted_from",
)
PERIODS = ("2014-2020", "2021-2027")
LANGUAGES = ("en", "it", "es", "de", "pl")
#: The EU member states (NUTS country codes): S3 strategies are an EU policy.
EU27 = frozenset(
    {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU"}
    | {"IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"}
)


@dataclass(frozen=True)
class Topic:
    """A priority topic: its name per language (``en`` first), the KET/ATI technology it names
    (None for topics that name none) and, for those, the NACE codes of its sector."""

    names: dict[str, str]
    technology: str | None = None
    nace: tuple[str, ...] = ()


TOPICS = (
    Topic(
        {"en": "robotics", "it": "robotica", "es": "robótica", "de": "Robotik", "pl": "robotyka"},
        "ati:robotics",
    ),
    Topic(
        {"en": "photonics", "it": "fotonica", "es": "fotónica", "de": "Photonik", "pl": "fotonika"},
        "ket:photonics",
    ),
    Topic(
        {
            "en": "biotechnology",
            "it": "biotecnologie",
            "es": "biotecnología",
            "de": "Biotechnologie",
            "pl": "biotechnologia",
        },
        "ket:industrial-biotechnology",
    ),
    Topic(
        {
            "en": "artificial intelligence",
            "it": "intelligenza artificiale",
            "es": "inteligencia artificial",
            "de": "Künstliche Intelligenz",
            "pl": "sztuczna inteligencja",
        },
        "ati:artificial-intelligence",
    ),
    Topic(
        {
            "en": "advanced materials",
            "it": "materiali avanzati",
            "es": "materiales avanzados",
            "de": "neue Werkstoffe",
            "pl": "materiały zaawansowane",
        },
        "ket:advanced-materials",
    ),
    Topic(
        {
            "en": "nanotechnology",
            "it": "nanotecnologie",
            "es": "nanotecnología",
            "de": "Nanotechnologie",
            "pl": "nanotechnologia",
        },
        "ket:nanotechnology",
    ),
    Topic(
        {"en": "tourism", "it": "turismo", "es": "turismo", "de": "Tourismus", "pl": "turystyka"},
        nace=("55", "79"),
    ),
    Topic(
        {
            "en": "agri-food",
            "it": "agroalimentare",
            "es": "agroalimentación",
            "de": "Agrar- und Ernährungswirtschaft",
            "pl": "sektor rolno-spożywczy",
        },
        nace=("01", "10"),
    ),
    Topic(
        {
            "en": "cultural and creative industries",
            "it": "industrie culturali e creative",
            "es": "industrias culturales y creativas",
            "de": "Kultur- und Kreativwirtschaft",
            "pl": "przemysły kultury i kreatywne",
        },
        nace=("59", "90"),
    ),
    Topic(
        {
            "en": "blue economy",
            "it": "economia del mare",
            "es": "economía azul",
            "de": "maritime Wirtschaft",
            "pl": "gospodarka morska",
        },
        nace=("03", "50"),
    ),
    Topic(
        {
            "en": "health and wellbeing",
            "it": "salute e benessere",
            "es": "salud y bienestar",
            "de": "Gesundheit und Wohlbefinden",
            "pl": "zdrowie i dobrostan",
        },
        nace=("21", "86"),
    ),
    Topic(
        {
            "en": "sustainable energy",
            "it": "energia sostenibile",
            "es": "energía sostenible",
            "de": "nachhaltige Energie",
            "pl": "zrównoważona energetyka",
        },
        nace=("35",),
    ),
)

#: What a priority is for, appended to the topic (the first is nothing).
QUALIFIERS = (
    {"en": "", "it": "", "es": "", "de": "", "pl": ""},
    {
        "en": "for manufacturing",
        "it": "per la manifattura",
        "es": "para la industria manufacturera",
        "de": "für die Produktion",
        "pl": "dla przemysłu",
    },
    {
        "en": "and digital services",
        "it": "e servizi digitali",
        "es": "y servicios digitales",
        "de": "und digitale Dienste",
        "pl": "i usługi cyfrowe",
    },
    {
        "en": "in SMEs",
        "it": "nelle PMI",
        "es": "en las pymes",
        "de": "in KMU",
        "pl": "w MŚP",
    },
    {
        "en": "for sustainability",
        "it": "per la sostenibilità",
        "es": "para la sostenibilidad",
        "de": "für Nachhaltigkeit",
        "pl": "dla zrównoważonego rozwoju",
    },
)


def nuts2_regions(data_dir: Path) -> list[str]:
    """The current (NUTS 2024) level-2 regions of the EU, without the Extra-Regio ``ZZ`` codes,
    from the bundled NUTS source."""
    with (data_dir / "sources" / "nuts" / "nuts2024.csv").open(encoding="utf-8") as handle:
        codes = [
            row["nuts_code"]
            for row in csv.DictReader(handle)
            if row["level"] == "2"
            and row["country_code"] in EU27
            and not row["nuts_code"].endswith("ZZ")
        ]
    return sorted(codes)


def technology_nace(data_dir: Path) -> dict[str, tuple[str, ...]]:
    """For each technology, the NACE divisions the bundled NACE → technology table maps to it
    (``C28`` written as the curated tables do, ``28``)."""
    out: dict[str, list[str]] = {}
    table = data_dir / "mappings" / "nace_technology.csv"
    with table.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            out.setdefault(row["technology"], []).append(
                row["nace_code"].lstrip("ABCDEFGHIJKLMNOPQRSTU")
            )
    return {technology: tuple(codes) for technology, codes in out.items()}


def nace_codes(data_dir: Path) -> set[str]:
    with (data_dir / "sources" / "nace" / "nace_r2.csv").open(encoding="utf-8") as handle:
        return {row["code"] for row in csv.DictReader(handle)}


def technologies(ontology_dir: Path) -> set[str]:
    """The local names of the KET/ATI concepts of ontology/kets.ttl, as ``ket:…``/``ati:…``."""
    text = (ontology_dir / "kets.ttl").read_text(encoding="utf-8")
    names = re.findall(r"<https://w3id.org/clusterkg/(ket|ati)/([a-z0-9-]+)>", text)
    names += re.findall(r"^(ket|ati):([a-z0-9-]+)\s", text, re.M)
    return {f"{scheme}:{name}" for scheme, name in names}


def generate_s3(path: Path, rows: int, seed: int, tree: Path = ROOT) -> dict[str, Any]:
    """Write ``rows`` synthetic S3 priorities to ``path``; the same seed and rows give the same
    file, byte for byte. Row ``n`` is in region ``n mod R`` and period ``(n div R) mod 2``, so
    the first 2R rows already give every region both strategies."""
    data_dir = tree / "data"
    regions = nuts2_regions(data_dir)
    by_technology = technology_nace(data_dir)
    known_nace = nace_codes(data_dir)
    known_technologies = technologies(tree / "ontology")
    rng = random.Random(seed)
    counts = {"rows": rows, "with_technologies": 0, "with_nace_codes": 0, "languages": {}}
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for number in range(1, rows + 1):
            code = regions[(number - 1) % len(regions)]
            period = PERIODS[((number - 1) // len(regions)) % len(PERIODS)]
            topic = rng.choice(TOPICS)
            qualifier = rng.choice(QUALIFIERS)
            language = rng.choice(LANGUAGES)
            label = f"{topic.names[language]} {qualifier[language]}".strip()
            english = f"{topic.names['en']} {qualifier['en']}".strip()
            technology = ""
            if topic.technology and rng.random() < 0.6:  # the others name it in the label only
                technology = topic.technology
                assert technology in known_technologies, technology
            nace = ""
            if rng.random() < 0.4:
                choices = topic.nace or by_technology[topic.technology or ""]
                picked = sorted(set(rng.sample(choices, k=min(len(choices), rng.randint(1, 2)))))
                assert all(c in known_nace for c in picked), picked
                nace = ";".join(picked)
            counts["with_technologies"] += bool(technology)
            counts["with_nace_codes"] += bool(nace)
            counts["languages"][language] = counts["languages"].get(language, 0) + 1
            region = code.lower()
            writer.writerow(
                [
                    f"synthetic-{number:05d}-{region}-{period}",
                    code,
                    period,
                    label,
                    language,
                    "" if language == "en" else english,
                    "" if language == "en" else "true",
                    f"Synthetic priority: {english}." if rng.random() < 0.3 else "",
                    nace,
                    "",
                    technology,
                    topic.names[language] if technology and rng.random() < 0.5 else "",
                    "",
                    f"https://example.org/synthetic/s3/{region}/{period}/{number:05d}",
                    f"... the strategy names {label} among its priorities ...",
                    "synthetic benchmark row",
                    "",
                ]
            )
    counts["regions"] = len(regions)
    counts["strategies"] = min(rows, len(regions) * len(PERIODS))
    counts["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    counts["bytes"] = path.stat().st_size
    return counts


# --------------------------------------------------------------------------------------------
# The trees
# --------------------------------------------------------------------------------------------


def head_commit(tree: Path) -> str | None:
    """The commit checked out in ``tree``, read from its .git files (no git command)."""
    git = tree / ".git"
    if git.is_file():  # a worktree: "gitdir: …"
        git = Path(git.read_text().split(":", 1)[1].strip())
    try:
        head = (git / "HEAD").read_text().strip()
    except OSError:
        return None
    if not head.startswith("ref: "):
        return head
    ref = head[5:]
    common = Path((git / "commondir").read_text().strip()) if (git / "commondir").exists() else git
    common = common if common.is_absolute() else (git / common).resolve()
    for base in (git, common):
        if (base / ref).exists():
            return (base / ref).read_text().strip()
    packed = common / "packed-refs"
    if packed.exists():
        for line in packed.read_text().splitlines():
            if line.endswith(f" {ref}"):
                return line.split()[0]
    return None


def fingerprint(tree: Path) -> str:
    """SHA-256 of the tree's code, shapes, ontology and data (names and contents)."""
    digest = hashlib.sha256()
    for part in ("src/kg", "shapes", "ontology", "data"):
        for path in sorted((tree / part).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(tree)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def tree_env(tree: Path, store: Path, quarantine: Path) -> dict[str, str]:
    """The environment of a subprocess of ``tree``: its src first on the path, no KG_* but the
    store and the quarantine, wide consoles (the before tree wraps its lines at COLUMNS)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    env.update(
        PYTHONPATH=str(tree / "src"),
        KG_STORE_PATH=str(store),
        KG_QUARANTINE_DIR=str(quarantine),
        COLUMNS="300",
    )
    return env


def check_tree(tree: Path, kg_file: str, dirs: dict[str, str]) -> None:
    """Stop unless the subprocess imported ``tree``'s kg and used its directories."""
    expected = {
        "kg": tree / "src" / "kg" / "__init__.py",
        "data": tree / "data",
        "shapes": tree / "shapes",
        "ontology": tree / "ontology",
    }
    found = {"kg": kg_file, **dirs}
    wrong = {k: v for k, v in found.items() if Path(v).resolve() != expected[k].resolve()}
    if wrong:
        raise SystemExit(f"a subprocess of {tree} used another tree's files: {wrong}")


# --------------------------------------------------------------------------------------------
# Subprocesses
# --------------------------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    returncode: int
    max_rss_mb: float
    stdout: str
    stderr: str


def run(args: list[str], env: dict[str, str], timeout: float = 3600) -> Run:
    """Run a command; the peak RSS is this child's own (os.wait4)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(args, env=env, stdout=out, stderr=err)  # noqa: S603
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
            seconds,
            process.returncode,
            usage.ru_maxrss / 1024,
            out.read(),
            err.read(),
        )


def kg_build(tree: Path, root: Path, sources: tuple[str, ...] = ()) -> dict[str, Any]:
    """``kg build`` (of ``sources``, or all) of ``tree`` into a fresh store under ``root``."""
    store, quarantine = root / "store", root / "quarantine"
    extra = [a for s in sources for a in ("--source", s)]
    result = run(
        [sys.executable, "-c", KG_MAIN, "build", *extra], tree_env(tree, store, quarantine)
    )
    found = TREE_LINE.search(result.stderr)
    if not found:
        raise SystemExit(
            f"kg build of {tree} said nothing about its tree:\n{result.stderr[-3000:]}"
        )
    kg_file, data, shapes, ontology = found.groups()
    check_tree(tree, kg_file, {"data": data, "shapes": shapes, "ontology": ontology})
    if result.returncode not in (0, 1):  # 1: some records quarantined
        raise SystemExit(
            f"kg build of {tree} failed ({result.returncode}):\n{result.stderr[-3000:]}"
        )
    ingested = [
        {
            "source": m["source"],
            **{k: int(m[k]) for k in ("read", "loaded", "quarantined", "triples", "warnings")},
            "seconds": float(m["seconds"]),
        }
        for m in SUMMARY.finditer(result.stdout)
    ]
    derived = [
        {
            "name": m["name"],
            "triples": int(m["triples"]),
            "graphs": int(m["graphs"]),
            "seconds": float(m["seconds"]),
        }
        for m in DERIVED.finditer(result.stdout)
    ]
    quads = QUADS.search(result.stdout)
    ingest_seconds = sum(s["seconds"] for s in ingested)
    records = sum(s["read"] for s in ingested)
    triples = sum(s["triples"] for s in ingested)
    return {
        "kg_file": kg_file,
        "data_dir": data,
        "store": str(store),
        "returncode": result.returncode,
        "wall_seconds": round(result.seconds, 2),
        "peak_rss_mb": round(result.max_rss_mb, 1),
        "quads": int(quads[1]) if quads else None,
        "records_read": records,
        "records_loaded": sum(s["loaded"] for s in ingested),
        "records_quarantined": sum(s["quarantined"] for s in ingested),
        "triples": triples,
        "warnings": sum(s["warnings"] for s in ingested),
        "ingest_seconds": round(ingest_seconds, 1),
        "ingest_records_per_s": rate(records, ingest_seconds),
        "ingest_triples_per_s": rate(triples, ingest_seconds),
        "derived_triples": sum(d["triples"] for d in derived),
        "derive_seconds": round(sum(d["seconds"] for d in derived), 1),
        "sources": ingested,
        "derived": derived,
        "stderr_lines": [line for line in result.stderr.splitlines() if line.strip()][-60:],
    }


def ingest_once(tree: Path, reference: Path, csv_file: Path, root: Path) -> dict[str, Any]:
    """One timed ingest of the CSV by ``tree`` in a fresh copy of its reference store."""
    store = root / "store"
    shutil.copytree(reference, store)
    out = root / "result.json"
    result = run(
        [sys.executable, str(Path(__file__).resolve()), "_ingest", str(csv_file), str(out)],
        tree_env(tree, store, root / "quarantine"),
    )
    if result.returncode != 0 or not out.exists():
        raise SystemExit(f"the ingest of {tree} failed ({result.returncode}):\n{result.stderr}")
    measured: dict[str, Any] = json.loads(out.read_text())
    check_tree(
        tree,
        measured["kg_file"],
        {k: measured[f"{k}_dir"] for k in ("data", "shapes", "ontology")},
    )
    for worker in measured["worker_kg_files"]:
        check_tree(tree, worker, {})
    measured["process_wall_seconds"] = round(result.seconds, 2)
    measured["process_peak_rss_mb"] = round(result.max_rss_mb, 1)
    shutil.rmtree(root, ignore_errors=True)
    return measured


# --------------------------------------------------------------------------------------------
# In the subprocess: one ingest_file, timed (this tree's kg only is imported here)
# --------------------------------------------------------------------------------------------


def _worker_kg_file() -> tuple[int, str]:
    """The process id of a validation worker, and the kg package it imported."""
    import kg

    return os.getpid(), str(kg.__file__)


def child_ingest(csv_file: Path, out: Path) -> None:
    """Time ``ingest_file`` of ``csv_file`` as a new source into the store of KG_STORE_PATH,
    and how long its mapping, its validation and its store write took (by wrapping them)."""
    import kg
    from kg.config import get_settings
    from kg.ingest import pipeline
    from kg.ingest.provenance import SourceDescription
    from kg.store import EmbeddedStore
    from kg.validation import ShapeValidator

    settings = get_settings()
    validator = ShapeValidator(settings.shapes_dir, settings.ontology_dir)
    started = time.perf_counter()
    _ = validator.shapes, validator.ontology
    parse_seconds = time.perf_counter() - started
    phases = {"mapping": 0.0, "validation": 0.0, "store_write": 0.0}

    get_mapping = pipeline.get_mapping

    def timed_mapping(name: str) -> Any:
        mapping = get_mapping(name)

        def mapped(context: Any) -> Any:
            started = time.perf_counter()
            records = list(mapping(context))
            phases["mapping"] += time.perf_counter() - started
            return iter(records)

        return mapped

    validate_batches = validator.validate_batches

    def timed_validation(*args: Any, **kwargs: Any) -> Any:
        batches = validate_batches(*args, **kwargs)
        while True:
            started = time.perf_counter()
            try:
                reports = next(batches)
            except StopIteration:
                return
            finally:
                phases["validation"] += time.perf_counter() - started
            yield reports

    pipeline.get_mapping = timed_mapping  # type: ignore[assignment]
    validator.validate_batches = timed_validation  # type: ignore[method-assign]
    source = SourceDescription(name=SOURCE_NAME, title=f"Synthetic S3 priorities ({csv_file.name})")
    with EmbeddedStore(settings.store_path) as store:
        replace_graph = store.replace_graph

        def timed_write(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return replace_graph(*args, **kwargs)
            finally:
                phases["store_write"] += time.perf_counter() - started

        store.replace_graph = timed_write  # type: ignore[method-assign]
        started = time.perf_counter()
        report = pipeline.ingest_file(
            store,
            settings,
            validator,
            source=source,
            path=csv_file,
            mapping_name="s3-priorities",
        )
        seconds = time.perf_counter() - started
        quads = len(store)
    pool = getattr(validator, "_pool", None)
    asked = [] if pool is None else [pool.submit(_worker_kg_file) for _ in range(8)]
    workers = dict(future.result() for future in asked)
    validator.close()
    result = {
        "kg_file": kg.__file__,
        "worker_kg_files": sorted(set(workers.values())),
        "workers_asked": len(workers),
        "data_dir": str(settings.data_dir),
        "shapes_dir": str(settings.shapes_dir),
        "ontology_dir": str(settings.ontology_dir),
        "validation_workers": settings.validation_workers,
        "validation_batch_size": settings.validation_batch_size,
        "parse_shapes_seconds": round(parse_seconds, 3),
        "seconds": round(seconds, 3),
        "report_seconds": round(report.seconds, 3),
        "records_read": report.records_read,
        "records_loaded": report.records_loaded,
        "records_quarantined": report.records_quarantined,
        "triples": report.triples,
        "warnings": report.warnings,
        "records_per_s": rate(report.records_read, seconds),
        "triples_per_s": rate(report.triples, seconds),
        "phases_seconds": {k: round(v, 3) for k, v in phases.items()}
        | {"other": round(seconds - sum(phases.values()), 3)},
        "quads_after": quads,
        "first_quarantined": [f"{q.record.key}: {q.reason}"[:500] for q in report.quarantined[:5]],
    }
    out.write_text(json.dumps(result, indent=1) + "\n")


# --------------------------------------------------------------------------------------------
# The benchmark
# --------------------------------------------------------------------------------------------


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of median wall time (the lower middle one for an even count)."""
    ordered = sorted(runs, key=lambda r: r["seconds"])
    return ordered[(len(ordered) - 1) // 2]


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    seconds = [r["seconds"] for r in runs]
    middle = median_run(runs)
    return {
        "runs": len(runs),
        "seconds_median": round(statistics.median(seconds), 3),
        "seconds_all": seconds,
        "records_read": middle["records_read"],
        "records_loaded": middle["records_loaded"],
        "records_quarantined": max(r["records_quarantined"] for r in runs),
        "triples": middle["triples"],
        "warnings": middle["warnings"],
        "records_per_s_median": rate(middle["records_read"], statistics.median(seconds)),
        "triples_per_s_median": rate(middle["triples"], statistics.median(seconds)),
        "records_per_s_all": [r["records_per_s"] for r in runs],
        "phases_seconds_of_median_run": middle["phases_seconds"],
        "runs_detail": runs,
    }


def table(result: dict[str, Any]) -> list[str]:
    before, after = result["trees"]["before"], result["trees"]["after"]
    rows = result["s3_csv"]["rows"]
    b, a = before["s3_rows"], after["s3_rows"]
    m = result["machine"]
    goal = f"≥ {GOAL_RECORDS_PER_S:,} validated records/s"

    def both(key: str, fmt: str = "{:,}") -> str:
        return f"{fmt.format(b[key])} | {fmt.format(a[key])}"

    def phases(summary: dict[str, Any]) -> str:
        p = summary["phases_seconds_of_median_run"]
        return (
            f"{p['mapping']:.1f} / {p['validation']:.1f} / {p['store_write']:.1f} / "
            f"{p['other']:.1f}"
        )

    met = "met" if a["records_per_s_median"] >= GOAL_RECORDS_PER_S else "**not met**"
    lines = [
        f"Machine: {m['cpu_count']} CPUs ({m['cpu_model']}), {m['memory_gb']} GB RAM, Python "
        f"{m['python']}, pyoxigraph {m['packages']['pyoxigraph']}, pyshacl "
        f"{m['packages']['pyshacl']}; {m['date'][:10]}. Before: {before['commit'][:7]} "
        f"(/tmp worktree); after: the working tree at {(after['commit'] or '?')[:7]}. Total "
        f"{result['total_minutes']:.1f} min.",
        "",
        f"| measure | before ({before['commit'][:7]}) | after (working tree) | goal |",
        "|---|--:|--:|--:|",
        f"| S3 rows: `ingest_file` of {rows:,} generated rows ({b['records_read']:,} records "
        f"with the strategies), validated records/s, median of {b['runs']} | "
        f"{b['records_per_s_median']:,.0f} | {a['records_per_s_median']:,.0f} | {goal} "
        f"({met}) |",
        f"| — triples/s | {b['triples_per_s_median']:,.0f} | {a['triples_per_s_median']:,.0f} | |",
        f"| — seconds, median (all runs) | {b['seconds_median']:.1f} "
        f"({', '.join(f'{s:.1f}' for s in b['seconds_all'])}) | {a['seconds_median']:.1f} "
        f"({', '.join(f'{s:.1f}' for s in a['seconds_all'])}) | |",
        f"| — records read / loaded / quarantined | {b['records_read']:,} / "
        f"{b['records_loaded']:,} / {b['records_quarantined']} | {a['records_read']:,} / "
        f"{a['records_loaded']:,} / {a['records_quarantined']} | 0 quarantined |",
        f"| — triples loaded; warnings | {b['triples']:,}; {b['warnings']:,} | "
        f"{a['triples']:,}; {a['warnings']:,} | |",
        f"| — seconds mapping / validating / writing the store / rest, median run | "
        f"{phases(b)} | {phases(a)} | |",
    ]
    bb, ab = before.get("bundled_build"), after.get("bundled_build")
    if bb and ab:

        def pair(key: str, fmt: str) -> str:
            return " | ".join("—" if x[key] is None else fmt.format(x[key]) for x in (bb, ab))

        lines += [
            f"| bundled `kg build` (all sources and derivations, fresh store), wall s | "
            f"{pair('wall_seconds', '{:.1f}')} | |",
            f"| — records read / loaded / quarantined | {bb['records_read']:,} / "
            f"{bb['records_loaded']:,} / {bb['records_quarantined']} | {ab['records_read']:,} / "
            f"{ab['records_loaded']:,} / {ab['records_quarantined']} | |",
            f"| — triples loaded; derived | {bb['triples']:,}; {bb['derived_triples']:,} | "
            f"{ab['triples']:,}; {ab['derived_triples']:,} | |",
            f"| — ingest part: seconds (sum over sources) | {pair('ingest_seconds', '{:.1f}')} | |",
            f"| — ingest part: records/s | {pair('ingest_records_per_s', '{:,.0f}')} | |",
            f"| — ingest part: triples/s | {pair('ingest_triples_per_s', '{:,.0f}')} | |",
            f"| — derivations, seconds | {pair('derive_seconds', '{:.1f}')} | |",
            f"| — peak RSS, MB | {pair('peak_rss_mb', '{:,.0f}')} | |",
            f"| — quads in the store | {pair('quads', '{:,}')} | |",
        ]
    lines += [
        f"| reference store (`kg build --source` {', '.join(result['reference_sources'])}), "
        "wall s | "
        f"{before['reference_build']['wall_seconds']:.1f} | "
        f"{after['reference_build']['wall_seconds']:.1f} | |",
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, default=BEFORE_TREE, help="the before tree")
    parser.add_argument("--before-commit", default=BEFORE_COMMIT)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--reference-sources",
        nargs="+",
        default=list(REFERENCE_SOURCES),
        help="bundled sources of the store the rows are ingested into (default: what they need)",
    )
    parser.add_argument("--no-bundled-build", action="store_true")
    parser.add_argument("--name", default="ingest")
    parser.add_argument("--keep", action="store_true", help="keep the temp directory")
    parser.add_argument("--generate-only", type=Path, metavar="FILE")
    args = parser.parse_args()
    if args.generate_only:
        print(json.dumps(generate_s3(args.generate_only, args.rows, args.seed), indent=1))
        return

    started = time.perf_counter()
    trees = {"before": args.before.resolve(), "after": ROOT}
    commits = {name: head_commit(tree) for name, tree in trees.items()}
    if not (commits["before"] or "").startswith(args.before_commit):
        raise SystemExit(
            f"{args.before} is at {commits['before']}, not {args.before_commit}: "
            f"git -C {ROOT} worktree add {args.before} {args.before_commit}"
        )
    prints = {name: fingerprint(tree) for name, tree in trees.items()}
    work = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    result: dict[str, Any] = {
        "machine": machine_facts(["pyoxigraph", "pyshacl", "rdflib", "owlrl"]),
        "goal_records_per_s": GOAL_RECORDS_PER_S,
        "reference_sources": args.reference_sources,
        "trees": {
            name: {"path": str(tree), "commit": commits[name], "fingerprint_start": prints[name]}
            for name, tree in trees.items()
        },
    }
    result["trees"]["after"]["note"] = "the working tree, uncommitted edits included"
    try:
        csv_file = work / "s3_priorities_synthetic.csv"
        result["s3_csv"] = {"seed": args.seed, **generate_s3(csv_file, args.rows, args.seed)}
        log(f"generated {csv_file} ({args.rows:,} rows)")
        references: dict[str, Path] = {}
        for name, tree in trees.items():
            log(f"{name}: reference store (kg build --source {' '.join(args.reference_sources)})")
            built = kg_build(tree, work / f"reference-{name}", tuple(args.reference_sources))
            if built["records_quarantined"]:
                raise SystemExit(f"{name}: the reference build quarantined records")
            references[name] = Path(built["store"])
            result["trees"][name]["reference_build"] = built
            log(f"   {built['wall_seconds']:.1f} s, kg from {built['kg_file']}")
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in trees}
        for index in range(args.runs):
            order = list(trees) if index % 2 == 0 else list(reversed(trees))
            for name in order:
                log(f"{name}: ingest_file of the CSV, run {index + 1}/{args.runs}")
                measured = ingest_once(
                    trees[name], references[name], csv_file, work / f"ingest-{name}-{index}"
                )
                runs[name].append(measured)
                log(
                    f"   {measured['seconds']:.1f} s, {measured['records_per_s']:,.0f} records/s, "
                    f"{measured['records_quarantined']} quarantined, kg from {measured['kg_file']}"
                )
                if measured["records_quarantined"]:
                    raise SystemExit(
                        f"{name} quarantined generated rows; change the generator: "
                        + "; ".join(measured["first_quarantined"])
                    )
        for name in trees:
            result["trees"][name]["s3_rows"] = summarise(runs[name])
        if not args.no_bundled_build:
            for name, tree in trees.items():
                log(f"{name}: kg build of every bundled source")
                built = kg_build(tree, work / f"bundled-{name}")
                result["trees"][name]["bundled_build"] = built
                log(f"   {built['wall_seconds']:.1f} s, {built['records_read']:,} records")
                shutil.rmtree(work / f"bundled-{name}", ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    for name, tree in trees.items():
        result["trees"][name]["fingerprint_end"] = fingerprint(tree)
        if result["trees"][name]["fingerprint_end"] != prints[name]:
            log(f"WARNING: the files of the {name} tree changed during the run")
    result["total_minutes"] = round((time.perf_counter() - started) / 60, 1)
    lines = table(result)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.name}.json").write_text(json.dumps(result, indent=1) + "\n")
    (RESULTS / f"{args.name}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "_ingest":  # the timed subprocess
        child_ingest(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        main()
