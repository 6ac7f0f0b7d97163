"""Technologies derived for S3 priorities and cluster organisations, from the graph.

A priority or a cluster gets a *derived* technology by one of three documented routes, each
written as a ``ckg:TechnologyMatch`` with the rule, the words or sector it went through, and
``prov:wasDerivedFrom`` links (and the shortcut ``ckg:derivedTechnology`` on the resource, never
``ckg:technology``, which stays for what a source names):

1. a **technology rule** of ``data/mappings/technology_rules.yaml``: words of the resource's
   labels, description or subject words name the technology ("domotica" → internet of things);
2. a **sector rule** of the same file: words name an industry, read as a NACE division
   ("mechatronics" → C28), whose technologies come from the sector table
   (``data/mappings/nace_technology.csv``, as loaded in the graph): only *producer* rows of
   weight ≥ :data:`SECTOR_MATCH_MIN_WEIGHT`, the sectors that substantially make the
   technology (a sector that only uses it, or makes a little of it, says nothing of a priority);
3. a NACE code the **source states** for the resource (``ckg:economicDomain`` of a priority,
   ``ckg:naceSector`` of a cluster), through the same sector-table rows.

Resources are read from whichever graphs hold them, so records a data steward ingests are
matched by the next derivation like the bundled ones. A technology a source already names for
the resource is not derived again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS
from rdflib.term import Identifier

from kg.config import Settings
from kg.derive import DeriveReport, Method, derive
from kg.ingest.mappings.curated_rows import technology_iri
from kg.namespaces import CKG, NACE, curie
from kg.store import Store
from kg.technology_matches.rules import Resource, RuleSet, load_rules, rule_hits
from kg.validation import ShapeValidator

#: The rule file, relative to the data directory.
RULES_FILE = Path("mappings/technology_rules.yaml")
#: Sector-table rows below this weight (minor producers, weak proxies) derive nothing.
SECTOR_MATCH_MIN_WEIGHT = Decimal("0.5")
#: The rule behind a match through a NACE code the source states.
STATED_SECTOR_RULE = "stated-nace-sector"
#: The graph the sector table is loaded into.
TABLE_SOURCE = "technology-mappings"

METHOD = Method(
    name="technology-matches",
    title="KET/ATI technologies derived for S3 priorities and cluster organisations",
    description=(
        "ClusterKG's documented rules applied to the labels, descriptions, subject words and "
        "stated NACE codes of every S3 priority and cluster organisation in the graph: "
        "technology keyword rules name a technology; sector keyword rules and stated NACE codes "
        "name a NACE division, whose technologies are the producer rows of weight >= 0.5 of "
        "the sector table. Derived, not sourced: each match names its rule and its words or "
        "sector."
    ),
    documentation="data/mappings/technology_rules.yaml",
    version="2.0.0",
)


@dataclass(frozen=True)
class SectorRow:
    """A producer row of the sector table: a NACE division making a technology."""

    mapping: URIRef
    activity: URIRef
    technology: URIRef
    weight: Decimal


@dataclass
class Match:
    """A (resource, technology) pair and everything that produced it."""

    resource: Resource
    technology: URIRef
    rules: list[str] = field(default_factory=list)
    #: (field, word) pairs the rules matched.
    evidence: list[tuple[str, str]] = field(default_factory=list)
    #: NACE divisions the match went through (sector rules and stated codes).
    activities: list[URIRef] = field(default_factory=list)
    #: The sector-table rows it used.
    mappings: list[URIRef] = field(default_factory=list)

    @property
    def keywords(self) -> list[str]:
        """The matched words, once each."""
        return list(dict.fromkeys(word for _, word in self.evidence))


def read_resources(store: Store) -> list[Resource]:
    """Every S3 priority and cluster organisation of the store, with the texts the rules read,
    the technologies a source names and the NACE divisions a source states, sorted by IRI."""
    kinds: dict[str, str] = {}
    texts: dict[str, list[tuple[str, str]]] = defaultdict(list)
    english: dict[str, str] = {}
    for row in store.query(_TEXTS).rows:
        iri = str(row["r"])
        kinds[iri] = "s3-priority" if row["type"] == CKG.S3Priority else "cluster"
        texts[iri].append((str(row["field"]), str(row["text"])))
        if row["field"] == Literal("label") and str(row.get("lang") or "") == "en":
            english.setdefault(iri, str(row["text"]))
    sourced: dict[str, set[str]] = defaultdict(set)
    for row in store.query(_SOURCED).rows:
        sourced[str(row["r"])].add(str(row["t"]))
    divisions: dict[str, set[str]] = defaultdict(set)
    for row in store.query(_STATED_SECTORS).rows:
        code = str(row["nace"]).rsplit("/", 1)[-1]
        if code[:2].isdigit():
            divisions[str(row["r"])].add(code[:2])
    order = {"label": 0, "description": 1, "subject": 2}
    resources = []
    for iri in sorted(kinds):
        fields = sorted(set(texts[iri]), key=lambda pair: (order[pair[0]], pair[1]))
        labels = [text for name, text in fields if name == "label"]
        resources.append(
            Resource(
                iri=iri,
                kind=kinds[iri],
                label=english.get(iri) or (labels[0] if labels else iri),
                fields=tuple(fields),
                sourced=frozenset(sourced[iri]),
                divisions=tuple(sorted(divisions[iri])),
            )
        )
    return resources


def read_sector_table(store: Store) -> dict[str, list[SectorRow]]:
    """The producer rows of the sector table of weight ≥ the minimum, by NACE division digits."""
    table: dict[str, list[SectorRow]] = defaultdict(list)
    for row in store.query(_SECTOR_TABLE).rows:
        weight = Decimal(str(row["weight"]))
        if weight < SECTOR_MATCH_MIN_WEIGHT:
            continue
        digits = str(row["code"])[1:]
        table[digits].append(
            SectorRow(URIRef(row["m"]), URIRef(row["activity"]), URIRef(row["t"]), weight)
        )
    return {digits: sorted(rows, key=lambda r: str(r.technology)) for digits, rows in table.items()}


def find_matches(
    rules: RuleSet, resources: Sequence[Resource], sector_table: dict[str, list[SectorRow]]
) -> list[Match]:
    """One match per (resource, technology), resources in order, rules in file order."""
    matches: list[Match] = []
    for resource in resources:
        found: dict[URIRef, Match] = {}
        for hit in rule_hits(rules.rules, resource):
            technology = technology_iri(hit.rule.technology or "")
            if str(technology) not in resource.sourced:
                _note(
                    found.setdefault(technology, Match(resource, technology)),
                    hit.rule.id,
                    hit.evidence,
                )
        routes: list[tuple[str, str, tuple[tuple[str, str], ...]]] = [
            (STATED_SECTOR_RULE, digits, ()) for digits in resource.divisions
        ]
        routes += [
            (hit.rule.id, division[1:], hit.evidence)
            for hit in rule_hits(rules.sector_rules, resource)
            for division in hit.rule.nace
        ]
        for rule_id, digits, evidence in routes:
            for row in sector_table.get(digits, []):
                if str(row.technology) in resource.sourced:
                    continue  # a source names it: sourced, never also derived
                match = found.setdefault(row.technology, Match(resource, row.technology))
                _note(match, rule_id, evidence)
                if row.activity not in match.activities:
                    match.activities.append(row.activity)
                if row.mapping not in match.mappings:
                    match.mappings.append(row.mapping)
        matches.extend(found.values())
    return matches


def _note(match: Match, rule_id: str, evidence: Sequence[tuple[str, str]]) -> None:
    if rule_id not in match.rules:
        match.rules.append(rule_id)
    for pair in evidence:
        if pair not in match.evidence:
            match.evidence.append(pair)


def rule_iri(base_iri: str, rule_id: str) -> URIRef:
    """``{base}technology-rule/{id}``."""
    return URIRef(f"{base_iri}technology-rule/{rule_id}")


def match_iri(base_iri: str, resource: str, technology: URIRef) -> URIRef:
    """``{base}technology-match/{resource path with '-'}--{ket|ati}-{name}``."""
    local = resource.removeprefix(base_iri).replace("/", "-")
    return URIRef(f"{base_iri}technology-match/{local}--{curie(str(technology)).replace(':', '-')}")


Triple = tuple[URIRef, URIRef, Identifier]


def matches_graph(
    rules: RuleSet, matches: Sequence[Match], base_iri: str, method: URIRef
) -> list[Triple]:
    """The rules (each a ``prov:Plan``) and the matches, as triples."""
    triples: list[Triple] = []
    for rule in rules.all:
        node = rule_iri(base_iri, rule.id)
        target = rule.technology or f"NACE {', '.join(rule.nace)}"
        kind = "keyword rule" if rule.technology else "sector keyword rule"
        triples += [
            (node, RDF.type, PROV.Plan),
            (node, RDFS.label, Literal(f"Technology {kind} {rule.id} → {target}")),
            (
                node,
                RDFS.comment,
                Literal(f"{rule.note} Keywords: {', '.join(rule.keywords)}.", lang="en"),
            ),
            (node, DCTERMS.source, method),
        ]
        triples += [(node, CKG.economicActivity, NACE[code[1:]]) for code in rule.nace]
    stated = rule_iri(base_iri, STATED_SECTOR_RULE)
    triples += [
        (stated, RDF.type, PROV.Plan),
        (stated, RDFS.label, Literal("Technology from a NACE code the source states")),
        (
            stated,
            RDFS.comment,
            Literal(
                "A NACE code a source states for the resource, read at division level, gives "
                "the technologies of the sector table's producer rows of weight >= "
                f"{SECTOR_MATCH_MIN_WEIGHT}.",
                lang="en",
            ),
        ),
        (stated, DCTERMS.source, method),
    ]
    for match in matches:
        resource = URIRef(match.resource.iri)
        node = match_iri(base_iri, match.resource.iri, match.technology)
        label = f"{curie(str(match.technology))} derived for {match.resource.label}"
        triples += [
            (node, RDF.type, CKG.TechnologyMatch),
            (node, RDFS.label, Literal(label)),
            (node, CKG.matchedResource, resource),
            (node, CKG.technology, match.technology),
            (node, PROV.wasDerivedFrom, resource),
            (node, DCTERMS.source, method),
            # The shortcut, kept apart from the sourced ckg:technology.
            (resource, CKG.derivedTechnology, match.technology),
        ]
        triples += [(node, CKG.matchingRule, rule_iri(base_iri, r)) for r in match.rules]
        triples += [(node, CKG.matchedKeyword, Literal(word)) for word in match.keywords]
        triples += [(node, CKG.viaSector, activity) for activity in match.activities]
        triples += [(node, PROV.wasDerivedFrom, mapping) for mapping in match.mappings]
    return triples


def input_graphs(store: Store, settings: Settings) -> list[str]:
    """The graphs holding S3 priorities or clusters, and the sector table's graph."""
    rows = store.query(
        "SELECT DISTINCT ?g WHERE { VALUES ?type { ckg:S3Priority ckg:ClusterOrganisation } "
        "GRAPH ?g { ?r a ?type } } ORDER BY ?g"
    ).rows
    return [*(str(row["g"]) for row in rows), settings.source_graph(TABLE_SOURCE)]


@dataclass(frozen=True)
class MatchRun:
    """One derivation: its report, and the rules, resources and matches (for the review page)."""

    report: DeriveReport
    rules: RuleSet
    resources: list[Resource]
    matches: list[Match]


def rebuild_technology_matches(
    store: Store, settings: Settings, validator: ShapeValidator | None
) -> MatchRun:
    """Derive every technology match into ``{base}graph/technology-matches``, replacing the old
    ones."""
    rules = load_rules(settings.data_dir / RULES_FILE)
    resources = read_resources(store)
    matches = find_matches(rules, resources, read_sector_table(store))
    method = URIRef(f"{settings.source_graph(METHOD.name)}#method")
    triples = matches_graph(rules, matches, settings.base_iri, method)
    # A match is validated together with its resource's shortcut (the shape checks both).
    owner = {
        str(match_iri(settings.base_iri, m.resource.iri, m.technology)): m.resource.iri
        for m in matches
    }
    report = derive(
        store,
        settings,
        validator,
        method=METHOD,
        inputs=input_graphs(store, settings),
        compute=lambda _store, _activity: triples,
        record_key=lambda subject: owner.get(str(subject), str(subject)),
    )
    return MatchRun(report, rules, resources, matches)


_TEXTS = """
SELECT ?r ?type ?field ?text (LANG(?text) AS ?lang) WHERE {
  VALUES ?type { ckg:S3Priority ckg:ClusterOrganisation }
  ?r a ?type .
  { ?r skos:prefLabel|rdfs:label|skos:altLabel ?text BIND("label" AS ?field) }
  UNION { ?r dct:description ?text BIND("description" AS ?field) }
  UNION { ?r dct:subject ?text FILTER(isLiteral(?text)) BIND("subject" AS ?field) }
}"""
_SOURCED = """
SELECT ?r ?t WHERE {
  VALUES ?type { ckg:S3Priority ckg:ClusterOrganisation }
  ?r a ?type ; ckg:technology ?t .
}"""
_STATED_SECTORS = """
SELECT ?r ?nace WHERE {
  VALUES ?type { ckg:S3Priority ckg:ClusterOrganisation }
  ?r a ?type ; ckg:economicDomain|ckg:naceSector ?nace .
}"""
_SECTOR_TABLE = """
SELECT ?m ?code ?activity ?t ?weight WHERE {
  ?m a ckg:SectorTechnologyMapping ; skos:notation ?code ; ckg:economicActivity ?activity ;
     ckg:technology ?t ; ckg:weight ?weight ; ckg:mappingRole "producer" .
}"""
