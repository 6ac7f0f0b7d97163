"""The project's published JSON-LD context (served at ``/context.jsonld``) and compaction with it.

Every JSON-LD document ClusterKG returns refers to this context by URL, so clients see short,
stable keys and can expand them back to full IRIs with any JSON-LD processor.
"""

from __future__ import annotations

import json
from typing import Any

from pyld import jsonld
from rdflib import Graph

from kg.namespaces import PREFIXES
from kg.sparql.formats import JSONLD, RDFLIB_SERIALIZERS

#: Path of the context under the service; documents refer to it by absolute URL.
CONTEXT_PATH = "/context.jsonld"

#: Stand-ins for EuroSciVoc concepts (see ``ontology/README.md``); not a query prefix, but their
#: IRIs are common enough in documents to deserve a short form.
_EXTRA_PREFIXES = {"esvc": "https://w3id.org/clusterkg/euroscivoc/"}

#: Marks a term whose values are IRIs (``{"@type": "@id"}``), so they compact to plain strings.
_IRI = "@id"

#: Short terms for the common properties: name → (property, type of its values). A type of
#: ``None`` leaves literals as they are: strings, or ``{"@value", "@language"}`` objects. No term
#: uses ``@container: @language``, so a document's shape does not depend on its languages.
_TERMS: dict[str, tuple[str, str | None]] = {
    "label": ("rdfs:label", None),
    "comment": ("rdfs:comment", None),
    "seeAlso": ("rdfs:seeAlso", _IRI),
    "isDefinedBy": ("rdfs:isDefinedBy", _IRI),
    "prefLabel": ("skos:prefLabel", None),
    "altLabel": ("skos:altLabel", None),
    "notation": ("skos:notation", None),
    "definition": ("skos:definition", None),
    "scopeNote": ("skos:scopeNote", None),
    "editorialNote": ("skos:editorialNote", None),
    "inScheme": ("skos:inScheme", _IRI),
    "topConceptOf": ("skos:topConceptOf", _IRI),
    "hasTopConcept": ("skos:hasTopConcept", _IRI),
    "broader": ("skos:broader", _IRI),
    "narrower": ("skos:narrower", _IRI),
    "exactMatch": ("skos:exactMatch", _IRI),
    "closeMatch": ("skos:closeMatch", _IRI),
    "broadMatch": ("skos:broadMatch", _IRI),
    "narrowMatch": ("skos:narrowMatch", _IRI),
    "relatedMatch": ("skos:relatedMatch", _IRI),
    "title": ("dct:title", None),
    "description": ("dct:description", None),
    "identifier": ("dct:identifier", None),
    "source": ("dct:source", _IRI),
    "temporal": ("dct:temporal", _IRI),
    "isReplacedBy": ("dct:isReplacedBy", _IRI),
    "license": ("dct:license", _IRI),
    "startDate": ("dcat:startDate", "xsd:date"),
    "endDate": ("dcat:endDate", "xsd:date"),
    "homepage": ("foaf:homepage", _IRI),
    "member": ("org:member", _IRI),
    "hasMember": ("org:hasMember", _IRI),
    "organization": ("org:organization", _IRI),
    "role": ("org:role", _IRI),
    "region": ("ckg:region", _IRI),
    "currentRegion": ("ckg:currentRegion", _IRI),
    "country": ("ckg:country", _IRI),
    "nutsLevel": ("ckg:nutsLevel", "xsd:integer"),
    "naceSector": ("ckg:naceSector", _IRI),
    "technology": ("ckg:technology", _IRI),
    "derivedTechnology": ("ckg:derivedTechnology", _IRI),
    "scientificDomain": ("ckg:scientificDomain", _IRI),
    "economicDomain": ("ckg:economicDomain", _IRI),
    "helixType": ("ckg:helixType", _IRI),
    "strategy": ("ckg:strategy", _IRI),
    "hasPriority": ("ckg:hasPriority", _IRI),
    "programme": ("ckg:programme", _IRI),
    "fund": ("ckg:fund", _IRI),
    "thematicArea": ("ckg:thematicArea", _IRI),
    "leadPartner": ("ckg:leadPartner", _IRI),
    "hasPartnerRole": ("ckg:hasPartnerRole", _IRI),
    "memberCount": ("ckg:memberCount", "xsd:integer"),
    "partnerCount": ("ckg:partnerCount", "xsd:integer"),
    "countryCount": ("ckg:countryCount", "xsd:integer"),
    "aim": ("ckg:aim", None),
    "sourceQuote": ("ckg:sourceQuote", None),
    "indicator": ("ckg:indicator", _IRI),
    "dataSet": ("qb:dataSet", _IRI),
    "refArea": ("sdmx-dimension:refArea", _IRI),
    "refPeriod": ("sdmx-dimension:refPeriod", "xsd:gYear"),
    "obsValue": ("sdmx-measure:obsValue", "xsd:decimal"),
    "unitMeasure": ("sdmx-attribute:unitMeasure", None),
    "economicActivity": ("ckg:economicActivity", _IRI),
    "observationFlag": ("ckg:observationFlag", None),
    "wasDerivedFrom": ("prov:wasDerivedFrom", _IRI),
    "wasGeneratedBy": ("prov:wasGeneratedBy", _IRI),
    "score": ("ckg:score", "xsd:decimal"),
    "stars": ("ckg:stars", "xsd:integer"),
    "componentCount": ("ckg:componentCount", "xsd:integer"),
    "hasComponent": ("ckg:hasComponent", _IRI),
    "componentKind": ("ckg:componentKind", _IRI),
    "status": ("ckg:status", None),
    "weight": ("ckg:weight", "xsd:decimal"),
    "value": ("ckg:value", "xsd:decimal"),
    "percentile": ("ckg:percentile", "xsd:decimal"),
    "publishedRegion": ("ckg:publishedRegion", _IRI),
    "referenceYear": ("ckg:referenceYear", "xsd:gYear"),
}


def _definition(prop: str, value_type: str | None) -> str | dict[str, str]:
    """A term definition: the bare property, or the property with the type of its values."""
    return prop if value_type is None else {"@id": prop, "@type": value_type}


def context_terms() -> dict[str, Any]:
    """The term definitions of the context: prefixes, ``id``/``type`` aliases and short terms.

    >>> context_terms()["prefLabel"]
    'skos:prefLabel'
    >>> context_terms()["region"]
    {'@id': 'ckg:region', '@type': '@id'}
    """
    terms: dict[str, Any] = {"@version": 1.1, "id": "@id", "type": "@type"}
    terms.update(PREFIXES)
    terms.update(_EXTRA_PREFIXES)
    terms.update({name: _definition(*spec) for name, spec in _TERMS.items()})
    return terms


def context_document() -> dict[str, Any]:
    """The document served at :data:`CONTEXT_PATH`."""
    return {"@context": context_terms()}


def compact_graph(graph: Graph, context_url: str) -> dict[str, Any]:
    """Compact ``graph`` with the in-memory context, then refer to the context by ``context_url``.

    Compaction never fetches anything: the context is passed as a document, not a URL, and the
    result names ``context_url`` only so that clients can expand it again.
    """
    # Sorted N-Triples make the output (the order of array members) the same on every request.
    lines = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
    expanded = jsonld.from_rdf("\n".join(sorted(lines)) + "\n", {"format": "application/n-quads"})
    compacted: dict[str, Any] = jsonld.compact(expanded, {"@context": context_terms()})
    compacted["@context"] = context_url
    return compacted


def context_url(base_url: str) -> str:
    """Absolute URL of the published context on the service whose base URL is ``base_url``.

    >>> context_url("http://127.0.0.1:8000/")
    'http://127.0.0.1:8000/context.jsonld'
    """
    return base_url.rstrip("/") + CONTEXT_PATH


def serialize_graph(graph: Graph, media_type: str, base_url: str) -> bytes:
    """``graph`` in an RDF media type; JSON-LD compacted with the context of ``base_url``."""
    if media_type == JSONLD:
        document = compact_graph(graph, context_url(base_url))
        return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
    return graph.serialize(format=RDFLIB_SERIALIZERS[media_type], encoding="utf-8")
