"""Who loaded what, when: every load leaves a ``ckg:SourceLoad`` record that later replaces keep,
the dataset's ingest activity names the write key that loaded it, the records conform to the
shapes, and ``kg history SOURCE`` lists the loads newest first."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

import pytest
import typer
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import FOAF, PROV, RDF, RDFS
from typer.testing import CliRunner

from kg.cli_history import history_command
from kg.config import Settings
from kg.errors import InvalidInput, NotFound
from kg.ingest.history import Load, load_history, sources_with_loads
from kg.ingest.pipeline import IngestReport, ingest_file
from kg.ingest.provenance import SOFTWARE_AGENT, SourceDescription
from kg.namespaces import CKG
from kg.store import EmbeddedStore
from kg.validation import ShapeValidator
from tests.helpers import ingest_as

HEADER = "nuts_code,label,level,parent_code,country_code\n"
FIRST = "IT,Italia,0,,IT\nITI,Centro (IT),1,IT,IT\nITI3,Marche,2,ITI,IT\n"
# ITI9's level 7 is out of range: quarantined.
SECOND = "IT,Italia,0,,IT\nITI3,Marche (Ancona),2,IT,IT\nITI9,Nowhere,7,IT,IT\n"
KEY = "steward-marche"
KEY_AGENT = URIRef(f"https://w3id.org/clusterkg/id/agent/key/{KEY}")


@dataclass(frozen=True)
class Loaded:
    """The two loads of source "regions" (from the command line, then by a key, replacing)."""

    first: Path
    second: Path
    first_report: IngestReport
    second_report: IngestReport


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def meta_graph(store: EmbeddedStore, settings: Settings) -> Graph:
    result = store.query(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{settings.meta_graph}> {{ ?s ?p ?o }} }}"
    )
    assert result.graph is not None
    return result.graph


@pytest.fixture
def loaded(settings: Settings, validator: ShapeValidator, tmp_path: Path) -> Loaded:
    """Source "regions" loaded from the command line, then replaced by the write key KEY; and
    an unrelated source "other"."""
    first = write(tmp_path, "first.csv", HEADER + FIRST)
    second = write(tmp_path, "second.csv", HEADER + SECOND)
    with EmbeddedStore(settings.store_path) as store:
        first_report = ingest_as(
            store, settings, validator, first, source="regions", mapping="nuts"
        )
        second_report = ingest_file(
            store,
            settings,
            validator,
            source=SourceDescription(name="regions", title="regions"),
            path=second,
            mapping_name="nuts",
            replace=True,
            agent=KEY,
        )
        other = write(tmp_path, "other.csv", HEADER + "SE,Sverige,0,,SE\n")
        ingest_as(store, settings, validator, other, source="other", mapping="nuts")
    return Loaded(first, second, first_report, second_report)


def summary(load: Load) -> tuple[object, ...]:
    return (
        load.agent,
        load.file,
        load.sha256,
        load.records_read,
        load.records_loaded,
        load.records_quarantined,
        load.replaced,
    )


# --- the load records -------------------------------------------------------------------------


def test_both_loads_are_listed_newest_first_after_the_replace(
    settings: Settings, loaded: Loaded
) -> None:
    with EmbeddedStore(settings.store_path) as store:
        loads = load_history(store, settings, "regions")
    assert [summary(load) for load in loads] == [
        (KEY, "second.csv", sha256(loaded.second), 3, 2, 1, True),
        (None, "first.csv", sha256(loaded.first), 3, 3, 0, False),
    ]
    assert (loaded.first_report.replaced, loaded.second_report.replaced) == (False, True)
    newer, older = loads
    assert older.started <= older.ended <= newer.started <= newer.ended
    graph = settings.source_graph("regions")
    for load in loads:
        # the IRI spells the start in UTC to the microsecond, under the graph's /load/ path
        stamp = f"{load.started.astimezone(UTC):%Y%m%dT%H%M%S%fZ}"
        assert load.iri == f"{graph}/load/{stamp}"
        assert re.fullmatch(r"\d{8}T\d{12}Z", stamp)
        assert load.source == "regions"


def test_each_source_has_its_own_history(settings: Settings, loaded: Loaded) -> None:
    with EmbeddedStore(settings.store_path) as store:
        other = load_history(store, settings, "other")
        assert sources_with_loads(store, settings) == ["other", "regions"]
    assert [summary(load) for load in other] == [
        (None, "other.csv", sha256(loaded.first.with_name("other.csv")), 1, 1, 0, False)
    ]


def test_the_ingest_activity_names_the_key_agent(settings: Settings, loaded: Loaded) -> None:
    graph = settings.source_graph("regions")
    with EmbeddedStore(settings.store_path) as store:
        meta = meta_graph(store, settings)
    activity = URIRef(f"{graph}#ingest")
    assert set(meta.objects(activity, PROV.wasAssociatedWith)) == {KEY_AGENT, SOFTWARE_AGENT}
    assert set(meta.objects(KEY_AGENT, RDF.type)) == {PROV.Agent, FOAF.Agent}
    assert list(meta.objects(KEY_AGENT, RDFS.label)) == [Literal(f"write key {KEY}", lang="en")]
    assert (SOFTWARE_AGENT, RDF.type, PROV.SoftwareAgent) in meta
    # the dataset describes the last load only; the load records keep both
    assert len(list(meta.objects(URIRef(graph), PROV.wasGeneratedBy))) == 1
    loads = set(meta.subjects(CKG.loadedInto, URIRef(graph)))
    assert len(loads) == 2
    by_key = {load for load in loads if (load, PROV.wasAssociatedWith, KEY_AGENT) in meta}
    assert len(by_key) == 1
    assert (by_key.pop(), CKG.replacedPrevious, Literal(True)) in meta


def test_a_command_line_load_names_the_software_agent_only(
    settings: Settings, loaded: Loaded
) -> None:
    graph = settings.source_graph("other")
    with EmbeddedStore(settings.store_path) as store:
        meta = meta_graph(store, settings)
    (load,) = meta.subjects(CKG.loadedInto, URIRef(graph))
    assert set(meta.objects(URIRef(f"{graph}#ingest"), PROV.wasAssociatedWith)) == {SOFTWARE_AGENT}
    assert set(meta.objects(load, PROV.wasAssociatedWith)) == {SOFTWARE_AGENT}


def test_the_metadata_graph_conforms_to_the_shapes(
    settings: Settings, validator: ShapeValidator, loaded: Loaded
) -> None:
    with EmbeddedStore(settings.store_path) as store:
        meta = meta_graph(store, settings)
    loads = sorted(meta.subjects(RDF.type, CKG.SourceLoad))
    assert len(loads) == 3
    report = validator.validate_graph(meta)
    assert report.findings == [], report.plain()
    # …and the shape is applied to them: a record without its replaced flag is caught
    meta.remove((loads[0], CKG.replacedPrevious, None))
    broken = validator.validate_graph(meta)
    assert [(f.focus_node, f.component) for f in broken.violations] == [
        (loads[0], "MinCountConstraintComponent")
    ]


def forget_load_records(settings: Settings, source: str) -> None:
    """Make ``source`` look loaded before load records were written: its dataset description
    without load records."""
    graph = settings.source_graph(source)
    with EmbeddedStore(settings.store_path) as store:
        store.update(
            f"DELETE {{ GRAPH <{settings.meta_graph}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH "
            f'<{settings.meta_graph}> {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{graph}/load/")) }} }}'
        )


def test_a_source_loaded_before_load_records_has_an_empty_history(
    settings: Settings, loaded: Loaded
) -> None:
    forget_load_records(settings, "other")
    with EmbeddedStore(settings.store_path) as store:
        assert load_history(store, settings, "other") == []
        assert sources_with_loads(store, settings) == ["regions"]


def test_an_unknown_source_is_not_found_and_the_message_lists_the_sources(
    settings: Settings, loaded: Loaded
) -> None:
    with EmbeddedStore(settings.store_path) as store:
        with pytest.raises(NotFound) as unknown:
            load_history(store, settings, "nowhere")
        with pytest.raises(InvalidInput):
            load_history(store, settings, "Bad Name")
    assert unknown.value.detail == (
        "no source 'nowhere' has been loaded; sources with loads: other, regions"
    )
    assert unknown.value.exit_code == 2


# --- kg history ---------------------------------------------------------------------------------


def registered() -> typer.Typer:
    """``history_command`` as ``kg`` registers it (with a callback, so that Typer keeps the
    command's name instead of running a lone command as the app)."""
    app = typer.Typer()
    app.callback()(lambda: None)
    app.command("history")(history_command)
    return app


@pytest.fixture
def cli(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A runner whose ``kg history`` reads ``settings``' store (settings come from KG_*)."""
    monkeypatch.setenv("KG_STORE_PATH", str(settings.store_path))
    monkeypatch.delenv("KG_BASE_IRI", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    return CliRunner()


def test_cli_json_lists_the_loads(cli: CliRunner, settings: Settings, loaded: Loaded) -> None:
    result = cli.invoke(registered(), ["history", "regions", "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["source"] == "regions"
    assert document["graph"] == settings.source_graph("regions")
    loads = document["loads"]
    assert [
        (load["agent"], load["file"], load["sha256"], load["records"], load["replaced"])
        for load in loads
    ] == [
        (KEY, "second.csv", sha256(loaded.second),
         {"read": 3, "loaded": 2, "quarantined": 1}, True),
        (None, "first.csv", sha256(loaded.first),
         {"read": 3, "loaded": 3, "quarantined": 0}, False),
    ]  # fmt: skip
    assert loads[0]["started"] > loads[1]["started"]
    assert all(load["started"].endswith("+00:00") for load in loads)


def test_cli_table_says_who_when_and_what(cli: CliRunner, loaded: Loaded) -> None:
    result = cli.invoke(registered(), ["history", "regions"])
    assert result.exit_code == 0, result.output
    rows = [
        [cell.strip() for cell in line.split("│")[1:-1]]
        for line in result.stdout.splitlines()
        if line.startswith("│")
    ]
    assert [row[1:] for row in rows] == [
        [KEY, "second.csv", sha256(loaded.second)[:12], "3", "2", "1", "yes"],
        ["command line", "first.csv", sha256(loaded.first)[:12], "3", "3", "0", "no"],
    ]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ", row[0]) for row in rows)


def test_cli_unknown_source_exits_2_listing_the_sources(cli: CliRunner, loaded: Loaded) -> None:
    result = cli.invoke(registered(), ["history", "nowhere"])
    assert result.exit_code == 2
    assert "no source 'nowhere' has been loaded; sources with loads: other, regions" in (
        result.stderr
    )
    assert result.stdout == ""
    assert cli.invoke(registered(), ["history", "Bad Name"]).exit_code == 2
    assert cli.invoke(registered(), ["history", "regions", "--format", "xml"]).exit_code == 2


def test_cli_says_when_a_source_has_no_load_records(
    cli: CliRunner, settings: Settings, loaded: Loaded
) -> None:
    forget_load_records(settings, "other")
    table = cli.invoke(registered(), ["history", "other"])
    assert table.exit_code == 0, table.output
    assert "no loads recorded for 'other'" in table.stdout
    as_json = cli.invoke(registered(), ["history", "other", "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.stdout)["loads"] == []


def test_cli_without_a_store_exits_2(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KG_STORE_PATH", str(tmp_path / "nothing-here"))
    result = cli.invoke(registered(), ["history", "regions"])
    assert result.exit_code == 2
    assert "no store at" in result.stderr
