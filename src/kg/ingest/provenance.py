"""PROV-O and DCAT description of each source's named graph, and the record of each load.

Every node of a source's description is the graph IRI or one of its ``#`` fragments, so the
store can replace the description together with the data in one step. The record of a load,
``{graph}/load/{UTC start}``, and the agents are deliberately outside those fragments: the replace
keeps them, so the metadata graph holds every load of a source, not only the last
(:mod:`kg.ingest.history` reads them back).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, VOID, XSD

from kg import __version__
from kg.namespaces import CKG, PREFIXES, SPDX

SOFTWARE_AGENT = URIRef(f"https://w3id.org/clusterkg/software/kg/{__version__}")
#: The catalogue is ``{base}catalog``; the IRIs of key agents are minted under the same base.
CATALOG_NAME = "catalog"
#: A write key's agent is ``{base}agent/key/{name}``.
KEY_AGENT_PATH = "agent/key/"
#: A load record is ``{graph}/load/{UTC start}``: a ``/`` path, not a ``#`` fragment of the graph.
LOAD_PATH = "/load/"
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
    #: The name of the write key that loaded it (``bootstrap`` for KG_UPDATE_KEY); None for
    #: loads from the command line.
    agent: str | None = None
    #: Whether the load replaced a source that was loaded before.
    replaced: bool = False


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


def key_agent_iri(base_iri: str, name: str) -> URIRef:
    """The PROV agent of the write key ``name``.

    >>> key_agent_iri("https://w3id.org/clusterkg/id/", "steward-marche")
    rdflib.term.URIRef('https://w3id.org/clusterkg/id/agent/key/steward-marche')
    """
    return URIRef(f"{base_iri}{KEY_AGENT_PATH}{name}")


def base_of_catalog(catalog_iri: str) -> str:
    """The base IRI of minted resources, from the catalogue IRI ``{base}catalog``.

    >>> base_of_catalog("https://w3id.org/clusterkg/id/catalog")
    'https://w3id.org/clusterkg/id/'
    """
    if not catalog_iri.endswith(CATALOG_NAME):
        raise ValueError(f"the catalogue IRI must be {{base}}{CATALOG_NAME}, not <{catalog_iri}>")
    return catalog_iri.removesuffix(CATALOG_NAME)


def load_iri(graph_iri: str, started: datetime) -> URIRef:
    """The record of the load of ``graph_iri`` that started at ``started`` (a time zone is
    required: the IRI spells the time in UTC, to the microsecond).

    >>> load_iri("https://w3id.org/clusterkg/id/graph/nuts",
    ...          datetime(2026, 11, 24, 10, 15, 0, 42, tzinfo=UTC))
    rdflib.term.URIRef('https://w3id.org/clusterkg/id/graph/nuts/load/20261124T101500000042Z')
    """
    if started.tzinfo is None:
        raise ValueError("the start time of a load needs a time zone")
    return URIRef(f"{graph_iri}{LOAD_PATH}{started.astimezone(UTC):%Y%m%dT%H%M%S%fZ}")


def describe_ingest(
    graph_iri: str, catalog_iri: str, source: SourceDescription, facts: IngestFacts
) -> Graph:
    """The metadata graph for one loaded source: the dataset's description (replaced by the
    next load) and the record of this load (kept)."""
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
    agents = _describe_agents(g, base_of_catalog(catalog_iri), facts.agent)
    for agent in agents:
        g.add((activity, PROV.wasAssociatedWith, agent))
    g.add((activity, PROV.startedAtTime, Literal(facts.started.isoformat(), datatype=XSD.dateTime)))
    g.add((activity, PROV.endedAtTime, Literal(facts.ended.isoformat(), datatype=XSD.dateTime)))
    _describe_load(g, graph_iri, source, facts, agents)
    return g


def _describe_agents(g: Graph, base_iri: str, key_name: str | None) -> list[URIRef]:
    """Who a load is associated with: always the kg software, and the write key when one was
    used. A command-line load names no person: the software is all that is known."""
    g.add((SOFTWARE_AGENT, RDF.type, PROV.SoftwareAgent))
    g.add((SOFTWARE_AGENT, RDFS.label, Literal(f"ClusterKG kg {__version__}", lang="en")))
    if key_name is None:
        return [SOFTWARE_AGENT]
    key = key_agent_iri(base_iri, key_name)
    # foaf:Agent as well: the ontology's organisations and members are FOAF agents already.
    for type_ in (PROV.Agent, FOAF.Agent):
        g.add((key, RDF.type, type_))
    g.add((key, RDFS.label, Literal(f"write key {key_name}", lang="en")))
    return [key, SOFTWARE_AGENT]


def _describe_load(
    g: Graph,
    graph_iri: str,
    source: SourceDescription,
    facts: IngestFacts,
    agents: list[URIRef],
) -> None:
    """The record of this load (a ``ckg:SourceLoad``), which later replaces keep."""
    load = load_iri(graph_iri, facts.started)
    for type_ in (PROV.Activity, CKG.SourceLoad):
        g.add((load, RDF.type, type_))
    label = f"load of {source.name} from {facts.source_file.name}"
    g.add((load, RDFS.label, Literal(label, lang="en")))
    g.add((load, CKG.loadedInto, URIRef(graph_iri)))
    g.add((load, DCTERMS.source, facts.source_document))
    g.add((load, PROV.used, facts.source_document))
    for used in facts.other_files:
        g.add((load, PROV.used, used.document))
    g.add((load, DCTERMS.title, Literal(facts.source_file.name)))
    _describe_checksum(g, load, URIRef(f"{load}#checksum"), facts.checksum_sha256)
    g.add((load, PROV.startedAtTime, Literal(facts.started.isoformat(), datatype=XSD.dateTime)))
    g.add((load, PROV.endedAtTime, Literal(facts.ended.isoformat(), datatype=XSD.dateTime)))
    for agent in agents:
        g.add((load, PROV.wasAssociatedWith, agent))
    counts = [
        (CKG.recordsRead, facts.records_read),
        (CKG.recordsLoaded, facts.records_loaded),
        (CKG.recordsQuarantined, facts.records_quarantined),
    ]
    if facts.records_remapped or facts.records_unresolved:
        counts += [
            (CKG.recordsRemapped, facts.records_remapped),
            (CKG.recordsUnresolved, facts.records_unresolved),
        ]
    for predicate, count in counts:
        g.add((load, predicate, Literal(count, datatype=XSD.integer)))
    g.add((load, CKG.replacedPrevious, Literal(facts.replaced)))


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
    _describe_checksum(g, distribution, checksum, sha256)


def _describe_checksum(g: Graph, subject: URIRef, checksum: URIRef, sha256: str) -> None:
    g.add((subject, SPDX.checksum, checksum))
    g.add((checksum, RDF.type, SPDX.Checksum))
    g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    g.add((checksum, SPDX.checksumValue, Literal(sha256, datatype=XSD.hexBinary)))
