"""Regional indicators as RDF Data Cube observations (kg.ingest.mappings.indicators).

The mappings are checked against the bundled files without SHACL (counts computed with the csv
module, values looked up by hand, NUTS remapping); the real pipeline (ShapeValidator, embedded
store holding the NUTS regions) ingests one bundled file whole and small malformed files.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from kg.config import PROJECT_ROOT, Settings
from kg.errors import InvalidInput
from kg.ingest.mappings.indicators import (
    AGGREGATE,
    I40_INDICATORS,
    map_arxiv_counts,
    map_eurostat_rd,
    map_i40_readiness,
)
from kg.ingest.mappings.nuts import map_nuts_versions
from kg.ingest.nuts_history import BUNDLED_DESCRIPTOR, load_history
from kg.ingest.pipeline import IngestReport
from kg.ingest.records import MappingContext, Record
from kg.namespaces import CKG, NUTS, QB, SDMX_DIMENSION, SDMX_MEASURE
from kg.store import EmbeddedStore
from kg.validation import ShapeValidator
from tests.helpers import ingest_as, mapping_context

DATA_DIR = PROJECT_ROOT / "data"
INDICATORS = DATA_DIR / "sources" / "indicators"
I40_FILE = INDICATORS / "I40_indicator_db.tsv"
RD_FILE = INDICATORS / "rd_private_eur_hab.nuts2.csv"
ARXIV_FILE = INDICATORS / "arxiv_artificial_intelligence_count.csv"
BASE = "https://w3id.org/clusterkg/id/"
HTEC = "htec_emp_reg2_NACE_R2_HTC__UNIT_PC_EMP__SEX_T"
PATENTS = "I40_patent_count"


def context_for(path: Path, source: str = "test") -> MappingContext:
    return mapping_context(path, source, DATA_DIR)


class Mapped:
    """A mapping's records, with its observations indexed by (column, region, year)."""

    def __init__(self, records: list[Record]) -> None:
        self.records = records
        notation = {s: str(o) for r in records for s, o in r.graph.subject_objects(SKOS.notation)}
        self.observations: dict[tuple[str, str, str], Record] = {}
        for record in records:
            for node in record.graph.subjects(RDF.type, QB.Observation):
                graph = record.graph
                key = (
                    notation[graph.value(node, CKG.indicator)],
                    str(graph.value(node, SDMX_DIMENSION.refArea)).removeprefix(str(NUTS)),
                    str(graph.value(node, SDMX_DIMENSION.refPeriod)),
                )
                assert key not in self.observations, f"two observations of {key}"
                self.observations[key] = record

    def value(self, column: str, code: str, year: str) -> Literal:
        graph = self.observations[(column, code, year)].graph
        value = next(graph.objects(None, SDMX_MEASURE.obsValue))
        assert isinstance(value, Literal)
        return value

    def current(self, column: str, code: str, year: str) -> set[str]:
        graph = self.observations[(column, code, year)].graph
        return {str(o).removeprefix(str(NUTS)) for o in graph.objects(None, CKG.currentRegion)}

    def per_indicator_and_year(self) -> Counter[tuple[str, str]]:
        return Counter((column, year) for column, _, year in self.observations)

    def of_type(self, rdf_type: URIRef) -> list[Record]:
        return [r for r in self.records if (None, RDF.type, rdf_type) in r.graph]


@pytest.fixture(scope="module")
def i40() -> Mapped:
    return Mapped(list(map_i40_readiness(context_for(I40_FILE))))


@pytest.fixture(scope="module")
def rd() -> Mapped:
    return Mapped(list(map_eurostat_rd(context_for(RD_FILE))))


@pytest.fixture(scope="module")
def arxiv() -> Mapped:
    return Mapped(list(map_arxiv_counts(context_for(ARXIV_FILE))))


def is_number(cell: str) -> bool:
    try:
        return Decimal(cell.strip()).is_finite()
    except InvalidOperation:
        return False


#: EU and euro-area totals in the files, which are not regions and are not loaded.
AGGREGATES = {"EU28", "EU15", "EA19"}


def counts_from_file(
    path: Path, columns: list[str], year: str, region: str, delimiter: str = ",", **only: str
) -> Counter[tuple[str, str]]:
    """Non-empty numeric cells of regions (not aggregates) per (column, year), read with the
    csv module alone."""
    counts: Counter[tuple[str, str]] = Counter()
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter=delimiter):
            if row[region] in AGGREGATES:
                continue
            if all(row[k] == v for k, v in only.items()):
                for column in columns:
                    if is_number(row[column]):
                        counts[(column, row[year])] += 1
    return counts


# --- Counts --------------------------------------------------------------------------------------


def test_i40_observations_per_indicator_and_year_match_the_file(i40: Mapped) -> None:
    expected = counts_from_file(I40_FILE, [HTEC, PATENTS], "YEAR", "NUTS2", delimiter="\t")
    assert i40.per_indicator_and_year() == expected
    assert sum(expected.values()) == 3314 + 1894 - 33  # less 33 values of EU28, EU15, EA19


def test_rd_observations_per_year_match_the_file(rd: Mapped) -> None:
    expected = counts_from_file(RD_FILE, ["rd_private_eur_hab"], "year", "nuts_id")
    assert rd.per_indicator_and_year() == expected
    assert sum(expected.values()) == 1009 - 10  # less 10 values of EU28 and EA19


def test_arxiv_observations_per_year_are_the_nuts2_and_country_rows_of_the_file(
    arxiv: Mapped,
) -> None:
    column = "artificial_intelligence_count"
    regions = counts_from_file(ARXIV_FILE, [column], "year", "region_id", region_level="2")
    countries = counts_from_file(ARXIV_FILE, [column], "year", "region_id", region_level="0")
    assert arxiv.per_indicator_and_year() == regions + countries
    assert (sum(regions.values()), sum(countries.values())) == (2128, 357)


@pytest.mark.parametrize("fixture", ["i40", "rd", "arxiv"])
def test_each_source_has_one_data_set_and_its_indicators(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    mapped: Mapped = request.getfixturevalue(fixture)
    datasets = mapped.of_type(QB.DataSet)
    assert len(datasets) == 1
    indicators = mapped.of_type(CKG.Indicator)
    assert len(indicators) == (len(I40_INDICATORS) if fixture == "i40" else 1)
    dataset = next(datasets[0].graph.subjects(RDF.type, QB.DataSet))
    for record in mapped.observations.values():
        assert set(record.graph.objects(None, QB.dataSet)) == {dataset}


# --- Spot values (looked up by hand; the literal keeps the file's digits) ------------------------


@pytest.mark.parametrize(
    ("column", "code", "year", "value"),
    [
        (HTEC, "ITI3", "2016", "2.8"),  # I40_indicator_db.tsv line 1847
        (PATENTS, "FR10", "2018", "571.0"),  # line 2818
        (HTEC, "DE11", "2016", "4.3"),  # line 3905
        (PATENTS, "DE11", "2016", "242.0"),  # line 3905
    ],
)
def test_i40_spot_values(i40: Mapped, column: str, code: str, year: str, value: str) -> None:
    assert str(i40.value(column, code, year)) == value


@pytest.mark.parametrize(
    ("code", "year", "value"),
    [
        ("ITI3", "2017", "190.5"),  # rd_private_eur_hab.nuts2.csv line 565
        ("DE11", "2015", "2815.9"),  # line 146
        ("NO03", "2015", "568.1"),  # line 676
    ],
)
def test_rd_spot_values(rd: Mapped, code: str, year: str, value: str) -> None:
    assert str(rd.value("rd_private_eur_hab", code, year)) == value


@pytest.mark.parametrize(
    ("code", "year", "value"),
    [
        ("FR10", "2013", "148"),  # arxiv_artificial_intelligence_count.csv line 1361
        ("DE11", "2016", "7"),  # line 2775
        ("ITI3", "2014", "1"),  # line 1995
    ],
)
def test_arxiv_spot_values(arxiv: Mapped, code: str, year: str, value: str) -> None:
    assert str(arxiv.value("artificial_intelligence_count", code, year)) == value


def test_an_empty_cell_gives_no_observation(i40: Mapped, rd: Mapped) -> None:
    assert (PATENTS, "ITI3", "2016") not in i40.observations  # line 1847: empty
    assert ("rd_private_eur_hab", "NL33", "2016") not in rd.observations  # line 647: empty


# --- NUTS versions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "column", "code", "year", "current"),
    [
        ("rd", "rd_private_eur_hab", "HU10", "2014", {"HU11", "HU12"}),  # 2013 code, split
        ("rd", "rd_private_eur_hab", "UKM3", "2016", {"UKM8", "UKM9"}),  # 2013 code, split
        ("rd", "rd_private_eur_hab", "NL33", "2017", None),  # empty: no observation
        ("i40", HTEC, "HU10", "2010", {"HU11", "HU12"}),  # line 2283
        ("arxiv", "artificial_intelligence_count", "FR24", "2012", {"FRB0"}),  # NUTS 2010 spec
        ("arxiv", "artificial_intelligence_count", "PL12", "2013", {"PL91", "PL92"}),
    ],
)
def test_observations_on_old_codes_link_their_current_regions(
    fixture: str,
    column: str,
    code: str,
    year: str,
    current: set[str] | None,
    request: pytest.FixtureRequest,
) -> None:
    mapped: Mapped = request.getfixturevalue(fixture)
    if current is None:
        assert (column, code, year) not in mapped.observations
        return
    record = mapped.observations[(column, code, year)]
    assert mapped.current(column, code, year) == current
    assert record.region_remap == "remapped"
    areas = set(record.graph.objects(None, SDMX_DIMENSION.refArea))
    assert areas == {NUTS[code]}, "the published region is kept"


def test_current_codes_are_their_own_current_region(rd: Mapped) -> None:
    record = rd.observations[("rd_private_eur_hab", "ITI3", "2017")]
    assert rd.current("rd_private_eur_hab", "ITI3", "2017") == {"ITI3"}
    assert record.region_remap is None


def test_a_split_named_only_in_the_change_comments_is_followed(rd: Mapped) -> None:
    # NO03 (2016) has no successor column in the 2016→2021 table; the comments of its NUTS-3
    # regions say "now part of NO082" / "now part of NO091", i.e. NO08 and NO09.
    record = rd.observations[("rd_private_eur_hab", "NO03", "2015")]
    assert rd.current("rd_private_eur_hab", "NO03", "2015") == {"NO08", "NO09"}
    assert record.region_remap == "remapped"


def test_the_aggregates_are_exactly_the_codes_the_mapping_leaves_out() -> None:
    assert {code for code in AGGREGATES if AGGREGATE.fullmatch(code)} == AGGREGATES
    assert not [code for code in ("EL52", "ES42", "EE00", "EA", "EU") if AGGREGATE.fullmatch(code)]


@pytest.mark.parametrize("fixture", ["i40", "rd", "arxiv"])
def test_every_published_code_is_known_to_a_nuts_version(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    # Including the NUTS 2010 codes of early years (SI01, UKI1, EL12…), which the NUTS 2010
    # supplement resolves; aggregates (EU28, EA19) give no observation at all.
    mapped: Mapped = request.getfixturevalue(fixture)
    history = load_history(DATA_DIR / BUNDLED_DESCRIPTOR)
    codes = {code for _, code, _ in mapped.observations}
    assert not codes & AGGREGATES
    assert {c for c in codes if history.version_of(c) is None} == set()


def test_nuts_2010_codes_reach_current_regions(arxiv: Mapped) -> None:
    column = "artificial_intelligence_count"
    years = {year for _, code, year in arxiv.observations if code == "SI01"}
    assert years, "arxiv has SI01 values for its NUTS 2010 years"
    for year in years:
        assert arxiv.current(column, "SI01", year) == {"SI03"}
        assert arxiv.observations[(column, "SI01", year)].region_remap == "remapped"


# --- The real pipeline ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pipeline_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings of a store that holds the NUTS regions of every bundled version (loaded
    without validation: they are reference data, validated by the NUTS source's own tests)."""
    root = tmp_path_factory.mktemp("indicators")
    settings = Settings(store_path=root / "store", quarantine_dir=root / "quarantine")
    descriptor = DATA_DIR / BUNDLED_DESCRIPTOR
    regions = Graph()
    for record in map_nuts_versions(context_for(descriptor, "nuts")):
        regions += record.graph
    with EmbeddedStore(settings.store_path) as store:
        store.replace_graph(settings.source_graph("nuts"), regions)
    return settings


def ingest(
    settings: Settings, validator: ShapeValidator, path: Path, mapping: str, name: str
) -> IngestReport:
    with EmbeddedStore(settings.store_path) as store:
        return ingest_as(store, settings, validator, path, source=name, mapping=mapping)


@pytest.fixture(scope="module")
def rd_report(pipeline_settings: Settings, validator: ShapeValidator) -> IngestReport:
    return ingest(pipeline_settings, validator, RD_FILE, "indicator-eurostat-rd", "eurito-rd")


def test_the_bundled_rd_file_loads_whole_and_counts_the_aggregates_it_leaves_out(
    rd_report: IngestReport, rd: Mapped
) -> None:
    observations = len(rd.observations)
    assert rd_report.records_read == observations + 2  # + data set and indicator
    assert rd_report.records_quarantined == 0, rd_report.quarantined
    remapped = sum(1 for r in rd.observations.values() if r.region_remap == "remapped")
    assert rd_report.records_remapped == remapped > 0
    dataset = rd.of_type(QB.DataSet)[0]
    notes = " ".join(str(n) for n in dataset.graph.objects(None, SKOS.editorialNote))
    # EU28 and EA19, 2014-2018: 10 values in rd_private_eur_hab.nuts2.csv
    assert "10 values of EU and euro-area aggregates" in notes
    # every code reaches a current region (NO03 through the comments of the change table)
    assert (rd_report.records_unresolved, rd_report.warnings) == (0, 0)


def test_the_loaded_rd_observations_answer_queries(
    rd_report: IngestReport, pipeline_settings: Settings
) -> None:
    query = """SELECT ?value ?current WHERE {
        ?obs sdmx-dimension:refArea nuts:HU10 ; sdmx-dimension:refPeriod "2014"^^xsd:gYear ;
             sdmx-measure:obsValue ?value ; ckg:currentRegion ?current ;
             ckg:indicator/skos:notation "rd_private_eur_hab" ; qb:dataSet/a qb:DataSet .
    }"""
    with EmbeddedStore(pipeline_settings.store_path) as store:
        rows = store.query(query).rows
    assert {str(r["current"]) for r in rows} == {str(NUTS.HU11), str(NUTS.HU12)}
    assert {Decimal(str(r["value"])) for r in rows} == {Decimal("227.7")}  # line 421


RD_HEADER = "year,nuts_id,nuts_year_spec,rd_private_eur_hab\n"
I40_HEADER = f"NUTS2\tYEAR\t{HTEC}\t{PATENTS}\n"
ARXIV_HEADER = (
    "year,region_type,region_year_spec,region_id,region_level,artificial_intelligence_count\n"
)


@pytest.mark.parametrize(
    ("name", "mapping", "text", "loaded", "problems"),
    [
        (
            "rd.csv",
            "indicator-eurostat-rd",
            RD_HEADER
            + "2017,ITI3,2016,190.5\n"  # line 2: loaded
            + "2017,ITI4,2016\n"  # line 3: a field short
            + "2o17,ITI4,2016,10.0\n"  # line 4: not a year
            + "2017,,2016,10.0\n"  # line 5: no region
            + "2017,ITI4,twenty,10.0\n"  # line 6: no NUTS version
            + "2017,ITE4,2016,:\n"  # line 7: ":" gives no observation
            + "2017,ITE4,2016,\n",  # line 8: empty, no observation
            2,  # the observation + indicator; the data set is loaded too
            {"line 3", "line 4", "line 5", "line 6"},
        ),
        (
            "i40.tsv",
            "indicator-i40",
            I40_HEADER
            + "ITI3\t2016\t2.8\t\n"  # line 2: one observation
            + "ITI3\t2017\t2.4\n"  # line 3: a field short
            + "ITI3\tyear\t2.4\t1.0\n"  # line 4: not a year
            + "ITI3\t2018\tn/a\t:\n",  # line 5: no observation
            3,  # the observation + two indicators
            {"line 3", "line 4"},
        ),
        (
            "arxiv.csv",
            "indicator-arxiv",
            ARXIV_HEADER
            + "2016,NUTS,2016,ITI3,2,4\n"  # line 2: loaded
            + "2016,NUTS,2016,ITI,1,9\n"  # line 3: NUTS 1, skipped
            + "2016,NUTS,2016,ITI4,2\n"  # line 4: a field short
            + "2016,NUTS,2016,ITI4,two,3\n"  # line 5: no level
            + "2016,NUTS,2016,ITI4,2,1,7\n",  # line 6: a field too many
            2,  # the observation + indicator
            {"line 4", "line 5", "line 6"},
        ),
    ],
)
def test_malformed_rows_are_quarantined_by_the_pipeline(
    pipeline_settings: Settings,
    validator: ShapeValidator,
    tmp_path: Path,
    name: str,
    mapping: str,
    text: str,
    loaded: int,
    problems: set[str],
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    source = f"malformed-{path.stem}"
    report = ingest(pipeline_settings, validator, path, mapping, source)
    assert report.balanced
    assert report.records_loaded == loaded + 1  # + the data set
    assert {q.record.location for q in report.quarantined} == problems
    lines = (pipeline_settings.quarantine_dir / f"{source}.jsonl").read_text(encoding="utf-8")
    entries = [json.loads(line) for line in lines.splitlines()]
    assert {e["location"] for e in entries} == problems
    assert all(e["data"] and e["reason"] for e in entries), "raw cells and reason are kept"


def test_a_tab_separated_file_named_csv_is_refused_with_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "I40_indicator_db.csv"
    path.write_text(I40_HEADER + "ITI3\t2016\t2.8\t\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"tab-separated.*\.tsv"):
        list(map_i40_readiness(context_for(path)))


def test_an_unknown_value_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "rd.csv"
    path.write_text("year,nuts_id,nuts_year_spec,rd_total\n2017,ITI3,2016,1.0\n", "utf-8")
    with pytest.raises(InvalidInput, match="rd_private_eur_hab"):
        list(map_eurostat_rd(context_for(path)))
