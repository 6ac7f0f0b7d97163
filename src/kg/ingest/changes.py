"""What replacing a source changes, by resource: which resources the new file no longer has
(removed), which it brings (added), and which it describes differently (changed).

A resource is a subject IRI of the source's graph with its ``#`` fragments (a strategy's period,
a strength's components): they are compared as one. Two descriptions are the same when they
hold the same triples, literals compared by value (the store may write ``1.50`` as ``1.5``) and
blank nodes as blank (their labels differ between a file and the store).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from kg.store import Store
from kg.store.base import term_text

Triple = tuple[Node, Node, Node]


@dataclass(frozen=True)
class Changes:
    """The resources a replace removed, added and changed (IRIs, sorted)."""

    removed: list[str]
    added: list[str]
    changed: list[str]
    #: Resources whose description is the same before and after.
    unchanged: int

    def as_json(self) -> dict[str, list[str]]:
        """JSON form: ``{"removed", "added", "changed"}``."""
        return {"removed": self.removed, "added": self.added, "changed": self.changed}

    def summary(self) -> str:
        """One line for people."""
        return (
            f"replaced: {len(self.removed)} resources removed, {len(self.added)} added, "
            f"{len(self.changed)} changed, {self.unchanged} unchanged"
        )


class Descriptions:
    """Fingerprints of the resources of a graph, filled triple by triple.

    IRIs starting with ``documents`` (the source's documents, ``{base}source/{name}/``) compare
    as one: every resource names the file it came from, and a steward's updated file has a new
    name more often than not; that alone is not a change of the resource."""

    def __init__(self, documents: str) -> None:
        self._documents = documents
        self._lines: dict[str, list[str]] = defaultdict(list)

    def add(self, triples: Iterable[Triple]) -> None:
        """Count the triples in (a record's graph, or rows read from the store)."""
        for s, p, o in triples:
            if isinstance(s, BNode):
                # A blank node belongs to the resource that points to it; its own triples are
                # compared through that resource's line count only.
                continue
            resource = str(s).split("#", 1)[0]
            terms = (self._canonical(s), self._canonical(p), self._canonical(o))
            self._lines[resource].append(" ".join(terms))

    def _canonical(self, term: Node) -> str:
        if isinstance(term, URIRef) and term.startswith(self._documents):
            return "<source-document>"
        return _canonical(term)

    def fingerprints(self) -> dict[str, str]:
        """Each resource's fingerprint: a hash of its sorted triples."""
        return {
            resource: hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()
            for resource, lines in self._lines.items()
        }


def stored_descriptions(store: Store, graph_iri: str, documents: str) -> Descriptions:
    """The fingerprints of the resources of a stored graph."""
    found = Descriptions(documents)
    rows = store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}").rows
    found.add((row["s"], row["p"], row["o"]) for row in rows)
    return found


def compare(before: Descriptions, after: Descriptions) -> Changes:
    """What changed from ``before`` to ``after``."""
    old, new = before.fingerprints(), after.fingerprints()
    changed = sorted(r for r in old.keys() & new.keys() if old[r] != new[r])
    return Changes(
        removed=sorted(old.keys() - new.keys()),
        added=sorted(new.keys() - old.keys()),
        changed=changed,
        unchanged=len(old.keys() & new.keys()) - len(changed),
    )


def _canonical(term: Node) -> str:
    if isinstance(term, BNode):
        return "_:"
    if isinstance(term, Literal) and term.datatype == XSD.string:
        # RDF 1.1: "x"^^xsd:string is "x"; the store writes it plain.
        return term_text(Literal(str(term)))
    if isinstance(term, Literal) and term.datatype is not None:
        value = term.value
        if isinstance(value, Decimal):
            return f'"{value.normalize()}"^^<{term.datatype}>'
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return f'"{value!r}"^^<{term.datatype}>'
    return term_text(term)
