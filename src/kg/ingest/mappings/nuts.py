"""NUTS regions (Eurostat CSV: code, label, level, parent, country) → ``ckg:Region`` records.

Regions keep their official IRIs ``http://data.europa.eu/nuts/code/{code}``; nothing is minted.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

from kg.errors import InvalidInput
from kg.ingest.readers import read_table
from kg.ingest.records import MappingContext, Record
from kg.namespaces import CKG, NUTS, NUTS_SCHEME

COLUMNS = ["nuts_code", "label", "level", "parent_code", "country_code"]
#: Documented fixes of conversion errors, next to the CSV: ``nuts_code,column,value,evidence``.
CORRECTIONS_FILE = "corrections.csv"


def load_corrections(source_file: Path) -> dict[str, list[tuple[str, str, str]]]:
    """Corrections by NUTS code: (column, value, evidence). None if the file is absent."""
    path = source_file.with_name(CORRECTIONS_FILE)
    corrections: dict[str, list[tuple[str, str, str]]] = {}
    if not path.exists():
        return corrections
    for row in read_table(path, ["nuts_code", "column", "value", "evidence"]):
        if row.problem or row["column"] not in COLUMNS:
            raise InvalidInput(f"{path.name}: line {row.line} is not a valid correction: {row}")
        corrections.setdefault(row["nuts_code"], []).append(
            (row["column"], row["value"], row["evidence"])
        )
    return corrections


def map_nuts(context: MappingContext) -> Iterator[Record]:
    """Yield one record per NUTS code; malformed rows are yielded with ``problem`` set.

    Documented corrections (``corrections.csv`` beside the source) are applied, and each one is
    recorded on the region as a ``skos:editorialNote`` so the change stays visible.
    """
    corrections = load_corrections(context.source_file)
    for row in read_table(context.source_file, COLUMNS):
        key = f"line {row.line}"
        if row.problem:
            yield Record(key=key, graph=Graph(), raw=dict(row), location=key, problem=row.problem)
            continue
        code = row["nuts_code"].strip()
        region = NUTS[code]
        graph = Graph()
        for column, value, evidence in corrections.get(code, []):
            graph.add(
                (
                    region,
                    SKOS.editorialNote,
                    Literal(
                        f"{column} corrected from {row[column]!r} to {value!r}: {evidence}",
                        lang="en",
                    ),
                )
            )
            row[column] = value
        graph.add((region, RDF.type, CKG.Region))
        graph.add((region, RDF.type, SKOS.Concept))
        graph.add((region, SKOS.inScheme, URIRef(NUTS_SCHEME)))
        graph.add((region, SKOS.notation, Literal(code)))
        if row["label"].strip():
            graph.add((region, SKOS.prefLabel, Literal(row["label"].strip())))
        level = row["level"].strip()
        # Keep what the source says even when it is not a number: the shapes reject it with a
        # message, rather than the mapping dropping it silently.
        graph.add(
            (region, CKG.nutsLevel, Literal(level, datatype=XSD.integer))
            if level.isdigit()
            else (region, CKG.nutsLevel, Literal(level))
        )
        if row["parent_code"].strip():
            graph.add((region, SKOS.broader, NUTS[row["parent_code"].strip()]))
        if row["country_code"].strip():
            graph.add((region, CKG.country, NUTS[row["country_code"].strip()]))
        graph.add((region, DCTERMS.source, context.source_document))
        yield Record(key=f"{code} ({key})", graph=graph, raw=dict(row), location=key)
