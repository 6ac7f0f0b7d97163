"""Label search: regions, cluster organisations and technologies found by what they are called.

A query matches a label (``skos:prefLabel``, ``skos:altLabel``, ``rdfs:label``) or a code
(``skos:notation``, such as the NUTS code ``ITI3``) when it is a case-insensitive substring of it,
in whatever language the label is. When nothing matches as typed, accents are ignored on a second
pass (``Kosice`` finds ``Košice``, ``Αττικη`` finds ``Αττική``): SPARQL has no accent folding, so
that pass is a regular expression that costs more, and runs only when it is needed.

The user's text reaches the store only as bound literals (``?needle``, ``?folded``, ``?pattern``,
``?lang``), never as query text. Matches are ranked here: exact, then prefix, then start of a
word, then anywhere; then regions of the current NUTS version (2024) before regions that exist
only in older ones; then shorter labels. Each resource is returned once (a region is in several
NUTS version schemes), with its best-matching label.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import RDFS, SKOS
from rdflib.term import Identifier

from kg.errors import InvalidInput
from kg.namespaces import CKG, NUTS, curie
from kg.resources import best_literal, language_rank, local_href, lookup_order
from kg.store import Store

#: What a search can find: kind (the ``type`` parameter) → class.
KINDS: dict[str, URIRef] = {
    "region": CKG.Region,
    "cluster": CKG.ClusterOrganisation,
    "technology": CKG.KeyEnablingTechnology,
}
#: Properties whose values are searched, best first (a match on a preferred label wins a tie).
MATCHED_PROPERTIES = (SKOS.prefLabel, RDFS.label, SKOS.altLabel, SKOS.notation)
#: Properties that give the label shown for a result, best first.
DISPLAY_PROPERTIES = (SKOS.prefLabel, RDFS.label)
#: The NUTS version whose regions are preferred.
CURRENT_NUTS_SCHEME = URIRef("http://data.europa.eu/nuts/scheme/2024")
#: Path of this service's page of a region, by NUTS code.
REGION_PAGE = "/regions/{code}"

MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 100
DEFAULT_LIMIT = 10
MAX_LIMIT = 50
#: Most (resource, label, display label) rows read from the store; the store orders them by
#: match quality first, so the best matches are always among them.
CANDIDATE_LIMIT = 5000

_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")

# The one query, in two variants: ``?needle`` (the lower-cased query) as a substring of the
# lower-cased label; or, ignoring accents, ``?folded`` (the query without accents) in a label
# written in plain ASCII, and ``?pattern`` (a regular expression with each letter's accented
# forms) matching any other. Oxigraph compiles a bound pattern anew for every label it tests
# (about 0.1 ms each), so the constant ASCII test, compiled once, keeps it to the labels that
# need it.
# The matching group is nested so that the store filters before it looks up display labels.
# ``COALESCE(… , true)`` keeps a filter whose parameter is not bound from removing anything.
_SEARCH = """
PREFIX ckg: <https://w3id.org/clusterkg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?s ?kind ?p ?label ?current ?dp ?display ?needle ?folded ?pattern ?only ?lang
WHERE {
  {
    VALUES (?class ?kind) { %(kinds)s }
    VALUES ?p { %(matched)s }
    ?s a ?class ; ?p ?label .
    BIND(LCASE(STR(?label)) AS ?lower)
    FILTER(%(match)s
      && COALESCE(?kind = ?only, true)
      && (LANG(?label) = "" || COALESCE(LANGMATCHES(LANG(?label), ?lang), true)))
  }
  BIND(IF(?lower = ?needle, 0, IF(STRSTARTS(?lower, ?needle), 1, 2)) AS ?rank)
  BIND(EXISTS { ?s skos:inScheme %(current)s } AS ?current)
  OPTIONAL { VALUES ?dp { %(display)s } ?s ?dp ?display }
}
ORDER BY ?rank STRLEN(?label)
LIMIT %(limit)d
"""
_PARTS = {
    "kinds": " ".join(f'({cls.n3()} "{kind}")' for kind, cls in KINDS.items()),
    "matched": " ".join(p.n3() for p in MATCHED_PROPERTIES),
    "display": " ".join(p.n3() for p in DISPLAY_PROPERTIES),
    "current": CURRENT_NUTS_SCHEME.n3(),
    "limit": CANDIDATE_LIMIT,
}
SEARCH_QUERY = _SEARCH % {**_PARTS, "match": "CONTAINS(?lower, ?needle)"}
ACCENT_INSENSITIVE_QUERY = _SEARCH % {
    **_PARTS,
    "match": 'IF(REGEX(?lower, "^[ -~]*$"), CONTAINS(?lower, ?folded), REGEX(?lower, ?pattern))',
}


# --- Accent folding -----------------------------------------------------------------------------


def fold(text: str) -> str:
    """``text`` lower-cased and without accents, to compare labels as readers do.

    >>> fold("Košice"), fold("Αττική"), fold("ΑΘΗΝΑΣ")
    ('kosice', 'αττικη', 'αθηνασ')
    """
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ς", "σ")


def _accented_variants() -> dict[str, str]:
    """Base letter → the lower-case letters that are it with accents (Latin and Greek)."""
    variants: dict[str, str] = {"σ": "ς"}
    for code_point in [*range(0xC0, 0x250), *range(0x370, 0x400)]:
        char = chr(code_point)
        decomposed = unicodedata.normalize("NFD", char)
        if char != char.lower() or len(decomposed) < 2:
            continue
        if all(unicodedata.combining(mark) for mark in decomposed[1:]):
            variants[decomposed[0]] = variants.get(decomposed[0], "") + char
    return variants


_VARIANTS = _accented_variants()
# Characters with a meaning in a regular expression (those Rust's regex::escape escapes).
_REGEX_SPECIAL = frozenset("\\.+*?()|[]{}^$#&-~")


def accent_pattern(text: str) -> str:
    """A regular expression matching ``text`` in lower-cased labels, whatever their accents.

    >>> accent_pattern("Αττικη")
    '[αά]ττ[ιΐίϊ]κ[ηή]'
    >>> accent_pattern("(x.y)")  # characters that mean something to a regex are escaped
    '\\\\(x\\\\.[yýÿŷȳ]\\\\)'
    """
    parts = []
    for char in fold(text):
        if char in _VARIANTS:
            parts.append(f"[{char}{_VARIANTS[char]}]")
        elif char in _REGEX_SPECIAL:
            parts.append("\\" + char)
        else:
            parts.append(char)
    return "".join(parts)


# --- Parameters ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchRequest:
    """A validated search: the text, and optionally the kind and the language of labels."""

    text: str
    kind: str | None = None
    lang: str | None = None
    limit: int = DEFAULT_LIMIT


def search_request(
    text: str | None, kind: str | None = None, lang: str | None = None, limit: int | None = None
) -> SearchRequest:
    """Check the parameters of a search; empty ``kind`` and ``lang`` mean "any".

    >>> search_request("  Emilia   Romagna ", "region", "IT").text
    'Emilia Romagna'
    >>> search_request("x")
    Traceback (most recent call last):
    ...
    kg.errors.InvalidInput: the query 'q' needs at least 2 characters
    """
    normalised = " ".join(unicodedata.normalize("NFC", text or "").split())
    if len(normalised) < MIN_QUERY_LENGTH:
        raise InvalidInput(
            f"the query 'q' needs at least {MIN_QUERY_LENGTH} characters", parameter="q"
        )
    if len(normalised) > MAX_QUERY_LENGTH:
        raise InvalidInput(
            f"the query 'q' has {len(normalised)} characters; at most {MAX_QUERY_LENGTH} are "
            "searched",
            parameter="q",
        )
    if kind and kind not in KINDS:
        raise InvalidInput(
            f"type={kind!r} is not searchable; use one of {', '.join(KINDS)}", parameter="type"
        )
    if lang and not _LANGUAGE_TAG.match(lang):
        raise InvalidInput(
            f"lang={lang!r} is not a language tag; give one such as en, it or el",
            parameter="lang",
        )
    limit = DEFAULT_LIMIT if limit is None else limit
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT}", parameter="limit")
    return SearchRequest(normalised, kind or None, lang.lower() if lang else None, limit)


# --- Results ------------------------------------------------------------------------------------

#: How a label matched, best first.
MATCH_KINDS = ("exact", "prefix", "word", "substring")


@dataclass(frozen=True)
class SearchHit:
    """One resource found, with the label that matched and the label to show."""

    iri: str
    kind: str
    label: str
    label_language: str | None
    matched_label: str
    matched_language: str | None
    matched_property: str
    match: str
    page: str
    #: The NUTS code of a region.
    code: str | None = None
    #: Whether a region is in the current NUTS version (None for other kinds).
    current: bool | None = None

    def to_json(self) -> dict[str, Any]:
        """The hit as a member of the ``items`` of a JSON answer."""
        item: dict[str, Any] = {
            "id": self.iri,
            "type": curie(str(KINDS[self.kind])),
            "kind": self.kind,
            "label": self.label,
            "labelLanguage": self.label_language,
            "matchedLabel": self.matched_label,
            "matchedLanguage": self.matched_language,
            "matchedProperty": self.matched_property,
            "match": self.match,
            "page": self.page,
        }
        if self.kind == "region":
            item["code"] = self.code
            item["nuts2024"] = self.current
        return item


@dataclass(frozen=True)
class SearchResult:
    """The best hits of a search and how many resources matched in all."""

    request: SearchRequest
    hits: list[SearchHit]
    total: int
    #: Whether accents were ignored (nothing matched as typed).
    accents_ignored: bool


def search(store: Store, request: SearchRequest, base_iri: str) -> SearchResult:
    """Find regions, clusters and technologies whose labels or codes contain the request's text.

    ``base_iri`` (``KG_BASE_IRI``) maps data IRIs to the pages of this service.
    """
    bindings: dict[str, Identifier] = {"needle": Literal(request.text.lower())}
    if request.kind:
        bindings["only"] = Literal(request.kind)
    if request.lang:
        bindings["lang"] = Literal(request.lang)
    rows = store.query(SEARCH_QUERY, bindings=bindings).rows
    accents_ignored = False
    if not rows and any(char in _VARIANTS for char in fold(request.text)):
        bindings["folded"] = Literal(fold(request.text))
        bindings["pattern"] = Literal(accent_pattern(request.text))
        rows = store.query(ACCENT_INSENSITIVE_QUERY, bindings=bindings).rows
        accents_ignored = True
    hits = _rank(rows, request, base_iri)
    return SearchResult(request, hits[: request.limit], len(hits), accents_ignored)


def match_rank(label: str, wanted: str) -> int:
    """Position in :data:`MATCH_KINDS` of how ``wanted`` occurs in ``label`` (both folded).

    >>> [match_rank(label, "mar") for label in ("mar", "marche", "le marche", "komarom")]
    [0, 1, 2, 3]
    """
    if label == wanted:
        return 0
    if label.startswith(wanted):
        return 1
    start = label.find(wanted)
    while start > 0:
        if not label[start - 1].isalnum():
            return 2
        start = label.find(wanted, start + 1)
    return 3


@dataclass
class _Found:
    """A resource found, gathered from its rows: its best-matching label and its labels."""

    iri: str
    kind: str
    current: bool
    #: Sort key within the resource: match, label length, property, language.
    key: tuple[int, int, int, int]
    label: Literal
    prop: URIRef
    #: Labels to show it by, with the position of their property in DISPLAY_PROPERTIES.
    displays: dict[Literal, int]

    def sort_key(self) -> tuple[int, bool, int, str, str]:
        """Match first, then current regions before outdated ones, then shorter labels."""
        outdated = self.kind == "region" and not self.current
        return (self.key[0], outdated, self.key[1], fold(str(self.label)), self.iri)


def _rank(
    rows: Iterable[dict[str, Identifier]], request: SearchRequest, base_iri: str
) -> list[SearchHit]:
    """One hit per resource, best first."""
    order = lookup_order([request.lang] if request.lang else [])
    wanted = fold(request.text)
    found: dict[str, _Found] = {}
    for row in rows:
        label, prop = row["label"], row["p"]
        if not isinstance(label, Literal) or not isinstance(prop, URIRef):
            continue  # the query only selects literals of the matched properties
        key = (
            match_rank(fold(str(label)), wanted),
            len(str(label)),
            MATCHED_PROPERTIES.index(prop),
            language_rank(label, order),
        )
        iri = str(row["s"])
        entry = found.get(iri)
        if entry is None:
            current = row.get("current") == Literal(True)
            entry = found[iri] = _Found(iri, str(row["kind"]), current, key, label, prop, {})
        elif key < entry.key:
            entry.key, entry.label, entry.prop = key, label, prop
        display = row.get("display")
        if isinstance(display, Literal):
            entry.displays.setdefault(display, DISPLAY_PROPERTIES.index(URIRef(row["dp"])))
    return [_hit(entry, order, base_iri) for entry in sorted(found.values(), key=_Found.sort_key)]


def _hit(found: _Found, order: Sequence[str], base_iri: str) -> SearchHit:
    displays = sorted(found.displays, key=found.displays.__getitem__)
    display = best_literal(displays, order) or found.label
    code = page = None
    if found.kind == "region" and found.iri.startswith(str(NUTS)):
        code = found.iri[len(str(NUTS)) :]
        page = REGION_PAGE.format(code=code)
    return SearchHit(
        iri=found.iri,
        kind=found.kind,
        label=str(display),
        label_language=display.language or None,
        matched_label=str(found.label),
        matched_language=found.label.language or None,
        matched_property=curie(str(found.prop)),
        match=MATCH_KINDS[found.key[0]],
        page=page or local_href(found.iri, base_iri),
        code=code,
        current=found.current if found.kind == "region" else None,
    )
