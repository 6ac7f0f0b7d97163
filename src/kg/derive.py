"""Computed graphs: the entry point beside :func:`kg.ingest.pipeline.ingest_file` for knowledge
ClusterKG derives from other graphs (technology strengths now, matches next).

A derivation reads its input graphs from the store, computes a graph, validates it against the
shapes, and replaces its own named graph ``{base}graph/{name}`` in one step together with its
PROV-O description: the activity, the input graphs it used (``prov:used``), the method it
followed (a ``prov:Plan`` with its documentation and version) and the software that ran it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, XSD
from rdflib.term import Identifier

from kg.config import Settings
from kg.errors import InvalidInput
from kg.ingest.pipeline import store_lookup
from kg.ingest.provenance import SOFTWARE_AGENT, describe_dataset
from kg.ingest.records import Record
from kg.store import NTriples, Store
from kg.validation import ReferenceLookup, ShapeValidator


@dataclass(frozen=True)
class Method:
    """The documented method of a derivation (its ``prov:Plan``)."""

    name: str
    title: str
    description: str
    #: Where the method is written down (a path of the repository's docs).
    documentation: str
    version: str


@dataclass(frozen=True)
class DeriveReport:
    """What one derivation did."""

    name: str
    graph: str
    triples: int
    inputs: tuple[str, ...]
    seconds: float

    def summary(self) -> str:
        """One line for people."""
        return (
            f"{self.name}: {self.triples} triples derived from {len(self.inputs)} graphs "
            f"({self.seconds:.1f} s)"
        )


#: Computes the derived triples from the store; gets the activity IRI to link resources to.
Computation = Callable[[Store, URIRef], Sequence[tuple[URIRef, URIRef, Identifier]]]


def derive(
    store: Store,
    settings: Settings,
    validator: ShapeValidator | None,
    *,
    method: Method,
    inputs: list[str],
    compute: Computation,
    record_key: Callable[[URIRef], str] | None = None,
) -> DeriveReport:
    """Compute ``method``'s graph from ``inputs`` and replace it, with provenance, atomically.

    Input graphs must hold data: deriving from an empty graph would write an empty answer that
    looks like a real one, so it is refused with the graphs to build first. A derived graph that
    violates the shapes is a bug in the computation and is refused, leaving the old graph.
    ``record_key`` groups the triples into the records validated together (default: by subject
    without its ``#`` fragment, see :func:`resource_records`).
    """
    started = datetime.now(UTC)
    # One ASK per input: counting every graph of the store would scan all of it.
    empty = [
        graph
        for graph in inputs
        if not store.query(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}").boolean
    ]
    if empty:
        raise InvalidInput(
            f"{method.name} is derived from graphs that are empty or missing: "
            f"{', '.join(empty)}; run `kg build` first"
        )
    graph_iri = settings.source_graph(method.name)
    activity = URIRef(f"{graph_iri}#derivation")
    triples = list(dict.fromkeys(compute(store, activity)))
    if validator is not None:
        records = resource_records(triples, record_key)
        _validate(validator, records, store_lookup(store, graph_iri), settings, method.name)
    data = NTriples.of(triples)
    ended = datetime.now(UTC)
    metadata = describe_derivation(
        graph_iri, f"{settings.base_iri}catalog", method, inputs, len(triples), started, ended
    )
    store.replace_graph(graph_iri, data, metadata=metadata, metadata_graph=settings.meta_graph)
    return DeriveReport(
        name=method.name,
        graph=graph_iri,
        triples=len(triples),
        inputs=tuple(inputs),
        seconds=(datetime.now(UTC) - started).total_seconds(),
    )


def resource_records(
    data: Sequence[tuple[URIRef, URIRef, Identifier]],
    record_key: Callable[[URIRef], str] | None = None,
) -> list[Record]:
    """The derived graph as one record per resource: its subjects grouped by ``record_key``,
    by default the IRI without the ``#`` fragment (a strength with its components), so it
    validates in batches like an ingest.
    """
    groups: dict[str, Graph] = {}
    for triple in data:
        key = record_key(triple[0]) if record_key else str(triple[0]).split("#", 1)[0]
        groups.setdefault(key, Graph()).add(triple)
    return [Record(key=key, graph=groups[key]) for key in sorted(groups)]


def _validate(
    validator: ShapeValidator,
    records: list[Record],
    lookup: ReferenceLookup,
    settings: Settings,
    name: str,
) -> None:
    """Validate the derived records in batches (pyshacl's cost grows faster than the graph);
    a violation is a bug in the computation, so nothing is written."""
    size = settings.validation_batch_size
    batches = [records[start : start + size] for start in range(0, len(records), size)]
    validated = validator.validate_batches(batches, lookup, workers=settings.validation_workers)
    for batch, reports in zip(batches, validated, strict=True):
        for record, report in zip(batch, reports, strict=True):
            if not report.conforms:
                raise AssertionError(
                    f"the derived graph {name} violates the shapes at {record.key}:\n"
                    f"{report.plain()}"
                )


def describe_derivation(
    graph_iri: str,
    catalog_iri: str,
    method: Method,
    inputs: list[str],
    triples: int,
    started: datetime,
    ended: datetime,
) -> Graph:
    """The DCAT + PROV-O description of a derived graph (subjects: the graph and its fragments,
    so the store replaces it with the data)."""
    dataset = URIRef(graph_iri)
    activity = URIRef(f"{graph_iri}#derivation")
    association = URIRef(f"{graph_iri}#association")
    plan = URIRef(f"{graph_iri}#method")
    g = describe_dataset(
        graph_iri, catalog_iri, method.name, method.title, activity, ended, triples
    )
    g.add((dataset, DCTERMS.description, Literal(method.description, lang="en")))
    g.add((dataset, DCTERMS.publisher, Literal("ClusterKG")))
    when = Literal(ended.isoformat(), datatype=XSD.dateTime)
    g.add((activity, RDF.type, PROV.Activity))
    g.add((activity, RDFS.label, Literal(f"derivation of {method.name}", lang="en")))
    g.add((activity, PROV.wasAssociatedWith, SOFTWARE_AGENT))
    g.add((activity, PROV.qualifiedAssociation, association))
    g.add((activity, PROV.startedAtTime, Literal(started.isoformat(), datatype=XSD.dateTime)))
    g.add((activity, PROV.endedAtTime, when))
    for graph in inputs:
        g.add((activity, PROV.used, URIRef(graph)))
        g.add((dataset, PROV.wasDerivedFrom, URIRef(graph)))
    g.add((association, RDF.type, PROV.Association))
    g.add((association, PROV.agent, SOFTWARE_AGENT))
    g.add((association, PROV.hadPlan, plan))
    g.add((plan, RDF.type, PROV.Plan))
    g.add((plan, RDFS.label, Literal(method.title, lang="en")))
    g.add((plan, RDFS.comment, Literal(method.description, lang="en")))
    g.add((plan, RDFS.seeAlso, Literal(method.documentation)))
    g.add((plan, OWL.versionInfo, Literal(method.version)))
    return g
