"""EuroSciVoc concepts from the CORDIS export (code path, title path, title, depth, parent) → SKOS.

CORDIS names a concept by its path of numeric codes (``/23/43/251``), not by the official UUID
IRI, so the concepts get the stand-in IRIs of ``ontology/kets.ttl``:
``https://w3id.org/clusterkg/euroscivoc/{code path without the leading "/", "/" → "-"}``. The
scheme node ``scheme:euroscivoc-cordis`` is described in ``ontology/kets.ttl``, not here.
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from kg.ingest.readers import TableRecord, read_table
from kg.ingest.records import MappingContext, Record
from kg.namespaces import SCHEME

ESVC = Namespace("https://w3id.org/clusterkg/euroscivoc/")
EUROSCIVOC_SCHEME = SCHEME["euroscivoc-cordis"]
COLUMNS = ["code_path", "title_path", "title", "depth", "parent_code_path"]


def stand_in_iri(code_path: str) -> URIRef:
    """The stand-in IRI of a CORDIS code path.

    >>> stand_in_iri("/23/43/251")
    rdflib.term.URIRef('https://w3id.org/clusterkg/euroscivoc/23-43-251')
    """
    return ESVC[code_path.strip().removeprefix("/").replace("/", "-")]


def map_euroscivoc(context: MappingContext) -> Iterator[Record]:
    """Yield one concept per row; malformed rows are yielded with ``problem`` set.

    Titles are trimmed (the export has one with a trailing space); the title path becomes a
    ``skos:scopeNote`` so a reader sees where in the tree a concept sits.
    """
    for row in read_table(context.source_file, COLUMNS):
        key = f"line {row.line}"
        code_path = row.get("code_path", "").strip()
        problem = row.problem or (None if code_path else f"line {row.line} has no code path")
        if problem:
            yield TableRecord(
                key=key,
                graph=Graph(),
                raw=dict(row),
                location=key,
                problem=problem,
                row=row,
            )
            continue
        concept = stand_in_iri(code_path)
        graph = Graph()
        graph.add((concept, RDF.type, SKOS.Concept))
        graph.add((concept, SKOS.inScheme, EUROSCIVOC_SCHEME))
        graph.add((concept, SKOS.notation, Literal(code_path)))
        if row["title"].strip():
            graph.add((concept, SKOS.prefLabel, Literal(row["title"].strip(), lang="en")))
        title_path = "/".join(part.strip() for part in row["title_path"].split("/"))
        if title_path.strip("/"):
            graph.add((concept, SKOS.scopeNote, Literal(f"CORDIS path: {title_path}", lang="en")))
        # As the source says, independently (see map_nace): EuroSciVocHierarchyShape reports
        # a concept below the top without a parent, or a top-level one with a parent.
        if row["parent_code_path"].strip():
            graph.add((concept, SKOS.broader, stand_in_iri(row["parent_code_path"])))
        if row["depth"].strip() == "1":
            graph.add((concept, SKOS.topConceptOf, EUROSCIVOC_SCHEME))
        graph.add((concept, DCTERMS.source, context.source_document))
        yield TableRecord(
            key=f"{code_path} ({key})",
            graph=graph,
            raw=dict(row),
            location=key,
            row=row,
        )
