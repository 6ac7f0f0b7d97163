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
