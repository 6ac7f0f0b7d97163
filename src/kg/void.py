"""The VoID + DCAT description of the dataset, served at ``/.well-known/void`` (RFC 5785, VoID §7).

One ``void:Dataset``/``dcat:Dataset`` for the whole knowledge graph with one ``void:subset`` per
named graph. Triple counts are the store's at the time of the request (not the ones recorded at
ingest, which an update may have made stale); titles, licences, sources and provenance of each
source graph are copied from the metadata graph that ``kg build`` writes (PROV-O + DCAT).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, VOID, XSD
from rdflib.term import Node

from kg.config import Settings
from kg.namespaces import CKG, PREFIXES
from kg.store import Store

__all__ = [
    "VOID_PATH",
    "Subset",
    "dataset_iri",
    "describe_dataset",
    "sparql_endpoint",
    "subsets",
    "total_triples",
]

#: Where the description is served (the well-known location VoID §7 defines).
VOID_PATH = "/.well-known/void"
#: Path of the SPARQL endpoint on this service.
SPARQL_PATH = "sparql"
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")

#: Classes whose first instance (by IRI) is offered as ``void:exampleResource``.
EXAMPLE_CLASSES = (
    CKG.ClusterOrganisation,
    CKG.Region,
    CKG.KeyEnablingTechnology,
    CKG.S3Priority,
    CKG.CooperationProject,
)

# Every statement the metadata graph makes about a source graph and the activity that loaded it,
# except its recorded triple count (replaced by the live one) and its file distributions (the
# source files are already named by dct:source and prov:wasDerivedFrom).
_METADATA_QUERY = """
CONSTRUCT { ?dataset ?p ?o . ?activity ?ap ?ao . }
WHERE {
  GRAPH ?meta {
    { ?dataset a dcat:Dataset ; ?p ?o . FILTER(?p NOT IN (void:triples, dcat:distribution)) }
    UNION
    { ?dataset a dcat:Dataset ; prov:wasGeneratedBy ?activity . ?activity ?ap ?ao . }
  }
}
"""
_VOCABULARY_QUERY = """
SELECT DISTINCT ?term WHERE { { GRAPH ?g { ?s ?term ?o } } UNION { GRAPH ?g { ?s a ?term } } }
"""
_EXAMPLE_QUERY = """
SELECT ?class (MIN(STR(?resource)) AS ?example)
WHERE { GRAPH ?g { ?resource a ?class } FILTER(isIRI(?resource)) VALUES ?class { %s } }
GROUP BY ?class
"""


def dataset_iri(settings: Settings) -> URIRef:
    """IRI of the whole knowledge graph as a dataset (beside ``{base}catalog`` and ``graph/``).

    >>> str(dataset_iri(Settings()))
    'https://w3id.org/clusterkg/id/dataset'
    """
    return URIRef(f"{settings.base_iri}dataset")


def sparql_endpoint(service_url: str) -> str:
    """Absolute URL of the SPARQL endpoint of the service at ``service_url``.

    >>> sparql_endpoint("http://127.0.0.1:8000/")
    'http://127.0.0.1:8000/sparql'
    """
    return urljoin(service_url, SPARQL_PATH)


def describe_dataset(store: Store, settings: Settings, service_url: str) -> Graph:
    """The VoID + DCAT description of the store, as served by the service at ``service_url``.

    ``service_url`` is the absolute base URL of this service (ending in ``/``): the SPARQL
    endpoint and the description's own address are resolved against it.
    """
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    dataset = dataset_iri(settings)
    sizes = store.graph_sizes()
    # The default graph ("" key) counts towards the total but has no name to be a subset by.
    total = sum(sizes.values())
    named = {iri: size for iri, size in sizes.items() if iri}

    document = URIRef(urljoin(service_url, VOID_PATH.lstrip("/")))
    graph.add((document, RDF.type, VOID.DatasetDescription))
    graph.add((document, DCTERMS.title, Literal("Description of the ClusterKG dataset", lang="en")))
    graph.add((document, FOAF.primaryTopic, dataset))

    endpoint = URIRef(sparql_endpoint(service_url))
    for cls in (VOID.Dataset, DCAT.Dataset):
        graph.add((dataset, RDF.type, cls))
    graph.add((dataset, DCTERMS.title, Literal("ClusterKG", lang="en")))
    graph.add(
        (
            dataset,
            DCTERMS.description,
            Literal(
                "Knowledge graph of EU industrial clusters, Key Enabling Technologies, Smart "
                "Specialisation priorities and NUTS regions, one named graph per source.",
                lang="en",
            ),
        )
    )
    graph.add((dataset, VOID.triples, Literal(total, datatype=XSD.integer)))
    graph.add((dataset, VOID.sparqlEndpoint, endpoint))
    graph.add((dataset, VOID.uriSpace, Literal(settings.base_iri)))
    for example in _examples(store):
        graph.add((dataset, VOID.exampleResource, example))
    for vocabulary in _vocabularies(store):
        graph.add((dataset, VOID.vocabulary, vocabulary))

    # DCAT 2: the endpoint as a data service serving the dataset.
    graph.add((endpoint, RDF.type, DCAT.DataService))
    graph.add((endpoint, DCTERMS.title, Literal("ClusterKG SPARQL endpoint", lang="en")))
    graph.add((endpoint, DCAT.endpointURL, endpoint))
    graph.add((endpoint, DCTERMS.conformsTo, SPARQL_PROTOCOL))
    graph.add((endpoint, DCAT.servesDataset, dataset))
    # The catalog `kg build` writes lists the source graphs; it also holds the whole.
    catalog = URIRef(f"{settings.base_iri}catalog")
    graph.add((catalog, RDF.type, DCAT.Catalog))
    graph.add((catalog, DCAT.dataset, dataset))
    graph.add((catalog, DCAT.service, endpoint))

    metadata = _metadata(store, settings)
    for iri, size in sorted(named.items()):
        subset = URIRef(iri)
        graph.add((dataset, VOID.subset, subset))
        for cls in (VOID.Dataset, DCAT.Dataset):
            graph.add((subset, RDF.type, cls))
        graph.add((subset, VOID.triples, Literal(size, datatype=XSD.integer)))
        for _, p, o in metadata.triples((subset, None, None)):
            graph.add((subset, p, _simple(o)))
        for activity in metadata.objects(subset, PROV.wasGeneratedBy):
            for _, p, o in metadata.triples((activity, None, None)):
                graph.add((activity, p, _simple(o)))
    if settings.meta_graph in named:
        meta = URIRef(settings.meta_graph)
        graph.add((meta, DCTERMS.identifier, Literal("meta")))
        graph.add(
            (meta, DCTERMS.title, Literal("Provenance and descriptions of the graphs", lang="en"))
        )
        graph.add(
            (
                meta,
                RDFS.comment,
                Literal(
                    "PROV-O and DCAT descriptions of each source graph, written by `kg build`.",
                    lang="en",
                ),
            )
        )
    return graph


def _simple(term: Node) -> Node:
    """``"x"^^xsd:string`` as the simple literal ``"x"`` (the same in RDF 1.1, shorter to read).

    >>> _simple(Literal("ClusterKG", datatype=XSD.string)).n3()
    '"ClusterKG"'
    """
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
    return term


def _metadata(store: Store, settings: Settings) -> Graph:
    """What the metadata graph says about each source graph and its ingest."""
    result = store.query(_METADATA_QUERY, bindings={"meta": URIRef(settings.meta_graph)})
    return result.graph if result.graph is not None else Graph()


def _examples(store: Store) -> list[URIRef]:
    """One resource of each of :data:`EXAMPLE_CLASSES` that has instances, in that order."""
    values = " ".join(f"<{cls}>" for cls in EXAMPLE_CLASSES)
    rows = store.query(_EXAMPLE_QUERY % values).rows
    by_class = {
        str(row["class"]): URIRef(str(row["example"])) for row in rows if row.get("example")
    }
    return [by_class[str(cls)] for cls in EXAMPLE_CLASSES if str(cls) in by_class]


def _vocabularies(store: Store) -> list[URIRef]:
    """Namespaces of the properties and classes used in the data (VoID ``void:vocabulary``)."""
    namespaces = sorted(set(PREFIXES.values()), key=len, reverse=True)
    found: set[str] = set()
    for row in store.query(_VOCABULARY_QUERY).rows:
        term = str(row["term"])
        known = next((ns for ns in namespaces if term.startswith(ns) and term != ns), None)
        # A term of a namespace the project has no prefix for: up to its last '#' or '/'.
        found.add(known or term[: max(term.rfind("#"), term.rfind("/")) + 1])
    return [URIRef(ns) for ns in sorted(found) if ns]


def total_triples(graph: Graph, dataset: URIRef) -> int:
    """The ``void:triples`` of ``dataset`` in a description made by :func:`describe_dataset`."""
    value = graph.value(dataset, VOID.triples)
    return int(str(value)) if value is not None else 0


@dataclass(frozen=True)
class Subset:
    """One named graph as the HTML page lists it."""

    iri: str
    triples: int
    title: str = ""
    identifier: str = ""
    publisher: str = ""
    licence: str = ""
    source: str = ""
    modified: str = ""


def subsets(graph: Graph, dataset: URIRef) -> list[Subset]:
    """The subsets of ``dataset`` in a description made by :func:`describe_dataset`."""

    def value(subject: Node, predicate: URIRef) -> str:
        found = graph.value(subject, predicate)
        return "" if found is None else str(found)

    result = [
        Subset(
            iri=str(subset),
            triples=int(value(subset, VOID.triples) or 0),
            title=value(subset, DCTERMS.title),
            identifier=value(subset, DCTERMS.identifier),
            publisher=value(subset, DCTERMS.publisher),
            licence=value(subset, DCTERMS.license),
            source=value(subset, DCTERMS.source),
            modified=value(subset, DCTERMS.modified),
        )
        for subset in graph.objects(dataset, VOID.subset)
    ]
    return sorted(result, key=lambda s: s.identifier or s.iri)
