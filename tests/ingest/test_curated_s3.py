"""The conversion of the curated S3 tables: reproducible, complete, and never inventing codes.

These tests need no store; ``test_s3.py`` ingests the converted tables.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from kg.config import PROJECT_ROOT
from kg.ingest.curated_s3 import TECHNOLOGY_WORDS, convert, main

S3 = PROJECT_ROOT / "data" / "sources" / "s3"
CURATED = S3 / "curated"
#: Curated file → number of data rows (the curated README's counts).
CURATED_ROWS = {"s3_priorities.csv": 183, "clusters.csv": 54, "project_partners.csv": 30}
CONVERTED = [
    "s3_priorities.csv",
    "clusters.csv",
    "project_partners.csv",
    "project_facts.csv",
    "cluster_facts.csv",
]


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def output():
    return convert()


def test_converter_reproduces_the_committed_files_byte_for_byte(output) -> None:
    assert set(output.files) == {
        *CONVERTED,
        "skipped_rows.csv",
    }
    for name, text in output.files.items():
        assert (S3 / name).read_bytes() == text.encode("utf-8"), (
            f"{name} is out of date: run python -m kg.ingest.curated_s3"
        )


def test_check_mode_reports_current_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--check"]) == 0
    assert "all files are current" in capsys.readouterr().out


def test_every_curated_row_is_converted_or_skipped_with_a_reason() -> None:
    accounted: Counter[str] = Counter()
    for name in CONVERTED:
        for row in rows(S3 / name):
            origin = row["converted_from"]
            if not origin.startswith("README.md"):
                accounted[origin] += 1
    skipped = rows(S3 / "skipped_rows.csv")
    for row in skipped:
        assert row["reason"].strip(), row
        accounted[f"{row['curated_file']}:{row['line']}"] += 1
    expected = {
        f"{name}:{line}" for name, count in CURATED_ROWS.items() for line in range(2, count + 2)
    }
    assert {len(rows(CURATED / name)) for name in CURATED_ROWS} == set(CURATED_ROWS.values())
    assert len(rows(CURATED / "s3_priorities.csv")) == 183
    assert set(accounted) == expected
    # the 8 "[project facts]" rows are converted to facts only
    facts_rows = {r["converted_from"] for r in rows(S3 / "project_facts.csv")}
    partner_rows = {r["converted_from"] for r in rows(S3 / "project_partners.csv")}
    curated_partners = rows(CURATED / "project_partners.csv")
    for line, row in enumerate(curated_partners, start=2):
        if row["partner_name"].startswith("[project facts]"):
            assert f"project_partners.csv:{line}" in facts_rows
            assert f"project_partners.csv:{line}" not in partner_rows


def test_counts_of_the_converted_tables() -> None:
    assert len(rows(S3 / "s3_priorities.csv")) == 182
    assert len(rows(S3 / "clusters.csv")) == 55
    assert len(rows(S3 / "project_partners.csv")) == 19
    assert len(rows(S3 / "skipped_rows.csv")) == 5


def test_technologies_come_only_from_curated_words_that_name_one() -> None:
    """Never invent a technology, a NACE code or a scientific domain."""
    for row in rows(S3 / "s3_priorities.csv"):
        assert not row["nace_codes"] and not row["scientific_domains"]
        words = [w.split("(")[0].strip().casefold() for w in row["technologies_text"].split(";")]
        allowed = {TECHNOLOGY_WORDS[w] for w in words if w in TECHNOLOGY_WORDS}
        assert set(filter(None, row["technologies"].split(";"))) == allowed, row["id"]
    for row in rows(S3 / "clusters.csv"):
        assert not row["nace_codes"] and not row["helix_types"]
        for technology in filter(None, row["technologies"].split(";")):
            words = {w for w, t in TECHNOLOGY_WORDS.items() if t == technology}
            assert any(w in row["sectors_text"].casefold() for w in words), row["id"]


def test_region_readings() -> None:
    priorities = rows(S3 / "s3_priorities.csv")
    northern = [r for r in priorities if r["converted_from"] == "s3_priorities.csv:22"]
    assert northern[0]["nuts_code"] == "NL1"
    assert "'NL11;NL12;NL13' recorded as NL1" in northern[0]["notes"]
    clusters = {r["id"]: r for r in rows(S3 / "clusters.csv")}
    assert clusters["fondazione-cluster-marche"]["nuts_code"] == "ITI3"
    assert clusters["silicon-alps-cluster"]["nuts_code"] == "AT2"
    assert clusters["klaster-dolina-lotnicza"]["nuts_code"] == "PL82"
    # a city is not placed in a region; the note says so
    assert clusters["bydgoski-klaster-przemysowy"]["nuts_code"] == "PL"
    assert "not inferred" in clusters["bydgoski-klaster-przemysowy"]["notes"]
    assert clusters["cluster-house"]["nuts_code"] == "RS"
    # an old code is kept as published; the mapping links it to the current region
    assert clusters["lubelski-klaster-ekoenergetyczny"]["nuts_code"] == "PL31"
    assert clusters["ind-agro-pol-cluster"]["nuts_code"] == "RO32"
    assert "Pitesti" in clusters["ind-agro-pol-cluster"]["notes"]


def test_facts_quote_their_row_or_the_readme_verbatim() -> None:
    readme = (CURATED / "README.md").read_text(encoding="utf-8")
    curated = {name: rows(CURATED / name) for name in ("project_partners.csv", "clusters.csv")}
    for name in ("project_facts.csv", "cluster_facts.csv"):
        for fact in rows(S3 / name):
            origin = fact["converted_from"]
            if origin.startswith("README.md"):
                assert fact["source_url"] in readme and fact["source_quote"] in readme
                continue
            file, line = origin.split(":")
            row = curated[file][int(line) - 2]
            assert fact["source_quote"] == row["source_quote"].strip()
            assert fact["source_url"] == row["source_url"].strip()
