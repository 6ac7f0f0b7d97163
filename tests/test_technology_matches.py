"""Technologies derived for S3 priorities and clusters (``kg.technology_matches``).

First the rules alone, on labels in several languages: priorities that name a technology, an
industry or a digital transformation get it; tourism, culture, food, health and energy get none.
Then the derivation on the store built from the bundled data: every match says why (rule and
words, or sector and table row), derived technologies never become ``ckg:technology``, the
review page is current — and a priority a data steward ingests later is matched too, because
the derivation reads the graph, not the bundled tables.
"""

from __future__ import annotations

import csv
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import URIRef

from kg.config import PROJECT_ROOT, Settings
from kg.errors import InvalidInput
from kg.ingest.mappings.s3 import PRIORITY_COLUMNS
from kg.namespaces import ATI, KET, NACE
from kg.store import EmbeddedStore
from kg.technology_matches import (
    RULES_FILE,
    SECTOR_MATCH_MIN_WEIGHT,
    Match,
    SectorRow,
    find_matches,
    read_resources,
    read_sector_table,
)
from kg.technology_matches.review import review_markdown
from kg.technology_matches.rules import Resource, RuleSet, keyword_pattern, load_rules
from tests.conftest import kg_env, run_kg

BASE = "https://w3id.org/clusterkg/id/"
RULES = load_rules(PROJECT_ROOT / "data" / RULES_FILE)
REVIEW = PROJECT_ROOT / "data" / "mappings" / "technology_matches_review.md"
#: The producer rows of weight 0.5 of data/mappings/nace_technology.csv, as the graph has them.
TABLE = {
    "26": [
        SectorRow(URIRef("m:C26"), NACE["26"], KET["micro-and-nanoelectronics"], Decimal("0.5"))
    ],
    "28": [
        SectorRow(
            URIRef("m:C28"), NACE["28"], KET["advanced-manufacturing-technologies"], Decimal("0.5")
        )
    ],
    "29": [SectorRow(URIRef("m:C29"), NACE["29"], ATI["mobility"], Decimal("0.5"))],
    "61": [SectorRow(URIRef("m:J61"), NACE["61"], ATI["connectivity"], Decimal("0.5"))],
    "63": [SectorRow(URIRef("m:J63"), NACE["63"], ATI["cloud-technologies"], Decimal("0.5"))],
}


def priority(
    *labels: str, sourced: tuple[str, ...] = (), divisions: tuple[str, ...] = ()
) -> Resource:
    return Resource(
        iri=f"{BASE}s3-priority/test",
        kind="s3-priority",
        label=labels[0],
        fields=tuple(("label", label) for label in labels),
        sourced=frozenset(sourced),
        divisions=divisions,
    )


def derived(resource: Resource, rules: RuleSet = RULES) -> dict[URIRef, Match]:
    return {m.technology: m for m in find_matches(rules, [resource], TABLE)}


# ── the rules, language by language ──────────────────────────────────────────────────────────

TECHNOLOGY_PRIORITIES = [
    # (labels as the sources give them, the technologies they must get)
    (("domotica", "home automation (domotics)"), {ATI["internet-of-things"]}),
    (("Localități inteligente", "Smart localities"), {ATI["internet-of-things"]}),
    (("Systemlösningar med solel",), {KET["photonics"]}),
    (
        ("nauji gamybos procesai, medžiagos ir technologijos",),
        {KET["advanced-manufacturing-technologies"]},
    ),
    (
        ("Construcția de mașini, componente și echipamente",),
        {KET["advanced-manufacturing-technologies"]},
    ),
    (
        ("meccatronica e motoristica",),
        {KET["advanced-manufacturing-technologies"], ATI["mobility"]},
    ),
    (("Mobilität",), {ATI["mobility"]}),
    (
        ("transformación digital (ámbito transversal)",),
        {ATI["cloud-technologies"], ATI["big-data"], ATI["artificial-intelligence"]},
    ),
    (
        ("Digitalisering av välfärdstjänster",),
        {ATI["cloud-technologies"], ATI["big-data"], ATI["artificial-intelligence"]},
    ),
    (
        ("informacinės ir ryšių technologijos",),
        {KET["micro-and-nanoelectronics"], ATI["connectivity"], ATI["cloud-technologies"]},
    ),
    (
        ("Biotechnologiczne procesy i produkty chemii specjalistycznej",),
        {KET["industrial-biotechnology"]},
    ),
    # words of the later curated files, in the labels' own languages (no English rendering)
    (("Produktionstechnik",), {KET["advanced-manufacturing-technologies"]}),
    (
        ("Nachhaltige Produktionstechniken und neue Werkstoffe",),
        {KET["advanced-manufacturing-technologies"], KET["advanced-materials"]},
    ),
    (
        ("Innovative Werkstoffe und Intelligente Produktion",),
        {KET["advanced-manufacturing-technologies"], KET["advanced-materials"]},
    ),
    (("Neue Materialien",), {KET["advanced-materials"]}),
    (("Smarta material",), {KET["advanced-materials"]}),
    (("matériaux avancés",), {KET["advanced-materials"]}),
    (
        ("les matériaux, procédés, technologies de production en lien avec l’industrie du futur",),
        {KET["advanced-manufacturing-technologies"]},
    ),
    (("Optique et photonique",), {KET["photonics"]}),
    (("Mikrosystemtechnik, Sensorik, Automation",), {KET["micro-and-nanoelectronics"]}),
    (("electrónica",), {KET["micro-and-nanoelectronics"]}),
    (("Bâtiment intelligent à haute efficacité énergétique",), {ATI["internet-of-things"]}),
    (("Movilidad eléctrica y conectada",), {ATI["mobility"]}),
    (("les mobilités",), {ATI["mobility"]}),
    (("Tecnologias Críticas, Energia e Mobilidade Inteligente",), {ATI["mobility"]}),
    (("Framtidens mobilitet",), {ATI["mobility"]}),
    (
        ("automóvil y mecatrónica",),
        {KET["advanced-manufacturing-technologies"], ATI["mobility"]},
    ),
    (("Motoryzacja",), {ATI["mobility"]}),
    (
        ("Energie, Maschinen- und Anlagenbau, Ressourceneffizienz",),
        {KET["advanced-manufacturing-technologies"]},
    ),
    (
        ("Digitalisierung",),
        {ATI["cloud-technologies"], ATI["big-data"], ATI["artificial-intelligence"]},
    ),
    (
        ("digitalización",),
        {ATI["cloud-technologies"], ATI["big-data"], ATI["artificial-intelligence"]},
    ),
    (
        ("IKT, Medien und Kreativwirtschaft",),
        {KET["micro-and-nanoelectronics"], ATI["connectivity"], ATI["cloud-technologies"]},
    ),
    (
        ("Informatyka i telekomunikacja",),
        {KET["micro-and-nanoelectronics"], ATI["connectivity"], ATI["cloud-technologies"]},
    ),
    (
        ("Sectorul IT și industriile creative", "IT sector and creative industries"),
        {KET["micro-and-nanoelectronics"], ATI["connectivity"], ATI["cloud-technologies"]},
    ),
]

NON_TECHNOLOGY_PRIORITIES = [
    ("turismo",),
    ("Turismul și identitatea culturală", "Tourism and cultural identity"),
    ("cultura e creatività", "culture and creativity"),
    ("Agricultura și industria alimentară", "Agriculture and food industry"),
    ("agroalimentare", "agri-food"),
    ("Zdrowa żywność (o wysokiej jakości i ekologiczności produkcji)",),
    ("Hälsa och välfärd", "Health and welfare"),
    ("įtrauki ir kūrybinga visuomenė", "inclusive and creative society"),
    ("innovazione sociale", "social innovation"),
    ("van fossiele naar hernieuwbare energie", "from fossil to renewable energy"),
    ("Energija i održivi okoliš", "Energy and sustainable environment"),
    # "Industry 4.0" names a paradigm, not one technology; "digital" alone names none
    ("Digitálne Slovensko a kreatívny priemysel", "Digital Slovakia and creative industry"),
    ("Industria 4.0", "Industry 4.0"),
    ("vernetzte Industrie", "Connected industry"),
    ("digitale Wirtschaft", "Digital economy"),
    ("le numérique", "Digital"),
    # materials alone, energy, health, life sciences, maritime, social innovation: none
    ("Werkstoffe, Material- und Oberflächentechnik", "Materials, materials and surface technology"),
    ("les matériaux", "Materials"),
    ("Energietechnik", "Energy technology"),
    ("Gesundheitswirtschaft", "Health economy"),
    ("Lebenswissenschaften", "Life sciences"),
    ("maritime Wirtschaft", "Maritime economy"),
    ("Tecnologia del mare", "Marine technology"),
    ("Tourismus",),
    ("Património, Indústrias Culturais e Criativas e Serviços de Turismo",),
    ("innovation sociale, innovation publique et inclusion sociale",),
    ("Alimentação e Floresta", "Food and forestry"),
    # green (agricultural) and medical biotechnology are not industrial biotechnology
    (
        "Agroalimentar, Agro-transformação, Floresta e Biotecnologia Verde",
        "Agri-food, agro-processing, forestry and green biotechnology",
    ),
    ("Medizintechnik und Biotechnologie",),
    ("Biotechnologie et services appliqués à la santé et à la cosmétique",),
]


@pytest.mark.parametrize(("labels", "expected"), TECHNOLOGY_PRIORITIES)
def test_a_priority_naming_a_technology_gets_it(
    labels: tuple[str, ...], expected: set[URIRef]
) -> None:
    assert set(derived(priority(*labels))) == expected


@pytest.mark.parametrize("labels", NON_TECHNOLOGY_PRIORITIES)
def test_a_priority_naming_no_technology_gets_none(labels: tuple[str, ...]) -> None:
    assert derived(priority(*labels)) == {}


def test_biotechnology_for_health_is_not_industrial_biotechnology() -> None:
    assert (
        derived(
            priority(
                "sveikatos technologijos ir biotechnologijos",
                "health technologies and biotechnologies",
            )
        )
        == {}
    )


def test_exclusions_apply_to_the_whole_resource() -> None:
    biotech = {rule.id: rule for rule in RULES.rules}["industrial-biotechnology"]
    assert biotech.excluded(["Health technologies and biotechnology", "biotechnology"])
    assert not biotech.excluded(["Bioeconomy", "biotechnology;bioenergy"])


def test_a_sector_match_says_which_division_and_table_row() -> None:
    match = derived(priority("meccatronica", "mechatronics"))[
        KET["advanced-manufacturing-technologies"]
    ]
    assert match.rules == ["machinery-sector"]
    assert match.activities == [NACE["28"]]
    assert match.mappings == [URIRef("m:C28")]
    assert match.keywords == ["meccatronica", "mechatronics"]


def test_a_stated_nace_code_gives_the_sector_technologies() -> None:
    matches = derived(priority("Vehicles", divisions=("29",)))
    match = matches[ATI["mobility"]]
    # the keyword rule (vehicle*) and the stated C29 agree: one match, both reasons
    assert match.rules == ["mobility", "stated-nace-sector"]
    assert match.activities == [NACE["29"]]
    assert set(matches) == {ATI["mobility"]}


def test_a_technology_the_source_names_is_not_derived_again() -> None:
    assert derived(priority("robotica", sourced=(str(ATI["robotics"]),))) == {}
    both = derived(
        priority("meccatronica", sourced=(str(KET["advanced-manufacturing-technologies"]),))
    )
    assert both == {}


def test_keywords_match_whole_words_in_any_case_and_acronyms_only_in_capitals() -> None:
    assert keyword_pattern("laser").search("laser technologies")
    assert not keyword_pattern("laser").search("lasers")
    assert keyword_pattern("robot*").search("Robotica")
    assert keyword_pattern("big data").search("Big  Data")
    # "ITC" (Romanian for ICT) must not fire on a word, "ai" (Italian) on nothing
    assert derived(priority("Sviluppo itc delle imprese")) == {}
    # "IT" alone is too short to be safe; "IT sector" names the industry
    assert derived(priority("Sicurezza IT e qualità della vita")) == {}
    assert not any(rule.matches("contributi ai sistemi produttivi") for rule in RULES.all)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rules: []\n", "'rules' must be a non-empty list"),
        (
            "targets: []\n"
            "rules:\n  - {id: x, technology: ati:robotics, keywords: {en: [robot]}, note: n}\n",
            "unknown key",
        ),
        (
            "rules:\n  - {id: x, technology: ati:robotics, keywords: {en: [robot]}}\n",
            "note must say",
        ),
        (
            "rules:\n  - {id: x, technology: robotics, keywords: {en: [robot]}, note: n}\n",
            "ket:<name>",
        ),
        (
            "rules:\n  - {id: x, technology: ati:robotics, keywords: {en: [robot]}, note: n}\n"
            "sector_rules:\n  - {id: y, nace: [28], keywords: {en: [machinery]}, note: n}\n",
            "NACE divisions such as",
        ),
        (
            "rules:\n  - {id: x, technology: ati:robotics, keywords: {en: [robot]}, note: n}\n"
            "sector_rules:\n  - {id: x, nace: [C28], keywords: {en: [machinery]}, note: n}\n",
            "used twice",
        ),
    ],
)
def test_a_faulty_rule_file_is_refused_with_the_reason(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput, match=message):
        load_rules(path)


# ── on the bundled data ──────────────────────────────────────────────────────────────────────


@pytest.fixture(scope="module")
def store(built_store: Path) -> EmbeddedStore:
    return EmbeddedStore(built_store, read_only=True)


def select(store: EmbeddedStore, query: str) -> list[dict[str, object]]:
    return list(store.query(query).rows)


def test_the_committed_review_page_is_what_the_graph_gives(store: EmbeddedStore) -> None:
    resources = read_resources(store)
    matches = find_matches(RULES, resources, read_sector_table(store))
    assert REVIEW.read_text(encoding="utf-8") == review_markdown(RULES, resources, matches, BASE), (
        "run: kg technology-matches --review data/mappings/technology_matches_review.md"
    )


def test_the_stored_matches_are_the_derivation_of_the_stored_graph(store: EmbeddedStore) -> None:
    resources = read_resources(store)
    expected = {
        (m.resource.iri, str(m.technology))
        for m in find_matches(RULES, resources, read_sector_table(store))
    }
    stored = {
        (str(r["r"]), str(r["t"]))
        for r in select(
            store,
            "SELECT ?r ?t WHERE { ?m a ckg:TechnologyMatch ; ckg:matchedResource ?r ; "
            "ckg:technology ?t }",
        )
    }
    assert stored == expected
    shortcuts = {
        (str(r["r"]), str(r["t"]))
        for r in select(store, "SELECT ?r ?t WHERE { ?r ckg:derivedTechnology ?t }")
    }
    assert shortcuts == expected
    # what the rules reach on the bundled priorities (see the review page): 192 of 662 have a
    # sourced or derived technology; the rest are health, food, energy, tourism, culture …
    priorities = [r for r in resources if r.kind == "s3-priority"]
    covered = {r.iri for r in priorities if r.sourced} | {
        i for i, _ in expected if "/s3-priority/" in i
    }
    assert len(priorities) == 662
    assert len(covered) >= 185


def test_derived_technologies_never_become_sourced_ones(store: EmbeddedStore) -> None:
    both = select(
        store,
        "SELECT ?r ?t WHERE { ?r ckg:derivedTechnology ?t ; ckg:technology ?t }",
    )
    assert both == []
    stray = select(
        store,
        "SELECT ?s WHERE { GRAPH <https://w3id.org/clusterkg/id/graph/technology-matches> "
        "{ ?s ckg:technology ?t FILTER NOT EXISTS { ?s a ckg:TechnologyMatch } } }",
    )
    assert stray == []


def test_every_match_says_why(store: EmbeddedStore) -> None:
    unexplained = select(
        store,
        """SELECT ?m WHERE { ?m a ckg:TechnologyMatch ; ckg:matchedResource ?r .
           FILTER NOT EXISTS { ?m ckg:matchingRule ?rule . ?rule a prov:Plan }
           FILTER NOT EXISTS { ?m prov:wasDerivedFrom ?r } }""",
    )
    assert unexplained == []
    no_reason = select(
        store,
        "SELECT ?m WHERE { ?m a ckg:TechnologyMatch "
        "FILTER NOT EXISTS { ?m ckg:matchedKeyword|ckg:viaSector ?x } }",
    )
    assert no_reason == []
    # a match through a sector rests on a producer row of the table of weight >= 0.5 for that
    # very technology and division
    weak = select(
        store,
        f"""SELECT ?m WHERE {{ ?m a ckg:TechnologyMatch ; ckg:viaSector ?division ;
             ckg:technology ?t .
           FILTER NOT EXISTS {{ ?m prov:wasDerivedFrom ?row . ?row a ckg:SectorTechnologyMapping ;
             ckg:economicActivity ?division ; ckg:technology ?t ; ckg:mappingRole "producer" ;
             ckg:weight ?w FILTER(?w >= {SECTOR_MATCH_MIN_WEIGHT}) }} }}""",
    )
    assert weak == []


def test_marche_mechatronics_goes_through_machinery(store: EmbeddedStore) -> None:
    match = URIRef(
        f"{BASE}technology-match/s3-priority-iti3-2014-2020-mechatronics--ket-advanced-manufacturing-technologies"
    )
    rows = select(
        store,
        f"""SELECT ?rule ?division ?word ?row WHERE {{ <{match}> ckg:matchingRule ?rule ;
             ckg:viaSector ?division ; ckg:matchedKeyword ?word ; prov:wasDerivedFrom ?row .
             ?row a ckg:SectorTechnologyMapping }}""",
    )
    assert {str(r["rule"]) for r in rows} == {f"{BASE}technology-rule/machinery-sector"}
    assert {str(r["division"]) for r in rows} == {str(NACE["28"])}
    assert {str(r["word"]) for r in rows} == {"meccatronica", "mechatronics"}


def test_the_derivation_records_its_inputs_and_method(store: EmbeddedStore) -> None:
    graph = f"{BASE}graph/technology-matches"
    used = {
        str(r["g"])
        for r in select(store, f"SELECT ?g WHERE {{ <{graph}#derivation> prov:used ?g }}")
    }
    assert used == {
        f"{BASE}graph/s3-priorities",
        f"{BASE}graph/clusters",
        f"{BASE}graph/technology-mappings",
    }
    plan = select(
        store, f"SELECT ?doc WHERE {{ <{graph}#method> a prov:Plan ; rdfs:seeAlso ?doc }}"
    )
    assert [str(r["doc"]) for r in plan] == ["data/mappings/technology_rules.yaml"]


def test_a_priority_ingested_later_is_matched_by_the_derivation_that_follows(
    steward_store: Path, tmp_path: Path
) -> None:
    """A data steward adds Styria's 2021-2027 priority; `kg ingest` derives the technologies
    again (the derivation reads the graph), so it is matched without touching the bundled
    tables. On the small steward store (regions, NACE, technologies): the full one would
    recompute every region's matches too."""
    store_path = tmp_path / "store"
    shutil.copytree(steward_store, store_path)
    table = tmp_path / "styria.csv"
    row = {
        "id": "at22-2021-2027-robotik",
        "nuts_code": "AT22",
        "strategy_period": "2021-2027",
        "label": "Robotik und Mechatronik",
        "label_language": "de",
        "label_en": "robotics and mechatronics",
        "label_en_translated": "true",
        "source_url": "https://example.org/styria",
        "source_quote": "Robotik und Mechatronik",
    }
    with table.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=PRIORITY_COLUMNS)
        writer.writeheader()
        writer.writerow({column: row.get(column, "") for column in PRIORITY_COLUMNS})
    env = kg_env(store_path)
    ingest = run_kg(
        "ingest", str(table), "--source", "styria-s3", "--mapping", "s3-priorities", env=env
    )
    assert ingest.returncode == 0, ingest.stdout + ingest.stderr
    assert "technology matches: done" in ingest.stderr
    with EmbeddedStore(store_path, read_only=True) as store:
        found = {
            str(r["t"])
            for r in select(
                store,
                f"SELECT ?t WHERE {{ <{BASE}s3-priority/at22-2021-2027-robotik> "
                "ckg:derivedTechnology ?t }",
            )
        }
        used = {
            str(r["g"])
            for r in select(
                store,
                f"SELECT ?g WHERE {{ <{BASE}graph/technology-matches#derivation> prov:used ?g }}",
            )
        }
    assert found == {str(ATI["robotics"]), str(KET["advanced-manufacturing-technologies"])}
    assert f"{BASE}graph/styria-s3" in used


def test_settings_default_rules_file_exists() -> None:
    assert (Settings().data_dir / RULES_FILE).is_file()
