"""The NACE Rev. 2 mapping on the bundled file (counts checked against the CSV itself and the
published structure: 21 sections, 88 divisions, 272 groups, 615 classes) and through the real
pipeline: a clean load, and bad rows quarantined with a reason."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from kg.config import PROJECT_ROOT, Settings
from kg.errors import InvalidInput
from kg.ingest.mappings.nace import NACE_SCHEME, map_nace
from kg.ingest.pipeline import IngestReport
from kg.ingest.records import MappingContext, Record
from kg.store import EmbeddedStore
from kg.validation import ShapeValidator
from tests.helpers import csv_rows, ingest_as, mapping_context, merged

NACE_CSV = PROJECT_ROOT / "data" / "sources" / "nace" / "nace_r2.csv"
BASE = "https://w3id.org/clusterkg/id/"
NACE = "http://data.europa.eu/ux2/nace2/"
SCHEME = URIRef(NACE_SCHEME)
#: Sections, divisions, groups and classes of NACE Rev. 2 (Eurostat, 2008).
PUBLISHED_LEVELS = {"1": 21, "2": 88, "3": 272, "4": 615}

HEADER = "code,level,name,parent_code,section,isic4_code,ramon_uri\n"
RAMON = "http://ec.europa.eu/eurostat/ramon/rdfdata/nace_r2/"
SMALL = (
    f"C,1,MANUFACTURING,,C,C,{RAMON}C\n"
    f"26,2,Manufacture of computer and optical products,C,C,26,{RAMON}26\n"
    f"26.1,3,Manufacture of electronic components and boards,26,C,261,{RAMON}26.1\n"
    f"26.11,4,Manufacture of electronic components,26.1,C,2611,{RAMON}26.11\n"
)


def context_for(path: Path, name: str = "nace") -> MappingContext:
    return mapping_context(path, name)


@pytest.fixture(scope="module")
def records() -> list[Record]:
    return list(map_nace(context_for(NACE_CSV)))


@pytest.fixture(scope="module")
def graph(records: list[Record]) -> Graph:
    return merged(records)


def concepts(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects(SKOS.inScheme, SCHEME) if isinstance(s, URIRef)}


def test_one_concept_per_row_and_one_scheme(records: list[Record], graph: Graph) -> None:
    rows = csv_rows(NACE_CSV)
    levels_in_csv = Counter(row["level"] for row in rows)
    assert levels_in_csv == PUBLISHED_LEVELS
    assert len(rows) == sum(PUBLISHED_LEVELS.values()) == 996
    assert not [r.key for r in records if r.problem]
    assert len(records) == len(rows) + 1
    assert len(concepts(graph)) == len(rows)
    # the level of each concept from its code as the mapping wrote it
    level_of = {1: "1", 2: "2", 4: "3", 5: "4"}
    mapped_levels = Counter(
        level_of[len(str(graph.value(c, SKOS.notation)))] for c in concepts(graph)
    )
    assert mapped_levels == levels_in_csv
    assert (SCHEME, RDF.type, SKOS.ConceptScheme) in graph
    assert graph.value(SCHEME, SKOS.prefLabel) == Literal("NACE Rev. 2", lang="en")


def test_iris_are_the_official_ones_derived_from_the_code(graph: Graph) -> None:
    for concept in concepts(graph):
        notation = str(graph.value(concept, SKOS.notation))
        assert str(concept) == NACE + notation.replace(".", "")
        assert (concept, RDF.type, SKOS.Concept) in graph
        assert (concept, DCTERMS.source, URIRef(f"{BASE}source/nace/nace_r2.csv")) in graph
        assert (concept, SKOS.exactMatch, URIRef(RAMON + notation)) in graph


def test_every_broader_link_points_to_an_activity_of_the_file(graph: Graph) -> None:
    known = concepts(graph)
    links = list(graph.subject_objects(SKOS.broader))
    assert len(links) == 996 - 21
    assert {parent for _, parent in links} <= known
    tops = set(graph.subjects(SKOS.topConceptOf, SCHEME))
    assert len(tops) == 21
    assert not {child for child, _ in links} & tops


def test_spot_checks(graph: Graph) -> None:
    electronic_components = URIRef(NACE + "2611")
    assert graph.value(electronic_components, SKOS.prefLabel) == Literal(
        "Manufacture of electronic components", lang="en"
    )
    assert graph.value(electronic_components, SKOS.notation) == Literal("26.11")
    assert graph.value(electronic_components, SKOS.broader) == URIRef(NACE + "261")
    assert graph.value(URIRef(NACE + "261"), SKOS.broader) == URIRef(NACE + "26")
    assert graph.value(URIRef(NACE + "26"), SKOS.broader) == URIRef(NACE + "C")
    manufacturing = URIRef(NACE + "C")
    assert (manufacturing, SKOS.topConceptOf, SCHEME) in graph
    assert graph.value(manufacturing, SKOS.broader) is None
    assert graph.value(manufacturing, SKOS.prefLabel) == Literal("MANUFACTURING", lang="en")


def test_the_typo_of_section_t_is_corrected_with_a_note(graph: Graph) -> None:
    section_t = URIRef(NACE + "T")
    label = str(graph.value(section_t, SKOS.prefLabel))
    assert "; UNDIFFERENTIATED GOODS-" in label
    assert not [str(o) for o in graph.objects(None, SKOS.prefLabel) if "U0N" in str(o)]
    (note,) = graph.objects(section_t, SKOS.editorialNote)
    assert "U0NDIFFERENTIATED" in note and "UNDIFFERENTIATED" in note
    assert len(list(graph.subject_objects(SKOS.editorialNote))) == 1


def test_the_corrections_file_is_named_as_a_used_file() -> None:
    context = context_for(NACE_CSV)
    list(map_nace(context))
    assert [p.name for p in context.used_files] == ["corrections.csv"]


def test_a_correction_for_a_code_the_file_lacks_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "nace.csv"
    path.write_text(HEADER + SMALL, encoding="utf-8")
    (tmp_path / "corrections.csv").write_text(
        "code,column,value,evidence\n99.99,name,Anything,made up\n", encoding="utf-8"
    )
    with pytest.raises(InvalidInput, match=r"99\.99"):
        list(map_nace(context_for(path)))


def ingest(store: EmbeddedStore, settings: Settings, validator: ShapeValidator, path: Path):
    return ingest_as(store, settings, validator, path, source="nace", mapping="nace")


def test_malformed_rows_are_quarantined_by_the_pipeline(
    settings: Settings, validator: ShapeValidator, tmp_path: Path
) -> None:
    short_row = "26.12,4,Manufacture of loaded electronic boards,26.1,C\n"  # two fields short
    no_code = f",4,Manufacture of something,26.1,C,2699,{RAMON}26.99\n"
    path = tmp_path / "nace.csv"
    path.write_text(HEADER + SMALL + short_row + no_code, encoding="utf-8")
    with EmbeddedStore(settings.store_path) as store:
        report = ingest(store, settings, validator, path)
        rows = store.query(
            f"SELECT ?c WHERE {{ GRAPH ?g {{ ?c skos:inScheme <{NACE_SCHEME}> }} }}"
        ).rows
    assert (report.records_read, report.records_loaded, report.records_quarantined) == (7, 5, 2)
    assert {str(r["c"]) for r in rows} == {NACE + code for code in ("C", "26", "261", "2611")}
    reasons = {q.record.location: q.reason for q in report.quarantined}
    assert reasons == {
        "line 6": "line 6 has 5 fields but the header has 7",
        "line 7": "line 7 has no NACE code",
    }
    assert (settings.quarantine_dir / "nace.jsonl").exists()


def test_an_activity_whose_parent_the_file_lacks_is_quarantined(
    settings: Settings, validator: ShapeValidator, tmp_path: Path
) -> None:
    orphan = f"26.21,4,Manufacture of computers and peripheral equipment,26.2,C,2620,{RAMON}26.21\n"
    path = tmp_path / "nace.csv"
    path.write_text(HEADER + SMALL + orphan, encoding="utf-8")
    with EmbeddedStore(settings.store_path) as store:
        report = ingest(store, settings, validator, path)
    assert (report.records_loaded, report.records_quarantined) == (5, 1)
    (entry,) = report.quarantined
    assert entry.record.key.startswith("26.21")
    assert entry.report is not None
    assert [(f.path, f.component) for f in entry.report.violations] == [
        ("skos:broader", "NodeConstraintComponent")
    ]


@pytest.fixture(scope="module")
def bundled_ingest(
    tmp_path_factory: pytest.TempPathFactory, validator: ShapeValidator
) -> tuple[IngestReport, int]:
    """The bundled file through the real pipeline, once (about 5 s: SHACL on 996 concepts)."""
    root = tmp_path_factory.mktemp("nace")
    settings = Settings(store_path=root / "store", quarantine_dir=root / "quarantine")
    with EmbeddedStore(settings.store_path) as store:
        report = ingest(store, settings, validator, NACE_CSV)
        count = store.query(
            f"SELECT (COUNT(?c) AS ?n) WHERE {{ GRAPH ?g {{ ?c skos:inScheme <{NACE_SCHEME}> }} }}"
        ).rows[0]["n"]
    return report, int(count)


def test_the_bundled_file_loads_without_quarantine_or_warnings(
    bundled_ingest: tuple[IngestReport, int],
) -> None:
    report, concepts_in_store = bundled_ingest
    assert (report.records_read, report.records_loaded) == (997, 997)
    assert report.records_quarantined == 0, report.quarantined[0].reason
    assert report.warnings == 0, report.warning_notes
    assert concepts_in_store == 996
