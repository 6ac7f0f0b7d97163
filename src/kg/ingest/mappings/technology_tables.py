"""The tables that turn data into technology judgements, as RDF so the mapping itself can be
queried: ``data/mappings/nace_technology.csv`` (NACE sector → KET/ATI technology, with weight,
role, the classification it follows, rationale and citation) and, read beside it,
``indicator_technology.csv`` (indicator → technology, or context).

Each row becomes a ``ckg:SectorTechnologyMapping`` or ``ckg:IndicatorTechnologyMapping``; a
producer row of the sector table also states the shortcut ``skos:relatedMatch`` from the NACE
concept to the technology. Rows are checked here (known technology form, weight in (0, 1],
role) and by the shapes (the technology must be a KET/ATI concept, the sector a NACE activity).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from kg.ingest.mappings.indicators import nace_iri
from kg.ingest.readers import TableRecord, TableRow, read_table, require_file
from kg.ingest.records import MappingContext, Record
from kg.namespaces import ATI, CKG, KET

SECTOR_COLUMNS = [
    "nace_code",
    "technology",
    "weight",
    "role",
    "classification",
    "rationale",
    "citation",
]
INDICATOR_COLUMNS = ["indicator", "technology", "role", "weight", "rationale", "citation"]
INDICATOR_TABLE = "indicator_technology.csv"
SECTOR_ROLES = ("producer", "user")
INDICATOR_ROLES = ("measure", "context")
_TECHNOLOGY = re.compile(r"(ket|ati):([a-z0-9-]+)")
_URL = re.compile(r"https?://\S+")


def map_technology_tables(context: MappingContext) -> Iterator[Record]:
    """One record per row of the sector table (the source file) and of the indicator table
    next to it."""
    for row in read_table(context.source_file, SECTOR_COLUMNS):
        yield _sector_record(context, row)
    indicator_table = require_file(context.source_file.parent / INDICATOR_TABLE)
    context.use(indicator_table)
    for row in read_table(indicator_table, INDICATOR_COLUMNS):
        yield _indicator_record(context, row, indicator_table)


def _sector_record(context: MappingContext, row: TableRow) -> Record:
    raw = {name: row[name] for name in SECTOR_COLUMNS if name in row}
    key = f"{context.source_file.name} line {row.line}"
    problem = row.problem
    technology = weight = None
    code = row.get("nace_code", "").strip()
    if problem is None:
        technology, weight, problem = _technology_and_weight(row)
    if problem is None and row["role"].strip() not in SECTOR_ROLES:
        problem = f"role {row['role']!r} is not one of {', '.join(SECTOR_ROLES)}"
    try:
        activity = nace_iri(code) if problem is None else None
    except ValueError as exc:
        problem = str(exc)
    if problem is not None or technology is None or weight is None or activity is None:
        return _row_record(row, key, Graph(), raw, problem=f"{key}: {problem}")
    node = context.mint("technology-mapping", f"sector {code} {_curie(technology)}")
    graph = Graph()
    graph.add((node, RDF.type, CKG.SectorTechnologyMapping))
    graph.add((node, CKG.economicActivity, activity))
    graph.add((node, SKOS.notation, Literal(code)))
    role = row["role"].strip()
    graph.add((node, CKG.mappingRole, Literal(role)))
    graph.add((node, CKG.classification, Literal(row["classification"].strip(), lang="en")))
    if role == "producer":
        graph.add((activity, SKOS.relatedMatch, technology))
    _common(graph, node, context, row, technology, weight, key)
    return _row_record(row, key, graph, raw)


def _indicator_record(context: MappingContext, row: TableRow, table: Path) -> Record:
    raw = {name: row[name] for name in INDICATOR_COLUMNS if name in row}
    key = f"{table.name} line {row.line}"
    problem = row.problem
    role = row.get("role", "").strip()
    if problem is None and role not in INDICATOR_ROLES:
        problem = f"role {role!r} is not one of {', '.join(INDICATOR_ROLES)}"
    technology = weight = None
    if problem is None and role == "measure":
        technology, weight, problem = _technology_and_weight(row)
    elif problem is None and row["technology"].strip() != "*":
        problem = "a context row applies to every technology: write * as its technology"
    if problem is not None:
        return _row_record(row, key, Graph(), raw, problem=f"{key}: {problem}")
    slug = row["indicator"].strip()
    indicator = context.mint("indicator", slug)
    target = _curie(technology) if technology is not None else "context"
    node = context.mint("technology-mapping", f"indicator {slug} {target}")
    graph = Graph()
    graph.add((node, RDF.type, CKG.IndicatorTechnologyMapping))
    graph.add((node, CKG.mappedIndicator, indicator))
    graph.add((node, CKG.mappingRole, Literal(role)))
    if technology is not None and weight is not None:
        _common(graph, node, context, row, technology, weight, key)
    else:
        _describe(graph, node, context, row, key)
    return _row_record(row, key, graph, raw)


def _row_record(
    row: TableRow, key: str, graph: Graph, raw: dict[str, str], problem: str | None = None
) -> Record:
    """The record of one row of either table, keeping the row as read for the quarantine."""
    return TableRecord(
        key=key,
        graph=graph,
        raw=raw,
        location=key,
        problem=problem,
        row=row,
    )


def _technology_and_weight(row: TableRow) -> tuple[URIRef | None, Decimal | None, str | None]:
    match = _TECHNOLOGY.fullmatch(row["technology"].strip())
    if match is None:
        return None, None, f"technology {row['technology']!r} is not ket:NAME or ati:NAME"
    scheme, name = match.groups()
    technology = (KET if scheme == "ket" else ATI)[name]
    try:
        weight = Decimal(row["weight"].strip())
    except InvalidOperation:
        return None, None, f"weight {row['weight']!r} is not a number"
    if not Decimal(0) < weight <= Decimal(1):
        return None, None, f"weight {weight} is not in (0, 1]"
    return technology, weight, None


def _common(
    graph: Graph,
    node: URIRef,
    context: MappingContext,
    row: TableRow,
    technology: URIRef,
    weight: Decimal,
    key: str,
) -> None:
    graph.add((node, CKG.technology, technology))
    graph.add((node, CKG.weight, Literal(str(weight), datatype=XSD.decimal)))
    _describe(graph, node, context, row, key)


def _describe(graph: Graph, node: URIRef, context: MappingContext, row: TableRow, key: str) -> None:
    graph.add((node, RDFS.comment, Literal(row["rationale"].strip(), lang="en")))
    citation = row["citation"].strip()
    if citation:
        graph.add((node, DCTERMS.bibliographicCitation, Literal(citation)))
        for url in _URL.findall(citation):
            graph.add((node, RDFS.seeAlso, URIRef(url.rstrip(").,;"))))
    graph.add((node, DCTERMS.source, context.source_document))
    graph.add((node, SKOS.editorialNote, Literal(key, lang="en")))


def _curie(technology: URIRef) -> str:
    text = str(technology)
    return ("ket " if text.startswith(str(KET)) else "ati ") + text.rsplit("/", 1)[-1]
