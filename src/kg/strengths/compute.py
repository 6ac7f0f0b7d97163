"""Technology strengths of regions computed from the graph and written back as resources.

Reads, with SPARQL through the :class:`~kg.store.Store` interface (so records a data steward
ingests count like the bundled ones):

- the sector → technology and indicator → technology tables (``ckg:SectorTechnologyMapping``,
  ``ckg:IndicatorTechnologyMapping``, source ``technology-mappings``);
- employment observations by region and NACE sector (indicator ``sbs-persons-employed``);
- count observations (the indicators the indicator table maps to a technology with role
  ``measure``) and their bases (all arXiv preprints; population);
- which current NUTS region(s) each published code became (``ckg:currentRegion``);
- the NUTS 2024 hierarchy (``skos:broader`` between the regions of the scheme
  ``…/nuts/scheme/2024``) and the NUTS versions of each code, to sum NUTS 2 figures into NUTS 1
  regions and countries (:func:`sum_over_regions`).

Writes one ``ckg:TechnologyStrength`` per region and technology with data: its score, stars,
components (each a ``ckg:StrengthComponent`` with its value, percentile, status and the numbers
it rests on) and ``prov:wasDerivedFrom`` links to every observation used. The arithmetic is in
:mod:`kg.strengths.model`; the method in ``docs/strengths.md``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD
from rdflib.term import Identifier

from kg.ingest.mappings.sbs import DENOMINATOR_SECTIONS
from kg.namespaces import CKG, CKGC, NUTS
from kg.queries import with_values
from kg.store import Store
from kg.strengths.model import (
    Component,
    CountAdvantage,
    EmploymentQuotient,
    SectorWeight,
    Stars,
    count_advantage,
    location_quotient,
    percentiles,
    score,
    stars,
)

EMPLOYMENT_INDICATOR = "sbs-persons-employed"
POPULATION_INDICATOR = "population-1-january"
#: Count indicators whose base is a total of the same kind (a revealed advantage); the others
#: are compared per inhabitant.
COUNT_BASES = {"arxiv-artificial-intelligence-count": "arxiv-count"}
#: Years summed for count indicators: recent years that every count source and the population
#: cover (patents to 2018, preprints to 2021, population from 2016).
COUNT_WINDOWS = {
    "i40-patent-count": (2016, 2018),
    "arxiv-artificial-intelligence-count": (2016, 2020),
}
DEFAULT_COUNT_WINDOW = (2016, 2018)
#: Fewer counts than this over the window is "insufficient data", not a small strength.
MINIMUM_COUNTS = {"i40-patent-count": 5.0, "arxiv-artificial-intelligence-count": 10.0}
DEFAULT_MINIMUM_COUNT = 10.0
EMPLOYMENT_WEIGHT = 1.0
#: The denominator sections a region has published must hold at least this share of EU
#: business-economy employment (a confidential J, 5 %, passes; a confidential C, 23 %, does not).
MIN_TOTAL_COVERAGE = 0.9
#: The sections summed as a region's employment: the ones the SBS mapping loads for it.
EMPLOYMENT_SECTIONS = DENOMINATOR_SECTIONS
CURRENT_NUTS_SCHEME = URIRef("http://data.europa.eu/nuts/scheme/2024")
#: NUTS levels with strengths: countries, NUTS 1 and NUTS 2 regions (each compared with its own).
LEVELS = (0, 1, 2)


@dataclass
class Observation:
    """One value of the graph, with its IRI so an answer can point to it; or a value computed
    from observations of the graph (a sum over published units, a unit's total over years):
    ``iri`` is then None and ``parts`` lists them with their published codes."""

    iri: URIRef | None
    value: float
    year: int
    parts: tuple[tuple[str, Observation], ...] = ()

    @property
    def evidence(self) -> list[URIRef]:
        """The observations of the graph this value is, or is computed from."""
        if self.iri is not None:
            return [self.iri]
        return [part.iri for _, part in self.parts if part.iri is not None]

    @property
    def years(self) -> set[int]:
        """The years of the observations this value rests on."""
        return {part.year for _, part in self.parts} if self.parts else {self.year}

    def parts_by_unit(self, code: str) -> tuple[tuple[str, Observation], ...]:
        """This value's observations with their published codes (``code`` when it is one)."""
        return self.parts if self.parts else ((code, self),)


@dataclass
class Unit:
    """A published region (as the data give it) and the current region(s) it became."""

    code: str
    level: int
    current: tuple[str, ...]


@dataclass
class Inputs:
    """Everything the model needs, read from the graph once."""

    sector_weights: dict[URIRef, list[SectorWeight]]
    #: indicator slug → technology → weight (role ``measure`` rows only).
    indicator_weights: dict[str, dict[URIRef, float]]
    #: published code → sector (Eurostat code) → observation.
    employment: dict[str, dict[str, Observation]]
    #: indicator slug → published code → observations (one per year).
    counts: dict[str, dict[str, list[Observation]]]
    units: dict[str, Unit] = field(default_factory=dict)
    #: The indicator IRIs by slug (for provenance).
    indicators: dict[str, URIRef] = field(default_factory=dict)
    #: Current (NUTS 2024) NUTS 2 region → (its NUTS 1 region, its country), from the graph.
    parents: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: NUTS 2 code → the NUTS versions (years) it belongs to.
    versions: dict[str, frozenset[int]] = field(default_factory=dict)
    _summed_counts: dict[tuple[str, int, tuple[int, int]], dict[str, list[Observation]]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @cached_property
    def reference_countries(self) -> list[str]:
        """The EU28 countries whose employment total is known: the EU reference is summed over
        them (so the sector shares and the total rest on the same countries)."""
        return [
            code
            for code in sorted(self.employment)
            if self.units[code].level == 0
            and _section_total({s: o.value for s, o in self.employment[code].items()}) is not None
        ]

    @cached_property
    def eu_reference(self) -> tuple[dict[str, float], float]:
        """EU28 employment per sector and over the denominator sections, summed over the
        reference countries (the same for every technology and level)."""
        sums: dict[str, float] = defaultdict(float)
        for code in self.reference_countries:
            for sector, observation in self.employment[code].items():
                sums[sector] += observation.value
        reference = dict(sums)
        return reference, sum(reference.get(s, 0.0) for s in EMPLOYMENT_SECTIONS)

    def employment_at(self, level: int) -> dict[str, dict[str, Observation]]:
        """Employment by region and sector at one NUTS level: the published NUTS 2 units and
        countries as published; NUTS 1 regions summed from the NUTS 2 units."""
        return self._employment_levels.get(level, {})

    def counts_at(
        self, slug: str, level: int, years: tuple[int, int]
    ) -> dict[str, list[Observation]]:
        """A count indicator's observations by region at one NUTS level, for a window of
        ``years``: the published NUTS 2 units' observations; for a country its own published
        observations when the source has some in the window (as for employment); otherwise, and
        for a NUTS 1 region, one value, the sum of its NUTS 2 units' figures over the window
        (each unit's total, or for the population its mean: the figure its own component uses)."""
        own = {
            code: observations
            for code, observations in self.counts.get(slug, {}).items()
            if self.units[code].level == 2 and _is_region(code)
        }
        if level == 2:
            return own
        key = (slug, level, years)
        if key not in self._summed_counts:
            combine = _mean if slug == POPULATION_INDICATOR else _total
            figures: dict[str, dict[str, Observation]] = {}
            for code, observations in own.items():
                chosen = _window(observations, years)
                value = combine(chosen, years)
                if value is not None:
                    parts = tuple((code, o) for o in chosen)
                    year = max(o.year for o in chosen)
                    figures[code] = {slug: Observation(None, value, year, parts)}
            by_region = {
                code: [summed[slug]] for code, summed in self.aggregate(figures, level).items()
            }
            if level == 0:
                for code, observations in self.counts.get(slug, {}).items():
                    if self.units[code].level == 0 and _window(observations, years):
                        by_region[code] = observations  # the country's own rows
            self._summed_counts[key] = by_region
        return self._summed_counts[key]

    @cached_property
    def _employment_levels(self) -> dict[int, dict[str, dict[str, Observation]]]:
        own = {
            level: {
                code: observations
                for code, observations in self.employment.items()
                if self.units[code].level == level and _is_region(code)
            }
            for level in (0, 2)
        }
        return {0: own[0], 1: self.aggregate(own[2], 1), 2: own[2]}

    def aggregate(
        self, table: Mapping[str, Mapping[str, Observation]], level: int
    ) -> dict[str, dict[str, Observation]]:
        """The figures (``table``: published NUTS 2 code → figure → observation) of the NUTS 1
        regions (``level`` 1) or countries (0), each figure summed by
        :func:`sum_over_regions`; a figure that cannot be summed is left out (unknown)."""
        region_of = {
            region: nuts1 if level == 1 else country
            for region, (nuts1, country) in self.parents.items()
        }
        by_figure: dict[str, dict[str, Observation]] = defaultdict(dict)
        for code, figures in table.items():
            for key, observation in figures.items():
                by_figure[key][code] = observation
        out: dict[str, dict[str, Observation]] = defaultdict(dict)
        for key in sorted(by_figure):
            summed = sum_over_regions(by_figure[key], self.units, region_of, self.versions)
            for code, value in summed.items():
                if isinstance(value, Observation):
                    out[code][key] = value
        return dict(out)


def sum_over_regions(
    figure: Mapping[str, Observation],
    units: Mapping[str, Unit],
    region_of: Mapping[str, str],
    versions: Mapping[str, frozenset[int]],
) -> dict[str, Observation | str]:
    """One figure (a sector's employment, a count over its window) of larger regions summed from the
    published NUTS 2 units that have it (``figure``: published code → observation).

    ``region_of`` maps every current NUTS 2 region to the larger region it lies in (its NUTS 1
    region, or its country). Each larger region gets the sum over the units whose current regions
    all lie in it, provided these cover every one of its NUTS 2 regions and none is counted twice;
    otherwise a sentence saying why its figure is unknown. Never a partial sum: a unit without
    the figure (confidential, missing) leaves its regions uncovered, and a missing value is never
    read as 0. A unit whose current regions lie in two larger regions makes both unknown.

    A unit split since publication is left out when each of its parts has its own figure (the
    parts' figures are used). Two units may share a current region only when they belong to one
    NUTS version, so are disjoint territories (IE01 and IE02 of NUTS 2013, each partly in IE06
    today); otherwise the region is unknown, as one of them would be counted twice.
    """

    def current(code: str) -> tuple[str, ...]:
        unit = units.get(code)
        return unit.current if unit is not None and unit.current else (code,)

    exact = {current(code)[0] for code in figure if len(current(code)) == 1}
    members: dict[str, list[str]] = defaultdict(list)
    spanning: dict[str, str] = {}
    for code in sorted(figure):
        regions = current(code)
        if len(regions) > 1 and set(regions) <= exact:
            continue  # split since: its parts have figures of their own
        larger = sorted({region_of.get(region, "") for region in regions})
        if len(larger) > 1:
            named = " and ".join(name or "a region outside NUTS 2024" for name in larger)
            for name in larger:
                spanning.setdefault(name, f"{code} is published as one unit but lies in {named}")
        elif larger[0]:
            members[larger[0]].append(code)
    children: dict[str, set[str]] = defaultdict(set)
    for region, larger_region in region_of.items():
        children[larger_region].add(region)
    out: dict[str, Observation | str] = {}
    for larger_region in sorted(children):
        if larger_region in spanning:
            out[larger_region] = spanning[larger_region]
            continue
        codes = members.get(larger_region, [])
        holders: dict[str, list[str]] = defaultdict(list)
        for code in codes:
            for region in current(code):
                holders[region].append(code)
        uncovered = sorted(children[larger_region] - set(holders))
        if uncovered:
            out[larger_region] = "no published figure for " + ", ".join(uncovered)
            continue
        twice = sorted(
            region
            for region, sharing in holders.items()
            if len(sharing) > 1
            and not frozenset.intersection(*(versions.get(c, frozenset()) for c in sharing))
        )
        if twice:
            out[larger_region] = (
                "units of different NUTS versions both cover " + ", ".join(twice) + ": summing "
                "them would count it twice"
            )
            continue
        out[larger_region] = Observation(
            iri=None,
            value=sum(figure[code].value for code in codes),
            year=max(figure[code].year for code in codes),
            parts=tuple(part for code in codes for part in figure[code].parts_by_unit(code)),
        )
    return out


def read_inputs(store: Store, base_iri: str) -> Inputs:
    """Read the tables and observations the model uses from ``store``."""
    indicator = {slug: URIRef(f"{base_iri}indicator/{slug}") for slug in _indicator_slugs(store)}
    sector_weights: dict[URIRef, list[SectorWeight]] = defaultdict(list)
    for row in store.query(_SECTOR_WEIGHTS).rows:
        sector_weights[URIRef(row["technology"])].append(
            SectorWeight(str(row["code"]), float(str(row["weight"])))
        )
    indicator_weights: dict[str, dict[URIRef, float]] = defaultdict(dict)
    for row in store.query(_INDICATOR_WEIGHTS).rows:
        slug = str(row["indicator"]).rsplit("/", 1)[-1]
        indicator_weights[slug][URIRef(row["technology"])] = float(str(row["weight"]))

    units: dict[str, Unit] = {}
    employment: dict[str, dict[str, Observation]] = defaultdict(dict)
    employment_indicator = indicator.get(EMPLOYMENT_INDICATOR, _missing(base_iri))
    for row in store.query(with_values(_EMPLOYMENT, {"indicator": employment_indicator})).rows:
        code = _nuts_code(row["area"])
        units.setdefault(code, _unit(code, row.get("currents")))
        sector = _eurostat_sector(str(row["activity"]).rsplit("/", 1)[-1])
        employment[code][sector] = _observation(row)

    counts: dict[str, dict[str, list[Observation]]] = defaultdict(lambda: defaultdict(list))
    wanted = sorted(
        {*indicator_weights, *(COUNT_BASES[s] for s in indicator_weights if s in COUNT_BASES)}
        | {POPULATION_INDICATOR}
    )
    for slug in wanted:
        if slug not in indicator:
            continue
        for row in store.query(with_values(_COUNTS, {"indicator": indicator[slug]})).rows:
            code = _nuts_code(row["area"])
            units.setdefault(code, _unit(code, row.get("currents")))
            counts[slug][code].append(_observation(row))
    parents = {
        _nuts_code(row["region"]): (_nuts_code(row["nuts1"]), _nuts_code(row["country"]))
        for row in store.query(with_values(_NUTS2_PARENTS, {"scheme": CURRENT_NUTS_SCHEME})).rows
        if _is_region(_nuts_code(row["region"]))
    }
    versions: dict[str, set[int]] = defaultdict(set)
    for row in store.query(_NUTS2_VERSIONS).rows:
        versions[_nuts_code(row["region"])].add(int(str(row["version"])))
    return Inputs(
        sector_weights=dict(sector_weights),
        indicator_weights=dict(indicator_weights),
        employment=dict(employment),
        counts={slug: dict(by_code) for slug, by_code in counts.items()},
        units=units,
        indicators=indicator,
        parents=parents,
        versions={code: frozenset(years) for code, years in versions.items()},
    )


_SECTOR_WEIGHTS = """
SELECT ?technology ?code ?weight WHERE {
  ?m a ckg:SectorTechnologyMapping ; ckg:technology ?technology ; skos:notation ?code ;
     ckg:weight ?weight ; ckg:mappingRole "producer" .
}"""
_INDICATOR_WEIGHTS = """
SELECT ?indicator ?technology ?weight WHERE {
  ?m a ckg:IndicatorTechnologyMapping ; ckg:mappedIndicator ?indicator ;
     ckg:technology ?technology ; ckg:weight ?weight ; ckg:mappingRole "measure" .
}"""
_EMPLOYMENT = """
SELECT ?obs ?area ?activity ?year ?value (GROUP_CONCAT(STR(?current)) AS ?currents) WHERE {
  ?obs ckg:indicator ?indicator ; sdmx-dimension:refArea ?area ;
       ckg:economicActivity ?activity ; sdmx-dimension:refPeriod ?year ;
       sdmx-measure:obsValue ?value .
  OPTIONAL { ?obs ckg:currentRegion ?current }
} GROUP BY ?obs ?area ?activity ?year ?value"""
#: Each NUTS 2 region of the current version with its NUTS 1 region and country (the regions a
#: NUTS 1 region or country is summed from).
_NUTS2_PARENTS = """
SELECT ?region ?nuts1 ?country WHERE {
  ?region skos:inScheme ?scheme ; ckg:nutsLevel 2 ; skos:broader ?nuts1 .
  ?nuts1 skos:inScheme ?scheme ; ckg:nutsLevel 1 ; skos:broader ?country .
  ?country skos:inScheme ?scheme ; ckg:nutsLevel 0 .
}"""
#: The NUTS versions each NUTS 2 code belongs to (units of one version never overlap).
_NUTS2_VERSIONS = """
SELECT ?region ?version WHERE {
  ?region ckg:nutsLevel 2 ; skos:inScheme ?scheme .
  ?scheme dct:isPartOf <http://data.europa.eu/nuts> ; skos:notation ?version .
}"""
_COUNTS = """
SELECT ?obs ?area ?year ?value (GROUP_CONCAT(STR(?current)) AS ?currents) WHERE {
  ?obs ckg:indicator ?indicator ; sdmx-dimension:refArea ?area ;
       sdmx-dimension:refPeriod ?year ; sdmx-measure:obsValue ?value .
  OPTIONAL { ?obs ckg:currentRegion ?current }
} GROUP BY ?obs ?area ?year ?value"""


@dataclass
class StrengthRecord:
    """A computed strength before it becomes RDF."""

    region: str
    level: int
    technology: URIRef
    components: list[Component]
    evidence: list[URIRef]
    stars: Stars | None
    score: float | None


def compute_strengths(inputs: Inputs) -> list[StrengthRecord]:
    """Every region × technology with data, in a stable order (region, technology)."""
    technologies = sorted(
        set(inputs.sector_weights)
        | {t for weights in inputs.indicator_weights.values() for t in weights}
    )
    # (region, technology) → component key → candidates from the published units that report
    # for the region: (exact, unit code, level, component, evidence, stars).
    candidates: dict[tuple[str, URIRef], dict[str, list[_Candidate]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for technology in technologies:
        weights = inputs.sector_weights.get(technology, [])
        if weights:
            for unit, component, evidence, star in _employment_components(inputs, weights):
                for region, exact in _targets(unit):
                    candidates[(region, technology)][component.kind].append(
                        _Candidate(exact, unit, component, evidence, star)
                    )
        for slug, by_technology in sorted(inputs.indicator_weights.items()):
            if technology not in by_technology:
                continue
            for unit, component, evidence in _count_components(
                inputs, slug, by_technology[technology]
            ):
                for region, exact in _targets(unit):
                    candidates[(region, technology)][f"{component.kind} {slug}"].append(
                        _Candidate(exact, unit, component, evidence, None)
                    )
    records = []
    for (region, technology), by_key in sorted(candidates.items()):
        chosen = [c for key in sorted(by_key) if (c := _choose(by_key[key])) is not None]
        if not chosen:
            continue
        components = [c.component if c.exact else _as_fallback(c, region) for c in chosen]
        evidence = sorted({iri for c in chosen for iri in c.evidence})
        star = next((c.stars for c in chosen if c.stars is not None), None)
        records.append(
            StrengthRecord(
                region=region,
                level=chosen[0].unit.level,
                technology=technology,
                components=components,
                evidence=evidence,
                stars=star,
                score=score(components),
            )
        )
    return records


@dataclass(frozen=True)
class _Candidate:
    """A component a published unit offers for a current region."""

    #: The unit is the region (same or recoded code), not a predecessor it was split from.
    exact: bool
    unit: Unit
    component: Component
    evidence: list[URIRef]
    stars: Stars | None


def _as_fallback(candidate: _Candidate, region: str) -> Component:
    """The component of a predecessor region, saying so in words."""
    unit = candidate.unit
    others = ", ".join(code for code in unit.current if code != region)
    note = (
        f"{region} was part of {unit.code} (NUTS 2013 or older), which has since been split "
        f"(into {region} and {others}); the data are published for {unit.code} as a whole and "
        f"cannot be apportioned, so {unit.code}'s figure is shown"
    )
    details = dict(candidate.component.details)
    details["fallback"] = note
    return replace(candidate.component, details=details)


def _choose(candidates: list[_Candidate]) -> _Candidate | None:
    """The region's own figure when it has one; else the figure of the one region it was split
    from (a stated fallback); none when it was formed from parts of several (the data cannot
    apportion them: unknown, not a guess)."""
    exact = [c for c in candidates if c.exact]
    if exact:
        return exact[0]
    return candidates[0] if len(candidates) == 1 else None


def _targets(unit: Unit) -> list[tuple[str, bool]]:
    """The current regions a published unit's figures may be reported for, and whether the unit
    is exactly that region (True) or a region it was split from (False)."""
    if len(unit.current) == 1:
        return [(unit.current[0], True)]
    if not unit.current:
        return [(unit.code, True)]
    return [(code, False) for code in unit.current]


def _employment_components(
    inputs: Inputs, weights: list[SectorWeight]
) -> Iterable[tuple[Unit, Component, list[URIRef], Stars | None]]:
    """The employment-specialisation component of every unit, by level: countries and NUTS 2
    units as published, NUTS 1 regions summed from their NUTS 2 units."""
    reference, reference_total = inputs.eu_reference
    for level in LEVELS:
        table = inputs.employment_at(level)
        units = sorted(table)
        quotients: dict[str, EmploymentQuotient] = {}
        totals_known: set[str] = set()
        for code in units:
            region = {s: o.value for s, o in table[code].items()}
            total, reference_part = _known_sections_total(region, reference, reference_total)
            if total is not None:
                totals_known.add(code)
            quotient = location_quotient(region, total, reference, reference_part, weights)
            if quotient is not None:
                quotients[code] = quotient
        ranks = percentiles({code: q.location_quotient for code, q in quotients.items()})
        star_of = stars(quotients)
        for code in units:
            unit = _unit_at(inputs, code, level)
            observations = table[code]
            used = [observations[w.sector] for w in weights if w.sector in observations]
            sections = [observations[s] for s in EMPLOYMENT_SECTIONS if s in observations]
            evidence = [iri for o in (*used, *sections) for iri in o.evidence]
            quotient = quotients.get(code)
            details: dict[str, object] = {
                "published_region": code,
                "years": sorted({year for o in (*used, *sections) for year in o.years}),
                "sectors": [w.sector for w in weights],
            }
            summed = _summed_units(*used, *sections)
            if summed:
                details["summed_units"] = summed
            if quotient is None:
                if not used:
                    continue  # no figure at all: nothing to report for this unit
                component = Component(
                    kind="employment-specialisation",
                    weight=EMPLOYMENT_WEIGHT,
                    status="insufficient data",
                    details={
                        **details,
                        "reason": _missing_reason(
                            observations, weights, total_known=code in totals_known
                        ),
                    },
                )
                yield unit, component, evidence, None
                continue
            sections_unknown = [s for s in EMPLOYMENT_SECTIONS if s not in observations]
            details.update(
                technology_employment=quotient.technology_employment,
                region_employment=quotient.region_employment,
                reference_share=quotient.reference_share,
                sectors_used=list(quotient.sectors_used),
                sectors_unknown=[*quotient.sectors_unknown, *sections_unknown],
                coverage=quotient.coverage,
                regions_compared=len(quotients),
            )
            component = Component(
                kind="employment-specialisation",
                weight=EMPLOYMENT_WEIGHT,
                value=round(quotient.location_quotient, 6),
                percentile=round(ranks[code], 6),
                details=details,
            )
            yield unit, component, evidence, star_of[code]


def _count_components(
    inputs: Inputs, slug: str, weight: float
) -> Iterable[tuple[Unit, Component, list[URIRef]]]:
    """The component of one count indicator for every unit that has it, by level: the NUTS 2
    units as published, NUTS 1 regions and countries summed from them; every level against the
    reference of the NUTS 2 units."""
    # The reference: every NUTS 2 unit with both numbers (the same regions on both sides of the
    # ratio), the same for every level.
    reference_pairs = _count_pairs(inputs, slug, 2)
    reference = (
        sum(count for count, _ in reference_pairs.values()),
        sum(base for _, base in reference_pairs.values()),
    )
    for level in LEVELS:
        pairs = reference_pairs if level == 2 else _count_pairs(inputs, slug, level)
        yield from _count_level(inputs, level, slug, weight, pairs, reference)


def _count_pairs(inputs: Inputs, slug: str, level: int) -> dict[str, tuple[float, float]]:
    """The units of a level with both numbers of a count indicator: (count, base)."""
    base_slug = COUNT_BASES.get(slug, POPULATION_INDICATOR)
    years = COUNT_WINDOWS.get(slug, DEFAULT_COUNT_WINDOW)
    combine = _mean if base_slug == POPULATION_INDICATOR else _total
    by_code = inputs.counts_at(slug, level, years)
    bases = inputs.counts_at(base_slug, level, years)
    pairs: dict[str, tuple[float, float]] = {}
    for code in sorted(by_code):
        count, base = _total(by_code[code], years), combine(bases.get(code, []), years)
        if count is not None and base is not None:
            pairs[code] = (count, base)
    return pairs


def _window(observations: list[Observation], years: tuple[int, int]) -> list[Observation]:
    first, last = years
    return [o for o in observations if first <= o.year <= last]


def _total(observations: list[Observation], years: tuple[int, int]) -> float | None:
    chosen = _window(observations, years)
    return sum(o.value for o in chosen) if chosen else None


def _mean(observations: list[Observation], years: tuple[int, int]) -> float | None:
    chosen = _window(observations, years)
    return sum(o.value for o in chosen) / len(chosen) if chosen else None


def _count_level(
    inputs: Inputs,
    level: int,
    slug: str,
    weight: float,
    pairs: Mapping[str, tuple[float, float]],
    reference: tuple[float, float],
) -> Iterable[tuple[Unit, Component, list[URIRef]]]:
    """The components of one count indicator among the units of one level with both numbers
    (``pairs``), against ``reference`` (count, base)."""
    years = COUNT_WINDOWS.get(slug, DEFAULT_COUNT_WINDOW)
    first, last = years
    base_slug = COUNT_BASES.get(slug, POPULATION_INDICATOR)
    kind = "count-intensity" if base_slug == POPULATION_INDICATOR else "count-specialisation"
    minimum = MINIMUM_COUNTS.get(slug, DEFAULT_MINIMUM_COUNT)
    by_code = inputs.counts_at(slug, level, years)
    bases = inputs.counts_at(base_slug, level, years)
    population = inputs.counts_at(POPULATION_INDICATOR, level, years)
    reference_count, reference_base = reference
    advantages: dict[str, CountAdvantage] = {}
    for code, (count, base) in pairs.items():
        advantage = count_advantage(
            count,
            base,
            reference_count,
            reference_base,
            minimum_count=minimum,
            population=_mean(population.get(code, []), years),
        )
        if advantage is not None:
            advantages[code] = advantage
    ranks = percentiles({code: a.advantage for code, a in advantages.items()})
    for code in sorted(by_code):
        used = _window(by_code[code], years)
        if not used:
            continue
        base_used = _window(bases.get(code, []), years)
        evidence = [iri for o in (*used, *base_used) for iri in o.evidence]
        details: dict[str, object] = {
            "indicator": slug,
            "base_indicator": base_slug,
            "published_region": code,
            "years": sorted({year for o in used for year in o.years}),
            "count": _total(used, years),
            "minimum_count": minimum,
        }
        summed = _summed_units(*used, *base_used)
        if summed:
            details["summed_units"] = summed
        advantage = advantages.get(code)
        if advantage is None:
            reason = (
                f"fewer than {minimum:g} counts in {first}-{last}"
                if (_total(used, years) or 0) < minimum
                else f"no {base_slug} figure for {first}-{last}"
            )
            component = Component(
                kind=kind,
                weight=weight,
                status="insufficient data",
                details={**details, "reason": reason},
            )
        else:
            details.update(
                base=advantage.base,
                per_million_inhabitants=advantage.per_million_inhabitants,
                regions_compared=len(advantages),
            )
            component = Component(
                kind=kind,
                weight=weight,
                value=round(advantage.advantage, 6),
                percentile=round(ranks[code], 6),
                details=details,
            )
        yield _unit_at(inputs, code, level), component, evidence


def _unit_at(inputs: Inputs, code: str, level: int) -> Unit:
    """The published unit of a code, or the region a sum is for (reported for itself)."""
    unit = inputs.units.get(code)
    if unit is not None and unit.level == level:
        return unit
    return Unit(code=code, level=level, current=(code,))


def _summed_units(*observations: Observation) -> list[str]:
    """The published units whose figures were summed into these values (none: as published)."""
    return sorted({code for o in observations for code, _ in o.parts})


def _missing_reason(
    observations: Mapping[str, Observation], weights: list[SectorWeight], *, total_known: bool
) -> str:
    missing = [w.sector for w in weights if w.sector not in observations]
    sections = [s for s in EMPLOYMENT_SECTIONS if s not in observations]
    parts = []
    if missing:
        parts.append("no published employment in " + ", ".join(missing))
    if sections and not total_known:
        parts.append(
            "the region's total is unknown: no published figure for section "
            + ", ".join(sections)
            + f", which leaves less than {MIN_TOTAL_COVERAGE:.0%} of EU employment"
        )
    return "; ".join(parts) or "the known sectors hold too little of the technology"


def _section_total(region: Mapping[str, float]) -> float | None:
    """A region's employment over the denominator sections; None if any is unknown."""
    if any(region.get(s) is None for s in EMPLOYMENT_SECTIONS):
        return None
    return sum(region[s] for s in EMPLOYMENT_SECTIONS)


def _known_sections_total(
    region: Mapping[str, float], reference: Mapping[str, float], reference_total: float
) -> tuple[float | None, float]:
    """The region's employment over the denominator sections it has published, and the EU's
    over the same sections (both sides of the quotient rest on the same sections). None when
    the published sections hold less than :data:`MIN_TOTAL_COVERAGE` of EU employment: a
    confidential manufacturing total (a quarter of the business economy) leaves it unknown."""
    known = [s for s in EMPLOYMENT_SECTIONS if region.get(s) is not None]
    reference_part = sum(reference.get(s, 0.0) for s in known)
    if not known or reference_part < MIN_TOTAL_COVERAGE * reference_total:
        return None, reference_total
    return sum(region[s] for s in known), reference_part


def _is_region(code: str) -> bool:
    """Extra-regio codes (``…ZZ``) are not regions."""
    return not code.endswith("ZZ")


def _indicator_slugs(store: Store) -> list[str]:
    rows = store.query("SELECT DISTINCT ?i WHERE { ?i a ckg:Indicator }").rows
    return [str(row["i"]).rsplit("/", 1)[-1] for row in rows]


def _missing(base_iri: str) -> URIRef:
    return URIRef(f"{base_iri}indicator/none")


def _nuts_code(term: object) -> str:
    return str(term).removeprefix(str(NUTS))


def _unit(code: str, currents: object) -> Unit:
    current = tuple(
        sorted(_nuts_code(iri) for iri in str(currents or "").split() if iri.startswith(str(NUTS)))
    )
    level = 0 if len(code) == 2 else len(code) - 2
    return Unit(code=code, level=level, current=current)


def _observation(row: Mapping[str, object]) -> Observation:
    value = row["value"]
    year = row["year"]
    return Observation(
        iri=URIRef(str(row["obs"])),
        value=float(value.toPython()),  # type: ignore[attr-defined]
        year=int(str(year)[:4]),
    )


def _eurostat_sector(notation: str) -> str:
    """Eurostat's code (``C26``) of a NACE notation (``26`` or ``26.1`` or ``C``)."""
    digits = notation.replace(".", "")
    if not digits[:1].isdigit():
        return digits
    return _SECTION_OF_DIVISION[int(digits[:2])] + digits


def _section_ranges() -> dict[int, str]:
    ranges = {
        "A": (1, 3),
        "B": (5, 9),
        "C": (10, 33),
        "D": (35, 35),
        "E": (36, 39),
        "F": (41, 43),
        "G": (45, 47),
        "H": (49, 53),
        "I": (55, 56),
        "J": (58, 63),
        "K": (64, 66),
        "L": (68, 68),
        "M": (69, 75),
        "N": (77, 82),
        "O": (84, 84),
        "P": (85, 85),
        "Q": (86, 88),
        "R": (90, 93),
        "S": (94, 96),
        "T": (97, 98),
        "U": (99, 99),
    }
    return {d: s for s, (lo, hi) in ranges.items() for d in range(lo, hi + 1)}


_SECTION_OF_DIVISION = _section_ranges()


# --- RDF ------------------------------------------------------------------------------------------


def strength_iri(base_iri: str, region: str, technology: URIRef) -> URIRef:
    """``{base}strength/{region}/{scheme}-{technology}``, e.g. …/strength/ITI3/ket-photonics."""
    return URIRef(f"{base_iri}strength/{region}/{technology_slug(technology)}")


def technology_slug(technology: URIRef) -> str:
    """``ket-photonics`` for https://w3id.org/clusterkg/ket/photonics."""
    scheme, name = str(technology).rstrip("/").rsplit("/", 2)[-2:]
    return f"{scheme}-{name}"


COMPONENT_KINDS = {
    "employment-specialisation": CKGC["employment-specialisation"],
    "count-specialisation": CKGC["count-specialisation"],
    "count-intensity": CKGC["count-intensity"],
}


class Triples(list[tuple[URIRef, URIRef, Identifier]]):
    """Triples in the order written (an rdflib graph of 170,000 triples takes seconds to
    build; the derivation writes them as N-Triples)."""

    def extend_evidence(self, node: URIRef, observation: Observation) -> None:
        """``node prov:wasDerivedFrom`` every observation of the graph ``observation`` rests on."""
        for iri in observation.evidence:
            self.add((node, PROV.wasDerivedFrom, iri))

    def add(self, triple: tuple[URIRef, URIRef, Identifier]) -> None:
        """Append a triple (the one method of rdflib's Graph the writers below use)."""
        self.append(triple)


def strengths_graph(
    records: list[StrengthRecord], base_iri: str, inputs: Inputs, activity: URIRef
) -> Triples:
    """The strengths as RDF: each strength, its components (``#`` fragments of its IRI) and its
    evidence links."""
    graph = Triples()
    references = reference_triples(inputs, base_iri, activity, graph)
    for record in records:
        node = strength_iri(base_iri, record.region, record.technology)
        graph.add((node, RDF.type, CKG.TechnologyStrength))
        graph.add((node, CKG.region, NUTS[record.region]))
        graph.add((node, CKG.technology, record.technology))
        graph.add((node, PROV.wasGeneratedBy, activity))
        measured = [c for c in record.components if c.percentile is not None]
        graph.add((node, CKG.componentCount, Literal(len(measured))))
        if record.score is not None:
            graph.add((node, CKG.score, decimal_literal(record.score)))
        if record.stars is not None:
            graph.add((node, CKG.stars, Literal(record.stars.count)))
        for iri in record.evidence:
            graph.add((node, PROV.wasDerivedFrom, iri))
        for component in record.components:
            reference = references.get((component.kind, record.technology))
            if "indicator" in component.details:
                reference = references.get((component.kind, str(component.details["indicator"])))
            if component.percentile is None:
                reference = None  # not measured: compared with nothing
            _add_component(graph, node, component, record.stars, inputs, reference)
    return graph


def employment_reference_iri(base_iri: str, technology: URIRef) -> URIRef:
    """``{base}strength-reference/employment/{ket|ati}-{name}``."""
    return URIRef(f"{base_iri}strength-reference/employment/{technology_slug(technology)}")


def count_reference_iri(base_iri: str, slug: str) -> URIRef:
    """``{base}strength-reference/count/{indicator}``."""
    return URIRef(f"{base_iri}strength-reference/count/{slug}")


def reference_triples(
    inputs: Inputs, base_iri: str, activity: URIRef, graph: Triples
) -> dict[tuple[str, URIRef | str], URIRef]:
    """Add the EU references the components are measured against to ``graph`` (one per
    technology for employment, one per count indicator), each with the sums and the
    observations summed; return them by (component kind, technology or indicator slug)."""
    references: dict[tuple[str, URIRef | str], URIRef] = {}
    reference, reference_total = inputs.eu_reference
    countries = inputs.reference_countries
    kind = "employment-specialisation"
    for technology, weights in sorted(inputs.sector_weights.items()):
        node = employment_reference_iri(base_iri, technology)
        references[(kind, technology)] = node
        sectors = [w.sector for w in weights]
        employment = sum(w.weight * reference.get(w.sector, 0.0) for w in weights)
        graph.add((node, RDF.type, CKG.StrengthReference))
        graph.add(
            (
                node,
                RDFS.label,
                Literal(f"EU28 employment reference of {technology_slug(technology)}", lang="en"),
            )
        )
        graph.add((node, CKG.componentKind, COMPONENT_KINDS[kind]))
        graph.add((node, CKG.technology, technology))
        graph.add((node, PROV.wasGeneratedBy, activity))
        graph.add((node, CKG.technologyEmployment, decimal_literal(employment)))
        graph.add((node, CKG.regionEmployment, decimal_literal(reference_total)))
        graph.add((node, CKG.referenceShare, decimal_literal(employment / reference_total)))
        years: set[int] = set()
        for code in countries:
            graph.add((node, CKG.aggregatedFrom, NUTS[code]))
            for sector in (*sectors, *EMPLOYMENT_SECTIONS):
                observation = inputs.employment[code].get(sector)
                if observation is not None:
                    graph.extend_evidence(node, observation)
                    years.update(observation.years)
        for year in sorted(years):
            graph.add((node, CKG.referenceYear, Literal(str(year), datatype=XSD.gYear)))
    for slug in sorted(inputs.indicator_weights):
        base_slug = COUNT_BASES.get(slug, POPULATION_INDICATOR)
        count_kind = (
            "count-intensity" if base_slug == POPULATION_INDICATOR else "count-specialisation"
        )
        window = COUNT_WINDOWS.get(slug, DEFAULT_COUNT_WINDOW)
        pairs = _count_pairs(inputs, slug, 2)
        if not pairs:
            continue
        node = count_reference_iri(base_iri, slug)
        references[(count_kind, slug)] = node
        graph.add((node, RDF.type, CKG.StrengthReference))
        graph.add((node, RDFS.label, Literal(f"NUTS 2 reference of {slug}", lang="en")))
        graph.add((node, CKG.componentKind, COMPONENT_KINDS[count_kind]))
        graph.add((node, CKG.measuredBy, inputs.indicators[slug]))
        graph.add((node, CKG.baseIndicator, inputs.indicators[base_slug]))
        graph.add((node, PROV.wasGeneratedBy, activity))
        graph.add((node, CKG.observedCount, decimal_literal(sum(c for c, _ in pairs.values()))))
        graph.add((node, CKG.base, decimal_literal(sum(b for _, b in pairs.values()))))
        counts = inputs.counts_at(slug, 2, window)
        bases = inputs.counts_at(base_slug, 2, window)
        years = set()
        for code in pairs:
            graph.add((node, CKG.aggregatedFrom, NUTS[code]))
            for observation in (*_window(counts[code], window), *_window(bases[code], window)):
                graph.extend_evidence(node, observation)
                years.update(observation.years)
        for year in sorted(years):
            graph.add((node, CKG.referenceYear, Literal(str(year), datatype=XSD.gYear)))
    return references


def _add_component(
    graph: Triples,
    strength: URIRef,
    component: Component,
    star: Stars | None,
    inputs: Inputs,
    reference: URIRef | None = None,
) -> None:
    details = component.details
    suffix = component.kind
    if "indicator" in details:
        suffix = f"{component.kind}-{details['indicator']}"
    node = URIRef(f"{strength}#{suffix}")
    graph.add((strength, CKG.hasComponent, node))
    graph.add((node, RDF.type, CKG.StrengthComponent))
    graph.add((node, CKG.componentKind, COMPONENT_KINDS[component.kind]))
    graph.add((node, CKG.weight, decimal_literal(component.weight)))
    graph.add((node, CKG.status, Literal(component.status)))
    published = str(details["published_region"])
    graph.add((node, CKG.publishedRegion, NUTS[published]))
    if reference is not None:
        graph.add((node, CKG.reference, reference))
    for year in _listed(details.get("years")):
        graph.add((node, CKG.referenceYear, Literal(str(year), datatype=XSD.gYear)))
    if "indicator" in details:
        graph.add((node, CKG.measuredBy, inputs.indicators[str(details["indicator"])]))
        graph.add((node, CKG.baseIndicator, inputs.indicators[str(details["base_indicator"])]))
        graph.add((node, CKG.minimumCount, decimal_literal(float(details["minimum_count"]))))  # type: ignore[arg-type]
        if details.get("count") is not None:
            graph.add((node, CKG.observedCount, decimal_literal(float(details["count"]))))  # type: ignore[arg-type]
    if component.value is not None:
        graph.add((node, CKG.value, decimal_literal(component.value)))
    if component.percentile is not None:
        graph.add((node, CKG.percentile, decimal_literal(component.percentile)))
    if "reason" in details:
        graph.add((node, RDFS.comment, Literal(str(details["reason"]), lang="en")))
    if "fallback" in details:
        graph.add((node, CKG.fallbackNote, Literal(str(details["fallback"]), lang="en")))
    for key, prop in (
        ("technology_employment", CKG.technologyEmployment),
        ("region_employment", CKG.regionEmployment),
        ("reference_share", CKG.referenceShare),
        ("coverage", CKG.sectorCoverage),
        ("base", CKG.base),
        ("per_million_inhabitants", CKG.perMillionInhabitants),
        ("regions_compared", CKG.regionsCompared),
    ):
        value = details.get(key)
        if value is None:
            continue
        if isinstance(value, int):
            graph.add((node, prop, Literal(value)))
        else:
            graph.add((node, prop, decimal_literal(float(value))))  # type: ignore[arg-type]
    for sector in _listed(details.get("sectors_unknown")):
        graph.add((node, CKG.sectorUnknown, Literal(str(sector))))
    for unit in _listed(details.get("summed_units")):
        graph.add((node, CKG.aggregatedFrom, NUTS[str(unit)]))
    if component.kind == "employment-specialisation" and star is not None:
        graph.add((node, CKG.sizeTest, Literal(star.size)))
        graph.add((node, CKG.specialisationTest, Literal(star.specialisation)))
        graph.add((node, CKG.focusTest, Literal(star.focus)))


def _listed(value: object) -> list[object]:
    """A details entry that holds a list (or nothing)."""
    return list(value) if isinstance(value, list | tuple) else []


def decimal_literal(value: float) -> Literal:
    """A decimal literal with at most six decimals, written the same way every run."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    if "." not in text:
        text += ".0"
    return Literal(text, datatype=XSD.decimal)
