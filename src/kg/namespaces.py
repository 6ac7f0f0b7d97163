"""RDF namespaces used across ClusterKG, defined once.

The ontology and its fixed code lists live in stable namespaces; only minted *data* IRIs follow
``KG_BASE_IRI`` (see :mod:`kg.config` and :func:`kg.iris.mint`).
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, VOID, XSD

CKG = Namespace("https://w3id.org/clusterkg/ontology#")
CKGC = Namespace("https://w3id.org/clusterkg/concept/")
KET = Namespace("https://w3id.org/clusterkg/ket/")
ATI = Namespace("https://w3id.org/clusterkg/ati/")
SCHEME = Namespace("https://w3id.org/clusterkg/scheme/")
NUTS = Namespace("http://data.europa.eu/nuts/code/")
NUTS_SCHEME = "http://data.europa.eu/nuts"
NACE = Namespace("http://data.europa.eu/ux2/nace2/")
ESV = Namespace("http://data.europa.eu/8mn/euroscivoc/")
EURIO = Namespace("http://data.europa.eu/s66#")
QB = Namespace("http://purl.org/linked-data/cube#")
SDMX_DIMENSION = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
SDMX_ATTRIBUTE = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
SCHEMA = Namespace("https://schema.org/")
SH = Namespace("http://www.w3.org/ns/shacl#")

_NAMESPACES: dict[str, object] = {
    "ckg": CKG,
    "ckgc": CKGC,
    "ket": KET,
    "ati": ATI,
    "scheme": SCHEME,
    "nuts": NUTS,
    "nace": NACE,
    "esv": ESV,
    "eurio": EURIO,
    "qb": QB,
    "sdmx-dimension": SDMX_DIMENSION,
    "sdmx-measure": SDMX_MEASURE,
    "sdmx-attribute": SDMX_ATTRIBUTE,
    "spdx": SPDX,
    "schema": SCHEMA,
    "sh": SH,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "org": ORG,
    "dct": DCTERMS,
    "dcat": DCAT,
    "prov": PROV,
    "foaf": FOAF,
    "void": VOID,
}
#: Prefixes bound when serialising and predeclared for every query.
PREFIXES: dict[str, str] = {name: str(namespace) for name, namespace in _NAMESPACES.items()}


def curie(iri: str) -> str:
    """Shorten an IRI with the project's prefixes, when one fits.

    >>> curie("https://w3id.org/clusterkg/ontology#Region")
    'ckg:Region'
    """
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(str(namespace)) and len(iri) > len(str(namespace)):
            return f"{prefix}:{iri[len(str(namespace)) :]}"
    return iri
