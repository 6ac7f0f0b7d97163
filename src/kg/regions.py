"""A region's page: who it is, and the saved queries that profile it.

The sections are not written here: every saved query tagged ``region-profile`` whose only
required parameter is ``region`` (a NUTS code) becomes a section, so adding a question to the
region page is adding a ``.rq`` file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rdflib import URIRef

from kg import collections as rest
from kg.errors import InvalidInput, KGError, NotFound
from kg.matching.answers import MatchAnswer, MatchIndex, region_results
from kg.paging import Paging
from kg.queries import ParameterType, SavedQuery
from kg.saved import SavedQueryService, Table
from kg.strengths.answers import RegionStrengths, StrengthIndex, region_strengths

#: Tag that puts a saved query on the region page.
REGION_TAG = "region-profile"
#: Rows shown per section; the section links to its question page for the rest.
SECTION_ROWS = 50
#: The order a policy officer reads a region in; other region-profile queries follow by name.
SECTION_ORDER = (
    "region-s3-priorities",
    "region-clusters",
    "indicator-trend",
    "region-indicators-latest",
    "region-policy-instruments",
    "region-projects",
    "ket-strengths-matching-s3-priorities",
)

_SUMMARY = """
SELECT ?region ?code ?level ?label ?label_lang ?country_code ?parent ?parent_code ?parent_label
       ?latest_version
WHERE {
  ?region a ckg:Region ; skos:notation ?code ; ckg:nutsLevel ?level .
  OPTIONAL { ?region skos:prefLabel ?label BIND(LANG(?label) AS ?label_lang) }
  OPTIONAL { ?region ckg:country/skos:notation ?country_code }
  OPTIONAL {
    ?region skos:broader ?parent . ?parent a ckg:Region ; skos:notation ?parent_code .
    OPTIONAL { ?parent skos:prefLabel ?parent_label FILTER(LANG(?parent_label) IN ("en", "")) }
  }
  OPTIONAL { ?region skos:inScheme/skos:notation ?latest_version }
}
ORDER BY DESC(?latest_version)
"""


@dataclass
class RegionSummary:
    """Names and place of a region in the NUTS hierarchy."""

    iri: str
    code: str
    level: int
    labels: dict[str, str]
    country: str | None
    parent: tuple[str, str] | None
    versions: list[str]

    @property
    def name(self) -> str:
        """The English name, else any name, else the code."""
        return self.labels.get("en") or next(iter(self.labels.values()), self.code)


@dataclass
class Section:
    """One saved query answered for the region."""

    query: SavedQuery
    table: Table | None
    error: str | None = None
    href: str = ""


@dataclass
class RegionPage:
    """Everything the region template shows."""

    summary: RegionSummary
    sections: list[Section] = field(default_factory=list)
    #: The region's measured technology strengths (docs/strengths.md), when it has any.
    strengths: RegionStrengths | None = None
    #: Its partner matches, gaps and peers (docs/matching.md).
    matching: RegionMatching | None = None


@dataclass
class RegionMatching:
    """A region's stored matches, gaps and peers, as the page shows them."""

    matches: MatchAnswer
    gaps: MatchAnswer
    peers: MatchAnswer

    def by_technology(self) -> list[dict[str, Any]]:
        """The matches grouped by technology, with the priorities that need it; a partner is
        listed once per technology (its score does not depend on the priority), in the order of
        the stored ranking."""
        groups: dict[str, dict[str, Any]] = {}
        for match in self.matches.as_json()["matches"]:
            group = groups.setdefault(
                match["technology"]["id"],
                {"technology": match["technology"], "priorities": {}, "matches": {}},
            )
            group["priorities"].setdefault(match["priority"]["id"], match["priority"])
            group["matches"].setdefault(match["partnerRegion"]["code"], match)
        return [
            {
                "technology": group["technology"],
                "priorities": list(group["priorities"].values()),
                "matches": list(group["matches"].values()),
            }
            for group in groups.values()
        ]

    def partner_scores(self) -> dict[str, float]:
        """Each partner region's best match score (for the map)."""
        best: dict[str, float] = {}
        for match in self.matches.as_json()["matches"]:
            code = match["partnerRegion"]["code"]
            best[code] = max(best.get(code, 0.0), float(match["score"]))
        return best


def region_queries(service: SavedQueryService) -> list[SavedQuery]:
    """Saved queries that profile a region: tagged ``region-profile``, taking ``region``."""
    chosen = []
    for query in service.catalogue.values():
        region = query.parameter("region")
        if REGION_TAG not in query.tags or region is None:
            continue
        if region.type is not ParameterType.NUTS_CODE:
            continue
        if any(p.required for p in query.parameters if p.name != "region"):
            continue
        chosen.append(query)
    rank = {name: index for index, name in enumerate(SECTION_ORDER)}
    return sorted(chosen, key=lambda q: (rank.get(q.name, len(rank)), q.name))


def region_summary(service: SavedQueryService, code: str) -> RegionSummary:
    """The region with NUTS code ``code``; 404 when the graph has no such region."""
    try:
        iri = rest.resolve_region(code, service.store)["region"]
    except InvalidInput as exc:
        raise NotFound(f"no NUTS region {code!r} in the graph: {exc.detail}") from None
    rows = service.store.query(_SUMMARY, bindings={"region": URIRef(str(iri))}).rows
    labels: dict[str, str] = {}
    versions: list[str] = []
    parent = None
    country = None
    level = 0
    for row in rows:
        level = int(str(row["level"]))
        if row.get("label") is not None:
            labels.setdefault(str(row.get("label_lang") or ""), str(row["label"]))
        if row.get("parent_code") is not None and parent is None:
            parent = (str(row["parent_code"]), str(row.get("parent_label") or row["parent_code"]))
        if row.get("country_code") is not None:
            country = str(row["country_code"])
        version = row.get("latest_version")
        # The region is also in the NUTS scheme as a whole; only the dated versions count.
        if version is not None and str(version).isdigit() and str(version) not in versions:
            versions.append(str(version))
    return RegionSummary(str(iri), code.upper(), level, labels, country, parent, sorted(versions))


def region_page(
    service: SavedQueryService,
    code: str,
    strength_index: StrengthIndex | None = None,
    match_index: MatchIndex | None = None,
) -> RegionPage:
    """The region's summary and one section per region-profile query (strengths and matches
    from the in-memory indexes of the store's current state, when given)."""
    summary = region_summary(service, code)
    page = RegionPage(summary)
    profile = region_strengths(service.store, summary.code, index=strength_index)
    if profile.strengths and profile.note is None:
        page.strengths = profile
    page.matching = RegionMatching(
        *(
            region_results(service.store, summary.code, kind, index=match_index)
            for kind in ("match", "gap", "peer")
        )
    )
    for query in region_queries(service):
        href = f"/queries/{query.name}?region={summary.code}"
        try:
            text = query.bind({"region": summary.code}, service.store)
            table = service.table(query, text, Paging(1, SECTION_ROWS))
        except KGError as exc:  # one failing section (a timeout, say) must not hide the page
            page.sections.append(Section(query, None, exc.detail, href))
            continue
        page.sections.append(Section(query, table, None, href))
    return page
