"""Mappings from source files to RDF records, one module per kind of source."""

from __future__ import annotations

from importlib import import_module

from kg.errors import InvalidInput
from kg.ingest.records import RecordMapping

#: Mappings by name, as the sources manifest and ``kg ingest --mapping`` refer to them
#: (module, function); imported on first use.
MAPPINGS: dict[str, tuple[str, str]] = {
    "nuts": ("kg.ingest.mappings.nuts", "map_nuts"),
    "rdf": ("kg.ingest.mappings.rdf", "map_rdf"),
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
