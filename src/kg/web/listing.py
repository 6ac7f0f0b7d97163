"""HTML list pages of REST collections, for people: regions, clusters and technologies.

A browser that opens ``/api/regions`` gets a page rather than JSON-LD (the HTTP layer,
:mod:`kg.api.routes.collections`, negotiates). The members come from
:func:`kg.collections.list_page` with the same validated request as the JSON-LD and CSV, so every
representation of a URL lists the same items in the same order; this module only adds what a
person needs to read them: names (with their language) for the IRIs a member links to, links to
this service's pages, the filter form and the page links.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rdflib import Literal, URIRef
from rdflib.term import Node

from kg.collections import PER_PAGE, Collection, Page
from kg.namespaces import ATI, KET, NUTS, NUTS_SCHEME
from kg.queries import sparql_term
from kg.resources import best_literal, local_href, lookup_order
from kg.store import Store
from kg.strengths.compute import technology_slug
from kg.web.forms import Option, OptionGroup

_NUTS_CODE = re.compile(r"[A-Z]{2}[A-Z0-9]{0,3}")
_NUTS_VERSION = re.compile(re.escape(NUTS_SCHEME) + r"/scheme/(\d{4})")
#: Languages tried in turn for a name: English, then untagged (as the collections choose).
_NAME_ORDER = lookup_order([])


# --- what the template shows --------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One value in a cell: a text (in its language, if known), maybe a link, maybe a note."""

    text: str
    href: str | None = None
    language: str | None = None
    #: A code shown after the name (a NUTS code), or a remark ("derived").
    code: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Row:
    """One member: its IRI and one list of items per column."""

    iri: str
    cells: list[list[Item]]


@dataclass(frozen=True)
class FilterField:
    """One input of the filter form, labelled, with a hint tied to it."""

    name: str
    label: str
    hint: str
    value: str
    input_type: str  # "select", "search" or "text"
    groups: list[OptionGroup] = field(default_factory=list)
    pattern: str | None = None
    placeholder: str = ""

    @property
    def id(self) -> str:
        """The input's id, tied to its label."""
        return f"filter-{self.name}"


@dataclass(frozen=True)
class PageLink:
    """A link to another page of the same filtered collection."""

    rel: str  # first, prev, next, last
    label: str
    href: str


@dataclass
class Listing:
    """Everything ``collection.html`` shows: the form, and the page or what is wrong."""

    collection: Collection
    title: str
    intro: str
    path: str
    fields: list[FilterField]
    #: The ``per_page`` asked for, kept when the form is sent again.
    per_page: str | None = None
    columns: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    total: int | None = None
    page: int = 1
    last: int = 1
    first_shown: int = 0
    last_shown: int = 0
    pages: list[PageLink] = field(default_factory=list)
    downloads: dict[str, str] = field(default_factory=dict)
    filtered: bool = False
    error: str | None = None


# --- the collections that have a page, and their columns ----------------------------------------


@dataclass(frozen=True)
class Names:
    """Names and codes of the IRIs a page shows, read in one query."""

    labels: Mapping[str, Literal]
    codes: Mapping[str, str]

    def item(self, iri: str, href: str | None = None, note: str | None = None) -> Item:
        """The IRI by its name (English, else untagged, else any), linked to ``href``."""
        label = self.labels.get(iri)
        code = self.codes.get(iri)
        if label is None:
            return Item(code or iri, href, note=note)
        return Item(str(label), href, label.language or None, code, note)

    def language_of(self, iri: str, text: str) -> str | None:
        """The language of ``text`` if it is the name read for ``iri`` (else unknown)."""
        label = self.labels.get(iri)
        return (label.language or None) if label is not None and str(label) == text else None


@dataclass(frozen=True)
class View:
    """How one collection is shown: its page title, column headings and cells per member."""

    title: str
    intro: str
    columns: tuple[str, ...]
    cells: Callable[[Mapping[str, Any], Names, str], list[list[Item]]]
    #: Fields whose values are IRIs to name.
    linked: tuple[str, ...]


def person_href(iri: str, base_iri: str) -> str:
    """This service's page for ``iri``: a region's page, a technology's map, else its resource.

    >>> person_href("http://data.europa.eu/nuts/code/ITI3", "https://w3id.org/clusterkg/id/")
    '/regions/ITI3'
    >>> person_href("https://w3id.org/clusterkg/ati/robotics", "https://w3id.org/clusterkg/id/")
    '/technologies/ati-robotics'
    """
    code = iri.removeprefix(str(NUTS))
    if code != iri and _NUTS_CODE.fullmatch(code):
        return f"/regions/{code}"
    if iri.startswith((str(KET), str(ATI))):
        return f"/technologies/{technology_slug(URIRef(iri))}"
    return local_href(iri, base_iri)


def _many(member: Mapping[str, Any], key: str) -> list[str]:
    value = member.get(key)
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _region_cells(member: Mapping[str, Any], names: Names, base_iri: str) -> list[list[Item]]:
    iri = member["@id"]
    code = member.get("notation", "")
    name = member.get("prefLabel", code)
    versions = sorted(
        m.group(1) for v in _many(member, "inScheme") if (m := _NUTS_VERSION.fullmatch(v))
    )
    return [
        [Item(code, person_href(iri, base_iri))],
        [Item(name, language=names.language_of(iri, name))],
        [Item(str(member["nutsLevel"]))] if "nutsLevel" in member else [],
        [names.item(c, person_href(c, base_iri)) for c in _many(member, "country")],
        [names.item(b, person_href(b, base_iri)) for b in _many(member, "broader")],
        [Item(", ".join(versions))] if versions else [],
        [
            Item(names.codes.get(r, r), person_href(r, base_iri))
            for r in _many(member, "isReplacedBy")
        ],
    ]


def _cluster_cells(member: Mapping[str, Any], names: Names, base_iri: str) -> list[list[Item]]:
    iri = member["@id"]
    name = member.get("label", iri)
    regions = _many(member, "region")
    current = [r for r in _many(member, "currentRegion") if r not in regions]
    named = _many(member, "technology")
    derived = [t for t in _many(member, "derivedTechnology") if t not in named]
    homepage = member.get("homepage")
    return [
        [Item(name, local_href(iri, base_iri), names.language_of(iri, name))],
        [names.item(r, person_href(r, base_iri)) for r in regions]
        + [names.item(r, person_href(r, base_iri), note="in NUTS 2024") for r in current],
        [names.item(t, person_href(t, base_iri)) for t in named]
        + [
            names.item(t, person_href(t, base_iri), note="derived by ClusterKG's rules")
            for t in derived
        ],
        [Item(homepage, homepage)] if homepage else [],
    ]


def _technology_cells(member: Mapping[str, Any], names: Names, base_iri: str) -> list[list[Item]]:
    iri = member["@id"]
    name = member.get("prefLabel", iri)
    definition = member.get("definition")
    scheme = member.get("inScheme")
    return [
        [Item(name, person_href(iri, base_iri), names.language_of(iri, name))],
        [Item(member["notation"])] if "notation" in member else [],
        [names.item(scheme, local_href(scheme, base_iri))] if scheme else [],
        [names.item(t, person_href(t, base_iri)) for t in _many(member, "exactMatch")],
        # The definition is read with the collection's label rule: English first.
        [Item(definition, language=names.language_of(f"{iri}#definition", definition))]
        if definition
        else [],
        [Item("as linked data", local_href(iri, base_iri))],
    ]


VIEWS: dict[str, View] = {
    "regions": View(
        "Regions",
        "NUTS regions of every version in the graph (2013 to 2024; some 2010 codes), ordered by "
        "code. A code leads to the region's page: its S3 priorities, clusters, indicators and "
        "technology strengths.",
        ("Code", "Name", "Level", "Country", "Part of", "NUTS versions", "Replaced by"),
        _region_cells,
        ("country", "broader", "isReplacedBy"),
    ),
    "clusters": View(
        "Clusters",
        "Cluster organisations of the ClusterFY and ClusterPoliSEE regions, curated from public "
        "web pages, ordered by name. A name leads to everything the graph says about the "
        "cluster; a technology to its map of Europe's regions.",
        ("Name", "Region", "Technologies", "Web site"),
        _cluster_cells,
        ("region", "currentRegion", "technology", "derivedTechnology"),
    ),
    "kets": View(
        "Technologies",
        "The six Key Enabling Technologies (KETs) of COM(2012) 341 and the sixteen Advanced "
        "Technologies for Industry (ATI), ordered by name. A name leads to the technology's map "
        "of Europe's regions ranked by measured strength.",
        ("Name", "Code", "Scheme", "Same as", "Definition", "Resource"),
        _technology_cells,
        ("inScheme", "exactMatch"),
    ),
}


def has_page(collection: Collection) -> bool:
    """Whether browsers get an HTML page of this collection."""
    return collection.name in VIEWS


# --- names of the IRIs on a page ----------------------------------------------------------------

_NAMES = """
SELECT ?iri ?label ?code WHERE {
  VALUES ?iri { %s }
  OPTIONAL { ?iri skos:prefLabel|rdfs:label ?label }
  OPTIONAL { ?iri skos:notation ?code }
}
"""
_DEFINITIONS = """
SELECT ?iri ?label WHERE { VALUES ?iri { %s } ?iri skos:definition ?label }
"""


def read_names(store: Store, iris: Iterable[str], defined: Iterable[str] = ()) -> Names:
    """Names (and codes) of ``iris``, and the definitions of ``defined`` (keyed ``iri#definition``)
    so that their language is known; the IRIs come from the store, written as SPARQL terms."""
    labels: dict[str, list[Literal]] = defaultdict(list)
    codes: dict[str, set[str]] = defaultdict(set)
    wanted = sorted(set(iris))
    if wanted:
        values = " ".join(sparql_term(URIRef(i)) for i in wanted)
        for row in store.query(_NAMES % values).rows:
            _collect(labels, str(row["iri"]), row.get("label"))
            if row.get("code") is not None:
                codes[str(row["iri"])].add(str(row["code"]))
    described = sorted(set(defined))
    if described:
        values = " ".join(sparql_term(URIRef(i)) for i in described)
        for row in store.query(_DEFINITIONS % values).rows:
            _collect(labels, f"{row['iri']}#definition", row.get("label"))
    best = {iri: best_literal(sorted(found, key=str), _NAME_ORDER) for iri, found in labels.items()}
    return Names(
        {iri: label for iri, label in best.items() if label is not None},
        {iri: min(found) for iri, found in codes.items()},
    )


def _collect(labels: dict[str, list[Literal]], key: str, label: Node | None) -> None:
    if isinstance(label, Literal) and label not in labels[key]:
        labels[key].append(label)


# --- the filter form ----------------------------------------------------------------------------

#: Labels and short hints of the filters; the collection's own description is the fallback.
_FILTER_TEXT = {
    "name": ("Name contains", "Any language of the names; case is ignored."),
    "country": ("Country", "Greece is EL."),
    "level": ("NUTS level", "0 is a country; 2 the regions of cohesion policy."),
    "version": ("NUTS version", "Regions whose code is in that version."),
    "region": ("Within region", "A NUTS code such as ITI3 or ITI: it and everything below it."),
    "ket": ("Technology", "Named by a source or derived by ClusterKG's rules."),
    "sector": ("NACE sector", "A NACE Rev. 2 code such as C, C26 or 26.11."),
    "scheme": ("Scheme", "KETs (COM(2012) 341) or Advanced Technologies for Industry."),
}
_COUNTRIES = """
SELECT ?code (MIN(?name) AS ?label) WHERE {
  ?country a ckg:Region ; ckg:nutsLevel 0 ; skos:notation ?code .
  OPTIONAL { ?country skos:prefLabel ?name FILTER(LANG(?name) IN ("en", "")) }
} GROUP BY ?code ORDER BY ?code
"""
_VERSIONS = f"""
SELECT DISTINCT ?year WHERE {{ ?v dct:isPartOf <{NUTS_SCHEME}> ; skos:notation ?year }}
ORDER BY ?year
"""
_TECHNOLOGIES = """
SELECT ?t (MIN(?name) AS ?label) WHERE {
  ?t a ckg:KeyEnablingTechnology .
  OPTIONAL { ?t skos:prefLabel ?name FILTER(LANG(?name) IN ("en", "")) }
} GROUP BY ?t ORDER BY ?label
"""
_ANY = Option("", "any")


def filter_fields(
    collection: Collection, values: Mapping[str, str], store: Store
) -> list[FilterField]:
    """One input per filter of the collection, holding the value sent (valid or not)."""
    fields = []
    for f in collection.filters:
        name = f.parameter.name
        label, hint = _FILTER_TEXT.get(name, (name.capitalize(), f.description))
        value = values.get(name, "")
        groups = _choices(name, store)
        if groups is not None:
            fields.append(FilterField(name, label, hint, value, "select", _keep(groups, value)))
        else:
            schema = f.parameter.schema
            fields.append(
                FilterField(
                    name,
                    label,
                    hint,
                    value,
                    "search" if name == "name" else "text",
                    pattern=str(schema["pattern"]).strip("^$") if "pattern" in schema else None,
                    placeholder=f.parameter.example,
                )
            )
    return fields


def _choices(name: str, store: Store) -> list[OptionGroup] | None:
    """The select list of a filter, or None for a text input."""
    if name == "level":
        levels = [Option("0", "0 (country)")] + [Option(str(n), str(n)) for n in (1, 2, 3)]
        return [OptionGroup("", [_ANY, *levels])]
    if name == "scheme":
        schemes = [Option("ket", "Key Enabling Technologies"), Option("ati", "ATI")]
        return [OptionGroup("", [_ANY, *schemes])]
    if name == "country":
        rows = store.query(_COUNTRIES).rows
        countries = [Option(str(r["code"]), _option_text(r["code"], r.get("label"))) for r in rows]
        return [OptionGroup("", [_ANY, *countries])]
    if name == "version":
        years = [Option(str(r["year"]), str(r["year"])) for r in store.query(_VERSIONS).rows]
        return [OptionGroup("", [_ANY, *years])]
    if name == "ket":
        return [OptionGroup("", [_ANY]), *_technology_groups(store)]
    return None


def _option_text(code: Node, label: Node | None) -> str:
    return f"{code} — {label}" if label is not None and str(label) != str(code) else str(code)


def _technology_groups(store: Store) -> list[OptionGroup]:
    groups = {
        str(KET): OptionGroup("Key Enabling Technologies"),
        str(ATI): OptionGroup("Advanced Technologies for Industry"),
    }
    prefixes = {str(KET): "ket", str(ATI): "ati"}
    for row in store.query(_TECHNOLOGIES).rows:
        iri = str(row["t"])
        for namespace, group in groups.items():
            if iri.startswith(namespace):
                value = f"{prefixes[namespace]}:{iri[len(namespace) :]}"
                group.options.append(Option(value, str(row.get("label") or value)))
    return [group for group in groups.values() if group.options]


def _keep(groups: list[OptionGroup], value: str) -> list[OptionGroup]:
    """The choices, with the value sent added when it is not one of them (``gr``, a typo), so
    that the form shows what was asked."""
    known = {option.value.lower() for group in groups for option in group.options}
    if not value or value.lower() in known:
        return groups
    return [OptionGroup("", [Option(value, value)]), *groups]


# --- the page -----------------------------------------------------------------------------------


def build_listing(
    store: Store,
    page: Page,
    values: Mapping[str, str],
    *,
    path: str,
    base_iri: str,
    page_href: Callable[[int], str],
    downloads: Mapping[str, str],
) -> Listing:
    """The page of ``page`` (members from kg.collections), with names for what it links to."""
    collection = page.request.collection
    view = VIEWS[collection.name]
    linked = [iri for m in page.members for key in view.linked for iri in _many(m, key)]
    own = [m["@id"] for m in page.members]
    defined = own if collection.name == "kets" else []
    names = read_names(store, [*own, *linked], defined)
    labels = {"first": "First", "prev": "Previous", "next": "Next", "last": "Last"}
    links = page.links()
    # First and last only where they are not already the previous or next page (or this one).
    shown_elsewhere = {page.request.page, links.get("prev"), links.get("next")}
    pages = [
        PageLink(rel, labels[rel], page_href(number))
        for rel, number in links.items()
        if rel in {"prev", "next"} or number not in shown_elsewhere
    ]
    shown = len(page.members)
    first = page.paging.offset + 1 if shown else 0
    return Listing(
        collection=collection,
        title=view.title,
        intro=view.intro,
        path=path,
        fields=filter_fields(collection, values, store),
        per_page=values.get(PER_PAGE),
        columns=list(view.columns),
        rows=[Row(m["@id"], view.cells(m, names, base_iri)) for m in page.members],
        total=page.total,
        page=page.request.page,
        last=page.last,
        first_shown=first,
        last_shown=first + shown - 1 if shown else 0,
        pages=pages,
        downloads=dict(downloads),
        filtered=bool(page.request.filters),
    )


def error_listing(
    collection: Collection, store: Store, values: Mapping[str, str], *, path: str, error: str
) -> Listing:
    """The form with what was sent and what is wrong with it, and no rows."""
    view = VIEWS[collection.name]
    return Listing(
        collection=collection,
        title=view.title,
        intro=view.intro,
        path=path,
        fields=filter_fields(collection, values, store),
        per_page=values.get(PER_PAGE),
        error=error,
    )


def known_values(params: Sequence[tuple[str, str]]) -> dict[str, str]:
    """The first value of each parameter, for the form (parse_request refuses repeats)."""
    values: dict[str, str] = {}
    for name, value in params:
        values.setdefault(name, value)
    return values
