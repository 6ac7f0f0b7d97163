"""Linked data: what dereferencing an IRI of the graph returns, in every representation.

A resource is *described* when it is the subject of at least one triple. Its description is every
triple with it as subject (complete: this is what the RDF representations contain) plus the
statements that link to it (shown on the HTML page, at most :data:`INCOMING_LIMIT` of them, always
counted in full) and the labels needed to show both. An IRI the graph only points at (a source
file named by ``dct:source``, say) still dereferences: its RDF representations then hold the
statements that link to it, at most :data:`INCOMING_LIMIT`.

Content negotiation: ``?format=`` (``html``, ``ttl``, ``nt``, ``jsonld``) overrides ``Accept``.
Otherwise the best match for ``Accept`` wins; browsers ask for ``text/html`` and get the page,
while clients that state no preference (no ``Accept``, or ``*/*``) get Turtle, the most readable
RDF syntax. ``application/json`` gets JSON-LD. The rules are the SPARQL endpoint's: 406 when
nothing asked for (``Accept`` or ``format=``) is offered, 400 for an unreadable ``Accept``.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode, urlsplit

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from kg.errors import InvalidInput, NotFound
from kg.jsonld import compact_graph
from kg.namespaces import PREFIXES, curie
from kg.sparql.formats import negotiate as negotiate_media_type
from kg.store import Store

#: Most incoming statements a page lists; the total is always counted and shown.
INCOMING_LIMIT = 200

#: Root of the fixed ClusterKG namespaces; only data IRIs follow ``KG_BASE_IRI``.
CKG_ROOT = "https://w3id.org/clusterkg/"
#: Fixed namespaces served at ``/{name}/{path}`` for ``https://w3id.org/clusterkg/{name}/{path}``.
SERVED_NAMESPACES = ("ket", "ati", "concept", "scheme", "euroscivoc")
#: Data IRIs ``{KG_BASE_IRI}{path}`` are served at ``/id/{path}``.
DATA_PATH = "/id/"
#: Any other IRI the graph describes is served at ``/resource?iri=…``.
RESOURCE_PATH = "/resource"

#: Properties that name a resource, best first (a label's language matters more than this order).
LABEL_PROPERTIES = (SKOS.prefLabel, RDFS.label, DCTERMS.title)

# Characters that cannot occur in an IRI (RFC 3987): controls, space and the delimiters below.
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f]')
# Characters left as they are when an IRI's remainder becomes a path of this service.
_PATH_SAFE = "/:@!$&'()*+,;="


# --- IRIs and the paths that serve them ---------------------------------------------------------


def namespace_iri(namespace: str) -> str:
    """The IRI of a fixed namespace served under ``/{namespace}/``.

    >>> namespace_iri("ket")
    'https://w3id.org/clusterkg/ket/'
    """
    return f"{CKG_ROOT}{namespace}/"


def _served_prefixes(base_iri: str) -> list[tuple[str, str]]:
    """(IRI prefix, service path) pairs, longest prefix first so the most specific one wins."""
    pairs = [(base_iri, DATA_PATH)] + [(namespace_iri(ns), f"/{ns}/") for ns in SERVED_NAMESPACES]
    return sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)


def local_href(iri: str, base_iri: str) -> str:
    """The path of this service that describes ``iri``.

    >>> local_href("https://w3id.org/clusterkg/id/cluster/itecam", "https://w3id.org/clusterkg/id/")
    '/id/cluster/itecam'
    >>> local_href("http://data.europa.eu/nuts/code/ITI3", "https://w3id.org/clusterkg/id/")
    '/resource?iri=http%3A%2F%2Fdata.europa.eu%2Fnuts%2Fcode%2FITI3'
    """
    for prefix, path in _served_prefixes(base_iri):
        if iri.startswith(prefix) and len(iri) > len(prefix):
            # Percent-encode what a path cannot carry (``#``, ``?``, ``%``); the server decodes
            # the path exactly once, which gives back the IRI.
            return path + quote(iri[len(prefix) :], safe=_PATH_SAFE)
    return RESOURCE_PATH + "?" + urlencode({"iri": iri})


def is_iri(value: str) -> bool:
    """Whether ``value`` is an absolute IRI (a scheme, and no character IRIs forbid).

    >>> is_iri("http://data.europa.eu/nuts/code/ITI3"), is_iri("ITI3"), is_iri("http://a b")
    (True, False, False)
    """
    try:
        scheme = urlsplit(value).scheme
    except ValueError:  # for example an unbalanced "[" in the host
        return False
    return bool(scheme) and not _NOT_IN_IRI.search(value)


def parse_iri(value: str | None) -> URIRef:
    """The ``iri`` query parameter as an IRI, or a 400 that says what is expected."""
    if not value:
        raise InvalidInput(
            "the query parameter 'iri' is required: the absolute IRI to describe, for example "
            "/resource?iri=http%3A%2F%2Fdata.europa.eu%2Fnuts%2Fcode%2FITI3"
        )
    if not is_iri(value):
        raise InvalidInput(
            f"{value!r} is not an absolute IRI; give one such as "
            "http://data.europa.eu/nuts/code/ITI3 (percent-encoded in the query string)"
        )
    return URIRef(value)


# --- Content negotiation ------------------------------------------------------------------------


@dataclass(frozen=True)
class Representation:
    """One format a resource can be returned in."""

    key: str  # the value of ``?format=``
    media_type: str
    name: str  # how the HTML page names it


HTML = Representation("html", "text/html", "HTML")
TURTLE = Representation("ttl", "text/turtle", "Turtle")
NTRIPLES = Representation("nt", "application/n-triples", "N-Triples")
JSONLD = Representation("jsonld", "application/ld+json", "JSON-LD")

#: The representations by ``?format=`` key and by media type.
REPRESENTATIONS = {r.key: r for r in (HTML, TURTLE, NTRIPLES, JSONLD)}
_BY_MEDIA_TYPE = {r.media_type: r for r in REPRESENTATIONS.values()}

#: Types a client may ask for → the type answered. mimeparse prefers the *last* offer on a tie,
#: so Turtle comes last: it is what ``*/*`` (or no ``Accept``) gets.
_OFFERS: dict[str, str] = {
    "text/plain": NTRIPLES.media_type,
    NTRIPLES.media_type: NTRIPLES.media_type,
    "application/json": JSONLD.media_type,
    JSONLD.media_type: JSONLD.media_type,
    HTML.media_type: HTML.media_type,
    "application/x-turtle": TURTLE.media_type,
    TURTLE.media_type: TURTLE.media_type,
}


def negotiate(accept: str | None, format_key: str | None = None) -> Representation:
    """The representation to return: ``format_key`` if given, else the best match for ``accept``.

    The rules (406 for nothing acceptable, 400 for an unreadable header) are the SPARQL
    endpoint's, so that the whole service negotiates alike.

    >>> negotiate("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8").key
    'html'
    >>> negotiate("*/*").key, negotiate(None).key, negotiate("image/png", "nt").key
    ('ttl', 'ttl', 'nt')
    """
    names = {key: r.media_type for key, r in REPRESENTATIONS.items()}
    return _BY_MEDIA_TYPE[negotiate_media_type(_OFFERS, accept, format_key, names)]


# --- Languages ----------------------------------------------------------------------------------


def preferred_languages(header: str | None) -> list[str]:
    """The language ranges of an ``Accept-Language`` header, most preferred first (q=0 dropped).

    >>> preferred_languages("en;q=0.5, it-IT, it;q=0.9, de;q=0")
    ['it-it', 'it', 'en']
    """
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate((header or "").split(",")):
        tag, _, params = item.partition(";")
        tag = tag.strip().lower()
        quality = _quality(params)
        if tag and quality > 0:
            ranked.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(ranked)]


def _quality(params: str) -> float:
    """The ``q`` weight among a range's parameters (1 when absent, 0 when unreadable)."""
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0  # an unreadable weight: ignore that range rather than fail the page
    return 1.0


def lookup_order(languages: Sequence[str]) -> list[str]:
    """Language tags to try in turn: each range then its truncations (RFC 4647 lookup), then
    English, then untagged text (``""``).

    >>> lookup_order(["it-it", "el"])
    ['it-it', 'it', 'el', 'en', '']
    """
    order: list[str] = []
    for language in languages:
        if language == "*":  # any language: the fallbacks below already end with "anything"
            continue
        parts = language.split("-")
        for size in range(len(parts), 0, -1):
            candidate = "-".join(parts[:size])
            if candidate not in order:
                order.append(candidate)
    order.extend(tag for tag in ("en", "") if tag not in order)
    return order


def _matches(literal: Literal, tag: str) -> bool:
    """Whether ``literal`` is in language ``tag`` (``it`` matches ``it`` and ``it-IT``)."""
    language = (literal.language or "").lower()
    if not tag:
        return not language
    return language == tag or language.startswith(tag + "-")


def language_rank(literal: Literal, order: Sequence[str]) -> int:
    """Position of the literal's language in ``order`` (``len(order)`` when not in it)."""
    return next((i for i, tag in enumerate(order) if _matches(literal, tag)), len(order))


def best_literal(literals: Sequence[Literal], order: Sequence[str]) -> Literal | None:
    """The literal to show a reader whose :func:`lookup_order` is ``order``; ties keep the order
    of ``literals``, and when no language fits, the first literal is taken.

    >>> labels = [Literal("Photonics", lang="en"), Literal("Fotonica", lang="it")]
    >>> str(best_literal(labels, lookup_order(["it"]))), str(best_literal(labels, ["el"]))
    ('Fotonica', 'Photonics')
    """
    if not literals:
        return None
    return min(literals, key=lambda literal: language_rank(literal, order))


# --- Describing a resource ----------------------------------------------------------------------

_LABEL_VALUES = " ".join(p.n3() for p in LABEL_PROPERTIES)

#: Every triple with ``?s`` as subject.
_OUTGOING = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
#: The first statements with ``?o`` as object, for an IRI that is never a subject.
_LINKING = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }} LIMIT {INCOMING_LIMIT}"
#: How many statements have ``?o`` as object.
_INCOMING_COUNT = "SELECT ?o (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?o"
#: The first statements linking to ``?o``, with their subjects' labels and whether the graph
#: describes the predicate (so that it can link to a page).
_INCOMING = f"""
SELECT ?o ?s ?p ?pDescribed ?lp ?label WHERE {{
  {{ SELECT ?o ?s ?p WHERE {{ ?s ?p ?o }} ORDER BY ?p ?s LIMIT {INCOMING_LIMIT} }}
  BIND(EXISTS {{ ?p ?px ?py }} AS ?pDescribed)
  OPTIONAL {{ ?s ?lp ?label VALUES ?lp {{ {_LABEL_VALUES} }} }}
}}"""
#: The predicates and IRI objects around ``?s``, each with its labels and whether the graph
#: describes it.
_NEIGHBOURS = f"""
SELECT ?s ?n ?described ?lp ?label WHERE {{
  {{ SELECT DISTINCT ?s ?n WHERE {{ {{ ?s ?n ?o }} UNION {{ ?s ?p ?n FILTER(isIRI(?n)) }} }} }}
  BIND(EXISTS {{ ?n ?nx ?ny }} AS ?described)
  OPTIONAL {{ ?n ?lp ?label VALUES ?lp {{ {_LABEL_VALUES} }} }}
}}"""


@dataclass
class Description:
    """A resource as the graph describes it, with what is needed to show its neighbours."""

    iri: URIRef
    #: Every triple with :attr:`iri` as subject.
    graph: Graph
    #: (subject, predicate) of the statements linking to :attr:`iri`, at most INCOMING_LIMIT.
    incoming: list[tuple[Node, Node]] = field(default_factory=list)
    incoming_total: int = 0
    #: Labels of the resource and of the IRIs around it, best label property first.
    labels: dict[URIRef, list[Literal]] = field(default_factory=dict)
    #: The IRIs around the resource that the graph describes (and so have a page here).
    described: set[URIRef] = field(default_factory=set)


def describe(store: Store, iri: str) -> Description:
    """Describe ``iri`` from the store, or raise :class:`NotFound` when the graph does not."""
    if not is_iri(iri):
        raise NotFound(f"<{iri}> is not an IRI, so the graph cannot describe it")
    subject = URIRef(iri)
    result = store.query(_OUTGOING, bindings={"s": subject})
    if result.graph is None or not len(result.graph):
        result = store.query(_LINKING, bindings={"o": subject})
    if result.graph is None or not len(result.graph):
        raise NotFound(
            f"the graph has no statements about <{iri}>; look IRIs up with the SPARQL endpoint "
            "(/sparql) or browse the collections under /api/"
        )
    description = Description(iri=subject, graph=_plain_strings(result.graph))
    description.described.add(subject)
    _add_labels(description, subject, _subject_labels(description.graph, subject))
    _add_neighbours(store, description)
    _add_incoming(store, description)
    return description


def _plain_strings(graph: Graph) -> Graph:
    """``graph`` with ``xsd:string`` literals written plainly (RDF 1.1: the same literal).

    The short form reads better in Turtle and compacts to a bare JSON string.
    """
    out = Graph()
    for prefix, namespace in PREFIXES.items():
        out.bind(prefix, namespace)
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype == XSD.string:
            o = Literal(str(o))
        out.add((s, p, o))
    return out


def _subject_labels(graph: Graph, subject: URIRef) -> list[tuple[Node, Node]]:
    """(label property, label) pairs of ``subject`` in ``graph``."""
    return [(p, o) for p in LABEL_PROPERTIES for o in graph.objects(subject, p)]


def _add_labels(description: Description, iri: Node, pairs: Iterable[tuple[Node, Node]]) -> None:
    """Record labels of ``iri`` (pairs of label property and label), best property first."""
    if not isinstance(iri, URIRef):
        return
    labels = description.labels.setdefault(iri, [])
    for _, label in sorted(pairs, key=lambda pair: LABEL_PROPERTIES.index(pair[0])):
        if isinstance(label, Literal) and label not in labels:
            labels.append(label)


def _add_neighbours(store: Store, description: Description) -> None:
    """Labels of the predicates and objects of the resource, and which of them have a page."""
    rows = store.query(_NEIGHBOURS, bindings={"s": description.iri}).rows
    _collect(description, rows, iri_var="n", described_var="described")


def _add_incoming(store: Store, description: Description) -> None:
    """The statements that link to the resource: the first ones listed, all of them counted."""
    count = store.query(_INCOMING_COUNT, bindings={"o": description.iri}).rows
    description.incoming_total = int(count[0]["n"]) if count else 0
    rows = store.query(_INCOMING, bindings={"o": description.iri}).rows
    # A statement comes back once per label of its subject: keep each one once.
    description.incoming = sorted({(row["s"], row["p"]) for row in rows})
    # Every subject of a statement is described by that statement, so it has a page.
    description.described.update(s for s, _ in description.incoming if isinstance(s, URIRef))
    _collect(description, rows, iri_var="s", described_var=None)
    _collect(description, rows, iri_var="p", described_var="pDescribed", labels=False)


def _collect(
    description: Description,
    rows: Sequence[Mapping[str, Node]],
    *,
    iri_var: str,
    described_var: str | None,
    labels: bool = True,
) -> None:
    """Record, from query rows, the labels of ``iri_var`` and whether the graph describes it."""
    found: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
    for row in rows:
        iri = row[iri_var]
        described = described_var is not None and row.get(described_var) == Literal(True)
        if described and isinstance(iri, URIRef):
            description.described.add(iri)
        if labels and "label" in row:
            found[iri].append((row["lp"], row["label"]))
    for iri, pairs in found.items():
        _add_labels(description, iri, pairs)


# --- RDF representations ------------------------------------------------------------------------


def rdf_document(
    description: Description, representation: Representation, context_url: str
) -> bytes:
    """The resource's triples as Turtle, N-Triples or JSON-LD (compacted, context by URL)."""
    graph = description.graph
    if representation is TURTLE:
        return graph.serialize(format="turtle", encoding="utf-8")
    if representation is NTRIPLES:
        # Sorted lines: the same bytes for the same data, which makes responses diffable.
        lines = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
        return ("\n".join(sorted(line for line in lines if line)) + "\n").encode("utf-8")
    if representation is JSONLD:
        document = compact_graph(graph, context_url)
        return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    raise ValueError(f"{representation.name} is not an RDF representation")


# --- The HTML page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """An IRI (or blank node) as a page shows it: label, compact form and where it leads."""

    iri: str
    #: Compact form: a compact IRI, or the part of a data IRI after the base.
    short: str
    label: str | None
    #: Its page on this service when the graph describes it; else the IRI itself (http(s) only).
    href: str | None
    #: Language tag of :attr:`label` (``None`` when untagged or when there is no label).
    language: str | None = None

    @property
    def text(self) -> str:
        """What the link reads: the label in the reader's language, else the compact IRI."""
        return self.label or self.short

    @property
    def text_language(self) -> str | None:
        """Language of :attr:`text`: the label's, none for a compact IRI."""
        return self.language if self.label else None


@dataclass(frozen=True)
class Value:
    """One object of a statement: a link, or a literal with its language or datatype."""

    text: str
    link: Link | None = None
    language: str | None = None
    #: Compact datatype IRI; ``None`` for plain strings and language-tagged text.
    datatype: str | None = None


@dataclass(frozen=True)
class PropertyRow:
    """A predicate with its values: one row of a page's tables."""

    predicate: Link
    values: list[Value]


@dataclass(frozen=True)
class Page:
    """Everything the ``resource.html`` template shows."""

    iri: str
    title: str
    #: Language of the title, for ``<html lang>`` and ``Content-Language``.
    language: str
    types: list[Link]
    properties: list[PropertyRow]
    incoming: list[PropertyRow]
    incoming_total: int
    incoming_shown: int
    incoming_limit: int = INCOMING_LIMIT


def build_page(description: Description, languages: Sequence[str], base_iri: str) -> Page:
    """The page of a description for a reader preferring ``languages`` (Accept-Language order)."""
    return _PageBuilder(description, lookup_order(languages), base_iri).build()


class _PageBuilder:
    """Turns a :class:`Description` into a :class:`Page` for one reader's languages."""

    def __init__(self, description: Description, order: Sequence[str], base_iri: str) -> None:
        self.description = description
        self.order = order
        self.base_iri = base_iri

    def build(self) -> Page:
        d = self.description
        title, language = self._title()
        types = sorted(d.graph.objects(d.iri, RDF.type), key=self._sort_key)
        return Page(
            iri=str(d.iri),
            title=title,
            language=language,
            types=[self.link(t) for t in types],
            properties=self._rows(
                (p, o) for p, o in d.graph.predicate_objects(d.iri) if p != RDF.type
            ),
            incoming=self._rows((p, s) for s, p in d.incoming),
            incoming_total=d.incoming_total,
            incoming_shown=len(d.incoming),
        )

    def link(self, term: Node) -> Link:
        """How ``term`` (an IRI or blank node) is shown and where it links to."""
        iri = str(term)
        if not isinstance(term, URIRef):
            return Link(iri=iri, short=f"_:{iri}", label=None, href=None)
        best = best_literal(self.description.labels.get(term, []), self.order)
        label = str(best) if best is not None else None
        language = (best.language or None) if best is not None else None
        short = self._short(iri)
        if term in self.description.described:
            return Link(iri, short, label, local_href(iri, self.base_iri), language)
        web = iri.startswith(("http://", "https://"))
        return Link(iri, short, label, iri if web else None, language)

    def _short(self, iri: str) -> str:
        """The compact IRI; for data IRIs (no prefix of their own) the part after the base."""
        if iri.startswith(self.base_iri) and len(iri) > len(self.base_iri):
            return iri[len(self.base_iri) :]
        return curie(iri)

    def value(self, term: Node) -> Value:
        """How an object is shown: literals with language or datatype, IRIs as links."""
        if isinstance(term, Literal):
            datatype = None if term.datatype in (None, XSD.string) else curie(str(term.datatype))
            return Value(text=str(term), language=term.language, datatype=datatype)
        link = self.link(term)
        return Value(text=link.text, link=link)

    def _sort_key(self, term: Node) -> tuple[int, int, str]:
        """Literals before links; literals in the reader's language first; then by text."""
        if isinstance(term, Literal):
            return (0, language_rank(term, self.order), str(term).casefold())
        return (1, 0, self.link(term).text.casefold())

    def _rows(self, pairs: Iterable[tuple[Node, Node]]) -> list[PropertyRow]:
        """Group (predicate, value) pairs by predicate: label properties first, then by curie."""
        grouped: dict[Node, list[Node]] = defaultdict(list)
        for predicate, value in pairs:
            grouped[predicate].append(value)
        rows = [
            PropertyRow(self.link(p), [self.value(v) for v in sorted(vs, key=self._sort_key)])
            for p, vs in grouped.items()
        ]
        return sorted(rows, key=_row_order)

    def _title(self) -> tuple[str, str]:
        """The best label (and its language), else the notation, else the compact IRI."""
        d = self.description
        best = best_literal(d.labels.get(d.iri, []), self.order)
        if best is not None:
            return str(best), best.language or "en"
        notation = next(d.graph.objects(d.iri, SKOS.notation), None)
        return (str(notation) if notation is not None else self._short(str(d.iri))), "en"


def _row_order(row: PropertyRow) -> tuple[int, str]:
    """Label properties first, in :data:`LABEL_PROPERTIES` order; the rest by compact IRI."""
    iri = URIRef(row.predicate.iri)
    rank = LABEL_PROPERTIES.index(iri) if iri in LABEL_PROPERTIES else len(LABEL_PROPERTIES)
    return rank, row.predicate.short
