"""NUTS regions (Eurostat CSV: code, label, level, parent, country) → ``ckg:Region`` records.

Regions keep their official IRIs ``http://data.europa.eu/nuts/code/{code}``; nothing is minted.
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

from kg.ingest.readers import read_table
from kg.ingest.records import MappingContext, Record
from kg.namespaces import CKG, NUTS, NUTS_SCHEME

COLUMNS = ["nuts_code", "label", "level", "parent_code", "country_code"]


def map_nuts(context: MappingContext) -> Iterator[Record]:
    """Yield one record per NUTS code; malformed rows are yielded with ``problem`` set."""
    for row in read_table(context.source_file, COLUMNS):
        key = f"line {row.line}"
        if row.problem:
            yield Record(key=key, graph=Graph(), raw=dict(row), location=key, problem=row.problem)
            continue
        code = row["nuts_code"].strip()
        region = NUTS[code]
        graph = Graph()
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
