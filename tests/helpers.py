"""Small helpers shared by test modules: reading source tables as the tests' independent
reference, building mapping contexts, merging record graphs."""

from __future__ import annotations

import csv
import time
from collections.abc import Iterable
from pathlib import Path

import httpx
from rdflib import Graph, URIRef

from kg.config import Settings
from kg.ingest.pipeline import IngestReport, ingest_file
from kg.ingest.provenance import SourceDescription
from kg.ingest.records import MappingContext, Record
from kg.store import Store
from kg.validation import ShapeValidator

BASE = "https://w3id.org/clusterkg/id/"


def wait_until_ready(base: str, index: str, timeout: float = 180) -> None:
    """Wait until the server's ``/healthz`` says ``index`` is ready; until then it must say
    ``building`` (never ``off`` or anything else)."""
    deadline = time.monotonic() + timeout
    status = ""
    while time.monotonic() < deadline:
        status = httpx.get(f"{base}/healthz", timeout=60).json()[index]
        if status == "ready":
            return
        assert status == "building", status
        time.sleep(0.5)
    raise AssertionError(f"{index} not ready after {timeout:.0f} s: {status}")


def csv_rows(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    """A source table read with the csv module alone (not with the project's readers)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def mapping_context(path: Path, source: str, data_dir: Path | None = None) -> MappingContext:
    """The context the pipeline would give a mapping of ``path`` as source ``source``."""
    return MappingContext(
        base_iri=BASE,
        source_name=source,
        source_file=path,
        source_document=URIRef(f"{BASE}source/{source}/{path.name}"),
        data_dir=data_dir,
    )


def merged(records: Iterable[Record]) -> Graph:
    """All the records' triples in one graph."""
    graph = Graph()
    for record in records:
        graph += record.graph
    return graph


def ingest_as(
    store: Store,
    settings: Settings,
    validator: ShapeValidator,
    path: Path,
    *,
    source: str,
    mapping: str | None,
    dry_run: bool = False,
    replace: bool = False,
) -> IngestReport:
    """The real pipeline on ``path`` as source ``source`` (its name is also its title)."""
    return ingest_file(
        store,
        settings,
        validator,
        source=SourceDescription(name=source, title=source),
        path=path,
        mapping_name=mapping,
        dry_run=dry_run,
        replace=replace,
    )
