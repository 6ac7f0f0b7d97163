"""Mappings from source files to RDF records, one module per kind of source."""

from __future__ import annotations

from importlib import import_module

from kg.errors import InvalidInput
from kg.ingest.records import RecordMapping

#: Mappings by name, as the sources manifest and ``kg ingest --mapping`` refer to them
#: (module, function); imported on first use.
MAPPINGS: dict[str, tuple[str, str]] = {
    "clusters": ("kg.ingest.mappings.clusters", "map_clusters"),
    "development-categories": ("kg.ingest.mappings.cohesion", "map_development_categories"),
    "euroscivoc": ("kg.ingest.mappings.euroscivoc", "map_euroscivoc"),
    "indicator-arxiv": ("kg.ingest.mappings.indicators", "map_arxiv_counts"),
    "indicator-eurostat-rd": ("kg.ingest.mappings.indicators", "map_eurostat_rd"),
    "indicator-i40": ("kg.ingest.mappings.indicators", "map_i40_readiness"),
    "indicator-regional-panel": ("kg.ingest.mappings.indicators", "map_regional_panel"),
    "sbs-employment": ("kg.ingest.mappings.sbs", "map_sbs_employment"),
    "technology-tables": ("kg.ingest.mappings.technology_tables", "map_technology_tables"),
    "nace": ("kg.ingest.mappings.nace", "map_nace"),
    "nuts": ("kg.ingest.mappings.nuts", "map_nuts"),
    "nuts-versions": ("kg.ingest.mappings.nuts", "map_nuts_versions"),
    "project-partners": ("kg.ingest.mappings.partners", "map_project_partners"),
    "rdf": ("kg.ingest.mappings.rdf", "map_rdf"),
    "s3-priorities": ("kg.ingest.mappings.s3", "map_s3_priorities"),
    "seeds": ("kg.ingest.mappings.seeds", "map_seed_facts"),
}


def get_mapping(name: str) -> RecordMapping:
    """Look up a mapping by name, with the known names in the error.

    >>> get_mapping("rdf").__name__
    'map_rdf'
    """
    try:
        module, function = MAPPINGS[name]
    except KeyError:
        raise InvalidInput(
            f"unknown mapping {name!r}; known mappings: {', '.join(sorted(MAPPINGS))}"
        ) from None
    mapping: RecordMapping = getattr(import_module(module), function)
    return mapping
