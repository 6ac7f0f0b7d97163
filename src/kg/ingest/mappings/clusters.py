"""Cluster organisations (``data/sources/s3/clusters.csv``) → ``ckg:ClusterOrganisation`` records,
and the facts about them (``cluster_facts.csv`` beside it) → claims.

One record per row: ``{base}cluster/{id}``, typed ``ckg:ClusterOrganisation`` (and
``org:FormalOrganization``, ``org:Organization``), with its name, acronym, homepage, region (as
published, plus ``ckg:currentRegion``), NACE sectors, sourced KET/ATI technologies, the sector
words of the source as ``dct:subject`` text, its member count and the helix types among its
members, the source page and quote. A member count that sources contradict is not asserted on
the cluster: each source's count is a claim in ``cluster_facts.csv``. See FORMATS.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import Literal
from rdflib.namespace import FOAF, ORG, RDF, RDFS, SKOS

from kg.ingest.mappings.curated_rows import (
    FactsTable,
    Regions,
    RowProblem,
    add_provenance,
    add_subjects,
    cell,
    check_region_name,
    check_row,
    check_unique,
    helix_types,
    homepage_iri,
    integer,
    items,
    malformed_record,
    map_facts,
    nace_iri,
    new_graph,
    nuts_code,
    problem_record,
    quote_warning,
    record_id,
    required,
    row_key,
    source_iri,
    technology_iri,
)
from kg.ingest.readers import TableRecord, TableRow, read_table
from kg.ingest.records import MappingContext, Record
from kg.namespaces import CKG

#: The columns of ``clusters.csv`` (FORMATS.md, "Cluster organisations").
CLUSTER_COLUMNS = [
    "id",
    "name",
    "acronym",
    "website",
    "nuts_code",
    "country",
    "nace_codes",
    "technologies",
    "sectors_text",
    "members",
    "helix_types",
    "source_url",
    "source_quote",
    "notes",
    "converted_from",
]
#: The facts about the clusters, next to the source file (optional).
FACTS_FILE = "cluster_facts.csv"


def map_clusters(context: MappingContext) -> Iterator[Record]:
    """One record per cluster row, then one claim per row of ``cluster_facts.csv``."""
    regions = Regions(context)
    seen: dict[str, int] = {}
    contents: dict[tuple[str, ...], TableRow] = {}
    known: set[str] = set()
    for row in read_table(context.source_file, CLUSTER_COLUMNS):
        key = row_key(row)
        if row.problem:
            yield malformed_record(row, key)
            continue
        try:
            check_row(row, contents)
            record = _cluster(context, regions, row, seen)
        except RowProblem as exc:
            yield problem_record(row, key, str(exc), exc.column)
            continue
        known.add(f"cluster:{record_id(row)}")
        yield record
    facts = context.source_file.with_name(FACTS_FILE)
    if facts.exists():
        yield from map_facts(context, FactsTable(facts, frozenset({"cluster"})), known)


def _cluster(
    context: MappingContext, regions: Regions, row: TableRow, seen: dict[str, int]
) -> Record:
    identifier = record_id(row)
    check_unique(row, identifier, seen)
    name = required(row, "name")
    code = nuts_code(row)
    country = required(row, "country")
    if not code.startswith(country):
        raise RowProblem(
            f"nuts_code {code} is not in the country {country!r} of the row", column="nuts_code"
        )
    check_region_name(row, regions, code)
    source_iri(row)
    graph = new_graph()
    cluster = context.mint("cluster", identifier)
    for cls in (CKG.ClusterOrganisation, ORG.FormalOrganization, ORG.Organization):
        graph.add((cluster, RDF.type, cls))
    graph.add((cluster, RDFS.label, Literal(name)))
    acronym = cell(row, "acronym")
    if acronym:
        graph.add((cluster, SKOS.altLabel, Literal(acronym)))
    homepage = homepage_iri(row)
    if homepage is not None:
        graph.add((cluster, FOAF.homepage, homepage))
    remap = regions.add(graph, cluster, code)
    for nace in items(cell(row, "nace_codes")):
        graph.add((cluster, CKG.naceSector, nace_iri(nace, "nace_codes")))
    for technology in items(cell(row, "technologies")):
        graph.add((cluster, CKG.technology, technology_iri(technology, "technologies")))
    add_subjects(graph, cluster, cell(row, "sectors_text"))
    members = integer(row, "members")
    if members is not None:
        graph.add((cluster, CKG.memberCount, Literal(members)))
    for helix in helix_types(row, "helix_types"):
        graph.add((cluster, CKG.memberHelixType, helix))
    add_provenance(graph, cluster, row, context)
    warning = quote_warning(row, {"name": name, "acronym": acronym})
    return TableRecord(
        key=row_key(row),
        graph=graph,
        raw=dict(row),
        location=f"line {row.line}",
        warnings=[warning] if warning else [],
        row=row,
        region_remap=remap,
    )
