"""Counts that describe the graph: per source, per class, per code list, per NUTS version and
per indicator. Each function is one SPARQL query, so the numbers are the store's, not the
ingest's."""

from __future__ import annotations

from dataclasses import dataclass

from kg.namespaces import curie
from kg.store import Store


def class_counts(store: Store) -> list[tuple[str, int]]:
    """Distinct resources per ``rdf:type`` over all graphs, largest first, as CURIEs."""
    result = store.query(
        "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } "
        "GROUP BY ?class ORDER BY DESC(?n) ?class"
    )
    return [(curie(str(row["class"])), int(row["n"])) for row in result.rows]


@dataclass(frozen=True)
class SourceCounts:
    """What the last ingest of one source recorded in the metadata graph."""

    source: str
    read: int
    loaded: int
    quarantined: int
    remapped: int
    unresolved: int
    triples: int


def source_counts(store: Store) -> list[SourceCounts]:
    """Records read, loaded, quarantined and remapped per source, in source-name order."""
    result = store.query(
        "SELECT ?name ?read ?loaded ?quarantined ?remapped ?unresolved ?triples WHERE { "
        "?dataset a dcat:Dataset ; dct:identifier ?name ; ckg:recordsRead ?read ; "
        "ckg:recordsLoaded ?loaded ; ckg:recordsQuarantined ?quarantined ; void:triples ?triples "
        "OPTIONAL { ?dataset ckg:recordsRemapped ?remapped } "
        "OPTIONAL { ?dataset ckg:recordsUnresolved ?unresolved } } ORDER BY ?name"
    )

    def number(value: object) -> int:
        return int(str(value)) if value is not None else 0

    return [
        SourceCounts(
            source=str(row["name"]),
            read=number(row["read"]),
            loaded=number(row["loaded"]),
            quarantined=number(row["quarantined"]),
            remapped=number(row.get("remapped")),
            unresolved=number(row.get("unresolved")),
            triples=number(row["triples"]),
        )
        for row in result.rows
    ]


def nuts_counts(store: Store) -> list[tuple[str, int, int]]:
    """Regions per NUTS version and level, extra-regio codes (``…Z``, ``…ZZ``) left out."""
    result = store.query(
        "SELECT ?version ?level (COUNT(DISTINCT ?region) AS ?n) WHERE { "
        "?region a ckg:Region ; skos:inScheme ?scheme ; ckg:nutsLevel ?level ; "
        "skos:notation ?code . ?scheme skos:notation ?version ; "
        "dct:isPartOf <http://data.europa.eu/nuts> . FILTER(!REGEX(SUBSTR(?code, 3), '^Z+$')) } "
        "GROUP BY ?version ?level ORDER BY ?version ?level"
    )
    return [(str(row["version"]), int(row["level"]), int(row["n"])) for row in result.rows]


def scheme_counts(store: Store) -> list[tuple[str, int]]:
    """Concepts per concept scheme (code lists, classifications), largest first; the schemes of
    S3 strategies (one per region and period) are left to ``kg query``."""
    result = store.query(
        "SELECT ?scheme (SAMPLE(?name) AS ?label) (COUNT(DISTINCT ?concept) AS ?n) WHERE { "
        "?concept skos:inScheme ?scheme . "
        "FILTER NOT EXISTS { ?scheme a ckg:SmartSpecialisationStrategy } "
        "OPTIONAL { ?scheme skos:prefLabel ?name FILTER(LANGMATCHES(LANG(?name), 'en')) } } "
        "GROUP BY ?scheme ORDER BY DESC(?n) ?scheme"
    )
    return [
        (str(row["label"]) if row.get("label") else curie(str(row["scheme"])), int(row["n"]))
        for row in result.rows
    ]


def indicator_counts(store: Store) -> list[tuple[str, int, int, str, str]]:
    """Per indicator: observations, regions, first and last year."""
    result = store.query(
        "SELECT ?indicator (SAMPLE(?name) AS ?label) (COUNT(?obs) AS ?n) "
        "(COUNT(DISTINCT ?area) AS ?regions) (MIN(STR(?year)) AS ?first) "
        "(MAX(STR(?year)) AS ?last) WHERE { "
        "?obs a qb:Observation ; ckg:indicator ?indicator ; sdmx-dimension:refArea ?area ; "
        "sdmx-dimension:refPeriod ?year . "
        "OPTIONAL { ?indicator skos:prefLabel ?name FILTER(LANGMATCHES(LANG(?name), 'en')) } } "
        "GROUP BY ?indicator ORDER BY ?indicator"
    )
    return [
        (
            str(row["label"]) if row.get("label") else curie(str(row["indicator"])),
            int(row["n"]),
            int(row["regions"]),
            str(row["first"]),
            str(row["last"]),
        )
        for row in result.rows
    ]
