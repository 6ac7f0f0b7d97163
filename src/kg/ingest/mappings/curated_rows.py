"""Shared parts of the mappings of the curated tables in ``data/sources/s3/`` (see FORMATS.md).

The S3-priority, cluster and project-partner tables and the two facts tables share their cell
syntax (``;``-separated lists, NUTS codes, source URLs, KET/ATI names, NACE codes), their
provenance (every resource gets ``dct:source`` → the page it was read from *and* the table it
was converted to, plus the page's words as ``ckg:sourceQuote``) and the way a published NUTS
code reaches the current regions (``ckg:currentRegion``, :attr:`Record.region_remap`).

A cell that cannot be read raises :class:`RowProblem`; the mapping then yields the row as a
record with ``problem`` set, so it is quarantined with that reason instead of being lost.

Facts (``project_facts.csv``, ``cluster_facts.csv``) become *claims*: one ``rdf:Statement`` per
fact with ``rdf:subject`` / ``rdf:predicate`` / ``rdf:object``, its source page and quote. A
claim is never asserted on its subject: sources disagree (23, 24 or 25 partners; three different
periods), and the subject's own record (a seed project, say) may allow only one value.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, SKOS, XSD

from kg.ingest.nuts_history import NutsHistory, Resolution, bundled_history
from kg.ingest.readers import TableRecord, TableRow, read_table
from kg.ingest.records import MappingContext, Record, RegionRemap, RowMessage, slugify
from kg.ingest.steward_checks import (
    RegionNames,
    content_key,
    mentions,
    mojibake_problem,
    period_problem,
    url_problem,
)
from kg.namespaces import ATI, CKG, CKGC, KET, NACE, NUTS, PREFIXES

#: The columns every facts table has (FORMATS.md, "Facts").
FACT_COLUMNS = [
    "id",
    "subject",
    "property",
    "value",
    "source_url",
    "source_quote",
    "notes",
    "converted_from",
]

HELIX_TYPES = frozenset({"business", "academia", "government", "civil-society"})
ESVC_BASE = "https://w3id.org/clusterkg/euroscivoc/"

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_NUTS_CODE = re.compile(r"^[A-Z]{2}[0-9A-Z]{0,3}$")
_PERIOD = re.compile(r"^(\d{4})-(\d{4})$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_NACE = re.compile(r"^(?:([A-U])|(\d{2})(?:\.?(\d))?(\d)?)$")
_CORDIS_PATH = re.compile(r"^(?:/\d+)+$")
_TECHNOLOGY = re.compile(r"^(ket|ati):([a-z0-9-]+)$")
_REFERENCE = re.compile(r"^([a-z][a-z-]*):([a-z0-9][a-z0-9-]*)$")
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
_DURATION = re.compile(r"^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?$")


class RowProblem(Exception):
    """A cell of a curated table cannot be read; the message says which and why, and
    ``column`` names the column when the problem is about one."""

    def __init__(self, message: str, column: str | None = None) -> None:
        super().__init__(message)
        self.column = column


# ── cells ────────────────────────────────────────────────────────────────────────────────────


def cell(row: Mapping[str, str], column: str) -> str:
    """The trimmed text of a cell ('' if the column is absent)."""
    return (row.get(column) or "").strip()


def required(row: Mapping[str, str], column: str) -> str:
    """The text of a cell that must not be empty."""
    value = cell(row, column)
    if not value:
        raise RowProblem(f"{column} is empty; it is required", column=column)
    return value


def items(text: str) -> list[str]:
    """The items of a ``;``-separated list cell.

    >>> items(" ket:photonics ; ati:robotics;")
    ['ket:photonics', 'ati:robotics']
    """
    return [item.strip() for item in text.split(";") if item.strip()]


def record_id(row: Mapping[str, str]) -> str:
    """The row's ``id``: lower-case letters, digits and '-', as it appears in the IRI."""
    value = required(row, "id")
    if not _ID.match(value):
        raise RowProblem(f"id {value!r} must be lower-case letters, digits and '-'", column="id")
    return value


def nuts_code(row: Mapping[str, str], column: str = "nuts_code") -> str:
    """A NUTS code of any version (2013-2024), e.g. ``ITI3`` or ``LT``."""
    value = required(row, column)
    if not _NUTS_CODE.match(value):
        raise RowProblem(
            f"{column} {value!r} is not a NUTS code (two capital letters and up to three "
            "letters or digits, e.g. ITI3); put place names in notes",
            column=column,
        )
    return value


def period_years(
    row: Mapping[str, str], column: str = "strategy_period", max_years: int | None = None
) -> tuple[int, int] | None:
    """A ``YYYY-YYYY`` period cell as (start year, end year), or None when empty.

    The period must be plausible (:func:`kg.ingest.steward_checks.period_problem`): it starts
    before it ends, within the years tables may speak of, and lasts at most ``max_years``.
    """
    value = cell(row, column)
    if not value:
        return None
    match = _PERIOD.match(value)
    if not match:
        raise RowProblem(
            f"{column} {value!r} is not a period YYYY-YYYY (e.g. 2021-2027)", column=column
        )
    start, end = int(match.group(1)), int(match.group(2))
    problem = period_problem(start, end, max_years)
    if problem:
        raise RowProblem(f"{column} {value!r} {problem}", column=column)
    return start, end


def language_tag(row: Mapping[str, str], column: str) -> str:
    """A BCP 47 language tag such as ``it`` or ``sv``."""
    value = required(row, column)
    if not _LANGUAGE.match(value):
        raise RowProblem(
            f"{column} {value!r} is not a language tag (e.g. it, en, sv)", column=column
        )
    return value


def boolean(row: Mapping[str, str], column: str) -> bool:
    """``true`` or ``false``."""
    value = required(row, column).lower()
    if value not in ("true", "false"):
        raise RowProblem(f"{column} must be true or false, not {value!r}", column=column)
    return value == "true"


def source_iri(row: Mapping[str, str], column: str = "source_url") -> URIRef:
    """The page a row was read from, as an IRI: an absolute http(s) URL with a host."""
    value = required(row, column)
    problem = url_problem(value)
    if problem:
        raise RowProblem(
            f"{column} {value[:80]!r} is not an http(s) URL: it {problem}; write the page's "
            "full address (e.g. https://www.example.org/page)",
            column=column,
        )
    if _NOT_IN_IRI.search(value):
        raise RowProblem(
            f"{column} {value[:80]!r} is not an http(s) URL usable as an IRI (no spaces, quotes "
            "or angle brackets)",
            column=column,
        )
    return URIRef(value)


def homepage_iri(row: Mapping[str, str], column: str = "website") -> URIRef | None:
    """An optional website cell: an http(s) URL."""
    if not cell(row, column):
        return None
    return source_iri(row, column)


def nace_iri(code: str, column: str | None = None) -> URIRef:
    """The NACE Rev. 2 IRI of a code written with or without dots.

    >>> nace_iri("26.11")
    rdflib.term.URIRef('http://data.europa.eu/ux2/nace2/2611')
    >>> nace_iri("C")
    rdflib.term.URIRef('http://data.europa.eu/ux2/nace2/C')
    """
    match = _NACE.match(code.strip())
    if not match:
        raise RowProblem(
            f"{code!r} is not a NACE Rev. 2 code (a section letter A-U, or a division, group or "
            "class such as 26, 26.1, 26.11 or 2611)",
            column=column,
        )
    return NACE[code.strip().replace(".", "")]


def domain_iri(code_path: str, column: str | None = None) -> URIRef:
    """The EuroSciVoc stand-in IRI of a CORDIS code path.

    >>> domain_iri("/23/43/251")
    rdflib.term.URIRef('https://w3id.org/clusterkg/euroscivoc/23-43-251')
    """
    if not _CORDIS_PATH.match(code_path.strip()):
        raise RowProblem(
            f"{code_path!r} is not a EuroSciVoc CORDIS code path (numbers separated by '/', "
            "e.g. /23/43/251)",
            column=column,
        )
    return URIRef(ESVC_BASE + code_path.strip().removeprefix("/").replace("/", "-"))


def technology_iri(name: str, column: str | None = None) -> URIRef:
    """A KET or ATI concept written ``ket:{local name}`` or ``ati:{local name}``.

    >>> technology_iri("ati:robotics")
    rdflib.term.URIRef('https://w3id.org/clusterkg/ati/robotics')
    """
    match = _TECHNOLOGY.match(name.strip())
    if not match:
        raise RowProblem(
            f"{name!r} is not a technology: write ket:{{name}} or ati:{{name}} with a local name "
            "of ontology/kets.ttl (e.g. ket:photonics, ati:robotics)",
            column=column,
        )
    namespace = KET if match.group(1) == "ket" else ATI
    return namespace[match.group(2)]


def integer(row: Mapping[str, str], column: str, minimum: int = 0) -> int | None:
    """An optional whole-number cell."""
    value = cell(row, column)
    if not value:
        return None
    if not value.isdigit() or int(value) < minimum:
        raise RowProblem(
            f"{column} {value!r} is not a whole number of at least {minimum}", column=column
        )
    return int(value)


def helix_types(row: Mapping[str, str], column: str) -> list[URIRef]:
    """Quadruple-helix types (business, academia, government, civil-society)."""
    found = []
    for value in items(cell(row, column)):
        if value not in HELIX_TYPES:
            raise RowProblem(
                f"{column}: {value!r} is not one of {', '.join(sorted(HELIX_TYPES))}",
                column=column,
            )
        found.append(CKGC[value])
    return found


def reference(value: str, column: str, kinds: Iterable[str]) -> tuple[str, str]:
    """A ``kind:key`` reference to a minted resource (``project:clusterfy``)."""
    match = _REFERENCE.match(value.strip())
    allowed = sorted(kinds)
    if not match or match.group(1) not in allowed:
        raise RowProblem(
            f"{column} {value!r} must be {' or '.join(k + ':<key>' for k in allowed)} "
            "(lower-case key, as in the IRI)",
            column=column,
        )
    return match.group(1), match.group(2)


# ── graphs ───────────────────────────────────────────────────────────────────────────────────


def new_graph() -> Graph:
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def add_provenance(
    graph: Graph, subject: URIRef, row: Mapping[str, str], context: MappingContext
) -> None:
    """``dct:source`` (the page and the converted table), ``ckg:sourceQuote`` and notes."""
    graph.add((subject, DCTERMS.source, source_iri(row)))
    graph.add((subject, DCTERMS.source, context.source_document))
    quote = cell(row, "source_quote")
    if quote:
        graph.add((subject, CKG.sourceQuote, Literal(quote)))
    notes = cell(row, "notes")
    if notes:
        graph.add((subject, SKOS.editorialNote, Literal(notes, lang="en")))


def add_subjects(graph: Graph, subject: URIRef, text: str) -> None:
    """Sectors or technologies as a source names them: one ``dct:subject`` text per item."""
    for item in items(text):
        graph.add((subject, DCTERMS.subject, Literal(item)))


class Regions:
    """Published NUTS codes → current regions, from the bundled NUTS history."""

    def __init__(self, context: MappingContext) -> None:
        self.context = context

    @cached_property
    def history(self) -> NutsHistory:
        return bundled_history(self.context)

    @cached_property
    def names(self) -> RegionNames:
        """The names of every code of every version, indexed once per mapping run."""
        return RegionNames.from_history(self.history)

    def resolve(self, code: str) -> Resolution:
        return self.history.resolve(code)

    def add(self, graph: Graph, subject: URIRef, code: str) -> RegionRemap | None:
        """``ckg:region`` (as published) and ``ckg:currentRegion`` (its current regions)."""
        resolution = self.resolve(code)
        graph.add((subject, CKG.region, NUTS[code]))
        for current in resolution.current:
            graph.add((subject, CKG.currentRegion, NUTS[current]))
        return resolution.remap

    def name(self, code: str) -> str:
        """The region's name in the newest version that has it (Latin script).

        Greek and Cyrillic names are given in Eurostat's Latin transliteration.
        """
        version = self.history.version_of(code)
        if version is None:
            return code
        latin = self.history.transliterations.get(code)
        return latin or self.history.regions[version][code].label


def period_node(graph: Graph, context: MappingContext, start: date, end: date | None) -> URIRef:
    """Mint and describe ``{base}period/{start}--{end}`` (shared by value with the seeds)."""
    key = f"{start.isoformat()}--{end.isoformat() if end else ''}"
    node = URIRef(f"{context.base_iri}period/{key}")
    graph.add((node, RDF.type, DCTERMS.PeriodOfTime))
    graph.add((node, RDFS.label, Literal(f"{start.isoformat()}/{end.isoformat() if end else ''}")))
    graph.add((node, DCAT.startDate, Literal(start)))
    if end:
        graph.add((node, DCAT.endDate, Literal(end)))
    return node


def year_period(graph: Graph, context: MappingContext, years: tuple[int, int]) -> URIRef:
    """The period from 1 January of the first year to 31 December of the last."""
    return period_node(graph, context, date(years[0], 1, 1), date(years[1], 12, 31))


def problem_record(row: TableRow, key: str, problem: str, column: str | None = None) -> Record:
    """A row that cannot be mapped: quarantined with ``problem`` (about ``column``) as the
    reason, which starts with the row's line."""
    named = problem.startswith(f"line {row.line} ")  # the reader's own messages name it
    return TableRecord(
        key=key,
        graph=Graph(),
        raw=dict(row),
        location=f"line {row.line}",
        problem=problem if named else f"line {row.line}: {problem}",
        problem_column=column,
        row=row,
    )


# ── row checks (FORMATS.md, "Checks") ───────────────────────────────────────────────────────


def check_row(row: TableRow, contents: dict[tuple[str, ...], TableRow]) -> None:
    """The checks of a whole row, before its cells are read: no mis-decoded text in any cell,
    and not a repeat of an earlier row of the file (``contents``, filled here)."""
    found = mojibake_problem(row)
    if found:
        column, message = found
        raise RowProblem(message, column=column)
    content = content_key(row)
    earlier = contents.setdefault(content, row)
    if earlier is not row:
        other_id = cell(earlier, "id")
        named = f"line {earlier.line}" + (f" (id {other_id!r})" if other_id else "")
        raise RowProblem(
            f"the row repeats {named}: every cell but id, notes and converted_from is the same; "
            "delete one of the two rows",
            column=None,  # the whole row, not one column
        )


def check_region_name(
    row: Mapping[str, str], regions: Regions, code: str, column: str = "region_name"
) -> None:
    """The optional ``region_name`` must be a name of the row's NUTS code (any version,
    language or script), not of another region."""
    name = cell(row, column)
    if not name:
        return
    problem = regions.names.problem(code, name, column)
    if problem:
        raise RowProblem(problem, column=column)


def quote_warning(row: Mapping[str, str], names: Mapping[str, str]) -> RowMessage | None:
    """A warning when ``source_quote`` contains none of ``names`` (what each is → its text,
    e.g. ``{"label": …, "English version": …}``): the quote may not support the row. None
    when there is no quote."""
    quote = cell(row, "source_quote")
    given = {what: text for what, text in names.items() if text}
    if not quote or not given or any(mentions(quote, text) for text in given.values()):
        return None
    wording = " nor ".join(
        f"{'the' if index == 0 else 'its'} {what} {text!r}"
        for index, (what, text) in enumerate(given.items())
    )
    return RowMessage(
        "warning",
        "source_quote",
        f"source_quote does not contain {wording} (case, accents and punctuation ignored); "
        "check that the quote supports this row",
    )


def malformed_record(row: TableRow, key: str) -> Record:
    """A row the reader could not split into the header's fields, quarantined with a hint."""
    return problem_record(
        row,
        key,
        f"{row.problem} (a cell holding a comma, quote or line break must be in double quotes)",
    )


def row_key(row: TableRow) -> str:
    """How a record is named for people: its id (if any) and line."""
    value = cell(row, "id")
    return f"{value} (line {row.line})" if value else f"line {row.line}"


def check_unique(row: TableRow, value: str, seen: dict[str, int], what: str = "id") -> None:
    """Refuse a second row with the same id (it would merge two records into one IRI)."""
    if value in seen:
        raise RowProblem(f"{what} {value!r} is already used on line {seen[value]}", column=what)
    seen[value] = row.line


# ── facts → claims ───────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class FactProperty:
    """One property the facts tables may state, and how its value is written."""

    predicate: URIRef
    #: "count" (whole number ≥ 1), "quantity" (whole number ≥ 0), "period", "duration".
    value_kind: str


#: The ``property`` column of the facts tables → RDF property (see FORMATS.md).
FACT_PROPERTIES: dict[str, FactProperty] = {
    "partner_count": FactProperty(CKG.partnerCount, "count"),
    "country_count": FactProperty(CKG.countryCount, "count"),
    "member_count": FactProperty(CKG.memberCount, "quantity"),
    "quantity": FactProperty(CKG.quantity, "quantity"),
    "period": FactProperty(DCTERMS.temporal, "period"),
    "duration": FactProperty(DCTERMS.extent, "duration"),
}


def parse_duration(text: str) -> tuple[int, int, int]:
    """An ISO 8601 duration of years, months and days.

    >>> parse_duration("P2Y6M")
    (2, 6, 0)
    """
    match = _DURATION.match(text)
    if not match:
        raise RowProblem(
            f"{text!r} is not an ISO 8601 duration such as P30M or P2Y6M", column="value"
        )
    years, months, days = (int(part or 0) for part in match.groups())
    return years, months, days


def _partial_date(text: str, *, end: bool) -> date:
    match = _PARTIAL_DATE.match(text)
    if not match:
        raise RowProblem(f"{text!r} is not a date YYYY, YYYY-MM or YYYY-MM-DD", column="value")
    year = int(match.group(1))
    month = int(match.group(2) or (12 if end else 1))
    try:
        last = calendar.monthrange(year, month)[1]
        day = int(match.group(3) or (last if end else 1))
        return date(year, month, day)
    except ValueError as exc:
        raise RowProblem(f"{text!r} is not a valid date: {exc}", column="value") from exc


def _add_duration(start: date, years: int, months: int, days: int) -> date:
    """The last day of a period of the given length that starts on ``start``."""
    month_index = start.month - 1 + months + 12 * years
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day) + timedelta(days=days) - timedelta(days=1)


def parse_interval(text: str) -> tuple[date, date, bool]:
    """An ISO 8601 interval ``start/end`` or ``start/duration`` as (start, end, computed).

    Partial dates stand for their whole month or year: ``2012-04/2014-12`` is 1 April 2012 to
    31 December 2014. With a duration the end date is computed (``computed`` is True).

    >>> parse_interval("2012-05/P30M")
    (datetime.date(2012, 5, 1), datetime.date(2014, 10, 31), True)
    >>> parse_interval("2012-04/2014-12")
    (datetime.date(2012, 4, 1), datetime.date(2014, 12, 31), False)
    """
    start_text, separator, end_text = text.partition("/")
    if not separator or not start_text or not end_text:
        raise RowProblem(
            f"period {text!r} must be an ISO 8601 interval start/end or start/duration "
            "(e.g. 2012-04/2014-12, 2017-01-01/2021-12-31, 2012-05/P30M)",
            column="value",
        )
    start = _partial_date(start_text, end=False)
    computed = end_text.startswith("P")
    if computed:
        end = _add_duration(start, *parse_duration(end_text))
    else:
        end = _partial_date(end_text, end=True)
        if end < start:
            raise RowProblem(f"period {text!r} ends before it starts", column="value")
    problem = period_problem(start.year, end.year)
    if problem:
        raise RowProblem(f"period {text!r} {problem}", column="value")
    return start, end, computed


@dataclass(frozen=True)
class FactsTable:
    """A facts table and the kinds of subject it may speak about."""

    path: Path
    kinds: frozenset[str]


def map_facts(
    context: MappingContext, table: FactsTable, known_subjects: set[str] | None = None
) -> Iterator[Record]:
    """One claim record per fact row of ``table`` (read as a further file of the source).

    ``known_subjects`` (``kind:key`` strings), when given, are the only subjects allowed: a
    cluster fact must be about a cluster of the clusters table, say.
    """
    document = context.use(table.path)
    seen: dict[str, int] = {}
    contents: dict[tuple[str, ...], TableRow] = {}
    for row in read_table(table.path, FACT_COLUMNS):
        key = f"{table.path.name}: {row_key(row)}"
        location = f"{table.path.name} line {row.line}"
        if row.problem:
            yield TableRecord(
                key=key,
                graph=Graph(),
                raw=dict(row),
                location=location,
                problem=f"{table.path.name} {row.problem}",
                row=row,
            )
            continue
        try:
            check_row(row, contents)
            graph = _claim_graph(context, row, table, document, seen, known_subjects)
        except RowProblem as exc:
            yield TableRecord(
                key=key,
                graph=Graph(),
                raw=dict(row),
                location=location,
                problem=f"{table.path.name} line {row.line}: {exc}",
                problem_column=exc.column,
                row=row,
            )
            continue
        yield TableRecord(
            key=key,
            graph=graph,
            raw=dict(row),
            location=location,
            row=row,
        )


def _claim_graph(
    context: MappingContext,
    row: TableRow,
    table: FactsTable,
    document: URIRef,
    seen: dict[str, int],
    known_subjects: set[str] | None,
) -> Graph:
    identifier = record_id(row)
    check_unique(row, identifier, seen)
    subject_text = required(row, "subject")
    kind, key = reference(subject_text, "subject", table.kinds)
    if known_subjects is not None and subject_text not in known_subjects:
        raise RowProblem(
            f"subject {subject_text!r} is not a record of this source", column="subject"
        )
    name = required(row, "property")
    spec = FACT_PROPERTIES.get(name)
    if spec is None:
        raise RowProblem(
            f"property {name!r} is not one of {', '.join(sorted(FACT_PROPERTIES))}",
            column="property",
        )
    value = required(row, "value")
    graph = new_graph()
    claim = context.mint("claim", identifier)
    graph.add((claim, RDF.type, RDF.Statement))
    graph.add((claim, RDF.subject, context.mint(kind, key)))
    graph.add((claim, RDF.predicate, spec.predicate))
    if spec.value_kind in ("count", "quantity"):
        minimum = 1 if spec.value_kind == "count" else 0
        if not value.isdigit() or int(value) < minimum:
            raise RowProblem(
                f"value {value!r} of {name} is not a whole number ≥ {minimum}", column="value"
            )
        graph.add((claim, RDF.object, Literal(int(value))))
    elif spec.value_kind == "duration":
        parse_duration(value)
        graph.add((claim, RDF.object, Literal(value, datatype=XSD.duration)))
    else:
        start, end, computed = parse_interval(value)
        graph.add((claim, RDF.object, period_node(graph, context, start, end)))
        if computed:
            note = (
                f"The source states a start and a duration ({value}); the end date "
                f"{end.isoformat()} is computed from them."
            )
            graph.add((claim, SKOS.editorialNote, Literal(note, lang="en")))
    graph.add((claim, RDFS.label, Literal(f"{subject_text} {name} {value}")))
    graph.add((claim, DCTERMS.source, source_iri(row)))
    graph.add((claim, DCTERMS.source, document))
    quote = cell(row, "source_quote")
    if quote:
        graph.add((claim, CKG.sourceQuote, Literal(quote)))
    notes = cell(row, "notes")
    if notes:
        graph.add((claim, SKOS.editorialNote, Literal(notes, lang="en")))
    return graph


def slug(text: str, limit: int = 60) -> str:
    """A slug of at most ``limit`` characters, cut at a hyphen.

    >>> slug("Smart and energy-efficient construction", 20)
    'smart-and-energy'
    """
    full = slugify(text)
    if len(full) <= limit:
        return full
    cut = full[:limit]
    return cut[: cut.rfind("-")] if "-" in cut else cut
