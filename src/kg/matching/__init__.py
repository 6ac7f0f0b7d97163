"""Explainable matching: which regions' measured strengths meet a region's S3 priorities, its
gaps, and the peers it can learn from (``docs/matching.md``).

- :mod:`kg.matching.model`: the rules (needs, match score, gaps, peers, reasons in words);
- :mod:`kg.matching.inputs`: the inputs read from the graph;
- :mod:`kg.matching.graph`: the results as RDF, into ``…/graph/matches``;
- :mod:`kg.matching.answers`: a region's stored matches, gaps and peers for the API and CLI.
"""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import URIRef
from rdflib.term import Identifier

from kg.config import Settings
from kg.derive import DeriveReport, Method, derive
from kg.matching.graph import matches_graph
from kg.matching.inputs import VARIABLE_INDICATORS, read_match_inputs
from kg.matching.model import compute_all
from kg.store import Store
from kg.validation import ShapeValidator

METHOD = Method(
    name="matches",
    title="Partner matches, gaps and peers of regions (ClusterKG matching model)",
    description=(
        "For every NUTS 2 region (and every country or NUTS 1 region with S3 priorities): the "
        "technologies its S3 priorities rely on (its own, those of the regions it lies in and "
        "of the regions inside it); for each, the NUTS 2 regions measured strong in it (strength "
        "score at least 0.5), scored 0.70 x strength + 0.15 if a cluster of the partner works on "
        "it + 0.10 if the regions already take part in one cooperation project + 0.05 if the "
        "partner is more developed (2021-2027 categories), the best five per need; gaps where "
        "the local strength is unknown or below 0.5, with those five matches as helpers; and up "
        "to ten "
        "peers: NUTS 2 regions similar in z-scored GDP per inhabitant, business R&D intensity, "
        "high-tech employment and sector mix, and stronger in at least one needed technology."
    ),
    documentation="docs/matching.md",
    version="1.0.0",
)
#: The kinds of resources matching reads, and the indicators of the structural variables.
_INPUT_GRAPHS = """
SELECT DISTINCT ?g WHERE {
  {
    VALUES ?type {
      ckg:Region ckg:S3Priority ckg:TechnologyMatch ckg:TechnologyStrength ckg:ClusterOrganisation
      ckg:PartnerRole ckg:DevelopmentCategoryAssignment ckg:KeyEnablingTechnology
    }
    GRAPH ?g { ?resource a ?type }
  } UNION {
    VALUES ?indicator { %s }
    GRAPH ?g { ?observation ckg:indicator ?indicator }
  }
} ORDER BY ?g"""


def input_graphs(store: Store, settings: Settings) -> list[str]:
    """The graphs the matches are derived from: those holding the regions, priorities and their
    technology matches, strengths, clusters, partner roles, development categories, the
    technologies (labels, KET/ATI namesakes) and the observations of the structural variables
    (a steward's later source included)."""
    indicators = " ".join(f"<{settings.base_iri}indicator/{slug}>" for slug in VARIABLE_INDICATORS)
    rows = store.query(_INPUT_GRAPHS % indicators).rows
    own = settings.source_graph(METHOD.name)
    return [str(row["g"]) for row in rows if str(row["g"]) != own]


def rebuild_matches(
    store: Store, settings: Settings, validator: ShapeValidator | None
) -> DeriveReport:
    """Compute every region's matches, gaps and peers into ``{base}graph/matches``, replacing
    the previous ones, with provenance."""

    def compute(source: Store, activity: URIRef) -> Sequence[tuple[URIRef, URIRef, Identifier]]:
        inputs = read_match_inputs(source, settings.base_iri)
        return matches_graph(compute_all(inputs), inputs, settings.base_iri, activity)

    return derive(
        store,
        settings,
        validator,
        method=METHOD,
        inputs=input_graphs(store, settings),
        compute=compute,
    )
