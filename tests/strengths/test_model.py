"""The strength arithmetic (kg.strengths.model) on a hand-computed fixture and by its invariants.

The fixture: three regions and the EU (the sum of the regions' countries), two sectors of one
technology. Every expected number below was computed by hand, with the working shown.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.strengths.model import (
    MIN_SECTOR_COVERAGE,
    Component,
    SectorWeight,
    count_advantage,
    location_quotient,
    percentiles,
    score,
    stars,
    top_share,
)

WEIGHTS = [SectorWeight("C26", 1.0), SectorWeight("C27", 0.5)]
#: EU totals: C26 1,000, C27 2,000, all sections 100,000 → weighted technology employment
#: 1,000 + 0.5 × 2,000 = 2,000, a reference share of 2 %.
EU = {"C26": 1000.0, "C27": 2000.0}
EU_TOTAL = 100_000.0
REGIONS = {
    # 600 + 0.5 × 400 = 800 of 10,000 = 8 % → LQ 4.0
    "AA11": ({"C26": 600.0, "C27": 400.0}, 10_000.0),
    # 100 + 0.5 × 600 = 400 of 40,000 = 1 % → LQ 0.5
    "BB22": ({"C26": 100.0, "C27": 600.0}, 40_000.0),
    # C26 confidential: C27 only, 0.5 × 500 = 250 of 5,000 = 5 %; the EU share over C27 alone
    # is 0.5 × 2,000 / 100,000 = 1 % → LQ 5.0, resting on C27 (coverage 1,000 / 2,000 = 0.5)
    "CC33": ({"C27": 500.0}, 5_000.0),
}


def quotients() -> dict[str, object]:
    return {
        code: location_quotient(employment, total, EU, EU_TOTAL, WEIGHTS)
        for code, (employment, total) in REGIONS.items()
    }


def test_location_quotients_computed_by_hand() -> None:
    found = quotients()
    assert found["AA11"].location_quotient == pytest.approx(4.0)
    assert found["BB22"].location_quotient == pytest.approx(0.5)
    cc33 = found["CC33"]
    assert cc33.location_quotient == pytest.approx(5.0)
    assert cc33.sectors_used == ("C27",)
    assert cc33.sectors_unknown == ("C26",)
    assert cc33.coverage == pytest.approx(0.5)
    assert cc33.reference_share == pytest.approx(0.01)


def test_too_little_coverage_is_insufficient_data_not_a_small_quotient() -> None:
    # Only C26 known would cover 1,000 / 2,000 = 0.5; with C27 weighted 2.0 it covers 1/5.
    heavy = [SectorWeight("C26", 1.0), SectorWeight("C27", 2.0)]
    assert MIN_SECTOR_COVERAGE > 1000 / (1000 + 2 * 2000)
    assert location_quotient({"C26": 50.0}, 1_000.0, EU, EU_TOTAL, heavy) is None


def test_unknown_total_gives_no_quotient() -> None:
    assert location_quotient({"C26": 50.0, "C27": 1.0}, None, EU, EU_TOTAL, WEIGHTS) is None


def test_stars_by_hand() -> None:
    # Of three regions, the top 10 % is ceil(0.3) = 1 region. Technology employment: AA11 800,
    # BB22 400, CC33 250 → size: AA11. Shares: 8 %, 1 %, 5 % → focus: AA11. LQ ≥ 2: AA11, CC33.
    result = stars({code: q for code, q in quotients().items() if q is not None})
    assert {code: s.count for code, s in result.items()} == {"AA11": 3, "BB22": 0, "CC33": 1}
    assert result["CC33"].specialisation and not result["CC33"].size


def test_percentiles_and_score_by_hand() -> None:
    ranks = percentiles({"AA11": 4.0, "BB22": 0.5, "CC33": 5.0})
    assert ranks == {"AA11": 0.5, "BB22": 0.0, "CC33": 1.0}
    # AA11: employment percentile 0.5 (weight 1), a count component at 0.9 (weight 0.5)
    # → (0.5 + 0.45) / 1.5 = 0.633333
    components = [
        Component("employment-specialisation", 1.0, 4.0, 0.5),
        Component("count-intensity", 0.5, 1.7, 0.9),
        Component("count-specialisation", 1.0, status="insufficient data"),
    ]
    assert score(components) == pytest.approx(0.633333)


def test_count_advantage_by_hand_and_minimum() -> None:
    # 30 AI preprints of 600 in the region (5 %), 1,000 of 100,000 over all (1 %) → RTA 5.0;
    # 3,000,000 inhabitants → 10 per million.
    advantage = count_advantage(30, 600, 1_000, 100_000, minimum_count=10, population=3e6)
    assert advantage is not None
    assert advantage.advantage == pytest.approx(5.0)
    assert advantage.per_million_inhabitants == pytest.approx(10.0)
    assert count_advantage(9, 600, 1_000, 100_000, minimum_count=10) is None


def test_top_share_admits_ties_at_the_boundary() -> None:
    assert top_share({"a": 3.0, "b": 3.0, "c": 1.0, "d": 0.5}, 0.25) == {"a", "b"}


# --- invariants ----------------------------------------------------------------------------------

# Persons employed: 0, or at least a thousandth (hypothesis once drew 2e-313, a subnormal float
# whose ratios lose precision in any arithmetic and say nothing about the model).
employment = st.one_of(st.just(0.0), st.floats(min_value=1e-3, max_value=1e6))
maybe_employment = st.one_of(st.none(), employment)
SECTORS = ("C20", "C26", "C27")


@st.composite
def regions(draw: st.DrawFn) -> dict[str, tuple[dict[str, float], float]]:
    count = draw(st.integers(min_value=1, max_value=8))
    out = {}
    for index in range(count):
        values = {s: draw(maybe_employment) for s in SECTORS}
        known = {s: v for s, v in values.items() if v is not None}
        total = sum(known.values()) + draw(st.floats(min_value=1.0, max_value=1e7))
        out[f"R{index}"] = (known, total)
    return out


weights_strategy = st.lists(
    st.tuples(st.sampled_from(SECTORS), st.sampled_from([0.1, 0.25, 0.5, 1.0])),
    min_size=1,
    max_size=3,
    unique_by=lambda pair: pair[0],
).map(lambda pairs: [SectorWeight(s, w) for s, w in pairs])


def reference_of(data: dict[str, tuple[dict[str, float], float]]) -> tuple[dict[str, float], float]:
    reference = {s: 1.0 + sum(e.get(s, 0.0) for e, _ in data.values()) for s in SECTORS}
    return reference, sum(t for _, t in data.values()) + sum(reference.values())


@settings(max_examples=150, deadline=None)
@given(regions(), weights_strategy, st.floats(min_value=0.01, max_value=1000.0))
def test_scaling_every_employment_figure_changes_no_quotient(
    data: dict[str, tuple[dict[str, float], float]], weights: list[SectorWeight], factor: float
) -> None:
    reference, reference_total = reference_of(data)
    for employment_by_sector, total in data.values():
        plain = location_quotient(employment_by_sector, total, reference, reference_total, weights)
        scaled = location_quotient(
            {s: v * factor for s, v in employment_by_sector.items()},
            total * factor,
            {s: v * factor for s, v in reference.items()},
            reference_total * factor,
            weights,
        )
        assert (plain is None) == (scaled is None)
        if plain is not None and scaled is not None:
            assert math.isclose(plain.location_quotient, scaled.location_quotient, rel_tol=1e-9)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=4), st.floats(0, 1e6), min_size=1))
def test_percentiles_are_in_the_unit_interval_and_deterministic(values: dict[str, float]) -> None:
    first = percentiles(values)
    assert first == percentiles(dict(reversed(list(values.items()))))
    assert all(0.0 <= p <= 1.0 for p in first.values())


component = st.builds(
    lambda weight, percentile: Component(
        "k",
        weight,
        None if percentile is None else 1.0,
        percentile,
        "measured" if percentile is not None else "insufficient data",
    ),
    st.sampled_from([0.1, 0.25, 0.5, 1.0]),
    st.one_of(st.none(), st.floats(min_value=0.0, max_value=1.0)),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(component, max_size=5))
def test_score_is_in_unit_interval_and_unknown_stays_unknown(components: list[Component]) -> None:
    result = score(components)
    if all(c.percentile is None for c in components):
        assert result is None  # nothing measured: unknown, never 0
    else:
        assert result is not None
        assert 0.0 <= result <= 1.0
    assert score(list(components)) == result


@settings(max_examples=100, deadline=None)
@given(regions(), weights_strategy)
def test_a_missing_sector_never_counts_as_zero(
    data: dict[str, tuple[dict[str, float], float]], weights: list[SectorWeight]
) -> None:
    """Leaving a sector out (unknown) and writing it as 0 are different answers: with the
    sector unknown, the quotient rests on the other sectors on both sides of the ratio."""
    reference, reference_total = reference_of(data)
    for employment_by_sector, total in data.values():
        quotient = location_quotient(
            employment_by_sector, total, reference, reference_total, weights
        )
        if quotient is None:
            continue
        assert set(quotient.sectors_unknown) == {
            w.sector for w in weights if w.sector not in employment_by_sector
        }
        used_share = (
            sum(w.weight * reference[w.sector] for w in weights if w.sector in employment_by_sector)
            / reference_total
        )
        assert math.isclose(quotient.reference_share, used_share, rel_tol=1e-9)
