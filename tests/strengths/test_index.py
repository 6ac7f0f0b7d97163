"""The strength index: every region's strengths read in one pass, so that the service answers a
region by a lookup. Its answers must be exactly those computed by queries, region by region."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.namespaces import ATI, KET
from kg.store import EmbeddedStore
from kg.strengths.answers import StrengthIndex, region_strengths

#: The two projects' regions and national levels, a NUTS 1 region, and a split region.
NAMED = ["ITI3", "EL52", "RO31", "ES42", "SE31", "NL13", "LT", "PL", "SK", "DE9", "ITH", "LT01"]


@pytest.fixture(scope="module")
def store(built_store: Path) -> EmbeddedStore:
    return EmbeddedStore(built_store, read_only=True)


@pytest.fixture(scope="module")
def index(store: EmbeddedStore) -> StrengthIndex:
    return StrengthIndex.build(store, "test")


def as_json(answer: object) -> str:
    return json.dumps(answer.as_json(), sort_keys=True)  # type: ignore[attr-defined]


def test_the_index_holds_every_region_with_strengths(
    store: EmbeddedStore, index: StrengthIndex
) -> None:
    rows = store.query(
        "SELECT DISTINCT ?r WHERE { ?s a ckg:TechnologyStrength ; ckg:region ?r }"
    ).rows
    regions = {str(row["r"]).rsplit("/", 1)[-1] for row in rows}
    assert set(index.by_region) == regions
    assert sum(len(s) for s in index.by_region.values()) == int(
        store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s a ckg:TechnologyStrength }").rows[0]["n"]
    )
    assert set(NAMED) <= regions


def test_answers_from_the_index_equal_answers_by_queries(
    store: EmbeddedStore, index: StrengthIndex
) -> None:
    # the named regions and every 15th other one (all of them would take ~20 s)
    sample = sorted(set(NAMED) | set(sorted(index.by_region)[::15]))
    for code in sample:
        by_queries = region_strengths(store, code)
        from_index = region_strengths(store, code, index=index)
        assert as_json(from_index) == as_json(by_queries), code
        assert from_index.strengths, code
    for technology in (KET["photonics"], ATI["robotics"]):
        assert as_json(region_strengths(store, "ITI3", technology, index=index)) == as_json(
            region_strengths(store, "ITI3", technology)
        )


def test_codes_the_index_does_not_hold_are_resolved_by_queries(
    store: EmbeddedStore, index: StrengthIndex
) -> None:
    # a NUTS 3 code answers for its NUTS 2 parent, an older code for the regions it became
    for code in ("ITI32", "LT00"):
        assert code not in index.by_region
        answer = region_strengths(store, code, index=index)
        assert answer.note and answer.strengths
        assert as_json(answer) == as_json(region_strengths(store, code))
