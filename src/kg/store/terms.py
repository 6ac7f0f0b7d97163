"""Conversion between rdflib and pyoxigraph RDF terms.

rdflib is the lingua franca above the store (mapping, SHACL); pyoxigraph is the embedded engine.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier, Node

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal


def to_oxigraph(term: Node) -> OxTerm:
    """Convert an rdflib term to a pyoxigraph term.

    >>> to_oxigraph(Literal("Marche", lang="it"))
    <Literal value=Marche language=it>
    """
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot convert {term!r} to a pyoxigraph term")


def to_rdflib(term: object) -> Identifier:
    """Convert a pyoxigraph term to an rdflib term.

    >>> to_rdflib(ox.NamedNode("http://data.europa.eu/nuts/code/ITI3"))
    rdflib.term.URIRef('http://data.europa.eu/nuts/code/ITI3')
    """
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"cannot convert {term!r} to an rdflib term")
