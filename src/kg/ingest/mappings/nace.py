"""NACE Rev. 2 (Eurostat CSV: code, level, name, parent code, RAMON IRI) → SKOS concepts.

Activities keep the current official EU IRIs ``http://data.europa.eu/ux2/nace2/{code without
dots}`` (section ``C``, class 01.11 → ``0111``); the retired RAMON IRIs become ``skos:exactMatch``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from kg.errors import InvalidInput
from kg.ingest.readers import Correction, TableRecord, read_corrections, read_table
from kg.ingest.records import MappingContext, Record
from kg.namespaces import NACE

NACE_SCHEME = "http://data.europa.eu/ux2/nace2/nace2"
COLUMNS = ["code", "level", "name", "parent_code", "section", "isic4_code", "ramon_uri"]
#: Documented fixes of errors in the source, next to the CSV: ``code,column,value,evidence``.
CORRECTIONS_FILE = "corrections.csv"
#: Columns a correction may change: the ones the mapping turns into triples.
CORRECTABLE = {"name", "parent_code", "ramon_uri"}


def nace_iri(code: str) -> URIRef:
    """The official IRI of a NACE Rev. 2 code, written with or without dots.

    >>> nace_iri("01.11")
    rdflib.term.URIRef('http://data.europa.eu/ux2/nace2/0111')
    >>> nace_iri("C")
    rdflib.term.URIRef('http://data.europa.eu/ux2/nace2/C')
    """
    return NACE[code.strip().replace(".", "")]


def load_corrections(path: Path) -> dict[str, list[Correction]]:
    """Corrections by NACE code: (column, value, evidence); empty if the file is absent."""
    return read_corrections(path, "code", CORRECTABLE) if path.exists() else {}


def map_nace(context: MappingContext) -> Iterator[Record]:
    """Yield the scheme, then one concept per NACE code; malformed rows come with ``problem`` set.

    Documented corrections (``corrections.csv`` beside the source) are applied and recorded on
    the concept as a ``skos:editorialNote``. A correction for a code the source lacks is an
    error: it means the correction file and the source have drifted apart.
    """
    scheme = URIRef(NACE_SCHEME)
    corrections_path = context.source_file.with_name(CORRECTIONS_FILE)
    corrections = load_corrections(corrections_path)
    if corrections:
        context.use(corrections_path)
    yield _scheme_record(scheme, context.source_document)
    applied: set[str] = set()
    for row in read_table(context.source_file, COLUMNS):
        key = f"line {row.line}"
        code = row.get("code", "").strip()
        problem = row.problem or (None if code else f"line {row.line} has no NACE code")
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
        concept = nace_iri(code)
        graph = Graph()
        for column, value, evidence in corrections.get(code, []):
            applied.add(code)
            if row[column] == value:
                continue  # already right in the source: nothing to note
            note = f"{column} corrected from {row[column]!r} to {value!r}: {evidence}"
            graph.add((concept, SKOS.editorialNote, Literal(note, lang="en")))
            row[column] = value
        graph.add((concept, RDF.type, SKOS.Concept))
        graph.add((concept, SKOS.inScheme, scheme))
        graph.add((concept, SKOS.notation, Literal(code)))
        if row["name"].strip():
            graph.add((concept, SKOS.prefLabel, Literal(row["name"].strip(), lang="en")))
        # Both as the source says, independently: a division that lost its parent stays an
        # orphan and a section given a parent keeps it, for NaceHierarchyShape to report,
        # rather than the mapping guessing which column is wrong.
        if row["parent_code"].strip():
            graph.add((concept, SKOS.broader, nace_iri(row["parent_code"])))
        if row["level"].strip() == "1":
            graph.add((concept, SKOS.topConceptOf, scheme))
        if row["ramon_uri"].strip():
            graph.add((concept, SKOS.exactMatch, URIRef(row["ramon_uri"].strip())))
        graph.add((concept, DCTERMS.source, context.source_document))
        yield TableRecord(
            key=f"{code} ({key})",
            graph=graph,
            raw=dict(row),
            location=key,
            row=row,
        )
    stale = sorted(set(corrections) - applied)
    if stale:
        raise InvalidInput(
            f"{CORRECTIONS_FILE}: correction(s) for code(s) {', '.join(stale)} that "
            f"{context.source_file.name} does not have; remove or update them"
        )


def _scheme_record(scheme: URIRef, source_document: URIRef) -> Record:
    graph = Graph()
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, SKOS.prefLabel, Literal("NACE Rev. 2", lang="en")))
    graph.add((scheme, DCTERMS.source, source_document))
    return Record(key="scheme", graph=graph, raw={"@id": NACE_SCHEME}, location="scheme")
