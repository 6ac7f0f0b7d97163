"""The conversion of the curated S3 tables: reproducible, complete, and never inventing codes.

These tests need no store; ``test_s3.py`` ingests the converted tables.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from kg.config import PROJECT_ROOT
from kg.ingest.curated_s3 import PRIORITY_FILES, TECHNOLOGY_WORDS, convert, main
from kg.ingest.mappings.s3 import LANGUAGE_NAMES

S3 = PROJECT_ROOT / "data" / "sources" / "s3"
CURATED = S3 / "curated"
#: Curated file → number of data rows (the curated README's counts).
CURATED_ROWS = {
    "s3_priorities.csv": 183,
    "s3_priorities_more.csv": 188,
    "s3_priorities_batch2.csv": 271,
    "clusters.csv": 54,
    "project_partners.csv": 30,
}
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
    priorities = rows(S3 / "s3_priorities.csv")
    # 182 + 188 + 271 curated rows, and 21 more for the joint strategies (one row per region)
    assert len(priorities) == 662
    assert len({(r["nuts_code"], r["strategy_period"]) for r in priorities}) == 121
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


def test_region_readings_of_the_later_priority_files() -> None:
    priorities = {r["id"]: r for r in rows(S3 / "s3_priorities.csv")}
    by_origin: dict[str, list[dict[str, str]]] = {}
    for row in priorities.values():
        by_origin.setdefault(row["converted_from"], []).append(row)
    # NUTS-1 Länder and régions are kept: they are regions of NUTS 2024
    assert priorities["de1-2021-2027-health-economy"]["nuts_code"] == "DE1"
    assert priorities["frj-2014-2020-coastal-and-marine-economy"]["nuts_code"] == "FRJ"
    # codes of older versions are kept as published (FI194: NUTS 2021; PT18: NUTS 2021)
    assert priorities["pt18-2014-2020-food-and-forestry"]["nuts_code"] == "PT18"
    # a joint strategy of regions that are not one region: one priority per region
    berlin_brandenburg = by_origin["s3_priorities_more.csv:30"]
    assert [r["id"] for r in berlin_brandenburg] == [
        "de30-undated-optics-and-photonics",
        "de40-undated-optics-and-photonics",
    ]
    assert all("joint strategy of DE30 (Berlin), DE40" in r["notes"] for r in berlin_brandenburg)
    south = by_origin["s3_priorities_batch2.csv:253"]
    assert [r["nuts_code"] for r in south] == ["NL34", "NL41", "NL42"]


def test_ids_are_unique_and_the_first_file_keeps_its_ids() -> None:
    """Other data and tests refer to the priorities of the first curated file: the later files
    are converted after it, so its rows come first and keep their ids."""
    priorities = rows(S3 / "s3_priorities.csv")
    assert len({r["id"] for r in priorities}) == len(priorities)
    origins = [r["converted_from"].split(":")[0] for r in priorities]
    assert origins == sorted(origins, key=PRIORITY_FILES.index)
    assert priorities[0]["id"] == "iti3-2014-2020-sustainable-manufacturing"
    assert priorities[181]["id"] == "iti3-2021-2027-education-and-health"


def test_label_languages() -> None:
    priorities = {r["id"]: r for r in rows(S3 / "s3_priorities.csv")}
    assert {r["label_language"] for r in priorities.values()} <= set(LANGUAGE_NAMES)
    # a translated row is in its country's language, unless a judgement says otherwise
    assert priorities["de9-2021-2027-production-technology"]["label_language"] == "de"
    assert priorities["cz-2014-2020-societal-challenges"]["label_language"] == "cs"
    galicia = priorities["es11-2014-2020-new-industrial-model-based-on-competitiveness"]
    assert galicia["label_language"] == "gl"
    assert "label language gl" in galicia["notes"]
    assert priorities["be10-2021-2027-optimal-use-of-resources"]["label_language"] == "fr"
    # a label that is its English rendering up to case is English, with no second label
    life = priorities["def0-2014-2020-life-sciences"]
    assert (life["label"], life["label_language"], life["label_en"]) == ("Life Sciences", "en", "")


def test_lists_that_are_not_formal_s3_lists_say_so() -> None:
    priorities = {r["id"]: r for r in rows(S3 / "s3_priorities.csv")}
    for key in ("be2-undated-spearhead-cluster-for-materials", "de40-undated-metal"):
        assert "not a formal S3 priority list" in priorities[key]["notes"]
    assert "not a formal" not in priorities["de30-undated-energy-technology"]["notes"]


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
