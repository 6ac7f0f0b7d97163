"""NUTS versions and changes: published codes reach the current regions through the change
tables, and the nuts-versions mapping describes every region of every version."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import DCTERMS, SKOS

from kg.config import PROJECT_ROOT, Settings
from kg.errors import InvalidInput
from kg.ingest.mappings.nuts import map_nuts_versions
from kg.ingest.nuts_history import NutsHistory, load_history
from kg.ingest.pipeline import file_sha256
from kg.ingest.records import MappingContext, Record
from kg.namespaces import CKG, CKGC, NUTS
from kg.store import EmbeddedStore
from kg.validation import ShapeValidator
from tests.helpers import ingest_as

NUTS_DIR = PROJECT_ROOT / "data" / "sources" / "nuts"
DESCRIPTOR = NUTS_DIR / "nuts-versions.yaml"
BASE = "https://w3id.org/clusterkg/id/"


@pytest.fixture(scope="module")
def history() -> NutsHistory:
    return load_history(DESCRIPTOR)


@pytest.fixture(scope="module")
def records() -> dict[str, Record]:
    context = MappingContext(BASE, "nuts", DESCRIPTOR, URIRef("urn:test"), data_dir=None)
    return {record.key: record for record in map_nuts_versions(context)}


def csv_codes(name: str) -> list[dict[str, str]]:
    with (NUTS_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize(
    ("code", "version", "current"),
    [
        ("ITI3", 2016, ("ITI3",)),  # unchanged since 2013
        ("LT00", 2013, ("LT01", "LT02")),  # split in 2016 (read from its NUTS-3 regions)
        ("HU10", 2013, ("HU11", "HU12")),
        ("FR24", 2013, ("FRB0",)),  # recoded in 2016
        ("HR04", 2016, ("HR02", "HR05", "HR06")),  # "split into new HR02, HR05 and HR06"
        ("NL31", 2021, ("NL35",)),  # boundary shift: discontinued row, then the new code
        ("PT17", 2021, ("PT1A", "PT1B")),  # split in 2024
        ("PT16", 2016, ("PT19", "PT1D")),
        ("UKC1", 2016, ("UKC1",)),  # the UK is not in the 2024 list: stops at 2021
        ("NO03", 2016, ("NO08", "NO09")),  # successors named only in NUTS-3 comments
        ("NO04", 2016, ("NO09", "NO0A")),
        ("SI01", 2010, ("SI03",)),  # the ClusterKG NUTS 2010 supplement
        ("UKI2", 2010, ("UKI5", "UKI6", "UKI7")),
    ],
)
def test_published_codes_resolve_to_current_regions(
    history: NutsHistory, code: str, version: int, current: tuple[str, ...]
) -> None:
    resolution = history.resolve(code, version)
    assert resolution.current == current
    assert resolution.remap == (None if current == (code,) else "remapped")


def test_a_code_declared_in_the_wrong_version_is_read_in_the_version_that_has_it(
    history: NutsHistory,
) -> None:
    # Sources say "NUTS 2016" and still use a 2013 code now and then.
    resolution = history.resolve("LT00", 2016)
    assert (resolution.version, resolution.current) == (2013, ("LT01", "LT02"))


def test_unknown_and_untraceable_codes_are_unresolved(history: NutsHistory) -> None:
    assert history.resolve("XX99", 2016).remap == "unresolved"
    # Eisenach was merged in 2024 with no successor named at NUTS-3 level.
    assert history.resolve("DEG0N", 2021).current == ()
    assert history.resolve("DEG0N", 2021).remap == "unresolved"


def test_every_current_code_resolves_to_itself(history: NutsHistory) -> None:
    for code in history.regions[2024]:
        assert history.resolve(code, 2024).current == (code,)


def test_every_2016_nuts2_region_of_the_eu27_reaches_a_current_region(history: NutsHistory) -> None:
    eu27 = history.countries(2024)
    unresolved = [
        code
        for code, row in history.regions[2016].items()
        if row.level == 2 and row.country in eu27 and not history.resolve(code, 2016).current
    ]
    assert unresolved == []


def test_versions_hold_the_regions_of_their_lists(history: NutsHistory) -> None:
    for version, name in ((2016, "nuts2016.csv"), (2021, "nuts2021.csv"), (2024, "nuts2024.csv")):
        listed = {row["nuts_code"].strip() for row in csv_codes(name)}
        assert listed <= set(history.regions[version])


def test_documented_corrections_are_applied_and_noted(records: dict[str, Record]) -> None:
    tr10 = records["TR10"].graph
    assert set(tr10.objects(NUTS.TR10, SKOS.broader)) == {NUTS.TR1}
    notes = [str(note) for note in tr10.objects(NUTS.TR10, SKOS.editorialNote)]
    assert any("parent_code corrected" in note for note in notes)
    ro322 = records["RO322"].graph
    assert {str(label) for label in ro322.objects(NUTS.RO322, SKOS.prefLabel)} == {"Ilfov"}


def test_regions_carry_their_versions_successors_and_names(records: dict[str, Record]) -> None:
    lt00 = records["LT00"].graph
    schemes = {str(s) for s in lt00.objects(NUTS.LT00, SKOS.inScheme)}
    assert schemes == {"http://data.europa.eu/nuts", "http://data.europa.eu/nuts/scheme/2013"}
    assert set(lt00.objects(NUTS.LT00, DCTERMS.isReplacedBy)) == {NUTS.LT01, NUTS.LT02}
    iti3 = records["ITI3"].graph
    assert {str(s) for s in iti3.objects(NUTS.ITI3, SKOS.inScheme)} >= {
        f"http://data.europa.eu/nuts/scheme/{year}" for year in (2013, 2016, 2021, 2024)
    }
    assert not set(iti3.objects(NUTS.ITI3, DCTERMS.isReplacedBy))
    el52 = records["EL52"].graph
    latin = [label for label in el52.objects(NUTS.EL52, SKOS.altLabel) if label.language]
    assert [(str(label), label.language) for label in latin] == [("Kentriki Makedonia", "el-Latn")]


def test_change_rows_become_changes_with_their_kind(records: dict[str, Record]) -> None:
    changes = [r.graph for r in records.values() if (None, None, CKG.NutsChange) in r.graph]
    split = [
        g
        for g in changes
        if (None, CKG.changedFrom, NUTS.PT17) in g and (None, CKG.changeType, CKGC["split"]) in g
    ]
    assert len(split) == 1
    assert set(split[0].objects(None, CKG.changedTo)) == {NUTS.PT1A, NUTS.PT1B}


def test_a_descriptor_naming_a_missing_file_is_an_error(tmp_path: Path) -> None:
    descriptor = tmp_path / "nuts-versions.yaml"
    descriptor.write_text("versions:\n  2024: nowhere.csv\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"nowhere\.csv does not exist"):
        load_history(descriptor)


def test_every_file_of_the_descriptor_is_named_and_checksummed_in_the_provenance(
    tmp_path: Path, validator: ShapeValidator
) -> None:
    header = "nuts_code,label,level,parent_code,country_code\n"
    (tmp_path / "v1.csv").write_text(
        header + "LT,Lietuva,0,,LT\nLT0,Lietuva,1,LT,LT\nLT00,Lietuva,2,LT0,LT\n", encoding="utf-8"
    )
    (tmp_path / "v2.csv").write_text(
        header + "LT,Lietuva,0,,LT\nLT0,Lietuva,1,LT,LT\n"
        "LT01,Sostinės regionas,2,LT0,LT\n"
        "LT02,Vidurio ir vakarų Lietuvos regionas,2,LT0,LT\n",
        encoding="utf-8",
    )
    (tmp_path / "changes.csv").write_text(
        "code_2013,code_2016,level,change,label\nLT,LT,0,,Lietuva\nLT0,LT0,1,,Lietuva\n"
        "LT00,,2,split into new LT01 and LT02,Lietuva\n,LT01,2,new region,Sostinės regionas\n"
        ",LT02,2,new region,Vidurio ir vakarų Lietuvos regionas\n",
        encoding="utf-8",
    )
    descriptor = tmp_path / "nuts-versions.yaml"
    descriptor.write_text(
        "versions: {2013: v1.csv, 2016: v2.csv}\n"
        "changes: [{from: 2013, to: 2016, file: changes.csv}]\n",
        encoding="utf-8",
    )
    settings = Settings(store_path=tmp_path / "store", quarantine_dir=tmp_path / "q")
    with EmbeddedStore(settings.store_path) as store:
        report = ingest_as(
            store, settings, validator, descriptor, source="nuts", mapping="nuts-versions"
        )
        # 3 schemes (NUTS and the two versions), 5 regions, 3 changes
        assert (report.records_read, report.records_quarantined) == (3 + 5 + 3, 0)
        rows = store.query(
            "SELECT ?title ?sha WHERE { GRAPH ?meta { ?graph dcat:distribution ?d . "
            "?d dct:title ?title ; spdx:checksum/spdx:checksumValue ?sha } }"
        ).rows
        checksums = {str(row["title"]): str(row["sha"]) for row in rows}
        assert checksums == {
            name: file_sha256(tmp_path / name)
            for name in ("nuts-versions.yaml", "v1.csv", "v2.csv", "changes.csv")
        }
        replaced = store.query(
            "SELECT ?new WHERE { nuts:LT00 dct:isReplacedBy ?new } ORDER BY ?new"
        ).rows
        assert [str(row["new"]) for row in replaced] == [str(NUTS.LT01), str(NUTS.LT02)]
