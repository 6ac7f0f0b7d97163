"""The matching model on a hand-made fixture: four NUTS 2 regions in two countries, two
priorities, strengths, a cluster and a shared project, with the needs, scores, order, gaps and
peers worked out by hand (docs/matching.md explains each rule), and the reasons word for word.

Fixture: Alpha XX11 and Beta XX12 lie in Xland XX (via XX1); Gamma YY11 and Delta YY12 in
Yland YY (via YY1). Alpha's own priority "Robotica" relies on robotics (derived by a rule); its
country's national priority "Photonics" states photonics.

| strength   | Alpha | Beta | Gamma | Delta |
|------------|-------|------|-------|-------|
| robotics   | 0.30  | 0.90 | 0.80  | 0.55  |
| photonics  | none measured (score unknown) | 0.40 | 0.70 | no strength |

Gamma has a robotics cluster; Alpha and Delta share the project PRJ; categories: Alpha less
developed, Beta transition, Gamma and Delta more developed.
"""

from __future__ import annotations

import math

import pytest

from kg.matching.model import (
    Category,
    Cluster,
    Component,
    Matcher,
    MatchInputs,
    PartnerRole,
    PriorityTechnology,
    Region,
    Strength,
    Variable,
    compute_all,
    match_score,
    needs_of,
    regions_to_compute,
)

ROBOTICS = "https://w3id.org/clusterkg/ati/robotics"
PHOTONICS = "https://w3id.org/clusterkg/ket/photonics"
ID = "https://w3id.org/clusterkg/id/"


def strength(region: str, technology: str, score: float | None) -> Strength:
    slug = "ati-robotics" if technology == ROBOTICS else "ket-photonics"
    iri = f"{ID}strength/{region}/{slug}"
    components = ()
    if score is not None:
        components = (
            Component(f"{iri}#employment-specialisation", "employment-specialisation",
                      round(score * 2, 2), score, ("2014",)),
        )  # fmt: skip
    return Strength(iri, region, technology, score, 0 if score is not None else None, components)


def category(code: str, kind: str) -> Category:
    label = {"less-developed": "less developed region", "transition": "transition region",
             "more-developed": "more developed region"}[kind]  # fmt: skip
    return Category(f"{ID}development-category/{code}/2021-2027/rule-based", kind, label,
                    "rule-based approximation")  # fmt: skip


def fixture_inputs() -> MatchInputs:
    regions = {
        "XX": Region("XX", "Xland", 0, None),
        "XX1": Region("XX1", "Xland main", 1, "XX"),
        "XX11": Region("XX11", "Alpha", 2, "XX1"),
        "XX12": Region("XX12", "Beta", 2, "XX1"),
        "YY": Region("YY", "Yland", 0, None),
        "YY1": Region("YY1", "Yland main", 1, "YY"),
        "YY11": Region("YY11", "Gamma", 2, "YY1"),
        "YY12": Region("YY12", "Delta", 2, "YY1"),
    }
    priorities = [
        PriorityTechnology(
            priority=f"{ID}s3-priority/xx11-robotica",
            priority_label="Robotica (Robotics)",
            region="XX11",
            technology=ROBOTICS,
            stated=False,
            evidence=(f"{ID}technology-match/xx11-robotica--ati-robotics",),
            rule_note="rule robotics on 'Robotica'",
        ),
        PriorityTechnology(
            priority=f"{ID}s3-priority/xx-photonics",
            priority_label="Photonics",
            region="XX",
            technology=PHOTONICS,
            stated=True,
            evidence=(f"{ID}s3-priority/xx-photonics",),
        ),
    ]
    strengths = {
        (s.region, s.technology): s
        for s in (
            strength("XX11", ROBOTICS, 0.30),
            strength("XX12", ROBOTICS, 0.90),
            strength("YY11", ROBOTICS, 0.80),
            strength("YY12", ROBOTICS, 0.55),
            strength("XX11", PHOTONICS, None),
            strength("XX12", PHOTONICS, 0.40),
            strength("YY11", PHOTONICS, 0.70),
        )
    }
    clusters = [Cluster(f"{ID}cluster/gamma-robots", "Gamma Robots", "YY11", frozenset({ROBOTICS}))]
    roles = [
        PartnerRole(f"{ID}partner-role/prj-alpha", f"{ID}project/prj", "PRJ",
                    f"{ID}organisation/alpha-agency", "Alpha Agency", "XX11"),
        PartnerRole(f"{ID}partner-role/prj-delta", f"{ID}project/prj", "PRJ",
                    f"{ID}organisation/delta-agency", "Delta Agency", "YY12"),
    ]  # fmt: skip
    categories = {
        "XX11": category("XX11", "less-developed"),
        "XX12": category("XX12", "transition"),
        "YY11": category("YY11", "more-developed"),
        "YY12": category("YY12", "more-developed"),
    }

    def variable(values: dict[str, float], slug: str) -> dict[str, Variable]:
        return {
            code: Variable(value, "2018", (f"{ID}observation/{slug}-{code.lower()}-2018",))
            for code, value in values.items()
        }

    variables = {
        "gdp-per-inhabitant": variable(
            {"XX11": 40, "XX12": 40, "YY11": 80, "YY12": 80}, "gdp-pps-per-inhabitant-pct-eu"
        ),
        "business-rd-intensity": variable(
            {"XX11": 1, "XX12": 1, "YY11": 1, "YY12": 3}, "rd-private-eur-hab"
        ),
        "high-tech-employment": variable(
            {"XX11": 2, "XX12": 4, "YY11": 2, "YY12": 4}, "htec-emp-high-tech-sectors-pc"
        ),
    }
    return MatchInputs(
        regions=regions,
        priorities=priorities,
        strengths=strengths,
        clusters=clusters,
        partner_roles=roles,
        categories=categories,
        variables=variables,
        technology_labels={ROBOTICS: "Robotics", PHOTONICS: "Photonics"},
    )


@pytest.fixture(scope="module")
def inputs() -> MatchInputs:
    return fixture_inputs()


def test_needs_come_from_own_and_national_strategies(inputs: MatchInputs) -> None:
    needs = needs_of(inputs, "XX11")
    assert [(n.source.priority_label, n.technology, n.source.region) for n in needs] == [
        ("Photonics", PHOTONICS, "XX"),
        ("Robotica (Robotics)", ROBOTICS, "XX11"),
    ]
    # A country has its regions' priorities too; a region elsewhere has none of them.
    assert {n.technology for n in needs_of(inputs, "XX")} == {ROBOTICS, PHOTONICS}
    assert needs_of(inputs, "YY11") == []


def test_match_scores_and_order_by_hand(inputs: MatchInputs) -> None:
    robotics = next(n for n in needs_of(inputs, "XX11") if n.technology == ROBOTICS)
    matches = Matcher(inputs).matches_for(robotics)
    # Gamma: 0.7 x 0.80 + 0.15 (cluster) + 0 + 0.05 (more developed than Alpha) = 0.76
    # Beta:  0.7 x 0.90 + 0 + 0 + 0.05 (transition is more developed than less developed) = 0.68
    # Delta: 0.7 x 0.55 + 0 + 0.10 (project PRJ) + 0.05 = 0.535
    assert [(m.partner, m.score, m.rank) for m in matches] == [
        ("YY11", 0.76, 1),
        ("XX12", 0.68, 2),
        ("YY12", 0.535, 3),
    ]
    gamma, beta, delta = matches
    assert (gamma.cluster_factor, gamma.cooperation_factor, gamma.learning) == (1.0, 0.0, 1.0)
    assert (beta.cluster_factor, beta.cooperation_factor, beta.learning) == (0.0, 0.0, 1.0)
    assert (delta.cluster_factor, delta.cooperation_factor, delta.learning) == (0.0, 1.0, 1.0)


def test_photonics_needs_a_measured_partner(inputs: MatchInputs) -> None:
    photonics = next(n for n in needs_of(inputs, "XX11") if n.technology == PHOTONICS)
    matches = Matcher(inputs).matches_for(photonics)
    # Beta (0.40) is below the minimum of 0.5; Delta has no strength: neither is a partner.
    # Gamma: 0.7 x 0.70 + 0 (its cluster works on robotics) + 0 + 0.05 = 0.54
    assert [(m.partner, m.score) for m in matches] == [("YY11", 0.54)]


def test_reasons_word_for_word(inputs: MatchInputs) -> None:
    robotics = next(n for n in needs_of(inputs, "XX11") if n.technology == ROBOTICS)
    gamma, _, delta = Matcher(inputs).matches_for(robotics)
    assert [r.text for r in gamma.reasons] == [
        'Alpha\'s S3 priority "Robotica (Robotics)" relies on Robotics, as derived by '
        "ClusterKG's rules (rule robotics on 'Robotica').",
        "Gamma (YY11) is measured strong in Robotics: strength score 0.80 of 1 (a "
        "percentile-based score among NUTS 2 regions); employment in its sectors is 1.60 times "
        "the EU share (location quotient, 2014).",
        "1 cluster organisation of Gamma works on Robotics: Gamma Robots.",
        "Learning direction: Gamma is a more developed region, Alpha a less developed region "
        "(2021-2027, rule-based approximation); weighted 0.05 as documented.",
    ]
    assert [r.kind for r in delta.reasons] == ["need", "strength", "cooperation", "learning"]
    assert delta.reasons[2].text == (
        "Already connected: Alpha and Delta are partners in PRJ (Alpha Agency for Alpha; "
        "Delta Agency for Delta)."
    )
    # Each reason names what a person follows to check it; the need's is the rule's match.
    assert gamma.reasons[0].evidence == (f"{ID}technology-match/xx11-robotica--ati-robotics",)
    assert gamma.reasons[1].evidence == (
        f"{ID}strength/YY11/ati-robotics",
        f"{ID}strength/YY11/ati-robotics#employment-specialisation",
    )
    assert gamma.reasons[2].evidence == (f"{ID}cluster/gamma-robots",)
    assert set(delta.reasons[2].evidence) == {
        f"{ID}project/prj",
        f"{ID}partner-role/prj-alpha",
        f"{ID}partner-role/prj-delta",
    }


def test_gaps_weak_and_unmeasured(inputs: MatchInputs) -> None:
    result = compute_all(inputs, ["XX11"])[0]
    gaps = {g.need.technology: g for g in result.gaps}
    assert gaps[ROBOTICS].kind == "weak"  # 0.30 < 0.5
    assert [h.partner for h in gaps[ROBOTICS].helpers] == ["YY11", "XX12", "YY12"]
    assert gaps[PHOTONICS].kind == "unmeasured"  # a strength with no measured score
    assert [h.partner for h in gaps[PHOTONICS].helpers] == ["YY11"]
    assert [r.text for r in gaps[PHOTONICS].reasons][1:] == [
        "Alpha has no measured strength in Photonics: the data do not allow one (unknown, not "
        "zero).",
        "Best placed to help: Gamma (YY11, 0.54).",
    ]
    assert gaps[ROBOTICS].reasons[1].text == (
        "Alpha's strength in Robotics is 0.30 of 1, below the gap threshold 0.50 (the median of "
        "its level)."
    )


def test_no_gap_where_the_region_is_strong(inputs: MatchInputs) -> None:
    # Beta's priorities are Xland's national ones: photonics 0.40 is a gap, robotics 0.90 is not.
    result = compute_all(inputs, ["XX12"])[0]
    assert [(g.need.technology, g.kind) for g in result.gaps] == [(PHOTONICS, "weak")]


def test_peers_by_hand(inputs: MatchInputs) -> None:
    peers = compute_all(inputs, ["XX11"])[0].peers
    # z-scores over the four regions: GDP -0.866/-0.866/+0.866/+0.866; R&D -0.5/-0.5/-0.5/+1.5;
    # high-tech -0.866/+0.866/-0.866/+0.866. Mean squared differences from Alpha: Beta 1, Gamma
    # 1, Delta 10/3; similarity 1 / (1 + sqrt(mean)). Alpha's only measured need is robotics
    # (0.30): all three are at least 0.1 stronger, so the advantage is 1 of 1.
    delta_similarity = round(1 / (1 + math.sqrt(10 / 3)), 6)
    assert [(p.peer, p.similarity, p.score, p.rank) for p in peers] == [
        ("XX12", 0.5, 0.65, 1),
        ("YY11", 0.5, 0.65, 2),  # a tie in score and similarity: by code
        ("YY12", delta_similarity, round(0.7 * delta_similarity + 0.3, 6), 3),
    ]
    assert [r.text for r in peers[0].reasons] == [
        "Beta is similar to Alpha in GDP per inhabitant (Alpha 40.0, Beta 40.0 % of the EU "
        "average in PPS); business R&D expenditure (Alpha 1.0, Beta 1.0 % of GDP).",
        "It differs in employment in high-tech sectors (Alpha 2.0, Beta 4.0 % of employment).",
        "Beta is stronger in 1 of the 1 technologies Alpha needs with a measured strength: "
        "Robotics (0.90 against 0.30).",
    ]


def test_match_score_weights_sum_to_one() -> None:
    assert match_score(1.0, 1.0, 1.0, 1.0) == 1.0
    assert match_score(0.0, 0.0, 0.0, 0.0) == 0.0


def test_regions_to_compute(inputs: MatchInputs) -> None:
    # Every NUTS 2 region, and the country and NUTS 1 region whose territory has priorities.
    assert regions_to_compute(inputs) == ["XX", "XX1", "XX11", "XX12", "YY11", "YY12"]
