"""Tests of the ontology files: syntax, documentation, code lists, KET/ATI schemes, consistency."""

from __future__ import annotations

import re
from pathlib import Path

import owlready2
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.namespaces import ATI, CKG, CKGC, KET
from kg.ontology import (
    ONTOLOGY_IRI,
    ConsistencyReport,
    ReasonerError,
    check_consistency,
    load_ontology_graph,
    load_world,
    ontology_files,
)

REPO = Path(__file__).resolve().parents[1]
ONTOLOGY_DIR = REPO / "ontology"

SCHEME = "https://w3id.org/clusterkg/scheme/"
KET_SCHEME = URIRef(SCHEME + "ket")
ATI_SCHEME = URIRef(SCHEME + "ati")
# Not rdflib's XSD namespace object: pytest's collection probes module globals, and XSD warns.
XSD_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")
XSD_BOOLEAN = URIRef("http://www.w3.org/2001/XMLSchema#boolean")
XSD_DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")

MAIN_CLASSES = [
    "Region", "ClusterOrganisation", "KeyEnablingTechnology", "S3Priority",
    "SmartSpecialisationStrategy", "PolicyInstrument", "ValueChain", "CooperationProject",
    "PartnerRole", "GoodPractice", "ActionPlan", "ThematicArea", "Fund", "Programme",
    "DevelopmentCategory", "HelixType", "OutputTarget", "Indicator",
    "DevelopmentCategoryAssignment",
]  # fmt: skip

EXACT_MATCH_PAIRS = [
    ("advanced-manufacturing-technology", "advanced-manufacturing-technologies"),
    ("advanced-materials", "advanced-materials"),
    ("industrial-biotechnology", "industrial-biotechnology"),
    ("micro-and-nanoelectronics", "micro-and-nanoelectronics"),
    ("nanotechnology", "nanotechnology"),
    ("photonics", "photonics"),
]

# Code lists of concepts.ttl: scheme slug -> (class every concept has, concept slugs).
CODE_LISTS: dict[str, tuple[URIRef, list[str]]] = {
    "helix": (CKG.HelixType, ["business", "academia", "government", "civil-society"]),
    "development-category": (
        CKG.DevelopmentCategory,
        ["more-developed", "transition", "less-developed"],
    ),
    "partner-role": (
        URIRef("http://www.w3.org/ns/org#Role"),
        ["partner", "lead-partner", "project-partner", "associated-partner"],
    ),
    "output-type": (
        CKG.OutputType,
        [
            "learning-event",
            "action-plan",
            "good-practice",
            "people-with-increased-capacity",
            "policy-recommendation",
        ],
    ),
    "fund": (CKG.Fund, ["erdf", "esf", "national-budget"]),
    "instrument-scope": (CKG.InstrumentScope, ["regional", "national"]),
    "assignment-basis": (CKG.AssignmentBasis, ["official-decision", "rule-based-approximation"]),
    "strength-component": (
        CKG.StrengthComponentKind,
        ["employment-specialisation", "count-specialisation", "count-intensity"],
    ),
}


@pytest.fixture(scope="module")
def graph() -> Graph:
    return load_ontology_graph()


@pytest.fixture(scope="module")
def ontology_graph() -> Graph:
    return load_ontology_graph([ONTOLOGY_DIR / "clusterkg.ttl"])


@pytest.fixture(scope="module")
def kets_graph() -> Graph:
    return load_ontology_graph([ONTOLOGY_DIR / "kets.ttl"])


def _langs(graph: Graph, subject: URIRef, predicate: URIRef) -> list[str | None]:
    return [o.language for o in graph.objects(subject, predicate) if isinstance(o, Literal)]


def _ckg_terms(graph: Graph, kind: URIRef) -> list[URIRef]:
    return sorted(s for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef) and s in CKG)


def _run_check(paths: list[Path]) -> ConsistencyReport:
    """Run the reasoner; a reasoner that cannot run is a failure, never a skip."""
    try:
        return check_consistency(paths)
    except ReasonerError as error:
        pytest.fail(f"The OWL reasoner could not run: {error.detail}")


# (a) syntax ---------------------------------------------------------------------------------


def test_ontology_files_are_the_three_turtle_files() -> None:
    assert [p.name for p in ontology_files()] == ["clusterkg.ttl", "concepts.ttl", "kets.ttl"]
    assert ontology_files(Path("/elsewhere"))[0] == Path("/elsewhere/clusterkg.ttl")


@pytest.mark.parametrize("name", ["clusterkg.ttl", "concepts.ttl", "kets.ttl"])
def test_file_parses_with_rdflib(name: str) -> None:
    graph = Graph().parse(ONTOLOGY_DIR / name, format="turtle")
    assert len(graph) > 100


# (b) documentation of terms -------------------------------------------------------------------


@pytest.mark.parametrize("kind", [OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty])
def test_every_ckg_term_has_english_label_comment_and_is_defined_by(
    ontology_graph: Graph, kind: URIRef
) -> None:
    terms = _ckg_terms(ontology_graph, kind)
    assert terms
    for term in terms:
        assert "en" in _langs(ontology_graph, term, RDFS.label), f"{term}: no @en rdfs:label"
        assert "en" in _langs(ontology_graph, term, RDFS.comment), f"{term}: no @en rdfs:comment"
        assert (term, RDFS.isDefinedBy, URIRef(ONTOLOGY_IRI)) in ontology_graph, term


@pytest.mark.parametrize("name", MAIN_CLASSES)
def test_main_class_is_labelled_in_english_italian_and_greek(
    ontology_graph: Graph, name: str
) -> None:
    assert (CKG[name], RDF.type, OWL.Class) in ontology_graph
    langs = _langs(ontology_graph, CKG[name], RDFS.label)
    assert sorted(lang for lang in langs if lang) == ["el", "en", "it"], langs


def test_every_class_and_property_in_the_readme_is_declared(ontology_graph: Graph) -> None:
    readme = (ONTOLOGY_DIR / "README.md").read_text(encoding="utf-8")
    classes = set(re.findall(r"^\| `(\w+)` \|", readme, flags=re.MULTILINE))
    names = set(re.findall(r"`ckg:(\w+)`", readme)) | classes
    assert {"Region", "PartnerRole", "nutsLevel", "addressesInstrument"} <= names
    declared = {
        str(s).removeprefix(str(CKG))
        for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
        for s in _ckg_terms(ontology_graph, kind)
    }
    assert names - declared == set()


def test_every_ckg_term_used_anywhere_is_declared(graph: Graph, ontology_graph: Graph) -> None:
    used = {t for triple in graph for t in triple if isinstance(t, URIRef) and t in CKG}
    declared = set(ontology_graph.subjects(RDFS.isDefinedBy, URIRef(ONTOLOGY_IRI)))
    assert used - declared == set()


@pytest.mark.parametrize(
    ("prop", "range_"),
    [
        ("nutsLevel", XSD_INTEGER),
        ("quantity", XSD_INTEGER),
        ("quantityIsMinimum", XSD_BOOLEAN),
        ("partnerCount", XSD_INTEGER),
        ("countryCount", XSD_INTEGER),
        ("stagePosition", XSD_INTEGER),
        ("priorityAxis", RDF.langString),
        ("measure", RDF.langString),
        ("specificObjective", RDF.langString),
        ("supports", RDF.langString),
        ("aim", RDF.langString),
        ("gdpPpsPerInhabitantPctEu", XSD_DECIMAL),
    ],
)
def test_datatype_property_ranges(ontology_graph: Graph, prop: str, range_: URIRef) -> None:
    assert (CKG[prop], RDF.type, OWL.DatatypeProperty) in ontology_graph
    assert set(ontology_graph.objects(CKG[prop], RDFS.range)) == {range_}


@pytest.mark.parametrize(
    "prop", ["region", "technology", "fund", "programme", "project", "developmentCategory"]
)
def test_shared_properties_have_no_domain(ontology_graph: Graph, prop: str) -> None:
    assert (CKG[prop], RDF.type, OWL.ObjectProperty) in ontology_graph
    assert list(ontology_graph.objects(CKG[prop], RDFS.domain)) == []
    assert len(list(ontology_graph.objects(CKG[prop], RDFS.range))) == 1


def test_subclass_axioms_and_eurio_alignments(ontology_graph: Graph) -> None:
    org = "http://www.w3.org/ns/org#"
    expected = [
        (CKG.ClusterOrganisation, URIRef(org + "FormalOrganization")),
        (CKG.CooperationProject, URIRef(org + "OrganizationalCollaboration")),
        (CKG.PartnerRole, URIRef(org + "Membership")),
        (CKG.Region, SKOS.Concept),
        (CKG.KeyEnablingTechnology, SKOS.Concept),
        (CKG.SmartSpecialisationStrategy, SKOS.ConceptScheme),
    ]
    for sub, sup in expected:
        assert (sub, RDFS.subClassOf, sup) in ontology_graph
    eurio = "http://data.europa.eu/s66#"
    assert (CKG.PartnerRole, SKOS.closeMatch, URIRef(eurio + "OrganisationRole")) in ontology_graph
    assert (CKG.CooperationProject, SKOS.closeMatch, URIRef(eurio + "Project")) in ontology_graph


def test_no_remote_imports(graph: Graph) -> None:
    assert list(graph.triples((None, OWL.imports, None))) == []


# (c) version ------------------------------------------------------------------------------------


def test_ontology_header(ontology_graph: Graph) -> None:
    onto = URIRef(ONTOLOGY_IRI)
    assert (onto, RDF.type, OWL.Ontology) in ontology_graph
    assert (onto, OWL.versionIRI, URIRef(ONTOLOGY_IRI + "/0.1.0")) in ontology_graph
    assert (onto, OWL.versionInfo, Literal("0.1.0")) in ontology_graph
    vann_prefix = URIRef("http://purl.org/vocab/vann/preferredNamespacePrefix")
    assert (onto, vann_prefix, Literal("ckg")) in ontology_graph
    dct = "http://purl.org/dc/terms/"
    for prop in ("title", "description", "license", "created"):
        assert ontology_graph.value(onto, URIRef(dct + prop)) is not None, prop


# code lists (concepts.ttl) ----------------------------------------------------------------------


@pytest.mark.parametrize("scheme_slug", sorted(CODE_LISTS))
def test_code_list(graph: Graph, scheme_slug: str) -> None:
    scheme = URIRef(SCHEME + scheme_slug)
    cls, slugs = CODE_LISTS[scheme_slug]
    assert (scheme, RDF.type, SKOS.ConceptScheme) in graph
    members = set(graph.subjects(SKOS.inScheme, scheme))
    assert members == {CKGC[slug] for slug in slugs}
    for concept in members:
        assert (concept, RDF.type, cls) in graph
        assert (concept, RDF.type, SKOS.Concept) in graph
        # flat lists: every concept is a top concept; partner roles nest under ckgc:partner
        broader = graph.value(concept, SKOS.broader)
        if broader is None:
            assert (concept, SKOS.topConceptOf, scheme) in graph
            assert (scheme, SKOS.hasTopConcept, concept) in graph
        else:
            assert broader in members
        assert sorted(_langs(graph, concept, SKOS.prefLabel)) == ["el", "en", "it"], concept


def test_development_categories_cite_the_regulation(graph: Graph) -> None:
    # Both programming periods: 75 %/90 % of 2007-2009 (2014-2020), 75 %/100 % of 2015-2017
    # (2021-2027).
    thresholds = {
        "more-developed": ["above 90 %", "above 100 %"],
        "transition": ["between 75 % and 90 %", "between 75 % and 100 %"],
        "less-developed": ["less than 75 %"],
    }
    for slug, phrases in thresholds.items():
        definition = str(graph.value(CKGC[slug], SKOS.definition))
        for phrase in [*phrases, "EU-27", "2007-2009", "2015-2017"]:
            assert phrase in definition, (slug, phrase)
        source = str(graph.value(CKGC[slug], URIRef("http://purl.org/dc/terms/source")))
        for citation in ("1303/2013", "Article 90", "2021/1060", "Article 108"):
            assert citation in source, (slug, citation)


def test_at_most_one_pref_label_per_language(graph: Graph) -> None:
    for concept in set(graph.subjects(SKOS.prefLabel, None)):
        langs = _langs(graph, concept, SKOS.prefLabel)
        assert len(langs) == len(set(langs)), f"{concept}: {langs}"


# (f) KET and ATI schemes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scheme", "namespace", "count"), [(KET_SCHEME, KET, 6), (ATI_SCHEME, ATI, 16)]
)
def test_technology_scheme(kets_graph: Graph, scheme: URIRef, namespace: str, count: int) -> None:
    g = kets_graph
    members = set(g.subjects(SKOS.inScheme, scheme))
    assert len(members) == count
    assert set(g.objects(scheme, SKOS.hasTopConcept)) == members
    assert g.value(scheme, URIRef("http://purl.org/dc/terms/source")) is not None
    for concept in members:
        assert str(concept).startswith(str(namespace))
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", str(concept).removeprefix(str(namespace)))
        assert (concept, RDF.type, CKG.KeyEnablingTechnology) in g
        assert (concept, RDF.type, SKOS.Concept) in g
        assert (concept, SKOS.topConceptOf, scheme) in g
        assert sorted(_langs(g, concept, SKOS.prefLabel)) == ["el", "en", "it"], concept
        assert "en" in _langs(g, concept, SKOS.definition), concept
        assert g.value(concept, SKOS.notation) is not None, concept


@pytest.mark.parametrize(("ati_slug", "ket_slug"), EXACT_MATCH_PAIRS)
def test_ket_ati_exact_match(kets_graph: Graph, ati_slug: str, ket_slug: str) -> None:
    assert (ATI[ati_slug], SKOS.exactMatch, KET[ket_slug]) in kets_graph
    assert (KET[ket_slug], SKOS.exactMatch, ATI[ati_slug]) in kets_graph


def test_exact_matches_are_only_the_six_pairs(kets_graph: Graph) -> None:
    pairs = {
        (s, o)
        for s, o in kets_graph.subject_objects(SKOS.exactMatch)
        if str(s).startswith(str(ATI)) and str(o).startswith(str(KET))
    }
    assert pairs == {(ATI[a], KET[k]) for a, k in EXACT_MATCH_PAIRS}


def test_ket_ati_mappings_are_stated_both_ways(kets_graph: Graph) -> None:
    inverse = {
        SKOS.exactMatch: SKOS.exactMatch,
        SKOS.closeMatch: SKOS.closeMatch,
        SKOS.relatedMatch: SKOS.relatedMatch,
        SKOS.broadMatch: SKOS.narrowMatch,
        SKOS.narrowMatch: SKOS.broadMatch,
    }
    technologies = set(kets_graph.subjects(RDF.type, CKG.KeyEnablingTechnology))
    for prop, inv in inverse.items():
        for s, o in kets_graph.subject_objects(prop):
            if s in technologies and o in technologies:
                assert (o, inv, s) in kets_graph, (s, prop, o)
    assert (ATI.robotics, SKOS.broadMatch, KET["advanced-manufacturing-technologies"]) in kets_graph
    assert (ATI["internet-of-things"], SKOS.relatedMatch, KET["micro-and-nanoelectronics"]) in (
        kets_graph
    )


# (d), (e) reasoner ------------------------------------------------------------------------------


@pytest.mark.slow
def test_ontology_is_consistent_with_hermit() -> None:
    report = _run_check(ontology_files())
    assert report.consistent, report.message
    assert report.inconsistent_classes == [], report.message
    assert report.ok
    assert "HermiT" in report.reasoner
    assert report.seconds > 0


@pytest.mark.slow
def test_world_holds_the_ontology_and_has_no_unsatisfiable_class() -> None:
    world = load_world()
    try:
        assert world[str(CKG.PartnerRole)] is not None
        assert world[str(KET.photonics)] is not None
        owlready2.sync_reasoner(world, infer_property_values=False, debug=0)
        assert list(world.inconsistent_classes()) == []
    finally:
        world.close()


@pytest.fixture
def contradictory_extension(tmp_path: Path) -> Path:
    """One individual typed with two classes the ontology declares disjoint."""
    path = tmp_path / "contradiction.ttl"
    path.write_text(
        "@prefix ckg: <https://w3id.org/clusterkg/ontology#> .\n"
        "<urn:example:both> a ckg:PolicyInstrument , ckg:CooperationProject .\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.slow
def test_disjointness_makes_a_contradiction_inconsistent(contradictory_extension: Path) -> None:
    world = load_world([*ontology_files(), contradictory_extension])
    try:
        with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
            owlready2.sync_reasoner(world, infer_property_values=False, debug=0)
    finally:
        world.close()


@pytest.mark.slow
def test_check_consistency_reports_an_inconsistent_ontology(
    contradictory_extension: Path,
) -> None:
    report = _run_check([*ontology_files(), contradictory_extension])
    assert not report.consistent
    assert not report.ok
    assert "inconsistent" in report.message


@pytest.mark.slow
def test_check_consistency_reports_unsatisfiable_classes(tmp_path: Path) -> None:
    path = tmp_path / "unsatisfiable.ttl"
    path.write_text(
        "@prefix ckg: <https://w3id.org/clusterkg/ontology#> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "<urn:example:RegionalFund> a owl:Class ; rdfs:subClassOf ckg:Region , ckg:Fund .\n",
        encoding="utf-8",
    )
    report = _run_check([*ontology_files(), path])
    assert report.consistent
    assert report.inconsistent_classes == ["urn:example:RegionalFund"]
    assert not report.ok


def test_missing_java_is_an_error_not_a_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(owlready2, "JAVA_EXE", "/nonexistent/java")
    with pytest.raises(ReasonerError, match="Java not found"):
        check_consistency()
