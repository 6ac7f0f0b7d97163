"""The embedded store: persistence, union default graph, atomic replace, typed bindings."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from kg.errors import InvalidInput, InvalidQuery, StoreUnavailable
from kg.store import EmbeddedStore, RdfSerialization, ResultFormat, embedded

EX = "https://example.org/"
G1, G2, META = f"{EX}graph/one", f"{EX}graph/two", f"{EX}graph/meta"


def graph_of(*labels: str) -> Graph:
    g = Graph()
    for label in labels:
        g.add((URIRef(EX + label), RDFS.label, Literal(label)))
    return g


def labels(store: EmbeddedStore, query: str) -> list[str]:
    return sorted(str(row["l"]) for row in store.query(query).rows)


def test_default_graph_is_the_union_and_graph_addresses_one_source(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "s") as store:
        store.replace_graph(G1, graph_of("a"))
        store.replace_graph(G2, graph_of("b"))
        assert labels(store, "SELECT ?l WHERE { ?s ?p ?l }") == ["a", "b"]
        assert labels(store, f"SELECT ?l WHERE {{ GRAPH <{G2}> {{ ?s ?p ?l }} }}") == ["b"]


def test_replace_graph_replaces_and_leaves_other_graphs(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "s") as store:
        store.replace_graph(G1, graph_of("a", "b"))
        store.replace_graph(G2, graph_of("c"))
        store.replace_graph(G1, graph_of("z"))
        assert store.graph_sizes() == {G1: 1, G2: 1}
        store.replace_graph(G1, Graph())
        assert store.graph_sizes() == {G2: 1}


def test_metadata_is_replaced_with_its_graph(tmp_path: Path) -> None:
    def meta(count: int) -> Graph:
        g = Graph()
        g.add((URIRef(G1), RDFS.comment, Literal(count)))
        g.add((URIRef(G1 + "#ingest"), RDFS.comment, Literal(count)))
        return g

    with EmbeddedStore(tmp_path / "s") as store:
        store.replace_graph(G2, graph_of("x"), metadata=graph_of("other"), metadata_graph=META)
        store.replace_graph(G1, graph_of("a"), metadata=meta(1), metadata_graph=META)
        store.replace_graph(G1, graph_of("a"), metadata=meta(2), metadata_graph=META)
        rows = store.query(f"SELECT ?s ?c WHERE {{ GRAPH <{META}> {{ ?s <{RDFS.comment}> ?c }} }}")
        assert sorted((str(r["s"]), int(r["c"])) for r in rows.rows) == [
            (G1, 2),
            (G1 + "#ingest", 2),
        ]
        # the other source's metadata is untouched
        assert store.graph_sizes()[META] == 3


def test_unwritable_data_is_rejected_and_the_previous_graph_kept(tmp_path: Path) -> None:
    broken = graph_of("new")
    broken.add((URIRef(EX + "has space"), RDFS.label, Literal("x")))  # not a valid IRI
    with EmbeddedStore(tmp_path / "s") as store:
        store.replace_graph(G1, graph_of("kept"))
        with pytest.raises(InvalidInput, match="cannot write"):
            store.replace_graph(G1, broken)
        assert labels(store, "SELECT ?l WHERE { ?s ?p ?l }") == ["kept"]


def test_failing_update_leaves_data_and_metadata_as_they_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with EmbeddedStore(tmp_path / "s") as store:
        store.replace_graph(G1, graph_of("kept"), metadata=graph_of("m"), metadata_graph=META)
        before = sorted(store.quads())
        # the last operation of the request (the metadata insert) is broken: nothing may change
        real_insert = embedded.insert_data
        monkeypatch.setattr(
            embedded,
            "insert_data",
            lambda g, d: real_insert(g, d) if g == G1 else "INSERT DATA { broken",
        )
        with pytest.raises(StoreUnavailable, match="could not replace"):
            store.replace_graph(G1, graph_of("new"), metadata=graph_of("m2"), metadata_graph=META)
        assert sorted(store.quads()) == before


def test_store_persists_on_disk(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "s") as store:
        store.replace_graph(G1, graph_of("a"))
    with EmbeddedStore(tmp_path / "s") as reopened:
        assert len(reopened) == 1


def test_read_only_store_opens_beside_a_writer(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "s") as writer:
        writer.replace_graph(G1, graph_of("a"))
        writer.close()
        with EmbeddedStore(tmp_path / "s", read_only=True) as reader:
            assert len(reader) == 1


def test_second_writer_gets_a_clear_error(tmp_path: Path) -> None:
    with (
        EmbeddedStore(tmp_path / "s"),
        pytest.raises(StoreUnavailable, match="another `kg` process"),
    ):
        EmbeddedStore(tmp_path / "s")


def test_bindings_are_typed_terms_not_text(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "s") as store:
        store.replace_graph(G1, graph_of("a", "b"))
        # pyoxigraph substitutes only variables in the projection (SEP-0007)
        query = "SELECT ?s ?label WHERE { ?s ?p ?label }"
        rows = store.query(query, bindings={"label": Literal("a")}).rows
        assert [str(r["s"]) for r in rows] == [EX + "a"]
        # a would-be injection is just a literal that matches nothing
        injected = store.query(query, bindings={"label": Literal('a" } ?s ?p ?o {')}).rows
        assert injected == []


def test_malformed_sparql_is_an_invalid_query(tmp_path: Path) -> None:
    with (
        EmbeddedStore(tmp_path / "s") as store,
        pytest.raises(InvalidQuery, match="does not parse"),
    ):
        store.query("SELECT ?s WHERE { ?s ?p }")


def test_results_serialise_as_w3c_formats(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "s") as store:
        store.replace_graph(G1, graph_of("a"))
        result = store.query("SELECT ?s ?l WHERE { ?s ?p ?l }")
        assert result.serialize(ResultFormat.CSV) == f"s,l\r\n{EX}a,a\r\n"
        assert '"type": "uri"' in result.serialize(ResultFormat.JSON)
        assert store.query("ASK { ?s ?p 'a' }").boolean is True


def test_dump_keeps_graph_names_in_quad_formats(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "s") as store:
        store.replace_graph(G1, graph_of("a"))
        assert f"<{G1}>".encode() in store.dump(RdfSerialization.NQUADS)
        turtle = store.dump(RdfSerialization.TURTLE)
        assert len(Graph().parse(data=turtle, format="turtle")) == 1
