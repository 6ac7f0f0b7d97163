"""Cohesion-policy development categories of NUTS-2 regions → ``ckg:DevelopmentCategoryAssignment``.

The source file (``data/sources/cohesion/cohesion_category_rule_based_nuts2.csv``) is a
**rule-based approximation**, never the official list: for each NUTS 2024 region it has the
average of Eurostat's GDP per inhabitant in PPS, % of the EU27_2020 average, over 2007-2009 and
2015-2017, and the category the thresholds of the regulations give (:data:`PERIODS`). The
official 2021-2027 categories of the 21 Italian regions, as a page summarising Commission
Implementing Decision (EU) 2021/1130 lists them, are read from
``official_category_checks_IT_2021_2027.csv`` next to it (optional; recorded as a used file).

One record per region, period and basis: ``{base}development-category/{code}/{period}/{basis}``
(e.g. ``…/development-category/ITI3/2021-2027/rule-based``), with the region's link to it
(``ckg:developmentCategoryAssignment``), and one record per programming period node
(``{base}period/2014-01-01--2020-12-31``, as the S3 strategies mint it). Where the official and
the rule-based category of a region and period differ (Basilicata ITF5, 2021-2027), both carry a
``skos:editorialNote`` and link each other with ``ckg:disagreesWith``.

Rows of non-EU countries (``eu27_2020`` = 0) are outside cohesion policy and are skipped. A blank
category gives no assignment (the region had no figures), never a guessed one. A row that cannot
be read (an unknown category word, an average that is not a number, a category the thresholds do
not give for its average, a code that is not a NUTS 2024 NUTS-2 region) becomes a record with
``problem`` set, so it is quarantined.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from kg.ingest.mappings.curated_rows import (
    RowProblem,
    cell,
    new_graph,
    required,
    source_iri,
    year_period,
)
from kg.ingest.mappings.indicators import decimal_lexical
from kg.ingest.nuts_history import NutsHistory, bundled_history
from kg.ingest.readers import TableFile, TableRecord, TableRow, read_table
from kg.ingest.records import MappingContext, Record
from kg.namespaces import CKG, CKGC, NUTS

RULE_COLUMNS = [
    "nuts2_code",
    "country_code",
    "eu27_2020",
    "label",
    "gdp_pps_hab_pct_eu27_2020_avg_2007_2009",
    "category_2014_2020_rule",
    "gdp_pps_hab_pct_eu27_2020_avg_2015_2017",
    "category_2021_2027_rule",
]
#: The official categories checked against the rule-based ones, next to the source file.
OFFICIAL_FILE = "official_category_checks_IT_2021_2027.csv"
OFFICIAL_COLUMNS = [
    "nuts2_code",
    "label",
    "period",
    "official_category",
    "category_rule_based",
    "source_url",
    "source_quote",
]
EUROSTAT_TABLE = "https://ec.europa.eu/eurostat/databrowser/view/nama_10r_2gdp/default/table"

#: The category words of the files → concepts of ``ontology/concepts.ttl``.
CATEGORIES: dict[str, URIRef] = {
    "less_developed": CKGC["less-developed"],
    "transition": CKGC.transition,
    "more_developed": CKGC["more-developed"],
}
CATEGORY_NAMES = {
    "less_developed": "less developed region",
    "transition": "transition region",
    "more_developed": "more developed region",
}
BASES: dict[str, URIRef] = {
    "rule-based": CKGC["rule-based-approximation"],
    "official": CKGC["official-decision"],
}
LESS_DEVELOPED_BELOW = Decimal(75)


@dataclass(frozen=True)
class ProgrammingPeriod:
    """A programming period of cohesion policy and the rule that assigns its categories."""

    slug: str
    start: int
    end: int
    average_column: str
    category_column: str
    reference_years: str
    #: Transition regions are below this share of the EU average (and at least 75 %).
    transition_below: Decimal
    regulation: str
    decision: str
    decision_nuts: str


PERIODS: dict[str, ProgrammingPeriod] = {
    "2014-2020": ProgrammingPeriod(
        slug="2014-2020",
        start=2014,
        end=2020,
        average_column="gdp_pps_hab_pct_eu27_2020_avg_2007_2009",
        category_column="category_2014_2020_rule",
        reference_years="2007-2009",
        transition_below=Decimal(90),
        regulation="Regulation (EU) No 1303/2013, Article 90(2)",
        decision="Commission Implementing Decision 2014/99/EU",
        decision_nuts="NUTS 2006",
    ),
    "2021-2027": ProgrammingPeriod(
        slug="2021-2027",
        start=2021,
        end=2027,
        average_column="gdp_pps_hab_pct_eu27_2020_avg_2015_2017",
        category_column="category_2021_2027_rule",
        reference_years="2015-2017",
        transition_below=Decimal(100),
        regulation="Regulation (EU) 2021/1060, Article 108(2)",
        decision="Commission Implementing Decision (EU) 2021/1130",
        decision_nuts="NUTS 2016",
    ),
}


def rule_category(average: Decimal, period: ProgrammingPeriod) -> str:
    """The category the period's thresholds give a share of the EU average.

    >>> [rule_category(Decimal(v), PERIODS["2021-2027"]) for v in ("74.99", "75.0", "100")]
    ['less_developed', 'transition', 'more_developed']
    >>> rule_category(Decimal("92.0"), PERIODS["2014-2020"])
    'more_developed'
    """
    if average < LESS_DEVELOPED_BELOW:
        return "less_developed"
    if average < period.transition_below:
        return "transition"
    return "more_developed"


@dataclass(frozen=True)
class Computed:
    """What a rule-based category rests on: the average share of the EU average (as written)."""

    average: str


@dataclass(frozen=True)
class Quoted:
    """What an official category rests on: the page that lists it, and its words."""

    page: URIRef
    quote: str


@dataclass
class Assignment:
    """One category of one region, period and basis, as read (before it becomes RDF)."""

    code: str
    #: The region's name for labels (Greek and Cyrillic names in Eurostat's transliteration).
    label: str
    period: ProgrammingPeriod
    category: str
    evidence: Computed | Quoted
    #: The file the row was read from, and the IRI naming it (dct:source).
    file: str
    document: URIRef
    line: int
    raw: Mapping[str, str]
    #: The row as it stands in its file, and that file's header line (for the quarantine).
    raw_text: str | None = None
    table: TableFile | None = None
    #: The assignment of the other basis, when its category differs.
    disagreement: Assignment | None = None

    @property
    def basis(self) -> str:
        """``rule-based`` or ``official``, the last segment of the IRI."""
        return "rule-based" if isinstance(self.evidence, Computed) else "official"

    @property
    def key(self) -> str:
        return f"{self.code} {self.period.slug} {self.basis}"


def map_development_categories(context: MappingContext) -> Iterator[Record]:
    """The two programming periods, then one record per assignment (rule-based, then official)."""
    history = bundled_history(context)
    for period in PERIODS.values():
        yield _period_record(context, period)
    rule_based: dict[tuple[str, str], Assignment] = {}
    seen: dict[str, int] = {}
    problems: list[Record] = []
    for row in read_table(context.source_file, RULE_COLUMNS):
        if row.problem:
            problems.append(_problem(row, context.source_file.name))
            continue
        try:
            for assignment in _rule_based(context, row, history, seen):
                rule_based[(assignment.code, assignment.period.slug)] = assignment
        except RowProblem as exc:
            problems.append(_problem(row, context.source_file.name, str(exc)))
    official: list[Assignment] = []
    official_path = context.source_file.with_name(OFFICIAL_FILE)
    official_document = context.use(official_path) if official_path.exists() else None
    if official_document is not None:
        official_seen: dict[tuple[str, str], int] = {}
        for row in read_table(official_path, OFFICIAL_COLUMNS):
            if row.problem:
                problems.append(_problem(row, official_path.name))
                continue
            try:
                assignment = _official(
                    row, official_path.name, official_document, history, rule_based, official_seen
                )
            except RowProblem as exc:
                problems.append(_problem(row, official_path.name, str(exc)))
                continue
            official.append(assignment)
            other = rule_based.get((assignment.code, assignment.period.slug))
            if other is not None and other.category != assignment.category:
                assignment.disagreement, other.disagreement = other, assignment
    yield from problems
    for assignment in [*rule_based.values(), *official]:
        yield _record(context, assignment)


# --- Reading rows -------------------------------------------------------------------------------


def _rule_based(
    context: MappingContext, row: TableRow, history: NutsHistory, seen: dict[str, int]
) -> list[Assignment]:
    """The assignments of one row of the rule-based file ([] for a non-EU row)."""
    member = cell(row, "eu27_2020")
    if member not in ("0", "1"):
        raise RowProblem(f"eu27_2020 {member!r} must be 1 (EU member) or 0 (not)")
    if member == "0":
        return []  # outside cohesion policy; counted in the README, never an assignment
    code = _nuts2_code(row, history)
    if code in seen:
        raise RowProblem(f"nuts2_code {code} is already on line {seen[code]}")
    seen[code] = row.line
    found = []
    for period in PERIODS.values():
        word = cell(row, period.category_column)
        if not word:
            continue  # no figures for the period: no category, never a guessed one
        category = _category(word, period.category_column)
        text = cell(row, period.average_column)
        average = decimal_lexical(text)
        if average is None:
            raise RowProblem(
                f"{period.average_column} {text!r} is not a number, but "
                f"{period.category_column} gives a category ({word})"
            )
        expected = rule_category(Decimal(average), period)
        if expected != category:
            raise RowProblem(
                f"{period.category_column} {word} does not follow the rule for an average of "
                f"{average} % ({expected}; thresholds 75 and {period.transition_below})"
            )
        found.append(
            Assignment(
                code=code,
                label=history.transliterations.get(code) or required(row, "label"),
                period=period,
                category=category,
                evidence=Computed(average),
                file=context.source_file.name,
                document=context.source_document,
                line=row.line,
                raw=dict(row),
                raw_text=row.raw_text,
                table=row.table,
            )
        )
    return found


def _official(
    row: TableRow,
    file: str,
    document: URIRef,
    history: NutsHistory,
    rule_based: Mapping[tuple[str, str], Assignment],
    seen: dict[tuple[str, str], int],
) -> Assignment:
    """The official assignment of one row of the official file."""
    code = _nuts2_code(row, history)
    slug = required(row, "period")
    period = PERIODS.get(slug)
    if period is None:
        raise RowProblem(f"period {slug!r} is not one of {', '.join(PERIODS)}")
    if (code, slug) in seen:
        raise RowProblem(f"{code} {slug} is already on line {seen[code, slug]}")
    seen[code, slug] = row.line
    category = _category(required(row, "official_category"), "official_category")
    counterpart = rule_based.get((code, slug))
    stated = cell(row, "category_rule_based")
    if stated != (counterpart.category if counterpart else ""):
        # The two files were made together: a mismatch means one was edited alone, or the
        # source file's row was quarantined; either way the comparison cannot be trusted.
        found = f"{counterpart.category}, line {counterpart.line}" if counterpart else "none"
        raise RowProblem(
            f"category_rule_based {stated!r} is not the source file's {slug} category ({found})"
        )
    return Assignment(
        code=code,
        label=required(row, "label"),
        period=period,
        category=category,
        evidence=Quoted(source_iri(row), required(row, "source_quote")),
        file=file,
        document=document,
        line=row.line,
        raw=dict(row),
        raw_text=row.raw_text,
        table=row.table,
    )


def _nuts2_code(row: TableRow, history: NutsHistory) -> str:
    code = required(row, "nuts2_code")
    current = history.current_version
    if len(code) != 4 or code not in history.regions[current]:
        raise RowProblem(f"nuts2_code {code!r} is not a NUTS-2 region of NUTS {current}")
    return code


def _category(word: str, column: str) -> str:
    if word not in CATEGORIES:
        raise RowProblem(f"{column} {word!r} is not one of {', '.join(CATEGORIES)}")
    return word


def _problem(row: TableRow, file: str, problem: str | None = None) -> Record:
    """A row that cannot be mapped (``problem``, or the reader's own finding): quarantined."""
    code = cell(row, "nuts2_code") or "?"
    return TableRecord(
        key=f"{file}: {code} (line {row.line})",
        graph=Graph(),
        raw=dict(row),
        location=f"{file} line {row.line}",
        problem=f"{file} line {row.line}: {problem}" if problem else f"{file} {row.problem}",
        row=row,
    )


# --- RDF ----------------------------------------------------------------------------------------


def assignment_iri(context: MappingContext, code: str, period: str, basis: str) -> URIRef:
    """``{base}development-category/{code}/{period}/{basis}``, the code as NUTS writes it."""
    return URIRef(f"{context.base_iri}development-category/{code}/{period}/{basis}")


def period_iri(context: MappingContext, period: ProgrammingPeriod) -> URIRef:
    """The period node of a programming period, minted as the S3 strategies' periods are."""
    return year_period(Graph(), context, (period.start, period.end))


def _period_record(context: MappingContext, period: ProgrammingPeriod) -> Record:
    """The period node, described once; the assignments refer to it."""
    graph = new_graph()
    year_period(graph, context, (period.start, period.end))
    return Record(
        key=f"period {period.slug}",
        graph=graph,
        raw={"period": period.slug},
        location=f"programming period {period.slug}",
    )


def _record(context: MappingContext, assignment: Assignment) -> Record:
    """One assignment, with its region's link to it."""
    graph = new_graph()
    period, evidence = assignment.period, assignment.evidence
    node = assignment_iri(context, assignment.code, period.slug, assignment.basis)
    region = NUTS[assignment.code]
    basis_name = "rule-based approximation" if isinstance(evidence, Computed) else "official"
    label = (
        f"{assignment.code} {assignment.label}, {period.slug}: "
        f"{CATEGORY_NAMES[assignment.category]} ({basis_name})"
    )
    graph.add((node, RDF.type, CKG.DevelopmentCategoryAssignment))
    graph.add((node, RDFS.label, Literal(label, lang="en")))
    graph.add((node, CKG.region, region))
    graph.add((region, CKG.developmentCategoryAssignment, node))
    graph.add((node, CKG.developmentCategory, CATEGORIES[assignment.category]))
    graph.add((node, DCTERMS.temporal, period_iri(context, period)))
    graph.add((node, CKG.assignmentBasis, BASES[assignment.basis]))
    graph.add((node, DCTERMS.source, assignment.document))
    if isinstance(evidence, Computed):
        average = Literal(evidence.average, datatype=XSD.decimal)
        graph.add((node, CKG.gdpPpsPerInhabitantPctEu, average))
        graph.add((node, CKG.referenceYears, Literal(period.reference_years)))
        graph.add((node, DCTERMS.source, URIRef(EUROSTAT_TABLE)))
        comment = _rule_comment(period, evidence)
    else:
        graph.add((node, DCTERMS.source, evidence.page))
        graph.add((node, CKG.sourceQuote, Literal(evidence.quote)))
        comment = _official_comment(period, evidence)
    graph.add((node, RDFS.comment, Literal(comment, lang="en")))
    other = assignment.disagreement
    if other is not None:
        other_node = assignment_iri(context, other.code, period.slug, other.basis)
        graph.add((node, CKG.disagreesWith, other_node))
        note = _disagreement_note(assignment, other)
        graph.add((node, SKOS.editorialNote, Literal(note, lang="en")))
    return TableRecord(
        key=f"{assignment.key} ({assignment.file} line {assignment.line})",
        graph=graph,
        raw=dict(assignment.raw),
        location=f"{assignment.file} line {assignment.line}",
        line=assignment.line,
        raw_text=assignment.raw_text,
        table=assignment.table,
    )


def _rule_comment(period: ProgrammingPeriod, evidence: Computed) -> str:
    return (
        f"Rule-based approximation, not the official list: ClusterKG assigned this {period.slug} "
        "category from Eurostat's GDP per inhabitant in purchasing power standards as a "
        "percentage of the EU27_2020 average (nama_10r_2gdp, unit PPS_HAB_EU27_2020), averaged "
        f"over {period.reference_years} ({evidence.average} %), with the thresholds of "
        f"{period.regulation}: less developed below 75 %, transition from 75 % to below "
        f"{period.transition_below} %, more developed from {period.transition_below} %. The "
        f"official categories are those of {period.decision}, which used the figures and EU "
        f"average available at the time, {period.decision_nuts} regions (these are NUTS 2024) "
        "and special rules; a region near a threshold may differ. Source: Eurostat."
    )


def _official_comment(period: ProgrammingPeriod, evidence: Quoted) -> str:
    return (
        f"Official {period.slug} category as listed by {period.decision} (under "
        f"{period.regulation}: GDP per inhabitant in PPS, {period.reference_years}, relative to "
        f"the EU-27 average), read from a page that summarises the decision ({evidence.page}); "
        "its words are in ckg:sourceQuote. Not checked against the annex of the decision itself, "
        "which was not available as data."
    )


def _disagreement_note(assignment: Assignment, other: Assignment) -> str:
    """Why two assignments of a region and period differ, from the side of ``assignment``."""
    period, other_name = assignment.period, CATEGORY_NAMES[other.category]
    if isinstance(assignment.evidence, Computed):
        return (
            f"The official {period.slug} category of {assignment.code} differs: {other_name} "
            f"({period.decision}; see ckg:disagreesWith). This rule-based approximation gives "
            f"{CATEGORY_NAMES[assignment.category]} from an average of "
            f"{assignment.evidence.average} % of the EU27_2020 average "
            f"({period.reference_years}); the Commission used the figures and EU average of its "
            "time. The official category is the one that applies."
        )
    average = other.evidence.average if isinstance(other.evidence, Computed) else "?"
    return (
        f"ClusterKG's rule-based approximation for {assignment.code} and {period.slug} differs: "
        f"{other_name}, from an average of {average} % of the EU27_2020 average "
        f"({period.reference_years}, later Eurostat figures; see ckg:disagreesWith). This "
        "official category is the one that applies."
    )
