"""Project partners (``data/sources/s3/project_partners.csv``) → ``ckg:PartnerRole`` records and
the organisations this table introduces; project facts (``project_facts.csv`` beside it) → claims.

Each row is one source's statement that an organisation takes part in a project in a role:
``{base}partner-role/{id}`` with ``org:organization`` the project, ``org:member`` the organisation,
``org:role`` the kind of partner, ``ckg:region`` (and ``ckg:currentRegion``) the region it
represents, the source page and quote. Projects and most organisations are the seeds' (their
IRIs ``{base}project/{key}``, ``{base}organisation/{key}``): the ``organisation_defined_in`` column
says whether the organisation is described by the seed facts, by the clusters table, or by this
table (then the mapping writes one organisation record from its rows). Two sources giving the
same organisation different roles give two partner roles, each with its source.

Nothing is written about the project itself: its partner counts, countries and dates, on which
sources disagree, are claims (``rdf:Statement``) from ``project_facts.csv``. See FORMATS.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, RDFS, SKOS

from kg.ingest.mappings.curated_rows import (
    HELIX_TYPES,
    FactsTable,
    Regions,
    RowProblem,
    add_provenance,
    cell,
    check_region_name,
    check_row,
    check_unique,
    malformed_record,
    map_facts,
    new_graph,
    nuts_code,
    problem_record,
    quote_warning,
    record_id,
    reference,
    required,
    row_key,
    source_iri,
)
from kg.ingest.readers import TableRecord, TableRow, read_table
from kg.ingest.records import MappingContext, Record
from kg.namespaces import CKG, CKGC

#: The columns of ``project_partners.csv`` (FORMATS.md, "Project partners").
PARTNER_COLUMNS = [
    "id",
    "project",
    "organisation",
    "organisation_defined_in",
    "partner_name",
    "acronym",
    "helix_type",
    "role",
    "role_note",
    "country",
    "nuts_code",
    "source_url",
    "source_quote",
    "notes",
    "converted_from",
]
ROLES = frozenset({"lead-partner", "project-partner", "associated-partner", "partner"})
#: Where an organisation is described: the seed facts, the clusters table, or this table.
DEFINED_IN = {
    "seed_facts": "organisation",
    "clusters": "cluster",
    "project_partners": "organisation",
}
#: The facts about the projects, next to the source file (optional).
FACTS_FILE = "project_facts.csv"


@dataclass
class _Organisation:
    """An organisation this table introduces, from the rows that name it."""

    key: str
    rows: list[TableRow] = field(default_factory=list)


def map_project_partners(context: MappingContext) -> Iterator[Record]:
    """One record per partner row, then one per organisation the table introduces, then one
    claim per row of ``project_facts.csv``."""
    regions = Regions(context)
    seen: dict[str, int] = {}
    contents: dict[tuple[str, ...], TableRow] = {}
    introduced: dict[str, _Organisation] = {}
    for row in read_table(context.source_file, PARTNER_COLUMNS):
        key = row_key(row)
        if row.problem:
            yield malformed_record(row, key)
            continue
        try:
            check_row(row, contents)
            record, organisation_key = _partner_role(context, regions, row, seen)
        except RowProblem as exc:
            yield problem_record(row, key, str(exc), exc.column)
            continue
        if organisation_key is not None:
            organisation = introduced.setdefault(organisation_key, _Organisation(organisation_key))
            organisation.rows.append(row)
        yield record
    for described in introduced.values():
        yield _organisation_record(context, regions, described)
    facts = context.source_file.with_name(FACTS_FILE)
    if facts.exists():
        yield from map_facts(context, FactsTable(facts, frozenset({"project", "output"})))


def _partner_role(
    context: MappingContext, regions: Regions, row: TableRow, seen: dict[str, int]
) -> tuple[Record, str | None]:
    """The partner role of a row, and the organisation key if this table introduces it."""
    identifier = record_id(row)
    check_unique(row, identifier, seen)
    _, project_key = reference(required(row, "project"), "project", {"project"})
    defined_in = required(row, "organisation_defined_in")
    if defined_in not in DEFINED_IN:
        raise RowProblem(
            f"organisation_defined_in {defined_in!r} is not one of {', '.join(DEFINED_IN)}",
            column="organisation_defined_in",
        )
    kind, organisation_key = reference(
        required(row, "organisation"), "organisation", {DEFINED_IN[defined_in]}
    )
    role = required(row, "role")
    if role not in ROLES:
        raise RowProblem(f"role {role!r} is not one of {', '.join(sorted(ROLES))}", column="role")
    code = nuts_code(row)
    country = required(row, "country")
    if not code.startswith(country):
        raise RowProblem(
            f"nuts_code {code} is not in the country {country!r} of the row", column="nuts_code"
        )
    check_region_name(row, regions, code)
    partner_name = required(row, "partner_name")
    source_iri(row)
    graph = new_graph()
    node = context.mint("partner-role", identifier)
    graph.add((node, RDF.type, CKG.PartnerRole))
    graph.add((node, ORG.organization, context.mint("project", project_key)))
    graph.add((node, ORG.member, context.mint(kind, organisation_key)))
    graph.add((node, ORG.role, CKGC[role]))
    remap = regions.add(graph, node, code)
    note = cell(row, "role_note")
    if note:
        graph.add((node, RDFS.comment, Literal(note, lang="en")))
    add_provenance(graph, node, row, context)
    warning = quote_warning(row, {"partner_name": partner_name, "acronym": cell(row, "acronym")})
    record = TableRecord(
        key=row_key(row),
        graph=graph,
        raw=dict(row),
        location=f"line {row.line}",
        warnings=[warning] if warning else [],
        row=row,
        region_remap=remap,
    )
    return record, organisation_key if defined_in == "project_partners" else None


def _organisation_record(
    context: MappingContext, regions: Regions, organisation: _Organisation
) -> Record:
    rows = organisation.rows
    lines = ", ".join(str(row.line) for row in rows)
    key = f"organisation:{organisation.key}"
    try:
        description = {
            column: _agreed(rows, column)
            for column in ("partner_name", "acronym", "helix_type", "nuts_code", "country")
        }
        if description["helix_type"] and description["helix_type"] not in HELIX_TYPES:
            raise RowProblem(
                f"helix_type {description['helix_type']!r} is not one of "
                f"{', '.join(sorted(HELIX_TYPES))}",
                column="helix_type",
            )
    except RowProblem as exc:
        return Record(
            key=key,
            graph=new_graph(),
            raw={"organisation": organisation.key, "lines": [row.line for row in rows]},
            location=f"lines {lines}",
            problem=f"lines {lines}: {exc}",
            problem_column=exc.column,
        )
    graph = new_graph()
    node = context.mint("organisation", organisation.key)
    graph.add((node, RDF.type, ORG.Organization))
    graph.add((node, RDF.type, ORG.FormalOrganization))
    graph.add((node, RDFS.label, Literal(description["partner_name"])))
    if description["acronym"]:
        graph.add((node, SKOS.altLabel, Literal(description["acronym"])))
    if description["helix_type"]:
        graph.add((node, CKG.helixType, CKGC[description["helix_type"]]))
        note = "The helix type is an editorial classification; the sources do not state it."
        graph.add((node, SKOS.editorialNote, Literal(note, lang="en")))
    remap = regions.add(graph, node, description["nuts_code"])
    sources: dict[URIRef, None] = {}
    for row in rows:
        sources[source_iri(row)] = None
    for source in sources:
        graph.add((node, DCTERMS.source, source))
    graph.add((node, DCTERMS.source, context.source_document))
    return Record(
        key=key,
        graph=graph,
        raw={"organisation": organisation.key, "lines": [row.line for row in rows]},
        location=f"lines {lines}",
        region_remap=remap,
    )


def _agreed(rows: list[TableRow], column: str) -> str:
    """The value all rows naming one organisation give in ``column``."""
    values = {cell(row, column) for row in rows}
    if len(values) > 1:
        raise RowProblem(
            f"the rows naming this organisation disagree on {column}: {sorted(values)}",
            column=column,
        )
    return values.pop()
