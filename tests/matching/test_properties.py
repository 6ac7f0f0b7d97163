"""Properties of the matching model over generated inputs (hypothesis): scores stay in [0, 1],
a region never matches itself or a region it overlaps, unknown strength stays unknown, answers
are deterministic, and a newcomer never reorders the regions already there."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.matching.model import (
    MIN_PARTNER_STRENGTH,
    Category,
    Cluster,
    Matcher,
    MatchInputs,
    PartnerRole,
    PriorityTechnology,
    Region,
    Strength,
    Variable,
    compute_all,
    needs_of,
)

TECHNOLOGIES = (
    "https://w3id.org/clusterkg/ati/robotics",
    "https://w3id.org/clusterkg/ket/photonics",
)
CATEGORIES = ("less-developed", "transition", "more-developed")
scores = st.one_of(st.none(), st.floats(min_value=0, max_value=1, allow_subnormal=False))


@st.composite
def match_inputs(draw: st.DrawFn) -> MatchInputs:
    regions: dict[str, Region] = {}
    for country in ("AA", "BB"):
        regions[country] = Region(country, country, 0, None)
        regions[f"{country}1"] = Region(f"{country}1", f"{country}1", 1, country)
    codes = [f"{c}1{i}" for c in ("AA", "BB") for i in range(1, draw(st.integers(1, 4)) + 1)]
    for code in codes:
        regions[code] = Region(code, code, 2, code[:3])
    strengths = {}
    for code in codes:
        for technology in TECHNOLOGIES:
            if draw(st.booleans()):
                score = draw(scores)
                strengths[(code, technology)] = Strength(
                    f"urn:s:{code}:{technology}", code, technology, score, None
                )
    priorities = [
        PriorityTechnology(
            f"urn:p:{i}", f"P{i}", draw(st.sampled_from([*codes, "AA", "BB"])),
            draw(st.sampled_from(TECHNOLOGIES)), draw(st.booleans()), (f"urn:p:{i}",),
        )
        for i in range(draw(st.integers(1, 3)))
    ]  # fmt: skip
    clusters = [
        Cluster(f"urn:c:{code}", code, code, frozenset({draw(st.sampled_from(TECHNOLOGIES))}))
        for code in codes
        if draw(st.booleans())
    ]
    roles = [
        PartnerRole(f"urn:r:{code}", "urn:project", "Project", f"urn:o:{code}", code, code)
        for code in codes
        if draw(st.booleans())
    ]
    categories = {
        code: Category(f"urn:a:{code}", kind, kind, "rule")
        for code in codes
        if (kind := draw(st.sampled_from([None, *CATEGORIES])))
    }
    variables = {
        name: {
            code: Variable(
                draw(st.floats(0, 100, allow_subnormal=False)), "2018", (f"urn:o:{name}",)
            )
            for code in codes
            if draw(st.booleans())
        }
        for name in ("gdp-per-inhabitant", "business-rd-intensity", "high-tech-employment")
    }
    return MatchInputs(regions, priorities, strengths, clusters, roles, categories, variables,
                       {t: t.rsplit("/", 1)[-1] for t in TECHNOLOGIES})  # fmt: skip


def _summary(inputs: MatchInputs) -> list[tuple[object, ...]]:
    return [
        (r.region, [(m.need.key, m.partner, m.score, m.rank, [x.text for x in m.reasons])
                    for m in r.matches],
         [(g.need.key, g.kind, [h.partner for h in g.helpers]) for g in r.gaps],
         [(p.peer, p.score, p.similarity, [x.text for x in p.reasons]) for p in r.peers])
        for r in compute_all(inputs)
    ]  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(match_inputs())
def test_scores_in_range_and_no_self_or_overlap(inputs: MatchInputs) -> None:
    for result in compute_all(inputs):
        for match in result.matches:
            assert 0 <= match.score <= 1
            assert not inputs.overlaps(result.region, match.partner)
            assert match.strength.score is not None
            assert match.strength_score >= MIN_PARTNER_STRENGTH
        for peer in result.peers:
            assert 0 <= peer.score <= 1 and 0 < peer.similarity <= 1
            assert peer.peer != result.region
        for gap in result.gaps:
            if gap.kind == "unmeasured":
                # Unknown stays unknown: no score was read as a weak one.
                assert gap.local is None or gap.local.score is None


@settings(max_examples=40, deadline=None)
@given(match_inputs())
def test_unknown_strength_is_never_a_match(inputs: MatchInputs) -> None:
    unknown = {key for key, s in inputs.strengths.items() if s.score is None}
    for result in compute_all(inputs):
        for match in result.matches:
            assert (match.partner, match.need.technology) not in unknown


@settings(max_examples=40, deadline=None)
@given(match_inputs())
def test_deterministic(inputs: MatchInputs) -> None:
    assert _summary(inputs) == _summary(dataclasses.replace(inputs))


@settings(max_examples=60, deadline=None)
@given(match_inputs(), st.floats(min_value=0, max_value=1, allow_subnormal=False))
def test_a_newcomer_never_reorders_the_others(inputs: MatchInputs, newcomer_score: float) -> None:
    """Adding a region keeps the others' scores and order; it ranks above every region with a
    lower score and below every region with a higher one."""
    regions = dict(inputs.regions)
    regions["CC"] = Region("CC", "CC", 0, None)
    regions["CC1"] = Region("CC1", "CC1", 1, "CC")
    regions["CC11"] = Region("CC11", "CC11", 2, "CC1")
    strengths = dict(inputs.strengths)
    for technology in TECHNOLOGIES:
        strengths[("CC11", technology)] = Strength(
            f"urn:s:CC11:{technology}", "CC11", technology, newcomer_score, None
        )
    grown = dataclasses.replace(inputs, regions=regions, strengths=strengths)
    before, after = Matcher(inputs), Matcher(grown)
    for code in sorted(c for c, r in inputs.regions.items() if r.level == 2):
        for need in needs_of(inputs, code):
            old = [(m.partner, m.score) for m in before.matches_for(need, limit=1000)]
            new = [(m.partner, m.score) for m in after.matches_for(need, limit=1000)]
            assert [m for m in new if m[0] != "CC11"] == old
            if any(p == "CC11" for p, _ in new):
                place = next(i for i, (p, _) in enumerate(new) if p == "CC11")
                score = new[place][1]
                assert all(s >= score for _, s in new[:place])
                assert all(s <= score for _, s in new[place + 1 :])
