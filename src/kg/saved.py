"""Answering saved queries: parameters from a request, paging, formats, ETags and a small cache.

Routes hand the raw query-string values here; :class:`SavedQueryService` validates them against
the query's declared types (:mod:`kg.queries`), runs the bound query through the SPARQL service
(same workers, time limit and result cap as ``/sparql``) and returns bytes in the negotiated type,
or rows for the HTML pages.

Every answer carries an ``ETag`` computed from the query text, the bound terms, the page, the
media type and the store's state (which changes on every update). A client sending it back in
``If-None-Match`` gets ``304`` without the query running; the last answers are also kept in
memory, so a popular question is computed once per store state.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import threading
import uuid
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from rdflib import Graph, Literal, URIRef

from kg.config import Settings
from kg.errors import KGError, NotFound
from kg.paging import Paging
from kg.queries import Catalogue, Chart, Column, ParameterError, SavedQuery, paged
from kg.resources import local_href
from kg.sparql import SparqlService
from kg.sparql.formats import (
    CSV,
    GRAPH_FORMAT_NAMES,
    GRAPH_TYPES,
    HTML,
    NTRIPLES,
    RESULT_FORMAT_NAMES,
    RESULT_TYPES,
    SPARQL_JSON,
    TSV,
    negotiate,
)
from kg.sparql.text import RequestForm
from kg.store import Store
from kg.store.worker import QueryAnswer

_NUMERIC_TYPES = {
    "http://www.w3.org/2001/XMLSchema#" + name
    for name in ("integer", "decimal", "double", "float", "long", "int", "nonNegativeInteger")
}
#: Answers kept in memory, and the largest one worth keeping.
CACHE_ENTRIES = 256
CACHE_MAX_BYTES = 2_000_000
NUTS_CODE = "http://data.europa.eu/nuts/code/"
_NUTS_CODE = re.compile(r"[A-Z]{2}[A-Z0-9]{0,3}")


@dataclass(frozen=True)
class SavedAnswer:
    """A saved query's answer in one media type, with what the HTTP layer needs to send it."""

    media_type: str
    body: bytes
    etag: str
    paging: Paging | None = None
    total: int | None = None


@dataclass(frozen=True)
class Cell:
    """One value of a result table, ready for a template."""

    text: str
    href: str | None = None
    number: float | None = None
    iri: bool = False
    language: str | None = None


@dataclass
class Table:
    """A SELECT answer as rows of cells, for the HTML pages (and its chart, if it has one)."""

    columns: list[str]
    rows: list[list[Cell | None]]
    total: int
    paging: Paging | None
    chart: ChartData | None = None
    #: People's names for the columns (the query header's ``columns``), by variable name.
    labels: Mapping[str, Column] = field(default_factory=dict)

    @property
    def headers(self) -> list[Column]:
        """One header per column: its declared label and unit, else the variable name."""
        return [self.labels.get(name) or Column(name, name) for name in self.columns]

    @property
    def numeric(self) -> list[bool]:
        """Per column: whether every value given in it is a number (it sorts as numbers)."""
        flags = []
        for index in range(len(self.columns)):
            given = [cell for row in self.rows if (cell := row[index]) is not None]
            flags.append(bool(given) and all(cell.number is not None for cell in given))
        return flags


@dataclass(frozen=True)
class Bar:
    """One bar of a bar chart: its label, value and width as a share of the largest value."""

    label: str
    value: float
    share: float
    href: str | None = None


@dataclass
class ChartData:
    """A bar chart of one numeric column against one label column."""

    label_column: str
    value_column: str
    bars: list[Bar] = field(default_factory=list)
    #: What the axes are called for people ("Strength (score 0–1)"); the variables if empty.
    label_heading: str = ""
    value_heading: str = ""


class SavedQueryService:
    """Runs the catalogue's queries with typed parameters through the SPARQL service."""

    def __init__(
        self, catalogue: Catalogue, sparql: SparqlService, store: Store, settings: Settings
    ) -> None:
        self.catalogue = catalogue
        self.sparql = sparql
        self.store = store
        self.settings = settings
        self._cache: OrderedDict[str, SavedAnswer] = OrderedDict()
        self._cache_lock = threading.Lock()
        # Part of every ETag: a new server process or a store update means new answers.
        self._instance = uuid.uuid4().hex[:12]

    def query(self, name: str) -> SavedQuery:
        """The saved query ``name`` or a 404 that lists what exists."""
        try:
            return self.catalogue[name]
        except KeyError:
            raise NotFound(
                f"no saved query named {name!r}; see /queries for the catalogue",
                available=list(self.catalogue),
            ) from None

    def bound_text(self, query: SavedQuery, values: Mapping[str, str]) -> str:
        """The query text with ``values`` bound (what the page shows and the editor opens).

        Required parameters not given yet stay unbound, so a form's page can show its query.
        """
        return query.text(query.terms(values, self.store, allow_missing=True))

    def example_text(self, query: SavedQuery) -> str:
        """The query with its example values bound: a runnable example for the SPARQL editor."""
        try:
            return query.bind({p.name: p.example for p in query.parameters}, self.store)
        except ParameterError:  # an example naming something the graph no longer holds
            return query.text({})

    def answer(
        self,
        name: str,
        arguments: Mapping[str, Sequence[str]],
        *,
        accept: str | None,
        format_name: str | None,
        if_none_match: str | None = None,
    ) -> SavedAnswer | str:
        """The answer in the negotiated type, or the ETag alone when ``if_none_match`` matches.

        ``arguments`` are the query-string values (a name given twice is refused).
        """
        query = self.query(name)
        values, paging = self.read_arguments(query, arguments, paged_by_default=False)
        media_type = self.media_type(query, accept, format_name)
        text = query.bind(values, self.store)
        etag = self._etag(query, text, media_type, paging)
        if if_none_match and etag in {tag.strip() for tag in if_none_match.split(",")}:
            return etag
        cached = self._cached(etag)
        if cached is not None:
            return cached
        reply, total = self._run(query, text, paging, media_type)
        answer = SavedAnswer(reply.media_type, reply.body, etag, paging, total)
        self._remember(answer)
        return answer

    def table(self, query: SavedQuery, text: str, paging: Paging | None) -> Table:
        """The answer to ``text`` (``query`` with its values bound; a page of it) as a table of
        cells, for the HTML pages."""
        if query.form is not RequestForm.SELECT:
            # CONSTRUCT answers are shown as their triples; ASK as one yes/no cell.
            return self._other_form_table(query, text)
        reply, total = self._run(query, text, paging, SPARQL_JSON)
        document = json.loads(reply.body)
        columns: list[str] = document["head"]["vars"]
        base = self.settings.base_iri
        rows = [
            [_cell(binding.get(column), base, column) for column in columns]
            for binding in document["results"]["bindings"]
        ]
        columns, rows = link_labels(columns, rows)
        total_rows = total if total is not None else len(rows)
        table = Table(columns, rows, total_rows, paging, labels=query.columns)
        table.chart = chart_for(query, table)
        return table

    def read_arguments(
        self,
        query: SavedQuery,
        arguments: Mapping[str, Sequence[str]],
        *,
        paged_by_default: bool,
    ) -> tuple[dict[str, str], Paging | None]:
        """Split query-string arguments into parameter values and paging; 422 on any problem."""
        values: dict[str, str] = {}
        for key, given in arguments.items():
            if key == "format":
                continue
            if len(given) != 1:
                raise ParameterError(key, f"{key} is given {len(given)} times; give it once")
            values[key] = given[0]
        page_text = values.pop("page", None)
        size_text = values.pop("per_page", None)
        # Unknown names and malformed values, before any store work.
        query.terms(values, None, allow_missing=True)
        if query.form is not RequestForm.SELECT:
            if page_text or size_text:
                name = "page" if page_text else "per_page"
                raise ParameterError(name, f"only SELECT queries are paged; {query.name} is not")
            return values, None
        if page_text is None and size_text is None and not paged_by_default:
            return values, None
        default_size = query.page_size or self.settings.page_size
        page = _positive(page_text, "page", 1, None)
        per_page = _positive(size_text, "per_page", default_size, self.settings.max_page_size)
        return values, Paging(page, per_page)

    def media_type(self, query: SavedQuery, accept: str | None, format_name: str | None) -> str:
        """The answer type for the query's form, from ``format=`` or ``Accept``."""
        if query.form is RequestForm.CONSTRUCT:
            return negotiate(GRAPH_TYPES, accept, format_name, GRAPH_FORMAT_NAMES)
        return negotiate(RESULT_TYPES, accept, format_name, RESULT_FORMAT_NAMES)

    @property
    def state(self) -> str:
        """Changes whenever the store does (and with each server process)."""
        return f"{self._instance}-{self.sparql.generation}"

    def _etag(self, query: SavedQuery, text: str, media_type: str, paging: Paging | None) -> str:
        key = "\n".join(
            (
                query.name,
                text,
                media_type,
                f"{paging.page}/{paging.per_page}" if paging else "all",
                self.state,
            )
        )
        return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'

    def _run(
        self, query: SavedQuery, text: str, paging: Paging | None, media_type: str
    ) -> tuple[QueryAnswer, int | None]:
        """The answer (one page of it when paged) and, when paged, the number of rows in all."""
        if paging is None:
            return self.sparql.query(text, accept=media_type), None
        page_text = paged(text, paging.per_page, paging.offset)
        return self.sparql.query(page_text, accept=media_type), self._total(query, text)

    def _total(self, query: SavedQuery, text: str) -> int:
        # The whole bound query (ORDER BY included) as a sub-select; PREFIX lines stay in front.
        body = text[len(query.declarations) :]
        count = f"{query.declarations}SELECT (COUNT(*) AS ?total) WHERE {{\n{body}\n}}"
        reply = self.sparql.query(count, accept=SPARQL_JSON)
        bindings = json.loads(reply.body)["results"]["bindings"]
        return int(bindings[0]["total"]["value"]) if bindings else 0

    def _other_form_table(self, query: SavedQuery, text: str) -> Table:
        base = self.settings.base_iri
        if query.form is RequestForm.ASK:
            reply = self.sparql.query(text, accept=SPARQL_JSON)
            answer = "yes" if json.loads(reply.body).get("boolean") else "no"
            return Table(["answer"], [[Cell(answer)]], 1, None, labels=query.columns)
        reply = self.sparql.query(text, accept=NTRIPLES)
        graph = Graph().parse(data=reply.body.decode(), format="nt")
        rows: list[list[Cell | None]] = [
            [_term_cell(s, base), _term_cell(p, base), _term_cell(o, base)]
            for s, p, o in sorted(graph)
        ]
        return Table(
            ["subject", "predicate", "object"], rows, len(rows), None, labels=query.columns
        )

    def _cached(self, etag: str) -> SavedAnswer | None:
        with self._cache_lock:
            answer = self._cache.get(etag)
            if answer is not None:
                self._cache.move_to_end(etag)
            return answer

    def _remember(self, answer: SavedAnswer) -> None:
        if len(answer.body) > CACHE_MAX_BYTES:
            return
        with self._cache_lock:
            self._cache[answer.etag] = answer
            while len(self._cache) > CACHE_ENTRIES:
                self._cache.popitem(last=False)


#: What a saved-query URL offers, least preferred first (see :func:`negotiate`): on a tie such as
#: ``*/*`` a program gets data; a browser, which prefers HTML, gets the page.
_HTML_OR_DATA = {
    HTML: HTML,
    CSV: CSV,
    TSV: TSV,
    "application/json": SPARQL_JSON,
    SPARQL_JSON: SPARQL_JSON,
}


def wants_html(accept: str | None, format_name: str | None) -> bool:
    """Whether the client asks for the HTML page (``format=html``, or a browser's ``Accept``)."""
    if format_name is not None:
        return format_name == "html"
    with contextlib.suppress(KGError):  # an Accept that allows no type: not a browser
        return negotiate(_HTML_OR_DATA, accept) == HTML
    return False


def _positive(text: str | None, name: str, default: int, maximum: int | None) -> int:
    if text is None or not text.strip():
        return default
    if not text.strip().isdigit() or int(text) < 1:
        raise ParameterError(name, f"{name} must be a whole number from 1; got {text!r}")
    value = int(text)
    if maximum is not None and value > maximum:
        raise ParameterError(name, f"{name} must be at most {maximum}; got {value}")
    return value


def page_href(iri: str, base_iri: str) -> str:
    """Where a person should go for ``iri``: a NUTS region's page, or its resource page."""
    if iri.startswith(NUTS_CODE) and _NUTS_CODE.fullmatch(iri[len(NUTS_CODE) :]):
        return "/regions/" + iri[len(NUTS_CODE) :]
    return local_href(iri, base_iri)


def link_labels(
    columns: list[str], rows: list[list[Cell | None]]
) -> tuple[list[str], list[list[Cell | None]]]:
    """Fold each IRI column into its label column (``x`` into ``x_label``) as a link.

    Saved queries return an IRI and its label side by side (for programs); people read one
    linked name. A row without a label shows the IRI itself.
    """
    folded: dict[int, int] = {}  # label column → IRI column
    for index, column in enumerate(columns):
        cells = [cell for row in rows if (cell := row[index]) is not None]
        if not cells or not all(cell.iri for cell in cells):
            continue
        for suffix in ("_label", "_name"):
            if column + suffix in columns:
                folded[columns.index(column + suffix)] = index
                break
    if not folded:
        return columns, rows
    dropped = set(folded.values())
    keep = [i for i in range(len(columns)) if i not in dropped]
    new_rows: list[list[Cell | None]] = []
    for row in rows:
        new_row: list[Cell | None] = []
        for i in keep:
            cell = row[i]
            iri_cell = row[folded[i]] if i in folded else None
            if iri_cell is not None:
                cell = (
                    Cell(cell.text, href=iri_cell.href, language=cell.language)
                    if cell is not None
                    else iri_cell
                )
            new_row.append(cell)
        new_rows.append(new_row)
    return [columns[i] for i in keep], new_rows


def _cell(binding: Mapping[str, str] | None, base_iri: str, column: str = "") -> Cell | None:
    if binding is None:
        return None
    value = binding["value"]
    if binding["type"] == "uri":
        return Cell(value, href=page_href(value, base_iri), iri=True)
    if column.endswith("region_code") and _NUTS_CODE.fullmatch(value):
        # A NUTS code column links to the region's page: the way to compare regions.
        return Cell(value, href=f"/regions/{value}")
    if binding["type"] == "bnode":
        return Cell("_:" + value)
    number = None
    if binding.get("datatype") in _NUMERIC_TYPES:
        try:
            number = float(Decimal(value))
        except InvalidOperation:
            number = None
    return Cell(value, number=number, language=binding.get("xml:lang"))


def _term_cell(term: object, base_iri: str) -> Cell:
    if isinstance(term, URIRef):
        return Cell(str(term), href=local_href(str(term), base_iri), iri=True)
    if isinstance(term, Literal):
        return Cell(str(term), language=term.language)
    return Cell(str(term))


def chart_for(query: SavedQuery, table: Table, max_bars: int = 40) -> ChartData | None:
    """A bar chart of the table, when the query names one or a column is numeric in every row.

    The bars are labelled by the declared label column, or by the first column holding text
    that is not an IRI (an IRI makes a poor label), or the first column.
    """
    if not table.rows or query.chart is False:
        return None
    columns = table.columns
    if isinstance(query.chart, Chart):
        label_column, value_column = query.chart.label, query.chart.value
        if label_column not in columns or value_column not in columns:
            return None
    else:
        numeric = [c for c, is_number in zip(columns, table.numeric, strict=True) if is_number]
        # A year or a rank is a number but makes a poor bar: prefer a measured column.
        measured = [c for c in numeric if not re.search(r"year|rank|level|code", c)]
        if not measured:
            return None
        value_column = measured[0]
        texts = [
            c
            for i, c in enumerate(columns)
            if c != value_column and not any(cell.iri for row in table.rows if (cell := row[i]))
        ]
        label_column = texts[0] if texts else columns[0]
    label_index, value_index = columns.index(label_column), columns.index(value_column)
    points = []
    for row in table.rows[:max_bars]:
        value_cell, label_cell = row[value_index], row[label_index]
        if value_cell is None or value_cell.number is None:
            continue
        label = label_cell.text if label_cell is not None else ""
        points.append((label, value_cell.number, label_cell.href if label_cell else None))
    if not points:
        return None
    largest = max(abs(value) for _, value, _ in points) or 1.0
    bars = [Bar(label, value, abs(value) / largest, href) for label, value, href in points]
    return ChartData(
        label_column,
        value_column,
        bars,
        label_heading=query.column(label_column).heading,
        value_heading=query.column(value_column).heading,
    )
