"""Strengths computed by ``kg build`` from the bundled data, checked against the source figures.

The reference figures are recomputed here from Eurostat's file with the ``csv`` and ``gzip``
modules alone (not with the project's readers or model), following the formula of
``docs/strengths.md``: a region's employment is the sum of sections C, F-J, L-N; the EU28's is
the sum over the countries with all nine sections published; a single-sector technology's
location quotient is (e_rs / e_r) / (e_EU,s / e_EU), whatever its weight.

Hand-checked regions: Marche ITI3 (ClusterPoliSEE's lead partner), Central Macedonia EL52,
Sud-Muntenia RO31, North-Mid Sweden SE31, Castilla-La Mancha ES42 (ClusterFY partners) and
Stuttgart DE11 (a benchmark), each in two technologies whose producer rows in
``data/mappings/nace_technology.csv`` name one sector (robotics: C28 machinery; security: J62
computer programming), so that the quotient is the sector's own; a third technology per region,
advanced manufacturing (C26 0.25, C28 0.5, C33 0.1), checks the weighted sum.
"""

from __future__ import annotations

import csv
import gzip
import shutil
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import URIRef

from kg.config import PROJECT_ROOT, Settings
from kg.namespaces import NUTS
from kg.store import EmbeddedStore
from kg.strengths import rebuild_strengths
from kg.strengths.answers import region_strengths, technology_ranking
from kg.validation import ShapeValidator
from tests.conftest import kg_env, run_kg

SBS = PROJECT_ROOT / "data" / "sources" / "eurostat" / "sbs_r_nuts06_r2.tsv.gz"
TABLE = PROJECT_ROOT / "data" / "mappings" / "nace_technology.csv"
SECTIONS = ("C", "F", "G", "H", "I", "J", "L", "M", "N")
YEARS = ("2014", "2013", "2012")
EU28 = set(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "EL",
        "ES",
        "FI",
        "FR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
        "UK",
    ]
)
KET = "https://w3id.org/clusterkg/ket/"
ATI = "https://w3id.org/clusterkg/ati/"
#: Technologies whose producer rows name one sector only (checked below against the table).
SINGLE_SECTOR = {f"{ATI}robotics": "C28", f"{ATI}security": "J62"}
CHECKED_REGIONS = ("ITI3", "EL52", "RO31", "SE31", "ES42", "DE11")


def _employment() -> dict[str, dict[str, float]]:
    """Persons employed per region and sector: 2014, else 2013, else 2012 (as published)."""
    out: dict[str, dict[str, float]] = defaultdict(dict)
    with gzip.open(SBS, "rt", encoding="utf-8") as handle:
        reader = csv.reader(handle, delimiter="\t")
        header = [cell.strip() for cell in next(reader)]
        for row in reader:
            sector, indicator, geo = row[0].split(",")
            if indicator != "V16110":
                continue
            cells = dict(zip(header[1:], row[1:], strict=True))
            for year in YEARS:
                value = cells[year].strip().split(" ")[0]
                if value not in ("", ":"):
                    out[geo][sector] = float(value)
                    break
    return out


@pytest.fixture(scope="module")
def employment() -> dict[str, dict[str, float]]:
    return _employment()


@pytest.fixture(scope="module")
def store(built_store: Path) -> EmbeddedStore:
    return EmbeddedStore(built_store, read_only=True)


def _reference_lq(employment: dict[str, dict[str, float]], region: str, sector: str) -> float:
    complete = [c for c in EU28 if c in employment and all(s in employment[c] for s in SECTIONS)]
    eu_sector = sum(employment[c][sector] for c in complete if sector in employment[c])
    eu_total = sum(employment[c][s] for c in complete for s in SECTIONS)
    region_total = sum(employment[region][s] for s in SECTIONS)
    return (employment[region][sector] / region_total) / (eu_sector / eu_total)


def test_single_sector_technologies_are_single_sector_in_the_table() -> None:
    with TABLE.open(encoding="utf-8") as handle:
        producers: dict[str, set[str]] = defaultdict(set)
        for row in csv.DictReader(handle):
            if row["role"] == "producer":
                scheme, name = row["technology"].split(":")
                producers[(KET if scheme == "ket" else ATI) + name].add(row["nace_code"])
    for technology, sector in SINGLE_SECTOR.items():
        assert producers[technology] == {sector}


@pytest.mark.parametrize("region", CHECKED_REGIONS)
@pytest.mark.parametrize("technology", sorted(SINGLE_SECTOR))
def test_location_quotient_equals_the_source_figures(
    store: EmbeddedStore, employment: dict[str, dict[str, float]], region: str, technology: str
) -> None:
    answer = region_strengths(store, region, URIRef(technology))
    (strength,) = answer.strengths
    (component,) = [c for c in strength.components if c.kind == "employment-specialisation"]
    expected = _reference_lq(employment, region, SINGLE_SECTOR[technology])
    assert component.value is not None
    assert float(component.value) == pytest.approx(expected, rel=1e-5)
    assert component.facts["region_employment"] == pytest.approx(
        sum(employment[region][s] for s in SECTIONS)
    )


@pytest.mark.parametrize("region", CHECKED_REGIONS)
def test_weighted_location_quotient_of_advanced_manufacturing(
    store: EmbeddedStore, employment: dict[str, dict[str, float]], region: str
) -> None:
    weights = {"C26": 0.25, "C28": 0.5, "C33": 0.1}
    complete = [c for c in EU28 if c in employment and all(s in employment[c] for s in SECTIONS)]
    known = [s for s in weights if s in employment[region]]
    eu_total = sum(employment[c][s] for c in complete for s in SECTIONS)
    eu_tech = sum(weights[s] * employment[c].get(s, 0.0) for c in complete for s in known)
    region_total = sum(employment[region][s] for s in SECTIONS)
    region_tech = sum(weights[s] * employment[region][s] for s in known)
    expected = (region_tech / region_total) / (eu_tech / eu_total)
    answer = region_strengths(store, region, URIRef(f"{KET}advanced-manufacturing-technologies"))
    (strength,) = answer.strengths
    (component,) = [c for c in strength.components if c.kind == "employment-specialisation"]
    assert component.value is not None
    assert float(component.value) == pytest.approx(expected, rel=1e-5)


def test_marche_profile_names_its_evidence_with_the_graph_values(store: EmbeddedStore) -> None:
    answer = region_strengths(store, "ITI3")
    assert answer.note is None
    assert len(answer.strengths) >= 6
    scores = [s.score for s in answer.strengths if s.score is not None]
    assert scores == sorted(scores, reverse=True)
    for strength in answer.strengths:
        assert strength.evidence, strength.id
        for item in strength.evidence:
            value = store.query(f"SELECT ?v WHERE {{ <{item.id}> sdmx-measure:obsValue ?v }}").rows[
                0
            ]["v"]
            assert Decimal(str(value)) == item.value
            # every piece of evidence is about Marche (or the country, for the EU reference)
            assert item.region == "ITI3"


def test_every_eu_nuts2_region_with_sbs_data_has_six_measured_technologies(
    store: EmbeddedStore,
) -> None:
    rows = store.query(
        """SELECT ?region (COUNT(DISTINCT ?s) AS ?n) WHERE {
             ?region skos:inScheme <http://data.europa.eu/nuts/scheme/2024> ; ckg:nutsLevel 2 .
             OPTIONAL { ?s ckg:region ?region ; ckg:score ?score ; prov:wasDerivedFrom ?e }
           } GROUP BY ?region"""
    ).rows
    counts = {
        code: int(r["n"])
        for r in rows
        if not (code := str(r["region"]).removeprefix(str(NUTS))).endswith("ZZ")
    }
    # Regions whose employment cannot be measured, each for a stated reason (unknown, not 0):
    # - manufacturing (section C) confidential in 2012-2014, so the total is unknown: Berlin
    #   DE30, Mecklenburg-Vorpommern DE80, Koblenz DEB1, Trier DEB2, Malta MT00 (their patents
    #   and preprints still give a few scores);
    # - formed from parts of several NUTS 2013 regions, which the data cannot apportion: IE06,
    #   PT1D; Mayotte FRY5 has no SBS row.
    unmeasurable = {"DE30", "DE80", "DEB1", "DEB2", "MT00", "IE06", "PT1D", "FRY5"}
    short = {code for code, n in counts.items() if n < 6}
    assert len(counts) == 244
    assert short == unmeasurable


def test_an_unknown_total_stays_unknown_not_zero(store: EmbeddedStore) -> None:
    """Berlin's manufacturing (section C) is confidential in 2012-2014, so its total and every
    employment quotient are unknown: the component says so and has no value."""
    answer = region_strengths(store, "DE30")
    components = [
        c for s in answer.strengths for c in s.components if c.kind == "employment-specialisation"
    ]
    assert components
    assert all(c.value is None and c.status == "insufficient data" for c in components)
    assert all("C" in c.facts["reason"] for c in components)


def test_a_split_region_falls_back_to_its_predecessor_and_says_so(store: EmbeddedStore) -> None:
    lt01 = region_strengths(store, "LT01")
    employment = [
        c for s in lt01.strengths for c in s.components if c.kind == "employment-specialisation"
    ]
    assert employment and all(c.published_region == "LT00" for c in employment)
    assert all("LT00" in c.facts["fallback"] for c in employment)
    old = region_strengths(store, "LT00")
    assert {r["code"] for r in old.regions} == {"LT01", "LT02"}
    assert old.note and "LT01" in old.note


def test_ranking_in_robotics_puts_stuttgart_high(store: EmbeddedStore) -> None:
    ranking = technology_ranking(store, URIRef(f"{ATI}robotics"), limit=20)
    assert ranking.total > 200
    assert "DE11" in [row.region for row in ranking.rows]
    assert [row.rank for row in ranking.rows] == sorted(row.rank for row in ranking.rows)


def test_kg_strengths_prints_csv_and_json(built_store: Path) -> None:
    env = kg_env(built_store)
    result = run_kg("strengths", "EL52", "--format", "csv", env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "region,technology,score,stars,components,measured as"
    assert len(lines) >= 7
    bad = run_kg("strengths", "XX99", env=env)
    assert bad.returncode == 2
    assert "XX99" in bad.stderr


def test_rebuild_is_deterministic_and_conforms_to_the_shapes(
    built_store_copy: Path, tmp_path: Path
) -> None:
    """The same graph gives the same strengths, byte for byte; the derived graph passes the
    shapes (the build skips that check for speed; `kg strengths --rebuild --check` runs it)."""
    settings = Settings(store_path=built_store_copy, quarantine_dir=tmp_path / "q")
    graph = settings.source_graph("strengths")

    def dump(store: EmbeddedStore) -> list[str]:
        rows = store.query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        ).graph
        assert rows is not None
        return sorted(rows.serialize(format="nt").splitlines())

    with EmbeddedStore(built_store_copy) as store:
        before = dump(store)
        with ShapeValidator(settings.shapes_dir, settings.ontology_dir) as validator:
            report = rebuild_strengths(store, settings, validator)
        after = dump(store)
    assert report.triples == len(before)
    assert before == after
    shutil.rmtree(tmp_path / "q", ignore_errors=True)
