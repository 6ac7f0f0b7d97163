"""Answers over the stored strengths: a region's technology profile with its evidence, and the
ranking of regions in one technology. Plain functions over the :class:`~kg.store.Store`, used by
the HTTP routes, the pages and ``kg strengths``.

Every ``evidence`` item is a resource of the graph (an observation) and its ``value`` is exactly
the literal the graph holds; nothing here recomputes a figure.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.term import Identifier

from kg.errors import InvalidInput, NotFound
from kg.namespaces import ATI, KET, NUTS
from kg.queries import with_values
from kg.store import Store

_NUTS_CODE = re.compile(r"[A-Z]{2}[0-9A-Z]{0,3}")
_TECHNOLOGY = re.compile(r"(ket|ati)[:-]([a-z0-9-]+)")


def parse_region_code(code: str) -> str:
    """A NUTS code as given by a user, upper-cased; malformed ones are refused.

    >>> parse_region_code(" iti3 ")
    'ITI3'
    >>> parse_region_code("IT I3")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kg.errors.InvalidInput: 'IT I3' is not a NUTS code: ...
    """
    text = code.strip().upper()
    if not _NUTS_CODE.fullmatch(text):
        raise InvalidInput(
            f"{code!r} is not a NUTS code: two letters for the country, then up to three "
            "letters or digits (e.g. ITI3, EL52, LT)",
            parameter="region",
        )
    return text


def parse_technology(text: str) -> URIRef:
    """A technology as ``ket:photonics``, ``ket-photonics``, ``photonics`` (KETs first) or its
    full IRI.

    >>> str(parse_technology("ati:robotics"))
    'https://w3id.org/clusterkg/ati/robotics'
    >>> str(parse_technology("photonics"))
    'https://w3id.org/clusterkg/ket/photonics'
    """
    value = text.strip()
    if value.startswith((str(KET), str(ATI))):
        return URIRef(value)
    match = _TECHNOLOGY.fullmatch(value)
    if match:
        scheme, name = match.groups()
        return (KET if scheme == "ket" else ATI)[name]
    if re.fullmatch(r"[a-z0-9-]+", value):
        return KET[value]
    raise InvalidInput(
        f"{text!r} is not a technology: write ket:NAME or ati:NAME (e.g. ket:photonics, "
        "ati:artificial-intelligence)",
        parameter="technology",
    )


@dataclass
class Evidence:
    """One observation a strength rests on, as the graph holds it."""

    id: str
    value: Decimal
    label: str
    year: str
    source: str
    indicator: str
    sector: str | None = None
    sector_label: str | None = None
    region: str | None = None

    def as_json(self) -> dict[str, Any]:
        """JSON form (the value as a JSON number with the graph's digits)."""
        out: dict[str, Any] = {
            "id": self.id,
            "value": _number(self.value),
            "label": self.label,
            "year": self.year,
            "source": self.source,
            "indicator": self.indicator,
            "region": self.region,
        }
        if self.sector:
            out["sector"] = {"id": self.sector, "label": self.sector_label}
        return out


@dataclass
class ComponentAnswer:
    """A component of a strength, with the numbers it rests on."""

    id: str
    kind: str
    status: str
    weight: Decimal
    value: Decimal | None
    percentile: Decimal | None
    published_region: str
    years: list[str]
    facts: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "weight": _number(self.weight),
            "value": _number(self.value),
            "percentile": _number(self.percentile),
            "published_region": self.published_region,
            "years": self.years,
            **self.facts,
        }


@dataclass
class StrengthAnswer:
    """One region's strength in one technology."""

    id: str
    region: str
    technology: str
    technology_label: str
    score: Decimal | None
    stars: int | None
    component_count: int
    components: list[ComponentAnswer] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "id": self.id,
            "region": self.region,
            "technology": {"id": self.technology, "label": self.technology_label},
            "score": _number(self.score),
            "stars": self.stars,
            "component_count": self.component_count,
            "components": [c.as_json() for c in self.components],
            "evidence": [e.as_json() for e in self.evidence],
        }


@dataclass
class RegionStrengths:
    """The answer for a requested code: which region(s) it resolved to, and their strengths."""

    requested: str
    regions: list[dict[str, str]]
    note: str | None
    strengths: list[StrengthAnswer]

    def as_json(self) -> dict[str, Any]:
        """JSON form: ``{"region", "resolved", "note", "strengths"}``."""
        region = self.regions[0] if len(self.regions) == 1 else None
        return {
            "region": region or {"code": self.requested, "id": str(NUTS[self.requested])},
            "resolved": self.regions,
            "note": self.note,
            "strengths": [s.as_json() for s in self.strengths],
        }


@dataclass(frozen=True)
class StrengthIndex:
    """Every region's strengths, read from the store in one pass for one store state, so that a
    region's answer is a lookup (strengths change only when the store does).

    An answer from the index equals the one :func:`region_strengths` computes without it.
    """

    state: str
    by_region: dict[str, list[StrengthAnswer]]
    labels: dict[str, str]

    @classmethod
    def build(cls, store: Store, state: str) -> StrengthIndex:
        """Read every strength, with its components and evidence, and the regions' labels."""
        by_region = _assemble(store, {})
        labels: dict[str, list[Identifier]] = {}
        for row in store.query(_REGION_LABELS).rows:
            labels.setdefault(_code(row["region"]), []).append(row["label"])
        return cls(
            state=state,
            by_region=by_region,
            labels={code: choose_label(found) or code for code, found in labels.items()},
        )

    def answer(self, code: str, technology: URIRef | None) -> RegionStrengths | None:
        """The region's answer, or None when ``code`` is not a region with strengths (an older
        code, a NUTS 3 code: those are resolved against the store)."""
        strengths = self.by_region.get(code)
        if strengths is None:
            return None
        chosen = [s for s in strengths if technology is None or s.technology == str(technology)]
        chosen.sort(key=_best_first)
        region = {"code": code, "id": str(NUTS[code]), "label": self.labels.get(code, code)}
        return RegionStrengths(requested=code, regions=[region], note=None, strengths=chosen)


_REGION_LABELS = """
SELECT DISTINCT ?region ?label WHERE {
  ?s a ckg:TechnologyStrength ; ckg:region ?region . ?region skos:prefLabel ?label
}"""


def choose_label(labels: Collection[Identifier]) -> str | None:
    """One label, the same every time: the plain (NUTS, Latin script) label, else English, else
    the first in order."""
    if not labels:
        return None

    def rank(label: Identifier) -> tuple[int, str]:
        language = getattr(label, "language", None)
        return (0 if not language else 1 if language == "en" else 2, str(label))

    return str(min(labels, key=rank))


def _best_first(strength: StrengthAnswer) -> tuple[bool, Decimal | int, str, str]:
    return (strength.score is None, -(strength.score or 0), strength.region, strength.technology)


def region_strengths(
    store: Store,
    code: str,
    technology: URIRef | None = None,
    index: StrengthIndex | None = None,
) -> RegionStrengths:
    """A region's strengths, best first (score, then technology IRI), each with its evidence.

    Any NUTS code of any version and level is accepted: a code with strengths (a country, a
    NUTS 1 or NUTS 2 region) answers for itself; an older code answers for the current region(s)
    it became; a NUTS 3 region for its NUTS 2 parent; and the answer says so in ``note``. An
    unknown code is :class:`NotFound`. With an ``index`` of the store's current state, a region
    with strengths is answered from it without a query.
    """
    code = parse_region_code(code)
    if index is not None and (answer := index.answer(code, technology)) is not None:
        return answer
    regions, note = _resolve(store, code)
    strengths: list[StrengthAnswer] = []
    for region in regions:
        strengths.extend(_strengths_of(store, region["code"], technology))
    strengths.sort(key=_best_first)
    return RegionStrengths(requested=code, regions=regions, note=note, strengths=strengths)


def _resolve(store: Store, code: str) -> tuple[list[dict[str, str]], str | None]:
    """The region(s) whose strengths answer for ``code``, and a note when it is not itself."""
    rows = store.query(
        with_values(
            "SELECT ?label ?level (EXISTS { ?s a ckg:TechnologyStrength ; ckg:region ?r } AS ?has) "
            "WHERE { ?r skos:inScheme <http://data.europa.eu/nuts> . "
            "OPTIONAL { ?r skos:prefLabel ?label } OPTIONAL { ?r ckg:nutsLevel ?level } }",
            {"r": NUTS[code]},
        )
    ).rows
    if not rows:
        raise NotFound(f"no NUTS region has the code {code!r} in any version (2010-2024)")
    row = rows[0]
    label = choose_label([r["label"] for r in rows if r.get("label") is not None])
    if _true(row.get("has")):
        return [_region(code, label)], None
    successors = _current_successors(store, code)
    if successors and successors != [code]:
        with_data = [s for s in successors if _has_strengths(store, s["code"])]
        if with_data:
            names = ", ".join(s["code"] for s in with_data)
            return with_data, (
                f"{code} is a code of an older NUTS version; it became {names}, whose "
                "strengths are given"
            )
    level = int(str(row["level"])) if row.get("level") is not None else None
    if level == 3:
        parent = code[:4]
        if _has_strengths(store, parent):
            label = _label(store, parent)
            return [_region(parent, label)], (
                f"{code} is a NUTS 3 region; strengths are measured for NUTS 2 regions, so "
                f"those of its parent {parent} are given"
            )
    if level == 1:
        return [_region(code, label)], (
            f"no technology strength is measured for {code}: a NUTS 1 region's figures are sums "
            "over its NUTS 2 regions, and the published figures do not cover all of them"
        )
    return [_region(code, label)], (
        f"no technology strength is measured for {code}: the strength model covers countries, "
        "NUTS 1 and NUTS 2 regions of the EU28 with Eurostat SBS data"
    )


def _current_successors(store: Store, code: str) -> list[dict[str, str]]:
    rows = store.query(
        with_values(
            "SELECT DISTINCT ?s ?label WHERE { ?r dct:isReplacedBy+ ?s "
            "FILTER NOT EXISTS { ?s dct:isReplacedBy ?newer } "
            "OPTIONAL { ?s skos:prefLabel ?label } } ORDER BY ?s",
            {"r": NUTS[code]},
        )
    ).rows
    labels: dict[str, list[Identifier]] = {}
    for row in rows:
        found = labels.setdefault(str(row["s"]).removeprefix(str(NUTS)), [])
        if row.get("label") is not None:
            found.append(row["label"])
    return [_region(code, choose_label(found)) for code, found in labels.items()]


def _has_strengths(store: Store, code: str) -> bool:
    result = store.query(
        with_values("ASK { ?s a ckg:TechnologyStrength ; ckg:region ?r }", {"r": NUTS[code]})
    )
    return bool(result.boolean)


def _label(store: Store, code: str) -> str | None:
    rows = store.query(
        with_values("SELECT ?label WHERE { ?r skos:prefLabel ?label }", {"r": NUTS[code]})
    ).rows
    return choose_label([row["label"] for row in rows])


def _region(code: str, label: Identifier | str | None) -> dict[str, str]:
    return {"code": code, "id": str(NUTS[code]), "label": str(label) if label else code}


_STRENGTHS = """
SELECT ?region ?s ?technology ?tlabel ?score ?stars ?count ?c ?kind ?status ?weight ?value
       ?percentile ?published
WHERE {
  ?s ckg:region ?region ; a ckg:TechnologyStrength ; ckg:technology ?technology ;
     ckg:componentCount ?count ; ckg:hasComponent ?c .
  ?c ckg:componentKind ?kind ; ckg:status ?status ; ckg:weight ?weight ;
     ckg:publishedRegion ?published .
  OPTIONAL { ?s ckg:score ?score }
  OPTIONAL { ?s ckg:stars ?stars }
  OPTIONAL { ?c ckg:value ?value }
  OPTIONAL { ?c ckg:percentile ?percentile }
  OPTIONAL { ?technology skos:prefLabel ?tlabel FILTER(LANG(?tlabel) = "en") }
}
"""

#: The numbers a component rests on. The properties are listed in VALUES (not filtered from
#: ``?c ?p ?o``): with an unbound predicate the engine scanned the whole store (4 s a region).
_FACTS = """
SELECT ?region ?s ?c ?p ?o
WHERE {
  VALUES ?p { ckg:referenceYear ckg:technologyEmployment ckg:regionEmployment ckg:referenceShare
              ckg:sectorCoverage ckg:base ckg:perMillionInhabitants ckg:regionsCompared
              ckg:sectorUnknown ckg:observedCount ckg:minimumCount ckg:measuredBy
              ckg:baseIndicator ckg:sizeTest ckg:specialisationTest ckg:focusTest
              ckg:fallbackNote ckg:aggregatedFrom ckg:reference rdfs:comment }
  ?s a ckg:TechnologyStrength ; ckg:region ?region ; ckg:technology ?technology ;
     ckg:hasComponent ?c .
  ?c ?p ?o .
}
"""

_EVIDENCE = """
SELECT ?region ?s ?obs ?value ?year ?area ?indicator ?sector ?dataset
WHERE {
  ?s ckg:region ?region ; a ckg:TechnologyStrength ; ckg:technology ?technology ;
     prov:wasDerivedFrom ?obs .
  ?obs sdmx-measure:obsValue ?value ; sdmx-dimension:refPeriod ?year ;
       sdmx-dimension:refArea ?area ; ckg:indicator ?indicator ; qb:dataSet ?dataset .
  OPTIONAL { ?obs ckg:economicActivity ?sector }
}
"""

#: English names of the indicators, sectors and data sets evidence refers to (a few dozen
#: resources: asked once per answer rather than once per observation).
_LABELS = """
SELECT ?resource ?label WHERE {
  ?resource skos:prefLabel|dct:title ?label FILTER(LANGMATCHES(LANG(?label), "en"))
}
"""

_FACT_NAMES = {
    "technologyEmployment": "technology_employment",
    "regionEmployment": "region_employment",
    "referenceShare": "reference_share",
    "reference": "reference",
    "sectorCoverage": "sector_coverage",
    "base": "base",
    "perMillionInhabitants": "per_million_inhabitants",
    "regionsCompared": "regions_compared",
    "observedCount": "count",
    "minimumCount": "minimum_count",
    "measuredBy": "indicator",
    "baseIndicator": "base_indicator",
    "sizeTest": "size_test",
    "specialisationTest": "specialisation_test",
    "focusTest": "focus_test",
    "comment": "reason",
    "fallbackNote": "fallback",
}


def _strengths_of(store: Store, code: str, technology: URIRef | None) -> list[StrengthAnswer]:
    # Every query names ?technology (one per strength), so binding it filters all three.
    bindings: dict[str, Identifier] = {"region": NUTS[code]}
    if technology is not None:
        bindings["technology"] = technology
    return _assemble(store, bindings).get(code, [])


def _assemble(store: Store, bindings: dict[str, Identifier]) -> dict[str, list[StrengthAnswer]]:
    """The strengths the bindings select (one region's, or with none every region's), by region
    code, each with its components, facts and evidence, in a stable order."""

    def query(text: str) -> list[dict[str, Identifier]]:
        return list(store.query(with_values(text, bindings) if bindings else text).rows)

    answers: dict[str, StrengthAnswer] = {}
    components: dict[tuple[str, str], ComponentAnswer] = {}
    for row in query(_STRENGTHS):
        sid = str(row["s"])
        answer = answers.get(sid)
        if answer is None:
            answer = answers[sid] = StrengthAnswer(
                id=sid,
                region=_code(row["region"]),
                technology=str(row["technology"]),
                technology_label=str(row.get("tlabel") or row["technology"]),
                score=_decimal(row.get("score")),
                stars=int(str(row["stars"])) if row.get("stars") is not None else None,
                component_count=int(str(row["count"])),
            )
        cid = str(row["c"])
        component = components.get((sid, cid))
        if component is None:
            component = components[(sid, cid)] = ComponentAnswer(
                id=cid,
                kind=str(row["kind"]).rsplit("/", 1)[-1],
                status=str(row["status"]),
                weight=_decimal(row["weight"]) or Decimal(0),
                value=_decimal(row.get("value")),
                percentile=_decimal(row.get("percentile")),
                published_region=str(row["published"]).removeprefix(str(NUTS)),
                years=[],
                facts={},
            )
            answer.components.append(component)
    for row in query(_FACTS):
        component = components.get((str(row["s"]), str(row["c"])))
        prop, obj = row.get("p"), row.get("o")
        if component is None or prop is None or obj is None:
            continue
        name = str(prop).rsplit("#", 1)[-1]
        if name == "referenceYear":
            if str(obj) not in component.years:
                component.years.append(str(obj))
                component.years.sort()
        elif name == "sectorUnknown":
            component.facts.setdefault("sectors_unknown", []).append(str(obj))
            component.facts["sectors_unknown"].sort()
        elif name == "aggregatedFrom":
            component.facts.setdefault("summed_units", []).append(_code(obj))
            component.facts["summed_units"].sort()
        elif name in _FACT_NAMES:
            component.facts[_FACT_NAMES[name]] = _plain(obj)
    evidence_rows = query(_EVIDENCE)
    linked = {
        term
        for row in evidence_rows
        for name in ("indicator", "sector", "dataset")
        if (term := row.get(name)) is not None
    }
    labels = _labels_of(store, linked)
    for row in evidence_rows:
        answer = answers.get(str(row["s"]))
        if answer is None:
            continue
        answer.evidence.append(_evidence(row, labels))
    by_region: dict[str, list[StrengthAnswer]] = {}
    for answer in answers.values():
        answer.components.sort(key=lambda c: c.id)
        answer.evidence.sort(key=lambda e: (e.indicator, e.sector or "", e.region or "", e.year))
        by_region.setdefault(answer.region, []).append(answer)
    return by_region


def _labels_of(store: Store, resources: set[Identifier]) -> dict[str, str]:
    if not resources:
        return {}
    values = " ".join(f"<{resource}>" for resource in sorted(map(str, resources)))
    rows = store.query(_LABELS.replace("WHERE {", "WHERE { VALUES ?resource { " + values + " }", 1))
    return {str(row["resource"]): str(row["label"]) for row in rows.rows}


def _evidence(row: dict[str, Identifier], labels: dict[str, str]) -> Evidence:
    indicator_label = labels.get(str(row["indicator"]), str(row["indicator"]))
    area = str(row["area"]).removeprefix(str(NUTS))
    sector = str(row["sector"]) if row.get("sector") is not None else None
    sector_label = labels.get(sector) if sector else None
    sector_code = sector.rsplit("/", 1)[-1] if sector else None
    about = f"{sector_code} {sector_label}" if sector_code and sector_label else sector_code
    label = f"{indicator_label}{', ' + about if about else ''}, {area}, {row['year']}"
    return Evidence(
        id=str(row["obs"]),
        value=Decimal(str(row["value"])),
        label=label,
        year=str(row["year"]),
        source=labels.get(str(row["dataset"]), str(row["dataset"])),
        indicator=str(row["indicator"]),
        sector=sector,
        sector_label=sector_label,
        region=area,
    )


def _code(term: Identifier) -> str:
    """The NUTS code of a region IRI."""
    return str(term).removeprefix(str(NUTS))


def _decimal(term: Identifier | None) -> Decimal | None:
    return None if term is None else Decimal(str(term))


def _plain(term: Identifier) -> Any:
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, Decimal):
            return _number(value)
        return value if isinstance(value, bool | int | float) else str(term)
    return str(term)


def _true(term: Identifier | None) -> bool:
    return term is not None and str(term) in ("true", "1")


def _number(value: Decimal | None) -> int | float | None:
    """A decimal as a JSON number: an integer when it has no fraction."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


_DESCRIBE = """
CONSTRUCT {
  ?s ?p ?o . ?c ?cp ?co . ?obs ?op ?oo .
} WHERE {
  { ?s ?p ?o } UNION { ?s ckg:hasComponent ?c . ?c ?cp ?co }
  UNION { ?s prov:wasDerivedFrom ?obs . ?obs ?op ?oo }
}"""


def strengths_as_graph(store: Store, answer: RegionStrengths) -> Graph:
    """The strengths of an answer as RDF: each strength, its components and the observations
    it was derived from, as the graph holds them (for JSON-LD and Turtle answers)."""
    graph = Graph()
    for strength in answer.strengths:
        result = store.query(with_values(_DESCRIBE, {"s": URIRef(strength.id)}))
        if result.graph is not None:
            graph += result.graph
    return graph


@dataclass
class RankedRegion:
    """One row of a technology's ranking."""

    rank: int
    region: str
    label: str
    strength: str
    score: Decimal | None
    stars: int | None
    component_count: int
    location_quotient: Decimal | None

    def as_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "rank": self.rank,
            "region": {"code": self.region, "id": str(NUTS[self.region]), "label": self.label},
            "strength": self.strength,
            "score": _number(self.score),
            "stars": self.stars,
            "component_count": self.component_count,
            "location_quotient": _number(self.location_quotient),
        }


@dataclass
class Ranking:
    """A technology's regions, best first, with the total for paging."""

    technology: str
    technology_label: str
    level: int
    total: int
    rows: list[RankedRegion]

    def as_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "technology": {"id": self.technology, "label": self.technology_label},
            "level": self.level,
            "total": self.total,
            "regions": [row.as_json() for row in self.rows],
        }


_RANKING = """
SELECT ?s ?region ?label ?score ?stars ?count ?lq ?tlabel WHERE {
  ?s a ckg:TechnologyStrength ; ckg:technology ?technology ; ckg:region ?region ;
     ckg:componentCount ?count .
  ?region ckg:nutsLevel ?level .
  OPTIONAL { ?s ckg:score ?score }
  OPTIONAL { ?s ckg:stars ?stars }
  OPTIONAL { ?s ckg:hasComponent ?c . ?c ckg:componentKind ckgc:employment-specialisation ;
             ckg:value ?lq }
  OPTIONAL { ?region skos:prefLabel ?label }
  OPTIONAL { ?technology skos:prefLabel ?tlabel FILTER(LANG(?tlabel) = "en") }
}"""


def technology_ranking(
    store: Store, technology: URIRef, *, level: int = 2, offset: int = 0, limit: int | None = None
) -> Ranking:
    """The regions of one NUTS level with a strength in ``technology``, by score (unknown last),
    then code; ranks are shared by equal scores. :class:`NotFound` for a technology that is not
    a KET/ATI concept."""
    known = store.query(
        with_values(
            "ASK { ?t skos:inScheme ?scheme FILTER(?scheme IN (scheme:ket, scheme:ati)) }",
            {"t": technology},
        )
    )
    if not known.boolean:
        raise NotFound(
            f"{technology} is not a KET or ATI technology; see /api/kets for the concepts"
        )
    rows = store.query(
        with_values(_RANKING, {"technology": technology, "level": Literal(level)})
    ).rows
    seen: dict[str, RankedRegion] = {}
    label = str(technology)
    for row in rows:
        if row.get("tlabel") is not None:
            label = str(row["tlabel"])
        code = str(row["region"]).removeprefix(str(NUTS))
        if code in seen:
            continue
        seen[code] = RankedRegion(
            rank=0,
            region=code,
            label=str(row.get("label") or code),
            strength=str(row["s"]),
            score=_decimal(row.get("score")),
            stars=int(str(row["stars"])) if row.get("stars") is not None else None,
            component_count=int(str(row["count"])),
            location_quotient=_decimal(row.get("lq")),
        )
    ordered = sorted(seen.values(), key=lambda r: (r.score is None, -(r.score or 0), r.region))
    for position, ranked in enumerate(ordered, start=1):
        before = ordered[position - 2] if position > 1 else None
        tied = before is not None and ranked.score is not None and ranked.score == before.score
        ranked.rank = before.rank if tied and before is not None else position
    page = ordered[offset : offset + limit if limit is not None else None]
    return Ranking(
        technology=str(technology),
        technology_label=label,
        level=level,
        total=len(ordered),
        rows=page,
    )
