"""SHACL validation of records against the shapes, with the ontology for the class hierarchy.

Validation runs per batch of records (a whole-graph run with RDFS inference is ~35x slower; one
pyshacl run per record pays the set-up cost each time). Each finding is attributed back to the
record whose nodes it is about, so one bad record never sinks its neighbours.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Protocol

from pyshacl import validate as pyshacl_validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Identifier, Node

from kg.errors import InvalidInput, KGError
from kg.namespaces import PREFIXES, SH, curie
from kg.store.base import NTriples

#: Returns, for a set of IRIs a batch refers to but does not describe, the triples a shape may
#: need about them (their types and concept schemes), e.g. from the store.
ReferenceLookup = Callable[[set[URIRef]], Graph]


class ShapesError(KGError):
    """The shapes themselves are broken (a bug in ``shapes/``, not in the data)."""

    slug = "shapes-error"
    status = 500
    title = "SHACL shapes could not be applied"


@dataclass(frozen=True)
class Finding:
    """One SHACL validation result, in the terms a data steward needs."""

    focus_node: Identifier
    component: str  # e.g. "MinCountConstraintComponent"
    severity: str  # "Violation" | "Warning" | "Info"
    message: str
    path: str | None = None
    value: str | None = None
    shape: str | None = None
    #: The terms as in the SHACL report, kept so the report can be re-serialised faithfully.
    path_term: Identifier | None = field(default=None, compare=False, repr=False)
    value_term: Identifier | None = field(default=None, compare=False, repr=False)

    @property
    def blocking(self) -> bool:
        """Violations block loading; warnings and infos are reported only."""
        return self.severity == "Violation"

    def plain(self) -> str:
        """One sentence a data steward can act on.

        >>> Finding(URIRef("https://x/a"), "MinCountConstraintComponent", "Violation",
        ...         "Give the project a label.", path="rdfs:label").plain()
        'Violation on <https://x/a>, property rdfs:label: Give the project a label. (MinCount)'
        """
        where = f", property {self.path}" if self.path else ""
        value = f", value {self.value}" if self.value else ""
        component = self.component.removesuffix("ConstraintComponent")
        return f"{self.severity} on <{self.focus_node}>{where}{value}: {self.message} ({component})"


@dataclass
class ValidationReport:
    """Findings for one graph or one record, plus the raw SHACL report as Turtle."""

    findings: list[Finding] = field(default_factory=list)

    @property
    def report_turtle(self) -> str:
        """The findings as a SHACL ``sh:ValidationReport`` in Turtle (built on demand: most
        records have nothing to report, and serialising costs more than validating)."""
        return _findings_turtle(self.findings)

    @property
    def conforms(self) -> bool:
        """True when no finding is a violation (warnings allowed)."""
        return not any(f.blocking for f in self.findings)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.blocking]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.blocking]

    def plain(self) -> str:
        """The findings as plain sentences, violations first."""
        ordered = sorted(self.findings, key=lambda f: (not f.blocking, str(f.focus_node)))
        return "\n".join(f.plain() for f in ordered)


def _short(term: Node | None) -> str | None:
    """A term for people: IRIs as CURIEs where a project prefix fits."""
    if term is None:
        return None
    return curie(str(term)) if isinstance(term, URIRef) else str(term)


#: SHACL path operators written as in SPARQL property paths.
_PATH_SUFFIXES = {SH.zeroOrMorePath: "*", SH.oneOrMorePath: "+", SH.zeroOrOnePath: "?"}


def _path_text(graph: Graph, path: Node | None) -> str | None:
    """A SHACL property path for people, in SPARQL path syntax: an alternative path is
    ``ckg:a|ckg:b`` rather than the blank node that holds it.

    >>> g = Graph().parse(data='''@prefix sh: <http://www.w3.org/ns/shacl#> .
    ... @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    ... [] sh:resultPath [ sh:alternativePath ( skos:prefLabel [ sh:inversePath skos:broader ] ) ] .
    ... ''', format="turtle")
    >>> _path_text(g, next(g.objects(None, SH.resultPath)))
    '(skos:prefLabel|^skos:broader)'
    """
    if path is None or isinstance(path, URIRef):
        return _short(path)
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        parts = [_path_text(graph, item) or "?" for item in graph.items(alternatives)]
        return "(" + "|".join(parts) + ")"
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + (_path_text(graph, inverse) or "?")
    for operator, suffix in _PATH_SUFFIXES.items():
        inner = graph.value(path, operator)
        if inner is not None:
            return (_path_text(graph, inner) or "?") + suffix
    sequence = [_path_text(graph, item) or "?" for item in graph.items(path)]
    return "/".join(sequence) if sequence else _short(path)


class ShapeValidator:
    """Validates RDF against the project's shapes, with the ontology mixed in for subclasses."""

    def __init__(self, shapes_dir: Path, ontology_dir: Path) -> None:
        self.shapes_dir = shapes_dir
        self.ontology_dir = ontology_dir
        self._pool: ProcessPoolExecutor | None = None
        self._pool_size = 0

    @cached_property
    def shapes(self) -> Graph:
        """All ``shapes/*.ttl`` files as one graph."""
        return _load_turtle_dir(self.shapes_dir)

    @cached_property
    def ontology(self) -> Graph:
        """All ``ontology/*.ttl`` files as one graph (classes, code lists, KET schemes)."""
        return _load_turtle_dir(self.ontology_dir)

    @cached_property
    def _ontology_lookup(self) -> ReferenceLookup:
        return scheme_lookup_from_graph(self.ontology)

    @cached_property
    def _reference_vocabulary(self) -> tuple[frozenset[Node], frozenset[Node]]:
        """The classes (with their subclasses) and the concept schemes that reference checks
        read: the objects of ``sh:class`` and the IRIs the shapes name as values (``sh:hasValue``,
        ``sh:in`` lists)."""
        classes = set(self.shapes.objects(None, SH["class"]))
        grown = True
        while grown:  # subclasses of a checked class satisfy the check too
            more = {c for c in self.ontology.subjects(RDFS.subClassOf, None) if c not in classes}
            more = {c for c in more if set(self.ontology.objects(c, RDFS.subClassOf)) & classes}
            classes |= more
            grown = bool(more)
        schemes = {o for o in self.shapes.objects() if isinstance(o, URIRef)}
        return frozenset(classes), frozenset(schemes)

    def _reference_stubs(
        self, referenced: set[URIRef], *lookups: ReferenceLookup | None
    ) -> Iterator[tuple[Node, Node, Node]]:
        """The facts about referenced nodes that reference checks read, from each lookup."""
        if not referenced:
            return
        for lookup in lookups:
            if lookup is not None:
                yield from (t for t in lookup(referenced) if self._read_by_references(t))

    def _read_by_references(self, triple: tuple[Node, Node, Node]) -> bool:
        """Whether a shape's reference check can read this fact about a referenced node.

        Facts no check reads are left out because they would make the referenced node a focus
        node of its own shape (a NUTS region of the region shape, a NACE activity of the NACE
        shape): those findings are discarded anyway (the node is not the batch's), but pyshacl
        still computes them, which made a batch of SBS observations 2.5x slower.
        """
        classes, schemes = self._reference_vocabulary
        _subject, predicate, obj = triple
        if predicate == RDF.type:
            return obj in classes
        if predicate == SKOS.inScheme:
            return obj in schemes
        return True

    def validate_graph(self, data: Graph) -> ValidationReport:
        """Validate ``data`` (records plus any reference triples) and report every finding.

        Every targeted node is validated; callers that mix in reference stubs filter findings
        by focus node (as :meth:`validate_records` does). Focus-node restriction in pyshacl is
        not used on purpose: it also switches off nested checks (``sh:node``, ``sh:or``) on
        values that are not focus nodes, which would let bad code-list references pass.
        """
        work = _new_graph()
        for triple in data:
            work.add(triple)
        return self._validate_in_place(work)

    def _validate_in_place(self, work: Graph) -> ValidationReport:
        """Run pyshacl on ``work``, which it may modify (the ontology is mixed into it)."""
        try:
            _conforms, report_graph, text = pyshacl_validate(
                work,
                shacl_graph=self.shapes,
                ont_graph=self.ontology,
                inference="none",
                advanced=True,
                allow_warnings=True,
                allow_infos=True,
                inplace=True,
            )
        except Exception as exc:  # pyshacl raises ReportableRuntimeError and others on bad shapes
            raise ShapesError(f"the SHACL shapes could not be applied: {exc}") from exc
        if not isinstance(report_graph, Graph):
            raise ShapesError(f"the SHACL shapes could not be applied: {text}")
        return _parse_report(report_graph)

    def validate_records(
        self, records: Sequence[RecordGraph], lookup: ReferenceLookup | None = None
    ) -> list[ValidationReport]:
        """Validate a batch of records in one pyshacl run; return one report per record.

        Nodes a batch refers to but does not describe get their types and concept schemes from
        the ontology files and from ``lookup`` (the store, other records of the source), so
        code-list and class checks work across batches and sources.
        """
        batch = _new_graph()
        owner: dict[Node, list[int]] = {}
        for index, record in enumerate(records):
            for triple in record.graph:
                batch.add(triple)
            for subject in set(record.graph.subjects()):
                owner.setdefault(subject, []).append(index)
        if any(not isinstance(node, URIRef) for node in owner):
            raise ValueError("records must not contain blank nodes; skolemise them when mapping")
        referenced = {o for o in batch.objects() if isinstance(o, URIRef) and o not in owner}
        for triple in self._reference_stubs(referenced, self._ontology_lookup, lookup):
            batch.add(triple)
        combined = self._validate_in_place(batch)
        reports = [ValidationReport() for _ in records]
        for finding in combined.findings:
            for index in owner.get(finding.focus_node, []):
                reports[index].findings.append(finding)
        return reports

    def validate_batches(
        self,
        batches: Sequence[Sequence[RecordGraph]],
        lookup: ReferenceLookup | None = None,
        *,
        workers: int = 1,
        texts: Sequence[Sequence[str]] | None = None,
    ) -> Iterator[list[ValidationReport]]:
        """Validate batches in order, in ``workers`` processes when there is more than one
        batch (pyshacl is pure Python: one process uses one core).

        The store is not shared with the workers: each batch's references are looked up here
        and sent with its records as N-Triples, so a worker needs nothing but the shapes.
        ``texts`` may give each record's N-Triples when the caller has them already.
        """
        if workers <= 1 or len(batches) <= 1:
            for batch in batches:
                yield self.validate_records(batch, lookup)
            return
        pool = self._worker_pool(workers)
        pending = []
        for number, batch in enumerate(batches):
            stubs = _new_graph()
            for triple in self._reference_stubs(referenced_iris(batch), lookup):
                stubs.add(triple)
            payload: list[str] = (
                list(texts[number])
                if texts is not None
                else [NTriples.of(record.graph) for record in batch]
            )
            pending.append(pool.submit(_validate_in_worker, payload, NTriples.of(stubs)))
            # At most two batches per worker in flight: bounded memory, busy workers.
            while len(pending) > 2 * workers:
                yield pending.pop(0).result()
        for future in pending:
            yield future.result()

    def _worker_pool(self, workers: int) -> ProcessPoolExecutor:
        """The validator's worker processes, started once and reused by every later call (a
        start costs each worker a second or two of imports and shape parsing)."""
        if self._pool is None or self._pool_size != workers:
            self.close()
            # spawn, not fork: the caller may hold an open store and threads (the service).
            self._pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(self.shapes_dir, self.ontology_dir),
            )
            self._pool_size = workers
        return self._pool

    def close(self) -> None:
        """Stop the worker processes, if any were started."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> ShapeValidator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def referenced_iris(records: Sequence[RecordGraph]) -> set[URIRef]:
    """IRIs the records refer to (as objects) but do not describe (as subjects)."""
    subjects = {s for record in records for s in record.graph.subjects()}
    return {
        o
        for record in records
        for o in record.graph.objects()
        if isinstance(o, URIRef) and o not in subjects
    }


@dataclass
class _GraphRecord:
    graph: Graph


_WORKER_VALIDATOR: ShapeValidator | None = None


def _start_worker(shapes_dir: Path, ontology_dir: Path) -> None:
    """Parse the shapes and the ontology once per worker process."""
    global _WORKER_VALIDATOR
    _WORKER_VALIDATOR = ShapeValidator(shapes_dir, ontology_dir)
    _WORKER_VALIDATOR.shapes  # noqa: B018 - parse now, not in the first batch
    _WORKER_VALIDATOR.ontology  # noqa: B018


def _validate_in_worker(records: list[str], stubs: str) -> list[ValidationReport]:
    if _WORKER_VALIDATOR is None:  # pragma: no cover - the pool's initializer sets it
        raise RuntimeError("validation worker started without its shapes")
    batch = [_GraphRecord(_parse_ntriples(text)) for text in records]
    reference = _parse_ntriples(stubs)
    return _WORKER_VALIDATOR.validate_records(batch, scheme_lookup_from_graph(reference))


def _parse_ntriples(text: str) -> Graph:
    graph = _new_graph()
    if text.strip():
        graph.parse(data=text, format="nt")
    return graph


class RecordGraph(Protocol):
    """The minimum a validator needs of a record: its triples."""

    @property
    def graph(self) -> Graph: ...


def _new_graph() -> Graph:
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def _load_turtle_dir(directory: Path) -> Graph:
    graph = Graph()
    files = sorted(directory.glob("*.ttl"))
    if not files:
        raise InvalidInput(f"no Turtle files in {directory}")
    for path in files:
        graph.parse(path, format="turtle")
    return graph


def _parse_report(report: Graph) -> ValidationReport:
    findings: list[Finding] = []
    # Only the report's top-level results: pyshacl also types the nested results it attaches
    # with sh:detail as sh:ValidationResult, which would report one problem twice.
    for result in report.objects(None, SH.result):
        focus = report.value(result, SH.focusNode)
        component = report.value(result, SH.sourceConstraintComponent)
        severity = report.value(result, SH.resultSeverity)
        message = report.value(result, SH.resultMessage)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        findings.append(
            Finding(
                focus_node=focus,  # type: ignore[arg-type]
                component=str(component).rsplit("#", 1)[-1],
                severity=str(severity).rsplit("#", 1)[-1],
                message=str(message) if message is not None else "",
                path=_path_text(report, path),
                value=_short(value),
                shape=_short(report.value(result, SH.sourceShape)),
                path_term=path if isinstance(path, URIRef) else None,
                value_term=value if isinstance(value, (URIRef, Literal)) else None,
            )
        )
    findings.sort(key=lambda f: (str(f.focus_node), f.component, f.path or "", f.message))
    return ValidationReport(findings=findings)


def _findings_turtle(findings: Iterable[Finding]) -> str:
    """A SHACL validation report (``sh:ValidationReport``) for these findings, as Turtle."""
    report = Graph()
    report.bind("sh", SH)
    node = URIRef("urn:clusterkg:report")
    report.add((node, RDF.type, SH.ValidationReport))
    conforms = True
    for finding in findings:
        conforms = conforms and not finding.blocking
        result = BNode()
        report.add((node, SH.result, result))
        report.add((result, RDF.type, SH.ValidationResult))
        report.add((result, SH.focusNode, finding.focus_node))
        report.add((result, SH.resultSeverity, SH[finding.severity]))
        report.add((result, SH.sourceConstraintComponent, SH[finding.component]))
        report.add((result, SH.resultMessage, Literal(finding.message)))
        if finding.path_term is not None:
            report.add((result, SH.resultPath, finding.path_term))
        if finding.value_term is not None:
            report.add((result, SH.value, finding.value_term))
    report.add((node, SH.conforms, Literal(conforms)))
    return report.serialize(format="turtle")


def scheme_lookup_from_graph(reference: Graph) -> ReferenceLookup:
    """A :data:`ReferenceLookup` answering from an in-memory graph (types and schemes)."""

    def lookup(iris: set[URIRef]) -> Graph:
        out = Graph()
        for iri in iris:
            for predicate in (RDF.type, SKOS.inScheme):
                for obj in reference.objects(iri, predicate):
                    out.add((iri, predicate, obj))
        return out

    return lookup
