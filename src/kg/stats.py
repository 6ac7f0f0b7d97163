"""Counts that describe the graph: triples per graph, resources per class."""

from __future__ import annotations

from kg.namespaces import curie
from kg.store import Store


def class_counts(store: Store) -> list[tuple[str, int]]:
    """Distinct resources per ``rdf:type`` over all graphs, largest first, as CURIEs."""
    result = store.query(
        "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } "
        "GROUP BY ?class ORDER BY DESC(?n) ?class"
    )
    return [(curie(str(row["class"])), int(row["n"])) for row in result.rows]
