"""The home page's tasks: what a policy officer picks from, read from the graph.

The lists are not written in a template: the regions offered for finding partners are those with
S3 priorities in the graph, and the technologies offered for exploring are those with measured
strengths, so a new source shows up on the home page by itself. They are read once per store
state (a few hundred milliseconds on the bundled data) and kept until the store changes.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

from rdflib import URIRef

from kg import collections as rest
from kg.errors import InvalidInput, NotFound
from kg.namespaces import PREFIXES
from kg.queries import ParameterError
from kg.store import Store
from kg.strengths.compute import technology_slug
from kg.web.forms import Option, OptionGroup

#: The saved question the "Compare two regions" form answers, and its two parameters.
COMPARE_QUERY = "compare-regions"
COMPARE_PARAMETERS = ("region_a", "region_b")
#: The region page's section that lists a region's partner matches.
MATCHES_ANCHOR = "matches"

_NUTS_CODE = re.compile(r"[A-Z]{2}[A-Z0-9]{0,3}")

# Regions with a strategy's priority of their own (a national strategy's country included).
_S3_REGIONS = """
SELECT DISTINCT ?code ?label ?level ?country_code ?country_label WHERE {
  ?priority a ckg:S3Priority ; ckg:region ?region .
  ?region skos:notation ?code ; ckg:nutsLevel ?level .
  OPTIONAL { ?region skos:prefLabel ?label FILTER(LANG(?label) IN ("en", "")) }
  OPTIONAL {
    ?region ckg:country ?country .
    ?country skos:notation ?country_code .
    OPTIONAL { ?country skos:prefLabel ?country_label FILTER(LANG(?country_label) IN ("en", "")) }
  }
}
ORDER BY ?code ?label
"""
_STRENGTH_TECHNOLOGIES = """
SELECT ?technology ?label WHERE {
  { SELECT DISTINCT ?technology WHERE { ?strength a ckg:TechnologyStrength ;
                                                  ckg:technology ?technology } }
  OPTIONAL { ?technology skos:prefLabel ?label FILTER(LANG(?label) IN ("en", "")) }
}
"""
_SCHEMES = (
    (PREFIXES["ket"], "Key Enabling Technologies"),
    (PREFIXES["ati"], "Advanced Technologies for Industry"),
)


@dataclass(frozen=True)
class TechnologyLink:
    """A technology with a page of its own: the map and ranking of regions."""

    label: str
    href: str


@dataclass
class TechnologyGroup:
    """The technologies of one scheme (KETs, or the ATI list)."""

    label: str
    links: list[TechnologyLink] = field(default_factory=list)


@dataclass(frozen=True)
class HomeLists:
    """What the home page's forms and links offer."""

    s3_regions: list[OptionGroup]
    technologies: list[TechnologyGroup]


class _Cache:
    """The lists of the latest store state (only one state is ever current)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state: str | None = None
        self._lists: HomeLists | None = None

    def get(self, store: Store, state: str) -> HomeLists:
        with self._lock:
            if self._lists is None or self._state != state:
                self._lists = HomeLists(s3_regions(store), strength_technologies(store))
                self._state = state
            return self._lists


_CACHE = _Cache()


def home_lists(store: Store, state: str) -> HomeLists:
    """The home page's lists for the store in ``state`` (see ``SavedQueryService.state``)."""
    return _CACHE.get(store, state)


def s3_regions(store: Store) -> list[OptionGroup]:
    """Regions with S3 priorities, grouped by country (by code), each named "Marche (ITI3)"."""
    names: dict[str, tuple[str, str, str]] = {}  # code → (label, country code, country label)
    levels: dict[str, int] = {}
    for row in store.query(_S3_REGIONS).rows:
        code = str(row["code"])
        label = row.get("label")
        english = getattr(label, "language", None) == "en"
        if code in names and not english:
            continue  # keep an English name over the region's own-language one
        country_code = str(row.get("country_code") or code[:2])
        country = str(row.get("country_label") or country_code)
        names[code] = (str(label or code), country_code, country)
        levels[code] = int(str(row["level"]))
    groups: dict[str, OptionGroup] = {}
    for code in sorted(names):
        name, country_code, country = names[code]
        group = groups.setdefault(country_code, OptionGroup(f"{country} ({country_code})"))
        whole = ", whole country" if levels[code] == 0 else ""
        group.options.append(Option(code, f"{name} ({code}){whole}"))
    return [groups[key] for key in sorted(groups)]


def strength_technologies(store: Store) -> list[TechnologyGroup]:
    """KET and ATI technologies with measured strengths, by scheme and label, each linked to
    its page (``/technologies/ket-photonics``)."""
    labels: dict[str, str] = {}
    for row in store.query(_STRENGTH_TECHNOLOGIES).rows:
        iri = str(row["technology"])
        label = row.get("label")
        if iri not in labels or getattr(label, "language", None) == "en":
            labels[iri] = str(label or iri.rsplit("/", 1)[-1])
    groups = []
    for namespace, heading in _SCHEMES:
        links = [
            TechnologyLink(label, f"/technologies/{technology_slug(URIRef(iri))}")
            for iri, label in labels.items()
            if iri.startswith(namespace)
        ]
        if links:
            groups.append(TechnologyGroup(heading, sorted(links, key=lambda link: link.label)))
    return groups


def partner_matches_href(region: str | None, store: Store) -> str:
    """Where the "Find partners" form leads: the region page's matches, ``/regions/ITI3#matches``.

    A missing or malformed code is a :class:`ParameterError` (422); a code the graph does not
    hold is :class:`NotFound` (404).
    """
    code = (region or "").strip().upper()
    if not code:
        raise ParameterError("region", "region is required: choose your region, such as ITI3")
    if not _NUTS_CODE.fullmatch(code):
        raise ParameterError(
            "region", f"region must be a NUTS code such as ITI3 (Marche); got {region!r}"
        )
    try:
        rest.resolve_region(code, store)
    except InvalidInput:
        raise NotFound(
            f"no NUTS region {code!r} in the graph; choose a region from the list or search "
            "for it by name",
            parameter="region",
        ) from None
    return f"/regions/{code}#{MATCHES_ANCHOR}"
