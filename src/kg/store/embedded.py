"""Embedded backend: pyoxigraph on disk (or in memory when no path is given)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import ClassVar

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Identifier

from kg.errors import InvalidInput, InvalidQuery, StoreUnavailable
from kg.namespaces import PREFIXES
from kg.store.base import NTriples, QueryResult, RdfSerialization, Store
from kg.store.runner import InProcessRunner, QueryRunner, WorkerPoolRunner
from kg.store.terms import to_oxigraph, to_rdflib

_RDF_FORMATS: dict[RdfSerialization, ox.RdfFormat] = {
    RdfSerialization.TURTLE: ox.RdfFormat.TURTLE,
    RdfSerialization.NTRIPLES: ox.RdfFormat.N_TRIPLES,
    RdfSerialization.NQUADS: ox.RdfFormat.N_QUADS,
    RdfSerialization.TRIG: ox.RdfFormat.TRIG,
    RdfSerialization.JSONLD: ox.RdfFormat.JSON_LD,
    RdfSerialization.RDFXML: ox.RdfFormat.RDF_XML,
}
#: Prefixes every query may use without declaring them (a query's own PREFIX lines win).
_PREFIXES = {name: str(namespace) for name, namespace in PREFIXES.items()}
_QUAD_FORMATS = {RdfSerialization.NQUADS, RdfSerialization.TRIG}


class EmbeddedStore(Store):
    """A pyoxigraph store. On disk it is persistent and locked to one writing process."""

    supports_substitutions: ClassVar[bool] = True
    supports_transactions: ClassVar[bool] = True

    def __init__(self, path: Path | None = None, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(path))
            else:
                path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(path))
        except OSError as exc:
            raise StoreUnavailable(
                f"cannot open the store at {path}: {exc}. Is another `kg` process (for example "
                "`kg serve`) using it? Stop it or point KG_STORE_PATH elsewhere."
            ) from exc

    def query(
        self, sparql: str, *, bindings: Mapping[str, Identifier] | None = None
    ) -> QueryResult:
        substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
            ox.Variable(name): to_oxigraph(term) for name, term in (bindings or {}).items()
        }
        try:
            result = self._store.query(
                sparql,
                use_default_graph_as_union=True,
                substitutions=substitutions or None,
                prefixes=_PREFIXES,
            )
        except SyntaxError as exc:
            raise InvalidQuery(f"the query does not parse: {exc}") from exc
        except (OSError, RuntimeError, ValueError) as exc:
            raise InvalidQuery(f"the query could not run: {exc}") from exc
        if isinstance(result, ox.QueryBoolean):
            return QueryResult(kind="ask", boolean=bool(result))
        if isinstance(result, ox.QuerySolutions):
            variables = [v.value for v in result.variables]
            rows = [
                {
                    name: to_rdflib(solution[name])
                    for name in variables
                    if solution[name] is not None
                }
                for solution in result
            ]
            return QueryResult(kind="select", variables=variables, rows=rows)
        graph = Graph()
        for triple in result:
            graph.add(
                (to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object))
            )
        return QueryResult(kind="graph", graph=graph)

    def update(self, sparql_update: str) -> None:
        try:
            self._store.update(sparql_update, prefixes=_PREFIXES)
        except SyntaxError as exc:
            raise InvalidQuery(f"the update does not parse: {exc}") from exc
        except (OSError, ValueError, RuntimeError) as exc:
            # Evaluation failures of the request itself (a LOAD that cannot fetch, a bad IRI).
            raise InvalidQuery(f"the update could not run: {exc}") from exc

    def replace_graph(
        self,
        graph_iri: str,
        data: Graph | NTriples,
        *,
        metadata: Graph | None = None,
        metadata_graph: str | None = None,
    ) -> None:
        if metadata is not None and metadata_graph is None:
            raise ValueError("metadata_graph is required with metadata")
        # One update request is one transaction in Oxigraph: readers see the old graph or the
        # new one, never a mix, and a failure leaves the old one in place. (A staging graph plus
        # MOVE was no faster and would show the staging copy in the union default graph.)
        operations = [f"DROP SILENT GRAPH <{graph_iri}>"]
        if len(data):
            operations.append(insert_data(graph_iri, data))
        if metadata is not None:
            operations.append(
                f"DELETE {{ GRAPH <{metadata_graph}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH "
                f"<{metadata_graph}> {{ ?s ?p ?o FILTER(?s = <{graph_iri}> || "
                f'STRSTARTS(STR(?s), "{graph_iri}#")) }} }}'
            )
            operations.append(insert_data(str(metadata_graph), metadata))
        try:
            self._store.update(" ;\n".join(operations))
        except (SyntaxError, OSError) as exc:
            raise StoreUnavailable(f"could not replace graph <{graph_iri}>: {exc}") from exc

    def graph_sizes(self) -> dict[str, int]:
        result = self._store.query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
        )
        assert isinstance(result, ox.QuerySolutions)  # noqa: S101 - a SELECT yields solutions
        sizes = {str(row["g"].value): int(row["n"].value) for row in result}
        default = sum(1 for _ in self._store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        if default:
            sizes[""] = default
        return sizes

    def dump(self, fmt: RdfSerialization) -> bytes:
        if fmt in _QUAD_FORMATS:
            return self._store.dump(format=_RDF_FORMATS[fmt]) or b""
        # Triple formats cannot carry graph names: serialise the union of all graphs.
        union = ox.Store()
        union.extend(ox.Quad(q.subject, q.predicate, q.object) for q in self._store)
        return union.dump(format=_RDF_FORMATS[fmt], from_graph=ox.DefaultGraph()) or b""

    def quads(self) -> Iterator[tuple[Identifier, Identifier, Identifier, Identifier | None]]:
        for quad in self._store:
            graph = (
                None if isinstance(quad.graph_name, ox.DefaultGraph) else to_rdflib(quad.graph_name)
            )
            yield to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object), graph

    def snapshot(self, target: Path) -> None:
        """Write a consistent read-only copy of the store to ``target`` (hard links: cheap)."""
        self._store.backup(str(target))

    def endpoint_runner(self, *, workers: int, in_memory: bool = True) -> QueryRunner:
        if self.path is None or self.read_only:
            # An in-memory store cannot be shared with worker processes (nor can a read-only
            # one be snapshotted while its writer runs): queries run in the calling thread.
            return InProcessRunner(self._store)
        snapshots = self.path.with_name(self.path.name + ".snapshots")
        return WorkerPoolRunner(self.snapshot, snapshots, workers, in_memory=in_memory)

    def __len__(self) -> int:
        return len(self._store)

    def close(self) -> None:
        store = getattr(self, "_store", None)
        if store is None:
            return
        if not self.read_only:
            store.flush()
        # Dropping the last reference closes RocksDB and releases the directory lock.
        del self._store


def insert_data(graph_iri: str, data: Graph | NTriples) -> str:
    """An ``INSERT DATA`` operation for ``data`` (N-Triples lines are valid SPARQL triples)."""
    if isinstance(data, NTriples):
        return f"INSERT DATA {{ GRAPH <{graph_iri}> {{\n{data}\n}} }}"
    try:
        triples = data.serialize(format="nt", encoding="utf-8").decode("utf-8")
    except Exception as exc:  # rdflib raises a bare Exception for IRIs it cannot write
        raise InvalidInput(f"cannot write the data for <{graph_iri}>: {exc}") from exc
    return f"INSERT DATA {{ GRAPH <{graph_iri}> {{\n{triples}\n}} }}"
