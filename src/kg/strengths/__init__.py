"""Technology strength of regions: measured from employment by sector and from count
indicators, each figure with its evidence (see ``docs/strengths.md``).

- :mod:`kg.strengths.model`: the arithmetic (location quotients, stars, advantages, score);
- :mod:`kg.strengths.compute`: inputs read from the graph, strengths written as RDF;
- :mod:`kg.strengths.answers`: a region's strengths and a technology's ranking, for the API,
  pages and CLI.
"""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import URIRef
from rdflib.term import Identifier

from kg.config import Settings
from kg.derive import DeriveReport, Method, derive
from kg.store import Store
from kg.strengths.compute import compute_strengths, read_inputs, strengths_graph
from kg.validation import ShapeValidator

METHOD = Method(
    name="strengths",
    title="Technology strengths of regions (ClusterKG strength model)",
    description=(
        "For every region and KET/ATI technology with data: the location quotient of the "
        "technology's sectors (Eurostat SBS employment, sector weights from the sector table), "
        "the European Cluster Observatory's size, specialisation and focus tests (0-3 stars), "
        "revealed advantages of count indicators (Industry 4.0 patents per inhabitant, AI "
        "preprints against all preprints) with minimum counts, and a score in [0, 1]: the "
        "weighted mean of the components' percentiles among regions of the same NUTS level. "
        "NUTS 1 regions (and the count indicators of countries) are summed from their NUTS 2 "
        "regions, only where these cover the whole region and every figure is known."
    ),
    documentation="docs/strengths.md",
    version="1.3.0",
)
#: The source graphs strengths are computed from (by source name).
INPUT_SOURCES = (
    "nuts",
    "technology-mappings",
    "eurostat-sbs-employment",
    "eurostat-regional-panel",
    "i40-readiness",
    "eurito-arxiv-ai",
    "eurito-arxiv-all",
)


def rebuild_strengths(
    store: Store, settings: Settings, validator: ShapeValidator | None
) -> DeriveReport:
    """Compute every strength into ``{base}graph/strengths``, replacing the previous ones."""

    def compute(source: Store, activity: URIRef) -> Sequence[tuple[URIRef, URIRef, Identifier]]:
        inputs = read_inputs(source, settings.base_iri)
        return strengths_graph(compute_strengths(inputs), settings.base_iri, inputs, activity)

    return derive(
        store,
        settings,
        validator,
        method=METHOD,
        inputs=[settings.source_graph(name) for name in INPUT_SOURCES],
        compute=compute,
    )
