"""The matching model: a region's needs, partner matches, gaps and peers (``docs/matching.md``).

Pure functions over plain data (:class:`MatchInputs`), so that the rules can be tested on a
hand-made fixture and computed for every region in one pass. Reading the inputs from the graph is
:mod:`kg.matching.inputs`; writing the results as RDF is :mod:`kg.matching.graph`.

Every factor and threshold is a named constant here and documented in ``docs/matching.md``;
unknown stays unknown (a partner without a measured strength is never matched with a strength of
0, a region without a development category gets no learning-direction weight, and says so).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

#: Weights of the match score's components; they sum to 1, so the score stays in [0, 1].
STRENGTH_WEIGHT = 0.70
CLUSTER_WEIGHT = 0.15
COOPERATION_WEIGHT = 0.10
LEARNING_WEIGHT = 0.05
#: A partner must be measured at least this strong (its strength score, a percentile-based
#: score among regions of its NUTS level: 0.5 is the median).
MIN_PARTNER_STRENGTH = 0.5
#: Partners kept per need (region, priority, technology), best first: a shortlist; the full
#: ranking of regions in a technology is the technology's own page.
PARTNERS_PER_NEED = 5
#: A need whose local strength is below this score (or unknown) is a gap.
GAP_THRESHOLD = 0.5
#: Helpers listed per gap (the best matches of the need).
HELPERS_PER_GAP = 5
#: Peers: the share of the peer score that is structural similarity (the rest is advantage).
SIMILARITY_WEIGHT = 0.7
#: A peer is stronger in a technology when its score exceeds the region's by at least this.
STRONGER_MARGIN = 0.1
#: Structural variables both regions must have to be compared at all.
MIN_SHARED_VARIABLES = 3
#: Peers kept per region.
PEERS_PER_REGION = 10
#: Two regions are "similar" in a variable when their z-scores differ by at most this.
SIMILAR_Z = 0.5
#: Partners and peers are NUTS 2 regions: the level with the most complete data.
PARTNER_LEVEL = 2

#: Development categories from least to most developed (cohesion policy 2021-2027).
CATEGORY_RANK = {"less-developed": 0, "transition": 1, "more-developed": 2}


@dataclass(frozen=True)
class Region:
    """A current NUTS region (NUTS 2024)."""

    code: str
    label: str
    level: int
    parent: str | None


@dataclass(frozen=True)
class PriorityTechnology:
    """One technology an S3 priority relies on, stated by its source or derived by a rule."""

    priority: str
    priority_label: str
    #: The current region of the priority's strategy.
    region: str
    technology: str
    stated: bool
    #: The resources that say so: the priority (stated) or the technology match (derived).
    evidence: tuple[str, ...]
    #: For a derived technology: the rules and the words they matched, for the reason.
    rule_note: str = ""


@dataclass(frozen=True)
class Component:
    """A measured component of a strength, for the reasons and evidence."""

    iri: str
    kind: str
    value: float | None
    percentile: float | None
    years: tuple[str, ...]
    #: The count indicator's slug (count components), for the words of the reason.
    indicator: str | None = None


@dataclass(frozen=True)
class Strength:
    """A stored technology strength of a region (``ckg:TechnologyStrength``)."""

    iri: str
    region: str
    technology: str
    score: float | None
    stars: int | None
    components: tuple[Component, ...] = ()


@dataclass(frozen=True)
class Cluster:
    """A cluster organisation, its current region and the technologies it works on."""

    iri: str
    label: str
    region: str
    technologies: frozenset[str]


@dataclass(frozen=True)
class PartnerRole:
    """One organisation's participation in a cooperation project, for the region it represents."""

    iri: str
    project: str
    project_label: str
    organisation: str
    organisation_label: str
    region: str
    instruments: tuple[str, ...] = ()


@dataclass(frozen=True)
class Category:
    """A region's development category for 2021-2027 (the assignment that states it)."""

    assignment: str
    category: str
    label: str
    basis: str


@dataclass(frozen=True)
class Variable:
    """A structural variable's value for a region, with the observations it was computed from."""

    value: float
    year: str
    evidence: tuple[str, ...]


#: The structural variables of the peer comparison (the JRC benchmarking tool's spirit): name,
#: label for people, unit. Sector mix is several shares compared together as one variable.
VARIABLES: dict[str, tuple[str, str]] = {
    "gdp-per-inhabitant": ("GDP per inhabitant", "% of the EU average in PPS"),
    "business-rd-intensity": ("business R&D expenditure", "% of GDP"),
    "high-tech-employment": ("employment in high-tech sectors", "% of employment"),
    "sector-mix": ("sector mix of business employment", "shares of nine NACE sections"),
}
SECTOR_MIX = "sector-mix"


@dataclass
class MatchInputs:
    """Everything the model reads, by current NUTS code and technology IRI."""

    regions: dict[str, Region]
    priorities: list[PriorityTechnology]
    strengths: dict[tuple[str, str], Strength]
    clusters: list[Cluster]
    partner_roles: list[PartnerRole]
    categories: dict[str, Category]
    #: variable name → region → value; sector mix as ``sector-mix:C`` … per section.
    variables: dict[str, dict[str, Variable]]
    technology_labels: dict[str, str]
    #: Each technology IRI → the technology whose strengths stand for it (KET/ATI namesakes).
    canonical: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._children: dict[str, list[str]] = defaultdict(list)
        for region in self.regions.values():
            if region.parent:
                self._children[region.parent].append(region.code)
        self._ancestors: dict[str, tuple[str, ...]] = {}

    def ancestors(self, code: str) -> tuple[str, ...]:
        """The regions ``code`` lies in, nearest first."""
        cached = self._ancestors.get(code)
        if cached is not None:
            return cached
        found: list[str] = []
        parent = self.regions[code].parent if code in self.regions else None
        while parent is not None and parent not in found:
            found.append(parent)
            parent = self.regions[parent].parent if parent in self.regions else None
        self._ancestors[code] = tuple(found)
        return self._ancestors[code]

    def descendants(self, code: str) -> list[str]:
        """The regions inside ``code``, at every level below it."""
        found: list[str] = []
        stack = sorted(self._children.get(code, []), reverse=True)
        while stack:
            child = stack.pop()
            found.append(child)
            stack.extend(sorted(self._children.get(child, []), reverse=True))
        return found

    def overlaps(self, a: str, b: str) -> bool:
        """Whether two regions share territory: the same, or one lies in the other."""
        return a == b or a in self.ancestors(b) or b in self.ancestors(a)

    def label(self, code: str) -> str:
        """The region's label, else its code."""
        region = self.regions.get(code)
        return region.label if region else code

    def technology(self, iri: str) -> str:
        """The technology whose strengths stand for ``iri``."""
        return self.canonical.get(iri, iri)


@dataclass(frozen=True)
class Need:
    """A technology region A needs for one of its S3 priorities (or of a region it lies in or
    that lies in it)."""

    region: str
    source: PriorityTechnology
    technology: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.region, self.source.priority, self.technology)


@dataclass(frozen=True)
class Reason:
    """A reason in words, with the resources a person can follow to check it."""

    kind: str
    text: str
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Match:
    """Partner region B for region A's need: the score and its components."""

    need: Need
    partner: str
    score: float
    rank: int
    strength: Strength
    #: The partner's strength score (a match needs one: unknown is never matched).
    strength_score: float
    clusters: tuple[Cluster, ...]
    connections: tuple[tuple[PartnerRole, PartnerRole], ...]
    learning: float
    partner_category: Category | None
    region_category: Category | None
    reasons: tuple[Reason, ...]

    @property
    def cluster_factor(self) -> float:
        return 1.0 if self.clusters else 0.0

    @property
    def cooperation_factor(self) -> float:
        return 1.0 if self.connections else 0.0


@dataclass(frozen=True)
class Gap:
    """A need without a measured local strength, or with a weak one, and who could help."""

    need: Need
    #: The region whose strength was looked at (A itself).
    local: Strength | None
    kind: str  # "unmeasured" or "weak"
    helpers: tuple[Match, ...]
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Comparison:
    """One structural variable of a peer comparison."""

    variable: str
    region_value: float | None
    peer_value: float | None
    distance: float
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Peer:
    """A structurally similar region that is stronger in some of A's needed technologies."""

    region: str
    peer: str
    score: float
    rank: int
    similarity: float
    comparisons: tuple[Comparison, ...]
    stronger: tuple[tuple[Strength, Strength], ...]
    needed: int
    reasons: tuple[Reason, ...]


@dataclass
class RegionResults:
    """Everything computed for one region."""

    region: str
    needs: list[Need]
    matches: list[Match]
    gaps: list[Gap]
    peers: list[Peer]


def round6(value: float) -> float:
    """Scores are stored and compared with six decimals, so answers are the same byte for byte."""
    return round(value + 0.0, 6)


def needs_of(inputs: MatchInputs, code: str) -> list[Need]:
    """The technologies ``code``'s S3 priorities rely on: its own strategies', those of the
    regions it lies in (a national strategy) and those of the regions inside it."""
    territory = {code, *inputs.ancestors(code), *inputs.descendants(code)}
    found: dict[tuple[str, str, str], Need] = {}
    for source in inputs.priorities:
        if source.region not in territory:
            continue
        need = Need(code, source, inputs.technology(source.technology))
        # A priority stated and derived for the same technology: the stated one speaks.
        if need.key not in found or (source.stated and not found[need.key].source.stated):
            found[need.key] = need
    return sorted(found.values(), key=lambda n: (n.source.priority_label, n.key))


def learning_factor(region: Category | None, partner: Category | None) -> float:
    """1 when the partner is more developed than the region (ClusterFY's learning direction),
    else 0; 0 too when either category is unknown (shown as unknown, not weighted)."""
    if region is None or partner is None:
        return 0.0
    return 1.0 if CATEGORY_RANK[partner.category] > CATEGORY_RANK[region.category] else 0.0


def match_score(strength: float, clusters: float, cooperation: float, learning: float) -> float:
    """The match score in [0, 1]: the weighted sum of the partner's strength score and the three
    factors (each 0 or 1)."""
    return round6(
        STRENGTH_WEIGHT * strength
        + CLUSTER_WEIGHT * clusters
        + COOPERATION_WEIGHT * cooperation
        + LEARNING_WEIGHT * learning
    )


class Matcher:
    """Computes matches, gaps and peers over one :class:`MatchInputs`."""

    def __init__(self, inputs: MatchInputs) -> None:
        self.inputs = inputs
        self.partners = sorted(c for c, r in inputs.regions.items() if r.level == PARTNER_LEVEL)
        self._clusters: dict[tuple[str, str], list[Cluster]] = defaultdict(list)
        for cluster in sorted(inputs.clusters, key=lambda c: (c.label, c.iri)):
            for code in (cluster.region, *inputs.ancestors(cluster.region)):
                for technology in cluster.technologies:
                    self._clusters[(code, inputs.technology(technology))].append(cluster)
        self._z = _z_scores(inputs.variables, set(self.partners))
        self._roles = sorted(inputs.partner_roles, key=lambda r: (r.project, r.iri))
        self._roles_of: dict[str, list[PartnerRole]] = {}
        self._connections: dict[tuple[str, str], list[tuple[PartnerRole, PartnerRole]]] = {}

    # -- matches ----------------------------------------------------------------------------

    def matches_for(self, need: Need, limit: int = PARTNERS_PER_NEED) -> list[Match]:
        """The best partner regions for ``need``, ranked: by score, then the partner's strength
        score, then the partner's NUTS code (the stated tie rule)."""
        inputs = self.inputs
        region_category = inputs.categories.get(need.region)
        candidates: list[tuple[float, float, str, Strength]] = []
        for partner in self.partners:
            strength = inputs.strengths.get((partner, need.technology))
            if strength is None or strength.score is None:
                continue  # unknown stays unknown: never matched as if 0
            if strength.score < MIN_PARTNER_STRENGTH or inputs.overlaps(need.region, partner):
                continue
            clusters = self._clusters.get((partner, need.technology), [])
            connections = self.connections(need.region, partner)
            learning = learning_factor(region_category, inputs.categories.get(partner))
            score = match_score(
                strength.score, 1.0 if clusters else 0.0, 1.0 if connections else 0.0, learning
            )
            candidates.append((score, strength.score, partner, strength))
        candidates.sort(key=lambda c: (-c[0], -c[1], c[2]))
        matches = []
        for rank, (score, strength_score, partner, strength) in enumerate(
            candidates[:limit], start=1
        ):
            partner_category = inputs.categories.get(partner)
            match = Match(
                need=need,
                partner=partner,
                score=score,
                rank=rank,
                strength=strength,
                strength_score=strength_score,
                clusters=tuple(self._clusters.get((partner, need.technology), [])),
                connections=tuple(self.connections(need.region, partner)),
                learning=learning_factor(region_category, partner_category),
                partner_category=partner_category,
                region_category=region_category,
                reasons=(),
            )
            matches.append(_with_reasons(match, inputs))
        return matches

    def connections(self, region: str, partner: str) -> list[tuple[PartnerRole, PartnerRole]]:
        """Pairs of partner roles in one project, one representing (part of) ``region`` and
        another (a different role) representing (part of) ``partner``."""
        key = (region, partner)
        if key not in self._connections:
            self._connections[key] = [
                (own, other)
                for own in self._roles_of_region(region)
                for other in self._roles_of_region(partner)
                if other.project == own.project
                and other.iri != own.iri
                and other.region != own.region
            ]
        return self._connections[key]

    def _roles_of_region(self, code: str) -> list[PartnerRole]:
        """The partner roles that represent ``code``: those for it or a region inside it, else
        (only when there are none) those for a region it lies in, such as a national agency."""
        if code not in self._roles_of:
            inside = [
                r for r in self._roles if code in (r.region, *self.inputs.ancestors(r.region))
            ]
            around = [r for r in self._roles if r.region in self.inputs.ancestors(code)]
            self._roles_of[code] = inside or around
        return self._roles_of[code]

    # -- gaps -------------------------------------------------------------------------------

    def gap_for(self, need: Need, matches: Sequence[Match]) -> Gap | None:
        """The gap of ``need`` when its local strength is unknown or below the threshold."""
        local = self.inputs.strengths.get((need.region, need.technology))
        if local is not None and local.score is not None and local.score >= GAP_THRESHOLD:
            return None
        kind = "unmeasured" if local is None or local.score is None else "weak"
        helpers = tuple(matches[:HELPERS_PER_GAP])
        return Gap(need, local, kind, helpers, _gap_reasons(need, local, kind, helpers, self))

    # -- peers ------------------------------------------------------------------------------

    def peers_for(self, code: str, needs: Sequence[Need]) -> list[Peer]:
        """Regions similar to ``code`` in the structural variables and stronger in at least one
        of its needed technologies, ranked by peer score, then similarity, then code."""
        inputs = self.inputs
        if code not in self._z.regions:
            return []
        technologies = sorted({n.technology for n in needs})
        own: dict[str, tuple[Strength, float]] = {}
        for technology in technologies:
            strength = inputs.strengths.get((code, technology))
            if strength is not None and strength.score is not None:
                own[technology] = (strength, strength.score)
        known = sorted(own)
        if not known:
            return []
        candidates: list[Peer] = []
        for peer in self.partners:
            if peer == code or inputs.overlaps(code, peer):
                continue
            comparisons = self._z.compare(code, peer)
            if len(comparisons) < MIN_SHARED_VARIABLES:
                continue
            stronger = []
            for technology in known:
                theirs = inputs.strengths.get((peer, technology))
                mine, my_score = own[technology]
                if (
                    theirs is not None
                    and theirs.score is not None
                    and theirs.score >= my_score + STRONGER_MARGIN - 1e-9
                ):
                    stronger.append((mine, theirs))
            if not stronger:
                continue
            distance = math.sqrt(sum(c.distance for c in comparisons) / len(comparisons))
            similarity = round6(1 / (1 + distance))
            advantage = len(stronger) / len(known)
            score = round6(SIMILARITY_WEIGHT * similarity + (1 - SIMILARITY_WEIGHT) * advantage)
            candidates.append(
                Peer(code, peer, score, 0, similarity, tuple(comparisons), tuple(stronger),
                     len(known), ())
            )  # fmt: skip
        candidates.sort(key=lambda p: (-p.score, -p.similarity, p.peer))
        return [
            _peer_with_reasons(candidate, rank, self)
            for rank, candidate in enumerate(candidates[:PEERS_PER_REGION], start=1)
        ]

    # -- all --------------------------------------------------------------------------------

    def results_for(self, code: str) -> RegionResults:
        """Needs, matches, gaps and peers of one region."""
        needs = needs_of(self.inputs, code)
        matches: list[Match] = []
        gaps: list[Gap] = []
        for need in needs:
            found = self.matches_for(need)
            matches.extend(found)
            gap = self.gap_for(need, found)
            if gap is not None:
                gaps.append(gap)
        level = self.inputs.regions[code].level if code in self.inputs.regions else None
        peers = self.peers_for(code, needs) if level == PARTNER_LEVEL else []
        return RegionResults(code, needs, matches, gaps, peers)


def regions_to_compute(inputs: MatchInputs) -> list[str]:
    """Every current NUTS 2 region, and every country or NUTS 1 region with an S3 priority with
    a technology in its territory."""
    with_priorities = {p.region for p in inputs.priorities}
    chosen = set()
    for code, region in inputs.regions.items():
        if region.level == PARTNER_LEVEL:
            chosen.add(code)
        elif region.level in (0, 1):
            territory = {code, *inputs.descendants(code)}
            if territory & with_priorities:
                chosen.add(code)
    return sorted(chosen)


def compute_all(inputs: MatchInputs, regions: Iterable[str] | None = None) -> list[RegionResults]:
    """Results for ``regions`` (default: :func:`regions_to_compute`), in code order."""
    matcher = Matcher(inputs)
    chosen = sorted(regions) if regions is not None else regions_to_compute(inputs)
    return [matcher.results_for(code) for code in chosen]


# -- structural variables ---------------------------------------------------------------------


class _ZScores:
    """Z-scores of the structural variables among the NUTS 2 regions that have them."""

    def __init__(self, values: Mapping[str, Mapping[str, Variable]], regions: set[str]) -> None:
        self.values = values
        self.z: dict[str, dict[str, float]] = {}
        for name, by_region in values.items():
            known = {code: v.value for code, v in by_region.items() if code in regions}
            if len(known) < 2:
                continue
            mean = sum(known.values()) / len(known)
            sd = math.sqrt(sum((v - mean) ** 2 for v in known.values()) / (len(known) - 1))
            if sd == 0:
                continue
            self.z[name] = {code: (v - mean) / sd for code, v in known.items()}
        self.regions = {code for by_region in self.z.values() for code in by_region}
        self.sections = sorted(n for n in self.z if n.startswith(SECTOR_MIX + ":"))

    def compare(self, a: str, b: str) -> list[Comparison]:
        """The variables known for both, each with its squared z-score distance (sector mix:
        the mean over its shares, needing every share for both)."""
        found = []
        for name in VARIABLES:
            if name == SECTOR_MIX:
                if not self.sections:
                    continue
                shares = [self.z[s] for s in self.sections]
                if not all(a in z and b in z for z in shares):
                    continue
                distance = sum((z[a] - z[b]) ** 2 for z in shares) / len(shares)
                evidence = tuple(
                    iri for s in self.sections for c in (a, b) for iri in self.values[s][c].evidence
                )
                found.append(Comparison(name, None, None, distance, evidence))
                continue
            z = self.z.get(name)
            if z is None or a not in z or b not in z:
                continue
            va, vb = self.values[name][a], self.values[name][b]
            found.append(
                Comparison(name, va.value, vb.value, (z[a] - z[b]) ** 2, va.evidence + vb.evidence)
            )
        return found


def _z_scores(values: Mapping[str, Mapping[str, Variable]], regions: set[str]) -> _ZScores:
    return _ZScores(values, regions)


# -- reasons in words -------------------------------------------------------------------------

_COMPONENT_WORDS = {
    "employment-specialisation": "employment in its sectors is {value} times the EU share "
    "(location quotient{years})",
    "count-specialisation": "its share of {indicator} is {value} times the reference "
    "(revealed advantage{years})",
    "count-intensity": "{indicator} per inhabitant are {value} times the reference{years}",
}


def _number(value: float, digits: int = 2) -> str:
    return f"{value:.{digits}f}"


def _need_reason(need: Need, inputs: MatchInputs) -> Reason:
    source = need.source
    where = inputs.label(source.region)
    own = source.region == need.region
    whose = f"{where}'s" if own else f"{where}'s ({source.region})"
    technology = inputs.technology_labels.get(need.technology, need.technology)
    if source.stated:
        how = "as its source states"
    else:
        how = "as derived by ClusterKG's rules"
        if source.rule_note:
            how += f" ({source.rule_note})"
    text = f'{whose} S3 priority "{source.priority_label}" relies on {technology}, {how}.'
    return Reason("need", text, source.evidence)


def _strength_reason(match: Match, inputs: MatchInputs) -> Reason:
    strength = match.strength
    partner = f"{inputs.label(match.partner)} ({match.partner})"
    technology = inputs.technology_labels.get(strength.technology, strength.technology)
    parts = [
        f"{partner} is measured strong in {technology}: strength score "
        f"{_number(match.strength_score)} of 1 (a percentile-based score among NUTS 2 regions)"
    ]
    if strength.stars:
        parts.append(f"{strength.stars} of 3 cluster stars")
    details = []
    # Employment first: it is the component every technology has.
    ordered = sorted(
        strength.components, key=lambda c: (c.kind != "employment-specialisation", c.iri)
    )
    for component in ordered:
        if component.value is None or component.kind not in _COMPONENT_WORDS:
            continue
        years = f", {'-'.join(_span(component.years))}" if component.years else ""
        indicator = _INDICATOR_WORDS.get(component.indicator or "", component.indicator or "")
        details.append(
            _COMPONENT_WORDS[component.kind].format(
                value=_number(component.value), years=years, indicator=indicator
            )
        )
    text = "; ".join(parts)
    if details:
        text += "; " + "; ".join(details)
    evidence = (strength.iri, *(c.iri for c in strength.components if c.value is not None))
    return Reason("strength", text + ".", evidence)


_INDICATOR_WORDS = {
    "i40-patent-count": "Industry 4.0 patents",
    "arxiv-artificial-intelligence-count": "AI preprints",
}


def _span(years: tuple[str, ...]) -> list[str]:
    ordered = sorted(years)
    return [ordered[0]] if len(ordered) == 1 else [ordered[0], ordered[-1]]


def _cluster_reason(match: Match, inputs: MatchInputs) -> Reason | None:
    if not match.clusters:
        return None
    technology = inputs.technology_labels.get(match.need.technology, match.need.technology)
    names = ", ".join(c.label for c in match.clusters)
    count = len(match.clusters)
    noun = "cluster organisation" if count == 1 else "cluster organisations"
    verb = "works" if count == 1 else "work"
    text = f"{count} {noun} of {inputs.label(match.partner)} {verb} on {technology}: {names}."
    return Reason("clusters", text, tuple(c.iri for c in match.clusters))


def _cooperation_reason(match: Match, inputs: MatchInputs) -> Reason | None:
    if not match.connections:
        return None
    by_project: dict[str, list[tuple[PartnerRole, PartnerRole]]] = defaultdict(list)
    for pair in match.connections:
        by_project[pair[0].project_label].append(pair)
    parts = []

    def named(role: PartnerRole) -> str:
        return f"{role.organisation_label} for {inputs.label(role.region)}"

    for project, pairs in sorted(by_project.items()):
        roles = sorted({named(p[0]) for p in pairs}) + sorted({named(p[1]) for p in pairs})
        parts.append(f"{project} ({'; '.join(dict.fromkeys(roles))})")
    evidence = tuple(
        dict.fromkeys(
            iri
            for own, other in match.connections
            for iri in (own.project, own.iri, other.iri, *own.instruments, *other.instruments)
        )
    )
    text = (
        f"Already connected: {inputs.label(match.need.region)} and "
        f"{inputs.label(match.partner)} are partners in {'; '.join(parts)}."
    )
    return Reason("cooperation", text, evidence)


def _learning_reason(match: Match, inputs: MatchInputs) -> Reason:
    own, theirs = match.region_category, match.partner_category
    region, partner = inputs.label(match.need.region), inputs.label(match.partner)
    if own is None or theirs is None:
        missing = region if own is None else partner
        text = (
            f"Learning direction not weighted: no 2021-2027 development category is known for "
            f"{missing} (categories are given for NUTS 2 regions)."
        )
        evidence = tuple(c.assignment for c in (own, theirs) if c is not None)
        return Reason("learning", text, evidence)
    if match.learning:
        text = (
            f"Learning direction: {partner} is a {theirs.label}, {region} a {own.label} "
            f"(2021-2027, {theirs.basis}); weighted {LEARNING_WEIGHT:.2f} as documented."
        )
    else:
        text = (
            f"No learning-direction weight: {partner} is a {theirs.label}, {region} a "
            f"{own.label} (2021-2027, {theirs.basis})."
        )
    return Reason("learning", text, (theirs.assignment, own.assignment))


def _with_reasons(match: Match, inputs: MatchInputs) -> Match:
    reasons = [
        _need_reason(match.need, inputs),
        _strength_reason(match, inputs),
        _cluster_reason(match, inputs),
        _cooperation_reason(match, inputs),
        _learning_reason(match, inputs),
    ]
    return Match(**{**match.__dict__, "reasons": tuple(r for r in reasons if r is not None)})


def _gap_reasons(
    need: Need, local: Strength | None, kind: str, helpers: Sequence[Match], matcher: Matcher
) -> tuple[Reason, ...]:
    inputs = matcher.inputs
    region = inputs.label(need.region)
    technology = inputs.technology_labels.get(need.technology, need.technology)
    if local is None or local.score is None:
        why = (
            f"{region} has no measured strength in {technology}: the data do not allow one "
            "(unknown, not zero)."
        )
        evidence: tuple[str, ...] = (local.iri,) if local is not None else ()
    else:
        why = (
            f"{region}'s strength in {technology} is {_number(local.score)} of 1, below the gap "
            f"threshold {GAP_THRESHOLD:.2f} (the median of its level)."
        )
        evidence = (local.iri,)
    reasons = [_need_reason(need, inputs), Reason("local-strength", why, evidence)]
    if helpers:
        names = ", ".join(
            f"{inputs.label(m.partner)} ({m.partner}, {_number(m.score)})" for m in helpers
        )
        reasons.append(
            Reason(
                "helpers", f"Best placed to help: {names}.", tuple(m.strength.iri for m in helpers)
            )
        )
    else:
        reasons.append(Reason("helpers", "No partner region is measured strong in it.", ()))
    return tuple(reasons)


def _peer_with_reasons(peer: Peer, rank: int, matcher: Matcher) -> Peer:
    inputs = matcher.inputs
    region, other = inputs.label(peer.region), inputs.label(peer.peer)
    similar = [c for c in peer.comparisons if math.sqrt(c.distance) <= SIMILAR_Z]
    different = [c for c in peer.comparisons if math.sqrt(c.distance) > SIMILAR_Z]

    def described(c: Comparison) -> str:
        label, unit = VARIABLES[c.variable]
        if c.region_value is None or c.peer_value is None:
            return label
        return (
            f"{label} ({region} {_number(c.region_value, 1)}, {other} "
            f"{_number(c.peer_value, 1)} {unit})"
        )

    reasons = []
    if similar:
        text = f"{other} is similar to {region} in " + "; ".join(described(c) for c in similar)
        reasons.append(
            Reason("similarity", text + ".", tuple(i for c in similar for i in c.evidence))
        )
    if different:
        text = "It differs in " + "; ".join(described(c) for c in different)
        reasons.append(
            Reason("difference", text + ".", tuple(i for c in different for i in c.evidence))
        )
    stronger = "; ".join(
        f"{inputs.technology_labels.get(theirs.technology, theirs.technology)} "
        f"({_number(theirs.score or 0)} against {_number(mine.score or 0)})"
        for mine, theirs in peer.stronger
    )
    reasons.append(
        Reason(
            "advantage",
            f"{other} is stronger in {len(peer.stronger)} of the {peer.needed} technologies "
            f"{region} needs with a measured strength: {stronger}.",
            tuple(i for pair in peer.stronger for i in (pair[1].iri, pair[0].iri)),
        )
    )
    return Peer(**{**peer.__dict__, "rank": rank, "reasons": tuple(reasons)})
