"""PROV-O and DCAT description of each source's named graph.

Every node of a source's description is the graph IRI or one of its ``#`` fragments, so the
store can replace the description together with the data in one step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, RDFS, VOID, XSD

from kg import __version__
from kg.namespaces import CKG, PREFIXES, SPDX

SOFTWARE_AGENT = URIRef(f"https://w3id.org/clusterkg/software/kg/{__version__}")
MEDIA_TYPES = {
    ".csv": "text/csv",
    ".tsv": "text/tab-separated-values",
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".jsonld": "application/ld+json",
    ".rdf": "application/rdf+xml",
    ".owl": "application/rdf+xml",
    ".yaml": "application/yaml",
    ".yml": "application/yaml",
}


@dataclass(frozen=True)
class SourceDescription:
    """What the manifest (or the ``kg ingest`` command line) says about a source."""

    name: str
    title: str
    publisher: str | None = None
    license: str | None = None
    origin: str | None = None


@dataclass(frozen=True)
class UsedFile:
    """A further file a mapping read (a NUTS change table, say), besides the source file."""

    path: Path
    document: URIRef
    checksum_sha256: str
    byte_size: int


@dataclass(frozen=True)
class IngestFacts:
    """Measured facts of one ingest run."""

    source_file: Path
    source_document: URIRef
    checksum_sha256: str
    byte_size: int
    started: datetime
    ended: datetime
    records_read: int
    records_loaded: int
    records_quarantined: int
    triples: int
    records_remapped: int = 0
    records_unresolved: int = 0
    other_files: tuple[UsedFile, ...] = ()


def describe_dataset(
    graph_iri: str,
    catalog_iri: str,
    name: str,
    title: str,
    activity: URIRef,
    ended: datetime,
    triples: int,
) -> Graph:
    """What every named graph's description starts with, ingested or derived: a DCAT/VoID
    dataset of the catalogue with its title, name, size and the activity that made it."""
    g = Graph()
    for prefix, namespace in PREFIXES.items():
        g.bind(prefix, namespace)
    dataset = URIRef(graph_iri)
    g.add((URIRef(catalog_iri), RDF.type, DCAT.Catalog))
    g.add((URIRef(catalog_iri), DCAT.dataset, dataset))
    for type_ in (DCAT.Dataset, VOID.Dataset, PROV.Entity):
        g.add((dataset, RDF.type, type_))
    g.add((dataset, DCTERMS.title, Literal(title, lang="en")))
    g.add((dataset, DCTERMS.identifier, Literal(name)))
    g.add((dataset, PROV.wasGeneratedBy, activity))
    when = Literal(ended.isoformat(), datatype=XSD.dateTime)
    g.add((dataset, PROV.generatedAtTime, when))
    g.add((dataset, DCTERMS.modified, when))
    g.add((dataset, VOID.triples, Literal(triples, datatype=XSD.integer)))
    return g


def describe_ingest(
    graph_iri: str, catalog_iri: str, source: SourceDescription, facts: IngestFacts
) -> Graph:
    """The metadata graph for one loaded source."""
    activity = URIRef(f"{graph_iri}#ingest")
    distribution = URIRef(f"{graph_iri}#distribution")
    checksum = URIRef(f"{graph_iri}#checksum")
    g = describe_dataset(
        graph_iri, catalog_iri, source.name, source.title, activity, facts.ended, facts.triples
    )
    dataset = URIRef(graph_iri)
    g.add((dataset, DCTERMS.source, facts.source_document))
    g.add((dataset, PROV.wasDerivedFrom, facts.source_document))
    g.add((dataset, CKG.recordsRead, Literal(facts.records_read, datatype=XSD.integer)))
    g.add((dataset, CKG.recordsLoaded, Literal(facts.records_loaded, datatype=XSD.integer)))
    g.add(
        (dataset, CKG.recordsQuarantined, Literal(facts.records_quarantined, datatype=XSD.integer))
    )
    if facts.records_remapped or facts.records_unresolved:
        g.add((dataset, CKG.recordsRemapped, Literal(facts.records_remapped, datatype=XSD.integer)))
        g.add(
            (
                dataset,
                CKG.recordsUnresolved,
                Literal(facts.records_unresolved, datatype=XSD.integer),
            )
        )
    g.add((dataset, DCAT.distribution, distribution))
    if source.license:
        g.add((dataset, DCTERMS.license, URIRef(source.license)))
    if source.publisher:
        g.add((dataset, DCTERMS.publisher, Literal(source.publisher)))
    if source.origin:
        g.add((dataset, RDFS.comment, Literal(source.origin, lang="en")))

    _describe_file(
        g, distribution, checksum, facts.source_file, facts.byte_size, facts.checksum_sha256
    )
    # Further files the mapping read (change tables, say): one distribution each, numbered in
    # the order read, so the whole input of the graph is named and checksummed.
    for number, used in enumerate(facts.other_files, start=1):
        other = URIRef(f"{graph_iri}#distribution-{number}")
        g.add((dataset, DCAT.distribution, other))
        g.add((dataset, PROV.wasDerivedFrom, used.document))
        g.add((activity, PROV.used, used.document))
        g.add((other, DCTERMS.source, used.document))
        _describe_file(
            g,
            other,
            URIRef(f"{graph_iri}#checksum-{number}"),
            used.path,
            used.byte_size,
            used.checksum_sha256,
        )

    g.add((activity, RDF.type, PROV.Activity))
    g.add((activity, RDFS.label, Literal(f"ingest of {source.name}", lang="en")))
    g.add((activity, PROV.used, facts.source_document))
    g.add((activity, PROV.wasAssociatedWith, SOFTWARE_AGENT))
    g.add((activity, PROV.startedAtTime, Literal(facts.started.isoformat(), datatype=XSD.dateTime)))
    g.add((activity, PROV.endedAtTime, Literal(facts.ended.isoformat(), datatype=XSD.dateTime)))
    return g


def _describe_file(
    g: Graph, distribution: URIRef, checksum: URIRef, path: Path, byte_size: int, sha256: str
) -> None:
    g.add((distribution, RDF.type, DCAT.Distribution))
    g.add((distribution, DCTERMS.title, Literal(path.name)))
    media_type = MEDIA_TYPES.get(path.suffix.lower())
    if media_type:
        g.add(
            (
                distribution,
                DCAT.mediaType,
                URIRef(f"https://www.iana.org/assignments/media-types/{media_type}"),
            )
        )
    g.add((distribution, DCAT.byteSize, Literal(byte_size, datatype=XSD.nonNegativeInteger)))
    g.add((distribution, SPDX.checksum, checksum))
    g.add((checksum, RDF.type, SPDX.Checksum))
    g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    g.add((checksum, SPDX.checksumValue, Literal(sha256, datatype=XSD.hexBinary)))
