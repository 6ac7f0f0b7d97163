"""The SHACL shapes against their examples, and the shapes' own documentation.

Each example in ``valid/`` and ``invalid/`` is a record plus the reference stubs it needs. An
invalid example states in its header what must fail, one line per blocking result::

    # expect: <https://w3id.org/clusterkg/id/project/x> sh:MinCountConstraintComponent

and any example may state the warnings it must raise with ``# expect-warning:`` lines.

Reference stubs are what ingest's reference lookup supplies about the nodes a record points to:
``rdf:type`` and ``skos:inScheme``. That includes the code-list concepts of ``ontology/*.ttl``
(KETs, funds, helix types…): pySHACL mixes only the ontology's class and property axioms into
the data graph, not its concepts.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, SKOS
from rdflib.term import Identifier

from kg.namespaces import CKG, SH
from kg.validation import ShapeValidator

ROOT = Path(__file__).resolve().parents[2]
SHAPES_DIR = ROOT / "shapes"
ONTOLOGY_DIR = ROOT / "ontology"
HERE = Path(__file__).resolve().parent
VALID = sorted((HERE / "valid").glob("*.ttl"))
INVALID = sorted((HERE / "invalid").glob("*.ttl"))
SHAPE_FILES = sorted(SHAPES_DIR.glob("*.ttl"))

#: What a reference lookup supplies about a node a record points to; a node described by
#: nothing else in an example is a stub, not a record under test.
REFERENCE_PREDICATES = {RDF.type, SKOS.inScheme}

EXPECT = re.compile(r"#\s*(expect|expect-warning):\s*<([^>]+)>\s+sh:(\w+)\s*$")

#: Parameters of SHACL constraint components whose results carry the shape's sh:message.
CONSTRAINT_PARAMETERS = {
    SH[name]
    for name in (
        *("class", "datatype", "nodeKind", "minCount", "maxCount", "pattern", "languageIn"),
        *("minExclusive", "minInclusive", "maxExclusive", "maxInclusive", "minLength"),
        *("maxLength", "uniqueLang", "equals", "disjoint", "lessThan", "lessThanOrEquals"),
        *("not", "and", "or", "xone", "node", "qualifiedValueShape", "closed", "hasValue", "in"),
    )
}


@dataclass(frozen=True)
class Expectations:
    violations: Counter[tuple[str, str]]
    warnings: Counter[tuple[str, str]]


def read_expectations(path: Path) -> Expectations:
    """The ``# expect`` lines of the example's leading comment block."""
    violations: Counter[tuple[str, str]] = Counter()
    warnings: Counter[tuple[str, str]] = Counter()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        if match := EXPECT.match(line):
            kind, focus, component = match.groups()
            target = violations if kind == "expect" else warnings
            target[(focus, component)] += 1
        elif re.match(r"#\s*expect", line):
            raise AssertionError(f"{path.name}: malformed expectation line {line!r}")
    return Expectations(violations, warnings)


def record_nodes(graph: Graph) -> set[Identifier]:
    """Subjects the example describes beyond what a reference lookup would supply."""
    return {s for s, p, _ in graph if p not in REFERENCE_PREDICATES}


def shape_prefix(shape: URIRef) -> str:
    """``ckgsh:CooperationProjectShape`` → ``CooperationProject-`` (the examples' file prefix)."""
    local = str(shape).rsplit("#", 1)[-1]
    return local.removesuffix("Shape") + "-"


@pytest.fixture(scope="module")
def shape_validator() -> ShapeValidator:
    return ShapeValidator(SHAPES_DIR, ONTOLOGY_DIR)


@pytest.fixture(scope="module")
def shapes_graph(shape_validator: ShapeValidator) -> Graph:
    return shape_validator.shapes


@pytest.fixture(scope="module")
def messages(shapes_graph: Graph) -> set[str]:
    return {str(message) for message in shapes_graph.objects(None, SH.message)}


#: Target declarations: a shape with any of them validates records of its own (the NACE and
#: EuroSciVoc shapes select the concepts of their scheme with a SHACL-AF SPARQL target).
TARGET_PARAMETERS = (
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.target,
)


def _targeted_shapes(shapes: Graph) -> list[URIRef]:
    return sorted(
        {
            shape
            for parameter in TARGET_PARAMETERS
            for shape in shapes.subjects(parameter, None, unique=True)
            if isinstance(shape, URIRef)
        }
    )


def _nested_shapes(shapes: Graph) -> set[Identifier]:
    """Shapes inside sh:or / sh:and / sh:xone / sh:not / sh:qualifiedValueShape: they never
    report on their own (their parent does), so they need no name, description or message."""
    nested: set[Identifier] = set()
    for parameter in (SH["or"], SH["and"], SH.xone):
        for head in shapes.objects(None, parameter):
            nested.update(shapes.items(head))
    nested.update(shapes.objects(None, SH["not"]))
    nested.update(shapes.objects(None, SH.qualifiedValueShape))
    pending = list(nested)
    while pending:
        shape = pending.pop()
        children = list(shapes.objects(shape, SH.property)) + list(shapes.objects(shape, SH["not"]))
        for parameter in (SH["or"], SH["and"], SH.xone):
            for head in shapes.objects(shape, parameter):
                children.extend(shapes.items(head))
        for child in children:
            if isinstance(child, BNode) and child not in nested:
                nested.add(child)
                pending.append(child)
    return nested


def _warns_only(shapes: Graph, shape: URIRef) -> bool:
    return shapes.value(shape, SH.severity) in (SH.Warning, SH.Info)


@pytest.mark.parametrize("path", VALID + INVALID, ids=lambda p: f"{p.parent.name}/{p.name}")
# rdflib warns when sh:lessThanOrEquals compares xsd:gYear literals (invalid/Period-02.ttl).
@pytest.mark.filterwarnings("ignore:NotImplemented should not be used:DeprecationWarning")
def test_example(path: Path, shape_validator: ShapeValidator, messages: set[str]) -> None:
    """Valid examples raise no violation, invalid ones exactly the declared ones; both raise
    exactly the declared warnings. Only findings about the example's records count: the stubs
    are reference data, not validated in ingest either."""
    expected = read_expectations(path)
    graph = Graph().parse(path, format="turtle")
    records = record_nodes(graph)
    for focus, _ in expected.violations + expected.warnings:
        assert URIRef(focus) in records, f"expected focus <{focus}> is not a record of the example"
    if path.parent.name == "invalid":
        assert expected.violations, "an invalid example must declare at least one '# expect:'"
    else:
        assert not expected.violations, "a valid example cannot expect violations"

    report = shape_validator.validate_graph(graph)
    findings = [f for f in report.findings if f.focus_node in records]
    for finding in findings:
        assert not isinstance(finding.focus_node, BNode), "give nodes under test an IRI"
    got_violations = Counter((str(f.focus_node), f.component) for f in findings if f.blocking)
    got_warnings = Counter((str(f.focus_node), f.component) for f in findings if not f.blocking)
    plain = "\n".join(f.plain() for f in findings)
    assert got_violations == expected.violations, f"violations differ:\n{plain}"
    assert got_warnings == expected.warnings, f"warnings differ:\n{plain}"
    for finding in findings:
        assert finding.message in messages, f"not one of our messages: {finding.plain()}"


@pytest.mark.parametrize("path", SHAPE_FILES, ids=lambda p: p.name)
def test_shape_file_parses(path: Path) -> None:
    graph = Graph().parse(path, format="turtle")
    assert len(graph) > 0


def test_property_shapes_have_name_and_description(shapes_graph: Graph) -> None:
    nested = _nested_shapes(shapes_graph)
    missing = [
        str(shape)
        for shape in set(shapes_graph.subjects(SH.path, None)) - nested
        if shapes_graph.value(shape, SH.name) is None
        or shapes_graph.value(shape, SH.description) is None
    ]
    assert not missing, f"property shapes without sh:name or sh:description: {missing}"


def test_constraints_have_messages(shapes_graph: Graph) -> None:
    """Every shape whose results reach a data steward says what is wrong and how to fix it.

    Shapes nested in sh:or, sh:not or sh:qualifiedValueShape report through their parent, so
    only the other property shapes, named node shapes and SPARQL constraints are checked.
    """
    reporting = (
        set(shapes_graph.objects(None, SH.property))
        | {s for s in shapes_graph.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)}
    ) - _nested_shapes(shapes_graph)
    missing = []
    for shape in reporting:
        has_constraint = any(
            (shape, parameter, None) in shapes_graph for parameter in CONSTRAINT_PARAMETERS
        )
        if has_constraint and shapes_graph.value(shape, SH.message) is None:
            missing.append(str(shape))
    for shape, constraint in shapes_graph.subject_objects(SH.sparql):
        if not {constraint, shape} & set(shapes_graph.subjects(SH.message, None)):
            missing.append(f"{shape} (SPARQL constraint)")
    assert not missing, f"constraints without sh:message: {sorted(missing)}"


def test_every_targeted_shape_has_valid_and_invalid_examples(shapes_graph: Graph) -> None:
    """A shape that only warns cannot fail an example: it needs a valid example that expects
    its warning instead of an invalid one."""
    shapes = _targeted_shapes(shapes_graph)
    assert shapes
    lacking = []
    for shape in shapes:
        prefix = shape_prefix(shape)
        valid = [p for p in VALID if p.name.startswith(prefix)]
        invalid = [p for p in INVALID if p.name.startswith(prefix)]
        if not valid:
            lacking.append(f"{prefix}NN.ttl in valid/")
        if _warns_only(shapes_graph, shape):
            if not any(read_expectations(p).warnings for p in valid):
                lacking.append(f"{prefix}NN.ttl in valid/ with '# expect-warning:'")
        elif not invalid:
            lacking.append(f"{prefix}NN.ttl in invalid/")
    assert not lacking, f"missing examples: {lacking}"


def test_every_example_is_named_after_a_shape(shapes_graph: Graph) -> None:
    prefixes = {shape_prefix(s) for s in _targeted_shapes(shapes_graph)}
    pattern = re.compile(r"^(.+-)\d{2}\.ttl$")
    stray = []
    for path in VALID + INVALID:
        match = pattern.match(path.name)
        if match is None or match.group(1) not in prefixes:
            stray.append(f"{path.parent.name}/{path.name}")
    assert not stray, f"examples not named <Shape>-NN.ttl after a targeted shape: {stray}"


def test_ontology_technologies_conform(shape_validator: ShapeValidator) -> None:
    """The KET and ATI concepts the ontology ships pass the shape every record must pass."""
    graph = Graph().parse(ONTOLOGY_DIR / "kets.ttl", format="turtle")
    # The EuroSciVoc fields the technologies refer to are the euroscivoc source's concepts:
    # stubs, as the reference lookup supplies them at ingest.
    fields = URIRef("https://w3id.org/clusterkg/scheme/euroscivoc-cordis")
    for field in {
        o for o in graph.objects() if str(o).startswith("https://w3id.org/clusterkg/euroscivoc/")
    }:
        graph.add((field, SKOS.inScheme, fields))
    technologies = set(graph.subjects(RDF.type, CKG.KeyEnablingTechnology))
    assert len(technologies) == 22
    report = shape_validator.validate_graph(graph)
    violations = [f.plain() for f in report.violations if f.focus_node in technologies]
    assert not violations, "\n".join(violations)
