"""Matches, gaps and peers that ``kg build`` computes from the bundled data: the ClusterFY regions
and Marche get partners whose reasons lead to evidence the graph holds; Sud-Muntenia gets gaps
with helpers and peers with reasons; the stored graph passes the shapes and a rebuild gives the
same graph byte for byte."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier

from kg.config import Settings
from kg.derive import resource_records
from kg.ingest.pipeline import store_lookup
from kg.matching.answers import region_results
from kg.matching.graph import matches_graph
from kg.matching.inputs import read_match_inputs
from kg.matching.model import compute_all
from kg.store import EmbeddedStore
from kg.validation import ShapeValidator
from tests.conftest import kg_env, run_kg

#: Marche (ClusterPoliSEE's lead partner) and the eight ClusterFY partner regions.
PARTNER_REGIONS = ["ITI3", "LT", "NL11", "SE31", "PL", "RO31", "ES42", "SK", "EL52"]


@pytest.fixture(scope="module")
def store(built_store: Path) -> EmbeddedStore:
    return EmbeddedStore(built_store, read_only=True)


@pytest.mark.parametrize("code", PARTNER_REGIONS)
def test_partner_regions_get_matches_with_evidence(store: EmbeddedStore, code: str) -> None:
    answer = region_results(store, code, "match")
    matches = answer.as_json()["matches"]
    assert len(matches) >= 5
    assert len({m["partnerRegion"]["code"] for m in matches}) >= 3
    scores = [m["score"] for m in matches]
    assert scores == sorted(scores, reverse=True)
    for match in matches:
        assert match["partnerRegion"]["code"] != code
        assert match["evidence"], match["id"]
        assert len(match["reasons"]) >= 3  # need, strength, learning direction at least
        # Never circular: a priority is not evidence of the partner's strength.
        assert all("/s3-priority/" not in e["id"] for e in match["evidence"])
        strength = next(e for e in match["evidence"] if e["id"] == match["partnerStrength"])
        assert strength["value"] == match["components"]["strength"]


@pytest.mark.parametrize("code", ["ITI3", "RO31"])
def test_evidence_values_are_what_the_graph_holds(store: EmbeddedStore, code: str) -> None:
    for match in region_results(store, code, "match", limit=10).as_json()["matches"]:
        for item in match["evidence"]:
            if item["value"] is None:
                continue
            rows = store.query(
                f"SELECT ?v WHERE {{ VALUES ?r {{ <{item['id']}> }} ?r ckg:score|ckg:value ?v }}"
            ).rows
            assert [float(r["v"]) for r in rows] == [item["value"]], item


def test_marche_mechatronics_reaches_emilia_romagna_with_every_factor(
    store: EmbeddedStore,
) -> None:
    """The seeds' own story: Marche's mechatronics priority and Emilia-Romagna, a more developed
    ClusterPoliSEE partner with a mechatronics cluster."""
    matches = region_results(store, "ITI3", "match").as_json()["matches"]
    found = [
        m
        for m in matches
        if m["partnerRegion"]["code"] == "ITH5" and "mechatronics" in m["priority"]["id"]
    ]
    assert found, [m["id"] for m in matches]
    components = found[0]["components"]
    assert (components["clusters"], components["cooperation"], components["learning"]) == (1, 1, 1)
    kinds = [e["kind"] for e in found[0]["explanations"]]
    assert kinds == ["need", "strength", "clusters", "cooperation", "learning"]
    assert any(c["id"].endswith("/project/clusterpolisee") for c in found[0]["connections"])
    # The evidence is about the partner: Marche's own category and partner roles are not in it
    # (the roles are connections), Emilia-Romagna's category is.
    evidence = {e["id"] for e in found[0]["evidence"]}
    assert not any("/development-category/ITI3/" in e for e in evidence)
    assert any("/development-category/ITH5/" in e for e in evidence)
    assert not any("/partner-role/" in e for e in evidence)
    assert any(c["type"] == "ckg:PartnerRole" for c in found[0]["connections"])
    window = next(e for e in found[0]["evidence"] if e["id"].endswith("i40-patent-count"))
    assert window["year"] == "2016-2018"


def test_sud_muntenia_gaps_and_peers(store: EmbeddedStore) -> None:
    gaps = region_results(store, "RO31", "gap").as_json()["gaps"]
    assert gaps
    for gap in gaps:
        assert gap["helpers"], gap["id"]
        assert gap["gapKind"] in {"weak", "unmeasured"}
        if gap["gapKind"] == "weak":
            assert gap["localStrength"]["score"] < 0.5
    peers = region_results(store, "RO31", "peer").as_json()["peers"]
    assert len(peers) >= 3
    for peer in peers:
        assert peer["strongerIn"] and peer["reasons"] and peer["evidence"]
        assert peer["variablesCompared"] >= 3
        assert any(e["id"].count("/observation/") for e in peer["evidence"])


def test_codes_of_any_level_and_version(store: EmbeddedStore) -> None:
    nuts3 = region_results(store, "SE313", "match", limit=1)
    assert [r.code for r in nuts3.regions] == ["SE31"] and "NUTS 3" in (nuts3.note or "")
    older = region_results(store, "PL31", "match", limit=1)  # Lubelskie before 2018
    assert [r.code for r in older.regions] == ["PL81"]


def test_cli_match_gaps_peers(built_store: Path) -> None:
    env = kg_env(built_store)
    result = run_kg("match", "ITI3", "--format", "csv", "--limit", "3", env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("rank,score,priority,technology,partner")
    assert len(lines) == 4
    for command in ("gaps", "peers"):
        result = run_kg(command, "RO31", "--format", "json", env=env)
        assert result.returncode == 0, result.stderr
        assert '"requested": "RO31"' in result.stdout
    unknown = run_kg("match", "XX99", env=env)
    assert unknown.returncode == 2 and "XX99" in unknown.stderr


def test_stored_graph_is_what_a_fresh_computation_gives(store: EmbeddedStore) -> None:
    """Deterministic: computing again from the same graph gives the stored triples, byte for
    byte; and the graph's description names what it used."""
    settings = Settings(store_path=Path("unused"))
    graph = settings.source_graph("matches")
    inputs = read_match_inputs(store, settings.base_iri)
    triples = matches_graph(compute_all(inputs), inputs, settings.base_iri, _activity(graph))
    stored = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert stored.graph is not None
    assert _lines(stored.graph) == _lines(triples)
    used = {
        str(r["used"])
        for r in store.query(f"SELECT ?used WHERE {{ <{graph}#derivation> prov:used ?used }}").rows
    }
    assert {settings.source_graph("strengths"), settings.source_graph("s3-priorities")} <= used
    assert graph not in used


def _lines(triples: Iterable[tuple[Identifier, Identifier, Identifier]]) -> list[str]:
    """Sorted N-Triples, a plain literal written as the xsd:string it is (RDF 1.1) and a decimal
    in its canonical form."""
    graph = Graph()
    for s, p, o in triples:
        if isinstance(o, Literal) and o.datatype is None and o.language is None:
            o = Literal(str(o), datatype=XSD.string)
        elif isinstance(o, Literal) and o.datatype == XSD.decimal:
            # The store keeps a decimal's value: 0.0 comes back as 0.
            o = Literal(format(Decimal(str(o)).normalize(), "f"), datatype=XSD.decimal)
        graph.add((s, p, o))
    return sorted(graph.serialize(format="nt").splitlines())


def _activity(graph: str) -> URIRef:
    return URIRef(f"{graph}#derivation")


def test_partner_regions_results_conform_to_the_shapes(store: EmbeddedStore) -> None:
    """The build skips the shapes check for speed (`kg match --rebuild --check` runs it on the
    whole graph); here the results of the partner regions are checked, as a derivation would."""
    settings = Settings(store_path=Path("unused"))
    graph = settings.source_graph("matches")
    inputs = read_match_inputs(store, settings.base_iri)
    codes = ["ITI3", "LT", "NL11", "SE31", "PL", "RO31", "ES42", "SK", "EL52"]
    triples = matches_graph(compute_all(inputs, codes), inputs, settings.base_iri, _activity(graph))
    records = resource_records(triples)
    with ShapeValidator(settings.shapes_dir, settings.ontology_dir) as validator:
        reports = validator.validate_records(records, store_lookup(store, graph))
    failures = [f"{r.key}: {report.plain()}" for r, report in zip(records, reports, strict=True)
                if not report.conforms]  # fmt: skip
    assert failures == []
