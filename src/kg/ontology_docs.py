"""The ontology as served at ``/ontology``: its RDF serialisations and a documentation page.

The ontology files (``ontology/*.ttl``) are parsed once per directory and kept: the page and the
serialisations do not depend on the store, so ``/ontology`` answers even while the store is being
rebuilt. The page model (:class:`OntologyPage`) is plain data built from the rdflib graph; the
Jinja2 template ``ontology.html`` only lays it out.

Every documented term has an anchor: the local name for terms of the ClusterKG namespace (so the
term IRI ``https://w3id.org/clusterkg/ontology#Region`` and ``/ontology#Region`` agree), a CURIE
such as ``skos:Concept`` or ``ket:photonics`` for everything else.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from kg.jsonld import CONTEXT_PATH, compact_graph
from kg.namespaces import CKG, PREFIXES
from kg.ontology import ONTOLOGY_IRI, load_ontology_graph, ontology_files
from kg.sparql.formats import RDFLIB_SERIALIZERS

__all__ = [
    "Concept",
    "ConceptScheme",
    "Link",
    "OntologyDocument",
    "OntologyPage",
    "Term",
    "Vocabulary",
    "ontology_document",
]

VANN_PREFIX = URIRef("http://purl.org/vocab/vann/preferredNamespacePrefix")
VANN_URI = URIRef("http://purl.org/vocab/vann/preferredNamespaceUri")

#: Titles of the vocabularies the ontology reuses, for the page (namespace → title).
VOCABULARY_TITLES: dict[str, str] = {
    "http://www.w3.org/ns/org#": "W3C Organization Ontology",
    "http://www.w3.org/2004/02/skos/core#": "SKOS Simple Knowledge Organization System",
    "http://www.w3.org/ns/prov#": "PROV-O: the PROV Ontology",
    "http://www.w3.org/ns/dcat#": "DCAT: Data Catalog Vocabulary",
    "http://purl.org/dc/terms/": "DCMI Metadata Terms",
    "http://purl.org/linked-data/cube#": "RDF Data Cube Vocabulary",
    "http://purl.org/linked-data/sdmx/2009/dimension#": "SDMX-RDF dimensions",
    "http://purl.org/linked-data/sdmx/2009/measure#": "SDMX-RDF measures",
    "http://purl.org/linked-data/sdmx/2009/attribute#": "SDMX-RDF attributes",
    "http://xmlns.com/foaf/0.1/": "FOAF",
    "http://purl.org/vocab/vann/": "VANN: vocabulary for annotating vocabulary descriptions",
}

#: The kinds of term the page has a section for, in page order: (rdf:type, heading, kind).
TERM_KINDS: tuple[tuple[URIRef, str, str], ...] = (
    (OWL.Class, "Classes", "class"),
    (OWL.ObjectProperty, "Object properties", "object property"),
    (OWL.DatatypeProperty, "Datatype properties", "datatype property"),
    (OWL.AnnotationProperty, "Annotation properties", "annotation property"),
)
#: Property characteristics worth a word on the page.
CHARACTERISTICS: tuple[tuple[URIRef, str], ...] = (
    (OWL.FunctionalProperty, "functional"),
    (OWL.InverseFunctionalProperty, "inverse functional"),
    (OWL.TransitiveProperty, "transitive"),
    (OWL.SymmetricProperty, "symmetric"),
    (OWL.AsymmetricProperty, "asymmetric"),
    (OWL.ReflexiveProperty, "reflexive"),
    (OWL.IrreflexiveProperty, "irreflexive"),
)
MAPPINGS: tuple[tuple[URIRef, str], ...] = (
    (SKOS.exactMatch, "Exact match"),
    (SKOS.closeMatch, "Close match"),
    (SKOS.broadMatch, "Broad match"),
    (SKOS.narrowMatch, "Narrow match"),
    (SKOS.relatedMatch, "Related match"),
)


@dataclass(frozen=True)
class Link:
    """A term as shown on the page: short text, where it leads, and its full IRI."""

    text: str
    href: str | None = None
    iri: str | None = None


@dataclass(frozen=True)
class Term:
    """One documented class or property."""

    iri: str
    anchor: str
    curie: str
    label: str
    kind: str
    comment: str = ""
    other_labels: tuple[tuple[str, str], ...] = ()
    #: (heading, links) rows: superclasses, domain, range, inverse, …; empty rows are left out.
    facts: tuple[tuple[str, tuple[Link, ...]], ...] = ()


@dataclass(frozen=True)
class Concept:
    """A concept of a scheme; ``first`` is False where it was already listed under another
    scheme (the page then links to that listing instead of repeating the anchor)."""

    iri: str
    anchor: str
    first: bool
    curie: str
    label: str
    notation: str = ""
    definition: str = ""
    mappings: tuple[tuple[str, tuple[Link, ...]], ...] = ()


@dataclass(frozen=True)
class ConceptScheme:
    """A SKOS concept scheme of the ontology files (KETs, ATIs, code lists) and its concepts."""

    term: Term
    concepts: tuple[Concept, ...]


@dataclass(frozen=True)
class Vocabulary:
    """A reused vocabulary: its namespace and the terms of it the ontology declares."""

    namespace: str
    prefix: str
    title: str
    terms: tuple[Term, ...]


@dataclass(frozen=True)
class OntologyPage:
    """Everything the documentation page shows, built once from the ontology graph."""

    iri: str
    title: str
    description: str
    metadata: tuple[tuple[str, tuple[Link, ...]], ...]
    #: (section heading, anchor of the section, terms), in :data:`TERM_KINDS` order.
    sections: tuple[tuple[str, str, tuple[Term, ...]], ...]
    schemes: tuple[ConceptScheme, ...]
    vocabularies: tuple[Vocabulary, ...]
    triples: int


@dataclass(frozen=True)
class OntologyDocument:
    """The parsed ontology files, their page model and their serialisations, made once."""

    graph: Graph
    page: OntologyPage
    #: Media type (a key of :data:`RDFLIB_SERIALIZERS`) → the ontology serialised in it.
    serialized: dict[str, bytes] = field(repr=False)
    #: The ontology compacted with the project's JSON-LD context (``@context`` set per request).
    compacted: dict[str, Any] = field(repr=False)

    def jsonld(self, context_url: str) -> bytes:
        """The ontology as JSON-LD that refers to the context at ``context_url``."""
        document = {**self.compacted, "@context": context_url}
        return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def _serialize(graph: Graph, media_type: str) -> bytes:
    return graph.serialize(format=RDFLIB_SERIALIZERS[media_type], encoding="utf-8")


@lru_cache(maxsize=4)
def ontology_document(ontology_dir: Path) -> OntologyDocument:
    """Parse the ontology files of ``ontology_dir`` once and build the page model.

    Cached per directory: the files are part of the release, not data that changes at run time
    (the service warms this cache at start-up).

    >>> doc = ontology_document(Path(__file__).resolve().parents[2] / "ontology")
    >>> [t.anchor for t in doc.page.sections[0][2] if t.anchor == "Region"]
    ['Region']
    """
    graph = load_ontology_graph(ontology_files(ontology_dir))
    # Serialised up front (about a second, at start-up): requests then only copy bytes.
    serialized = {media_type: _serialize(graph, media_type) for media_type in RDFLIB_SERIALIZERS}
    return OntologyDocument(
        graph=graph,
        page=_PageBuilder(graph).build(),
        serialized=serialized,
        compacted=compact_graph(graph, CONTEXT_PATH),
    )


class _PageBuilder:
    """Reads the ontology graph into an :class:`OntologyPage`."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        # The project's prefixes first, then those the files declare (vann:, esvc:), longest
        # namespace first so that the most specific prefix wins.
        prefixes = dict(PREFIXES)
        for prefix, namespace in graph.namespaces():
            prefixes.setdefault(prefix, str(namespace))
        self.prefixes = sorted(prefixes.items(), key=lambda item: -len(item[1]))
        self.documented = self._documented_anchors()

    # --- naming -----------------------------------------------------------------------------

    def curie(self, iri: str) -> str:
        """The shortest CURIE for ``iri`` with a known prefix, or the IRI itself."""
        for prefix, namespace in self.prefixes:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{prefix}:{iri[len(namespace) :]}"
        return iri

    def anchor(self, iri: str) -> str:
        """The HTML id of a documented term: the local name in ClusterKG's namespace."""
        if iri.startswith(str(CKG)) and len(iri) > len(str(CKG)):
            return iri[len(str(CKG)) :]
        return self.curie(iri)

    def _documented_anchors(self) -> dict[str, str]:
        """IRI → anchor for every term the page documents (links inside the page)."""
        iris: set[str] = set()
        for kind, _, _ in TERM_KINDS:
            iris.update(str(s) for s in self.graph.subjects(RDF.type, kind) if _named(s))
        for scheme in self.graph.subjects(RDF.type, SKOS.ConceptScheme):
            iris.add(str(scheme))
            iris.update(str(c) for c in self.graph.subjects(SKOS.inScheme, scheme) if _named(c))
        return {iri: self.anchor(iri) for iri in iris}

    def link(self, node: Node) -> Link:
        """A link to a term: inside the page when documented, else to the IRI itself."""
        if isinstance(node, URIRef):
            iri = str(node)
            if iri in self.documented:
                return Link(self.curie(iri), "#" + self.documented[iri], iri)
            href = iri if iri.startswith(("http://", "https://")) else None
            return Link(self.curie(iri), href, iri)
        if isinstance(node, Literal):
            return Link(str(node))
        return Link("(class expression)")

    # --- reading values ---------------------------------------------------------------------

    def text(self, subject: Node, predicate: URIRef) -> str:
        """The English (or untagged) value of an annotation, or ''."""
        values = [o for o in self.graph.objects(subject, predicate) if isinstance(o, Literal)]
        for wanted in ("en", None):
            for value in values:
                if value.language == wanted:
                    return str(value)
        return str(values[0]) if values else ""

    def other_labels(self, subject: Node, predicate: URIRef) -> tuple[tuple[str, str], ...]:
        """Labels in languages other than English, as (language, label), sorted."""
        return tuple(
            sorted(
                (o.language, str(o))
                for o in self.graph.objects(subject, predicate)
                if isinstance(o, Literal) and o.language and o.language != "en"
            )
        )

    def links(self, nodes: Iterable[Node]) -> tuple[Link, ...]:
        """Links to ``nodes``, sorted by their text so the page is stable."""
        return tuple(sorted({self.link(n) for n in nodes}, key=lambda link: link.text.lower()))

    def disjoint_with(self, cls: URIRef) -> set[Node]:
        """Classes declared disjoint with ``cls``, pairwise or in an owl:AllDisjointClasses."""
        result: set[Node] = set(self.graph.objects(cls, OWL.disjointWith))
        result.update(self.graph.subjects(OWL.disjointWith, cls))
        for group in self.graph.subjects(RDF.type, OWL.AllDisjointClasses):
            for members in self.graph.objects(group, OWL.members):
                listed = list(Collection(self.graph, members))
                if cls in listed:
                    result.update(m for m in listed if m != cls)
        return result

    # --- terms ------------------------------------------------------------------------------

    def term(self, subject: URIRef, kind: str) -> Term:
        """Document one class or property."""
        g = self.graph
        facts: list[tuple[str, tuple[Link, ...]]] = []
        if kind == "class":
            facts += [
                ("Subclass of", self.links(g.objects(subject, RDFS.subClassOf))),
                ("Superclass of", self.links(g.subjects(RDFS.subClassOf, subject))),
                ("Disjoint with", self.links(self.disjoint_with(subject))),
                ("In the domain of", self.links(g.subjects(RDFS.domain, subject))),
                ("In the range of", self.links(g.subjects(RDFS.range, subject))),
            ]
        elif kind != "annotation property":
            characteristics = tuple(
                Link(name) for cls, name in CHARACTERISTICS if (subject, RDF.type, cls) in g
            )
            inverse = set(g.objects(subject, OWL.inverseOf)) | set(
                g.subjects(OWL.inverseOf, subject)
            )
            facts += [
                ("Domain", self.links(g.objects(subject, RDFS.domain))),
                ("Range", self.links(g.objects(subject, RDFS.range))),
                ("Subproperty of", self.links(g.objects(subject, RDFS.subPropertyOf))),
                ("Superproperty of", self.links(g.subjects(RDFS.subPropertyOf, subject))),
                ("Inverse of", self.links(inverse)),
                ("Characteristics", characteristics),
            ]
        facts += [(label, self.links(g.objects(subject, p))) for p, label in MAPPINGS]
        facts.append(("See also", self.links(g.objects(subject, RDFS.seeAlso))))
        iri = str(subject)
        label = self.text(subject, RDFS.label) or self.text(subject, SKOS.prefLabel)
        return Term(
            iri=iri,
            anchor=self.anchor(iri),
            curie=self.curie(iri),
            label=label or self.curie(iri),
            kind=kind,
            comment=self.text(subject, RDFS.comment) or self.text(subject, SKOS.definition),
            other_labels=self.other_labels(subject, RDFS.label),
            facts=tuple((heading, links) for heading, links in facts if links),
        )

    def terms_of_kind(self, kind: URIRef, name: str, own: bool) -> tuple[Term, ...]:
        """The terms typed ``kind``: ClusterKG's own (``own``) or those of reused vocabularies."""
        subjects = [
            s
            for s in set(self.graph.subjects(RDF.type, kind))
            if isinstance(s, URIRef) and str(s).startswith(str(CKG)) == own
        ]
        terms = [self.term(s, name) for s in subjects]
        return tuple(sorted(terms, key=lambda t: t.label.lower()))

    # --- schemes ----------------------------------------------------------------------------

    def schemes(self) -> tuple[ConceptScheme, ...]:
        """The concept schemes with their concepts; a concept in two schemes is anchored once."""
        g = self.graph
        anchored: set[str] = set()
        result = []
        schemes = [s for s in set(g.subjects(RDF.type, SKOS.ConceptScheme)) if _named(s)]
        for scheme in sorted(schemes, key=str):
            iri = str(scheme)
            facts = (
                ("Source", self.links(g.objects(scheme, DCTERMS.source))),
                ("Licence", self.links(g.objects(scheme, DCTERMS.license))),
                ("See also", self.links(g.objects(scheme, RDFS.seeAlso))),
            )
            term = Term(
                iri=iri,
                anchor=self.anchor(iri),
                curie=self.curie(iri),
                label=self.text(scheme, SKOS.prefLabel) or self.curie(iri),
                kind="concept scheme",
                comment=self.text(scheme, RDFS.comment),
                other_labels=self.other_labels(scheme, SKOS.prefLabel),
                facts=tuple((heading, links) for heading, links in facts if links),
            )
            concepts = []
            members = [c for c in set(g.subjects(SKOS.inScheme, scheme)) if _named(c)]
            for concept in sorted(members, key=lambda c: (self.text(c, SKOS.notation), str(c))):
                concept_iri = str(concept)
                first = concept_iri not in anchored
                anchored.add(concept_iri)
                concepts.append(
                    Concept(
                        iri=concept_iri,
                        anchor=self.anchor(concept_iri),
                        first=first,
                        curie=self.curie(concept_iri),
                        label=self.text(concept, SKOS.prefLabel) or self.curie(concept_iri),
                        notation=self.text(concept, SKOS.notation),
                        definition=self.text(concept, SKOS.definition),
                        mappings=tuple(
                            (label, links)
                            for p, label in MAPPINGS
                            if (links := self.links(g.objects(concept, p)))
                        ),
                    )
                )
            result.append(ConceptScheme(term=term, concepts=tuple(concepts)))
        return tuple(result)

    # --- the page ---------------------------------------------------------------------------

    def vocabularies(self) -> tuple[Vocabulary, ...]:
        """The reused vocabularies, each with the terms of it the ontology declares."""
        by_namespace: dict[str, list[Term]] = {}
        for kind, _, name in TERM_KINDS:
            for term in self.terms_of_kind(kind, name, own=False):
                namespace = self.namespace_of(term.iri)
                by_namespace.setdefault(namespace, []).append(term)
        vocabularies = []
        for namespace, terms in by_namespace.items():
            prefix = self.curie(namespace + "x").split(":", 1)[0] if namespace else ""
            vocabularies.append(
                Vocabulary(
                    namespace=namespace,
                    prefix=prefix,
                    title=VOCABULARY_TITLES.get(namespace, namespace),
                    terms=tuple(sorted(terms, key=lambda t: t.curie.lower())),
                )
            )
        return tuple(sorted(vocabularies, key=lambda v: v.prefix))

    def namespace_of(self, iri: str) -> str:
        """The namespace of a term: a known prefix's, else up to the last '#' or '/'."""
        for _, namespace in self.prefixes:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return namespace
        cut = max(iri.rfind("#"), iri.rfind("/"))
        return iri[: cut + 1]

    def build(self) -> OntologyPage:
        """The page model."""
        g = self.graph
        ontology = URIRef(ONTOLOGY_IRI)
        metadata = (
            ("IRI", (Link(ONTOLOGY_IRI, ONTOLOGY_IRI, ONTOLOGY_IRI),)),
            ("Version IRI", self.links(g.objects(ontology, OWL.versionIRI))),
            ("Version", self.links(g.objects(ontology, OWL.versionInfo))),
            ("Created", self.links(g.objects(ontology, DCTERMS.created))),
            ("Licence", self.links(g.objects(ontology, DCTERMS.license))),
            ("Preferred prefix", self.links(g.objects(ontology, VANN_PREFIX))),
            ("Namespace", self.links(g.objects(ontology, VANN_URI))),
            ("See also", self.links(g.objects(ontology, RDFS.seeAlso))),
        )
        sections = []
        for kind, heading, name in TERM_KINDS:
            terms = self.terms_of_kind(kind, name, own=True)
            if terms:
                sections.append((heading, heading.lower().replace(" ", "-"), terms))
        return OntologyPage(
            iri=ONTOLOGY_IRI,
            title=self.text(ontology, DCTERMS.title) or "ClusterKG ontology",
            description=self.text(ontology, DCTERMS.description),
            metadata=tuple((heading, links) for heading, links in metadata if links),
            sections=tuple(sections),
            schemes=self.schemes(),
            vocabularies=self.vocabularies(),
            triples=len(g),
        )


def _named(node: Node) -> bool:
    """True for IRIs (blank nodes have no anchor and are shown inline, if at all)."""
    return isinstance(node, URIRef)
