"""The match index: every stored match, gap and peer with all their answers show, read in a few
passes, so that the service answers a region from memory. Its answers must be exactly those
computed by queries, region by region, filter by filter, and it must hold every stored result."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import URIRef

from kg.errors import NotFound
from kg.matching.answers import MatchAnswer, MatchIndex, region_results
from kg.namespaces import CKG
from kg.store import EmbeddedStore

#: The two projects' regions, national levels, NUTS 1 and NUTS 3 codes and an older code.
NAMED = ["ITI3", "EL52", "RO31", "ES42", "SE31", "NL11", "LT", "PL", "SK", "DE9", "ITI32", "LT00"]
TYPES = {"match": "PartnerMatch", "gap": "CapabilityGap", "peer": "PeerRegion"}


@pytest.fixture(scope="module")
def store(built_store: Path) -> EmbeddedStore:
    return EmbeddedStore(built_store, read_only=True)


@pytest.fixture(scope="module")
def index(store: EmbeddedStore) -> MatchIndex:
    return MatchIndex.build(store, "test")


def as_json(answer: MatchAnswer) -> str:
    return json.dumps(answer.as_json(), sort_keys=True)


def test_the_index_holds_every_stored_result(store: EmbeddedStore, index: MatchIndex) -> None:
    counts = {
        kind: int(
            store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?m a <{CKG}{name}> }}").rows[0]["n"]
        )
        for kind, name in TYPES.items()
    }
    assert all(counts.values())
    for kind, count in counts.items():
        assert sum(len(rows) for rows in index.results[kind].values()) == count, kind
    assert index.size() == sum(counts.values())


def test_answers_from_the_index_equal_answers_by_queries(
    store: EmbeddedStore, index: MatchIndex
) -> None:
    regions = sorted(str(r).rsplit("/", 1)[-1] for r in index.results["match"])
    # the named codes and every 25th other region (all of them would take about a minute)
    sample = sorted(set(NAMED) | set(regions[::25]))
    for code in sample:
        for kind in TYPES:
            by_queries = region_results(store, code, kind)
            from_index = region_results(store, code, kind, index=index)
            assert as_json(from_index) == as_json(by_queries), (code, kind)
    assert all(region_results(store, c, "match", index=index).results for c in NAMED)


def test_filtered_answers_from_the_index_equal_answers_by_queries(
    store: EmbeddedStore, index: MatchIndex
) -> None:
    marche = region_results(store, "ITI3", "match", index=index)
    priority = marche.results[0].values["priority"]["id"]
    technology = URIRef(marche.results[-1].values["technology"]["id"])
    for filters in (
        {"technology": technology},
        {"priority": priority},
        {"min_score": 0.8},
        {"limit": 3},
        {"technology": technology, "min_score": 0.6, "limit": 2},
    ):
        by_queries = region_results(store, "ITI3", "match", **filters)  # type: ignore[arg-type]
        from_index = region_results(store, "ITI3", "match", index=index, **filters)  # type: ignore[arg-type]
        assert as_json(from_index) == as_json(by_queries), filters
        assert from_index.results, filters


def test_unknown_codes_are_refused_the_same_way(store: EmbeddedStore, index: MatchIndex) -> None:
    with pytest.raises(NotFound) as by_queries:
        region_results(store, "ZZ99", "match")
    with pytest.raises(NotFound) as from_index:
        region_results(store, "ZZ99", "match", index=index)
    assert str(from_index.value) == str(by_queries.value)
