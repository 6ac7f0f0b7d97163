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


# --- NUTS 1 regions and countries summed from their NUTS 2 units ---------------------------------

NUTS_2024 = "http://data.europa.eu/nuts/scheme/2024"
ID = "https://w3id.org/clusterkg/id/"
NACE = "http://data.europa.eu/ux2/nace2/"
#: Figures checked by hand against ``sbs_r_nuts06_r2.tsv.gz`` (persons employed, V16110, 2014):
#: Niedersachsen DE9, machinery C28 = DE91 9,909 + DE92 18,455 + DE93 14,260 + DE94 27,172
#: = 69,796, which is also Eurostat's own DE9 row; Nord-Est ITH, manufacturing C = ITH1 33,319
#: + ITH2 31,388 + ITH3 508,815 + ITH4 102,556 + ITH5 435,419 = 1,111,497 (Eurostat's ITH row).
HAND_CHECKED = {("DE9", "C28"): 69_796.0, ("ITH", "C"): 1_111_497.0}


def _children(store: EmbeddedStore, region: str) -> list[str]:
    """The NUTS 2 regions of a NUTS 1 region or country in NUTS 2024, from the graph."""
    rows = store.query(
        f"""SELECT ?child WHERE {{
              ?child skos:inScheme <{NUTS_2024}> ; ckg:nutsLevel 2 ; skos:broader+ <{NUTS}{region}>
              FILTER(!STRENDS(STR(?child), "ZZ")) }}"""
    ).rows
    return sorted(str(row["child"]).removeprefix(NUTS) for row in rows)


def _employment_in_store(store: EmbeddedStore, regions: list[str]) -> dict[str, float]:
    """Persons employed by NACE notation (``28``, ``C``), summed over ``regions`` as published."""
    values = " ".join(f"<{NUTS}{code}>" for code in regions)
    rows = store.query(
        f"""SELECT ?activity ?value WHERE {{ VALUES ?area {{ {values} }}
              ?obs ckg:indicator <{ID}indicator/sbs-persons-employed> ;
                   sdmx-dimension:refArea ?area ; ckg:economicActivity ?activity ;
                   sdmx-measure:obsValue ?value }}"""
    ).rows
    sums: dict[str, float] = defaultdict(float)
    for row in rows:
        sums[str(row["activity"]).removeprefix(NACE)] += float(str(row["value"]))
    return sums


@pytest.mark.parametrize("region", ["DE9", "ITH"])
def test_a_nuts1_region_is_the_sum_of_its_nuts2_regions(
    store: EmbeddedStore, employment: dict[str, dict[str, float]], region: str
) -> None:
    children = _children(store, region)
    assert len(children) == {"DE9": 4, "ITH": 5}[region]
    answer = region_strengths(store, region, URIRef(f"{ATI}robotics"))
    assert answer.note is None
    (strength,) = answer.strengths
    (component,) = [c for c in strength.components if c.kind == "employment-specialisation"]
    assert component.published_region == region
    assert component.facts["summed_units"] == children
    # The expected numbers, from the children's observations in the store.
    published = _employment_in_store(store, children)
    # Eurostat also publishes the NUTS 1 row (not loaded): it agrees, to rounding (DE9 H: 192,956
    # against the sum 192,955).
    for section in SECTIONS:
        assert published[section] == pytest.approx(employment[region][section], rel=1e-4)
    total = sum(published[s] for s in SECTIONS)
    assert component.facts["region_employment"] == pytest.approx(total)
    for (checked, sector), value in HAND_CHECKED.items():
        if checked == region:
            notation = sector.removeprefix("C") or "C"
            assert published[notation] == value
            assert sum(employment[c][sector] for c in children) == value
    complete = [c for c in EU28 if c in employment and all(s in employment[c] for s in SECTIONS)]
    eu_share = sum(employment[c]["C28"] for c in complete) / sum(
        employment[c][s] for c in complete for s in SECTIONS
    )
    expected = (published["28"] / total) / eu_share
    assert component.value is not None
    assert float(component.value) == pytest.approx(expected, rel=1e-5)
    # compared with NUTS 1 regions only
    assert 50 < component.facts["regions_compared"] < 100
    # every piece of evidence is an observation of one of its NUTS 2 regions
    assert {item.region for item in strength.evidence} == set(children)


@pytest.mark.parametrize(("region", "child"), [("DE3", "DE30"), ("DE8", "DE80")])
def test_a_nuts1_region_with_a_confidential_total_has_no_employment_quotient(
    store: EmbeddedStore, region: str, child: str
) -> None:
    """Berlin (DE3 = DE30) and Mecklenburg-Vorpommern (DE8 = DE80): manufacturing confidential,
    so the sum over their one NUTS 2 region has no total either: unknown, not 0."""
    answer = region_strengths(store, region)
    components = [
        c for s in answer.strengths for c in s.components if c.kind == "employment-specialisation"
    ]
    assert components
    assert all(c.value is None and c.status == "insufficient data" for c in components)
    assert all("section C" in c.facts["reason"] for c in components)
    assert all(c.facts["summed_units"] == [child] for c in components)


def _covered_by_counts(store: EmbeddedStore, indicator: str, first: int, last: int) -> set[str]:
    """Current regions with at least one observation of ``indicator`` in ``first``-``last``."""
    rows = store.query(
        f"""SELECT DISTINCT ?region WHERE {{
              ?obs ckg:indicator <{ID}indicator/{indicator}> ; ckg:currentRegion ?region ;
                   sdmx-dimension:refPeriod ?year .
              FILTER(xsd:integer(STR(?year)) >= {first} && xsd:integer(STR(?year)) <= {last}) }}"""
    ).rows
    return {str(row["region"]).removeprefix(NUTS) for row in rows}


def _own_ai_rows(country: str, first: int, last: int) -> list[int]:
    """The country's own rows of the arXiv AI file in the window, read with the csv module."""
    path = (
        PROJECT_ROOT / "data" / "sources" / "indicators" / "arxiv_artificial_intelligence_count.csv"
    )
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            int(row["artificial_intelligence_count"])
            for row in csv.DictReader(handle)
            if row["region_level"] == "0"
            and row["region_id"] == country
            and first <= int(row["year"]) <= last
        ]


@pytest.mark.parametrize("country", ["LT", "PL", "SK", "DE"])
def test_countries_count_from_their_own_rows_or_from_every_region(
    store: EmbeddedStore, country: str
) -> None:
    """A country's count is its own published row where the source publishes countries (the
    arXiv files do: LT, PL, SK and DE have AI preprints of their own); otherwise — Industry 4.0
    patents are published for NUTS 2 regions only — the sum over its NUTS 2 regions, given only
    when every one of them has a count in the window (a region without a row is unknown, not 0):
    PL71 has no patent in 2016-2018, SK03 and SK04 none, so PL and SK have no patent component;
    DE has its patents."""
    children = _children(store, country)
    answer = region_strengths(store, country)
    for indicator, (first, last) in (
        ("i40-patent-count", (2016, 2018)),
        ("arxiv-artificial-intelligence-count", (2016, 2020)),
    ):
        found = [
            c
            for s in answer.strengths
            for c in s.components
            if c.facts.get("indicator") == f"{ID}indicator/{indicator}"
        ]
        own = indicator.startswith("arxiv") and bool(_own_ai_rows(country, first, last))
        covered = set(children) <= _covered_by_counts(store, indicator, first, last)
        assert bool(found) == (own or covered), (country, indicator)
        for component in found:
            assert component.published_region == country
            assert bool(component.facts.get("summed_units")) == (not own)
            if own:
                assert component.facts["count"] == sum(_own_ai_rows(country, first, last))
    patents = {
        c.status
        for s in answer.strengths
        for c in s.components
        if c.facts.get("indicator") == f"{ID}indicator/i40-patent-count"
    }
    assert patents == ({"measured"} if country == "DE" else set())


def test_every_nuts1_region_but_overseas_france_has_strengths(store: EmbeddedStore) -> None:
    """FRY has no strength: Mayotte FRY5 has no SBS row, patent or preprint, so no figure of FRY
    can be summed."""
    rows = store.query(
        f"""SELECT ?region (COUNT(?s) AS ?n) WHERE {{
              ?region skos:inScheme <{NUTS_2024}> ; ckg:nutsLevel 1 .
              FILTER(!STRENDS(STR(?region), "Z"))  # extra-regio: DEZ, FRZ …
              OPTIONAL {{ ?s ckg:region ?region ; ckg:score ?score }} }} GROUP BY ?region"""
    ).rows
    counts = {str(r["region"]).removeprefix(NUTS): int(r["n"]) for r in rows}
    assert len(counts) == 92
    assert {code for code, n in counts.items() if n == 0} == {"FRY"}


def test_ranking_of_nuts1_regions_in_robotics(store: EmbeddedStore) -> None:
    ranking = technology_ranking(store, URIRef(f"{ATI}robotics"), level=1, limit=5)
    assert 80 < ranking.total <= 92
    assert all(len(row.region) == 3 for row in ranking.rows)
    # Baden-Württemberg: machinery 3.8 times the EU share, the highest NUTS 1 quotient
    assert "DE1" in [row.region for row in ranking.rows]


def test_the_eu_reference_is_a_resource_summing_the_observations_it_links(
    store: EmbeddedStore,
) -> None:
    """Robotics (one producer row, C28 × 0.25): the reference's EU figures are the sums of the
    country observations it is derived from, and Marche's quotient is measured against it."""
    reference = URIRef(f"{ID}strength-reference/employment/ati-robotics")
    rows = store.query(
        f"""SELECT ?activity (SUM(?v) AS ?sum) (COUNT(DISTINCT ?area) AS ?countries) WHERE {{
            <{reference}> a ckg:StrengthReference ; prov:wasDerivedFrom ?obs .
            ?obs sdmx-measure:obsValue ?v ; ckg:economicActivity ?activity ;
                 sdmx-dimension:refArea ?area }} GROUP BY ?activity"""
    ).rows
    sums = {str(r["activity"]).rsplit("/", 1)[-1]: Decimal(str(r["sum"])) for r in rows}
    assert {int(str(r["countries"])) for r in rows} == {27}  # the EU28 but Malta (C confidential)
    assert set(sums) == {"28", *SECTIONS}
    facts = {
        str(r["p"]).rsplit("#", 1)[-1]: Decimal(str(r["o"]))
        for r in store.query(
            f"SELECT ?p ?o WHERE {{ <{reference}> ?p ?o FILTER(isLiteral(?o) && "
            "DATATYPE(?o) = xsd:decimal) }"
        ).rows
    }
    assert facts["technologyEmployment"] == Decimal("0.25") * sums["28"]
    assert facts["regionEmployment"] == sum(sums[s] for s in SECTIONS)
    component = URIRef(f"{ID}strength/ITI3/ati-robotics#employment-specialisation")
    (row,) = store.query(
        f"SELECT ?share WHERE {{ <{component}> ckg:reference <{reference}> ; "
        "ckg:referenceShare ?share }"
    ).rows
    assert abs(Decimal(str(row["share"])) - facts["referenceShare"]) < Decimal("0.000001")


def test_the_count_reference_sums_the_nuts2_observations_it_links(store: EmbeddedStore) -> None:
    reference = URIRef(f"{ID}strength-reference/count/i40-patent-count")
    (row,) = store.query(
        f"""SELECT ?count (SUM(?v) AS ?sum) WHERE {{
            <{reference}> ckg:observedCount ?count ; ckg:measuredBy ?indicator ;
                          prov:wasDerivedFrom ?obs .
            ?obs ckg:indicator ?indicator ; sdmx-measure:obsValue ?v }} GROUP BY ?count"""
    ).rows
    assert Decimal(str(row["count"])) == Decimal(str(row["sum"])) > 0
    linked = store.query(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ ?c ckg:reference <{reference}> ; ckg:status ?s "
        'FILTER(?s != "measured") }'
    ).rows
    assert int(str(linked[0]["n"])) == 0  # only measured components name a reference
