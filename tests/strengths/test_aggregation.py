"""NUTS 1 regions and countries summed from NUTS 2 units (kg.strengths.compute), on a
hand-computed fixture.

The fixture: country AA with NUTS 1 regions AA1 (AA11, AA12), AA2 (AA21, AA22), AA3 (AA31) and
AA4 (AA41); country BB with BB1 (BB11). AA30 is a published unit of an older NUTS version whose
territory is now AA31 and AA41, in two NUTS 1 regions. One technology, made by sector C26
(weight 1) and measured by Industry 4.0 patents (weight 0.5). Every expected number below was
computed by hand, with the working shown.
"""

from __future__ import annotations

import pytest
from rdflib import URIRef

from kg.strengths.compute import (
    EMPLOYMENT_SECTIONS,
    Inputs,
    Observation,
    StrengthRecord,
    Unit,
    compute_strengths,
    sum_over_regions,
)
from kg.strengths.model import SectorWeight

TECHNOLOGY = URIRef("https://w3id.org/clusterkg/ket/example")
PATENTS = "i40-patent-count"
POPULATION = "population-1-january"
#: Current NUTS 2 region → (NUTS 1 region, country), as read from the NUTS 2024 hierarchy.
PARENTS = {
    "AA11": ("AA1", "AA"),
    "AA12": ("AA1", "AA"),
    "AA21": ("AA2", "AA"),
    "AA22": ("AA2", "AA"),
    "AA31": ("AA3", "AA"),
    "AA41": ("AA4", "AA"),
    "BB11": ("BB1", "BB"),
}
#: Employment by published unit: section C (the region's total here) and sector C26.
EMPLOYMENT = {
    "AA11": {"C": 4_000.0, "C26": 900.0},
    "AA12": {"C": 6_000.0, "C26": 600.0},
    "AA21": {"C": 5_000.0, "C26": 250.0},
    "AA22": {"C26": 100.0},  # section C confidential: AA2's total is unknown
    "AA30": {"C": 8_000.0, "C26": 400.0},  # now AA31 and AA41: AA3 and AA4 are unknown
    "BB11": {"C": 2_000.0, "C26": 100.0},
}
#: Patents by unit and year (window 2016-2018); every unit has 1,000,000 inhabitants a year
#: but AA30, 2,000,000.
PATENT_COUNTS = {
    "AA11": {2016: 3.0, 2017: 4.0},
    "AA12": {2017: 5.0},
    "AA21": {2018: 6.0},
    "AA22": {2017: 2.0},
    "AA30": {2016: 11.0},
    "BB11": {2016: 2.0, 2018: 2.0},
}


def _observation(code: str, what: str, year: int, value: float) -> Observation:
    return Observation(URIRef(f"urn:obs:{what}-{code}-{year}"), value, year)


def fixture() -> Inputs:
    units = {code: Unit(code, 2, (code,)) for code in ("AA11", "AA12", "AA21", "AA22", "BB11")}
    units["AA30"] = Unit("AA30", 2, ("AA31", "AA41"))
    units["AA"] = Unit("AA", 0, ("AA",))
    employment = {
        code: {s: _observation(code, s, 2014, v) for s, v in sectors.items()}
        for code, sectors in EMPLOYMENT.items()
    }
    # The EU reference: country AA's own row, all nine sections published (C 40,000, the others
    # 0), C26 4,000 → a reference share of C26 in C of 0.1.
    employment["AA"] = {s: _observation("AA", s, 2014, 0.0) for s in EMPLOYMENT_SECTIONS}
    employment["AA"]["C"] = _observation("AA", "C", 2014, 40_000.0)
    employment["AA"]["C26"] = _observation("AA", "C26", 2014, 4_000.0)
    patents = {
        code: [_observation(code, PATENTS, y, v) for y, v in years.items()]
        for code, years in PATENT_COUNTS.items()
    }
    population = {
        code: [
            _observation(code, POPULATION, y, 2e6 if code == "AA30" else 1e6)
            for y in (2016, 2017, 2018)
        ]
        for code in PATENT_COUNTS
    }
    return Inputs(
        sector_weights={TECHNOLOGY: [SectorWeight("C26", 1.0)]},
        indicator_weights={PATENTS: {TECHNOLOGY: 0.5}},
        employment=employment,
        counts={PATENTS: patents, POPULATION: population},
        units=units,
        parents=PARENTS,
        versions={code: frozenset({2024}) for code in PARENTS} | {"AA30": frozenset({2013})},
    )


def strengths() -> dict[str, StrengthRecord]:
    return {record.region: record for record in compute_strengths(fixture())}


def component(record: StrengthRecord, kind: str) -> object:
    (found,) = [c for c in record.components if c.kind == kind]
    return found


def test_a_complete_nuts1_region_sums_its_units_and_is_compared_with_nuts1_regions() -> None:
    found = strengths()
    aa1 = found["AA1"]
    assert aa1.level == 1
    employment = component(aa1, "employment-specialisation")
    # C26 900 + 600 = 1,500 of C 4,000 + 6,000 = 10,000 → 15 %; EU 4,000 / 40,000 = 10 %
    # → LQ 1.5. BB1 = BB11: 100 / 2,000 = 5 % → LQ 0.5. Among the two NUTS 1 regions with a
    # quotient AA1 ranks 1.0 and BB1 0.0; top 10 % of 2 = 1 region: AA1 passes size and focus.
    assert employment.value == pytest.approx(1.5)
    assert employment.details["technology_employment"] == pytest.approx(1_500.0)
    assert employment.details["region_employment"] == pytest.approx(10_000.0)
    assert employment.details["summed_units"] == ["AA11", "AA12"]
    assert employment.details["published_region"] == "AA1"
    assert employment.details["regions_compared"] == 2
    assert employment.percentile == pytest.approx(1.0)
    assert aa1.stars is not None and aa1.stars.count == 2
    assert component(found["BB1"], "employment-specialisation").value == pytest.approx(0.5)
    # Evidence: the NUTS 2 observations summed, nothing else.
    assert {str(iri) for iri in aa1.evidence} == {
        "urn:obs:C-AA11-2014",
        "urn:obs:C26-AA11-2014",
        "urn:obs:C-AA12-2014",
        "urn:obs:C26-AA12-2014",
        f"urn:obs:{PATENTS}-AA11-2016",
        f"urn:obs:{PATENTS}-AA11-2017",
        f"urn:obs:{PATENTS}-AA12-2017",
        f"urn:obs:{POPULATION}-AA11-2016",
        f"urn:obs:{POPULATION}-AA11-2017",
        f"urn:obs:{POPULATION}-AA11-2018",
        f"urn:obs:{POPULATION}-AA12-2016",
        f"urn:obs:{POPULATION}-AA12-2017",
        f"urn:obs:{POPULATION}-AA12-2018",
    }


def test_patents_summed_against_the_nuts2_reference() -> None:
    found = strengths()
    # Reference, the NUTS 2 units with both numbers: 7 + 5 + 6 + 2 + 11 + 4 = 35 patents for
    # 7,000,000 inhabitants = 5 per million.
    # AA1: 7 + 5 = 12 for 2,000,000 = 6 per million → 1.2; AA2: 6 + 2 = 8 → 4 per million → 0.8.
    aa1 = component(found["AA1"], "count-intensity")
    aa2 = component(found["AA2"], "count-intensity")
    assert aa1.value == pytest.approx(1.2)
    assert aa1.details["per_million_inhabitants"] == pytest.approx(6.0)
    assert aa1.details["count"] == pytest.approx(12.0)
    assert aa2.value == pytest.approx(0.8)
    assert (aa1.percentile, aa2.percentile) == (1.0, 0.0)
    # BB1 = BB11: 4 patents, below the minimum of 5.
    bb1 = component(found["BB1"], "count-intensity")
    assert bb1.status == "insufficient data" and bb1.value is None
    # AA1's score: employment percentile 1.0 (weight 1), patents 1.0 (0.5) → 1.0; AA2's rests on
    # the patents alone (its employment quotient is unknown): 0.0.
    assert found["AA1"].score == pytest.approx(1.0)
    assert found["AA2"].score == pytest.approx(0.0)


def test_a_child_without_a_value_leaves_the_figure_unknown_not_partial() -> None:
    aa2 = strengths()["AA2"]
    employment = component(aa2, "employment-specialisation")
    # AA22's section C is confidential: AA2's total is not 5,000 (AA21 alone) but unknown.
    assert employment.value is None and employment.status == "insufficient data"
    assert "total is unknown" in employment.details["reason"]
    assert "region_employment" not in employment.details
    assert aa2.stars is None


def test_a_unit_spanning_two_nuts1_regions_leaves_both_unknown() -> None:
    found = strengths()
    assert "AA3" not in found and "AA4" not in found
    # ... but within country AA the same unit is whole: AA's patents are summed from all five
    # units, 7 + 5 + 6 + 2 + 11 = 31 for 6,000,000 inhabitants → 5.1667 per million → 1.033333,
    # alone among countries (percentile 0.5). BB = BB11: 4 patents, insufficient data.
    country = component(found["AA"], "count-intensity")
    assert country.value == pytest.approx(31 / 6 / 5, abs=1e-6)
    assert country.percentile == 0.5
    assert country.details["summed_units"] == ["AA11", "AA12", "AA21", "AA22", "AA30"]
    assert component(found["BB"], "count-intensity").status == "insufficient data"
    # A country's employment stays its own published row (AA: C26 4,000 of 40,000 → LQ 1.0).
    own = component(found["AA"], "employment-specialisation")
    assert own.value == pytest.approx(1.0) and "summed_units" not in own.details


def test_sum_over_regions_by_hand() -> None:
    figure = {
        code: _observation(code, "x", 2014, value)
        for code, value in {
            "AA11": 900.0,
            "AA12": 600.0,
            "AA21": 250.0,
            "AA30": 400.0,
            "BB11": 100.0,
        }.items()
    }
    region_of = {region: nuts1 for region, (nuts1, _) in PARENTS.items()}
    units = fixture().units
    summed = sum_over_regions(figure, units, region_of, {})
    aa1 = summed["AA1"]
    assert isinstance(aa1, Observation)
    assert aa1.value == 1_500.0 and [code for code, _ in aa1.parts] == ["AA11", "AA12"]
    assert summed["AA2"] == "no published figure for AA22"
    assert summed["AA3"] == summed["AA4"] == "AA30 is published as one unit but lies in AA3 and AA4"
    assert isinstance(summed["BB1"], Observation) and summed["BB1"].value == 100.0


def test_split_units_and_units_of_one_version_are_not_counted_twice() -> None:
    units = {
        # XX10 (NUTS 2013) was split into XX11 and XX12, which publish figures of their own.
        "XX10": Unit("XX10", 2, ("XX11", "XX12")),
        "XX11": Unit("XX11", 2, ("XX11",)),
        "XX12": Unit("XX12", 2, ("XX12",)),
        # XX21 and XX22 (both NUTS 2013) became XX23, XX24 and, in part each, XX25.
        "XX21": Unit("XX21", 2, ("XX23", "XX25")),
        "XX22": Unit("XX22", 2, ("XX24", "XX25")),
        # XX30 (NUTS 2013) became XX31 and XX32; XX31 (NUTS 2024) publishes too, XX32 does not.
        "XX30": Unit("XX30", 2, ("XX31", "XX32")),
        "XX31": Unit("XX31", 2, ("XX31",)),
    }
    versions = {
        "XX10": frozenset({2013}),
        "XX21": frozenset({2013}),
        "XX22": frozenset({2013}),
        "XX30": frozenset({2013}),
        **{code: frozenset({2024}) for code in ("XX11", "XX12", "XX31")},
    }
    values = {"XX10": 10.0, "XX11": 4.0, "XX12": 6.0, "XX21": 3.0, "XX22": 5.0, "XX30": 9.0}
    values["XX31"] = 2.0
    figure = {code: _observation(code, "x", 2014, value) for code, value in values.items()}
    region_of = {
        **dict.fromkeys(("XX11", "XX12"), "XX1"),
        **dict.fromkeys(("XX23", "XX24", "XX25"), "XX2"),
        **dict.fromkeys(("XX31", "XX32"), "XX3"),
    }
    summed = sum_over_regions(figure, units, region_of, versions)
    xx1, xx2 = summed["XX1"], summed["XX2"]
    # XX1: the parts' own figures, 4 + 6 = 10, not 20.
    assert isinstance(xx1, Observation) and xx1.value == 10.0
    assert [code for code, _ in xx1.parts] == ["XX11", "XX12"]
    # XX2: XX21 and XX22 share XX25 but are regions of one version, so disjoint: 3 + 5 = 8.
    assert isinstance(xx2, Observation) and xx2.value == 8.0
    # XX3: XX30 contains XX31, and both have figures: summing them would count XX31 twice.
    assert isinstance(summed["XX3"], str) and "XX31" in summed["XX3"]
