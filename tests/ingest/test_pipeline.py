"""Ingest end to end on small files: counts add up, invalid records are quarantined with a
report, loads are atomic and repeatable, provenance describes each graph."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from kg.config import Settings
from kg.errors import InvalidInput
from kg.store import EmbeddedStore
from kg.validation import ShapeValidator
from tests.helpers import ingest_as

HEADER = "nuts_code,label,level,parent_code,country_code\n"
VALID_ROWS = "IT,Italia,0,,IT\nITI,Centro (IT),1,IT,IT\nITI3,Marche,2,ITI,IT\n"
LEVEL_OUT_OF_RANGE = "ITI9,Nowhere,7,ITI,IT\n"
MALFORMED = "ITI4,Lazio,2,ITI\n"  # one field short
ITI9 = URIRef("http://data.europa.eu/nuts/code/ITI9")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def ingest(
    store: EmbeddedStore,
    settings: Settings,
    validator: ShapeValidator,
    path: Path,
    name: str = "regions",
    mapping: str | None = "nuts",
    dry_run: bool = False,
    replace: bool = False,
):
    return ingest_as(
        store,
        settings,
        validator,
        path,
        source=name,
        mapping=mapping,
        dry_run=dry_run,
        replace=replace,
    )


def test_valid_records_load_and_invalid_ones_are_quarantined_with_a_report(
    settings: Settings, validator: ShapeValidator, tmp_path: Path
) -> None:
    path = write(tmp_path, "regions.csv", HEADER + VALID_ROWS + LEVEL_OUT_OF_RANGE + MALFORMED)
    with EmbeddedStore(settings.store_path) as store:
        report = ingest(store, settings, validator, path)
        assert (report.records_read, report.records_loaded, report.records_quarantined) == (5, 3, 2)
        assert report.balanced
        codes = {
            str(r["c"])
            for r in store.query("SELECT ?c WHERE { GRAPH ?g { ?r skos:notation ?c } }").rows
        }
        assert codes == {"IT", "ITI", "ITI3"}

    lines = (settings.quarantine_dir / "regions.jsonl").read_text(encoding="utf-8").splitlines()
    entries = {e["location"]: e for e in map(json.loads, lines)}
    assert set(entries) == {"line 5", "line 6"}
    level = entries["line 5"]
    assert level["data"]["nuts_code"] == "ITI9"
    assert [(v["focus_node"], v["constraint"]) for v in level["violations"]] == [
        (str(ITI9), "MaxInclusiveConstraintComponent")
    ]
    assert "nutsLevel" in level["reason"] and str(ITI9) in level["reason"]
    shacl = Graph().parse(data=level["report_turtle"], format="turtle")
    assert (None, URIRef("http://www.w3.org/ns/shacl#focusNode"), ITI9) in shacl
    malformed = entries["line 6"]
    assert malformed["reason"] == "line 6 has 4 fields but the header has 5"
    assert malformed["data"]["nuts_code"] == "ITI4"


def test_reingesting_identical_input_gives_identical_triples(
    settings: Settings, validator: ShapeValidator, tmp_path: Path
) -> None:
    path = write(tmp_path, "regions.csv", HEADER + VALID_ROWS)
    graph = settings.source_graph("regions")
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    with EmbeddedStore(settings.store_path) as store:
        ingest(store, settings, validator, path)
        first = set(store.query(query).graph or ())
        report = ingest(store, settings, validator, path, replace=True)
        second = set(store.query(query).graph or ())
    assert first == second and len(first) > 0
    assert report.changes is not None
    assert (report.changes.removed, report.changes.added, report.changes.changed) == ([], [], [])
    assert report.changes.unchanged == 3


def test_reingesting_replaces_the_source_graph(
    settings: Settings, validator: ShapeValidator, tmp_path: Path
) -> None:
    with EmbeddedStore(settings.store_path) as store:
        ingest(store, settings, validator, write(tmp_path, "a.csv", HEADER + VALID_ROWS))
        b = write(tmp_path, "b.csv", HEADER + "IT,Italia,0,,IT\n")
        ingest(store, settings, validator, b, replace=True)
        result = store.query("SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a ckg:Region }")
        assert int(result.rows[0]["n"]) == 1


def test_provenance_describes_the_graph(
    settings: Settings, validator: ShapeValidator, tmp_path: Path
) -> None:
    path = write(tmp_path, "regions.csv", HEADER + VALID_ROWS + LEVEL_OUT_OF_RANGE)
    with EmbeddedStore(settings.store_path) as store:
        report = ingest(store, settings, validator, path)
        graph = settings.source_graph("regions")
        row = store.query(
            f"""PREFIX ckg: <https://w3id.org/clusterkg/ontology#>
            PREFIX spdx: <http://spdx.org/rdf/terms#>
            PREFIX dcat: <http://www.w3.org/ns/dcat#>
            PREFIX prov: <http://www.w3.org/ns/prov#>
            PREFIX void: <http://rdfs.org/ns/void#>
            SELECT * WHERE {{ GRAPH <{settings.meta_graph}> {{
              <{graph}> a dcat:Dataset ; ckg:recordsRead ?read ; ckg:recordsLoaded ?loaded ;
                ckg:recordsQuarantined ?quarantined ; void:triples ?triples ;
                prov:wasGeneratedBy ?activity ; dcat:distribution ?dist .
              ?activity prov:used ?file ; prov:startedAtTime ?start .
              ?dist spdx:checksum/spdx:checksumValue ?sha256 .
            }} }}"""
        ).rows
    assert len(row) == 1
    facts = row[0]
    assert (int(facts["read"]), int(facts["loaded"]), int(facts["quarantined"])) == (4, 3, 1)
    assert int(facts["triples"]) == report.triples
    assert str(facts["sha256"]) == hashlib.sha256(path.read_bytes()).hexdigest()
    assert str(facts["file"]).endswith("source/regions/regions.csv")


def test_dry_run_writes_nothing(
    settings: Settings, validator: ShapeValidator, tmp_path: Path
) -> None:
    path = write(tmp_path, "regions.csv", HEADER + VALID_ROWS + LEVEL_OUT_OF_RANGE)
    with EmbeddedStore(settings.store_path) as store:
        report = ingest(store, settings, validator, path, dry_run=True)
        assert (report.records_loaded, report.records_quarantined) == (3, 1)
        assert len(store) == 0
    assert not (settings.quarantine_dir / "regions.jsonl").exists()


def test_rdf_file_with_blank_nodes_loads_the_same_triples_twice(
    settings: Settings, validator: ShapeValidator, tmp_path: Path
) -> None:
    turtle = write(
        tmp_path,
        "x.ttl",
        """
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix ex: <https://example.org/> .
        ex:A a owl:Class ; owl:equivalentClass [ a owl:Restriction ; owl:onProperty ex:p ;
            owl:someValuesFrom ex:B ] .
        """,
    )
    graph = settings.source_graph("x")
    query = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} ORDER BY ?s ?p ?o"
    with EmbeddedStore(settings.store_path) as store:
        first = ingest(store, settings, validator, turtle, name="x", mapping=None)
        rows_first = store.query(query).rows
        again = ingest(store, settings, validator, turtle, name="x", mapping=None, replace=True)
        rows_second = store.query(query).rows
    assert again.changes is not None and again.changes.changed == []
    assert first.records_read == 1  # the restriction travels with its class
    assert rows_first == rows_second and len(rows_first) == 5


@pytest.mark.parametrize(
    ("name", "content", "mapping", "message"),
    [
        ("missing.csv", None, "nuts", "no such file"),
        ("regions.xlsx", "x", None, "unknown format '.xlsx'"),
        ("regions.csv", HEADER, None, "needs a mapping"),
        ("broken.ttl", "@prefix ex: <https://example.org/> .\n\nex:a ex:b .\n", None, "line 3"),
        ("regions.csv", "code,label\nIT,Italia\n", "nuts", "missing column(s) nuts_code"),
        ("regions.csv", HEADER + 'IT,"Italia,0,,IT\n', "nuts", "malformed CSV at line 2"),
        ("regions.csv", HEADER, "spreadsheet", "unknown mapping 'spreadsheet'"),
    ],
)
def test_unreadable_input_is_a_clear_error_and_writes_nothing(
    settings: Settings,
    validator: ShapeValidator,
    tmp_path: Path,
    name: str,
    content: str | None,
    mapping: str | None,
    message: str,
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with EmbeddedStore(settings.store_path) as store:
        with pytest.raises(InvalidInput) as caught:
            ingest(store, settings, validator, path, mapping=mapping)
        assert message in caught.value.detail
        assert len(store) == 0


def test_bad_source_name_is_refused(
    settings: Settings, validator: ShapeValidator, tmp_path: Path
) -> None:
    path = write(tmp_path, "regions.csv", HEADER + VALID_ROWS)
    with EmbeddedStore(settings.store_path) as store:
        with pytest.raises(InvalidInput, match="lower-case"):
            ingest(store, settings, validator, path, name="Bad Name")
        with pytest.raises(InvalidInput, match="reserved"):
            ingest(store, settings, validator, path, name="meta")
        assert len(store) == 0


def test_warnings_do_not_block_and_are_reported_for_loaded_records(
    settings: Settings, validator: ShapeValidator, tmp_path: Path
) -> None:
    # a technology without a Greek label: valid, with exactly one warning
    turtle = write(
        tmp_path,
        "tech.ttl",
        """
        @prefix ckg: <https://w3id.org/clusterkg/ontology#> .
        @prefix dct: <http://purl.org/dc/terms/> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        <https://w3id.org/clusterkg/ati/quantum-technologies> a ckg:KeyEnablingTechnology ;
            skos:prefLabel "Quantum technologies"@en , "Tecnologie quantistiche"@it ;
            skos:definition "Technologies that use quantum effects."@en ;
            skos:inScheme <https://w3id.org/clusterkg/scheme/ati> ;
            dct:source <https://example.org/source> .
        """,
    )
    with EmbeddedStore(settings.store_path) as store:
        report = ingest(store, settings, validator, turtle, name="tech", mapping=None)
    assert (report.records_loaded, report.records_quarantined, report.warnings) == (1, 0, 1)
    ((key, note),) = report.warning_notes
    assert key == "https://w3id.org/clusterkg/ati/quantum-technologies"
    assert note.startswith("Warning on <https://w3id.org/clusterkg/ati/quantum-technologies>")


def test_a_malformed_code_is_quarantined_not_a_crash(
    settings: Settings, validator: ShapeValidator, tmp_path: Path
) -> None:
    path = write(tmp_path, "regions.csv", HEADER + VALID_ROWS + "IT I4,Bad code,2,IT I,IT\n")
    with EmbeddedStore(settings.store_path) as store:
        report = ingest(store, settings, validator, path)
    assert (report.records_loaded, report.records_quarantined) == (3, 1)
    (entry,) = report.quarantined
    assert entry.record.key.startswith("IT I4")
    assert any(f.component == "PatternConstraintComponent" for f in entry.report.violations)
    entries = (settings.quarantine_dir / "regions.jsonl").read_text(encoding="utf-8").splitlines()
    written = json.loads(entries[0])
    assert written["data"]["nuts_code"] == "IT I4"
    assert "<http://data.europa.eu/nuts/code/IT I4>" in written["ntriples"]
