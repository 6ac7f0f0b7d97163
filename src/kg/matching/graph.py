"""The matching results as RDF (graph ``…/graph/matches``): every match, gap and peer a resource
with its score, its components, its reasons in words (each with the resources it rests on) and
``prov:wasDerivedFrom`` links to the strengths, clusters, partner roles, categories and
observations it used."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS
from rdflib.term import Identifier

from kg.matching.model import Gap, Match, MatchInputs, Peer, Reason, RegionResults
from kg.namespaces import CKG, NUTS
from kg.strengths.compute import decimal_literal, technology_slug

Triple = tuple[URIRef, URIRef, Identifier]


def priority_slug(base_iri: str, priority: str) -> str:
    """The priority's own name in ClusterKG's IRIs (``iti3-2014-2020-meccatronica``), or a short
    hash for a priority minted elsewhere."""
    prefix = f"{base_iri}s3-priority/"
    if priority.startswith(prefix) and "/" not in priority[len(prefix) :]:
        return priority[len(prefix) :]
    return "p-" + hashlib.sha256(priority.encode()).hexdigest()[:16]


def match_iri(base_iri: str, match: Match) -> URIRef:
    """``{base}match/{region}/{priority}/{technology}/{partner}``."""
    need = match.need
    return URIRef(
        f"{base_iri}match/{need.region}/{priority_slug(base_iri, need.source.priority)}/"
        f"{technology_slug(URIRef(need.technology))}/{match.partner}"
    )


def gap_iri(base_iri: str, gap: Gap) -> URIRef:
    """``{base}gap/{region}/{priority}/{technology}``."""
    need = gap.need
    return URIRef(
        f"{base_iri}gap/{need.region}/{priority_slug(base_iri, need.source.priority)}/"
        f"{technology_slug(URIRef(need.technology))}"
    )


def peer_iri(base_iri: str, peer: Peer) -> URIRef:
    """``{base}peer/{region}/{peer}``."""
    return URIRef(f"{base_iri}peer/{peer.region}/{peer.peer}")


class _Writer:
    def __init__(self, base_iri: str, inputs: MatchInputs, activity: URIRef) -> None:
        self.base_iri = base_iri
        self.inputs = inputs
        self.activity = activity
        self.triples: list[Triple] = []

    def add(self, s: URIRef, p: URIRef, o: Identifier) -> None:
        self.triples.append((s, p, o))

    def derived_from(self, node: URIRef, iris: Iterable[str]) -> None:
        for iri in dict.fromkeys(iris):
            self.add(node, PROV.wasDerivedFrom, URIRef(iri))

    def reasons(self, node: URIRef, reasons: Sequence[Reason]) -> None:
        for position, reason in enumerate(reasons, start=1):
            item = URIRef(f"{node}#reason-{position}")
            self.add(node, CKG.hasReason, item)
            self.add(item, RDF.type, CKG.MatchReason)
            self.add(item, CKG.reasonKind, Literal(reason.kind))
            self.add(item, CKG.position, Literal(position))
            self.add(item, RDFS.comment, Literal(reason.text, lang="en"))
            self.derived_from(item, reason.evidence)

    def common(self, node: URIRef, kind: URIRef, label: str, region: str) -> None:
        self.add(node, RDF.type, kind)
        self.add(node, RDFS.label, Literal(label, lang="en"))
        self.add(node, CKG.region, NUTS[region])
        self.add(node, PROV.wasGeneratedBy, self.activity)

    def match(self, match: Match) -> URIRef:
        node = match_iri(self.base_iri, match)
        need, inputs = match.need, self.inputs
        technology = inputs.technology_labels.get(need.technology, need.technology)
        label = (
            f"{inputs.label(match.partner)} ({match.partner}) for {inputs.label(need.region)} "
            f"({need.region}): {technology}"
        )
        self.common(node, CKG.PartnerMatch, label, need.region)
        self.add(node, CKG.forPriority, URIRef(need.source.priority))
        self.add(node, CKG.technology, URIRef(need.technology))
        self.add(node, CKG.partnerRegion, NUTS[match.partner])
        self.add(node, CKG.matchScore, decimal_literal(match.score))
        self.add(node, CKG.rank, Literal(match.rank))
        self.add(node, CKG.partnerStrength, URIRef(match.strength.iri))
        self.add(node, CKG.strengthScore, decimal_literal(match.strength_score))
        self.add(node, CKG.clusterFactor, decimal_literal(match.cluster_factor))
        self.add(node, CKG.cooperationFactor, decimal_literal(match.cooperation_factor))
        self.add(node, CKG.learningFactor, decimal_literal(match.learning))
        for cluster in match.clusters:
            self.add(node, CKG.partnerCluster, URIRef(cluster.iri))
        for project in sorted({own.project for own, _ in match.connections}):
            self.add(node, CKG.sharedProject, URIRef(project))
        self.reasons(node, match.reasons)
        # The resources themselves; their parts (a strength's components, the partner roles of
        # a project) are linked from the reasons that cite them.
        self.derived_from(
            node,
            [
                match.strength.iri,
                *match.need.source.evidence,
                *(c.iri for c in match.clusters),
                *(own.project for own, _ in match.connections),
                *(c.assignment for c in (match.region_category, match.partner_category) if c),
            ],
        )
        return node

    def gap(self, gap: Gap, helpers: dict[int, URIRef]) -> None:
        node = gap_iri(self.base_iri, gap)
        need, inputs = gap.need, self.inputs
        technology = inputs.technology_labels.get(need.technology, need.technology)
        label = f"{inputs.label(need.region)} ({need.region}): gap in {technology}"
        self.common(node, CKG.CapabilityGap, label, need.region)
        self.add(node, CKG.forPriority, URIRef(need.source.priority))
        self.add(node, CKG.technology, URIRef(need.technology))
        self.add(node, CKG.gapKind, Literal(gap.kind))
        if gap.local is not None:
            self.add(node, CKG.localStrength, URIRef(gap.local.iri))
            if gap.local.score is not None:
                self.add(node, CKG.strengthScore, decimal_literal(gap.local.score))
        for helper in gap.helpers:
            self.add(node, CKG.helper, helpers[id(helper)])
        self.reasons(node, gap.reasons)
        self.derived_from(node, [iri for reason in gap.reasons for iri in reason.evidence])

    def peer(self, peer: Peer) -> None:
        node = peer_iri(self.base_iri, peer)
        inputs = self.inputs
        label = (
            f"{inputs.label(peer.peer)} ({peer.peer}), a peer of {inputs.label(peer.region)} "
            f"({peer.region})"
        )
        self.common(node, CKG.PeerRegion, label, peer.region)
        self.add(node, CKG.partnerRegion, NUTS[peer.peer])
        self.add(node, CKG.matchScore, decimal_literal(peer.score))
        self.add(node, CKG.rank, Literal(peer.rank))
        self.add(node, CKG.similarity, decimal_literal(peer.similarity))
        self.add(node, CKG.variablesCompared, Literal(len(peer.comparisons)))
        for _, theirs in peer.stronger:
            self.add(node, CKG.strongerIn, URIRef(theirs.technology))
        self.reasons(node, peer.reasons)
        # The strengths compared; the observations of each variable are linked from the
        # reasons that compare them.
        self.derived_from(node, [s.iri for pair in peer.stronger for s in (pair[1], pair[0])])


def matches_graph(
    results: Sequence[RegionResults], inputs: MatchInputs, base_iri: str, activity: URIRef
) -> list[Triple]:
    """Every region's matches, gaps and peers as triples, in a fixed order."""
    writer = _Writer(base_iri, inputs, activity)
    for result in results:
        helpers: dict[int, URIRef] = {}
        for match in result.matches:
            helpers[id(match)] = writer.match(match)
        for gap in result.gaps:
            writer.gap(gap, helpers)
        for peer in result.peers:
            writer.peer(peer)
    return writer.triples
