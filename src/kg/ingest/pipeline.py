"""Ingest: read → map → validate per batch → load valid records atomically → quarantine the rest.

Nothing is silently dropped: ``records_read == records_loaded + records_quarantined`` for every
run, and the report says so.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from kg.config import Settings
from kg.errors import Conflict, InvalidInput
from kg.ingest.changes import Changes, Descriptions, compare, stored_descriptions
from kg.ingest.mappings import get_mapping
from kg.ingest.provenance import IngestFacts, SourceDescription, UsedFile, describe_ingest
from kg.ingest.quarantine import QuarantinedRecord, record_messages, write_quarantine
from kg.ingest.readers import file_format, require_file
from kg.ingest.records import MappingContext, Record, RowMessage, record_iri
from kg.store import NTriples, Store
from kg.validation import (
    ReferenceLookup,
    ShapeValidator,
    ValidationReport,
    scheme_lookup_from_graph,
)

#: Called with (records done, records total) while validating.
Progress = Callable[[int, int], None]

#: Characters RFC 3987 does not allow in an IRI (and that would break a SPARQL IRI reference).
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
#: The metadata graph is ``{base}graph/meta`` (see Settings.meta_graph); no source may take it.
RESERVED_SOURCE_NAME = "meta"
_SOURCE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


#: Version of the JSON report's layout (README, "The ingest report"); raised when it changes.
REPORT_SCHEMA = 1


@dataclass(frozen=True)
class RowReport:
    """What happened to one input record: loaded or quarantined, and every finding about it."""

    record: str
    line: int | None
    location: str | None
    outcome: str  # "loaded" | "quarantined"
    iri: str | None
    messages: list[RowMessage]

    def as_json(self) -> dict[str, object]:
        """JSON form (README, "The ingest report")."""
        return {
            "line": self.line,
            "location": self.location,
            "record": self.record,
            "outcome": self.outcome,
            "iri": self.iri,
            "messages": [m.as_json() for m in self.messages],
        }


def row_report(record: Record, validation: ValidationReport | None, loaded: bool) -> RowReport:
    """The report of one record: the mapping's findings, then the shapes'."""
    return RowReport(
        record=record.key,
        line=record.line,
        location=record.location,
        outcome="loaded" if loaded else "quarantined",
        iri=record_iri(record.graph),
        messages=record_messages(record, validation),
    )


@dataclass
class IngestReport:
    """What one ingest did, in numbers, and per record."""

    source: str
    graph: str
    file: Path
    records_read: int
    records_loaded: int
    records_quarantined: int
    triples: int
    quarantine_file: Path | None
    seconds: float
    written: bool
    quarantined: list[QuarantinedRecord]
    #: Non-blocking findings on loaded records: (record key, plain-words finding).
    warning_notes: list[tuple[str, str]] = field(default_factory=list)
    #: Loaded records published on an older NUTS code and linked to current regions.
    records_remapped: int = 0
    #: Loaded records whose published NUTS code leads to no current region.
    records_unresolved: int = 0
    #: One entry per record read, in input order.
    rows: list[RowReport] = field(default_factory=list)
    #: The mapping applied.
    mapping: str | None = None
    #: Whether the source existed and was replaced (or, in a dry run, would be).
    replaced: bool = False
    #: What the replace changed, by resource (when the source existed).
    changes: Changes | None = None
    #: SHA-256 of the input file.
    checksum: str | None = None
    #: Who loaded it (a write key's name), when known.
    agent: str | None = None

    @property
    def warnings(self) -> int:
        """Number of non-blocking findings on loaded records."""
        return len(self.warning_notes)

    @property
    def balanced(self) -> bool:
        """Every record read was either loaded or quarantined."""
        return self.records_read == self.records_loaded + self.records_quarantined

    def as_json(self) -> dict[str, object]:
        """The machine-readable report (README, "The ingest report")."""
        return {
            "schema": REPORT_SCHEMA,
            "source": self.source,
            "graph": self.graph,
            "file": self.file.name,
            "sha256": self.checksum,
            "mapping": self.mapping,
            "dry_run": not self.written,
            "written": self.written,
            "agent": self.agent,
            "seconds": round(self.seconds, 3),
            "records": {
                "read": self.records_read,
                "loaded": self.records_loaded,
                "quarantined": self.records_quarantined,
                "warnings": self.warnings,
            },
            "triples": self.triples,
            "nuts": {"remapped": self.records_remapped, "unresolved": self.records_unresolved},
            "replaced": (
                self.changes.as_json()
                if self.changes is not None
                else ({"removed": None, "added": None, "changed": None} if self.replaced else None)
            ),
            "rows": [row.as_json() for row in self.rows],
        }

    def summary(self) -> str:
        """One line for people."""
        verb = "loaded" if self.written else "valid (dry run, nothing written)"
        text = (
            f"{self.source}: {self.records_read} records read, {self.records_loaded} {verb}, "
            f"{self.records_quarantined} quarantined, {self.triples} triples, "
            f"{self.warnings} warnings ({self.seconds:.1f} s)"
        )
        if self.records_remapped or self.records_unresolved:
            text += (
                f"; NUTS codes: {self.records_remapped} records remapped to current regions, "
                f"{self.records_unresolved} unresolved"
            )
        if self.quarantine_file and self.records_quarantined:
            text += f"; see {self.quarantine_file}"
        if self.changes is not None:
            text += f"; {self.changes.summary()}"
        return text


def check_source_name(name: str) -> str:
    """Source names become graph IRIs and file names: lower-case letters, digits and '-'.

    >>> check_source_name("s3-priorities")
    's3-priorities'
    """
    if name == RESERVED_SOURCE_NAME:
        raise InvalidInput(
            f"source name {name!r} is reserved: graph <…/graph/{name}> holds the provenance "
            "of all sources"
        )
    if not _SOURCE_NAME.match(name):
        raise InvalidInput(
            f"source name {name!r} must be 1-63 lower-case letters, digits or '-', "
            "starting with a letter or digit"
        )
    return name


def default_mapping_for(path: Path) -> str:
    """The mapping to use when none is named: RDF files need none; tables and YAML do."""
    if file_format(path) == "rdf":
        return "rdf"
    raise InvalidInput(
        f"{path.name}: a {path.suffix} file needs a mapping; name one with --mapping "
        "(see `kg ingest --help` for the mapping names)"
    )


def store_lookup(store: Store, exclude_graph: str) -> ReferenceLookup:
    """Answer reference look-ups (types, concept schemes) from the store, ignoring the graph
    being replaced so a record cannot lean on the stale copy of itself.

    Answers are remembered for the lookup's life (one ingest, during which the other graphs do
    not change): batches of a source refer to the same regions and code lists over and over."""
    known: dict[URIRef, list[tuple[URIRef, URIRef, URIRef]]] = {}

    def lookup(iris: set[URIRef]) -> Graph:
        missing = {iri for iri in iris if iri not in known}
        if missing:
            for iri in missing:
                known[iri] = []
            for s, p, o in _query_types_and_schemes(missing):
                known[URIRef(str(s))].append((URIRef(str(s)), URIRef(str(p)), URIRef(str(o))))
        graph = Graph()
        for iri in iris:
            for triple in known[iri]:
                graph.add(triple)
        return graph

    def _query_types_and_schemes(iris: set[URIRef]) -> Graph:
        graph = Graph()
        # Only well-formed IRIs can be in the store; a malformed one (a CSV code with a space, say)
        # is left for the shapes to report. Chunks keep each query small.
        ordered = sorted(iri for iri in iris if not _NOT_IN_IRI.search(iri))
        for start in range(0, len(ordered), 400):
            values = " ".join(iri.n3() for iri in ordered[start : start + 400])
            result = store.query(
                "SELECT ?s ?p ?o WHERE { VALUES ?s { " + values + " } "
                "GRAPH ?g { ?s ?p ?o } FILTER(?g != " + URIRef(exclude_graph).n3() + ") "
                "FILTER(?p IN (" + RDF.type.n3() + ", " + SKOS.inScheme.n3() + ")) }"
            )
            for row in result.rows:
                graph.add((row["s"], row["p"], row["o"]))
        return graph

    return lookup


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in chunks (sources can be hundreds of MB; the mapping reads the
    file itself, so holding a second copy in memory only for the checksum is waste)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def source_index(records: list[Record]) -> Graph:
    """Types and concept schemes of every node the source's records describe, so a record may
    refer to one validated in another batch (a NUTS region to its parent, say)."""
    index = Graph()
    for record in records:
        for predicate in (RDF.type, SKOS.inScheme):
            for triple in record.graph.triples((None, predicate, None)):
                index.add(triple)
    return index


def combined_lookup(local: Graph, fallback: ReferenceLookup) -> ReferenceLookup:
    """Look references up in this source first, then (for the rest) in the store."""
    from_local = scheme_lookup_from_graph(local)

    def lookup(iris: set[URIRef]) -> Graph:
        found = from_local(iris)
        missing = {iri for iri in iris if (iri, None, None) not in found}
        if missing:
            for triple in fallback(missing):
                found.add(triple)
        return found

    return lookup


def source_exists(store: Store, settings: Settings, name: str) -> bool:
    """Whether a source of this name was loaded: its graph holds triples, or the metadata
    graph describes it (a load whose every record was quarantined leaves an empty graph)."""
    graph = URIRef(settings.source_graph(name)).n3()
    meta = URIRef(settings.meta_graph).n3()
    return bool(
        store.query(
            f"ASK {{ {{ GRAPH {graph} {{ ?s ?p ?o }} }} UNION "
            f"{{ GRAPH {meta} {{ {graph} a ?type }} }} }}"
        ).boolean
    )


def ingest_file(
    store: Store,
    settings: Settings,
    validator: ShapeValidator,
    *,
    source: SourceDescription,
    path: Path,
    mapping_name: str | None = None,
    dry_run: bool = False,
    replace: bool = False,
    compare_changes: bool = True,
    agent: str | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Ingest one source file into its named graph (or only validate it, with ``dry_run``).

    A source that was loaded before is refused (:class:`~kg.errors.Conflict`, nothing read or
    written) unless ``replace`` is given; a replace reports, with ``compare_changes``, which
    resources it removed, added and changed. The write is one transaction: readers see the old
    graph or the new one. The quarantine file is written after the store write succeeded."""
    started = datetime.now(UTC)
    check_source_name(source.name)
    require_file(path)
    graph_iri = settings.source_graph(source.name)
    exists = source_exists(store, settings, source.name)
    if exists and not replace:
        raise Conflict(
            f"source {source.name!r} is already loaded (graph <{graph_iri}>); to replace it "
            "with this file's valid records, ask for a replace (kg ingest --replace, or "
            "replace=true over HTTP). Nothing was written."
        )
    mapping_name = mapping_name or default_mapping_for(path)
    mapping = get_mapping(mapping_name)
    documents = f"{settings.base_iri}source/{source.name}/"
    source_document = URIRef(f"{documents}{path.name}")
    context = MappingContext(
        base_iri=settings.base_iri,
        source_name=source.name,
        source_file=path,
        source_document=source_document,
        data_dir=settings.data_dir,
    )
    records = list(mapping(context))

    # Loaded records as N-Triples lines: the same text the validation workers get, and the
    # store's input (an rdflib graph of the loaded records cost seconds for large sources).
    loaded: dict[str, None] = {}
    quarantined: list[QuarantinedRecord] = []
    rows: dict[int, RowReport] = {}
    loaded_count = 0
    remap_counts = {"remapped": 0, "unresolved": 0}
    warning_notes: list[tuple[str, str]] = []
    after = Descriptions(documents) if exists and compare_changes else None
    mappable = [r for r in records if r.problem is None]
    lookup = combined_lookup(source_index(mappable), store_lookup(store, graph_iri))
    for position, record in enumerate(records):
        if record.problem is not None:
            quarantined.append(QuarantinedRecord(record))
            rows[position] = row_report(record, None, loaded=False)
    positions = {id(record): position for position, record in enumerate(records)}
    batch_size = settings.validation_batch_size
    done = len(records) - len(mappable)
    if progress:
        progress(done, len(records))
    batches = [
        mappable[start : start + batch_size] for start in range(0, len(mappable), batch_size)
    ]
    texts = [[NTriples.of(record.graph) for record in batch] for batch in batches]
    validated = validator.validate_batches(
        batches, lookup, workers=settings.validation_workers, texts=texts
    )
    for batch, batch_texts, reports in zip(batches, texts, validated, strict=True):
        for record, text, validation in zip(batch, batch_texts, reports, strict=True):
            rows[positions[id(record)]] = row_report(record, validation, validation.conforms)
            if validation.conforms:
                warning_notes.extend((record.key, w.text) for w in record.warnings)
                warning_notes.extend((record.key, w.plain()) for w in validation.warnings)
                loaded_count += 1
                if record.region_remap:
                    remap_counts[record.region_remap] += 1
                loaded.update(dict.fromkeys(text.splitlines()))
                if after is not None:
                    after.add(record.graph)
                # its triples now live in `loaded`; drop the record's copy (halves peak memory)
                record.graph = Graph()
            else:
                quarantined.append(QuarantinedRecord(record, validation))
        done += len(batch)
        if progress:
            progress(done, len(records))

    changes = None
    if after is not None:
        changes = compare(stored_descriptions(store, graph_iri, documents), after)
    quarantine_file = settings.quarantine_dir / f"{source.name}.jsonl"
    checksum = file_sha256(path)
    ended = datetime.now(UTC)
    if not dry_run:
        facts = IngestFacts(
            source_file=path,
            source_document=source_document,
            checksum_sha256=checksum,
            byte_size=path.stat().st_size,
            started=started,
            ended=ended,
            records_read=len(records),
            records_loaded=loaded_count,
            records_quarantined=len(quarantined),
            triples=len(loaded),
            records_remapped=remap_counts["remapped"],
            records_unresolved=remap_counts["unresolved"],
            other_files=tuple(
                UsedFile(
                    path=used,
                    document=context.document(used),
                    checksum_sha256=file_sha256(used),
                    byte_size=used.stat().st_size,
                )
                for used in context.used_files
            ),
            agent=agent,
            replaced=exists,
        )
        metadata = describe_ingest(graph_iri, f"{settings.base_iri}catalog", source, facts)
        store.replace_graph(
            graph_iri,
            NTriples("\n".join(loaded)),
            metadata=metadata,
            metadata_graph=settings.meta_graph,
        )
        # Only after the store took the new graph: a failed write must not leave a quarantine
        # report of a load that did not happen.
        write_quarantine(quarantine_file, source.name, quarantined)
    report = IngestReport(
        source=source.name,
        graph=graph_iri,
        file=path,
        records_read=len(records),
        records_loaded=loaded_count,
        records_quarantined=len(quarantined),
        triples=len(loaded),
        quarantine_file=None if dry_run else quarantine_file,
        seconds=(datetime.now(UTC) - started).total_seconds(),
        written=not dry_run,
        quarantined=quarantined,
        warning_notes=warning_notes,
        records_remapped=remap_counts["remapped"],
        records_unresolved=remap_counts["unresolved"],
        rows=[rows[position] for position in range(len(records))],
        mapping=mapping_name,
        replaced=exists,
        changes=changes,
        checksum=checksum,
        agent=agent,
    )
    if not report.balanced:  # a bug, not bad input: never let it pass quietly
        raise AssertionError(f"record counts do not add up: {report.summary()}")
    return report
