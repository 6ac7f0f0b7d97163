"""S3 priorities (``data/sources/s3/s3_priorities.csv``) → strategies and priorities.

``map_s3_priorities`` yields one ``ckg:S3Priority`` per row and one
``ckg:SmartSpecialisationStrategy`` per (region, period) of the rows: ``{base}strategy/{nuts code}-
{period or "undated"}``, titled "RIS3 {region name} {period}", with ``dct:temporal`` for a stated
period (1 January of the first year to 31 December of the last) and none when the sources do not
state one. The table's columns and how each becomes RDF are in ``data/sources/s3/FORMATS.md``.

Technologies are never derived here: :mod:`kg.technology_matches` derives them from the graph
(``ckg:derivedTechnology``), apart from the ``ckg:technology`` a source names.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from kg.ingest.mappings.curated_rows import (
    Regions,
    RowProblem,
    add_provenance,
    add_subjects,
    boolean,
    cell,
    check_region_name,
    check_row,
    check_unique,
    domain_iri,
    items,
    language_tag,
    malformed_record,
    nace_iri,
    new_graph,
    nuts_code,
    period_years,
    problem_record,
    quote_warning,
    record_id,
    required,
    row_key,
    source_iri,
    technology_iri,
    year_period,
)
from kg.ingest.readers import TableRecord, TableRow, read_table
from kg.ingest.records import MappingContext, Record, RegionRemap
from kg.ingest.steward_checks import STRATEGY_MAX_YEARS
from kg.namespaces import CKG

#: The columns of ``s3_priorities.csv`` (FORMATS.md, "S3 priorities"); all must be present.
PRIORITY_COLUMNS = [
    "id",
    "nuts_code",
    "strategy_period",
    "label",
    "label_language",
    "label_en",
    "label_en_translated",
    "description",
    "nace_codes",
    "scientific_domains",
    "technologies",
    "technologies_text",
    "sectors_text",
    "source_url",
    "source_quote",
    "notes",
    "converted_from",
]

#: Names of the languages of the curated labels, for the editorial note on translations.
LANGUAGE_NAMES = {
    "bg": "Bulgarian",
    "cs": "Czech",
    "da": "Danish",
    "de": "German",
    "el": "Greek",
    "en": "English",
    "es": "Spanish",
    "fi": "Finnish",
    "fr": "French",
    "gl": "Galician",
    "hr": "Croatian",
    "hu": "Hungarian",
    "it": "Italian",
    "lt": "Lithuanian",
    "nl": "Dutch",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "sk": "Slovak",
    "sl": "Slovenian",
    "sv": "Swedish",
}


def strategy_key(code: str, years: tuple[int, int] | None) -> str:
    """The key of the strategy of one region and period.

    >>> strategy_key("ITI3", (2014, 2020))
    'iti3-2014-2020'
    >>> strategy_key("SE313", None)
    'se313-undated'
    """
    period = f"{years[0]}-{years[1]}" if years else "undated"
    return f"{code.lower()}-{period}"


@dataclass
class _Strategy:
    code: str
    years: tuple[int, int] | None
    priorities: list[URIRef] = field(default_factory=list)
    sources: dict[URIRef, None] = field(default_factory=dict)
    lines: list[int] = field(default_factory=list)


def map_s3_priorities(context: MappingContext) -> Iterator[Record]:
    """One record per priority row (in file order), then one per strategy."""
    regions = Regions(context)
    strategies: dict[str, _Strategy] = {}
    seen: dict[str, int] = {}
    contents: dict[tuple[str, ...], TableRow] = {}
    for row in read_table(context.source_file, PRIORITY_COLUMNS):
        key = row_key(row)
        if row.problem:
            yield malformed_record(row, key)
            continue
        try:
            check_row(row, contents)
            record, code, years = _priority(context, regions, row, seen)
        except RowProblem as exc:
            yield problem_record(row, key, str(exc), exc.column)
            continue
        strategy = strategies.setdefault(
            strategy_key(code, years), _Strategy(code=code, years=years)
        )
        strategy.priorities.append(context.mint("s3-priority", record_id(row)))
        strategy.sources[source_iri(row)] = None
        strategy.lines.append(row.line)
        yield record
    for skey, strategy in strategies.items():
        yield _strategy_record(context, regions, skey, strategy)


def _priority(
    context: MappingContext, regions: Regions, row: TableRow, seen: dict[str, int]
) -> tuple[Record, str, tuple[int, int] | None]:
    identifier = record_id(row)
    check_unique(row, identifier, seen)
    code = nuts_code(row)
    check_region_name(row, regions, code)
    years = period_years(row, max_years=STRATEGY_MAX_YEARS)
    label = required(row, "label")
    language = language_tag(row, "label_language")
    label_en = cell(row, "label_en")
    source_iri(row)  # checked before anything is built
    graph = new_graph()
    priority = context.mint("s3-priority", identifier)
    strategy = context.mint("strategy", strategy_key(code, years))
    graph.add((priority, RDF.type, CKG.S3Priority))
    graph.add((priority, RDF.type, SKOS.Concept))
    graph.add((priority, SKOS.prefLabel, Literal(label, lang=language)))
    if language == "en":
        if label_en and label_en != label:
            raise RowProblem(
                "label_en must be empty when the label is English (label_language en): "
                "put another English wording in notes",
                column="label_en",
            )
    elif not label_en:
        raise RowProblem(
            f"label_en is empty; it is required when label_language is {language}",
            column="label_en",
        )
    else:
        graph.add((priority, SKOS.prefLabel, Literal(label_en, lang="en")))
        if boolean(row, "label_en_translated"):
            original = LANGUAGE_NAMES.get(language, f"'{language}'")
            note = (
                f"The English label is an editorial translation of the {original} label, "
                "not a wording of the source."
            )
            graph.add((priority, SKOS.editorialNote, Literal(note, lang="en")))
    description = cell(row, "description")
    if description:
        graph.add((priority, DCTERMS.description, Literal(description, lang="en")))
    graph.add((priority, CKG.strategy, strategy))
    graph.add((priority, SKOS.inScheme, strategy))
    remap = regions.add(graph, priority, code)
    for nace in items(cell(row, "nace_codes")):
        graph.add((priority, CKG.economicDomain, nace_iri(nace, "nace_codes")))
    for path in items(cell(row, "scientific_domains")):
        graph.add((priority, CKG.scientificDomain, domain_iri(path, "scientific_domains")))
    for technology in items(cell(row, "technologies")):
        graph.add((priority, CKG.technology, technology_iri(technology, "technologies")))
    add_subjects(graph, priority, cell(row, "technologies_text"))
    add_subjects(graph, priority, cell(row, "sectors_text"))
    add_provenance(graph, priority, row, context)
    english = label_en if label_en and label_en != label else ""
    warning = quote_warning(row, {"label": label, "English version": english})
    record = TableRecord(
        key=row_key(row),
        graph=graph,
        raw=dict(row),
        location=f"line {row.line}",
        warnings=[warning] if warning else [],
        row=row,
        region_remap=remap,
    )
    return record, code, years


def _strategy_record(
    context: MappingContext, regions: Regions, key: str, strategy: _Strategy
) -> Record:
    graph = new_graph()
    node = context.mint("strategy", key)
    graph.add((node, RDF.type, CKG.SmartSpecialisationStrategy))
    graph.add((node, RDF.type, SKOS.ConceptScheme))
    period = f"{strategy.years[0]}-{strategy.years[1]}" if strategy.years else "(period not stated)"
    graph.add((node, RDFS.label, Literal(f"RIS3 {regions.name(strategy.code)} {period}")))
    remap: RegionRemap | None = regions.add(graph, node, strategy.code)
    if strategy.years:
        graph.add((node, DCTERMS.temporal, year_period(graph, context, strategy.years)))
    for priority in strategy.priorities:
        graph.add((node, CKG.hasPriority, priority))
    for source in strategy.sources:
        graph.add((node, DCTERMS.source, source))
    graph.add((node, DCTERMS.source, context.source_document))
    note = (
        "A strategy minted by ClusterKG for the priorities the curated sources list for this "
        "region and period; the sources (dct:source) are those of its priorities."
    )
    if not strategy.years:
        note += " The sources do not state the strategy's period."
    graph.add((node, SKOS.editorialNote, Literal(note, lang="en")))
    lines = ", ".join(str(line) for line in strategy.lines)
    return Record(
        key=f"strategy {key}",
        graph=graph,
        raw={"strategy": key, "lines": strategy.lines},
        location=f"lines {lines}",
        region_remap=remap,
    )
