"""Generic RDF files (Turtle, N-Triples, JSON-LD, RDF/XML) → one record per described resource.

Blank nodes are skolemised with deterministic IRIs (from the canonical form of the graph), so
loading the same file twice gives the very same triples, and each skolemised node travels with
the record that refers to it (an OWL restriction with its class, a period with its project).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from rdflib import BNode, Graph, URIRef
from rdflib.compare import to_canonical_graph

from kg.ingest.readers import read_rdf
from kg.ingest.records import MappingContext, Record


def map_rdf(context: MappingContext) -> Iterator[Record]:
    """Yield one record per subject IRI of the file, with the blank nodes it reaches."""
    parsed = read_rdf(context.source_file)
    genid = f"{context.base_iri}.well-known/genid/{context.source_name}/"
    if any(isinstance(term, BNode) for triple in parsed for term in triple):
        parsed = to_canonical_graph(parsed).skolemize(basepath=genid)

    def is_skolem(node: object) -> bool:
        return isinstance(node, URIRef) and str(node).startswith(genid)

    referenced_skolems = {o for o in parsed.objects() if is_skolem(o)}
    roots = sorted(
        s
        for s in set(parsed.subjects())
        if isinstance(s, URIRef) and not (is_skolem(s) and s in referenced_skolems)
    )
    covered: set[object] = set()
    for root in roots:
        yield _record(parsed, root, is_skolem, covered)
    # Blank-node cycles that no named resource reaches: their own records, never dropped.
    for leftover in sorted((s for s in set(parsed.subjects()) if s not in covered), key=str):
        yield _record(parsed, leftover, is_skolem, covered)


def _record(
    parsed: Graph, root: object, is_skolem: Callable[[object], bool], covered: set[object]
) -> Record:
    """The triples of ``root`` and of the skolemised nodes it reaches."""
    graph = Graph()
    pending, seen = [root], set()
    while pending:
        node = pending.pop()
        if node in seen:
            continue
        seen.add(node)
        covered.add(node)
        for triple in parsed.triples((node, None, None)):  # type: ignore[arg-type]
            graph.add(triple)
            if is_skolem(triple[2]):
                pending.append(triple[2])
    return Record(
        key=str(root),
        graph=graph,
        raw={"@id": str(root)},  # the triples themselves go to quarantine from the graph
    )
