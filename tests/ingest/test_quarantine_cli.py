"""The quarantine a data steward can fix and re-submit: rows kept exactly as read
(kg.ingest.readers), entries with line, raw row, header and messages (kg.ingest.quarantine), and
the ``kg quarantine`` commands (kg.cli_quarantine): list, show, export, then a re-ingest that
loads everything."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from typer.testing import CliRunner, Result

from kg.cli_quarantine import quarantine_app
from kg.config import Settings
from kg.ingest.pipeline import IngestReport
from kg.ingest.quarantine import QuarantinedRecord, read_quarantine, write_quarantine
from kg.ingest.readers import TableFile, TableRecord, read_table
from kg.ingest.records import Record
from kg.store import EmbeddedStore
from kg.validation import ShapeValidator
from tests.helpers import ingest_as

HEADER = "nuts_code,label,level,parent_code,country_code"
#: Lines 2-3 load; 4-5 are one row (a label with a line break) with a level the shapes refuse;
#: 6 is a field short; 7 has a level the shapes refuse; 8 loads.
LINES = [
    HEADER,
    "IT,Italia,0,,IT",
    "ITI,Centro (IT),1,IT,IT",
    'ITI2,"Umbria',
    'regione",9,ITI,IT',
    "ITI4,Lazio,2,ITI",
    "ITI9,Nowhere,7,ITI,IT",
    "ITI3,Marche,2,ITI,IT",
]
MULTI_LINE_ROW = 'ITI2,"Umbria\nregione",9,ITI,IT'
SHORT_ROW = "ITI4,Lazio,2,ITI"
LEVEL_ROW = "ITI9,Nowhere,7,ITI,IT"
#: The steward's fixes of the three broken rows.
FIXES = {
    MULTI_LINE_ROW: 'ITI2,"Umbria\nregione",2,ITI,IT',
    SHORT_ROW: "ITI4,Lazio,2,ITI,IT",
    LEVEL_ROW: "ITI9,Nowhere,2,ITI,IT",
}
LEVEL_MESSAGE = (
    "A region needs exactly one NUTS level in ckg:nutsLevel, an xsd:integer from 0 (country) to 3."
)
INVALID_TTL = """@prefix ckg: <https://w3id.org/clusterkg/ontology#> .
@prefix dct: <http://purl.org/dc/terms/> .
<https://w3id.org/clusterkg/id/project/nameless> a ckg:CooperationProject ;
    dct:source <https://w3id.org/clusterkg/id/source/test/x.ttl> .
"""


def ingest(
    settings: Settings,
    validator: ShapeValidator,
    path: Path,
    *,
    source: str = "regions",
    mapping: str | None = "nuts",
    replace: bool = False,
) -> IngestReport:
    with EmbeddedStore(settings.store_path) as store:
        return ingest_as(
            store, settings, validator, path, source=source, mapping=mapping, replace=replace
        )


@pytest.fixture
def regions(settings: Settings, validator: ShapeValidator, tmp_path: Path) -> Path:
    """``regions.csv`` (LINES) ingested as source ``regions``: 3 records loaded, 3 quarantined."""
    path = tmp_path / "regions.csv"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    report = ingest(settings, validator, path)
    assert (report.records_read, report.records_loaded, report.records_quarantined) == (6, 3, 3)
    return path


def kg_quarantine(settings: Settings, *args: str) -> Result:
    """``kg quarantine ARGS`` with ``settings``' quarantine directory (read from KG_*)."""
    env = {"KG_QUARANTINE_DIR": str(settings.quarantine_dir), "COLUMNS": "200"}
    return CliRunner().invoke(quarantine_app, list(args), env=env)


# ── the rows as read ─────────────────────────────────────────────────────────────────────────


def test_read_table_keeps_each_row_as_it_stands_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    # a BOM, Windows line ends, a line break inside a quoted cell, a blank line, no final newline
    path.write_bytes(b'\xef\xbb\xbfa,b\r\n1,"x\r\ny"\r\n\r\n2,3\r\n4')
    rows = list(read_table(path, ["a", "b"]))
    assert [(row.line, row.raw_text, row.problem) for row in rows] == [
        (2, '1,"x\r\ny"', None),
        (5, "2,3", None),
        (6, "4", "line 6 has 1 fields but the header has 2"),
    ]
    assert {row.table for row in rows} == {TableFile("t.csv", "a,b")}
    assert dict(rows[0]) == {"a": "1", "b": "x\r\ny"}


def test_quarantine_entries_keep_the_raw_lines_and_line_numbers(
    settings: Settings, regions: Path
) -> None:
    entries = {e["line"]: e for e in read_quarantine(settings.quarantine_dir, "regions")}
    assert sorted(entries) == [4, 6, 7]
    assert {line: entries[line]["raw"] for line in entries} == {
        4: MULTI_LINE_ROW,
        6: SHORT_ROW,
        7: LEVEL_ROW,
    }
    assert {(e["file"], e["header"], e["source"]) for e in entries.values()} == {
        ("regions.csv", HEADER, "regions")
    }
    assert entries[4]["record"] == "ITI2 (line 4)"
    assert entries[4]["data"]["label"] == "Umbria\nregione"
    assert entries[6]["messages"] == [
        {
            "severity": "violation",
            "column": None,
            "text": "line 6 has 4 fields but the header has 5",
        }
    ]
    assert entries[7]["messages"] == [
        {
            "severity": "violation",
            "column": "ckg:nutsLevel",
            "text": f"{LEVEL_MESSAGE} (value 7) [MaxInclusive on "
            "<http://data.europa.eu/nuts/code/ITI9>]",
        }
    ]


# ── export, fix, merge, re-ingest ────────────────────────────────────────────────────────────


def test_exported_rows_fixed_and_merged_back_load_everything(
    settings: Settings, validator: ShapeValidator, regions: Path, tmp_path: Path
) -> None:
    exported = kg_quarantine(settings, "export", "regions")
    assert exported.exit_code == 0, exported.output
    assert exported.stdout == "\n".join([HEADER, MULTI_LINE_ROW, SHORT_ROW, LEVEL_ROW]) + "\n"
    assert exported.stderr.strip() == "regions: exported 3 rows of regions.csv"

    # The steward fixes the exported rows and puts them back in place of the broken ones.
    full = regions.read_text(encoding="utf-8")
    for broken, fixed in FIXES.items():
        assert broken in exported.stdout and broken in full
        full = full.replace(broken, fixed)
    merged = tmp_path / "fixed" / "regions.csv"
    merged.parent.mkdir()
    merged.write_text(full, encoding="utf-8")

    report = ingest(settings, validator, merged, replace=True)
    assert (report.records_read, report.records_loaded, report.records_quarantined) == (6, 6, 0)
    assert not (settings.quarantine_dir / "regions.jsonl").exists()
    shown = kg_quarantine(settings, "show", "regions")
    assert shown.exit_code == 2
    assert "its last ingest loaded every record); sources with one: none" in " ".join(
        shown.stderr.split()
    )
    listed = kg_quarantine(settings, "list")
    assert listed.exit_code == 0
    assert listed.stdout.strip() == f"nothing quarantined in {settings.quarantine_dir}"


def test_export_to_a_file_writes_the_rows_byte_for_byte(
    settings: Settings, regions: Path, tmp_path: Path
) -> None:
    target = tmp_path / "broken.csv"
    result = kg_quarantine(settings, "export", "regions", "--output", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    expected = "\n".join([HEADER, MULTI_LINE_ROW, SHORT_ROW, LEVEL_ROW]) + "\n"
    assert target.read_bytes() == expected.encode("utf-8")


def test_export_of_an_rdf_source_gives_its_triples(
    settings: Settings, validator: ShapeValidator, tmp_path: Path
) -> None:
    turtle = tmp_path / "x.ttl"
    turtle.write_text(INVALID_TTL, encoding="utf-8")
    report = ingest(settings, validator, turtle, source="extra", mapping=None)
    assert report.records_quarantined == 1
    (entry,) = read_quarantine(settings.quarantine_dir, "extra")
    assert (entry["line"], entry["raw"], entry["header"], entry["file"]) == (None, None, None, None)
    result = kg_quarantine(settings, "export", "extra")
    assert result.exit_code == 0, result.output
    assert result.stdout == entry["ntriples"]
    exported = Graph().parse(data=result.stdout, format="nt")
    assert isomorphic(exported, Graph().parse(data=INVALID_TTL, format="turtle"))


# ── the commands ─────────────────────────────────────────────────────────────────────────────


def test_list_names_the_sources_with_quarantined_records(settings: Settings, regions: Path) -> None:
    (settings.quarantine_dir / "clean.jsonl").write_text("", encoding="utf-8")
    result = kg_quarantine(settings, "list")
    assert result.exit_code == 0, result.output
    rows = [
        [cell.strip() for cell in line.strip("│ ").split("│")]
        for line in result.stdout.splitlines()
        if "regions" in line
    ]
    assert len(rows) == 1 and rows[0][:2] == ["regions", "3"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ", rows[0][2])
    assert "clean" not in result.stdout  # nothing quarantined there


def test_show_prints_each_record_and_json_gives_the_entries(
    settings: Settings, regions: Path
) -> None:
    table = kg_quarantine(settings, "show", "regions")
    assert table.exit_code == 0, table.output
    assert "regions: 3 quarantined records" in table.stdout
    for text in ("ITI2 (line 4)", "ITI9 (line 7)", SHORT_ROW, LEVEL_ROW, "[MaxInclusive on"):
        assert text in table.stdout
    # in line order, though the file has the mapping's problems first
    assert table.stdout.index("ITI2 (line 4)") < table.stdout.index(SHORT_ROW)
    assert table.stdout.index(SHORT_ROW) < table.stdout.index("ITI9 (line 7)")
    as_json = kg_quarantine(settings, "show", "regions", "--format", "json")
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.stdout) == read_quarantine(settings.quarantine_dir, "regions")


def test_unknown_source_exits_2_naming_the_sources_with_a_quarantine(
    settings: Settings, regions: Path
) -> None:
    for command in ("show", "export"):
        result = kg_quarantine(settings, command, "nope")
        assert result.exit_code == 2
        assert result.stdout == ""
        assert "no quarantine for source 'nope'" in result.stderr
        assert "sources with one: regions" in result.stderr


def test_a_source_with_nothing_quarantined_is_said_so_and_exits_0(settings: Settings) -> None:
    settings.quarantine_dir.mkdir()
    (settings.quarantine_dir / "clean.jsonl").write_text("\n", encoding="utf-8")
    for command in ("show", "export"):
        result = kg_quarantine(settings, command, "clean")
        assert result.exit_code == 0, result.output
        assert result.stdout == ""
        assert "clean: nothing quarantined" in result.stderr
    assert kg_quarantine(settings, "show", "clean", "--format", "json").stdout == "[]\n"


def test_export_with_nothing_in_an_input_format_exits_2(settings: Settings) -> None:
    unmappable = Record(key="seed 1", graph=Graph(), raw={"x": 1}, problem="cannot be read")
    write_quarantine(
        settings.quarantine_dir / "seeds.jsonl", "seeds", [QuarantinedRecord(unmappable)]
    )
    result = kg_quarantine(settings, "export", "seeds")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "nothing to export" in result.stderr


def test_rows_of_two_tables_are_exported_one_table_at_a_time(settings: Settings) -> None:
    main, facts = TableFile("clusters.csv", "id,name"), TableFile("cluster_facts.csv", "id,value")

    def row(table: TableFile, line: int, raw_text: str) -> QuarantinedRecord:
        record = TableRecord(
            key=f"{table.name} {line}",
            graph=Graph(),
            problem="broken",
            line=line,
            raw_text=raw_text,
            table=table,
        )
        return QuarantinedRecord(record)

    entries = [row(main, 5, "b,B"), row(facts, 2, "f,1"), row(main, 3, "a,A")]
    write_quarantine(settings.quarantine_dir / "clusters.jsonl", "clusters", entries)
    both = kg_quarantine(settings, "export", "clusters")
    assert both.exit_code == 2
    assert "2 tables: cluster_facts.csv (1), clusters.csv (2); choose one with --table" in (
        both.stderr.replace("\n", " ")
    )
    main_rows = kg_quarantine(settings, "export", "clusters", "--table", "clusters.csv")
    assert main_rows.exit_code == 0, main_rows.output
    assert main_rows.stdout == "id,name\na,A\nb,B\n"  # in line order
    assert "not exported (1): cluster_facts.csv 2" in main_rows.stderr
    facts_rows = kg_quarantine(settings, "export", "clusters", "--table", "cluster_facts.csv")
    assert facts_rows.stdout == "id,value\nf,1\n"
    assert kg_quarantine(settings, "export", "clusters", "--table", "other.csv").exit_code == 2
    shown = kg_quarantine(settings, "show", "clusters").stdout
    assert shown.index("clusters.csv:3") < shown.index("clusters.csv:5")
    assert shown.index("clusters.csv:5") < shown.index("cluster_facts.csv:2")
