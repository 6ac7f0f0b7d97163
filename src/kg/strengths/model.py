"""The technology-strength model as plain arithmetic: location quotients, the European Cluster
Observatory's three star tests, revealed advantages with minimum counts, percentiles and the
score. No RDF here: :mod:`kg.strengths.compute` reads the inputs from the graph and writes the
answers back. The formulas are documented in ``docs/strengths.md``.

Unknown stays unknown throughout: a missing input gives ``None`` (or a component whose status
says why), never ``0``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

#: A region's technology employment must rest on sectors that hold at least this share of the
#: technology's weighted EU employment; below it the quotient is "insufficient data".
MIN_SECTOR_COVERAGE = 0.5
#: The European Cluster Observatory's specialisation test: a location quotient of at least 2.
STAR_LQ = 2.0
#: Size and focus tests: the region is in the top 10 % of regions of its level.
STAR_TOP_SHARE = 0.1


@dataclass(frozen=True)
class SectorWeight:
    """One producer row of the sector → technology table."""

    sector: str
    weight: float


@dataclass(frozen=True)
class EmploymentQuotient:
    """A region's location quotient in one technology, with what it rests on."""

    #: Weighted employment of the region in the technology's sectors with data.
    technology_employment: float
    #: The region's employment in the denominator sections.
    region_employment: float
    #: The technology's share of employment in the reference (EU) over the same sectors.
    reference_share: float
    location_quotient: float
    #: The technology's sectors used, and those unknown for the region (confidential, missing).
    sectors_used: tuple[str, ...]
    sectors_unknown: tuple[str, ...]
    #: Share of the technology's weighted reference employment the used sectors hold.
    coverage: float

    @property
    def share(self) -> float:
        """The technology's share of the region's employment (the focus measure)."""
        return self.technology_employment / self.region_employment


def location_quotient(
    region: Mapping[str, float],
    region_total: float | None,
    reference: Mapping[str, float],
    reference_total: float,
    weights: Sequence[SectorWeight],
) -> EmploymentQuotient | None:
    """LQ_rT = (Σ w_s e_rs / e_r) / (Σ w_s e_EU,s / e_EU) over the sectors s of technology T
    known both for the region and the reference; None if the region's total is unknown, or
    the known sectors hold less than :data:`MIN_SECTOR_COVERAGE` of the technology's
    reference employment (or none of it).

    >>> w = [SectorWeight("C26", 1.0)]
    >>> q = location_quotient({"C26": 30.0}, 1000.0, {"C26": 100.0}, 10000.0, w)
    >>> round(q.location_quotient, 6)
    3.0
    >>> location_quotient({}, 1000.0, {"C26": 100.0}, 10000.0, w) is None
    True
    """
    if not region_total or region_total <= 0 or reference_total <= 0:
        return None
    in_reference = [w for w in weights if reference.get(w.sector) is not None]
    reference_weighted = sum(w.weight * reference[w.sector] for w in in_reference)
    if reference_weighted <= 0:
        return None
    used = [w for w in in_reference if region.get(w.sector) is not None]
    unknown = tuple(sorted(w.sector for w in weights if region.get(w.sector) is None))
    used_reference = sum(w.weight * reference[w.sector] for w in used)
    coverage = used_reference / reference_weighted
    if not used or coverage < MIN_SECTOR_COVERAGE:
        return None
    technology_employment = sum(w.weight * region[w.sector] for w in used)
    reference_share = used_reference / reference_total
    quotient = (technology_employment / region_total) / reference_share
    return EmploymentQuotient(
        technology_employment=technology_employment,
        region_employment=region_total,
        reference_share=reference_share,
        location_quotient=quotient,
        sectors_used=tuple(sorted(w.sector for w in used)),
        sectors_unknown=unknown,
        coverage=coverage,
    )


def top_share(values: Mapping[str, float], share: float = STAR_TOP_SHARE) -> set[str]:
    """The keys whose value is in the top ``share`` of all values: those ranked within the first
    ceil(share × n), ties included (a tie at the boundary admits every tied key).

    >>> sorted(top_share({f"r{i}": float(i) for i in range(20)}))
    ['r18', 'r19']
    >>> sorted(top_share({"a": 1.0, "b": 1.0, "c": 0.5}, 0.1))
    ['a', 'b']
    """
    if not values:
        return set()
    ordered = sorted(values.values(), reverse=True)
    threshold = ordered[math.ceil(share * len(ordered)) - 1]
    return {key for key, value in values.items() if value >= threshold}


@dataclass(frozen=True)
class Stars:
    """The European Cluster Observatory's three tests for one region and technology."""

    size: bool
    specialisation: bool
    focus: bool

    @property
    def count(self) -> int:
        """0-3 stars: one per test passed."""
        return int(self.size) + int(self.specialisation) + int(self.focus)


def stars(quotients: Mapping[str, EmploymentQuotient]) -> dict[str, Stars]:
    """Stars of every region with a quotient, within the regions given (one level, one
    technology): size = top 10 % by technology employment, specialisation = LQ ≥ 2, focus = top
    10 % by the technology's share of the region's employment."""
    size = top_share({key: q.technology_employment for key, q in quotients.items()})
    focus = top_share({key: q.share for key, q in quotients.items()})
    return {
        key: Stars(
            size=key in size,
            specialisation=q.location_quotient >= STAR_LQ,
            focus=key in focus,
        )
        for key, q in quotients.items()
    }


@dataclass(frozen=True)
class CountAdvantage:
    """A count indicator of a region (patents, preprints) against a reference."""

    count: float
    #: The region's total to compare with (all preprints; population for patents).
    base: float
    #: (count / base) / (reference count / reference base): a revealed advantage (RTA) when the
    #: base is a total of the same kind, a relative intensity when it is the population.
    advantage: float
    #: Count per million inhabitants, when the population is known.
    per_million_inhabitants: float | None


def count_advantage(
    count: float | None,
    base: float | None,
    reference_count: float,
    reference_base: float,
    *,
    minimum_count: float,
    population: float | None = None,
) -> CountAdvantage | None:
    """The advantage of a count, or None when a number is missing or the count is below
    ``minimum_count`` (a handful of patents says nothing about strength: "insufficient data").

    >>> round(count_advantage(20, 1000, 100, 10000, minimum_count=10).advantage, 6)
    2.0
    >>> count_advantage(5, 1000, 100, 10000, minimum_count=10) is None
    True
    """
    if count is None or base is None or base <= 0 or count < minimum_count:
        return None
    if reference_count <= 0 or reference_base <= 0:
        return None
    advantage = (count / base) / (reference_count / reference_base)
    per_million = count / population * 1_000_000 if population else None
    return CountAdvantage(count, base, advantage, per_million)


def percentiles(values: Mapping[str, float]) -> dict[str, float]:
    """Mid-rank percentile of each value among all, in [0, 1]: the share of the others that are
    lower, counting ties as half. Deterministic; one value alone is 0.5.

    >>> percentiles({"a": 1.0, "b": 2.0, "c": 3.0})
    {'a': 0.0, 'b': 0.5, 'c': 1.0}
    >>> percentiles({"a": 1.0, "b": 1.0})
    {'a': 0.5, 'b': 0.5}
    """
    n = len(values)
    if n == 1:
        return dict.fromkeys(values, 0.5)
    ordered = sorted(values.values())
    out: dict[str, float] = {}
    for key, value in values.items():
        below = _count_below(ordered, value)
        equal = _count_below(ordered, value, inclusive=True) - below
        out[key] = (below + 0.5 * (equal - 1)) / (n - 1)
    return out


def _count_below(ordered: Sequence[float], value: float, *, inclusive: bool = False) -> int:
    from bisect import bisect_left, bisect_right

    return (bisect_right if inclusive else bisect_left)(ordered, value)


@dataclass(frozen=True)
class Component:
    """One measured part of a strength: its kind, value, percentile and weight in the score.

    ``percentile`` is None when the component could not be measured (``status`` says why); such
    a component is reported but does not enter the score."""

    kind: str
    weight: float
    value: float | None = None
    percentile: float | None = None
    status: str = "measured"
    details: Mapping[str, object] = field(default_factory=dict)


def score(components: Sequence[Component]) -> float | None:
    """The weighted mean of the measured components' percentiles, in [0, 1]; None if no
    component was measured (the strength is unknown, not zero).

    >>> score([Component("a", 1.0, 2.0, 0.8), Component("b", 0.5, 1.0, 0.2)])
    0.6
    >>> score([Component("a", 1.0, status="insufficient data")]) is None
    True
    """
    measured = [c for c in components if c.percentile is not None and c.weight > 0]
    if not measured:
        return None
    total_weight = sum(c.weight for c in measured)
    value = sum(c.weight * c.percentile for c in measured if c.percentile is not None)
    return round(value / total_weight, 6)


def as_float(value: Decimal | float | int | None) -> float | None:
    """A number as float, keeping None."""
    return None if value is None else float(value)
