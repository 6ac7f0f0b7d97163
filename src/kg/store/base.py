"""The one store interface that everything above the store talks to.

Backends declare what they can do with capability flags rather than being told apart with
``isinstance`` checks.
"""

from __future__ import annotations

import csv
import io
import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

from rdflib import Graph, Literal, URIRef
from rdflib.term import BNode, Identifier, Node

if TYPE_CHECKING:
    from kg.store.runner import QueryRunner


class NTriples(str):
    """RDF as N-Triples text, one triple per line: what large computed graphs are written as."""

    __slots__ = ()

    @classmethod
    def of(cls, triples: Iterable[tuple[Node, Node, Node]]) -> NTriples:
        """N-Triples of rdflib-term triples.

        >>> from rdflib import URIRef, Literal
        >>> triple = (URIRef("http://x/s"), URIRef("http://x/p"), Literal("a", lang="en"))
        >>> print(NTriples.of([triple]))
        <http://x/s> <http://x/p> "a"@en .
        """
        return cls(
            "\n".join(f"{term_text(s)} {term_text(p)} {term_text(o)} ." for s, p, o in triples)
        )


def term_text(term: Node) -> str:
    """One RDF term as N-Triples writes it."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        text = (
            str(term)
            .replace("\\", "\\\\")
            .replace('"', '\\"')
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
        if term.language:
            return f'"{text}"@{term.language}'
        if term.datatype:
            return f'"{text}"^^<{term.datatype}>'
        return f'"{text}"'
    if isinstance(term, BNode):
        return f"_:{term}"
    raise TypeError(f"cannot write {term!r} as N-Triples")


class ResultFormat(StrEnum):
    """Serialisations of SELECT/ASK results."""

    JSON = "json"
    CSV = "csv"
    TSV = "tsv"
    XML = "xml"


class RdfSerialization(StrEnum):
    """Serialisations of graphs and datasets."""

    TURTLE = "ttl"
    NTRIPLES = "nt"
    NQUADS = "nq"
    TRIG = "trig"
    JSONLD = "jsonld"
    RDFXML = "rdfxml"


@dataclass
class QueryResult:
    """The outcome of a SPARQL query, independent of the backend.

    Exactly one of ``rows`` (SELECT), ``boolean`` (ASK) or ``graph`` (CONSTRUCT/DESCRIBE) is set.
    """

    kind: str  # "select" | "ask" | "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Identifier]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None

    def serialize(self, fmt: ResultFormat) -> str:
        """Serialise SELECT/ASK results as SPARQL 1.1 JSON/CSV/TSV results (W3C formats)."""
        if self.kind == "graph":
            raise ValueError("graph results serialise as RDF; use graph.serialize()")
        if fmt is ResultFormat.JSON:
            return json.dumps(self._sparql_json(), ensure_ascii=False, indent=1)
        if fmt is ResultFormat.CSV:
            return self._csv()
        if fmt is ResultFormat.TSV:
            return self._tsv()
        raise ValueError(f"unsupported result format {fmt}")

    def _sparql_json(self) -> dict[str, object]:
        if self.kind == "ask":
            return {"head": {}, "boolean": bool(self.boolean)}
        bindings = [
            {name: _json_term(term) for name, term in row.items() if term is not None}
            for row in self.rows
        ]
        return {"head": {"vars": self.variables}, "results": {"bindings": bindings}}

    def _csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        if self.kind == "ask":
            writer.writerow(["boolean"])
            writer.writerow(["true" if self.boolean else "false"])
            return buffer.getvalue()
        writer.writerow(self.variables)
        for row in self.rows:
            writer.writerow([_plain(row.get(name)) for name in self.variables])
        return buffer.getvalue()

    def _tsv(self) -> str:
        if self.kind == "ask":
            return "?boolean\n" + ("true" if self.boolean else "false") + "\n"
        lines = ["\t".join(f"?{name}" for name in self.variables)]
        for row in self.rows:
            cells = [row[name].n3() if row.get(name) is not None else "" for name in self.variables]
            lines.append("\t".join(cells))
        return "\n".join(lines) + "\n"


def _plain(term: Node | None) -> str:
    return "" if term is None else str(term)


def _json_term(term: Identifier) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, Literal):
        out = {"type": "literal", "value": str(term)}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype:
            out["datatype"] = str(term.datatype)
        return out
    raise TypeError(f"unexpected term {term!r}")


class Store(ABC):
    """A quad store holding one named graph per source plus a metadata graph.

    The default graph of queries is the union of all named graphs, as users of the SPARQL
    endpoint expect; each named graph stays addressable with ``GRAPH``.
    """

    #: Can bind query parameters natively (SEP-0007 substitutions) rather than with VALUES.
    supports_substitutions: ClassVar[bool] = False
    #: Can replace a graph and update metadata in one atomic step.
    supports_transactions: ClassVar[bool] = False

    @abstractmethod
    def query(
        self, sparql: str, *, bindings: Mapping[str, Identifier] | None = None
    ) -> QueryResult:
        """Run a SPARQL query over the union default graph, with ``bindings`` as typed terms."""

    @abstractmethod
    def update(self, sparql_update: str) -> None:
        """Run a SPARQL 1.1 Update request as one transaction."""

    @abstractmethod
    def replace_graph(
        self,
        graph_iri: str,
        data: Graph | NTriples,
        *,
        metadata: Graph | None = None,
        metadata_graph: str | None = None,
    ) -> None:
        """Atomically replace the named graph ``graph_iri`` with ``data`` (an rdflib graph, or
        N-Triples text for large computed graphs, which rdflib takes seconds to build).

        When ``metadata`` is given, the statements in ``metadata_graph`` whose subject is
        ``graph_iri`` or one of its ``#`` fragments are replaced by ``metadata`` in the same step,
        so provenance never disagrees with the data it describes.
        """

    @abstractmethod
    def graph_sizes(self) -> dict[str, int]:
        """Number of triples in each named graph (and ``""`` for the default graph if non-empty)."""

    @abstractmethod
    def dump(self, fmt: RdfSerialization) -> bytes:
        """Serialise the whole dataset (quad formats) or the union graph (triple formats)."""

    @abstractmethod
    def quads(self) -> Iterator[tuple[Identifier, Identifier, Identifier, Identifier | None]]:
        """Every quad in the store, as rdflib terms (graph ``None`` for the default graph)."""

    @abstractmethod
    def endpoint_runner(self, *, workers: int, in_memory: bool = True) -> QueryRunner:
        """The runner for SPARQL endpoint queries, whose time limit really stops a query.

        ``in_memory`` lets a backend that can copy its data into each worker's memory do so.
        """

    @abstractmethod
    def __len__(self) -> int:
        """Number of quads in the store."""

    def close(self) -> None:  # noqa: B027 - optional hook, not abstract
        """Release resources (locks, connections)."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
