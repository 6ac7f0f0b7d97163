"""Every fact the seeds state is answerable with a query over the built store.

The queries are the saved ones in ``queries/``, so what this test checks is what a user runs:
``kg query --file queries/project-partners.rq``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib.term import Identifier

from kg.config import PROJECT_ROOT
from kg.store import EmbeddedStore
from tests.conftest import kg_env, run_kg

QUERIES = PROJECT_ROOT / "queries"
SEEDS = PROJECT_ROOT / "data" / "sources" / "seeds"
ID = "https://w3id.org/clusterkg/id/"
CLUSTERFY, CLUSTERPOLISEE = f"{ID}project/clusterfy", f"{ID}project/clusterpolisee"


@pytest.fixture(scope="module")
def store(built_store: Path) -> Iterator[EmbeddedStore]:
    with EmbeddedStore(built_store, read_only=True) as opened:
        yield opened


def rows(store: EmbeddedStore, name: str) -> list[dict[str, str]]:
    result = store.query((QUERIES / f"{name}.rq").read_text(encoding="utf-8"))
    return [{k: str(v) for k, v in row.items()} for row in result.rows]


def ask(store: EmbeddedStore, query: str) -> bool:
    return bool(store.query(query).boolean)


def test_project_dates_programmes_and_counts(store: EmbeddedStore) -> None:
    overview = {r["project"]: r for r in rows(store, "project-overview")}
    clusterfy = overview[CLUSTERFY]
    assert (clusterfy["label"], clusterfy["programme"]) == ("ClusterFY", "Interreg Europe")
    assert (clusterfy["start"], clusterfy["end"]) == ("2017-01-01", "2021-12-31")
    assert clusterfy["partners"] == "8"
    polisee = overview[CLUSTERPOLISEE]
    assert polisee["label"] == "Smarter Cluster Policies for South East Europe"
    assert polisee["acronym"] == "ClusterPoliSEE"
    assert polisee["programme"] == "South East Europe Transnational Cooperation Programme"
    assert (polisee["partners"], polisee["countries"]) == ("25", "11")
    assert polisee["lead"] == "Marche Region"


def test_clusterfy_partners_and_their_regions(store: EmbeddedStore) -> None:
    partners = [r for r in rows(store, "project-partners") if r["project"] == CLUSTERFY]
    assert {r["partner_label"]: r["region_code"] for r in partners} == {
        "Innovation Agency": "LT",
        "Northern Netherlands Provinces Alliance": "NL1",
        "Municipality of Hudiksvall": "SE313",
        "Polish Agency for Enterprise Development": "PL",
        "South Muntenia Regional Development Agency": "RO31",
        "University of Castilla-La Mancha": "ES42",
        "Slovak Innovation and Energy Agency": "SK",
        "Centre for Research and Technology Hellas": "EL52",
    }
    # every region is a real NUTS region with a name, a level and a country
    assert all(r["region_name"] and r["nuts_level"] and r["country"] for r in partners)
    assert {r["helix"] for r in partners} == {"Government", "Academia"}


def test_clusterpolisee_lead_partner_and_collaborator(store: EmbeddedStore) -> None:
    partners = [r for r in rows(store, "project-partners") if r["project"] == CLUSTERPOLISEE]
    leads = {
        (r["partner_label"], r["region_code"]) for r in partners if r["role"] == "Lead partner"
    }
    assert leads == {("Marche Region", "ITI3")}
    # the seeds name only the lead; the curated project-partners source adds partners they
    # do not name (Corallia, the Institute of Economic Forecasting, ...)
    assert {"Corallia Clusters Initiative", "Institute of Economic Forecasting Bucharest"} <= {
        r["partner_label"] for r in partners
    }
    assert ask(store, f"ASK {{ <{ID}organisation/svim> org:linkedTo <{CLUSTERPOLISEE}> }}")


def test_clusterfy_policy_instruments(store: EmbeddedStore) -> None:
    instruments = [
        r for r in rows(store, "project-policy-instruments") if r["project"] == CLUSTERFY
    ]
    assert len(instruments) == 8
    funds = {r["region_code"]: set(r.get("funds", "").split()) for r in instruments}
    assert sum("ERDF" in f for f in funds.values()) == 7
    assert funds["PL"] == {"ERDF", "national-budget"}
    assert funds["SK"] == set()  # the seed calls ERDF "another" resource of the Slovak scheme
    assert all(r["partner_label"] for r in instruments)


def test_clusterfy_outputs(store: EmbeddedStore) -> None:
    outputs = {r["type"]: r for r in rows(store, "project-outputs") if r["project"] == CLUSTERFY}
    assert {t: outputs[t].get("quantity") for t in outputs} == {
        "learning-event": "57",
        "action-plan": "8",
        "good-practice": "16",
        "people-with-increased-capacity": "105",
        "policy-recommendation": None,
    }
    assert outputs["good-practice"]["at_least"] == "true"
    action_plans = outputs["action-plan"]["output"]
    assert ask(
        store,
        f"ASK {{ <{action_plans}> rdfs:comment "
        "'relativi a 7 FESR e 1 strumenti politici nazionali'@it }",
    )


def test_clusterpolisee_thematic_areas_in_three_languages(store: EmbeddedStore) -> None:
    areas = [r for r in rows(store, "project-thematic-areas") if r["project"] == CLUSTERPOLISEE]
    assert len(areas) == 6
    assert all(r.get("label_en") and r.get("label_it") and r.get("label_el") for r in areas)
    assert "Cluster e specializzazione regionale" in {r["label_it"] for r in areas}


def test_clusterpolisee_aims_in_the_seed_languages(store: EmbeddedStore) -> None:
    result = store.query(
        f"SELECT DISTINCT (LANG(?aim) AS ?lang) WHERE {{ <{CLUSTERPOLISEE}> ckg:aim ?aim }}"
    )
    assert {str(r["lang"]) for r in result.rows} >= {"el", "en"}


def test_every_seed_fact_names_its_seed_file(store: EmbeddedStore) -> None:
    seeds_graph = f"{ID}graph/seeds"
    typed = store.query(
        f"SELECT DISTINCT ?s WHERE {{ GRAPH <{seeds_graph}> {{ ?s a ?type }} }}"
    ).rows
    sources = store.query(
        f"SELECT ?s ?source WHERE {{ GRAPH <{seeds_graph}> {{ ?s a ?type ; dct:source ?source }} }}"
    ).rows
    by_resource: dict[Identifier, set[str]] = {}
    for row in sources:
        by_resource.setdefault(row["s"], set()).add(str(row["source"]))
    assert len(typed) >= 50
    assert {row["s"] for row in typed} == set(by_resource)
    files = {source.rsplit("/", 1)[-1] for names in by_resource.values() for source in names}
    assert files <= {p.name for p in SEEDS.glob("*.txt")}
    assert len(files) == 5  # every seed contributes facts


def test_mentioned_regions_have_label_level_and_parent(store: EmbeddedStore) -> None:
    result = store.query(
        """SELECT ?code ?name ?level ?parent WHERE {
             ?x ckg:region ?region .
             ?region skos:notation ?code ; skos:prefLabel ?name ; ckg:nutsLevel ?level .
             OPTIONAL { ?region skos:broader/skos:notation ?parent }
           }"""
    )
    regions = {str(r["code"]): r for r in result.rows}
    assert {"ITI3", "EL52", "RO31", "ES42", "SE313", "NL1", "LT", "PL", "SK"} <= set(regions)
    assert str(regions["ITI3"]["parent"]) == "ITI"
    assert str(regions["SE313"]["parent"]) == "SE31"
    assert all("parent" in r for r in regions.values() if int(r["level"]) > 0)


def test_a_saved_query_runs_from_the_command_line(built_store: Path) -> None:
    result = run_kg(
        "query",
        "--file",
        str(QUERIES / "project-outputs.rq"),
        "--format",
        "csv",
        env=kg_env(built_store),
    )
    assert result.returncode == 0, result.stderr
    assert "learning-event,57,false" in result.stdout
