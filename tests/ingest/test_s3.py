"""The S3, cluster and partner sources through the real pipeline.

One store per module: the reference sources (ontology, code lists, KETs, NUTS versions, seed
facts) and then the four sources of ``data/sources/s3``, ingested with ``ingest_file`` and the
real shapes. Then: record counts, spot checks of named records, the 16 contradictions of the
curated README (every claim kept with its source), invalid rows of each format quarantined with a
reason. Derived technologies are tested in ``tests/test_technology_matches.py``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import URIRef

from kg.config import PROJECT_ROOT, Settings
from kg.ingest.mappings.clusters import CLUSTER_COLUMNS
from kg.ingest.mappings.curated_rows import FACT_COLUMNS
from kg.ingest.mappings.partners import PARTNER_COLUMNS
from kg.ingest.mappings.s3 import PRIORITY_COLUMNS
from kg.ingest.pipeline import IngestReport
from kg.store import EmbeddedStore
from kg.validation import ShapeValidator
from tests.helpers import csv_rows, ingest_as

S3 = PROJECT_ROOT / "data" / "sources" / "s3"
BASE = "https://w3id.org/clusterkg/id/"
REFERENCE = [
    ("ontology", PROJECT_ROOT / "ontology" / "clusterkg.ttl", "rdf"),
    ("concepts", PROJECT_ROOT / "ontology" / "concepts.ttl", "rdf"),
    ("kets", PROJECT_ROOT / "ontology" / "kets.ttl", "rdf"),
    ("nuts", PROJECT_ROOT / "data" / "sources" / "nuts" / "nuts-versions.yaml", "nuts-versions"),
    ("seeds", PROJECT_ROOT / "data" / "sources" / "seeds" / "seed_facts.yaml", "seeds"),
]
#: The sources under test, in build order (partners refer to seeds and clusters).
SOURCES = [
    ("s3-priorities", S3 / "s3_priorities.csv", "s3-priorities"),
    ("clusters", S3 / "clusters.csv", "clusters"),
    ("project-partners", S3 / "project_partners.csv", "project-partners"),
]
CLUSTERPOLISEE = URIRef(f"{BASE}project/clusterpolisee")
CLUSTERFY = URIRef(f"{BASE}project/clusterfy")


@dataclass
class Built:
    store: EmbeddedStore
    settings: Settings
    validator: ShapeValidator
    reports: dict[str, IngestReport]

    def graph(self, source: str) -> str:
        return self.settings.source_graph(source)

    def select(self, query: str) -> list[dict[str, object]]:
        prefixes = (
            "PREFIX ckg: <https://w3id.org/clusterkg/ontology#>\n"
            "PREFIX ckgc: <https://w3id.org/clusterkg/concept/>\n"
            "PREFIX dcat: <http://www.w3.org/ns/dcat#>\n"
            "PREFIX dct: <http://purl.org/dc/terms/>\n"
            "PREFIX org: <http://www.w3.org/ns/org#>\n"
            "PREFIX prov: <http://www.w3.org/ns/prov#>\n"
            "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        )
        return list(self.store.query(prefixes + query).rows)

    def count(self, query: str) -> int:
        return int(self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {query} }}")[0]["n"])  # type: ignore[call-overload]

    def ingest(self, name: str, path: Path, mapping: str) -> IngestReport:
        return ingest_as(
            self.store, self.settings, self.validator, path, source=name, mapping=mapping
        )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, validator: ShapeValidator) -> Iterator[Built]:
    root = tmp_path_factory.mktemp("s3")
    settings = Settings(store_path=root / "store", quarantine_dir=root / "quarantine")
    with EmbeddedStore(settings.store_path) as store:
        built = Built(store, settings, validator, {})
        for name, path, mapping in REFERENCE + SOURCES:
            built.reports[name] = built.ingest(name, path, mapping)
        yield built


# ── counts ───────────────────────────────────────────────────────────────────────────────────


def test_every_record_of_the_four_sources_loads(built: Built) -> None:
    priorities = csv_rows(S3 / "s3_priorities.csv")
    strategies = {(r["nuts_code"], r["strategy_period"]) for r in priorities}
    partners = csv_rows(S3 / "project_partners.csv")
    introduced = {
        r["organisation"] for r in partners if r["organisation_defined_in"] == "project_partners"
    }
    expected = {
        "s3-priorities": len(priorities) + len(strategies),
        "clusters": len(csv_rows(S3 / "clusters.csv")) + len(csv_rows(S3 / "cluster_facts.csv")),
        "project-partners": len(partners)
        + len(introduced)
        + len(csv_rows(S3 / "project_facts.csv")),
    }
    for name, records in expected.items():
        report = built.reports[name]
        assert report.balanced
        assert (report.records_read, report.records_loaded, report.records_quarantined) == (
            records,
            records,
            0,
        ), [q.reason for q in report.quarantined]
    assert expected == {
        "s3-priorities": 662 + 121,
        "clusters": 55 + 2,
        "project-partners": 19 + 10 + 28,
    }


def test_counts_in_the_store(built: Built) -> None:
    s3, clusters = built.graph("s3-priorities"), built.graph("clusters")
    partners = built.graph("project-partners")
    assert built.count(f"GRAPH <{s3}> {{ ?s a ckg:SmartSpecialisationStrategy }}") == 121
    assert built.count(f"GRAPH <{s3}> {{ ?p a ckg:S3Priority }}") == 662
    assert built.count(f"GRAPH <{clusters}> {{ ?c a ckg:ClusterOrganisation }}") == 55
    assert built.count(f"GRAPH <{partners}> {{ ?r a ckg:PartnerRole }}") == 19
    assert built.count(f"GRAPH <{partners}> {{ ?o a org:Organization }}") == 10
    assert built.count(f"GRAPH <{partners}> {{ ?c a rdf:Statement }}") == 28
    assert built.count(f"GRAPH <{clusters}> {{ ?c a rdf:Statement }}") == 2


def test_every_priority_strategy_and_cluster_has_a_current_region(built: Built) -> None:
    for source in ("s3-priorities", "clusters"):
        missing = built.select(
            f"SELECT ?r WHERE {{ GRAPH <{built.graph(source)}> {{ ?r ckg:region ?g "
            "FILTER NOT EXISTS { ?r ckg:currentRegion ?c } } }"
        )
        assert not missing, missing


def test_an_old_nuts_code_reaches_the_current_region(built: Built) -> None:
    """Lubelskie was published as PL31 (NUTS 2013); it is PL81 now."""
    cluster = URIRef(f"{BASE}cluster/lubelski-klaster-ekoenergetyczny")
    rows = built.select(
        f"SELECT ?r ?c WHERE {{ <{cluster}> ckg:region ?r ; ckg:currentRegion ?c }}"
    )
    assert [(str(r["r"]), str(r["c"])) for r in rows] == [
        ("http://data.europa.eu/nuts/code/PL31", "http://data.europa.eu/nuts/code/PL81")
    ]
    assert built.reports["clusters"].records_remapped == 1


# ── spot checks ──────────────────────────────────────────────────────────────────────────────


def test_a_named_priority_has_its_labels_period_and_source(built: Built) -> None:
    """Marche's 2014-2020 priority "domotica"."""
    priority = URIRef(f"{BASE}s3-priority/iti3-2014-2020-home-automation-domotics")
    graph = built.graph("s3-priorities")
    labels = {
        (str(r["l"]), r["l"].language)  # type: ignore[attr-defined]
        for r in built.select(
            f"SELECT ?l WHERE {{ GRAPH <{graph}> {{ <{priority}> skos:prefLabel ?l }} }}"
        )
    }
    assert labels == {("domotica", "it"), ("home automation (domotics)", "en")}
    row = built.select(
        f"""SELECT ?title ?start ?end ?region WHERE {{ GRAPH <{graph}> {{
            <{priority}> ckg:strategy ?s ; skos:inScheme ?s ; ckg:region ?region .
            ?s rdfs:label ?title ; dct:temporal ?t ; ckg:hasPriority <{priority}> .
            ?t dcat:startDate ?start ; dcat:endDate ?end }} }}"""
    )
    assert len(row) == 1
    assert str(row[0]["title"]) == "RIS3 Marche 2014-2020"
    assert (str(row[0]["start"]), str(row[0]["end"])) == ("2014-01-01", "2020-12-31")
    assert str(row[0]["region"]) == "http://data.europa.eu/nuts/code/ITI3"
    sources = {
        str(r["s"]) for r in built.select(f"SELECT ?s WHERE {{ <{priority}> dct:source ?s }}")
    }
    assert any(s.startswith("https://www.ansa.it/amp/marche/notizie/2017/06/16/") for s in sources)
    notes = built.select(f"SELECT ?n WHERE {{ <{priority}> skos:editorialNote ?n }}")
    assert any("editorial translation of the Italian" in str(n["n"]) for n in notes)


def test_an_undated_strategy_has_no_period_and_warns(built: Built) -> None:
    strategy = URIRef(f"{BASE}strategy/se313-undated")
    assert built.count(f"<{strategy}> a ckg:SmartSpecialisationStrategy") == 1
    assert built.count(f"<{strategy}> dct:temporal ?t") == 0
    keys = [key for key, _ in built.reports["s3-priorities"].warning_notes]
    assert "strategy se313-undated" in keys


def test_partner_roles_reuse_the_seed_and_cluster_iris(built: Built) -> None:
    role = URIRef(f"{BASE}partner-role/clusterfy-mita-interregeurope-eu")
    row = built.select(
        f"SELECT ?p ?m ?r WHERE {{ <{role}> org:organization ?p ; org:member ?m ; org:role ?r }}"
    )
    assert [(str(r["p"]), str(r["m"]), str(r["r"])) for r in row] == [
        (
            str(CLUSTERFY),
            f"{BASE}organisation/mita",
            "https://w3id.org/clusterkg/concept/lead-partner",
        )
    ]
    uks = URIRef(
        f"{BASE}partner-role/clusterpolisee-union-of-slovak-clusters-clustercollaboration-eu"
    )
    members = built.select(
        f"SELECT ?m WHERE {{ <{uks}> org:member ?m . ?m a ckg:ClusterOrganisation }}"
    )
    assert [str(r["m"]) for r in members] == [f"{BASE}cluster/union-of-slovak-clusters"]


def test_nothing_is_asserted_on_the_seed_projects(built: Built) -> None:
    """Claims are statements about the projects; the projects' records stay the seeds' own, so
    their shapes (one period per project) still hold."""
    for source in ("s3-priorities", "clusters", "project-partners"):
        for project in (CLUSTERFY, CLUSTERPOLISEE):
            assert built.count(f"GRAPH <{built.graph(source)}> {{ <{project}> ?p ?o }}") == 0
    assert built.count(f"<{CLUSTERPOLISEE}> dct:temporal ?t") == 0
    assert built.count(f"<{CLUSTERFY}> dct:temporal ?t") == 1
    counts = built.select(f"SELECT ?n WHERE {{ <{CLUSTERPOLISEE}> ckg:partnerCount ?n }}")
    assert [int(r["n"]) for r in counts] == [25]  # type: ignore[call-overload]


# ── the 16 contradictions of the curated README ──────────────────────────────────────────────


def claims(built: Built, subject: URIRef, predicate: str) -> dict[str, set[str]]:
    """Claimed value → the source pages of the claims (the facts table excluded)."""
    rows = built.select(
        f"""SELECT ?v ?s WHERE {{ ?c a rdf:Statement ; rdf:subject <{subject}> ;
            rdf:predicate {predicate} ; rdf:object ?v ; dct:source ?s .
            FILTER (!STRSTARTS(STR(?s), "{BASE}source/")) }}"""
    )
    found: dict[str, set[str]] = {}
    for row in rows:
        found.setdefault(str(row["v"]), set()).add(str(row["s"]))
    return found


def periods(built: Built, subject: URIRef) -> dict[tuple[str, str], set[str]]:
    rows = built.select(
        f"""SELECT ?start ?end ?s WHERE {{ ?c a rdf:Statement ; rdf:subject <{subject}> ;
            rdf:predicate dct:temporal ; rdf:object ?t ; dct:source ?s .
            ?t a dct:PeriodOfTime ; dcat:startDate ?start ; dcat:endDate ?end .
            FILTER (!STRSTARTS(STR(?s), "{BASE}source/")) }}"""
    )
    found: dict[tuple[str, str], set[str]] = {}
    for row in rows:
        found.setdefault((str(row["start"]), str(row["end"])), set()).add(str(row["s"]))
    return found


def notes_of(built: Built, graph: str) -> list[str]:
    rows = built.select(f"SELECT ?n WHERE {{ GRAPH <{graph}> {{ ?x skos:editorialNote ?n }} }}")
    return [str(r["n"]) for r in rows]


def strategy_sources(built: Built, key: str) -> set[str]:
    strategy = URIRef(f"{BASE}strategy/{key}")
    rows = built.select(
        f"SELECT DISTINCT ?s WHERE {{ ?p ckg:strategy <{strategy}> ; dct:source ?s }}"
    )
    return {str(r["s"]) for r in rows} - {f"{BASE}source/s3-priorities/s3_priorities.csv"}


def check_partner_count(built: Built) -> None:
    counts = claims(built, CLUSTERPOLISEE, "ckg:partnerCount")
    assert set(counts) == {"23", "24", "25"}
    assert counts["23"] == {"http://www.etrec.ro/cluster-project-polisee/"}
    assert "https://paperzz.com/doc/6982572/assessment-report" in counts["24"]
    assert "http://clusterpolisee.eu/it/progetto" in counts["25"]
    oics = "http://oics.it/index.php/it/tutte-le-news/2067-marche-lok-al-progetto-strategico-per-south-east-europe"
    assert oics in counts["25"]  # "24 partner ... oltre alla Regione Marche"
    quotes = built.select(
        f"""SELECT ?q WHERE {{ ?c rdf:subject <{CLUSTERPOLISEE}> ; rdf:object 23 ;
            ckg:sourceQuote ?q }}"""
    )
    assert len(quotes) == 1
    assert str(quotes[0]["q"]).startswith("23 partners spanning 11 different countries")


def check_country_count(built: Built) -> None:
    counts = claims(built, CLUSTERPOLISEE, "ckg:countryCount")
    assert set(counts) == {"11", "12"}
    assert counts["12"] == {"https://paperzz.com/doc/6982572/assessment-report"}
    assert len(counts["11"]) == 5


def check_clusterpolisee_dates(built: Built) -> None:
    found = periods(built, CLUSTERPOLISEE)
    assert set(found) == {
        ("2012-04-01", "2014-12-31"),
        ("2012-05-01", "2014-10-31"),
        ("2009-01-01", "2012-06-30"),
    }
    assert found[("2009-01-01", "2012-06-30")] == {
        "https://www.pbn.hu/Closed_projects/ClusterPolisee6.html"
    }
    assert set(claims(built, CLUSTERPOLISEE, "dct:extent")) == {"P2Y6M"}


def check_budget(built: Built) -> None:
    notes = notes_of(built, built.graph("project-partners"))
    assert any("over EUR 5 million" in n and "EUR 5.2 million" in n for n in notes)


def check_mise_role(built: Built) -> None:
    rows = built.select(
        f"""SELECT ?role ?s WHERE {{ ?r a ckg:PartnerRole ;
            org:member <{BASE}organisation/ministero-dello-sviluppo-economico> ;
            org:role ?role ; dct:source ?s . FILTER (!STRSTARTS(STR(?s), "{BASE}")) }}"""
    )
    roles = {str(r["role"]).rsplit("/", 1)[-1]: str(r["s"]) for r in rows}
    assert set(roles) == {"associated-partner", "partner"}
    assert roles["associated-partner"].startswith("http://oics.it/")
    assert roles["partner"].startswith("https://fesr.regione.emilia-romagna.it/")


def check_clusterfy_duration(built: Built) -> None:
    found = periods(built, CLUSTERFY)
    assert set(found) == {("2017-01-01", "2021-12-31"), ("2017-01-01", "2019-12-31")}
    assert found[("2017-01-01", "2021-12-31")] == {
        "https://www.adrmuntenia.ro/proiectul-clusterfy/static/952"
    }
    assert set(claims(built, CLUSTERFY, "dct:extent")) == {"P5Y"}


def check_clusterfy_countries(built: Built) -> None:
    counts = claims(built, CLUSTERFY, "ckg:countryCount")
    assert set(counts) == {"7", "8"}
    assert len(counts["8"]) == 3


def check_lithuania_directions(built: Built) -> None:
    skipped = csv_rows(S3 / "skipped_rows.csv")
    assert any(r["line"] == "17" and "six priority directions" in r["reason"] for r in skipped)
    strategy = URIRef(f"{BASE}strategy/lt-2014-2020")
    assert built.count(f"<{strategy}> ckg:hasPriority ?p") == 8  # 7 directions + 1 sub-priority


def check_polish_kis(built: Built) -> None:
    notes = notes_of(built, built.graph("s3-priorities"))
    assert any("source says 19 KIS in total" in n for n in notes)


def check_sud_muntenia(built: Built) -> None:
    assert built.count(f"<{BASE}strategy/ro31-2021-2027> ckg:hasPriority ?p") == 8
    assert len(strategy_sources(built, "ro31-2021-2027")) == 2


def check_emilia_romagna(built: Built) -> None:
    assert len(strategy_sources(built, "ith5-2021-2027")) == 2
    assert built.count(f"<{BASE}strategy/ith5-2014-2020> ckg:hasPriority ?p") == 5


def check_hungary(built: Built) -> None:
    assert built.count(f"<{BASE}strategy/hu-2021-2027> ckg:hasPriority ?p") == 8


def check_clustero(built: Built) -> None:
    cluster = URIRef(f"{BASE}cluster/clustero")
    counts = claims(built, cluster, "ckg:memberCount")
    assert counts == {
        "42": {
            "https://www.clustercollaboration.eu/cluster-networks/romanian-cluster-association-clustero"
        },
        "53": {"http://clustero.eu/about-us/"},
    }
    assert built.count(f"<{cluster}> ckg:memberCount ?n") == 0


def check_ind_agro_pol(built: Built) -> None:
    cluster = URIRef(f"{BASE}cluster/ind-agro-pol-cluster")
    assert built.count(f"<{cluster}> ckg:region <http://data.europa.eu/nuts/code/RO32>") == 1
    notes = built.select(f"SELECT ?n WHERE {{ <{cluster}> skos:editorialNote ?n }}")
    assert any("Pitesti" in str(r["n"]) and "RO31" in str(r["n"]) for r in notes)


def check_styria(built: Built) -> None:
    assert strategy_sources(built, "at22-2011-2020") != strategy_sources(built, "at22-2016-2025")
    assert built.count(f"<{BASE}strategy/at22-2011-2020> ckg:hasPriority ?p") == 3


#: The contradictions of data/sources/s3/curated/README.md, by number. #7 (whether the Groningen
#: seminar was the first or the second) is not in the graph: ClusterKG has no event records.
CONTRADICTIONS: dict[int, Callable[[Built], None]] = {
    1: check_partner_count,
    2: check_country_count,
    3: check_clusterpolisee_dates,
    4: check_budget,
    5: check_mise_role,
    6: check_clusterfy_duration,
    8: check_clusterfy_countries,
    9: check_lithuania_directions,
    10: check_polish_kis,
    11: check_sud_muntenia,
    12: check_emilia_romagna,
    13: check_hungary,
    14: check_clustero,
    15: check_ind_agro_pol,
    16: check_styria,
}


@pytest.mark.parametrize("number", sorted(CONTRADICTIONS))
def test_contradiction_keeps_every_claim_with_its_source(built: Built, number: int) -> None:
    CONTRADICTIONS[number](built)


# ── invalid rows are quarantined with a reason ───────────────────────────────────────────────


def write_table(
    path: Path, columns: list[str], rows: list[dict[str, str]], extra: str = ""
) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in columns})
    path.write_text(buffer.getvalue() + extra, encoding="utf-8")
    return path


def reasons(report: IngestReport) -> dict[str, str]:
    """Quarantined record → reason, by the id of the row (or the record key)."""
    found = {}
    for entry in report.quarantined:
        raw_id = entry.record.raw.get("id") if isinstance(entry.record.raw, dict) else None
        found[str(raw_id or entry.record.key)] = entry.reason
    return found


def variants(good: dict[str, str], bad: dict[str, dict[str, str]]) -> list[dict[str, str]]:
    return [good] + [{**good, "id": key, **change} for key, change in bad.items()]


S3_GOOD = {
    "id": "iti3-2014-2020-good",
    "nuts_code": "ITI3",
    "strategy_period": "2014-2020",
    "label": "meccatronica",
    "label_language": "it",
    "label_en": "mechatronics",
    "label_en_translated": "true",
    "source_url": "https://example.org/s3",
    "source_quote": "meccatronica",
}
S3_BAD = {
    "bad-nuts": ({"nuts_code": "ITI3 (Ancona)"}, "is not a NUTS code"),
    "bad-period": ({"strategy_period": "2014/2020"}, "is not a period YYYY-YYYY"),
    "no-english": ({"label_en": ""}, "label_en is empty"),
    "bad-nace": ({"nace_codes": "26.1x"}, "is not a NACE Rev. 2 code"),
    "bad-url": ({"source_url": "www.example.org"}, "is not an http(s) URL"),
    "not-a-ket": ({"technologies": "ket:quantum-computing"}, "must be a KET or ATI concept"),
    "unknown-region": (
        {"nuts_code": "XX9"},
        "value nuts:XX9: An S3 priority has at most one region",
    ),
}


def test_invalid_priority_rows_are_quarantined_with_a_reason(built: Built, tmp_path: Path) -> None:
    rows = variants(S3_GOOD, {k: change for k, (change, _) in S3_BAD.items()})
    rows.append({**S3_GOOD, "label": "duplicate"})
    malformed = "malformed-row,ITI3\n"
    path = write_table(tmp_path / "s3_priorities.csv", PRIORITY_COLUMNS, rows, malformed)
    report = built.ingest("test-s3-priorities", path, "s3-priorities")
    found = reasons(report)
    for key, (_, expected) in S3_BAD.items():
        assert expected in found[key], found[key]
    assert "is already used on line 2" in found["iti3-2014-2020-good"]
    assert "has 2 fields but the header has" in found["malformed-row"]
    # loaded: the good priority and its strategy; the unknown region's strategy is quarantined
    assert report.records_loaded == 2
    assert "strategy xx9-2014-2020" in found


def test_invalid_cluster_rows_and_facts_are_quarantined_with_a_reason(
    built: Built, tmp_path: Path
) -> None:
    good = {
        "id": "test-cluster",
        "name": "Test Cluster",
        "nuts_code": "ITI3",
        "country": "IT",
        "source_url": "https://example.org/c",
    }
    bad = {
        "bad-website": ({"website": "www.test.it"}, "is not an http(s) URL"),
        "approximate-members": ({"members": "about 300"}, "is not a whole number"),
        "other-country": ({"country": "ES"}, "is not in the country"),
        "bad-helix": ({"helix_types": "industry"}, "is not one of"),
        "technology-as-word": ({"technologies": "photonics"}, "is not a technology"),
    }
    write_table(
        tmp_path / "clusters.csv",
        CLUSTER_COLUMNS,
        variants(good, {k: change for k, (change, _) in bad.items()}),
    )
    fact = {
        "id": "test-cluster-members",
        "subject": "cluster:test-cluster",
        "property": "member_count",
        "value": "12",
        "source_url": "https://example.org/c",
    }
    bad_facts = {
        "unknown-subject": ({"subject": "cluster:nowhere"}, "is not a record of this source"),
        "budget": ({"property": "budget"}, "property 'budget' is not one of"),
        "count-as-text": ({"value": "12 members"}, "is not a whole number"),
    }
    write_table(
        tmp_path / "cluster_facts.csv",
        FACT_COLUMNS,
        variants(fact, {k: change for k, (change, _) in bad_facts.items()}),
    )
    report = built.ingest("test-clusters", tmp_path / "clusters.csv", "clusters")
    found = reasons(report)
    for key, (_, expected) in {**bad, **bad_facts}.items():
        assert expected in found[key], found[key]
    assert report.records_loaded == 2  # the good cluster and its claim


def test_invalid_partner_rows_and_facts_are_quarantined_with_a_reason(
    built: Built, tmp_path: Path
) -> None:
    good = {
        "id": "clusterfy-uclm-test",
        "project": "project:clusterfy",
        "organisation": "organisation:uclm",
        "organisation_defined_in": "seed_facts",
        "partner_name": "UCLM",
        "role": "partner",
        "country": "ES",
        "nuts_code": "ES42",
        "source_url": "https://example.org/p",
    }
    bad = {
        "unknown-role": ({"role": "coordinator"}, "role 'coordinator' is not one of"),
        "project-without-kind": ({"project": "clusterfy"}, "must be project:<key>"),
        "unknown-table": ({"organisation_defined_in": "seeds"}, "is not one of seed_facts"),
        "unknown-organisation": (
            {"organisation": "organisation:nobody"},
            "A partner role needs exactly one partner",
        ),
        "unknown-project": (
            {"project": "project:nothing"},
            "A partner role needs exactly one project",
        ),
    }
    rows = variants(good, {k: change for k, (change, _) in bad.items()})
    split = {**good, "organisation": "organisation:test-agency"}
    split["organisation_defined_in"] = "project_partners"
    rows += [
        {**split, "id": "agency-a", "partner_name": "Test Agency"},
        {**split, "id": "agency-b", "partner_name": "Test Agency Ltd"},
    ]
    write_table(tmp_path / "project_partners.csv", PARTNER_COLUMNS, rows)
    fact = {
        "id": "clusterfy-partners",
        "subject": "project:clusterfy",
        "property": "partner_count",
        "value": "8",
        "source_url": "https://example.org/p",
        "source_quote": "eight partner regions",
    }
    bad_facts = {
        "period-as-years": ({"property": "period", "value": "2012-2014"}, "ISO 8601 interval"),
        "cluster-subject": ({"subject": "cluster:x"}, "must be output:<key> or project:<key>"),
        "unknown-project-fact": ({"subject": "project:unknown"}, "not known to ClusterKG"),
    }
    write_table(
        tmp_path / "project_facts.csv",
        FACT_COLUMNS,
        variants(fact, {k: change for k, (change, _) in bad_facts.items()}),
    )
    report = built.ingest("test-partners", tmp_path / "project_partners.csv", "project-partners")
    found = reasons(report)
    for key, (_, expected) in {**bad, **bad_facts}.items():
        assert expected in found[key], found[key]
    assert "disagree on partner_name" in found["organisation:test-agency"]
    assert report.records_loaded == 2  # the good partner role and the good claim
