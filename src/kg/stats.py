"""Counts that describe the graph: triples per graph, resources per class."""

from __future__ import annotations

from kg.namespaces import PREFIXES
from kg.store import Store


def class_counts(store: Store) -> list[tuple[str, int]]:
    """Distinct resources per ``rdf:type`` over all graphs, largest first, as CURIEs."""
    result = store.query(
        "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } "
        "GROUP BY ?class ORDER BY DESC(?n) ?class"
    )
    return [(curie(str(row["class"])), int(row["n"])) for row in result.rows]


def curie(iri: str) -> str:
    """Shorten an IRI with the project's prefixes, when one fits.

    >>> curie("https://w3id.org/clusterkg/ontology#Region")
    'ckg:Region'
    """
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(str(namespace)) and len(iri) > len(str(namespace)):
            return f"{prefix}:{iri[len(str(namespace)) :]}"
    return iri
