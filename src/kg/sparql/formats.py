"""Media types of SPARQL answers and content negotiation over them.

Result sets (SELECT/ASK) and graphs (CONSTRUCT/DESCRIBE) have separate families; the query form
picks the family, then ``Accept`` (with q-values) or a ``format=`` parameter picks the type.
"""

from __future__ import annotations

import mimeparse

from kg.errors import InvalidInput, NotAcceptable

SPARQL_JSON = "application/sparql-results+json"
SPARQL_XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
TURTLE = "text/turtle"
NTRIPLES = "application/n-triples"
NQUADS = "application/n-quads"
TRIG = "application/trig"
JSONLD = "application/ld+json"
RDFXML = "application/rdf+xml"
HTML = "text/html"

#: Result-set types a client may ask for → the type answered. Least preferred first: on equal
#: q-values mimeparse picks the *last* match, so ``*/*`` gets SPARQL JSON.
RESULT_TYPES: dict[str, str] = {
    "application/xml": SPARQL_XML,
    TSV: TSV,
    CSV: CSV,
    SPARQL_XML: SPARQL_XML,
    "application/json": SPARQL_JSON,
    SPARQL_JSON: SPARQL_JSON,
}
#: Graph types a client may ask for → the type answered. Turtle is the default.
GRAPH_TYPES: dict[str, str] = {
    "application/xml": RDFXML,
    TRIG: TRIG,
    NQUADS: NQUADS,
    RDFXML: RDFXML,
    "application/json": JSONLD,
    JSONLD: JSONLD,
    "text/plain": NTRIPLES,
    NTRIPLES: NTRIPLES,
    "application/x-turtle": TURTLE,
    TURTLE: TURTLE,
}
#: Descriptions (service description, ontology, dataset): RDF or, for browsers, a page. Least
#: preferred first, so ``*/*`` gets Turtle and a browser (``text/html`` at q=1) the page.
DESCRIPTION_TYPES: dict[str, str] = {
    "application/xml": RDFXML,
    "application/json": JSONLD,
    "text/plain": NTRIPLES,
    "application/x-turtle": TURTLE,
    RDFXML: RDFXML,
    NTRIPLES: NTRIPLES,
    JSONLD: JSONLD,
    HTML: HTML,
    TURTLE: TURTLE,
}
DESCRIPTION_FORMAT_NAMES: dict[str, str] = {
    "ttl": TURTLE,
    "rdfxml": RDFXML,
    "nt": NTRIPLES,
    "jsonld": JSONLD,
    "html": HTML,
}
#: Media type → rdflib serializer, for graphs built in Python (JSON-LD is compacted instead, see
#: :func:`kg.jsonld.serialize_graph`). RDF/XML is rdflib's plain ``xml``: its ``pretty-xml``
#: sometimes writes ``owl:members`` lists twice, depending on hash order.
RDFLIB_SERIALIZERS: dict[str, str] = {TURTLE: "turtle", RDFXML: "xml", NTRIPLES: "nt"}

#: ``format=`` names (the fallback for clients that cannot set ``Accept``).
RESULT_FORMAT_NAMES: dict[str, str] = {
    "json": SPARQL_JSON,
    "xml": SPARQL_XML,
    "csv": CSV,
    "tsv": TSV,
}
GRAPH_FORMAT_NAMES: dict[str, str] = {
    "ttl": TURTLE,
    "turtle": TURTLE,
    "nt": NTRIPLES,
    "ntriples": NTRIPLES,
    "nq": NQUADS,
    "trig": TRIG,
    "jsonld": JSONLD,
    "json": JSONLD,
    "rdfxml": RDFXML,
    "xml": RDFXML,
    # The names SPARQLWrapper sends in format=/output=/results= for graph answers.
    "n3": TURTLE,
    "rdf": RDFXML,
    "rdf+xml": RDFXML,
    "json-ld": JSONLD,
}


def negotiate(
    offered: dict[str, str],
    accept: str | None,
    format_name: str | None = None,
    format_names: dict[str, str] | None = None,
) -> str:
    """The media type to answer with, from ``format=`` if given, else from ``Accept``.

    ``offered`` maps acceptable types to the type answered, least preferred first.

    >>> negotiate(RESULT_TYPES, "text/csv;q=0.5, application/sparql-results+xml")
    'application/sparql-results+xml'
    >>> negotiate(GRAPH_TYPES, None)
    'text/turtle'
    """
    if format_name and "/" in format_name:
        # Some clients put a media type in format= (as Virtuoso accepts): read it as Accept.
        accept, format_name = format_name, None
    if format_name:
        names = format_names or {}
        if format_name not in names:
            raise NotAcceptable(
                f"format={format_name!r} is not offered here; use one of: {', '.join(names)}",
                offered=sorted(set(names.values())),
            )
        return names[format_name]
    header = (accept or "").strip() or "*/*"
    try:
        best = mimeparse.best_match(list(offered), header)
    except (ValueError, mimeparse.MimeTypeParseException) as exc:
        raise InvalidInput(f"the Accept header cannot be read: {header!r} ({exc})") from exc
    if not best:
        available = sorted(set(offered.values()))
        raise NotAcceptable(
            f"none of the requested types ({header}) can be produced here; available: "
            f"{', '.join(available)}",
            offered=available,
        )
    return offered[best]
