"""The bundled graph against its sources: counts a user can check in the source files, and the
summaries `kg build` and `kg stats` print.

Expected numbers are either computed here from the source files (independently of the
mappings) or, where the issue states them, written down with where they come from."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from kg.config import PROJECT_ROOT
from kg.store import EmbeddedStore
from tests.conftest import kg_env, run_kg
from tests.helpers import csv_rows

SOURCES = PROJECT_ROOT / "data" / "sources"


@pytest.fixture(scope="module")
def store(built_store: Path):
    with EmbeddedStore(built_store, read_only=True) as opened:
        yield opened


def count(store: EmbeddedStore, where: str) -> int:
    rows = store.query(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {where} }}").rows
    return int(rows[0]["n"])


def eu27() -> set[str]:
    with (SOURCES / "nuts" / "nuts2024.csv").open(encoding="utf-8", newline="") as handle:
        return {row["country_code"] for row in csv.DictReader(handle)}


def nuts2_in(store: EmbeddedStore, year: int) -> set[str]:
    rows = store.query(
        "SELECT ?code WHERE { ?x a ckg:Region ; ckg:nutsLevel 2 ; skos:notation ?code ; "
        f"skos:inScheme <http://data.europa.eu/nuts/scheme/{year}> }}"
    ).rows
    return {str(row["code"]) for row in rows}


@pytest.mark.parametrize(("year", "expected"), [(2021, 242), (2024, 244)])
def test_nuts2_regions_of_the_eu27_per_version(store: EmbeddedStore, year: int, expected: int):
    # The figures: 242 NUTS-2 regions in 2021 and 244 in 2024, extra-regio aside.
    countries = eu27()
    regions = {
        code
        for code in nuts2_in(store, year)
        if code[:2] in countries and not re.fullmatch(r"Z+", code[2:])
    }
    assert len(regions) == expected


@pytest.mark.parametrize(
    ("year", "name"), [(2016, "nuts2016.csv"), (2021, "nuts2021.csv"), (2024, "nuts2024.csv")]
)
def test_every_listed_region_is_in_its_version(store: EmbeddedStore, year: int, name: str) -> None:
    with (SOURCES / "nuts" / name).open(encoding="utf-8", newline="") as handle:
        listed = {row["nuts_code"].strip() for row in csv.DictReader(handle)}
    rows = store.query(
        "SELECT ?code WHERE { ?x skos:notation ?code ; "
        f"skos:inScheme <http://data.europa.eu/nuts/scheme/{year}> }}"
    ).rows
    assert listed <= {str(row["code"]) for row in rows}


def test_build_reports_every_source_balanced_with_remapping_counts(build_output: str) -> None:
    summaries = re.findall(
        r"^(\S+): (\d+) records read, (\d+) loaded, (\d+) quarantined", build_output, re.M
    )
    assert summaries, build_output
    for _source, read, loaded, quarantined in summaries:
        assert int(read) == int(loaded) + int(quarantined)
    assert "remapped" in build_output and "unresolved" in build_output


def test_stats_shows_the_counts(built_store: Path) -> None:
    result = run_kg("stats", env=kg_env(built_store))
    assert result.returncode == 0, result.stderr
    for title in ("Records per source", "NUTS regions", "Concepts per code list"):
        assert title in result.stdout
    # the 2024 NUTS-2 row of the NUTS table
    assert re.search(r"│ 2024\s+│ 2\s+│ 244\s+│", result.stdout), result.stdout


def test_nace_rev2_has_996_items_by_level(store: EmbeddedStore) -> None:
    rows = csv_rows(SOURCES / "nace" / "nace_r2.csv")
    assert len(rows) == 996  # 21 sections, 88 divisions, 272 groups, 615 classes
    in_scheme = "?x skos:inScheme <http://data.europa.eu/ux2/nace2/nace2>"
    assert count(store, in_scheme) == 996
    for level, expected in (("1", 21), ("2", 88), ("3", 272), ("4", 615)):
        codes = [r["code"] for r in rows if r["level"] == level]
        assert len(codes) == expected
        values = " ".join(f'"{code}"' for code in codes)
        assert count(store, f"{in_scheme} ; skos:notation ?c VALUES ?c {{ {values} }}") == expected


def test_every_euroscivoc_concept_of_the_extract_is_loaded(store: EmbeddedStore) -> None:
    rows = csv_rows(SOURCES / "cordis" / "euroscivoc_concepts_from_cordis_he.csv")
    assert len(rows) == 980
    scheme = "<https://w3id.org/clusterkg/scheme/euroscivoc-cordis>"
    assert count(store, f"?x skos:inScheme {scheme}") == 980


@pytest.mark.parametrize(
    ("indicator", "file", "region", "value_column", "delimiter"),
    [
        (
            "rd-private-eur-hab",
            "rd_private_eur_hab.nuts2.csv",
            "nuts_id",
            "rd_private_eur_hab",
            ",",
        ),
        ("i40-patent-count", "I40_indicator_db.tsv", "NUTS2", "I40_patent_count", "\t"),
    ],
)
def test_observations_per_year_equal_the_regional_values_of_the_file(
    store: EmbeddedStore, indicator: str, file: str, region: str, value_column: str, delimiter: str
) -> None:
    year_column = "YEAR" if region == "NUTS2" else "year"
    expected: dict[str, int] = {}
    for row in csv_rows(SOURCES / "indicators" / file, delimiter):
        if row[value_column].strip() and row[region] not in {"EU28", "EU15", "EA19"}:
            expected[row[year_column]] = expected.get(row[year_column], 0) + 1
    rows = store.query(
        "SELECT ?year (COUNT(?o) AS ?n) WHERE { ?o ckg:indicator "
        f"<https://w3id.org/clusterkg/id/indicator/{indicator}> ; "
        "sdmx-dimension:refPeriod ?year } GROUP BY ?year"
    ).rows
    assert {str(r["year"]): int(r["n"]) for r in rows} == expected


def test_spot_value_on_a_remapped_region(store: EmbeddedStore) -> None:
    # rd_private_eur_hab.nuts2.csv: HU10 (a NUTS 2013 code, split into HU11 and HU12 in 2016)
    rows = csv_rows(SOURCES / "indicators" / "rd_private_eur_hab.nuts2.csv")
    cell = next(r for r in rows if r["nuts_id"] == "HU10" and r["year"] == "2014")
    result = store.query(
        "SELECT ?value (GROUP_CONCAT(?code; separator=' ') AS ?current) WHERE { "
        "?o ckg:indicator <https://w3id.org/clusterkg/id/indicator/rd-private-eur-hab> ; "
        'sdmx-dimension:refArea nuts:HU10 ; sdmx-dimension:refPeriod "2014"^^xsd:gYear ; '
        "sdmx-measure:obsValue ?value ; ckg:currentRegion/skos:notation ?code } GROUP BY ?value"
    ).rows
    assert [(str(r["value"]), sorted(str(r["current"]).split())) for r in result] == [
        (cell["rd_private_eur_hab"], ["HU11", "HU12"])
    ]


def test_s3_priorities_clusters_and_partners_account_for_every_curated_row(
    store: EmbeddedStore,
) -> None:
    s3 = SOURCES / "s3"
    priorities = csv_rows(s3 / "s3_priorities.csv")
    skipped = csv_rows(s3 / "skipped_rows.csv")
    # the curated README's row counts; a row of a joint strategy becomes one priority per region
    for name, curated_rows in (
        ("s3_priorities.csv", 183),
        ("s3_priorities_more.csv", 188),
        ("s3_priorities_batch2.csv", 271),
    ):
        curated = csv_rows(s3 / "curated" / name)
        converted = {
            r["converted_from"] for r in priorities if r["converted_from"].startswith(f"{name}:")
        }
        skipped_rows = [r for r in skipped if r["curated_file"] == name]
        assert len(curated) == curated_rows == len(converted) + len(skipped_rows), name
    assert count(store, "?x a ckg:S3Priority") == len(priorities)
    assert count(store, "?x a ckg:ClusterOrganisation") == len(csv_rows(s3 / "clusters.csv"))
    regions = {r["nuts_code"] for r in priorities}
    assert count(store, "?s a ckg:SmartSpecialisationStrategy ; ckg:region ?x") == len(regions)


def test_derived_technologies_are_kept_apart_from_sourced_ones(store: EmbeddedStore) -> None:
    derived = count(store, "?x ckg:derivedTechnology ?t")
    assert derived > 0
    rows = store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ckg:technology ?t } "
        "FILTER(?g = <https://w3id.org/clusterkg/id/graph/technology-matches>) "
        "FILTER NOT EXISTS { ?s a ckg:TechnologyMatch } }"
    ).rows
    assert int(rows[0]["n"]) == 0
