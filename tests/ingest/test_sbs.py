"""Eurostat SBS employment by region and sector (kg.ingest.mappings.sbs) and the sector and
indicator → technology tables (kg.ingest.mappings.technology_tables).

Reference values are read from the bundled Eurostat file with ``gzip`` and ``csv`` alone; the
spot values are the ones ``data/sources/eurostat/README.md`` lists.
"""

from __future__ import annotations

import csv
import gzip
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD

from kg.config import PROJECT_ROOT
from kg.ingest.mappings.sbs import DENOMINATOR_SECTIONS, map_sbs_employment
from kg.ingest.mappings.technology_tables import map_technology_tables
from kg.ingest.records import Record
from kg.namespaces import CKG, NUTS, QB, SDMX_DIMENSION, SDMX_MEASURE
from tests.helpers import mapping_context, merged

DATA_DIR = PROJECT_ROOT / "data"
SBS = DATA_DIR / "sources" / "eurostat" / "sbs_r_nuts06_r2.tsv.gz"
TABLE = DATA_DIR / "mappings" / "nace_technology.csv"
INDICATOR_TABLE = DATA_DIR / "mappings" / "indicator_technology.csv"
NACE = "http://data.europa.eu/ux2/nace2/"


@pytest.fixture(scope="module")
def records() -> list[Record]:
    return list(map_sbs_employment(mapping_context(SBS, "sbs", DATA_DIR)))


@pytest.fixture(scope="module")
def values(records: list[Record]) -> dict[tuple[str, str], tuple[str, str, str | None]]:
    """(region, NACE IRI tail) → (value, year, flag) of every observation."""
    graph = merged(records)
    out = {}
    for node in graph.subjects(RDF.type, QB.Observation):
        area = str(graph.value(node, SDMX_DIMENSION.refArea)).removeprefix(str(NUTS))
        sector = str(graph.value(node, CKG.economicActivity)).removeprefix(NACE)
        flag = graph.value(node, CKG.observationFlag)
        out[(area, sector)] = (
            str(graph.value(node, SDMX_MEASURE.obsValue)),
            str(graph.value(node, SDMX_DIMENSION.refPeriod)),
            None if flag is None else str(flag),
        )
    return out


def _producer_sectors() -> set[str]:
    with TABLE.open(encoding="utf-8") as handle:
        return {row["nace_code"] for row in csv.DictReader(handle) if row["role"] == "producer"}


def _source_cells() -> dict[tuple[str, str], dict[str, str]]:
    with gzip.open(SBS, "rt", encoding="utf-8") as handle:
        reader = csv.reader(handle, delimiter="\t")
        years = [cell.strip() for cell in next(reader)[1:]]
        return {
            (key[2], key[0]): dict(zip(years, (c.strip() for c in row[1:]), strict=True))
            for row in reader
            if (key := row[0].split(","))[1] == "V16110"
        }


@pytest.mark.parametrize(
    ("region", "sector", "value"),
    [
        ("DE11", "29", "158012"),
        ("ITI3", "C", "154191"),
        ("RO31", "C", "165776"),
        ("ES42", "C", "79044"),
        ("EL52", "C", "58183"),
        ("LT00", "62", "13442"),
        ("SK02", "29", "19025"),
        ("SE31", "24", "19805"),
    ],
)
def test_spot_values_of_2014(values: dict, region: str, sector: str, value: str) -> None:
    assert values[(region, sector)][:2] == (value, "2014")


def _eurostat_code() -> dict[str, str]:
    """NACE IRI tail (``26``, ``C``) → Eurostat's code (``C26``, ``C``) of the loaded sectors."""
    codes = {code[1:]: code for code in _producer_sectors()}
    codes.update({section: section for section in DENOMINATOR_SECTIONS})
    return codes


def test_sectors_loaded_are_the_denominator_and_the_technology_table(values: dict) -> None:
    assert {sector for _, sector in values} == set(_eurostat_code())


def test_regions_are_eu28_countries_and_nuts2_of_2013(values: dict) -> None:
    regions = {region for region, _ in values}
    assert not any(r.startswith("NO") for r in regions)  # Norway is outside the EU28
    assert not any(r.endswith("ZZ") for r in regions)  # extra-regio
    assert {len(r) for r in regions} == {2, 4}
    assert sum(1 for r in regions if len(r) == 2) == 28


def test_each_cell_takes_2014_or_the_latest_year_before_and_never_a_confidential_zero(
    values: dict,
) -> None:
    cells = _source_cells()
    eurostat_code = _eurostat_code()
    fallbacks: Counter[str] = Counter()
    for (region, sector), (value, year, _flag) in values.items():
        published = cells[(region, eurostat_code[sector])]
        assert published[year].split(" ")[0] == value
        for later in ("2014", "2013"):
            if later > year:
                assert published[later].startswith(":"), (region, sector, later)
        if year != "2014":
            fallbacks[year] += 1
    assert fallbacks  # some cells do come from 2013 or 2012
    # a cell confidential in all three years is not an observation
    confidential = [
        key
        for key, cells_of in cells.items()
        if all(cells_of[y].startswith(":") for y in ("2014", "2013", "2012"))
        and "c" in cells_of["2014"]
        and len(key[0]) == 4
        and key[1] in {"C21", "C26", "C29"}
    ]
    assert confidential
    for region, eurostat in confidential:
        assert (region, eurostat[1:]) not in values


def test_flags_are_kept_as_published(values: dict) -> None:
    flagged = {key: flag for key, (_v, _y, flag) in values.items() if flag}
    assert flagged
    assert set("".join(flagged.values())) <= set("bdepuir")


def test_dataset_has_a_structure_with_the_sector_dimension(records: list[Record]) -> None:
    graph = merged(records)
    (dataset,) = graph.subjects(RDF.type, QB.DataSet)
    structure = graph.value(dataset, QB.structure)
    dimensions = {graph.value(c, QB.dimension) for c in graph.objects(structure, QB.component)}
    assert CKG.economicActivity in dimensions
    notes = " ".join(str(n) for n in graph.objects(dataset, SKOS.editorialNote))
    assert "rows of other indicators" in notes and "confidential" in notes
    assert "read from 2013 (no value for 2014)" in notes


def test_a_malformed_row_is_quarantined_not_dropped(tmp_path: Path) -> None:
    with gzip.open(SBS, "rt", encoding="utf-8") as handle:
        lines = handle.read().splitlines()[:50]
    lines.append("C26,V16110,ITI3\t1 \t2")  # two year cells instead of eight
    path = tmp_path / "sbs_r_nuts06_r2.tsv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    mapped = list(map_sbs_employment(mapping_context(path, "sbs", DATA_DIR)))
    problems = [r for r in mapped if r.problem]
    assert len(problems) == 1
    assert "line 51" in problems[0].problem


# --- the technology tables ----------------------------------------------------------------------


def test_every_table_row_becomes_one_mapping_record() -> None:
    mapped = list(map_technology_tables(mapping_context(TABLE, "technology-mappings", DATA_DIR)))
    with TABLE.open(encoding="utf-8") as handle:
        sector_rows = list(csv.DictReader(handle))
    with INDICATOR_TABLE.open(encoding="utf-8") as handle:
        indicator_rows = list(csv.DictReader(handle))
    assert len(mapped) == len(sector_rows) + len(indicator_rows)
    assert not [r for r in mapped if r.problem]
    graph = merged(mapped)
    producers = {
        (URIRef(NACE + row["nace_code"][1:]), row["technology"])
        for row in sector_rows
        if row["role"] == "producer"
    }
    related = {(s, str(o)) for s, o in graph.subject_objects(SKOS.relatedMatch)}
    assert len(related) == len(producers)
    weights = sorted(str(w) for w in graph.objects(None, CKG.weight))
    assert all(Literal(w, datatype=XSD.decimal) for w in weights)


def test_a_bad_row_of_the_table_is_quarantined(tmp_path: Path) -> None:
    text = TABLE.read_text(encoding="utf-8").splitlines()
    text.append('C26,ket:photonics,1.5,producer,X,"too heavy",none')
    text.append('C26,photonics,0.5,producer,X,"no scheme",none')
    path = tmp_path / "nace_technology.csv"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    (tmp_path / "indicator_technology.csv").write_text(
        INDICATOR_TABLE.read_text(encoding="utf-8"), encoding="utf-8"
    )
    mapped = list(map_technology_tables(mapping_context(path, "technology-mappings", DATA_DIR)))
    problems = sorted(r.problem for r in mapped if r.problem)
    assert len(problems) == 2
    assert "not in (0, 1]" in problems[0] or "not in (0, 1]" in problems[1]
    assert any("is not ket:NAME or ati:NAME" in p for p in problems)
