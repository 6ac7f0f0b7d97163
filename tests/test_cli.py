"""The real ``kg`` command, run as a subprocess against a real on-disk store."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from rdflib import Dataset

from tests.conftest import kg_env, run_kg

REGION = "http://data.europa.eu/nuts/code/ITI3"
INVALID_TTL = """@prefix ckg: <https://w3id.org/clusterkg/ontology#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/clusterkg/id/project/nameless> a ckg:CooperationProject ;
    dct:source <https://w3id.org/clusterkg/id/source/test/x.ttl> .
"""


def test_build_loads_every_bundled_source_and_prints_counts(built_store: Path) -> None:
    result = run_kg("stats", env=kg_env(built_store))
    assert result.returncode == 0, result.stderr
    for graph in ("graph/ontology", "graph/concepts", "graph/kets", "graph/nuts", "graph/seeds"):
        assert graph in result.stdout
    assert "ckg:Region" in result.stdout


def test_rebuild_reports_balanced_counts_and_no_quarantine(built_store_copy: Path) -> None:
    result = run_kg("build", "--source", "nace", env=kg_env(built_store_copy))
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^nace: (\d+) records read, \1 loaded, 0 quarantined", result.stdout, re.M)
    # No derived graph reads NACE's own graph, so none is computed again.
    assert not re.search(r"^(technology-matches|strengths|matches): ", result.stdout, re.M)


def test_query_formats(built_store: Path) -> None:
    query = f"SELECT ?label WHERE {{ <{REGION}> skos:prefLabel ?label }}"
    env = kg_env(built_store)
    as_csv = run_kg("query", query, "--format", "csv", env=env)
    assert as_csv.returncode == 0, as_csv.stderr
    assert list(csv.reader(io.StringIO(as_csv.stdout))) == [["label"], ["Marche"]]
    as_json = json.loads(run_kg("query", query, "--format", "json", env=env).stdout)
    assert as_json["results"]["bindings"][0]["label"]["value"] == "Marche"
    as_table = run_kg("query", query, env=env)
    assert "Marche" in as_table.stdout and "1 rows" in as_table.stdout
    from_stdin = run_kg("query", "-", "--format", "csv", env=env, stdin=query)
    assert from_stdin.stdout == as_csv.stdout


def test_graph_keyword_addresses_one_source(built_store: Path) -> None:
    query = (
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/clusterkg/id/graph/seeds> "
        f"{{ <{REGION}> ?p ?o }} }}"
    )
    result = run_kg("query", query, "--format", "csv", env=kg_env(built_store))
    assert result.stdout.splitlines()[1] == "0"  # regions live in the nuts graph, not seeds


def test_malformed_query_exits_2_with_a_message(built_store: Path) -> None:
    result = run_kg("query", "SELECT ?x WHERE { ?x ", env=kg_env(built_store))
    assert result.returncode == 2
    assert "does not parse" in result.stderr
    assert "Traceback" not in result.stderr


def test_validate_reports_without_writing(built_store_copy: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(INVALID_TTL, encoding="utf-8")
    env = kg_env(built_store_copy)
    before = run_kg("export", "--format", "nq", env=env).stdout
    result = run_kg("validate", str(bad), env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "https://w3id.org/clusterkg/id/project/nameless" in result.stdout
    assert "MinCount" in result.stdout
    assert run_kg("export", "--format", "nq", env=env).stdout == before


def test_ingest_quarantines_invalid_records_and_exits_1(
    built_store_copy: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(INVALID_TTL, encoding="utf-8")
    env = kg_env(built_store_copy, tmp_path / "quarantine")
    result = run_kg("ingest", str(bad), "--source", "extra", env=env)
    assert result.returncode == 1
    assert "1 records read, 0 loaded, 1 quarantined" in result.stdout
    entry = json.loads((tmp_path / "quarantine" / "extra.jsonl").read_text(encoding="utf-8"))
    assert entry["record"] == "https://w3id.org/clusterkg/id/project/nameless"


def test_usage_and_input_errors_exit_2(built_store: Path, tmp_path: Path) -> None:
    env = kg_env(built_store)
    assert run_kg("ingest", str(tmp_path / "nope.ttl"), "--source", "x", env=env).returncode == 2
    assert run_kg("query", env=env).returncode == 2
    assert run_kg("export", "--format", "docx", env=env).returncode == 2
    missing = run_kg("stats", env=kg_env(tmp_path / "no-store"))
    assert missing.returncode == 2 and "kg build" in missing.stderr


def test_export_nquads_round_trips(built_store: Path, tmp_path: Path) -> None:
    target = tmp_path / "all.nq"
    result = run_kg("export", "--format", "nq", "--output", str(target), env=kg_env(built_store))
    assert result.returncode == 0, result.stderr
    dataset = Dataset()
    dataset.parse(target, format="nquads")
    names = {str(g.identifier) for g in dataset.graphs()}
    assert "https://w3id.org/clusterkg/id/graph/nuts" in names
    assert "https://w3id.org/clusterkg/id/graph/meta" in names


FIXTURE_QUERIES = Path(__file__).parent / "data" / "queries"


def test_saved_query_runs_with_typed_parameters(built_store: Path) -> None:
    env = kg_env(built_store, KG_QUERIES_DIR=str(FIXTURE_QUERIES))
    args = ("query", "--saved", "regions-by-level", "-p", "country=EL", "--format", "csv")
    result = run_kg(*args, env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "region,code,label,level"
    assert len(lines) == 1 + 14  # Greece: 13 NUTS-2 regions of 2024 and EL's extra-regio ELZZ
    refused = run_kg("query", "--saved", "regions-by-level", "-p", "level=9", env=env)
    assert refused.returncode == 2
    assert "level must be at most 3" in refused.stderr + refused.stdout


def test_queries_lists_the_catalogue_and_reports_a_bad_file(tmp_path: Path) -> None:
    listed = run_kg("queries", env=kg_env(tmp_path / "s", KG_QUERIES_DIR=str(FIXTURE_QUERIES)))
    assert listed.returncode == 0
    assert "regions-by-level" in listed.stdout and "3 saved queries" in listed.stdout
    (tmp_path / "broken.rq").write_text("#+ summary: x\n#+ tags: [a\nSELECT * WHERE {}\n")
    broken = run_kg("queries", env=kg_env(tmp_path / "s", KG_QUERIES_DIR=str(tmp_path)))
    assert broken.returncode == 2
    assert "broken.rq:2:" in broken.stderr + broken.stdout
