"""A region's stored matches, gaps and peers (graph ``…/graph/matches``), for the API, pages and
CLI: read from the graph as it is, so an answer is exactly what the linked-data resources say.

Any NUTS code of any version and level is accepted: a region with results answers for itself;
a NUTS 3 region for its NUTS 2 parent; an older code for the current region(s) it became.
"""

from __future__ import annotations

import csv
import io
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from rdflib import Graph, URIRef
from rdflib.term import Identifier

from kg.errors import NotFound
from kg.matching.model import (
    CLUSTER_WEIGHT,
    COOPERATION_WEIGHT,
    LEARNING_WEIGHT,
    STRENGTH_WEIGHT,
)
from kg.namespaces import NUTS, PREFIXES, curie
from kg.queries import sparql_term, with_values
from kg.store import Store
from kg.strengths.answers import choose_label, parse_region_code

WEIGHTS = {
    "strength": STRENGTH_WEIGHT,
    "clusters": CLUSTER_WEIGHT,
    "cooperation": COOPERATION_WEIGHT,
    "learning": LEARNING_WEIGHT,
}
#: Reason kinds whose evidence is about the need (the priority and how its technology was
#: found), not about the partner: a priority is never evidence of a partner's strength.
NEED_KINDS = {"need"}
_T = TypeVar("_T")


@dataclass(frozen=True)
class Evidence:
    """A resource of the graph a result rests on, as the graph holds it."""

    id: str
    label: str | None
    value: int | float | str | None
    year: str | None
    source: str | None
    kind: str | None
    #: The region the resource is about (``ckg:region``), when it says.
    about: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "value": self.value,
            "year": self.year,
            "source": self.source,
            "type": self.kind,
        }


@dataclass(frozen=True)
class Explanation:
    """A reason in words with the resources it rests on."""

    kind: str
    text: str
    evidence: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, "evidence": list(self.evidence)}


@dataclass
class RegionRef:
    code: str
    label: str
    category: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": str(NUTS[self.code]),
            "code": self.code,
            "label": self.label,
            "developmentCategory": self.category,
        }


@dataclass
class Result:
    """One stored match, gap or peer, with what the answer shows of it."""

    id: str
    kind: str
    values: dict[str, Any]
    explanations: list[Explanation] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    connections: list[dict[str, str | None]] = field(default_factory=list)


@dataclass
class MatchAnswer:
    """A region's results of one kind, best first."""

    requested: str
    regions: list[RegionRef]
    note: str | None
    kind: str
    results: list[Result]
    total: int

    def as_json(self) -> dict[str, Any]:
        key = {"match": "matches", "gap": "gaps", "peer": "peers"}[self.kind]
        region = self.regions[0].as_json() if len(self.regions) == 1 else None
        document: dict[str, Any] = {"requested": self.requested, "region": region}
        if len(self.regions) != 1:
            document["regions"] = [r.as_json() for r in self.regions]
        document["note"] = self.note
        if self.kind == "match":
            document["weights"] = WEIGHTS
        document["total"] = self.total
        document[key] = [_result_json(self.kind, r) for r in self.results]
        return document


def _result_json(kind: str, result: Result) -> dict[str, Any]:
    document = {"id": result.id, **result.values}
    document["reasons"] = [e.text for e in result.explanations]
    document["explanations"] = [e.as_json() for e in result.explanations]
    if kind != "gap":
        document["evidence"] = [e.as_json() for e in result.evidence]
    if kind == "match":
        document["connections"] = result.connections
    return document


# -- resolution -------------------------------------------------------------------------------


def resolve_region(store: Store, code: str) -> tuple[list[RegionRef], str | None]:
    """The current region(s) whose results answer for ``code``, and a note when not itself.

    :class:`NotFound` for a code no NUTS version has; a malformed code is
    :class:`~kg.errors.InvalidInput` (from :func:`parse_region_code`).
    """
    return _StoreReader(store).resolve(parse_region_code(code))


def _resolution(
    reader: _Reader, code: str, current: bool, level: int | None, successors: list[str]
) -> tuple[list[RegionRef], str | None]:
    """The rule of :func:`resolve_region`, given what the reader found about ``code``."""
    if current and level == 3:
        parent = code[:4]
        return [reader.region_ref(parent)], (
            f"{code} is a NUTS 3 region; matches are computed for NUTS 2 regions (and for "
            f"countries and NUTS 1 regions with S3 priorities), so those of its parent {parent} "
            "are given, which include the priorities of its NUTS 3 regions"
        )
    if current:
        return [reader.region_ref(code)], None
    if successors:
        names = ", ".join(successors)
        return [reader.region_ref(s) for s in successors], (
            f"{code} is a code of an older NUTS version; it became {names}, whose results are given"
        )
    return [reader.region_ref(code)], f"{code} is not a region of NUTS 2024"


# -- reading ----------------------------------------------------------------------------------

Row = dict[str, Identifier]

_RESOLVE = """
SELECT ?level ?current WHERE { ?r skos:inScheme <http://data.europa.eu/nuts> .
  OPTIONAL { ?r ckg:nutsLevel ?level }
  OPTIONAL { ?r skos:inScheme <http://data.europa.eu/nuts/scheme/2024> BIND(true AS ?current) }
}"""
_SUCCESSORS = """
SELECT DISTINCT ?s WHERE {
  ?r dct:isReplacedBy+ ?s FILTER NOT EXISTS { ?s dct:isReplacedBy ?newer }
} ORDER BY ?s"""
_CURRENT = """
SELECT ?r ?level WHERE {
  ?r skos:inScheme <http://data.europa.eu/nuts/scheme/2024> . OPTIONAL { ?r ckg:nutsLevel ?level }
}"""
_MATCHES = """
SELECT ?m ?region ?score ?rank ?priority ?technology ?partner ?strength ?strength_score
       ?cluster ?cooperation ?learning WHERE {
  ?m a ckg:PartnerMatch ; ckg:region ?region ; ckg:matchScore ?score ; ckg:rank ?rank ;
     ckg:forPriority ?priority ; ckg:technology ?technology ; ckg:partnerRegion ?partner ;
     ckg:partnerStrength ?strength ; ckg:strengthScore ?strength_score ;
     ckg:clusterFactor ?cluster ; ckg:cooperationFactor ?cooperation ;
     ckg:learningFactor ?learning .
}"""
_GAPS = """
SELECT ?m ?region ?priority ?technology ?kind ?local ?local_score
       (GROUP_CONCAT(STR(?helper); separator=" ") AS ?helpers) WHERE {
  ?m a ckg:CapabilityGap ; ckg:region ?region ; ckg:forPriority ?priority ;
     ckg:technology ?technology ; ckg:gapKind ?kind .
  OPTIONAL { ?m ckg:localStrength ?local }
  OPTIONAL { ?m ckg:strengthScore ?local_score }
  OPTIONAL { ?m ckg:helper ?helper }
} GROUP BY ?m ?region ?priority ?technology ?kind ?local ?local_score"""
_PEERS = """
SELECT ?m ?region ?score ?rank ?partner ?similarity ?variables
       (GROUP_CONCAT(STR(?technology); separator=" ") AS ?stronger) WHERE {
  ?m a ckg:PeerRegion ; ckg:region ?region ; ckg:matchScore ?score ; ckg:rank ?rank ;
     ckg:partnerRegion ?partner ; ckg:similarity ?similarity ;
     ckg:variablesCompared ?variables .
  OPTIONAL { ?m ckg:strongerIn ?technology }
} GROUP BY ?m ?region ?score ?rank ?partner ?similarity ?variables"""
_RESULTS = {"match": _MATCHES, "gap": _GAPS, "peer": _PEERS}
_REASONS = """
SELECT ?m ?position ?kind ?text (GROUP_CONCAT(STR(?evidence); separator=" ") AS ?evidences)
WHERE {
  ?m a ?type ; ckg:region ?region ; ckg:hasReason ?reason .
  ?reason ckg:position ?position ; ckg:reasonKind ?kind ; rdfs:comment ?text .
  OPTIONAL { ?reason prov:wasDerivedFrom ?evidence }
} GROUP BY ?m ?position ?kind ?text"""
_LABELS = """
SELECT ?r ?label WHERE {
  ?r rdfs:label|skos:prefLabel ?label .
}"""
_EVIDENCE = """
SELECT ?r ?type ?value ?graph ?about (GROUP_CONCAT(STR(?year); separator=" ") AS ?years)
WHERE {
  OPTIONAL { GRAPH ?graph { ?r a ?type } }
  OPTIONAL { ?r ckg:score|ckg:value|sdmx-measure:obsValue ?value }
  OPTIONAL { ?r ckg:referenceYear|sdmx-dimension:refPeriod ?year }
  OPTIONAL { ?r ckg:region ?about }
} GROUP BY ?r ?type ?value ?graph ?about"""
_CATEGORY = """
SELECT ?region ?label ?basis WHERE {
  ?a a ckg:DevelopmentCategoryAssignment ; ckg:region ?region ;
     ckg:developmentCategory/skos:prefLabel ?label ; ckg:assignmentBasis ?basis ;
     dct:temporal ?period .
  FILTER(LANG(?label) = "en" && STRENDS(STR(?period), "2021-01-01--2027-12-31"))
}"""
_CONNECTIONS = """
SELECT ?r ?type WHERE {
  ?r a ?type FILTER(?type IN (ckg:CooperationProject, ckg:PartnerRole, ckg:PolicyInstrument))
}"""
_GRAPH_NAMES = "SELECT ?g ?title WHERE { ?g a dcat:Dataset ; dct:title ?title }"

#: IRIs per VALUES block when the index reads everything: one block per query would be slow to
#: parse, one query per IRI slow to run.
_BATCH = 2_000


def _values(name: str, terms: Iterable[str]) -> str:
    items = " ".join(sparql_term(URIRef(t)) for t in sorted(set(terms)))
    return f"VALUES ?{name} {{ {items} }}"


def _bind(query: str, name: str, terms: Iterable[str]) -> str:
    """``query`` with a VALUES block of IRIs for ``?name`` first in its WHERE group."""
    block = _values(name, terms)
    head, tail = query.split("WHERE {", 1)
    return f"{head}WHERE {{ {block}{tail}"


def _bound_rows(store: Store, query: str, name: str, terms: Iterable[str]) -> list[Row]:
    """The rows of ``query`` for the IRIs ``terms`` bound to ``?name``, in batches."""
    terms = sorted(set(terms))
    rows: list[Row] = []
    for start in range(0, len(terms), _BATCH):
        rows.extend(store.query(_bind(query, name, terms[start : start + _BATCH])).rows)
    return rows


def _number(term: Identifier | None) -> int | float | str | None:
    if term is None:
        return None
    value = getattr(term, "value", None)
    if isinstance(value, bool):
        return str(term)
    if isinstance(value, int):
        return value
    if isinstance(value, (float, Decimal)):
        return float(value)
    return str(term)


def _label_map(rows: Iterable[Row]) -> dict[str, str]:
    found: dict[str, list[Identifier]] = defaultdict(list)
    for row in rows:
        found[str(row["r"])].append(row["label"])
    return {iri: label for iri, labels in found.items() if (label := choose_label(labels))}


def _category_map(rows: Iterable[Row]) -> dict[str, str]:
    """Each region's 2021-2027 category in words: the official one where loaded, else the
    rule-based approximation."""
    chosen: dict[str, tuple[int, str]] = {}
    for row in rows:
        code = str(row["region"]).removeprefix(str(NUTS))
        rank = 0 if str(row["basis"]).endswith("official-decision") else 1
        basis = "official" if rank == 0 else "rule-based approximation"
        entry = (rank, f"{str(row['label']).lower()} ({basis})")
        if code not in chosen or entry < chosen[code]:
            chosen[code] = entry
    return {code: label for code, (_, label) in chosen.items()}


def _explanation_map(rows: Iterable[Row]) -> dict[str, list[Explanation]]:
    found: dict[str, list[tuple[int, Explanation]]] = defaultdict(list)
    for row in rows:
        evidence = tuple(sorted(set(str(row.get("evidences") or "").split())))
        found[str(row["m"])].append(
            (int(str(row["position"])), Explanation(str(row["kind"]), str(row["text"]), evidence))
        )
    return {m: [e for _, e in sorted(items, key=lambda i: i[0])] for m, items in found.items()}


def _evidence_map(
    rows: Iterable[Row], labels: dict[str, str], sources: dict[str, str]
) -> dict[str, Evidence]:
    # A resource of several types is named by ClusterKG's own (a cluster is also an
    # org:Organization); among rows alike, the first in a fixed order, whatever the store's.
    chosen: dict[str, Row] = {}
    for row in rows:
        iri = str(row["r"])
        if iri not in chosen or _evidence_rank(row) < _evidence_rank(chosen[iri]):
            chosen[iri] = row
    found: dict[str, Evidence] = {}
    for iri, row in chosen.items():
        graph = str(row["graph"]) if row.get("graph") is not None else None
        kind = row.get("type")
        # A window of years (2016 to 2018 for patents) reads as its first and last year.
        years = sorted({y[:4] for y in str(row.get("years") or "").split()})
        about = row.get("about")
        found[iri] = Evidence(
            id=iri,
            label=labels.get(iri),
            value=_number(row.get("value")),
            year="-".join(dict.fromkeys([years[0], years[-1]])) if years else None,
            source=sources.get(graph or "", graph) if graph else None,
            kind=curie(str(kind)) if kind is not None else None,
            about=str(about).removeprefix(str(NUTS)) if about is not None else None,
        )
    return found


def _evidence_rank(row: Row) -> tuple[bool, str, str, str, str]:
    kind = curie(str(row["type"])) if row.get("type") is not None else ""
    return (
        not kind.startswith("ckg:"),
        kind,
        str(row.get("graph") or ""),
        str(row.get("value") or ""),
        str(row.get("about") or ""),
    )


class _Reader(ABC):
    """What an answer reads: by queries (:class:`_StoreReader`) or from memory
    (:class:`MatchIndex`). Both give the same values for the same store state, and
    :func:`region_results` assembles an answer the same way from either."""

    @abstractmethod
    def resolve(self, code: str) -> tuple[list[RegionRef], str | None]:
        """The region(s) whose results answer for ``code``, and a note when not itself."""

    @abstractmethod
    def rows(self, kind: str, regions: Sequence[str]) -> list[Row]:
        """The result rows of ``kind`` (match, gap, peer) of the region IRIs (a new list)."""

    @abstractmethod
    def match_rows(self, ids: Iterable[str]) -> dict[str, Row]:
        """The match rows of these match IRIs (a gap's helpers)."""

    @abstractmethod
    def explanations(self, ids: Iterable[str]) -> dict[str, list[Explanation]]:
        """Each result's reasons, in their order."""

    @abstractmethod
    def labels(self, iris: Iterable[str]) -> dict[str, str]:
        """One label per IRI (:func:`choose_label`)."""

    @abstractmethod
    def categories(self, codes: Iterable[str]) -> dict[str, str]:
        """Each region's 2021-2027 development category in words."""

    @abstractmethod
    def evidence(self, iris: Iterable[str]) -> dict[str, Evidence]:
        """The resources a result rests on, as the graph holds them."""

    @abstractmethod
    def connection_types(self, iris: Iterable[str]) -> dict[str, str]:
        """The IRIs that are projects, partner roles or instruments, with their type."""

    def region_ref(self, code: str) -> RegionRef:
        iri = str(NUTS[code])
        return RegionRef(code, self.labels([iri]).get(iri, code), self.categories([code]).get(code))


class _StoreReader(_Reader):
    """Reads by queries, each bound to the IRIs the answer needs."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._sources: dict[str, str] | None = None

    def resolve(self, code: str) -> tuple[list[RegionRef], str | None]:
        rows = self._store.query(with_values(_RESOLVE, {"r": NUTS[code]})).rows
        if not rows:
            raise NotFound(f"no NUTS region has the code {code!r} in any version (2010-2024)")
        level = next((int(str(r["level"])) for r in rows if r.get("level") is not None), None)
        current = any(r.get("current") is not None for r in rows)
        successors = []
        if not current:
            found = self._store.query(with_values(_SUCCESSORS, {"r": NUTS[code]})).rows
            successors = [str(row["s"]).removeprefix(str(NUTS)) for row in found]
        return _resolution(self, code, current, level, successors)

    def rows(self, kind: str, regions: Sequence[str]) -> list[Row]:
        return _bound_rows(self._store, _RESULTS[kind], "region", regions)

    def match_rows(self, ids: Iterable[str]) -> dict[str, Row]:
        return {str(r["m"]): r for r in _bound_rows(self._store, _MATCHES, "m", ids)}

    def explanations(self, ids: Iterable[str]) -> dict[str, list[Explanation]]:
        return _explanation_map(_bound_rows(self._store, _REASONS, "m", ids))

    def labels(self, iris: Iterable[str]) -> dict[str, str]:
        return _label_map(_bound_rows(self._store, _LABELS, "r", iris))

    def categories(self, codes: Iterable[str]) -> dict[str, str]:
        iris = [str(NUTS[c]) for c in codes]
        return _category_map(_bound_rows(self._store, _CATEGORY, "region", iris))

    def evidence(self, iris: Iterable[str]) -> dict[str, Evidence]:
        iris = sorted(set(iris))
        if self._sources is None:
            self._sources = self.graph_names()
        rows = _bound_rows(self._store, _EVIDENCE, "r", iris)
        return _evidence_map(rows, self.labels(iris), self._sources)

    def connection_types(self, iris: Iterable[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for row in _bound_rows(self._store, _CONNECTIONS, "r", iris):
            iri, kind = str(row["r"]), str(row["type"])
            found[iri] = min(kind, found.get(iri, kind))
        return found

    def graph_names(self) -> dict[str, str]:
        """Each named graph's title (the catalogue's ``dct:title``), for the evidence's source."""
        names: dict[str, list[Identifier]] = defaultdict(list)
        for row in self._store.query(_GRAPH_NAMES).rows:
            names[str(row["g"])].append(row["title"])
        return {g: label for g, titles in names.items() if (label := choose_label(titles))}


@dataclass
class MatchIndex(_Reader):
    """Every stored match, gap and peer with all an answer shows of them, read from the store in
    a few passes for one store state, so that a region's answer is assembled from memory.

    An answer from the index equals the one :func:`region_results` computes by queries: both
    are assembled by the same code from the same values; only where they are read differs.
    Codes that are not regions of NUTS 2024 (older codes) are resolved by queries.
    """

    state: str
    store: Store
    results: dict[str, dict[str, list[Row]]]
    by_id: dict[str, Row]
    explained: dict[str, list[Explanation]]
    label_of: dict[str, str]
    category_of: dict[str, str]
    evidence_of: dict[str, Evidence]
    connection_of: dict[str, str]
    current: dict[str, int | None]

    @classmethod
    def build(cls, store: Store, state: str) -> MatchIndex:
        """Read every result, its reasons, and the labels, categories and evidence they name."""
        reader = _StoreReader(store)
        results: dict[str, dict[str, list[Row]]] = {}
        for kind, query in _RESULTS.items():
            by_region: dict[str, list[Row]] = defaultdict(list)
            for row in store.query(query).rows:
                by_region[str(row["region"])].append(row)
            results[kind] = dict(by_region)
        by_id = {str(r["m"]): r for r in _all(results, "match")}
        explained = _explanation_map(store.query(_REASONS).rows)
        current: dict[str, int | None] = {}
        for row in store.query(_CURRENT).rows:
            code = str(row["r"]).removeprefix(str(NUTS))
            level = int(str(row["level"])) if row.get("level") is not None else None
            current[code] = level if current.get(code) is None else current[code]
        evidence_iris = {
            iri
            for reasons in explained.values()
            for e in reasons
            if e.kind not in NEED_KINDS
            for iri in e.evidence
        }
        evidence = reader.evidence(evidence_iris)
        connections = reader.connection_types(evidence_iris)
        named = {str(NUTS[code]) for code in current}
        for kind in _RESULTS:
            for row in _all(results, kind):
                for key in ("region", "priority", "technology", "partner"):
                    if row.get(key) is not None:
                        named.add(str(row[key]))
                named.update(str(row.get("stronger") or "").split())
        named |= set(connections)
        return cls(
            state=state,
            store=store,
            results=results,
            by_id=by_id,
            explained=explained,
            label_of=reader.labels(named),
            category_of=_category_map(store.query(_CATEGORY).rows),
            evidence_of=evidence,
            connection_of=connections,
            current=current,
        )

    def size(self) -> int:
        """How many results the index holds."""
        return sum(len(rows) for kind in _RESULTS for rows in self.results[kind].values())

    def resolve(self, code: str) -> tuple[list[RegionRef], str | None]:
        if code not in self.current:
            # An older code: which regions it became is a path query; the rest is from memory.
            regions, note = _StoreReader(self.store).resolve(code)
            return [self.region_ref(r.code) for r in regions], note
        return _resolution(self, code, True, self.current[code], [])

    def rows(self, kind: str, regions: Sequence[str]) -> list[Row]:
        return [row for region in regions for row in self.results[kind].get(region, [])]

    def match_rows(self, ids: Iterable[str]) -> dict[str, Row]:
        return _pick(self.by_id, ids)

    def explanations(self, ids: Iterable[str]) -> dict[str, list[Explanation]]:
        return _pick(self.explained, ids)

    def labels(self, iris: Iterable[str]) -> dict[str, str]:
        return _pick(self.label_of, iris)

    def categories(self, codes: Iterable[str]) -> dict[str, str]:
        return _pick(self.category_of, codes)

    def evidence(self, iris: Iterable[str]) -> dict[str, Evidence]:
        return _pick(self.evidence_of, iris)

    def connection_types(self, iris: Iterable[str]) -> dict[str, str]:
        return _pick(self.connection_of, iris)


def _all(results: dict[str, dict[str, list[Row]]], kind: str) -> Iterable[Row]:
    return (row for rows in results[kind].values() for row in rows)


def _pick(found: dict[str, _T], keys: Iterable[str]) -> dict[str, _T]:
    return {key: found[key] for key in keys if key in found}


def region_results(
    store: Store,
    code: str,
    kind: str,
    *,
    technology: URIRef | None = None,
    priority: str | None = None,
    min_score: float | None = None,
    limit: int | None = None,
    index: MatchIndex | None = None,
) -> MatchAnswer:
    """A region's stored matches (``kind="match"``), gaps (``"gap"``) or peers (``"peer"``),
    best first, each with its reasons and evidence; filtered by technology, priority IRI and
    minimum score, at most ``limit`` of them (``total`` counts all that pass the filters).

    With an ``index`` of the store's current state, the answer is read from memory (the same
    answer, without the queries)."""
    reader: _Reader = index if index is not None else _StoreReader(store)
    regions, note = reader.resolve(parse_region_code(code))
    rows = reader.rows(kind, [str(NUTS[r.code]) for r in regions])
    if technology is not None:
        rows = [r for r in rows if r.get("technology") == technology]
    if priority is not None:
        rows = [r for r in rows if str(r.get("priority")) == priority]
    if min_score is not None:
        rows = [r for r in rows if r.get("score") is not None and float(r["score"]) >= min_score]
    rows.sort(key=lambda r: _order(kind, r))
    total = len(rows)
    if limit is not None:
        rows = rows[:limit]
    if not rows and note is None:
        note = _EMPTY[kind].format(code=regions[0].code)
    results = _assemble(reader, kind, rows)
    return MatchAnswer(code, regions, note, kind, results, total)


_EMPTY = {
    "match": "no stored matches for {code}: none of its S3 priorities (nor those of the regions "
    "it lies in or that lie in it) has a technology ClusterKG knows of, or no other region is "
    "measured strong in one",
    "gap": "no gaps stored for {code}: every technology its S3 priorities need has a measured "
    "local strength of at least 0.5, or it has no such priority",
    "peer": "no peers stored for {code}: peers are computed for NUTS 2 regions with at least "
    "three structural variables, a measured strength in a needed technology and a similar "
    "region stronger in one",
}


def _order(kind: str, row: dict[str, Identifier]) -> tuple[Any, ...]:
    if kind == "match":
        return (
            -float(row["score"]),
            -float(row["strength_score"]),
            str(row["partner"]),
            str(row["priority"]),
            str(row["technology"]),
            str(row["m"]),
        )
    if kind == "gap":
        score = row.get("local_score")
        return (
            float(score) if score is not None else -1.0,
            str(row["priority"]),
            str(row["technology"]),
            str(row["m"]),
        )
    return (
        -float(row["score"]),
        -float(row["similarity"]),
        str(row["partner"]),
        str(row["m"]),
    )


def _assemble(reader: _Reader, kind: str, rows: list[Row]) -> list[Result]:
    ids = [str(r["m"]) for r in rows]
    explanations = reader.explanations(ids)
    helper_ids = [h for r in rows for h in str(r.get("helpers") or "").split()]
    helper_rows = reader.match_rows(helper_ids)
    partners = {str(r["partner"]).removeprefix(str(NUTS)) for r in rows if r.get("partner")}
    partners |= {str(r["partner"]).removeprefix(str(NUTS)) for r in helper_rows.values()}
    categories = reader.categories(partners)
    named = {str(r[k]) for r in rows for k in ("priority", "technology", "partner") if r.get(k)}
    named |= {str(NUTS[p]) for p in partners}
    for r in rows:
        named.update(str(r.get("stronger") or "").split())
    labels = reader.labels(named)
    evidence_iris = {
        iri
        for m in ids
        for e in explanations.get(m, [])
        if e.kind not in NEED_KINDS
        for iri in e.evidence
    }
    evidence = reader.evidence(evidence_iris)
    connection_types = reader.connection_types(evidence_iris)
    labels.update(reader.labels(connection_types))

    def region(term: Identifier) -> dict[str, Any]:
        code = str(term).removeprefix(str(NUTS))
        return RegionRef(code, labels.get(str(term), code), categories.get(code)).as_json()

    def ref(term: Identifier | None) -> dict[str, Any] | None:
        if term is None:
            return None
        return {"id": str(term), "label": labels.get(str(term))}

    results = []
    for row in rows:
        m = str(row["m"])
        own = explanations.get(m, [])
        # A match's evidence is about the partner: the region's own category assignment is in
        # the reason, not among the partner's evidence (peers compare both regions, so both).
        mine = str(row["region"]).removeprefix(str(NUTS))
        items = [
            evidence[i]
            for e in own
            if e.kind not in NEED_KINDS
            for i in e.evidence
            if i in evidence
            and i not in connection_types
            and not (kind == "match" and evidence[i].about == mine)
        ]
        items = list({e.id: e for e in items}.values())
        values: dict[str, Any]
        if kind == "match":
            values = {
                "score": _number(row["score"]),
                "rank": _number(row["rank"]),
                "priority": ref(row["priority"]),
                "technology": ref(row["technology"]),
                "partnerRegion": region(row["partner"]),
                "components": {
                    "strength": _number(row["strength_score"]),
                    "clusters": _number(row["cluster"]),
                    "cooperation": _number(row["cooperation"]),
                    "learning": _number(row["learning"]),
                },
                "partnerStrength": str(row["strength"]),
            }
        elif kind == "gap":
            helpers: list[dict[str, Any]] = []
            for helper in str(row.get("helpers") or "").split():
                h = helper_rows.get(helper)
                if h is None:
                    continue
                helpers.append(
                    {
                        "id": helper,
                        "region": region(h["partner"]),
                        "score": _number(h["score"]),
                        "strength": {
                            "id": str(h["strength"]),
                            "score": _number(h["strength_score"]),
                        },
                    }
                )
            helpers.sort(key=lambda h: (-(h["score"] or 0), h["region"]["code"]))
            values = {
                "priority": ref(row["priority"]),
                "technology": ref(row["technology"]),
                "gapKind": str(row["kind"]),
                "localStrength": (
                    {"id": str(row["local"]), "score": _number(row.get("local_score"))}
                    if row.get("local") is not None
                    else None
                ),
                "helpers": helpers,
            }
        else:
            values = {
                "score": _number(row["score"]),
                "rank": _number(row["rank"]),
                "region": region(row["partner"]),
                "similarity": _number(row["similarity"]),
                "variablesCompared": _number(row["variables"]),
                "strongerIn": [
                    ref(URIRef(t)) for t in sorted(str(row.get("stronger") or "").split())
                ],
            }
        connections = [
            {"id": i, "type": curie(connection_types[i]), "label": labels.get(i)}
            for e in own
            for i in e.evidence
            if i in connection_types
        ]
        results.append(
            Result(
                id=m,
                kind=kind,
                values=values,
                explanations=own,
                evidence=items,
                connections=list({c["id"]: c for c in connections}.values()),
            )
        )
    return results


def results_as_graph(store: Store, answer: MatchAnswer) -> Graph:
    """The answer's resources as the graph holds them (for JSON-LD and Turtle)."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    ids = [r.id for r in answer.results]
    if not ids:
        return graph
    # Each branch binds ?m itself: a branch is evaluated on its own, so a BIND from an
    # outer ?m would leave ?s unbound there and match the whole store.
    query = (
        "CONSTRUCT { ?m ?p ?o . ?reason ?rp ?ro } WHERE { "
        + _values("m", ids)
        + " { ?m ?p ?o } UNION { ?m ckg:hasReason ?reason . ?reason ?rp ?ro } }"
    )
    for triple in store.query(query).graph or []:
        graph.add(triple)
    return graph


def answer_csv(answer: MatchAnswer) -> str:
    """The answer as a table: one row per result, reasons joined by " | "."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    document = answer.as_json()
    if answer.kind == "match":
        writer.writerow(
            ["rank", "score", "priority", "technology", "partner", "partner_label",
             "partner_category", "strength", "clusters", "cooperation", "learning", "reasons",
             "id"]
        )  # fmt: skip
        for row in document["matches"]:
            partner, parts = row["partnerRegion"], row["components"]
            writer.writerow(
                [row["rank"], row["score"], row["priority"]["label"], row["technology"]["label"],
                 partner["code"], partner["label"], partner["developmentCategory"] or "",
                 parts["strength"], parts["clusters"], parts["cooperation"], parts["learning"],
                 " | ".join(row["reasons"]), row["id"]]
            )  # fmt: skip
    elif answer.kind == "gap":
        writer.writerow(
            ["priority", "technology", "gap", "local_strength", "helpers", "reasons", "id"]
        )
        for row in document["gaps"]:
            local = row["localStrength"]
            helpers = "; ".join(f"{h['region']['code']} {h['score']}" for h in row["helpers"])
            writer.writerow(
                [row["priority"]["label"], row["technology"]["label"], row["gapKind"],
                 "" if local is None or local["score"] is None else local["score"], helpers,
                 " | ".join(row["reasons"]), row["id"]]
            )  # fmt: skip
    else:
        writer.writerow(
            ["rank", "score", "peer", "peer_label", "similarity", "stronger_in", "reasons", "id"]
        )
        for row in document["peers"]:
            writer.writerow(
                [row["rank"], row["score"], row["region"]["code"], row["region"]["label"],
                 row["similarity"], "; ".join(t["label"] or t["id"] for t in row["strongerIn"]),
                 " | ".join(row["reasons"]), row["id"]]
            )  # fmt: skip
    return buffer.getvalue()
