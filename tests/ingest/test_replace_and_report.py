"""Updating a source without surprises, and a report per row: an existing source is refused
unless replaced; a replace says which resources it removed, added and changed; a dry run says
the same and writes nothing; every record read has a row in the report with its line, outcome,
IRI and messages; the JSON report has the documented layout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.config import Settings
from kg.errors import Conflict
from kg.store import EmbeddedStore
from kg.validation import ShapeValidator
from tests.helpers import ingest_as

NUTS = "http://data.europa.eu/nuts/code/"
HEADER = "nuts_code,label,level,parent_code,country_code\n"
FIRST = "IT,Italia,0,,IT\nITI,Centro (IT),1,IT,IT\nITI3,Marche,2,ITI,IT\n"
# ITI removed, ITI3 relabelled, ITH added; a level out of range and a short row quarantined
SECOND = (
    "IT,Italia,0,,IT\n"  # line 2
    "ITI3,Marche (Ancona),2,IT,IT\n"  # line 3
    "ITH,Nord-Est,1,IT,IT\n"  # line 4
    "ITI9,Nowhere,7,IT,IT\n"  # line 5: level 7
    "ITI4,Lazio,2,ITI\n"  # line 6: one field short
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def graph_dump(store: EmbeddedStore, settings: Settings, name: str) -> list[str]:
    rows = store.query(
        f"SELECT ?s ?p ?o WHERE {{ GRAPH <{settings.source_graph(name)}> {{ ?s ?p ?o }} }}"
    ).rows
    return sorted(f"{r['s'].n3()} {r['p'].n3()} {r['o'].n3()}" for r in rows)


@pytest.fixture
def loaded(settings: Settings, validator: ShapeValidator, tmp_path: Path) -> Path:
    """A store with source "regions" (from FIRST) and an unrelated source "other"."""
    with EmbeddedStore(settings.store_path) as store:
        first = write(tmp_path, "first.csv", HEADER + FIRST)
        ingest_as(store, settings, validator, first, source="regions", mapping="nuts")
        other = write(tmp_path, "other.csv", HEADER + "SE,Sverige,0,,SE\n")
        ingest_as(store, settings, validator, other, source="other", mapping="nuts")
    return tmp_path


def test_an_existing_source_is_refused_without_replace_and_nothing_changes(
    settings: Settings, validator: ShapeValidator, loaded: Path
) -> None:
    second = write(loaded, "second.csv", HEADER + SECOND)
    quarantine = settings.quarantine_dir / "regions.jsonl"
    with EmbeddedStore(settings.store_path) as store:
        before = graph_dump(store, settings, "regions"), len(store)
        with pytest.raises(Conflict) as refused:
            ingest_as(store, settings, validator, second, source="regions", mapping="nuts")
        assert "already loaded" in refused.value.detail and "--replace" in refused.value.detail
        assert refused.value.exit_code == 2 and refused.value.status == 409
        with pytest.raises(Conflict):  # a dry run is refused the same way
            ingest_as(
                store, settings, validator, second, source="regions", mapping="nuts", dry_run=True
            )
        assert (graph_dump(store, settings, "regions"), len(store)) == before
    assert not quarantine.exists()


def test_a_replace_reports_what_it_removed_added_and_changed(
    settings: Settings, validator: ShapeValidator, loaded: Path
) -> None:
    second = write(loaded, "second.csv", HEADER + SECOND)
    with EmbeddedStore(settings.store_path) as store:
        other_before = graph_dump(store, settings, "other")
        report = ingest_as(
            store, settings, validator, second, source="regions", mapping="nuts", replace=True
        )
        assert report.replaced and report.written
        assert report.changes is not None
        assert report.changes.removed == [f"{NUTS}ITI"]
        assert report.changes.added == [f"{NUTS}ITH"]
        assert report.changes.changed == [f"{NUTS}ITI3"]
        assert report.changes.unchanged == 1  # IT
        codes = graph_dump(store, settings, "regions")
        assert any("Nord-Est" in line for line in codes)
        assert not any(f"<{NUTS}ITI>" in line.split(" ")[0] for line in codes)
        # other sources' graphs are byte for byte what they were
        assert graph_dump(store, settings, "other") == other_before
    assert "2 quarantined" in report.summary() or report.records_quarantined == 2
    assert "1 removed" in report.changes.summary() or "resources removed" in report.summary()


def test_a_dry_run_replace_reports_the_same_and_writes_nothing(
    settings: Settings, validator: ShapeValidator, loaded: Path
) -> None:
    second = write(loaded, "second.csv", HEADER + SECOND)
    with EmbeddedStore(settings.store_path) as store:
        before = graph_dump(store, settings, "regions")
        dry = ingest_as(
            store, settings, validator, second, source="regions", mapping="nuts",
            replace=True, dry_run=True,
        )  # fmt: skip
        assert graph_dump(store, settings, "regions") == before
        assert not dry.written
        real = ingest_as(
            store, settings, validator, second, source="regions", mapping="nuts", replace=True
        )
    assert dry.changes == real.changes
    dry_json, real_json = dry.as_json(), real.as_json()
    assert dry_json["rows"] == real_json["rows"]
    assert dry_json["records"] == real_json["records"]
    assert (dry_json["dry_run"], real_json["dry_run"]) == (True, False)


def test_every_record_has_a_row_with_its_line_outcome_iri_and_messages(
    settings: Settings, validator: ShapeValidator, loaded: Path
) -> None:
    second = write(loaded, "second.csv", HEADER + SECOND)
    with EmbeddedStore(settings.store_path) as store:
        report = ingest_as(
            store, settings, validator, second, source="regions", mapping="nuts", replace=True
        )
    document = json.loads(json.dumps(report.as_json()))
    assert document["schema"] == 1
    assert document["records"] == {"read": 5, "loaded": 3, "quarantined": 2, "warnings": 0}
    assert document["replaced"] == {
        "removed": [f"{NUTS}ITI"],
        "added": [f"{NUTS}ITH"],
        "changed": [f"{NUTS}ITI3"],
    }
    rows = document["rows"]
    assert [(r["line"], r["outcome"]) for r in rows] == [
        (2, "loaded"),
        (3, "loaded"),
        (4, "loaded"),
        (5, "quarantined"),
        (6, "quarantined"),
    ]
    assert [r["iri"] for r in rows[:4]] == [f"{NUTS}IT", f"{NUTS}ITI3", f"{NUTS}ITH", f"{NUTS}ITI9"]
    assert all(r["messages"] == [] for r in rows[:3])
    level = rows[3]["messages"]
    assert [(m["severity"], m["column"]) for m in level] == [("violation", "ckg:nutsLevel")]
    assert "7" in level[0]["text"]
    short = rows[4]["messages"]
    assert short == [
        {
            "severity": "violation",
            "column": None,
            "text": "line 6 has 4 fields but the header has 5",
        }
    ]
    assert set(document) >= {
        "source", "graph", "file", "sha256", "mapping", "dry_run", "written", "records",
        "triples", "replaced", "rows", "agent", "seconds",
    }  # fmt: skip
