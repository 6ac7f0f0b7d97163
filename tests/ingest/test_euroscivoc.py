"""The EuroSciVoc mapping on the bundled CORDIS extract (980 concepts; counts checked against
the CSV itself) and through the real pipeline: a clean load, and bad rows quarantined."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from kg.config import PROJECT_ROOT, Settings
from kg.ingest.mappings.euroscivoc import EUROSCIVOC_SCHEME, map_euroscivoc
from kg.ingest.pipeline import IngestReport
from kg.ingest.records import MappingContext, Record
from kg.store import EmbeddedStore
from kg.validation import ShapeValidator
from tests.helpers import csv_rows, ingest_as, mapping_context, merged

CSV_FILE = PROJECT_ROOT / "data" / "sources" / "cordis" / "euroscivoc_concepts_from_cordis_he.csv"
KETS = PROJECT_ROOT / "ontology" / "kets.ttl"
BASE = "https://w3id.org/clusterkg/id/"
ESVC = "https://w3id.org/clusterkg/euroscivoc/"
SOURCE_DOCUMENT = URIRef(f"{BASE}source/euroscivoc/{CSV_FILE.name}")

HEADER = "code_path,title_path,title,depth,parent_code_path\n"
SMALL = (
    "/23,/natural sciences,natural sciences,1,\n"
    "/23/43,/natural sciences/physical sciences,physical sciences,2,/23\n"
    "/23/43/251,/natural sciences/physical sciences/optics,optics,3,/23/43\n"
)


def context_for(path: Path, name: str = "euroscivoc") -> MappingContext:
    return mapping_context(path, name)


@pytest.fixture(scope="module")
def records() -> list[Record]:
    return list(map_euroscivoc(context_for(CSV_FILE)))


@pytest.fixture(scope="module")
def graph(records: list[Record]) -> Graph:
    return merged(records)


def concepts(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects(SKOS.inScheme, EUROSCIVOC_SCHEME) if isinstance(s, URIRef)}


def test_one_concept_per_row(records: list[Record], graph: Graph) -> None:
    rows = csv_rows(CSV_FILE)
    assert len(rows) == 980
    assert not [r.key for r in records if r.problem]
    assert len(records) == len(concepts(graph)) == len(rows)
    depths_in_csv = Counter(int(row["depth"]) for row in rows)
    mapped_depths = Counter(str(graph.value(c, SKOS.notation)).count("/") for c in concepts(graph))
    assert mapped_depths == depths_in_csv
    assert depths_in_csv[1] == 6  # the six top-level fields of science


def test_iris_are_the_stand_ins_derived_from_the_code_path(graph: Graph) -> None:
    """What EuroSciVocConceptShape cannot check in core SHACL: IRI and code path agree."""
    for concept in concepts(graph):
        notation = str(graph.value(concept, SKOS.notation))
        assert str(concept) == ESVC + notation.removeprefix("/").replace("/", "-")
        assert (concept, RDF.type, SKOS.Concept) in graph
        assert (concept, DCTERMS.source, SOURCE_DOCUMENT) in graph


def test_every_broader_link_points_to_a_concept_of_the_file(graph: Graph) -> None:
    known = concepts(graph)
    links = list(graph.subject_objects(SKOS.broader))
    assert len(links) == 980 - 6
    assert {parent for _, parent in links} <= known
    for child, parent in links:
        assert str(child).rsplit("-", 1)[0] == str(parent)
    tops = set(graph.subjects(SKOS.topConceptOf, EUROSCIVOC_SCHEME))
    assert len(tops) == 6
    assert not {child for child, _ in links} & tops


def test_spot_checks(graph: Graph) -> None:
    optics = URIRef(ESVC + "23-43-251")
    assert graph.value(optics, SKOS.prefLabel) == Literal("optics", lang="en")
    assert graph.value(optics, SKOS.notation) == Literal("/23/43/251")
    assert graph.value(optics, SKOS.broader) == URIRef(ESVC + "23-43")
    assert graph.value(optics, SKOS.scopeNote) == Literal(
        "CORDIS path: /natural sciences/physical sciences/optics", lang="en"
    )
    natural_sciences = URIRef(ESVC + "23")
    assert (natural_sciences, SKOS.topConceptOf, EUROSCIVOC_SCHEME) in graph
    assert graph.value(natural_sciences, SKOS.broader) is None


def test_titles_are_trimmed(graph: Graph) -> None:
    """The export has "wearable medical technology " with a trailing space."""
    wearable = URIRef(ESVC + "25-57-90532773")
    title = "wearable medical technology"
    assert graph.value(wearable, SKOS.prefLabel) == Literal(title, lang="en")
    assert str(graph.value(wearable, SKOS.scopeNote)).endswith(f"/{title}")
    labels = [str(o) for o in graph.objects(None, SKOS.prefLabel)]
    assert all(label == label.strip() for label in labels)


def test_every_field_the_technologies_refer_to_is_a_concept_of_the_file(graph: Graph) -> None:
    """Once this source is loaded, kets.ttl needs no stand-ins of its own."""
    kets = Graph().parse(KETS, format="turtle")
    referred = {o for o in kets.objects() if isinstance(o, URIRef) and str(o).startswith(ESVC)}
    assert len(referred) >= 10
    assert referred <= concepts(graph)


def ingest(store: EmbeddedStore, settings: Settings, validator: ShapeValidator, path: Path):
    return ingest_as(store, settings, validator, path, source="euroscivoc", mapping="euroscivoc")


def test_malformed_rows_are_quarantined_by_the_pipeline(
    settings: Settings, validator: ShapeValidator, tmp_path: Path
) -> None:
    short_row = "/23/43/252,/natural sciences/physical sciences/acoustics,acoustics\n"
    no_code = ",/natural sciences/physical sciences/x,x,3,/23/43\n"
    orphan = "/23/47/297,/natural sciences/x/artificial intelligence,AI,3,/23/47\n"  # no /23/47
    path = tmp_path / "euroscivoc.csv"
    path.write_text(HEADER + SMALL + short_row + no_code + orphan, encoding="utf-8")
    with EmbeddedStore(settings.store_path) as store:
        report = ingest(store, settings, validator, path)
        rows = store.query(
            f"SELECT ?c WHERE {{ GRAPH ?g {{ ?c skos:inScheme <{EUROSCIVOC_SCHEME}> }} }}"
        ).rows
    assert (report.records_read, report.records_loaded, report.records_quarantined) == (6, 3, 3)
    assert {str(r["c"]) for r in rows} == {ESVC + "23", ESVC + "23-43", ESVC + "23-43-251"}
    reasons = {q.record.location: q for q in report.quarantined}
    assert reasons["line 5"].reason == "line 5 has 3 fields but the header has 5"
    assert reasons["line 6"].reason == "line 6 has no code path"
    orphan_report = reasons["line 7"].report
    assert orphan_report is not None
    assert [(f.path, f.component) for f in orphan_report.violations] == [
        ("skos:broader", "NodeConstraintComponent")
    ]


@pytest.fixture(scope="module")
def bundled_ingest(
    tmp_path_factory: pytest.TempPathFactory, validator: ShapeValidator
) -> tuple[IngestReport, int]:
    """The bundled file through the real pipeline, once (about 4 s: SHACL on 980 concepts)."""
    root = tmp_path_factory.mktemp("euroscivoc")
    settings = Settings(store_path=root / "store", quarantine_dir=root / "quarantine")
    with EmbeddedStore(settings.store_path) as store:
        report = ingest(store, settings, validator, CSV_FILE)
        count = store.query(
            "SELECT (COUNT(?c) AS ?n) WHERE { GRAPH ?g { "
            f"?c skos:inScheme <{EUROSCIVOC_SCHEME}> }} }}"
        ).rows[0]["n"]
    return report, int(count)


def test_the_bundled_file_loads_without_quarantine_or_warnings(
    bundled_ingest: tuple[IngestReport, int],
) -> None:
    report, concepts_in_store = bundled_ingest
    assert (report.records_read, report.records_loaded) == (980, 980)
    assert report.records_quarantined == 0, report.quarantined[0].reason
    assert report.warnings == 0, report.warning_notes
    assert concepts_in_store == 980
