"""Read the matching model's inputs from the graph: regions, S3 priorities with their
technologies, stored strengths, clusters, partner roles, development categories and the
structural variables of the peer comparison (observations)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from rdflib import URIRef
from rdflib.term import Identifier

from kg.matching.model import (
    SECTOR_MIX,
    Category,
    Cluster,
    Component,
    MatchInputs,
    PartnerRole,
    PriorityTechnology,
    Region,
    Strength,
    Variable,
)
from kg.namespaces import NUTS
from kg.queries import with_values
from kg.store import Store
from kg.strengths.answers import choose_label

CURRENT_SCHEME = URIRef("http://data.europa.eu/nuts/scheme/2024")
#: The programming period whose development categories give the learning direction.
CATEGORY_PERIOD = "2021-01-01--2027-12-31"
#: Years of the structural variables, most recent first (the R&D data end in 2018).
VARIABLE_YEARS = ("2018", "2017", "2016")
#: The NACE sections of the sector mix: the business-economy sections the strength model uses.
SECTIONS = ("C", "F", "G", "H", "I", "J", "L", "M", "N")
#: The indicators the structural variables are computed from.
VARIABLE_INDICATORS = (
    "gdp-pps-per-inhabitant-pct-eu",
    "rd-private-eur-hab",
    "gdp-million-eur",
    "population-1-january",
    "htec-emp-high-tech-sectors-pc",
    "sbs-persons-employed",
)

_REGIONS = """
SELECT ?region ?level ?parent ?label WHERE {
  ?region skos:inScheme ?scheme ; ckg:nutsLevel ?level .
  OPTIONAL { ?region skos:broader ?parent . ?parent skos:inScheme ?scheme }
  OPTIONAL { ?region skos:prefLabel ?label FILTER(LANG(?label) = "") }
}"""
_PRIORITIES = """
SELECT ?priority ?region ?current ?technology ?match ?rule ?keyword ?sector WHERE {
  ?priority a ckg:S3Priority ; ckg:region ?region .
  OPTIONAL { ?priority ckg:currentRegion ?current }
  {
    ?priority ckg:technology ?technology
  } UNION {
    ?priority ckg:derivedTechnology ?technology .
    ?match a ckg:TechnologyMatch ; ckg:matchedResource ?priority ; ckg:technology ?technology .
    OPTIONAL { ?match ckg:matchingRule ?rule }
    OPTIONAL { ?match ckg:matchedKeyword ?keyword }
    OPTIONAL { ?match ckg:viaSector/skos:notation ?sector }
  }
}"""
_PRIORITY_LABELS = """
SELECT ?priority ?label WHERE { ?priority a ckg:S3Priority ; skos:prefLabel ?label }"""
_STRENGTHS = """
SELECT ?strength ?region ?technology ?score ?stars WHERE {
  ?strength a ckg:TechnologyStrength ; ckg:region ?region ; ckg:technology ?technology .
  OPTIONAL { ?strength ckg:score ?score }
  OPTIONAL { ?strength ckg:stars ?stars }
}"""
_COMPONENTS = """
SELECT ?strength ?component ?kind ?value ?percentile ?indicator
       (GROUP_CONCAT(STR(?year); separator=" ") AS ?years) WHERE {
  ?strength a ckg:TechnologyStrength ; ckg:hasComponent ?component .
  ?component ckg:componentKind ?kind .
  OPTIONAL { ?component ckg:value ?value }
  OPTIONAL { ?component ckg:percentile ?percentile }
  OPTIONAL { ?component ckg:measuredBy ?indicator }
  OPTIONAL { ?component ckg:referenceYear ?year }
} GROUP BY ?strength ?component ?kind ?value ?percentile ?indicator"""
_CLUSTERS = """
SELECT ?cluster ?region ?current ?label ?technology WHERE {
  ?cluster a ckg:ClusterOrganisation ; ckg:region ?region .
  OPTIONAL { ?cluster ckg:currentRegion ?current }
  OPTIONAL { ?cluster rdfs:label ?label }
  OPTIONAL { ?cluster ckg:technology|ckg:derivedTechnology ?technology }
}"""
_PARTNER_ROLES = """
SELECT ?role ?project ?project_label ?member ?member_label ?region ?instrument WHERE {
  ?role a ckg:PartnerRole ; org:organization ?project ; org:member ?member ;
        ckg:region ?region .
  OPTIONAL { ?role ckg:addressesInstrument ?instrument }
  OPTIONAL { ?project rdfs:label ?project_label }
  OPTIONAL { ?member rdfs:label ?member_label }
}"""
_CATEGORIES = """
SELECT ?assignment ?region ?category ?category_label ?basis ?basis_label WHERE {
  ?assignment a ckg:DevelopmentCategoryAssignment ; ckg:region ?region ;
              ckg:developmentCategory ?category ; ckg:assignmentBasis ?basis ;
              dct:temporal ?period .
  OPTIONAL { ?category skos:prefLabel ?category_label FILTER(LANG(?category_label) = "en") }
  OPTIONAL { ?basis skos:prefLabel ?basis_label FILTER(LANG(?basis_label) = "en") }
}"""
_OBSERVATIONS = """
SELECT ?obs ?area ?year ?value ?activity (GROUP_CONCAT(STR(?current)) AS ?currents) WHERE {
  ?obs ckg:indicator ?indicator ; sdmx-dimension:refArea ?area ;
       sdmx-dimension:refPeriod ?year ; sdmx-measure:obsValue ?value .
  OPTIONAL { ?obs ckg:economicActivity ?activity }
  OPTIONAL { ?obs ckg:currentRegion ?current }
} GROUP BY ?obs ?area ?year ?value ?activity"""
_TECHNOLOGIES = """
SELECT ?technology ?label ?match WHERE {
  ?technology a ckg:KeyEnablingTechnology .
  OPTIONAL { ?technology skos:prefLabel ?label FILTER(LANG(?label) = "en") }
  OPTIONAL { ?technology skos:exactMatch ?match }
}"""


def read_match_inputs(store: Store, base_iri: str) -> MatchInputs:
    """Everything :class:`~kg.matching.model.Matcher` needs, read from ``store``."""
    regions = _regions(store)
    strengths = _strengths(store)
    technologies = {technology for _, technology in strengths}
    labels, canonical = _technologies(store, technologies)
    return MatchInputs(
        regions=regions,
        priorities=_priorities(store, regions),
        strengths=strengths,
        clusters=_clusters(store, regions),
        partner_roles=_partner_roles(store, regions),
        categories=_categories(store),
        variables=_variables(store, base_iri, regions),
        technology_labels=labels,
        canonical=canonical,
    )


def _code(term: Identifier | str) -> str:
    return str(term).removeprefix(str(NUTS))


def _regions(store: Store) -> dict[str, Region]:
    rows = store.query(with_values(_REGIONS, {"scheme": CURRENT_SCHEME})).rows
    labels: dict[str, list[Identifier]] = defaultdict(list)
    facts: dict[str, tuple[int, str | None]] = {}
    for row in rows:
        code = _code(row["region"])
        parent = _code(row["parent"]) if row.get("parent") is not None else None
        facts[code] = (int(str(row["level"])), parent)
        if row.get("label") is not None:
            labels[code].append(row["label"])
    return {
        code: Region(code, choose_label(labels[code]) or code, level, parent)
        for code, (level, parent) in sorted(facts.items())
    }


def _current(row: Mapping[str, Identifier], regions: Mapping[str, Region]) -> list[str]:
    """The current regions of a resource: its ``ckg:currentRegion`` values, else its region."""
    currents = [_code(row["current"])] if row.get("current") is not None else []
    if not currents:
        currents = [_code(row["region"])]
    return [code for code in currents if code in regions]


def _priorities(store: Store, regions: Mapping[str, Region]) -> list[PriorityTechnology]:
    labels: dict[str, list[Identifier]] = defaultdict(list)
    for row in store.query(_PRIORITY_LABELS).rows:
        labels[str(row["priority"])].append(row["label"])
    grouped: dict[tuple[str, str, str, bool], dict[str, set[str]]] = {}
    for row in store.query(_PRIORITIES).rows:
        stated = row.get("match") is None
        for region in _current(row, regions):
            key = (str(row["priority"]), region, str(row["technology"]), stated)
            found = grouped.setdefault(key, {"match": set(), "rule": set(), "word": set()})
            if row.get("match") is not None:
                found["match"].add(str(row["match"]))
            if row.get("rule") is not None:
                found["rule"].add(str(row["rule"]).rsplit("/", 1)[-1])
            if row.get("keyword") is not None:
                found["word"].add(f"'{row['keyword']}'")
            if row.get("sector") is not None:
                found["word"].add(f"NACE {row['sector']}")
    priorities = []
    for (priority, region, technology, stated), found in sorted(grouped.items()):
        note = ""
        if not stated:
            rules = ", ".join(sorted(found["rule"]))
            words = ", ".join(sorted(found["word"]))
            note = f"rule {rules} on {words}" if words else f"rule {rules}"
        priorities.append(
            PriorityTechnology(
                priority=priority,
                priority_label=_priority_label(labels[priority]) or priority,
                region=region,
                technology=technology,
                stated=stated,
                evidence=(priority,) if stated else tuple(sorted(found["match"])),
                rule_note=note,
            )
        )
    return priorities


def _priority_label(labels: list[Identifier]) -> str | None:
    """The source-language label with its English rendering: "meccatronica (mechatronics)"."""
    english = sorted(str(label) for label in labels if getattr(label, "language", None) == "en")
    other = sorted(
        (str(getattr(label, "language", "") or ""), str(label))
        for label in labels
        if getattr(label, "language", None) != "en"
    )
    if other and english and other[0][1] != english[0]:
        return f"{other[0][1]} ({english[0]})"
    if english:
        return english[0]
    return other[0][1] if other else None


def _number(term: Identifier | None) -> float | None:
    return float(str(term)) if term is not None else None


def _strengths(store: Store) -> dict[tuple[str, str], Strength]:
    components: dict[str, list[Component]] = defaultdict(list)
    for row in store.query(_COMPONENTS).rows:
        if row.get("percentile") is None:
            continue  # not measured: no part of the score, nothing to say about it
        years = tuple(sorted(set(str(row.get("years") or "").split())))
        indicator = row.get("indicator")
        components[str(row["strength"])].append(
            Component(
                iri=str(row["component"]),
                kind=str(row["kind"]).rsplit("/", 1)[-1],
                value=_number(row.get("value")),
                percentile=_number(row.get("percentile")),
                years=years,
                indicator=str(indicator).rsplit("/", 1)[-1] if indicator is not None else None,
            )
        )
    strengths = {}
    for row in store.query(_STRENGTHS).rows:
        iri = str(row["strength"])
        stars = row.get("stars")
        strength = Strength(
            iri=iri,
            region=_code(row["region"]),
            technology=str(row["technology"]),
            score=_number(row.get("score")),
            stars=int(str(stars)) if stars is not None else None,
            components=tuple(sorted(components.get(iri, []), key=lambda c: c.iri)),
        )
        strengths[(strength.region, strength.technology)] = strength
    return strengths


def _technologies(store: Store, with_strengths: set[str]) -> tuple[dict[str, str], dict[str, str]]:
    labels: dict[str, str] = {}
    canonical: dict[str, str] = {}
    for row in store.query(_TECHNOLOGIES).rows:
        technology = str(row["technology"])
        if row.get("label") is not None:
            labels[technology] = str(row["label"])
        match = row.get("match")
        if technology not in with_strengths and match is not None and str(match) in with_strengths:
            canonical[technology] = str(match)
    return labels, canonical


def _clusters(store: Store, regions: Mapping[str, Region]) -> list[Cluster]:
    places: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, set[Identifier]] = defaultdict(set)
    technologies: dict[str, set[str]] = defaultdict(set)
    for row in store.query(_CLUSTERS).rows:
        iri = str(row["cluster"])
        places[iri].update(_current(row, regions))
        if row.get("label") is not None:
            labels[iri].add(row["label"])
        if row.get("technology") is not None:
            technologies[iri].add(str(row["technology"]))
    return [
        Cluster(iri, choose_label(labels[iri]) or iri, region, frozenset(technologies[iri]))
        for iri in sorted(places)
        for region in sorted(places[iri])
    ]


def _partner_roles(store: Store, regions: Mapping[str, Region]) -> list[PartnerRole]:
    rows: dict[str, dict[str, Identifier]] = {}
    labels: dict[tuple[str, str], set[Identifier]] = defaultdict(set)
    instruments: dict[str, set[str]] = defaultdict(set)
    for row in store.query(_PARTNER_ROLES).rows:
        iri = str(row["role"])
        rows.setdefault(iri, row)
        for key in ("project_label", "member_label"):
            if row.get(key) is not None:
                labels[(iri, key)].add(row[key])
        if row.get("instrument") is not None:
            instruments[iri].add(str(row["instrument"]))
    return [
        PartnerRole(
            iri=iri,
            project=str(row["project"]),
            project_label=choose_label(labels[(iri, "project_label")]) or str(row["project"]),
            organisation=str(row["member"]),
            organisation_label=choose_label(labels[(iri, "member_label")]) or str(row["member"]),
            region=_code(row["region"]),
            instruments=tuple(sorted(instruments[iri])),
        )
        for iri, row in sorted(rows.items())
        if _code(row["region"]) in regions
    ]


def _categories(store: Store) -> dict[str, Category]:
    """Each NUTS 2 region's 2021-2027 category: the official one where a decision is loaded,
    else the rule-based approximation."""
    chosen: dict[str, tuple[int, Category]] = {}
    rows = store.query(with_values(_CATEGORIES, {"period": URIRef(_period_iri(store))})).rows
    for row in rows:
        basis = str(row["basis"]).rsplit("/", 1)[-1]
        rank = 0 if basis == "official-decision" else 1
        category = Category(
            assignment=str(row["assignment"]),
            category=str(row["category"]).rsplit("/", 1)[-1],
            label=str(row.get("category_label") or row["category"]).lower(),
            basis=str(row.get("basis_label") or basis).lower(),
        )
        code = _code(row["region"])
        if code not in chosen or (rank, category.assignment) < (
            chosen[code][0],
            chosen[code][1].assignment,
        ):
            chosen[code] = (rank, category)
    return {code: category for code, (_, category) in sorted(chosen.items())}


def _period_iri(store: Store) -> str:
    rows = store.query(
        "SELECT DISTINCT ?period WHERE { ?a a ckg:DevelopmentCategoryAssignment ; "
        "dct:temporal ?period }"
    ).rows
    for row in rows:
        if str(row["period"]).endswith(CATEGORY_PERIOD):
            return str(row["period"])
    return f"urn:clusterkg:no-period:{CATEGORY_PERIOD}"


# -- structural variables ---------------------------------------------------------------------


class _Observations:
    """One indicator's observations by current region and year (published as the region, or
    under an older code that became exactly this region)."""

    def __init__(self, rows: list[dict[str, Identifier]], regions: Mapping[str, Region]) -> None:
        self.by_region: dict[str, dict[str, dict[str, tuple[float, str]]]] = defaultdict(
            lambda: defaultdict(dict)
        )
        fallback: dict[tuple[str, str, str], list[tuple[float, str]]] = defaultdict(list)
        for row in rows:
            area = _code(row["area"])
            year = str(row["year"])[:4]
            activity = str(row.get("activity") or "").rsplit("/", 1)[-1]
            value = (float(str(row["value"])), str(row["obs"]))
            currents = [_code(c) for c in str(row.get("currents") or "").split()]
            if area in regions:
                self.by_region[area][activity][year] = value
            elif len(currents) == 1 and currents[0] in regions:
                fallback[(currents[0], activity, year)].append(value)
        for (region, activity, year), values in fallback.items():
            # Only an unambiguous recoding: one older unit became exactly this region.
            if len(values) == 1 and year not in self.by_region[region][activity]:
                self.by_region[region][activity][year] = values[0]

    def latest(self, region: str, activity: str = "") -> tuple[str, float, str] | None:
        years = self.by_region.get(region, {}).get(activity, {})
        for year in VARIABLE_YEARS:
            if year in years:
                return (year, *years[year])
        return None

    def at(self, region: str, year: str, activity: str = "") -> tuple[float, str] | None:
        return self.by_region.get(region, {}).get(activity, {}).get(year)

    def any_year(self, region: str, activity: str) -> tuple[str, float, str] | None:
        years = self.by_region.get(region, {}).get(activity, {})
        if not years:
            return None
        year = max(years)
        return (year, *years[year])


def _variables(
    store: Store, base_iri: str, regions: Mapping[str, Region]
) -> dict[str, dict[str, Variable]]:
    def observations(slug: str) -> _Observations:
        indicator = URIRef(f"{base_iri}indicator/{slug}")
        return _Observations(
            store.query(with_values(_OBSERVATIONS, {"indicator": indicator})).rows, regions
        )

    gdp_pct = observations("gdp-pps-per-inhabitant-pct-eu")
    business_rd = observations("rd-private-eur-hab")
    gdp = observations("gdp-million-eur")
    population = observations("population-1-january")
    high_tech = observations("htec-emp-high-tech-sectors-pc")
    employment = observations("sbs-persons-employed")
    level2 = [code for code, region in regions.items() if region.level == 2]
    variables: dict[str, dict[str, Variable]] = defaultdict(dict)
    for code in level2:
        if found := gdp_pct.latest(code):
            year, value, obs = found
            variables["gdp-per-inhabitant"][code] = Variable(value, year, (obs,))
        if found := high_tech.latest(code):
            year, value, obs = found
            variables["high-tech-employment"][code] = Variable(value, year, (obs,))
        for year in VARIABLE_YEARS:
            rd, money, people = (
                business_rd.at(code, year),
                gdp.at(code, year),
                population.at(code, year),
            )
            if rd and money and people and money[0] > 0 and people[0] > 0:
                per_inhabitant = money[0] * 1_000_000 / people[0]
                intensity = 100 * rd[0] / per_inhabitant
                evidence = (rd[1], money[1], people[1])
                variables["business-rd-intensity"][code] = Variable(intensity, year, evidence)
                break
        # The sector mix needs every section: a share of a partial total would mislead.
        sections = [(s, employment.any_year(code, s)) for s in SECTIONS]
        published = [(s, found) for s, found in sections if found is not None]
        total = sum(found[1] for _, found in published)
        if len(published) == len(SECTIONS) and total > 0:
            for section, (year, value, obs) in published:
                variables[f"{SECTOR_MIX}:{section}"][code] = Variable(value / total, year, (obs,))
    return dict(variables)
