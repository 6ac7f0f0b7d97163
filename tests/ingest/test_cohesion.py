"""Cohesion-policy development categories (kg.ingest.mappings.cohesion).

The mapping is checked against the bundled files read with the csv module alone (counts per
period and category, blank categories, non-EU rows, the Italian official list), against values
looked up by hand, and through the real pipeline (SHACL per batch, an embedded store holding the
NUTS regions) for the bundled files and for small malformed ones.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from kg.config import PROJECT_ROOT, Settings
from kg.ingest import mappings
from kg.ingest.mappings.cohesion import OFFICIAL_FILE, map_development_categories
from kg.ingest.mappings.nuts import map_nuts_versions
from kg.ingest.nuts_history import BUNDLED_DESCRIPTOR
from kg.ingest.pipeline import IngestReport
from kg.ingest.records import Record
from kg.namespaces import CKG, CKGC, NUTS
from kg.store import EmbeddedStore
from kg.validation import ShapeValidator
from tests.helpers import BASE, csv_rows, ingest_as, mapping_context

DATA_DIR = PROJECT_ROOT / "data"
COHESION = DATA_DIR / "sources" / "cohesion"
RULE_FILE = COHESION / "cohesion_category_rule_based_nuts2.csv"
OFFICIAL = COHESION / OFFICIAL_FILE
MAPPING = "development-categories"
SOURCE = "cohesion-categories"
PERIODS = {"2014-2020": "category_2014_2020_rule", "2021-2027": "category_2021_2027_rule"}
WORDS = {
    "less_developed": CKGC["less-developed"],
    "transition": CKGC.transition,
    "more_developed": CKGC["more-developed"],
}
RULE_BASED, OFFICIAL_DECISION = CKGC["rule-based-approximation"], CKGC["official-decision"]


@dataclass
class Assignment:
    node: URIRef
    record: Record

    def value(self, predicate: URIRef) -> object:
        return self.record.graph.value(self.node, predicate)

    @property
    def code(self) -> str:
        return str(self.value(CKG.region)).removeprefix(str(NUTS))

    @property
    def period(self) -> str:
        start = str(self.value(DCTERMS.temporal)).removeprefix(f"{BASE}period/")
        return f"{start[:4]}-{start[-10:-6]}"  # 2021-01-01--2027-12-31 → 2021-2027

    @property
    def basis(self) -> str:
        return "rule-based" if self.value(CKG.assignmentBasis) == RULE_BASED else "official"


class Mapped:
    """The mapping's records, with the assignments indexed by (code, period, basis)."""

    def __init__(self, records: list[Record]) -> None:
        self.records = records
        self.assignments: dict[tuple[str, str, str], Assignment] = {}
        for record in records:
            for node in record.graph.subjects(RDF.type, CKG.DevelopmentCategoryAssignment):
                assert isinstance(node, URIRef)
                found = Assignment(node, record)
                key = (found.code, found.period, found.basis)
                assert key not in self.assignments, f"two assignments of {key}"
                self.assignments[key] = found

    def of(self, basis: str) -> dict[tuple[str, str], Assignment]:
        return {(c, p): a for (c, p, b), a in self.assignments.items() if b == basis}

    def category(self, code: str, period: str, basis: str = "rule-based") -> URIRef:
        value = self.assignments[(code, period, basis)].value(CKG.developmentCategory)
        assert isinstance(value, URIRef)
        return value


@pytest.fixture(scope="module")
def mapped() -> Mapped:
    context = mapping_context(RULE_FILE, SOURCE, DATA_DIR)
    return Mapped(list(map_development_categories(context)))


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return csv_rows(RULE_FILE)


def eu_rows(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [row for row in rows if row["eu27_2020"] == "1"]


# --- Counts against the file ---------------------------------------------------------------------


def test_the_file_has_the_documented_counts(rows: list[dict[str, str]]) -> None:
    eu = eu_rows(rows)
    assert (len(rows), len(eu)) == (292, 244)
    per_period = {period: Counter(row[column] for row in eu) for period, column in PERIODS.items()}
    assert per_period["2021-2027"] == {
        "less_developed": 78,
        "transition": 65,
        "more_developed": 96,
        "": 5,
    }
    assert per_period["2014-2020"] == {
        "less_developed": 68,
        "transition": 44,
        "more_developed": 124,
        "": 8,
    }


def test_rule_based_assignments_per_period_and_category_match_the_file(
    mapped: Mapped, rows: list[dict[str, str]]
) -> None:
    expected = Counter(
        (period, WORDS[row[column]])
        for row in eu_rows(rows)
        for period, column in PERIODS.items()
        if row[column]
    )
    got = Counter(
        (period, mapped.category(code, period)) for code, period in mapped.of("rule-based")
    )
    assert got == expected
    assert sum(expected.values()) == 239 + 236
    assert not [r for r in mapped.records if r.problem], "the bundled files map whole"


def test_a_blank_category_never_becomes_an_assignment(
    mapped: Mapped, rows: list[dict[str, str]]
) -> None:
    blank = {
        period: {row["nuts2_code"] for row in eu_rows(rows) if not row[column]}
        for period, column in PERIODS.items()
    }
    assert blank["2021-2027"] == {"PT19", "PT1A", "PT1B", "PT1C", "PT1D"}
    assert blank["2014-2020"] == blank["2021-2027"] | {"FRY5", "NL35", "NL36"}
    rule_based = mapped.of("rule-based")
    for period, codes in blank.items():
        assert not [code for code in codes if (code, period) in rule_based]
    assert ("FRY5", "2021-2027") in rule_based  # Mayotte: figures for 2015-2017 only


def test_non_eu_rows_are_not_loaded(mapped: Mapped, rows: list[dict[str, str]]) -> None:
    outside = {row["nuts2_code"] for row in rows if row["eu27_2020"] == "0"}
    assert len(outside) == 48 and {"TR10", "CH01", "NO08", "RS11"} <= outside
    coded = {code for code, _, _ in mapped.assignments}
    assert coded == {row["nuts2_code"] for row in eu_rows(rows) if row["category_2021_2027_rule"]}
    assert not coded & outside
    regions = {s for r in mapped.records for s in r.graph.subjects() if str(s).startswith(NUTS)}
    assert not {str(s).removeprefix(str(NUTS)) for s in regions} & outside


def test_every_region_is_an_eu_nuts_2024_region(mapped: Mapped) -> None:
    nuts2024 = csv_rows(DATA_DIR / "sources" / "nuts" / "nuts2024.csv")
    level2 = {row["nuts_code"] for row in nuts2024 if len(row["nuts_code"]) == 4}
    assert {code for code, _, _ in mapped.assignments} <= level2


# --- Values looked up by hand (cohesion_category_rule_based_nuts2.csv) --------------------------


@pytest.mark.parametrize(
    ("code", "period", "average", "category"),
    [
        ("ITI3", "2014-2020", "104.33", "more_developed"),  # Marche, line 189
        ("ITI3", "2021-2027", "92.0", "transition"),
        ("RO31", "2014-2020", "41.0", "less_developed"),  # Sud-Muntenia
        ("RO31", "2021-2027", "47.0", "less_developed"),
        ("EL52", "2014-2020", "74.67", "less_developed"),  # Kentriki Makedonia
        ("EL52", "2021-2027", "53.0", "less_developed"),
        ("SE31", "2014-2020", "103.0", "more_developed"),  # Norra Mellansverige
        ("SE31", "2021-2027", "98.0", "transition"),
        ("ES42", "2014-2020", "84.33", "transition"),  # Castilla-La Mancha
        ("ES42", "2021-2027", "73.0", "less_developed"),
        ("NL12", "2014-2020", "100.0", "more_developed"),  # Friesland
        ("NL12", "2021-2027", "93.33", "transition"),
    ],
)
def test_spot_values(mapped: Mapped, code: str, period: str, average: str, category: str) -> None:
    assignment = mapped.assignments[(code, period, "rule-based")]
    value = assignment.value(CKG.gdpPpsPerInhabitantPctEu)
    assert isinstance(value, Literal)
    assert str(value) == average, "the literal keeps the file's digits"
    assert mapped.category(code, period) == WORDS[category]
    years = "2007-2009" if period == "2014-2020" else "2015-2017"
    assert str(assignment.value(CKG.referenceYears)) == years


def test_assignment_iris_and_the_regions_link_to_them(mapped: Mapped) -> None:
    assignment = mapped.assignments[("ITI3", "2021-2027", "rule-based")]
    assert assignment.node == URIRef(f"{BASE}development-category/ITI3/2021-2027/rule-based")
    for found in mapped.assignments.values():
        link = (NUTS[found.code], CKG.developmentCategoryAssignment, found.node)
        assert link in found.record.graph, "the region lists it, in the same record"
    label = str(mapped.assignments[("EL52", "2021-2027", "rule-based")].value(RDFS.label))
    assert label == "EL52 Kentriki Makedonia, 2021-2027: less developed region " + (
        "(rule-based approximation)"
    )


def test_every_rule_based_assignment_says_it_is_an_approximation(mapped: Mapped) -> None:
    thresholds = {"2014-2020": "to below 90 %", "2021-2027": "to below 100 %"}
    for (_, period), assignment in mapped.of("rule-based").items():
        comment = str(assignment.value(RDFS.comment))
        assert comment.startswith("Rule-based approximation, not the official list")
        assert thresholds[period] in comment and "Source: Eurostat" in comment
        assert assignment.value(CKG.sourceQuote) is None


def test_the_two_programming_periods_are_described_once(mapped: Mapped) -> None:
    periods = [r for r in mapped.records if (None, RDF.type, DCTERMS.PeriodOfTime) in r.graph]
    nodes = {s for r in periods for s in r.graph.subjects(RDF.type, DCTERMS.PeriodOfTime)}
    assert nodes == {
        URIRef(f"{BASE}period/2014-01-01--2020-12-31"),
        URIRef(f"{BASE}period/2021-01-01--2027-12-31"),
    }
    used = {a.value(DCTERMS.temporal) for a in mapped.assignments.values()}
    assert used == nodes


# --- The Italian official list and the disagreement ---------------------------------------------


def test_the_21_italian_official_categories(mapped: Mapped) -> None:
    official_rows = csv_rows(OFFICIAL)
    assert len(official_rows) == 21
    official = mapped.of("official")
    assert {code for code, _ in official} == {row["nuts2_code"] for row in official_rows}
    assert {period for _, period in official} == {"2021-2027"}
    for row in official_rows:
        assignment = official[(row["nuts2_code"], "2021-2027")]
        assert assignment.value(CKG.developmentCategory) == WORDS[row["official_category"]]
        assert str(assignment.value(CKG.sourceQuote)) == row["source_quote"]
        sources = set(assignment.record.graph.objects(assignment.node, DCTERMS.source))
        assert URIRef(row["source_url"]) in sources
        assert URIRef(f"{BASE}source/{SOURCE}/{OFFICIAL_FILE}") in sources
        assert assignment.value(CKG.gdpPpsPerInhabitantPctEu) is None, "not the Commission's"
    categories = Counter(a.value(CKG.developmentCategory) for a in official.values())
    assert categories == {WORDS["more_developed"]: 11, WORDS["less_developed"]: 7,
                          WORDS["transition"]: 3}  # fmt: skip


def test_basilicata_is_the_one_disagreement_and_both_sides_show_it(mapped: Mapped) -> None:
    official = mapped.assignments[("ITF5", "2021-2027", "official")]
    rule_based = mapped.assignments[("ITF5", "2021-2027", "rule-based")]
    assert official.value(CKG.developmentCategory) == WORDS["less_developed"]
    assert rule_based.value(CKG.developmentCategory) == WORDS["transition"]
    assert str(rule_based.value(CKG.gdpPpsPerInhabitantPctEu)) == "75.67"
    assert official.value(CKG.disagreesWith) == rule_based.node
    assert rule_based.value(CKG.disagreesWith) == official.node
    assert "official 2021-2027 category of ITF5 differs" in str(
        rule_based.value(SKOS.editorialNote)
    )
    assert "rule-based approximation for ITF5" in str(official.value(SKOS.editorialNote))
    disagreeing = {
        a.node for a in mapped.assignments.values() if a.value(CKG.disagreesWith) is not None
    }
    assert disagreeing == {official.node, rule_based.node}
    noted = {a.node for a in mapped.assignments.values() if a.value(SKOS.editorialNote)}
    assert noted == disagreeing
    # Marche agrees: transition on both bases, no link.
    assert mapped.category("ITI3", "2021-2027", "official") == WORDS["transition"]


def test_without_the_official_file_only_rule_based_assignments_are_made(tmp_path: Path) -> None:
    path = tmp_path / RULE_FILE.name
    path.write_bytes(RULE_FILE.read_bytes())
    context = mapping_context(path, SOURCE, DATA_DIR)
    found = Mapped(list(map_development_categories(context)))
    assert not found.of("official") and len(found.of("rule-based")) == 239 + 236
    assert path.with_name(OFFICIAL_FILE) not in context.used_files


# --- The real pipeline ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def registered() -> Iterator[None]:
    """The mapping under its manifest name (until the registry lists it)."""
    with pytest.MonkeyPatch.context() as patch:
        entry = ("kg.ingest.mappings.cohesion", "map_development_categories")
        patch.setitem(mappings.MAPPINGS, MAPPING, entry)
        yield


@pytest.fixture(scope="module")
def pipeline_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A store holding the NUTS regions of every bundled version, loaded without validation
    (reference data, validated by the NUTS source's own tests)."""
    root = tmp_path_factory.mktemp("cohesion")
    settings = Settings(store_path=root / "store", quarantine_dir=root / "quarantine")
    regions = Graph()
    for record in map_nuts_versions(mapping_context(DATA_DIR / BUNDLED_DESCRIPTOR, "nuts")):
        regions += record.graph
    with EmbeddedStore(settings.store_path) as store:
        store.replace_graph(settings.source_graph("nuts"), regions)
    return settings


def ingest(settings: Settings, validator: ShapeValidator, path: Path, name: str) -> IngestReport:
    with EmbeddedStore(settings.store_path) as store:
        return ingest_as(store, settings, validator, path, source=name, mapping=MAPPING)


@pytest.fixture(scope="module")
def report(
    registered: None, pipeline_settings: Settings, validator: ShapeValidator
) -> IngestReport:
    return ingest(pipeline_settings, validator, RULE_FILE, SOURCE)


def test_the_bundled_files_load_whole_through_the_shapes(
    report: IngestReport, mapped: Mapped
) -> None:
    assert report.records_read == len(mapped.records) == 2 + 239 + 236 + 21
    assert report.records_quarantined == 0, [q.record.problem for q in report.quarantined]
    assert report.records_loaded == report.records_read
    assert report.warnings == 0, report.warning_notes


def test_the_loaded_assignments_answer_queries(
    report: IngestReport, pipeline_settings: Settings
) -> None:
    # The concepts graph is not in this store: the category and basis are compared as IRIs.
    query = """SELECT ?basis ?category ?name WHERE {
        nuts:ITF5 ckg:developmentCategoryAssignment ?a ; skos:prefLabel ?name .
        ?a dct:temporal/dcat:startDate "2021-01-01"^^xsd:date ; ckg:assignmentBasis ?basis ;
           ckg:developmentCategory ?category ; ckg:disagreesWith ?other .
    }"""
    with EmbeddedStore(pipeline_settings.store_path) as store:
        rows = store.query(query).rows
        used = store.query(
            "SELECT ?title WHERE { GRAPH ?meta { ?d dct:source "
            f"<{BASE}source/{SOURCE}/{OFFICIAL_FILE}> ; dct:title ?title }} }}"
        ).rows
    assert {(r["basis"], r["category"]) for r in rows} == {
        (OFFICIAL_DECISION, WORDS["less_developed"]),
        (RULE_BASED, WORDS["transition"]),
    }
    assert {str(r["name"]) for r in rows} == {"Basilicata"}  # the region, from the NUTS graph
    assert [str(r["title"]) for r in used] == [OFFICIAL_FILE], "provenance names the file"


RULE_HEADER = RULE_FILE.read_text(encoding="utf-8").splitlines()[0] + "\n"
OFFICIAL_HEADER = OFFICIAL.read_text(encoding="utf-8").splitlines()[0] + "\n"


def test_malformed_rows_are_quarantined_by_the_pipeline(
    registered: None, pipeline_settings: Settings, validator: ShapeValidator, tmp_path: Path
) -> None:
    rule = tmp_path / RULE_FILE.name
    rule.write_text(
        RULE_HEADER
        + "ITI3,IT,1,Marche,1,1,104.33,3,more_developed,92.0,3,transition\n"  # 2: two loaded
        + "ITF5,IT,1,Basilicata,1,1,80.0,3,transition,75.67,3,middling\n"  # 3: unknown word
        + "ES42,ES,1,Castilla-La Mancha,1,1,n/a,3,transition,73.0,3,less_developed\n"  # 4: n/a
        + "SE31,SE,1,Norra Mellansverige,1,1,103.0,3,more_developed,98.0,3,more_developed\n"  # 5
        + "XX11,XX,1,Nowhere,1,1,50.0,3,less_developed,50.0,3,less_developed\n"  # 6: no region
        + "TR10,TR,0,,0,0,81.67,3,transition,110.33,3,more_developed\n"  # 7: non-EU, skipped
        + "PT19,PT,1,Centro (PT),0,1,,0,,,0,\n"  # 8: blank categories, no assignment
        + "ITI3,IT,1,Marche,1,1,104.33,3,more_developed,92.0,3,transition\n"  # 9: twice
        + "EL52,EL,1,Kentriki Makedonia,1,1,74.67,3,less_developed\n"  # 10: fields missing
        + "RO31,RO,1,Sud-Muntenia,1,1,41.0,3,less_developed,47.0,3,less_developed\n",  # 11: two
        encoding="utf-8",
    )
    quote = "Regioni in transizione: Abruzzo, Umbria, Marche"
    url = "http://www.europafacile.net/Scheda/Documento/34937"
    (tmp_path / OFFICIAL_FILE).write_text(
        OFFICIAL_HEADER
        + f'ITI3,Marche,2021-2027,transition,transition,92.0,1,{url},"{quote}"\n'  # 2: loaded
        + f'ITI3,Marche,2028-2034,transition,transition,92.0,1,{url},"{quote}"\n'  # 3: period
        + f'RO31,Sud-Muntenia,2021-2027,less_developed,transition,47.0,0,{url},"{quote}"\n'  # 4
        + f'PT19,Centro (PT),2021-2027,transition,,,,{url},"{quote}"\n',  # 5: no rule-based one
        encoding="utf-8",
    )
    source = "malformed-cohesion"
    got = ingest(pipeline_settings, validator, rule, source)
    assert got.balanced
    # the periods, ITI3 and RO31 (rule-based), ITI3 and PT19 (official)
    assert got.records_loaded == 2 + 2 + 2 + 2
    rule_lines = {f"{rule.name} line {n}" for n in (3, 4, 5, 6, 9, 10)}
    official_lines = {f"{OFFICIAL_FILE} line {n}" for n in (3, 4)}
    assert {q.record.location for q in got.quarantined} == rule_lines | official_lines
    reasons = {q.record.location: q.record.problem or "" for q in got.quarantined}
    assert "'middling' is not one of" in reasons[f"{rule.name} line 3"]
    assert "'n/a' is not a number" in reasons[f"{rule.name} line 4"]
    assert "does not follow the rule" in reasons[f"{rule.name} line 5"]
    assert "not a NUTS-2 region of NUTS 2024" in reasons[f"{rule.name} line 6"]
    assert "already on line 2" in reasons[f"{rule.name} line 9"]
    assert "has 9 fields but the header has 12" in reasons[f"{rule.name} line 10"]
    assert "not one of 2014-2020, 2021-2027" in reasons[f"{OFFICIAL_FILE} line 3"]
    assert "is not the source file's 2021-2027 category" in reasons[f"{OFFICIAL_FILE} line 4"]
    lines = (pipeline_settings.quarantine_dir / f"{source}.jsonl").read_text(encoding="utf-8")
    entries = [json.loads(line) for line in lines.splitlines()]
    assert len(entries) == 8
    assert all(e["data"] and e["reason"] for e in entries), "raw cells and reason are kept"
