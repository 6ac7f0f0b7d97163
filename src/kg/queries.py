"""The saved-query catalogue: ``queries/*.rq`` files with a header block of typed parameters.

A saved query is a file, not code. Its header is a YAML document written as ``#+`` comment lines
(the convention of grlc, so the files also work there)::

    #+ summary: Regions strong in a Key Enabling Technology
    #+ description: >-
    #+   What it answers and what counts as evidence.
    #+ tags: [kets, regions]
    #+ params:
    #+   ket: {type: ket, label: Technology, default: "ket:photonics", example: "ket:photonics"}
    #+ chart: {label: region_label, value: clusters}
    #+ columns:
    #+   region: Region
    #+   region_label: Region
    #+   clusters: {label: Clusters working on it, unit: organisations}

``columns`` gives each result column (a projected variable; ``subject``, ``predicate``,
``object`` of a CONSTRUCT; ``answer`` of an ASK) the words people read in the table header: a
label, or a label and a unit, shown as "Label (unit)". Programs keep the variable names (CSV and
JSON headers are the variables); the labels are in the catalogue's JSON-LD and each operation's
description. A column the query does not have is an error, like any other malformed header.

The catalogue is read once at start-up; a malformed file stops the start with its path and line
rather than being dropped (grlc silently skipped such files: its issues #52 and #92).

Parameters are validated against their type and bound as typed RDF terms in a ``VALUES`` block
placed first in the query's top-level ``WHERE`` group, built from terms that pyoxigraph itself
serialises, so no user text is ever spliced into the query. pyoxigraph's own ``substitutions``
were tried and not used: they apply only to projected variables, and in pyoxigraph 0.5.13
``SELECT ?o ?min { ?s :p ?o OPTIONAL {…} FILTER(?o >= ?min) }`` with ``?min`` substituted returned
rows below ``?min`` (the filter saw it unbound), and a CONSTRUCT returned nothing. A ``VALUES``
block has the standard SPARQL meaning, and is what a remote endpoint needs anyway.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml
from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier

from kg import collections as rest
from kg.errors import InvalidInput, KGError
from kg.namespaces import PREFIXES
from kg.sparql.text import RequestForm, keywords_only, request_form
from kg.store import Store

#: Query-string names the service reads itself, so no saved query may use them as parameters.
RESERVED_NAMES = frozenset({"page", "per_page", "format"})
#: grlc's keys that mean something here too; any other key is a mistake in the header.
HEADER_KEYS = frozenset(
    {"summary", "description", "tags", "params", "chart", "method", "pagination", "columns"}
)
PARAMETER_KEYS = frozenset(
    {"type", "label", "description", "default", "example", "required"}
    | {"values", "minimum", "maximum"}
)
COLUMN_KEYS = frozenset({"label", "unit"})
#: The table columns of the answers that have no projected variables.
GRAPH_COLUMNS = ("subject", "predicate", "object")
ASK_COLUMNS = ("answer",)
#: Longest accepted text for ``string`` parameters; a label search needs no more.
MAX_STRING_LENGTH = 200

_NAME = re.compile(r"[a-z][a-z0-9_]*")
_QUERY_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")
_HEADER_LINE = re.compile(r"#\+ ?")
_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_PREFIXED = re.compile(r"(?<![\w?$])([A-Za-z][\w.-]*)?:(?=[\w%])")


class HeaderError(KGError):
    """A saved-query file that cannot be used; names the file and line."""

    slug = "saved-query-header"
    status = 500
    title = "Malformed saved query"

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}", file=str(path), line=line)
        self.path = path
        self.line = line


class ParameterError(KGError):
    """A saved-query parameter that is unknown, missing or not a value of its type."""

    slug = "invalid-parameter"
    status = 422
    title = "Invalid parameter"

    def __init__(self, parameter: str, detail: str, **extensions: Any) -> None:
        super().__init__(detail, parameter=parameter, **extensions)
        self.parameter = parameter


class ParameterType(StrEnum):
    """The value types a saved-query parameter can declare."""

    NUTS_CODE = "nuts-code"
    KET = "ket"
    NACE_CODE = "nace-code"
    IRI = "iri"
    STRING = "string"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    BOOLEAN = "boolean"
    ENUM = "enum"


#: What each type looks like in an OpenAPI document (format checks; membership is checked later).
_OPENAPI_SCHEMA: dict[ParameterType, dict[str, Any]] = {
    ParameterType.NUTS_CODE: {"type": "string", "pattern": "^[A-Za-z]{2}[A-Za-z0-9]{0,3}$"},
    ParameterType.KET: {"type": "string"},
    ParameterType.NACE_CODE: {"type": "string", "pattern": r"^[A-Ua-u]?(\d{2}(\.?\d{1,2})?)?$"},
    ParameterType.IRI: {"type": "string", "format": "iri"},
    ParameterType.STRING: {"type": "string", "maxLength": MAX_STRING_LENGTH},
    ParameterType.INTEGER: {"type": "integer"},
    ParameterType.DECIMAL: {"type": "number"},
    ParameterType.DATE: {"type": "string", "format": "date"},
    ParameterType.BOOLEAN: {"type": "boolean"},
    ParameterType.ENUM: {"type": "string"},
}

#: Types whose values name things in the graph, checked against the store when bound.
_GRAPH_RESOLVERS = {
    ParameterType.NUTS_CODE: rest.resolve_region,
    ParameterType.KET: rest.resolve_ket,
    ParameterType.NACE_CODE: rest.resolve_sector,
}


def with_values(sparql: str, terms: Mapping[str, Identifier]) -> str:
    """``sparql`` with a VALUES block binding ``terms`` first in its top-level group (after the
    first ``WHERE {`` or ``ASK {``), for fixed queries of the code (saved queries place theirs
    by parsing). A VALUES block is used rather than pyoxigraph substitutions, which only accept
    projected variables (see the module docstring).

    >>> with_values("ASK { ?r ?p ?o }", {"r": URIRef("http://x/y")})
    'ASK { VALUES (?r) { (<http://x/y>) } ?r ?p ?o }'
    """
    match = re.search(r"\b(WHERE|ASK)\s*\{", sparql)
    if match is None:
        raise ValueError("the query has no WHERE or ASK group to bind values in")
    names = sorted(terms)
    block = (
        f" VALUES ({' '.join('?' + n for n in names)}) "
        f"{{ ({' '.join(sparql_term(terms[n]) for n in names)}) }}"
    )
    return sparql[: match.end()] + block + sparql[match.end() :]


@dataclass(frozen=True)
class Parameter:
    """A typed parameter of a saved query; its value binds the variable of the same name."""

    name: str
    type: ParameterType
    label: str
    description: str
    example: str
    default: str | None = None
    required: bool = False
    values: tuple[str, ...] = ()
    #: Labels of enum values for forms, when the header gives ``values`` as a mapping.
    value_labels: Mapping[str, str] = field(default_factory=dict)
    minimum: str | None = None
    maximum: str | None = None

    def openapi(self) -> dict[str, Any]:
        """This parameter as an OpenAPI 3.1 query parameter object."""
        schema = dict(_OPENAPI_SCHEMA[self.type])
        if self.values:
            schema["enum"] = list(self.values)
        for key, bound in (("minimum", self.minimum), ("maximum", self.maximum)):
            if bound is not None and self.type in (ParameterType.INTEGER, ParameterType.DECIMAL):
                schema[key] = float(bound) if self.type is ParameterType.DECIMAL else int(bound)
        if self.default is not None:
            schema["default"] = self.default
        return {
            "name": self.name,
            "in": "query",
            "required": self.required,
            "description": f"{self.label}. {self.description}".strip(),
            "schema": schema,
            "example": self.example,
        }

    def term(self, value: str, store: Store | None) -> Identifier:
        """The RDF term for ``value``, or :class:`ParameterError` naming this parameter.

        Without a store, graph-backed types (NUTS, KET, NACE) are checked for form only.
        """
        text = value.strip()
        resolver = _GRAPH_RESOLVERS.get(self.type)
        if resolver is not None:
            if store is None:
                return _form_only(self, text)
            try:
                resolved = resolver(text, store)
            except InvalidInput as exc:
                extra = {k: v for k, v in exc.extensions.items() if k != "parameter"}
                raise ParameterError(self.name, _rename(exc.detail, self.name), **extra) from exc
            return next(iter(resolved.values()))
        return _literal_or_iri(self, text)


def _rename(detail: str, name: str) -> str:
    # The REST resolvers name their own parameter (region, ket, sector); say the query's name.
    _, _, rest_of_detail = detail.partition(" ")
    return f"{name} {rest_of_detail}" if rest_of_detail else detail


def _form_only(parameter: Parameter, text: str) -> Identifier:
    if parameter.type is ParameterType.NUTS_CODE:
        if not re.fullmatch(r"[A-Za-z]{2}[A-Za-z0-9]{0,3}", text):
            raise ParameterError(parameter.name, f"{parameter.name} must be a NUTS code")
        return URIRef(f"http://data.europa.eu/nuts/code/{text.upper()}")
    if parameter.type is ParameterType.NACE_CODE:
        if not rest.NACE_CODE.fullmatch(text.upper()) or not text:
            raise ParameterError(parameter.name, f"{parameter.name} must be a NACE Rev. 2 code")
        return URIRef(f"{PREFIXES['nace']}{text.upper().replace('.', '')}")
    if not text:
        raise ParameterError(parameter.name, f"{parameter.name} must name a technology")
    return URIRef(text) if ":" in text else URIRef(f"{PREFIXES['ket']}{text}")


def _literal_or_iri(parameter: Parameter, text: str) -> Identifier:
    name, kind = parameter.name, parameter.type
    if kind is ParameterType.IRI:
        if not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:\S", text):
            raise ParameterError(name, f"{name} must be an absolute IRI; got {text!r}")
        try:
            ox.NamedNode(text)
        except ValueError as exc:
            raise ParameterError(name, f"{name} is not a valid IRI: {exc}") from exc
        return URIRef(text)
    if kind is ParameterType.STRING:
        if len(text) > MAX_STRING_LENGTH:
            raise ParameterError(name, f"{name} is longer than {MAX_STRING_LENGTH} characters")
        return Literal(text, datatype=XSD.string)
    if kind is ParameterType.ENUM:
        if text not in parameter.values:
            raise ParameterError(
                name,
                f"{name} must be one of {', '.join(parameter.values)}; got {text!r}",
                allowed=list(parameter.values),
            )
        return Literal(text, datatype=XSD.string)
    if kind is ParameterType.BOOLEAN:
        if text.lower() not in {"true", "false", "1", "0"}:
            raise ParameterError(name, f"{name} must be true or false; got {text!r}")
        return Literal(text.lower() in {"true", "1"}, datatype=XSD.boolean)
    number_or_date = _ordered_value(parameter, text)
    _check_range(parameter, number_or_date)
    datatype = {
        ParameterType.INTEGER: XSD.integer,
        ParameterType.DECIMAL: XSD.decimal,
        ParameterType.DATE: XSD.date,
    }[kind]
    return Literal(str(number_or_date), datatype=datatype)


def _ordered_value(parameter: Parameter, text: str) -> int | Decimal | dt.date:
    name, kind = parameter.name, parameter.type
    if kind is ParameterType.INTEGER:
        if not _INTEGER.fullmatch(text):
            raise ParameterError(name, f"{name} must be a whole number; got {text!r}")
        return int(text)
    if kind is ParameterType.DECIMAL:
        try:
            if not _DECIMAL.fullmatch(text):
                raise InvalidOperation
            return Decimal(text)
        except InvalidOperation:
            raise ParameterError(name, f"{name} must be a decimal number; got {text!r}") from None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(text)  # fromisoformat also reads forms such as 20240131
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ParameterError(name, f"{name} must be a date YYYY-MM-DD; got {text!r}") from None


def _check_range(parameter: Parameter, value: int | Decimal | dt.date) -> None:
    for bound, fails, word in (
        (parameter.minimum, lambda b: value < b, "at least"),
        (parameter.maximum, lambda b: value > b, "at most"),
    ):
        if bound is None:
            continue
        limit = _ordered_value(parameter, bound)
        if fails(limit):
            raise ParameterError(
                parameter.name, f"{parameter.name} must be {word} {bound}; got {value}"
            )


def sparql_term(term: Identifier) -> str:
    """A term in SPARQL syntax, serialised by pyoxigraph (which escapes what it must)."""
    if isinstance(term, URIRef):
        return str(ox.NamedNode(str(term)))
    if isinstance(term, Literal):
        if term.language:
            return str(ox.Literal(str(term), language=term.language))
        datatype = ox.NamedNode(str(term.datatype or XSD.string))
        return str(ox.Literal(str(term), datatype=datatype))
    raise TypeError(f"cannot bind {term!r}: only IRIs and literals are parameter values")


@dataclass(frozen=True)
class Chart:
    """Which column labels the bars of a chart and which numeric column gives their length."""

    label: str
    value: str


@dataclass(frozen=True)
class Column:
    """What a result column is called for people: a label and, where its values have one, a unit.

    >>> Column("employment", "Employment", "persons").heading
    'Employment (persons)'
    """

    name: str
    label: str
    unit: str | None = None

    @property
    def heading(self) -> str:
        """The label with the unit in brackets, as a table header says it."""
        return f"{self.label} ({self.unit})" if self.unit else self.label


@dataclass(frozen=True)
class SavedQuery:
    """One saved query: its description, typed parameters and SPARQL text."""

    name: str
    path: Path
    summary: str
    description: str
    tags: tuple[str, ...]
    parameters: tuple[Parameter, ...]
    #: The query without its header, as written in the file.
    sparql: str
    form: RequestForm
    #: Offset in ``sparql`` just after the ``{`` of the top-level WHERE group.
    values_at: int
    #: The chart to draw; None picks one from the answer's columns, False draws none.
    chart: Chart | bool | None = None
    page_size: int | None = None
    prefixes: dict[str, str] = field(default_factory=dict)
    #: The answer's table columns in order: projected variables (or subject/predicate/object,
    #: or answer), read from the parsed query.
    variables: tuple[str, ...] = ()
    #: People's names for the columns, as the header's ``columns`` declares them.
    columns: Mapping[str, Column] = field(default_factory=dict)

    @property
    def primary_tag(self) -> str:
        """The first tag: the one the catalogue page lists the question under."""
        return self.tags[0]

    def column(self, name: str) -> Column:
        """How column ``name`` is headed: as declared, else by its variable name."""
        return self.columns.get(name) or Column(name, name)

    def parameter(self, name: str) -> Parameter | None:
        """The parameter called ``name``, if the query has one."""
        return next((p for p in self.parameters if p.name == name), None)

    def terms(
        self, values: Mapping[str, str], store: Store | None, *, allow_missing: bool = False
    ) -> dict[str, Identifier]:
        """Validated terms for ``values`` (defaults filled in); unknown names are refused.

        With ``allow_missing``, a required parameter without a value is left out rather than
        refused (a form shown before it is filled in).
        """
        unknown = sorted(set(values) - {p.name for p in self.parameters})
        if unknown:
            known = [p.name for p in self.parameters]
            raise ParameterError(
                unknown[0],
                f"unknown parameter{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} for "
                f"saved query {self.name}; it takes "
                + (", ".join(known) if known else "no parameters"),
                allowed=known,
            )
        terms: dict[str, Identifier] = {}
        for parameter in self.parameters:
            value = values.get(parameter.name)
            if value is None or not value.strip():
                value = parameter.default
            if value is None:
                if parameter.required and not allow_missing:
                    raise ParameterError(
                        parameter.name,
                        f"{parameter.name} is required ({parameter.label}), "
                        f"for example {parameter.example}",
                    )
                continue  # an optional parameter left out leaves its variable unbound
            terms[parameter.name] = parameter.term(value, store)
        return terms

    def bind(self, values: Mapping[str, str], store: Store | None) -> str:
        """The query text with ``values`` bound as typed terms, ready to run anywhere.

        Raises :class:`ParameterError` naming the first unknown, missing or invalid parameter.
        """
        return self.text(self.terms(values, store))

    def text(self, terms: Mapping[str, Identifier]) -> str:
        """The query with PREFIX declarations for what it uses and a VALUES block of ``terms``."""
        body = self.sparql
        if terms:
            names = sorted(terms)
            block = (
                f" VALUES ({' '.join('?' + n for n in names)}) "
                f"{{ ({' '.join(sparql_term(terms[n]) for n in names)}) }}"
            )
            body = body[: self.values_at] + block + body[self.values_at :]
        return self.declarations + body

    @property
    def declarations(self) -> str:
        """PREFIX lines for the predeclared prefixes the query uses (so it runs anywhere)."""
        return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in self.prefixes.items())


def paged(sparql: str, limit: int, offset: int) -> str:
    """``sparql`` with a page of its solutions: saved queries have no LIMIT/OFFSET of their own."""
    return f"{sparql}\nLIMIT {int(limit)} OFFSET {int(offset)}"


class Catalogue(Mapping[str, SavedQuery]):
    """The saved queries of a directory, by name (the file name without ``.rq``)."""

    def __init__(self, queries: Mapping[str, SavedQuery]) -> None:
        self._queries = dict(sorted(queries.items()))

    @classmethod
    def load(cls, directory: Path) -> Catalogue:
        """Read every ``*.rq`` file; raise :class:`CatalogueError` listing every bad file."""
        queries: dict[str, SavedQuery] = {}
        errors: list[HeaderError] = []
        for path in sorted(directory.glob("*.rq")):
            try:
                query = read_saved_query(path)
            except HeaderError as exc:
                errors.append(exc)
                continue
            queries[query.name] = query
        if errors:
            raise CatalogueError(errors)
        return cls(queries)

    def __getitem__(self, name: str) -> SavedQuery:
        return self._queries[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._queries)

    def __len__(self) -> int:
        return len(self._queries)

    def by_tag(self) -> dict[str, list[SavedQuery]]:
        """Queries grouped by tag, tags in alphabetical order (a query may be under several)."""
        groups: dict[str, list[SavedQuery]] = {}
        for query in self._queries.values():
            for tag in query.tags:
                groups.setdefault(tag, []).append(query)
        return dict(sorted(groups.items()))

    def by_primary_tag(self) -> dict[str, list[SavedQuery]]:
        """Queries grouped by their first tag, tags in alphabetical order: each query once."""
        groups: dict[str, list[SavedQuery]] = {}
        for query in self._queries.values():
            groups.setdefault(query.primary_tag, []).append(query)
        return dict(sorted(groups.items()))


class CatalogueError(KGError):
    """One or more saved-query files are malformed; the service must not start without them."""

    slug = "saved-query-catalogue"
    status = 500
    title = "Malformed saved queries"

    def __init__(self, errors: list[HeaderError]) -> None:
        super().__init__(
            "saved queries with errors:\n" + "\n".join(f"  {e.detail}" for e in errors),
            errors=[e.detail for e in errors],
        )
        self.errors = errors


def read_saved_query(path: Path) -> SavedQuery:
    """Read and check one ``.rq`` file: header, parameters, and the query's shape and syntax."""
    name = path.stem
    if not _QUERY_NAME.fullmatch(name):
        raise HeaderError(path, 1, f"file name {name!r} must be lowercase words joined by -")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header_lines: list[str] = []
    for line in lines:
        match = _HEADER_LINE.match(line)
        if match is None:
            break
        header_lines.append(line[match.end() :])
    if not header_lines:
        raise HeaderError(path, 1, "no header: the file must start with #+ lines (summary, …)")
    header_text = "".join(header_lines)
    header = _parse_header(path, header_text)
    body = "".join(lines[len(header_lines) :])
    offset = len(header_lines)  # file line of the body's first line, minus one

    def fail(message: str, line: int = 1) -> HeaderError:
        return HeaderError(path, line, message)

    for key in ("summary", "description"):
        if not isinstance(header.get(key), str) or not header[key].strip():
            raise fail(f"header needs a {key} (text)")
    tags = header.get("tags")
    if not isinstance(tags, list) or not tags or not all(isinstance(t, str) for t in tags):
        raise fail("header needs tags: a list of words, such as [regions, kets]")
    if header.get("method", "GET") != "GET":
        raise fail("only method: GET is supported")
    page_size = header.get("pagination")
    if page_size is not None and (not isinstance(page_size, int) or page_size < 1):
        raise fail("pagination must be a positive whole number")
    parameters = _parameters(path, header_text, header.get("params") or {})
    chart = _chart(path, header.get("chart"))

    masked = keywords_only(body)
    form = request_form(body)
    if form not in (RequestForm.SELECT, RequestForm.CONSTRUCT, RequestForm.ASK):
        raise fail(f"a saved query must be SELECT, CONSTRUCT or ASK; this is {form}", offset + 1)
    values_at = _top_level_where(masked)
    if values_at is None:
        raise fail("the query needs an explicit top-level WHERE { … } group", offset + 1)
    modifier = _top_level_word(masked, {"LIMIT", "OFFSET"})
    if modifier is not None:
        at_line = offset + masked.count("\n", 0, modifier[1]) + 1
        raise fail(f"top-level {modifier[0]}: paging is added by the service; remove it", at_line)
    for parameter in parameters:
        if not re.search(rf"[?$]{parameter.name}\b", masked):
            raise fail(f"parameter {parameter.name} is not used as ?{parameter.name} in the query")
    prefixes = {p: PREFIXES[p] for p in _prefixes_used(masked) if p in PREFIXES}
    query = SavedQuery(
        name=name,
        path=path,
        summary=" ".join(header["summary"].split()),
        description=header["description"].strip(),
        tags=tuple(tags),
        parameters=parameters,
        sparql=body,
        form=form,
        values_at=values_at,
        chart=chart,
        page_size=page_size,
        prefixes=prefixes,
    )
    variables = _check_syntax(query, offset)
    columns = _columns(path, header_text, header.get("columns"), variables)
    return replace(query, variables=variables, columns=columns)


def _parse_header(path: Path, text: str) -> dict[str, Any]:
    try:
        header = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        # The context mark points at the construct left open (the "[" of an unclosed list),
        # which is where the mistake is; the problem mark is often the end of the header.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        line = min(mark.line + 1, text.count("\n") or 1) if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise HeaderError(path, line, f"header is not valid YAML: {problem}") from None
    if not isinstance(header, dict):
        raise HeaderError(path, 1, "header must be a mapping of keys (summary, description, …)")
    unknown = sorted(set(header) - HEADER_KEYS)
    if unknown:
        line = _line_of(text, unknown[0])
        raise HeaderError(
            path,
            line,
            f"unknown header key {unknown[0]!r}; known keys: {', '.join(sorted(HEADER_KEYS))}",
        )
    return header


def _line_of(text: str, key: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"\s*{re.escape(key)}\s*:", line):
            return number
    return 1


def _parameters(path: Path, header_text: str, specs: Any) -> tuple[Parameter, ...]:
    if not isinstance(specs, dict):
        raise HeaderError(path, 1, "params must be a mapping of parameter name to its spec")
    parameters = []
    for name, spec in specs.items():
        line = _line_of(header_text, str(name))

        def fail(message: str, name: object = name, line: int = line) -> HeaderError:
            return HeaderError(path, line, f"parameter {name}: {message}")

        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise fail("names are lowercase letters, digits and _ (a SPARQL variable name)")
        if name in RESERVED_NAMES:
            raise fail(f"{name} is reserved for the service ({', '.join(sorted(RESERVED_NAMES))})")
        if not isinstance(spec, dict):
            raise fail("spec must be a mapping such as {type: integer, example: 3}")
        unknown = sorted(set(spec) - PARAMETER_KEYS)
        if unknown:
            raise fail(f"unknown key {unknown[0]!r}; known: {', '.join(sorted(PARAMETER_KEYS))}")
        try:
            kind = ParameterType(str(spec.get("type")))
        except ValueError:
            raise fail(
                f"type must be one of {', '.join(t.value for t in ParameterType)}; "
                f"got {spec.get('type')!r}"
            ) from None
        if "example" not in spec:
            raise fail("needs an example value")
        values = spec.get("values")
        labels: dict[str, str] = {}
        if kind is ParameterType.ENUM:
            if isinstance(values, dict) and values:
                labels = {_scalar(k): str(v) for k, v in values.items()}
                values = list(values)
            if not isinstance(values, list) or not values:
                raise fail("an enum needs values: a list, or a mapping of value to label")
        elif values is not None:
            raise fail("only enum parameters take values")
        parameter = Parameter(
            name=name,
            type=kind,
            label=str(spec.get("label") or name.replace("_", " ").capitalize()),
            description=str(spec.get("description") or "").strip(),
            example=_scalar(spec["example"]),
            default=None if spec.get("default") is None else _scalar(spec["default"]),
            required=bool(spec.get("required", False)),
            values=tuple(_scalar(v) for v in values or ()),
            value_labels=labels,
            minimum=None if spec.get("minimum") is None else _scalar(spec["minimum"]),
            maximum=None if spec.get("maximum") is None else _scalar(spec["maximum"]),
        )
        if parameter.required and parameter.default is not None:
            raise fail("a required parameter has no default (a default makes it optional)")
        for what, value in (("example", parameter.example), ("default", parameter.default)):
            if value is not None:
                try:
                    parameter.term(value, None)
                except ParameterError as exc:
                    raise fail(f"{what} {value!r} is not valid: {exc.detail}") from None
        parameters.append(parameter)
    return tuple(parameters)


def _scalar(value: Any) -> str:
    # YAML reads 2018 as an int, true as a bool and 2020-01-01 as a date; parameters are text.
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _chart(path: Path, spec: Any) -> Chart | bool | None:
    if spec is None:
        return None
    if spec is False:
        return False  # no chart, even if a column is numeric (values in different units)
    if not isinstance(spec, dict) or set(spec) != {"label", "value"}:
        raise HeaderError(path, 1, "chart must be {label: column, value: numeric column} or false")
    return Chart(str(spec["label"]), str(spec["value"]))


def _columns(
    path: Path, header_text: str, spec: Any, variables: tuple[str, ...]
) -> dict[str, Column]:
    """The header's ``columns``: each key a column of the answer, each value a label or
    ``{label: …, unit: …}``."""
    if spec is None:
        return {}
    block_line = next(
        (n for n, line in enumerate(header_text.splitlines(), 1) if re.match(r"columns\s*:", line)),
        1,
    )
    if not isinstance(spec, dict):
        raise HeaderError(
            path,
            block_line,
            "columns must be a mapping of result variable to a label, or to {label: …, unit: …}",
        )
    columns: dict[str, Column] = {}
    for name, value in spec.items():
        line = _line_in_block(header_text, block_line, str(name))

        def fail(message: str, name: object = name, line: int = line) -> HeaderError:
            return HeaderError(path, line, f"column {name}: {message}")

        if name not in variables:
            raise fail(f"the query has no column ?{name} (its columns: {', '.join(variables)})")
        if isinstance(value, dict):
            unknown = sorted(set(value) - COLUMN_KEYS)
            if unknown:
                raise fail(f"unknown key {unknown[0]!r}; known: {', '.join(sorted(COLUMN_KEYS))}")
            label, unit = value.get("label"), value.get("unit")
        else:
            label, unit = value, None
        if not isinstance(label, str) or not label.strip():
            raise fail("needs a label (text), such as Region or {label: Employment, unit: persons}")
        if unit is not None and (not isinstance(unit, str) or not unit.strip()):
            raise fail("unit must be text, such as persons or EUR per inhabitant")
        columns[name] = Column(name, " ".join(label.split()), unit.strip() if unit else None)
    return columns


def _line_in_block(text: str, block_line: int, key: str) -> int:
    """Line of ``key`` inside the block opened at ``block_line`` (a parameter of the same name
    elsewhere in the header is not it); the block's own line when written on one line."""
    lines = text.splitlines()
    for number in range(block_line + 1, len(lines) + 1):
        line = lines[number - 1]
        if line.strip() and not line[0].isspace():
            break  # the next top-level key: the block has ended
        if re.match(rf"\s+{re.escape(key)}\s*:", line):
            return number
    return block_line


def _top_level_where(masked: str) -> int | None:
    """Offset just after the ``{`` that opens the top-level WHERE group."""
    depth = 0
    seen_where = False
    for match in re.finditer(r"[{}]|[A-Za-z]+", masked):
        word = match.group()
        if word == "{":
            if depth == 0 and seen_where:
                return match.end()
            depth += 1
        elif word == "}":
            depth -= 1
        elif depth == 0 and word.upper() == "WHERE":
            seen_where = True
    return None


def _top_level_word(masked: str, words: set[str]) -> tuple[str, int] | None:
    depth = 0
    for match in re.finditer(r"[{}]|[A-Za-z]+", masked):
        word = match.group()
        if word == "{":
            depth += 1
        elif word == "}":
            depth -= 1
        elif depth == 0 and word.upper() in words:
            return word.upper(), match.start()
    return None


def _prefixes_used(masked: str) -> list[str]:
    declared = set(re.findall(r"PREFIX\s+([A-Za-z][\w.-]*)?:", masked, flags=re.IGNORECASE))
    used = {m.group(1) or "" for m in _PREFIXED.finditer(masked)}
    return sorted(used - declared)


def _check_syntax(query: SavedQuery, offset: int) -> tuple[str, ...]:
    """Parse the query (with its example values bound) so a typo fails at start-up; return the
    columns of its answer (the projected variables, as the parser sees them)."""
    example_terms = {p.name: p.term(p.example, None) for p in query.parameters}
    text = query.text(example_terms)
    try:
        answer = ox.Store().query(text)
    except SyntaxError as exc:
        match = re.search(r"error at (\d+):(\d+)", str(exc))
        line = 1
        if match:
            # Lines of the bound text = PREFIX lines + body lines; map back to the file.
            line = int(match.group(1)) - len(query.prefixes) + offset
        raise HeaderError(query.path, max(line, 1), f"the query does not parse: {exc}") from None
    if isinstance(answer, ox.QuerySolutions):
        return tuple(variable.value for variable in answer.variables)
    return GRAPH_COLUMNS if query.form is RequestForm.CONSTRUCT else ASK_COLUMNS
