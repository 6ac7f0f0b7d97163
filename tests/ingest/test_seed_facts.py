"""The seed facts: every fact has verbatim evidence, and the mapping turns them into sound RDF."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, ORG, OWL, RDF, RDFS, SKOS

from kg.errors import InvalidInput
from kg.ingest.mappings.seeds import map_seed_facts
from kg.ingest.records import MappingContext, Record
from kg.namespaces import CKG, CKGC, NUTS
from tests.helpers import merged

ROOT = Path(__file__).resolve().parents[2]
SEEDS_DIR = ROOT / "data" / "sources" / "seeds"
FACTS = SEEDS_DIR / "seed_facts.yaml"
BASE = "https://w3id.org/clusterkg/id/"
SEED_FILES = [
    "000_094e50719e7fb405.txt",
    "001_f3d75fd480c9a219.txt",
    "002_678ec545fc67de90.txt",
    "003_15c9382a75f883c9.txt",
    "004_377577eff7190dcc.txt",
]
#: YAML fields whose seed-language values are names, which may be normalised (case, typos).
NAME_FIELDS = {"label", "alt_labels"}

CLUSTERFY = URIRef(f"{BASE}project/clusterfy")
CLUSTERPOLISEE = URIRef(f"{BASE}project/clusterpolisee")


def _context(source_file: Path = FACTS) -> MappingContext:
    return MappingContext(
        base_iri=BASE,
        source_name="seeds",
        source_file=source_file,
        source_document=URIRef(f"{BASE}source/seeds/{source_file.name}"),
    )


def _records_yaml() -> list[dict[str, Any]]:
    return yaml.safe_load(FACTS.read_text(encoding="utf-8"))


def _seed_text(name: str) -> str:
    return (SEEDS_DIR / name).read_text(encoding="utf-8")


def _evidence(value: Any) -> Iterator[dict[str, str]]:
    """Every evidence entry in a record, nested ones (periods, schemes) included."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "evidence":
                yield from item
            else:
                yield from _evidence(item)
    elif isinstance(value, list):
        for item in value:
            yield from _evidence(item)


def _seed_language_texts(value: Any, field: str = "") -> Iterator[tuple[str, str]]:
    """(field, text) for every seed-language (en/it/el) value outside names, notes and evidence."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in {"evidence", "note"} or key in NAME_FIELDS:
                continue
            if key in {"en", "it", "el"} and isinstance(item, str):
                yield field, item
            else:
                yield from _seed_language_texts(
                    item, key if isinstance(item, (dict, list)) else field
                )
    elif isinstance(value, list):
        for item in value:
            yield from _seed_language_texts(item, field)


def _normalise(text: str) -> str:
    return " ".join(text.split())


RECORDS_YAML = _records_yaml()
IDS = [record["id"] for record in RECORDS_YAML]


@pytest.fixture(scope="module")
def records() -> list[Record]:
    return list(map_seed_facts(_context()))


@pytest.fixture(scope="module")
def graph(records: list[Record]) -> Graph:
    return merged(records)


# ── the YAML and the seed files ───────────────────────────────────────────────────────────────


def test_all_five_seed_files_are_present_and_cited() -> None:
    present = sorted(p.name for p in SEEDS_DIR.glob("*.txt"))
    assert present == SEED_FILES
    cited = {entry["seed"] for record in RECORDS_YAML for entry in _evidence(record)}
    assert cited == set(SEED_FILES)


@pytest.mark.parametrize("record", RECORDS_YAML, ids=IDS)
def test_every_record_has_evidence(record: dict[str, Any]) -> None:
    evidence = record.get("evidence")
    assert isinstance(evidence, list) and evidence, f"{record['id']} has no evidence"
    for entry in evidence:
        assert set(entry) == {"seed", "quote"}
        assert entry["quote"].strip()


@pytest.mark.parametrize("record", RECORDS_YAML, ids=IDS)
def test_every_quote_is_verbatim_in_its_seed_file(record: dict[str, Any]) -> None:
    for entry in _evidence(record):
        seed = SEEDS_DIR / entry["seed"]
        assert seed.is_file(), f"{record['id']}: {entry['seed']} does not exist"
        assert entry["quote"] in _seed_text(entry["seed"]), (
            f"{record['id']}: not verbatim in {entry['seed']}: {entry['quote']!r}"
        )


@pytest.mark.parametrize("record", RECORDS_YAML, ids=IDS)
def test_seed_language_text_is_seed_text(record: dict[str, Any]) -> None:
    """Aims, descriptions, comments, measures, …: seed wording, up to whitespace."""
    cited = {entry["seed"] for entry in _evidence(record)}
    corpus = [_normalise(_seed_text(name)) for name in cited]
    for field, text in _seed_language_texts(record):
        assert any(_normalise(text) in seed for seed in corpus), (
            f"{record['id']}.{field}: not in the cited seeds: {text[:80]!r}"
        )


def test_record_ids_are_unique() -> None:
    assert len(IDS) == len(set(IDS))


# ── the mapping ────────────────────────────────────────────────────────────────────────────────


def test_one_record_per_yaml_record(records: list[Record]) -> None:
    assert [record.key for record in records] == IDS
    for record, raw in zip(records, RECORDS_YAML, strict=True):
        assert record.raw == raw
        assert record.problem is None
        assert len(record.graph) > 0


def test_no_blank_nodes(records: list[Record]) -> None:
    for record in records:
        for triple in record.graph:
            assert not any(isinstance(term, BNode) for term in triple), (record.key, triple)


def test_every_typed_subject_has_a_seed_source(records: list[Record]) -> None:
    seeds = {URIRef(f"{BASE}source/seeds/{name}") for name in SEED_FILES}
    for record in records:
        typed = set(record.graph.subjects(RDF.type, None))
        assert typed, record.key
        for subject in typed:
            sources = set(record.graph.objects(subject, DCTERMS.source))
            assert sources, f"{record.key}: {subject} has no dct:source"
            assert sources <= seeds, f"{record.key}: {sources - seeds}"


def test_each_record_sources_exactly_its_evidence(records: list[Record]) -> None:
    for record, raw in zip(records, RECORDS_YAML, strict=True):
        subject = URIRef(f"{BASE}{raw['id'].replace(':', '/', 1)}")
        cited = {URIRef(f"{BASE}source/seeds/{e['seed']}") for e in raw["evidence"]}
        assert set(record.graph.objects(subject, DCTERMS.source)) == cited


def test_each_record_describes_only_its_own_resources(records: list[Record]) -> None:
    """Links from a project to its parts live in the project's record, not in the parts'."""
    own_kinds = ("period/", "scheme/")
    for record in records:
        subject = URIRef(f"{BASE}{record.key.replace(':', '/', 1)}")
        for other in set(record.graph.subjects()) - {subject}:
            assert str(other).startswith(tuple(BASE + kind for kind in own_kinds)), (
                record.key,
                other,
            )


def test_single_text_per_language_properties(graph: Graph) -> None:
    for predicate in (CKG.priorityAxis, CKG.specificObjective, CKG.measure):
        for subject in set(graph.subjects(predicate, None)):
            languages = [literal.language for literal in graph.objects(subject, predicate)]
            assert len(languages) == len(set(languages)), (subject, predicate)
            assert None not in languages


def test_mapping_twice_gives_identical_graphs(records: list[Record]) -> None:
    again = list(map_seed_facts(_context()))
    assert len(again) == len(records)
    for first, second in zip(records, again, strict=True):
        assert set(first.graph) == set(second.graph), first.key
        assert isomorphic(first.graph, second.graph)


def test_editorial_translations_are_flagged(records: list[Record]) -> None:
    for record, raw in zip(records, RECORDS_YAML, strict=True):
        if "en_translated" in yaml.safe_dump(raw):
            notes = [str(n) for n in record.graph.objects(None, SKOS.editorialNote)]
            assert any("editorial translation" in note for note in notes), record.key


def test_terms_are_declared_in_the_ontology(graph: Graph) -> None:
    ontology = ROOT / "ontology" / "clusterkg.ttl"
    concepts = ROOT / "ontology" / "concepts.ttl"
    if not (ontology.is_file() and concepts.is_file()):
        pytest.skip("ontology files not present")
    declared = Graph().parse(ontology).parse(concepts)
    known = set(declared.subjects())
    for s, p, o in graph:
        if str(p).startswith(str(CKG)):
            assert p in known, p
        for term in (s, o):
            if isinstance(term, URIRef) and str(term).startswith((str(CKG), str(CKGC))):
                assert term in known, term
    for cls in set(graph.objects(None, RDF.type)):
        if str(cls).startswith(str(CKG)):
            assert (cls, RDF.type, OWL.Class) in declared, cls


# ── the facts ─────────────────────────────────────────────────────────────────────────────────


def test_clusterfy(graph: Graph) -> None:
    assert (CLUSTERFY, RDF.type, CKG.CooperationProject) in graph
    assert (CLUSTERFY, CKG.programme, URIRef(f"{BASE}programme/interreg-europe")) in graph
    roles = set(graph.objects(CLUSTERFY, CKG.hasPartnerRole))
    assert len(roles) == 8
    for role in roles:
        assert (role, ORG.organization, CLUSTERFY) in graph
        member = graph.value(role, ORG.member)
        assert (member, RDF.type, ORG.Organization) in graph
        assert str(graph.value(role, CKG.region)).startswith(str(NUTS))
        assert graph.value(role, CKG.addressesInstrument) is not None
    instruments = set(graph.objects(CLUSTERFY, CKG.addressesInstrument))
    assert len(instruments) == 8
    assert {graph.value(role, CKG.addressesInstrument) for role in roles} == instruments
    for instrument in instruments:
        assert (instrument, RDF.type, CKG.PolicyInstrument) in graph
        assert graph.value(instrument, CKG.instrumentScope) in {CKGC.regional, CKGC.national}
    funds = [set(graph.objects(i, CKG.fund)) for i in instruments]
    assert sum(CKGC.erdf in f for f in funds) == 7  # "7 FESR e 1 strumenti politici nazionali"

    period = graph.value(CLUSTERFY, DCTERMS.temporal)
    assert period == URIRef(f"{BASE}period/2017-01-01-2021-12-31")
    assert graph.value(period, RDF.type) == DCTERMS.PeriodOfTime

    outputs = {
        graph.value(o, CKG.outputType): (
            graph.value(o, CKG.quantity),
            graph.value(o, CKG.quantityIsMinimum),
        )
        for o in graph.objects(CLUSTERFY, CKG.plannedOutput)
    }
    # Literal(int) is xsd:integer, Literal(bool) is xsd:boolean (compared by datatype too).
    assert outputs == {
        CKGC["learning-event"]: (Literal(57), Literal(False)),
        CKGC["action-plan"]: (Literal(8), Literal(False)),
        CKGC["good-practice"]: (Literal(16), Literal(True)),
        CKGC["people-with-increased-capacity"]: (Literal(105), Literal(False)),
        CKGC["policy-recommendation"]: (None, None),
    }
    # The seeds do not say who leads ClusterFY.
    assert graph.value(CLUSTERFY, CKG.leadPartner) is None


def test_clusterfy_partner_regions(graph: Graph) -> None:
    regions = {
        str(graph.value(graph.value(role, ORG.member), RDFS.label)): graph.value(role, CKG.region)
        for role in graph.objects(CLUSTERFY, CKG.hasPartnerRole)
    }
    assert regions == {
        "Innovation Agency": NUTS.LT,
        "Northern Netherlands Provinces Alliance": NUTS.NL1,
        "Municipality of Hudiksvall": NUTS.SE313,
        "Polish Agency for Enterprise Development": NUTS.PL,
        "South Muntenia Regional Development Agency": NUTS.RO31,
        "University of Castilla-La Mancha": NUTS.ES42,
        "Slovak Innovation and Energy Agency": NUTS.SK,
        "Centre for Research and Technology Hellas": NUTS.EL52,
    }


def test_clusterpolisee(graph: Graph) -> None:
    assert (CLUSTERPOLISEE, RDF.type, CKG.CooperationProject) in graph
    assert graph.value(CLUSTERPOLISEE, CKG.partnerCount) == Literal(25)
    assert graph.value(CLUSTERPOLISEE, CKG.countryCount) == Literal(11)
    assert (
        CLUSTERPOLISEE,
        RDFS.label,
        Literal("Smarter Cluster Policies for South East Europe", lang="en"),
    ) in graph
    assert (CLUSTERPOLISEE, SKOS.altLabel, Literal("ClusterPoliSEE")) in graph

    areas = set(graph.objects(CLUSTERPOLISEE, CKG.thematicArea))
    assert len(areas) == 6
    scheme = URIRef(f"{BASE}scheme/clusterpolisee-thematic-areas")
    assert (scheme, RDF.type, SKOS.ConceptScheme) in graph
    for area in areas:
        assert (area, RDF.type, CKG.ThematicArea) in graph
        assert (area, SKOS.inScheme, scheme) in graph
        languages = {label.language for label in graph.objects(area, SKOS.prefLabel)}
        assert languages == {"it", "el", "en"}

    lead = graph.value(CLUSTERPOLISEE, CKG.leadPartner)
    assert lead == URIRef(f"{BASE}organisation/regione-marche")
    assert (lead, RDFS.label, Literal("Regione Marche", lang="it")) in graph
    assert (lead, CKG.region, NUTS.ITI3) in graph
    (role,) = graph.objects(CLUSTERPOLISEE, CKG.hasPartnerRole)
    assert graph.value(role, ORG.role) == CKGC["lead-partner"]
    assert graph.value(role, ORG.member) == lead

    svim = URIRef(f"{BASE}organisation/svim")
    assert (svim, ORG.linkedTo, CLUSTERPOLISEE) in graph
    assert (None, ORG.member, svim) not in graph  # not called a partner by the seeds


# ── errors ────────────────────────────────────────────────────────────────────────────────────


def _write(tmp_path: Path, records: list[dict[str, Any]]) -> Path:
    shutil.copy(SEEDS_DIR / SEED_FILES[2], tmp_path / SEED_FILES[2])
    path = tmp_path / "seed_facts.yaml"
    path.write_text(yaml.safe_dump(records, allow_unicode=True), encoding="utf-8")
    return path


def _programme(**changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": "programme:interreg-europe",
        "type": "programme",
        "label": {"en": "Interreg Europe"},
        "evidence": [{"seed": SEED_FILES[2], "quote": "Interreg Europe’s ClusterFY"}],
    }
    record.update(changes)
    return {k: v for k, v in record.items() if v is not None}


def test_a_minimal_file_maps(tmp_path: Path) -> None:
    (record,) = map_seed_facts(_context(_write(tmp_path, [_programme()])))
    assert (URIRef(f"{BASE}programme/interreg-europe"), RDF.type, CKG.Programme) in record.graph


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"type": "project-ish"}, "unknown type"),
        ({"label": None}, "lacks required field(s): label"),
        ({"evidence": None}, "at least one"),
        ({"colour": "blue"}, "unknown field(s)"),
        ({"evidence": [{"seed": SEED_FILES[2], "quote": "not in the seed"}]}, "not verbatim"),
        ({"evidence": [{"seed": "999_missing.txt", "quote": "x"}]}, "999_missing.txt"),
        ({"region": "Lombardy"}, "not a NUTS code"),
        ({"fund": ["gold"]}, "fund"),
        ({"label": {"en": "A", "en_translated": "B"}}, "not both"),
    ],
)
def test_bad_records_raise_invalid_input_naming_the_record(
    tmp_path: Path, changes: dict[str, Any], message: str
) -> None:
    path = _write(tmp_path, [_programme(**changes)])
    with pytest.raises(InvalidInput, match="programme:interreg-europe") as error:
        list(map_seed_facts(_context(path)))
    assert message in str(error.value)


def test_dangling_reference_raises(tmp_path: Path) -> None:
    project = {
        "id": "project:clusterfy",
        "type": "project",
        "label": "ClusterFY",
        "programme": "programme:nowhere",
        "evidence": [{"seed": SEED_FILES[2], "quote": "Interreg Europe’s ClusterFY"}],
    }
    with pytest.raises(InvalidInput, match="project:clusterfy: programme"):
        list(map_seed_facts(_context(_write(tmp_path, [project]))))
