"""What each saved query in ``queries/`` answers on the bundled data.

Every query is run through the catalogue (``Catalogue.load`` and ``SavedQuery.bind``) on the store
``kg build`` made from ``data/``, and specific facts of its answer are checked. Where a fact comes
straight from a source table (cluster technologies, S3 priorities per region, indicator values,
NUTS change rows) the expected value is read from the CSV in ``data/sources/`` rather than copied
from the query's output. The value-chain query, and the good-practice columns, have no bundled
data to answer from; they are checked on the small synthetic graph in ``data/synthetic.ttl``.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD

from kg.namespaces import CKG, NUTS
from kg.queries import Catalogue, Chart, ParameterError
from kg.store.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "data" / "sources"
CATALOGUE = Catalogue.load(ROOT / "queries")
SYNTHETIC = Path(__file__).parent / "data" / "synthetic.ttl"
ID = "https://w3id.org/clusterkg/id/"
KET = "https://w3id.org/clusterkg/ket/"
ATI = "https://w3id.org/clusterkg/ati/"
NUMERIC = {XSD.integer, XSD.decimal, XSD.double, XSD.float}

#: Names of the saved queries some test below answers (filled in by ``@covers``).
COVERED: set[str] = set()
Test = TypeVar("Test", bound=Callable[..., None])
Row = dict[str, Any]


def covers(*names: str) -> Callable[[Test], Test]:
    """Mark a test as checking the answers of the saved queries ``names``."""
    COVERED.update(names)
    return lambda test: test


@pytest.fixture(scope="module")
def store(built_store: Path) -> Iterator[EmbeddedStore]:
    """The built store, opened read-only."""
    opened = EmbeddedStore(built_store, read_only=True)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def synthetic() -> Iterator[EmbeddedStore]:
    """An in-memory store of the SYNTHETIC test graph plus the KET/ATI scheme."""
    graph = Graph()
    graph.parse(SYNTHETIC)
    graph.parse(ROOT / "ontology" / "kets.ttl")
    opened = EmbeddedStore()
    opened.replace_graph("https://example.org/synthetic/graph", graph)
    yield opened
    opened.close()


def python(term: Any) -> Any:
    """A result term as a plain value: numbers, booleans and dates typed, the rest as text."""
    if isinstance(term, Literal) and term.datatype in NUMERIC | {XSD.boolean, XSD.date}:
        return term.toPython()
    return None if term is None else str(term)


def answer(store: EmbeddedStore, name: str, **values: str) -> list[Row]:
    """The rows of saved query ``name`` with ``values``, as plain values (unbound = absent)."""
    result = store.query(CATALOGUE[name].bind(values, store))
    assert result.rows is not None
    return [{key: python(term) for key, term in row.items()} for row in result.rows]


def raw(store: EmbeddedStore, name: str, **values: str) -> list[dict[str, Any]]:
    """The rows of saved query ``name`` as the store's RDF terms."""
    return store.query(CATALOGUE[name].bind(values, store)).rows


def column(rows: list[Row], name: str) -> list[Any]:
    return [row.get(name) for row in rows]


def by(rows: list[Row], key: str) -> dict[Any, Row]:
    keyed = {row[key]: row for row in rows}
    assert len(keyed) == len(rows), f"{key} is not unique in the answer"
    return keyed


def words(text: str | None, separator: str) -> set[str]:
    return {part.strip() for part in (text or "").split(separator) if part.strip()}


def source_rows(relative: str, delimiter: str = ",") -> list[dict[str, str]]:
    with (SOURCES / relative).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def rd_private(year: int | None = None, code: str | None = None) -> dict[tuple[str, int], Decimal]:
    """Business R&D per inhabitant from the bundled CSV, by (NUTS code, year)."""
    values = {}
    for row in source_rows("indicators/rd_private_eur_hab.nuts2.csv"):
        key = (row["nuts_id"], int(row["year"]))
        if not row["rd_private_eur_hab"]:  # no value published: no observation either
            continue
        if (year is None or key[1] == year) and (code is None or key[0] == code):
            values[key] = Decimal(row["rd_private_eur_hab"])
    return values


def sourced_technologies(table: str) -> dict[str, set[str]]:
    """``id`` → the technologies (``ket:…``/``ati:…``) a curated table states for it."""
    return {
        row["id"]: set(filter(None, row["technologies"].split(";")))
        for row in source_rows(f"s3/{table}")
    }


# --- every query --------------------------------------------------------------------------


def test_every_saved_query_has_an_answer_test() -> None:
    assert sorted(set(CATALOGUE) - COVERED) == [], "saved queries without a test of their answer"
    assert sorted(COVERED - set(CATALOGUE)) == [], "tests of saved queries that do not exist"


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_example_values_run_and_chart_columns_are_numeric(store: EmbeddedStore, name: str) -> None:
    query = CATALOGUE[name]
    examples = {parameter.name: parameter.example for parameter in query.parameters}
    result = store.query(query.bind(examples, store))
    if not isinstance(query.chart, Chart):  # None: chosen from the answer; False: no chart
        return
    assert {query.chart.label, query.chart.value} <= set(result.variables)
    values = [row[query.chart.value] for row in result.rows if query.chart.value in row]
    assert all(isinstance(v, Literal) and v.datatype in NUMERIC for v in values), values


def test_a_required_parameter_left_out_is_named(store: EmbeddedStore) -> None:
    with pytest.raises(ParameterError) as caught:
        CATALOGUE["regions-strong-in-ket"].bind({}, store)
    assert caught.value.parameter == "ket"


# --- a region's profile -------------------------------------------------------------------


@covers("region-s3-priorities")
def test_region_s3_priorities_are_the_regions_own_and_its_countrys(store: EmbeddedStore) -> None:
    curated = Counter(row["nuts_code"] for row in source_rows("s3/s3_priorities.csv"))
    marche = answer(store, "region-s3-priorities", region="ITI3")
    assert len(marche) == curated["ITI3"] == 15
    assert set(column(marche, "relation")) == {"same"}
    assert {r["strategy"].removeprefix(f"{ID}strategy/") for r in marche} == {
        "iti3-undated",
        "iti3-2014-2020",
        "iti3-2021-2027",
    }
    # Ordered by period: the undated strategy (no start) first, then 2014-2020, then 2021-2027.
    starts = [r.get("start") for r in marche]
    assert [s.year if s else None for s in starts] == [None] * 4 + [2014] * 4 + [2021] * 7
    priorities = by(marche, "priority_label")
    assert (
        priorities["new advanced industrial automation solutions for mechatronics"]["technologies"]
        == "Advanced manufacturing technologies"
    )
    assert priorities["home automation (domotics)"]["derived_technologies"] == "Internet of things"
    assert "technologies" not in priorities["agri-food"]
    # A NUTS 2 region without its own strategy gets its country's, marked as broader.
    vilnius = answer(store, "region-s3-priorities", region="LT01")
    assert len(vilnius) == curated["LT"] == 11
    assert set(column(vilnius, "relation")) == {"broader"}
    assert set(column(vilnius, "strategy_region_code")) == {"LT"}
    # A NUTS 1 region gets the strategies of the NUTS 3 regions inside it.
    north_mid_sweden = answer(store, "region-s3-priorities", region="SE31")
    assert len(north_mid_sweden) == curated["SE311"] + curated["SE312"] + curated["SE313"]
    assert set(column(north_mid_sweden, "relation")) == {"narrower"}


@covers("region-clusters")
def test_region_clusters_with_technologies_and_relation(store: EmbeddedStore) -> None:
    clusters = source_rows("s3/clusters.csv")
    marche = by(answer(store, "region-clusters", region="ITI3"), "cluster")
    assert {c.removeprefix(f"{ID}cluster/") for c in marche} == {
        row["id"] for row in clusters if row["nuts_code"] == "ITI3"
    }
    assert {row["relation"] for row in marche.values()} == {"same"}
    e_living = marche[f"{ID}cluster/cluster-e-living"]
    assert e_living["cluster_label"] == "Cluster e-Living"
    assert e_living["technologies"] == "Robotics"  # clusters.csv: ati:robotics
    assert e_living["derived_technologies"] == "Advanced manufacturing technologies"
    assert "robotica" in e_living["sectors"]
    # Vilnius: its own two clusters first, then the national association.
    vilnius = answer(store, "region-clusters", region="LT01")
    assert [(r["region_code"], r["relation"]) for r in vilnius] == [
        ("LT01", "same"),
        ("LT01", "same"),
        ("LT", "broader"),
    ]
    assert vilnius[2]["cluster_label"] == "Lithuanian Laser Association (LLA)"
    austria = by(answer(store, "region-clusters", region="AT"), "cluster_label")
    assert len(austria) == 4
    assert {row["relation"] for row in austria.values()} == {"narrower"}
    assert austria["Green Tech Cluster Styria"]["member_count"] == 220
    assert austria["Silicon Alps Cluster"]["technologies"] == "Micro- and nanoelectronics"


@covers("region-policy-instruments")
def test_region_policy_instruments(store: EmbeddedStore) -> None:
    (macedonia,) = answer(store, "region-policy-instruments", region="EL52")
    assert macedonia["instrument"] == f"{ID}instrument/clusterfy-el"
    assert (macedonia["relation"], macedonia["scope"], macedonia["funds"]) == (
        "same",
        "regional",
        "ERDF",
    )
    assert macedonia["projects"] == "ClusterFY"
    assert macedonia["partners"] == "Centre for Research and Technology Hellas"
    # Gävleborg (NUTS 3) is covered by the North-Mid Sweden programme of SE31.
    (gavleborg,) = answer(store, "region-policy-instruments", region="SE313")
    assert (gavleborg["region_code"], gavleborg["relation"]) == ("SE31", "broader")
    (poland,) = answer(store, "region-policy-instruments", region="PL")
    assert words(poland["funds"], " ") == {"ERDF", "national-budget"}
    assert answer(store, "region-policy-instruments", region="ITI3") == []


@covers("region-projects")
def test_region_projects_and_partners(store: EmbeddedStore) -> None:
    marche = answer(store, "region-projects", region="ITI3")
    assert [(r["partner"].removeprefix(f"{ID}organisation/"), r["relation"]) for r in marche] == [
        ("regione-marche", "same"),
        ("ministero-dello-sviluppo-economico", "broader"),
    ]
    assert marche[0]["roles"] == "Lead partner"
    assert words(marche[1]["roles"], ",") == {"Associated partner", "Partner"}
    assert {r["project"] for r in marche} == {f"{ID}project/clusterpolisee"}
    # MITA has two partner-role records; only one names its instrument, and both count.
    (lithuania,) = answer(store, "region-projects", region="LT")
    assert words(lithuania["roles"], ",") == {"Lead partner", "Partner"}
    assert lithuania["instruments"] == "Lithuanian OP priority axis 1, measure INOKLASTER"
    romania = answer(store, "region-projects", region="RO")
    assert (romania[0]["region_code"], romania[0]["relation"]) == ("RO", "same")
    assert {r["region_code"] for r in romania} == {"RO", "RO21", "RO31", "RO32"}


@covers("region-indicators-latest")
def test_region_indicators_latest_and_first(store: EmbeddedStore) -> None:
    marche = answer(store, "region-indicators-latest", region="ITI3")
    # one row per indicator the region has: the five of the I4.0, EURITO R&D and arXiv sources,
    # all arXiv preprints and the five Eurostat panel measures (SBS employment is by sector and
    # left out: the technology profile shows it)
    indicators = {row["indicator"].removeprefix(f"{ID}indicator/") for row in marche}
    assert indicators == {
        "arxiv-artificial-intelligence-count",
        "arxiv-count",
        "htec-emp-high-tech-sectors-pc",
        "i40-patent-count",
        "rd-private-eur-hab",
        "rd-government-eur-hab",
        "population-1-january",
        "gdp-million-eur",
        "gdp-pps-per-inhabitant",
        "gdp-pps-per-inhabitant-pct-eu",
        "employment-rate-15-64",
    }
    business = by(marche, "indicator")[f"{ID}indicator/rd-private-eur-hab"]
    published = rd_private(code="ITI3")
    latest, first = max(published), min(published)
    assert (business["latest_year"], business["latest_value"]) == (latest[1], published[latest])
    assert (business["first_year"], business["first_value"]) == (first[1], published[first])
    assert business["years"] == len(published) == 5
    assert business["latest_published_region_code"] == "ITI3"
    assert business["unit"] == "EUR per inhabitant"
    rows = raw(store, "region-indicators-latest", region="ITI3")
    assert {row["latest_value"].datatype for row in rows} == {XSD.decimal}
    assert {row["years"].datatype for row in rows} == {XSD.integer}


@covers("indicator-trend")
def test_indicator_trend_is_the_published_series(store: EmbeddedStore) -> None:
    marche = answer(store, "indicator-trend", region="ITI3")  # default: rd-private-eur-hab
    assert [(r["year"], r["value"]) for r in marche] == [
        (year, value) for (_, year), value in sorted(rd_private(code="ITI3").items())
    ]
    assert marche[-1] == {
        "year": 2018,
        "value": Decimal("192.0"),
        "unit": "EUR per inhabitant",
        "indicator_label": "Business R&D expenditure per inhabitant",
        "published_region_code": "ITI3",
    }
    # Southern Ireland (IE05) was part of IE02 until NUTS 2016: the old values are IE02's,
    # which the change tables split between IE05 and IE06.
    ireland = answer(
        store, "indicator-trend", region="IE05", indicator="htec-emp-high-tech-sectors-pc"
    )
    assert [r["year"] for r in ireland] == list(range(2008, 2019))
    old = [r for r in ireland if r["published_region_code"] == "IE02"]
    assert [r["year"] for r in old] == [2008, 2009, 2010, 2011]
    assert {r.get("split_into") for r in old} == {"IE06"}
    with pytest.raises(ParameterError):
        CATALOGUE["indicator-trend"].bind({"region": "ITI3", "indicator": "gdp"}, store)


@covers("regions-ranked-by-indicator")
def test_regions_ranked_by_indicator(store: EmbeddedStore) -> None:
    italy = answer(store, "regions-ranked-by-indicator", within="IT")  # rd-private, 2018
    expected = sorted(
        ((code, value) for (code, _), value in rd_private(year=2018).items() if code[:2] == "IT"),
        key=lambda item: -item[1],
    )
    assert [(r["region_code"], r["value"]) for r in italy] == expected
    assert [r["rank"] for r in italy] == list(range(1, len(expected) + 1))
    assert by(italy, "region_code")["ITI3"]["rank"] == 12
    assert {r["country_code"] for r in italy} == {"IT"}
    # Equal values share a rank, and the next rank skips.
    top = answer(
        store, "regions-ranked-by-indicator", indicator="htec-emp-high-tech-sectors-pc", year="2018"
    )[:4]
    assert [(r["region_code"], r["rank"]) for r in top] == [
        ("UKJ1", 1),
        ("HU11", 2),
        ("SK01", 2),
        ("CZ01", 4),
    ]
    with pytest.raises(ParameterError) as caught:
        CATALOGUE["regions-ranked-by-indicator"].bind({"year": "1990"}, store)
    assert caught.value.parameter == "year"


@covers("region-neighbourhood")
def test_region_neighbourhood_graph(store: EmbeddedStore) -> None:
    query = CATALOGUE["region-neighbourhood"]
    graph = store.query(query.bind({"region": "ITI3"}, store)).graph
    assert graph is not None
    marche = NUTS["ITI3"]
    assert str(graph.value(marche, SKOS.prefLabel)) == "Marche"
    assert (marche, CKG.country, NUTS["IT"]) in graph
    assert len(set(graph.subjects(RDF.type, CKG.ClusterOrganisation))) == 5
    assert len(set(graph.subjects(RDF.type, CKG.S3Priority))) == 15
    assert len(set(graph.subjects(RDF.type, CKG.SmartSpecialisationStrategy))) == 3
    e_living = URIRef(f"{ID}cluster/cluster-e-living")
    assert (e_living, CKG.technology, URIRef(f"{ATI}robotics")) in graph
    manufacturing = URIRef(f"{KET}advanced-manufacturing-technologies")
    assert (e_living, CKG.derivedTechnology, manufacturing) in graph
    project = URIRef(f"{ID}project/clusterpolisee")
    assert project in set(graph.subjects(RDF.type, CKG.CooperationProject))


# --- Key Enabling Technologies ------------------------------------------------------------


@covers("regions-strong-in-ket")
def test_regions_strong_in_photonics_are_those_with_photonics_clusters(
    store: EmbeddedStore,
) -> None:
    clusters = {row["id"]: row["nuts_code"] for row in source_rows("s3/clusters.csv")}
    photonics_regions = {
        clusters[key]
        for key, technologies in sourced_technologies("clusters.csv").items()
        if "ket:photonics" in technologies
    }
    priority_regions = {
        row["nuts_code"]
        for row in source_rows("s3/s3_priorities.csv")
        if "ket:photonics" in row["technologies"]
    }
    rows = answer(store, "regions-strong-in-ket", ket="ket:photonics")
    # Värmland's priority "Systemlösningar med solel" (solar electricity) is derived photonics;
    # the priorities of Berlin-Brandenburg (one per Land), Madrid, Sardinia (photovoltaics),
    # Tuscany and Zuid-Nederland (one per province) state it.
    assert (
        set(column(rows, "region_code"))
        == photonics_regions | priority_regions | {"SE311"}
        == {"CZ", "DE30", "DE40", "ES30", "FR10", "ITG2", "ITI1", "LT", "LT01"}
        | {"NL34", "NL41", "NL42", "SE311", "SE313"}
    )
    assert {
        (r["region_code"], r["clusters"], r["s3_priorities"], r["evidence"])
        for r in rows
        if r["region_code"] == "SE311"
    } == {("SE311", 0, 1, 1)}
    assert {
        (r["clusters"], r["s3_priorities"], r["evidence"])
        for r in rows
        if r["region_code"] in photonics_regions
    } == {(1, 0, 1)}
    # ties by code
    assert column(rows, "region_code") == sorted(photonics_regions | priority_regions | {"SE311"})
    # The notation PH and the ATI namesake give the same answer as ket:photonics.
    assert answer(store, "regions-strong-in-ket", ket="PH") == rows
    assert answer(store, "regions-strong-in-ket", ket="ati:photonics") == rows
    robotics = by(answer(store, "regions-strong-in-ket", ket="ati:robotics"), "region_code")
    assert set(robotics) == {"EL52", "ES30", "ITI3", "NL34", "NL41", "NL42", "SK", "SK042"}
    assert robotics["ITI3"]["evidence_items"] == "cluster: Cluster e-Living"
    manufacturing = answer(
        store, "regions-strong-in-ket", ket="ket:advanced-manufacturing-technologies"
    )
    # Marche: 4 stated or derived manufacturing priorities of 2014-2020 and undated, the
    # mechanics priority of 2021-2027 (machinery sector) and the e-Living cluster.
    assert [(r["region_code"], r["evidence"]) for r in manufacturing[:2]] == [
        ("ITI3", 6),
        ("ITH5", 4),
    ]
    stated_only = answer(
        store,
        "regions-strong-in-ket",
        ket="ket:advanced-manufacturing-technologies",
        include_derived="false",
    )
    assert set(column(stated_only, "region_code")) == {
        "AT12",
        "DEA",
        "DEC0",
        "ES24",
        "ES41",
        "ES52",
        "ITF3",
        "ITH5",
        "ITI1",
        "ITI3",
        "MT",
        "PL61",
        "SE311",
    }


@covers("clusters-in-ket-elsewhere")
def test_clusters_in_ket_elsewhere(store: EmbeddedStore) -> None:
    everywhere = answer(store, "clusters-in-ket-elsewhere", ket="photonics")
    assert len(everywhere) == 5
    outside_lithuania = answer(store, "clusters-in-ket-elsewhere", ket="photonics", region="LT")
    assert column(outside_lithuania, "region_code") == ["CZ", "FR10", "SE313"]
    assert {r["evidence"] for r in outside_lithuania} == {"stated by a source"}
    (iot,) = answer(store, "clusters-in-ket-elsewhere", ket="ati:internet-of-things")
    assert iot["cluster_label"] == "Cluster Marche Manufacturing"
    assert (iot["evidence"], iot["matched_keywords"]) == ("derived by a ClusterKG rule", "domotica")
    none = answer(
        store, "clusters-in-ket-elsewhere", ket="ati:internet-of-things", include_derived="false"
    )
    assert none == []


@covers("ket-strengths-matching-s3-priorities")
def test_cluster_strengths_elsewhere_matching_a_regions_priorities(store: EmbeddedStore) -> None:
    macedonia = answer(store, "ket-strengths-matching-s3-priorities", region="EL52")
    # "High tech farming" names robotics, big data and ICT; ICT reads as the ICT sector, whose
    # C26 makes micro- and nanoelectronics, which Styria's (AT2) cluster states.
    assert {(r["technology_label"], r["cluster_region_code"]) for r in macedonia} == {
        ("Robotics", "ITI3"),
        ("Robotics", "SK042"),
        ("Micro- and nanoelectronics", "AT2"),
    }
    assert {r["priority"] for r in macedonia} == {
        f"{ID}s3-priority/el52-2014-2020-agri-food-high-tech-farming-s3p-agri-food"
    }
    # Slovakia's robotics priority: Košice's AT+R cluster is inside Slovakia, so not "elsewhere".
    slovakia = answer(store, "ket-strengths-matching-s3-priorities", region="SK")
    assert [(r["cluster_label"], r["cluster_country_code"]) for r in slovakia] == [
        ("Cluster e-Living", "IT"),
        ("ACstyria Mobilitätscluster", "AT"),  # automotive, read as C29 → mobility
    ]
    # Castilla y León's stated manufacturing priority meets the clusters whose manufacturing
    # technology is derived (machinery and "fabbrica intelligente" words), none stated.
    castilla = answer(store, "ket-strengths-matching-s3-priorities", region="ES41")
    assert len(castilla) == 5
    assert {(r["priority_evidence"], r["cluster_evidence"]) for r in castilla} == {
        ("stated", "derived")
    }
    assert (
        answer(
            store, "ket-strengths-matching-s3-priorities", region="ES41", include_derived="false"
        )
        == []
    )
    # Marche's own clusters cover its priorities, but machinery clusters elsewhere share them.
    marche = answer(store, "ket-strengths-matching-s3-priorities", region="ITI3")
    assert {r["technology_label"] for r in marche} == {"Advanced manufacturing technologies"}
    assert "ITI3" not in set(column(marche, "cluster_region_code"))


@covers("s3-priorities-sharing-technologies")
def test_s3_priorities_sharing_technologies(store: EmbeddedStore) -> None:
    pairs = answer(store, "s3-priorities-sharing-technologies")
    # Expected from the graph by hand: every pair of priorities of different regions with a
    # common (sourced or derived) technology, once per technology.
    holders = store.query(
        "SELECT ?p ?r ?t WHERE { ?p a ckg:S3Priority ; ckg:region ?r ; "
        "ckg:technology|ckg:derivedTechnology ?t }"
    ).rows
    by_technology: dict[str, set[tuple[str, str]]] = {}
    for row in holders:
        technology = str(row["t"]).replace("/ati/", "/ket/")  # ATI namesakes count as the KET
        by_technology.setdefault(technology, set()).add((str(row["p"]), str(row["r"])))
    expected = sum(
        1
        for members in by_technology.values()
        for a in members
        for b in members
        if a[0] < b[0] and a[1] != b[1]
    )
    assert len(pairs) == expected == 6808
    keys = {(r["priority_a"], r["priority_b"]) for r in pairs}
    assert not {(b, a) for a, b in keys} & keys, "a pair is listed twice"
    assert all(r["region_a_code"] != r["region_b_code"] for r in pairs)
    # 55 priorities of 45 regions
    assert Counter(column(pairs, "technology_label"))["Mobility"] == 1473
    emilia = answer(store, "s3-priorities-sharing-technologies", region="ITH5")
    assert len(emilia) == 434
    assert set(column(emilia, "region_a_code")) == {"ITH5"}
    assert "ITH5" not in set(column(emilia, "region_b_code"))
    mobility = answer(store, "s3-priorities-sharing-technologies", ket="ati:mobility")
    assert len(mobility) == 1473
    # Only Styria's mobility priority and Normandie's ("smart mobility") name the technology in
    # their sources: one stated pair.
    stated = answer(
        store, "s3-priorities-sharing-technologies", ket="ati:mobility", include_derived="false"
    )
    assert [(r["region_a_code"], r["region_b_code"]) for r in stated] == [("AT22", "FRD")]
    # Priorities whose sources name the same technology, read from s3_priorities.csv.
    curated = source_rows("s3/s3_priorities.csv")
    robotics = [
        (row["id"], row["nuts_code"]) for row in curated if "ati:robotics" in row["technologies"]
    ]
    stated_robotics = answer(
        store, "s3-priorities-sharing-technologies", ket="ati:robotics", include_derived="false"
    )
    assert Counter(
        tuple(sorted((r["region_a_code"], r["region_b_code"]))) for r in stated_robotics
    ) == Counter(
        tuple(sorted((a[1], b[1])))
        for a in robotics
        for b in robotics
        if a[0] < b[0] and a[1] != b[1]
    )


@covers("technologies-across-regions")
def test_technologies_across_regions(store: EmbeddedStore) -> None:
    rows = answer(store, "technologies-across-regions")
    assert len(rows) == 16  # 6 KETs + the 10 ATIs without a KET namesake
    technologies = by(rows, "notation")
    # cloud technologies: the most regions (ICT-sector and digital-transformation priorities)
    assert rows[0]["notation"] == "ATI-07"
    assert (technologies["ATI-12"]["s3_regions"], technologies["ATI-12"]["s3_priorities"]) == (
        45,
        55,
    )
    photonics = technologies["PH"]
    assert (photonics["s3_regions"], photonics["cluster_regions"], photonics["clusters"]) == (
        9,
        5,
        5,
    )
    assert technologies["AMT"]["regions"] == 35
    assert technologies["ATI-06"]["regions"] == 0  # blockchain: no evidence
    assert "ATI-14" not in technologies  # counted under its KET namesake PH
    stated = by(answer(store, "technologies-across-regions", include_derived="false"), "notation")
    assert stated["ATI-12"]["s3_regions"] == 2  # Styria and Normandie


@covers("s3-gaps")
def test_s3_gaps_are_priorities_without_local_cluster_technology(store: EmbeddedStore) -> None:
    # Marche's clusters cover its priorities' technologies
    assert answer(store, "s3-gaps", region="ITI3") == []
    # Slovakia's robotics priority is covered by AT+R in Košice
    slovakia = answer(store, "s3-gaps", region="SK")
    assert slovakia and "Robotics" not in {r["technology_label"] for r in slovakia}
    veneto = {
        (r["priority"], r["technology_label"]): r for r in answer(store, "s3-gaps", region="ITH3")
    }
    smart = veneto[
        (
            f"{ID}s3-priority/ith3-2021-2027-smart-manufacturing",
            "Advanced manufacturing technologies",
        )
    ]
    # e-Living (Marche) and the four machinery clusters (Emilia-Romagna, Romania, Slovakia)
    assert smart["clusters_elsewhere"] == 5
    # Veneto's 2021-2027 category is the official one (Commission Implementing Decision)
    assert smart["category"] == "more developed region (official)"
    croatia = answer(store, "s3-gaps", region="HR")
    assert {r["technology_label"] for r in croatia} == {
        "Mobility",
        "Cloud technologies",
        "Connectivity",
        "Micro- and nanoelectronics",
    }
    assert len(croatia) == 5
    assert all("category" not in row for row in croatia)  # a country has no category
    # Without derived technologies Marche's stated manufacturing priority becomes a gap:
    # e-Living's manufacturing technology is derived.
    stated = answer(store, "s3-gaps", region="ITI3", include_derived="false")
    assert stated and {r["priority_region_code"] for r in stated} == {"ITI3"}


# --- policy instruments, projects, partners -----------------------------------------------


@covers("policy-instruments-for-clusters")
def test_policy_instruments_for_clusters(store: EmbeddedStore) -> None:
    def names(**values: str) -> list[str]:
        rows = answer(store, "policy-instruments-for-clusters", **values)
        return [r["instrument"].removeprefix(f"{ID}instrument/") for r in rows]

    assert len(names()) == 8
    assert names(fund="national-budget") == ["clusterfy-pl"]
    assert names(fund="ESF") == []
    assert len(names(fund="ERDF")) == 7  # all but the Slovak scheme, which names no fund
    assert names(scope="national") == ["clusterfy-lt", "clusterfy-pl", "clusterfy-sk"]
    assert names(region="SE313") == ["clusterfy-se"]
    assert names(keyword="ket") == ["clusterfy-el", "clusterfy-lt", "clusterfy-pl"]
    (poland,) = answer(store, "policy-instruments-for-clusters", fund="national-budget")
    assert poland["partners"] == "Polish Agency for Enterprise Development"
    assert "support can be granted to cluster organisations" in poland["supports"].lower()
    with pytest.raises(ParameterError):
        CATALOGUE["policy-instruments-for-clusters"].bind({"fund": "EAFRD"}, store)


@covers("project-partners-and-instruments")
def test_project_partners_and_the_instruments_they_address(store: EmbeddedStore) -> None:
    clusterfy = by(
        answer(store, "project-partners-and-instruments", project_name="clusterfy"), "partner"
    )
    assert len(clusterfy) == 8
    assert all(row.get("instrument") for row in clusterfy.values())
    mita = clusterfy[f"{ID}organisation/mita"]
    assert words(mita["roles"], ",") == {"Lead partner", "Partner"}
    assert (mita["instrument"], mita["scope"]) == (f"{ID}instrument/clusterfy-lt", "national")
    parp = clusterfy[f"{ID}organisation/parp"]
    assert words(parp["funds"], " ") == {"ERDF", "national-budget"}
    assert clusterfy[f"{ID}organisation/certh"]["helix"] == "Academia"
    polisee = answer(store, "project-partners-and-instruments", project_name="ClusterPoliSEE")
    partners = {
        row["organisation"].removeprefix("organisation:").removeprefix("cluster:")
        for row in source_rows("s3/project_partners.csv")
        if row["project"] == "project:clusterpolisee"
    }
    assert {r["partner"].rsplit("/", 1)[1] for r in polisee} == partners
    assert not any(row.get("instrument") for row in polisee)
    assert len(answer(store, "project-partners-and-instruments")) == 20
    assert answer(store, "project-partners-and-instruments", project_name="no such project") == []


@covers("good-practices-by-thematic-area")
def test_good_practices_by_thematic_area(store: EmbeddedStore, synthetic: EmbeddedStore) -> None:
    rows = answer(store, "good-practices-by-thematic-area")
    assert len(rows) == 7
    clusterfy, *polisee = rows
    assert (clusterfy["area_label"], clusterfy["area_source"]) == (
        "Research and innovation",
        "project topic",
    )
    assert (clusterfy["planned_good_practices"], clusterfy["planned_is_minimum"]) == (16, True)
    assert len(polisee) == 6 and {r["area_source"] for r in polisee} == {"thematic area"}
    assert {r["good_practices"] for r in rows} == {0}  # no good-practice records are bundled
    # On the SYNTHETIC graph, where a project has two recorded good practices:
    made_up = answer(synthetic, "good-practices-by-thematic-area")
    assert column(made_up, "area_label") == ["Cluster innovation", "Skills"]
    assert {r["good_practices"] for r in made_up} == {2}
    assert words(made_up[0]["good_practice_names"], ";") == {
        "Cluster management academy (SK042)",
        "Innovation vouchers for cluster members (ITI3)",
    }
    assert made_up[0]["planned_good_practices"] == 4


@covers("value-chains-spanning-regions")
def test_value_chains_spanning_regions(store: EmbeddedStore, synthetic: EmbeddedStore) -> None:
    assert answer(store, "value-chains-spanning-regions") == []  # no value chains are bundled
    # The rest runs on the SYNTHETIC graph.
    chains = answer(synthetic, "value-chains-spanning-regions")
    assert [(r["chain_label"], r["regions"]) for r in chains] == [
        ("Alpine-Adriatic mobility chain (synthetic)", 3),
        ("Smart home appliances (synthetic)", 2),
    ]
    smart_home = chains[1]
    assert words(smart_home["region_codes"], " ") == {"ITI3", "SK042"}
    assert (smart_home["countries"], smart_home["clusters"]) == (2, 2)
    assert words(smart_home["stages"], ";") == {"1. Design", "2. Components", "3. Assembly"}
    assert smart_home["technologies"] == "Robotics"
    single = answer(synthetic, "value-chains-spanning-regions", region="ITI3", min_regions="1")
    assert column(single, "regions") == [3, 2, 1]
    by_ket = answer(
        synthetic, "value-chains-spanning-regions", ket="ati:advanced-manufacturing-technology"
    )
    assert column(by_ket, "chain_label") == ["Alpine-Adriatic mobility chain (synthetic)"]
    assert len(answer(synthetic, "value-chains-spanning-regions", region="SK")) == 2


# --- NUTS versions ------------------------------------------------------------------------


@covers("nuts-changes-for-region")
def test_nuts_changes_for_region(store: EmbeddedStore) -> None:
    vilnius = answer(store, "nuts-changes-for-region", region="LT01")
    assert [(r["from_version"], r["to_version"]) for r in vilnius] == [("2013", "2016")] * 2
    assert {r["from_codes"] for r in vilnius} == {"LT00"}
    split = next(r for r in vilnius if "Split" in r["change_types"])
    assert words(split["to_codes"], " ") == {"LT01", "LT02"}
    assert (vilnius[0]["region_first_version"], vilnius[0]["region_last_version"]) == (
        "2016",
        "2024",
    )
    # With its subregions, Lithuania has one change per changed row of the Eurostat table.
    table = source_rows("nuts/nuts2013_to_2016_changes.csv")
    changed = [r for r in table if r["change"] and (r["code_2013"] or r["code_2016"])[:2] == "LT"]
    lithuania = answer(store, "nuts-changes-for-region", region="LT", include_subregions="true")
    assert len(lithuania) == len(changed) == 13
    assert answer(store, "nuts-changes-for-region", region="LT") == []
    # Marche: only a comment row (a regulation article), no change of code.
    (marche,) = answer(store, "nuts-changes-for-region", region="ITI3")
    assert "change_types" not in marche or not marche["change_types"]
    assert (marche["from_codes"], marche["to_codes"], marche["comment"]) == (
        "ITI3",
        "ITI3",
        "art. 5(2a)",
    )


# --- the queries that came with the seed facts --------------------------------------------


@covers("project-overview", "project-outputs", "project-thematic-areas")
def test_project_overview_outputs_and_thematic_areas(store: EmbeddedStore) -> None:
    overview = by(answer(store, "project-overview"), "project")
    assert (overview[f"{ID}project/clusterfy"]["partners"]) == 8
    polisee = overview[f"{ID}project/clusterpolisee"]
    assert (polisee["acronym"], polisee["partners"], polisee["countries"]) == (
        "ClusterPoliSEE",
        25,
        11,
    )
    outputs = by(answer(store, "project-outputs"), "type")
    assert (outputs["good-practice"]["quantity"], outputs["good-practice"]["at_least"]) == (
        16,
        True,
    )
    assert outputs["learning-event"]["quantity"] == 57
    areas = by(answer(store, "project-thematic-areas"), "area")
    assert len(areas) == 6
    financing = areas[f"{ID}thematic-area/clusterpolisee-financing"]
    assert financing["label_it"] == "Miglioramento del quadro finanziario (Finanziamento Cluster)"


@covers("project-partners", "project-policy-instruments")
def test_project_partners_and_policy_instruments(store: EmbeddedStore) -> None:
    partners = answer(store, "project-partners")
    assert len(partners) == 28  # partner-role records: some partners have two
    certh = next(r for r in partners if r["partner"] == f"{ID}organisation/certh")
    assert (certh["region_code"], certh["nuts_level"], certh["country"]) == ("EL52", 2, "EL")
    instruments = by(answer(store, "project-policy-instruments"), "instrument")
    assert len(instruments) == 8
    assert instruments[f"{ID}instrument/clusterfy-se"]["region_code"] == "SE31"


@covers("fact-sources")
def test_fact_sources(store: EmbeddedStore) -> None:
    rows = answer(store, "fact-sources")
    graphs = {r["graph"] for r in rows}
    assert "https://w3id.org/clusterkg/id/graph/meta" not in graphs
    e_living = {
        r["source"]
        for r in rows
        if r["resource"] == f"{ID}cluster/cluster-e-living" and "source" in r
    }
    assert f"{ID}source/clusters/clusters.csv" in e_living


# --- measured technology strengths (graph …/graph/strengths) --------------------------------------


@covers("top-regions-in-technology")
def test_top_regions_in_robotics_are_ranked_by_score_and_count_each_region_once(
    store: EmbeddedStore,
) -> None:
    rows = answer(store, "top-regions-in-technology", ket="ati:robotics")
    scores = column(rows, "score")
    assert scores == sorted(scores, reverse=True)
    assert len(by(rows, "region_code")) == len(rows) > 200
    assert all(len(code) == 4 for code in column(rows, "region_code"))
    # Stuttgart: machinery (C28) location quotient far above 2, three stars
    stuttgart = by(rows, "region_code")["DE11"]
    assert stuttgart["stars"] == 3 and stuttgart["location_quotient"] > 2
    assert rows.index(stuttgart) < 5
    countries = answer(store, "top-regions-in-technology", ket="ati:robotics", level="0")
    assert {len(code) for code in column(countries, "region_code")} == {2}
    # all the EU28; Malta's manufacturing total (section C) is confidential in 2012-2014, so its
    # score rests on one component, Industry 4.0 patents (summed from MT00), and no quotient
    assert len(countries) == 28
    malta = by(countries, "region_code")["MT"]
    assert malta["components"] == 1 and "location_quotient" not in malta


@covers("compare-regions")
def test_two_regions_compared_side_by_side_with_each_ones_own_profile(
    store: EmbeddedStore,
) -> None:
    rows = answer(store, "compare-regions", region_a="ITI3", region_b="EL52")
    by_technology = by(rows, "technology")
    # Each side is that region's own profile (region-technology-profile), score for score.
    for code, side in (("ITI3", "a"), ("EL52", "b")):
        profile = {
            row["technology"]: row.get("score")
            for row in answer(store, "region-technology-profile", region=code)
        }
        assert set(profile) <= set(by_technology)
        for technology, score in profile.items():
            assert by_technology[technology].get(f"score_{side}") == score
    for row in rows:
        if row.get("score_a") is not None and row.get("score_b") is not None:
            assert row["difference"] == row["score_a"] - row["score_b"]
        else:  # unknown is never 0: no difference either
            assert "difference" not in row
    first = [row["score_a"] for row in rows if row.get("score_a") is not None]
    assert first == sorted(first, reverse=True)
    same = answer(store, "compare-regions", region_a="ITI3", region_b="ITI3")
    assert {row.get("difference") for row in same if row.get("score_a") is not None} == {0}


@covers("region-technology-profile")
def test_central_macedonia_profile_lists_components_and_evidence(store: EmbeddedStore) -> None:
    rows = answer(store, "region-technology-profile", region="EL52")
    technologies = {row["technology"] for row in rows}
    assert len(technologies) >= 6
    for row in rows:
        assert row["evidence"] >= 1
        if row["status"] == "measured":
            assert row["value"] is not None and 0 <= row["percentile"] <= 1
        else:
            assert row["value"] is None and row["percentile"] is None
    scored = [row["score"] for row in rows if row["score"] is not None]
    assert scored == sorted(scored, reverse=True)
    assert set(column(rows, "published_region")) == {"EL52"}


@covers("strong-regions-by-development-category")
def test_strong_less_developed_regions_are_less_developed_by_the_rule(
    store: EmbeddedStore,
) -> None:
    rule = {
        row["nuts2_code"]: row
        for row in source_rows("cohesion/cohesion_category_rule_based_nuts2.csv")
    }
    rows = answer(
        store,
        "strong-regions-by-development-category",
        ket="ket:advanced-manufacturing-technologies",
        min_score="0.75",
    )
    assert rows
    for row in rows:
        assert rule[row["region_code"]]["category_2021_2027_rule"] == "less_developed"
        assert row["score"] >= 0.75
        assert float(row["gdp_pps_pct_eu"]) < 75
    earlier = answer(
        store,
        "strong-regions-by-development-category",
        ket="ket:advanced-manufacturing-technologies",
        development_category="more-developed",
        period="2014-2020",
        min_score="0.9",
    )
    assert earlier
    assert all(
        rule[row["region_code"]]["category_2014_2020_rule"] == "more_developed" for row in earlier
    )


@covers("region-partner-matches")
def test_partner_matches_are_the_stored_matches_best_first(store: EmbeddedStore) -> None:
    rows = answer(store, "region-partner-matches", region="ITI3")
    scores = column(rows, "score")
    assert scores == sorted(scores, reverse=True) and len(rows) >= 5
    assert all(row["partner_code"] != "ITI3" for row in rows)
    # Emilia-Romagna: a more developed ClusterPoliSEE partner with a mechatronics cluster
    emilia = [r for r in rows if r["partner_code"] == "ITH5"]
    assert emilia and all(
        (r["cluster_factor"], r["cooperation_factor"], r["learning_factor"]) == (1, 1, 1)
        for r in emilia
    )
    assert all("is measured strong in" in r["strength_reason"] for r in rows)
    high = answer(store, "region-partner-matches", region="ITI3", min_score="0.8")
    # Decimal scores: compared with the decimal 0.8 (the float 0.8 is a little more than 0.8).
    assert high and all(r["score"] >= Decimal("0.8") for r in high) and len(high) < len(rows)


@covers("region-capability-gaps")
def test_capability_gaps_of_sud_muntenia(store: EmbeddedStore) -> None:
    rows = answer(store, "region-capability-gaps", region="RO31")
    assert rows
    for row in rows:
        assert row["gap_kind"] in {"weak", "unmeasured"}
        if row["gap_kind"] == "weak":
            assert row["local_score"] < 0.5
        else:
            assert "local_score" not in row  # unknown, not zero
        assert row["helpers"] >= 1 and row["best_helper"] != "RO31"


@covers("region-peers")
def test_peers_of_sud_muntenia(store: EmbeddedStore) -> None:
    rows = answer(store, "region-peers", region="RO31")
    assert 3 <= len(rows) <= 10
    assert column(rows, "score") == sorted(column(rows, "score"), reverse=True)
    assert all(row["variables"] >= 3 and row["stronger_in"] for row in rows)
    assert all(row["peer_code"] != "RO31" for row in rows)
