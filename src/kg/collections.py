"""REST collections: paged, filtered lists of the graph's main resources.

Each :class:`Collection` names a class, the fields a member shows and the filters it takes. A
request is read by :func:`parse_request` (every parameter validated, unknown ones refused), run by
:func:`list_page` as SPARQL queries (a count, the page's IRIs, then each member's fields) whose
only inputs from the user are typed RDF terms bound through the store's substitutions, and
rendered by :func:`page_document` (JSON-LD) or :func:`page_csv`. The HTTP layer is
:mod:`kg.api.routes.collections`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier

from kg.errors import InvalidInput, NotAcceptable, NotFound
from kg.namespaces import NACE, NUTS, NUTS_SCHEME, PREFIXES, SCHEME
from kg.paging import Paging
from kg.store import Store

#: Hydra core, the vocabulary of the collection wrapper (collection, members, page links).
HYDRA = "http://www.w3.org/ns/hydra/core#"
#: Parameters every collection takes besides its filters.
PAGE, PER_PAGE, FORMAT = "page", "per_page", "format"
#: Values of ``format``; ``Accept`` negotiates the same two when ``format`` is absent.
FORMATS = ("jsonld", "csv")
#: Separates the values of a many-valued field in a CSV cell.
CSV_SEPARATOR = "|"
#: Joins many values inside one SPARQL aggregate; a control character no value contains.
_JOIN = "\u001f"


class Kind(StrEnum):
    """What a field's values are, which decides their SPARQL aggregate and JSON-LD type."""

    IRI = "iri"
    TEXT = "text"
    LABEL = "label"  # text, one per member: English first, then untagged, then any language
    INTEGER = "integer"
    DATE = "date"


@dataclass(frozen=True)
class Field:
    """One property of a member: where it is read from and how it is shown."""

    key: str
    path: str  # SPARQL property path from the member (prefixed names of kg.namespaces only)
    kind: Kind
    description: str
    many: bool = False
    #: JSON keys of the objects the value sits in, one per step of ``path`` before the last; a
    #: field whose key is the first of them gives that object its ``@id``.
    nest: tuple[str, ...] = ()
    #: CSV column and SPARQL variable name; defaults to ``key``.
    column: str = ""

    @property
    def name(self) -> str:
        """The CSV column (unique in its collection)."""
        return self.column or self.key

    @property
    def steps(self) -> list[str]:
        """The prefixed names of the path's steps."""
        return self.path.split("/")


@dataclass(frozen=True)
class Parameter:
    """A filter parameter: its documentation and how a value becomes bound RDF terms."""

    name: str
    description: str
    example: str
    schema: Mapping[str, Any]
    resolve: Callable[[str, Store], dict[str, Identifier]]


@dataclass(frozen=True)
class Filter:
    """A parameter applied to one collection: the SPARQL pattern its bound variables restrict.

    The pattern is code, never user text; it uses ``?s`` for the member, the variables
    :attr:`Parameter.resolve` binds, and helper variables named ``?f_…``.
    """

    parameter: Parameter
    pattern: str
    applies_to: str  # what the filter looks at in this collection, for the documentation

    @property
    def description(self) -> str:
        """The parameter's description completed with what it matches here."""
        return f"{self.parameter.description} Applies to {self.applies_to}."


@dataclass(frozen=True)
class Collection:
    """A class of resources served as a paged, filtered list under ``/api/{name}``."""

    name: str
    title: str
    description: str
    rdf_type: str  # prefixed name of the class
    fields: tuple[Field, ...]
    filters: tuple[Filter, ...] = ()
    sort: str = "label"  # name of the field pages are ordered by (then the IRI)

    @property
    def parameters(self) -> list[str]:
        """Every query parameter this collection accepts."""
        return [f.parameter.name for f in self.filters] + [PAGE, PER_PAGE, FORMAT]


# --- filter parameters -----------------------------------------------------------------------


def _invalid(parameter: str, detail: str, **extensions: Any) -> InvalidInput:
    return InvalidInput(detail, parameter=parameter, **extensions)


def _ask(store: Store, pattern: str, **bindings: Identifier) -> bool:
    return bool(store.query(f"ASK {{ {pattern} }}", bindings=bindings).boolean)


def resolve_country(value: str, store: Store) -> dict[str, Identifier]:
    """A NUTS country code (``IT``, ``EL``; ``GR`` is read as ``EL``) → its level-0 region."""
    code = value.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", code):
        raise _invalid(
            "country", f"country must be a two-letter NUTS country code such as IT; got {value!r}"
        )
    code = "EL" if code == "GR" else code  # NUTS (and the data) write Greece as EL
    country = NUTS[code]
    if not _ask(store, "?country a ckg:Region ; ckg:nutsLevel 0", country=country):
        raise _invalid("country", f"no NUTS country {code} in the graph")
    return {"country": country}


def resolve_level(value: str, store: Store) -> dict[str, Identifier]:
    """A NUTS level, 0 (country) to 3."""
    if value.strip() not in {"0", "1", "2", "3"}:
        raise _invalid("level", f"level must be a NUTS level 0, 1, 2 or 3; got {value!r}")
    return {"level": Literal(int(value), datatype=XSD.integer)}


def resolve_version(value: str, store: Store) -> dict[str, Identifier]:
    """A NUTS version year (``2021``, ``2024``) → its version scheme."""
    year = value.strip()
    if re.fullmatch(r"\d{4}", year):
        version = URIRef(f"{NUTS_SCHEME}/scheme/{year}")
        pattern = f"?version a skos:ConceptScheme ; dct:isPartOf <{NUTS_SCHEME}>"
        if _ask(store, pattern, version=version):
            return {"version": version}
    known = _column(
        store, f"SELECT ?n WHERE {{ ?v dct:isPartOf <{NUTS_SCHEME}> ; skos:notation ?n }}"
    )
    raise _invalid("version", f"version must be a NUTS version year; got {value!r}", allowed=known)


def resolve_region(value: str, store: Store) -> dict[str, Identifier]:
    """A NUTS code of any level (``ITI3``, ``ITI``, ``IT``) → the region."""
    code = value.strip().upper()
    if re.fullmatch(r"[A-Z]{2}[A-Z0-9]{0,3}", code) and _ask(
        store, "?region a ckg:Region", region=NUTS[code]
    ):
        return {"region": NUTS[code]}
    raise _invalid(
        "region", f"region must be a NUTS code in the graph, such as ITI3; got {value!r}"
    )


def resolve_ket(value: str, store: Store) -> dict[str, Identifier]:
    """A KET or ATI technology: its IRI, prefixed name (``ket:photonics``), key or notation."""
    text = value.strip()
    rows = store.query(
        "SELECT ?t ?notation WHERE { ?t a ckg:KeyEnablingTechnology ; skos:notation ?notation }"
    ).rows
    by_name: dict[str, URIRef] = {}
    # Later entries win, so a bare key names the KET of COM(2012) 341 before the ATI namesake.
    for row in sorted(rows, key=lambda r: str(r["t"]).startswith(PREFIXES["ket"])):
        iri = URIRef(str(row["t"]))
        by_name[str(iri)] = iri
        by_name[str(row["notation"]).lower()] = iri
        for prefix in ("ket", "ati"):
            if str(iri).startswith(PREFIXES[prefix]):
                key = str(iri)[len(PREFIXES[prefix]) :]
                by_name[f"{prefix}:{key}"] = iri
                by_name[key] = iri
    lookup = text if text.startswith(("http://", "https://")) else text.lower()
    if lookup not in by_name:
        keys = sorted(k for k in by_name if k.startswith(("ket:", "ati:")))
        raise _invalid(
            "ket",
            f"ket must name a technology of the KET or ATI scheme (IRI, prefixed name such as "
            f"ket:photonics, key or notation); got {value!r}",
            allowed=keys,
        )
    return {"ket": by_name[lookup]}


NACE_CODE = re.compile(r"(?P<section>[A-U])?(?P<code>\d{2}(?:\.?\d{1,2})?)?")


def resolve_sector(value: str, store: Store) -> dict[str, Identifier]:
    """A NACE Rev. 2 code (``C``, ``C26``, ``26``, ``26.1``, ``26.11``) → its NACE IRI."""
    text = value.strip().upper()
    match = NACE_CODE.fullmatch(text)
    if not text or match is None:
        raise _invalid(
            "sector",
            f"sector must be a NACE Rev. 2 code such as C, C26, 26.1 or 26.11; got {value!r}",
        )
    section, code = match["section"], (match["code"] or "").replace(".", "")
    sector = NACE[code or section]
    pattern = "?sector skos:inScheme nace:nace2"
    bindings: dict[str, Identifier] = {"sector": sector}
    if section and code:
        pattern += " ; skos:broader+ ?section"  # C26 must really be a division of section C
        bindings["section"] = NACE[section]
    if not _ask(store, pattern, **bindings):
        raise _invalid("sector", f"no NACE Rev. 2 activity {text} in the graph")
    return {"sector": sector}


def resolve_programme(value: str, store: Store) -> dict[str, Identifier]:
    """A programme: its IRI or its key, the last segment of the IRI (``interreg-europe``)."""
    text = value.strip()
    programmes = {
        str(iri): URIRef(str(iri))
        for iri in _column(store, "SELECT ?p WHERE { ?p a ckg:Programme }")
    }
    by_key = {iri.rsplit("/", 1)[-1]: term for iri, term in programmes.items()}
    found = programmes.get(text) or by_key.get(text)
    if found is None:
        raise _invalid(
            "programme",
            f"programme must be the IRI or key of a programme; got {value!r}",
            allowed=sorted(by_key),
        )
    return {"programme": found}


_PERIOD = re.compile(r"(?P<start>\d{4})(?:\s*[-/]\s*(?P<end>\d{4}))?")


def resolve_period(value: str, store: Store) -> dict[str, Identifier]:
    """A year (``2016``) or an inclusive range of years (``2014-2020``) → its first and last day."""
    match = _PERIOD.fullmatch(value.strip())
    if match is None:
        raise _invalid(
            "period", f"period must be a year or a range of years such as 2014-2020; got {value!r}"
        )
    start, end = int(match["start"]), int(match["end"] or match["start"])
    if start > end:
        raise _invalid("period", f"period starts after it ends: {value!r}")
    return {
        "periodStart": Literal(dt.date(start, 1, 1), datatype=XSD.date),
        "periodEnd": Literal(dt.date(end, 12, 31), datatype=XSD.date),
    }


def resolve_scheme(value: str, store: Store) -> dict[str, Identifier]:
    """``ket`` (the six KETs of COM(2012) 341) or ``ati`` (Advanced Technologies for Industry)."""
    key = value.strip().lower()
    if key not in {"ket", "ati"}:
        raise _invalid(
            "scheme", f"scheme must be ket or ati; got {value!r}", allowed=["ati", "ket"]
        )
    return {"scheme": SCHEME[key]}


#: Shortest and longest text the ``name`` filter looks for.
NAME_LENGTH = (2, 100)


def resolve_name(value: str, store: Store) -> dict[str, Identifier]:
    """Text to find in a name: spaces collapsed, lower-cased (case is ignored), 2 to 100 characters.

    >>> str(resolve_name("  Emilia   ROMAGNA ", None)["name"])
    'emilia romagna'
    """
    text = " ".join(unicodedata.normalize("NFC", value).split()).lower()
    shortest, longest = NAME_LENGTH
    if not shortest <= len(text) <= longest:
        raise _invalid(
            "name", f"name must have {shortest} to {longest} characters; got {len(text)}"
        )
    return {"name": Literal(text)}


def _column(store: Store, sparql: str) -> list[str]:
    result = store.query(sparql)
    return sorted(str(row[result.variables[0]]) for row in result.rows)


def _string(description: str, pattern: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "description": description}
    if pattern:
        schema["pattern"] = pattern
    return schema


COUNTRY = Parameter(
    "country",
    "NUTS country code, two letters (Greece is EL; GR is read as EL).",
    "IT",
    _string("NUTS country code", "^[A-Za-z]{2}$"),
    resolve_country,
)
LEVEL = Parameter(
    "level",
    "NUTS level: 0 (country), 1, 2 or 3.",
    "2",
    {"type": "integer", "minimum": 0, "maximum": 3},
    resolve_level,
)
VERSION = Parameter(
    "version",
    "NUTS version year (2010, 2013, 2016, 2021 or 2024).",
    "2024",
    {"type": "integer", "description": "NUTS version year"},
    resolve_version,
)
REGION = Parameter(
    "region",
    "NUTS code of any level; the region and every region below it match.",
    "ITI3",
    _string("NUTS code", "^[A-Za-z]{2}[A-Za-z0-9]{0,3}$"),
    resolve_region,
)
KET = Parameter(
    "ket",
    "Technology of the KET or ATI scheme: IRI, prefixed name (ket:photonics, ati:robotics), "
    "key (photonics; a key in both schemes names the KET) or notation (PH, ATI-15). A technology "
    "matches itself and the technologies it is skos:exactMatch with, as named by a source "
    "(ckg:technology) or derived by ClusterKG's documented rules (ckg:derivedTechnology).",
    "ket:photonics",
    _string("technology IRI, prefixed name, key or notation"),
    resolve_ket,
)
SECTOR = Parameter(
    "sector",
    "NACE Rev. 2 activity: section (C), division (26 or C26), group (26.1) or class (26.11); "
    "the activity and every activity below it match.",
    "C26",
    _string("NACE Rev. 2 code", r"^[A-Ua-u]?(\d{2}(\.?\d{1,2})?)?$"),
    resolve_sector,
)
PROGRAMME = Parameter(
    "programme",
    "Programme: its IRI or key (the IRI's last segment, e.g. interreg-europe).",
    "interreg-europe",
    _string("programme IRI or key"),
    resolve_programme,
)
PERIOD = Parameter(
    "period",
    "Year or inclusive range of years (2016, 2014-2020); a period (dct:temporal) that overlaps "
    "it matches, a missing one never does.",
    "2014-2020",
    _string("year or year range", r"^\d{4}(\s*[-/]\s*\d{4})?$"),
    resolve_period,
)
NAME = Parameter(
    "name",
    "Text in the name, in any language of its labels (preferred and alternative names); case "
    "is ignored.",
    "marche",
    _string("2 to 100 characters"),
    resolve_name,
)
SCHEME_PARAMETER = Parameter(
    "scheme",
    "Concept scheme: ket (the six Key Enabling Technologies of COM(2012) 341) or ati "
    "(the sixteen Advanced Technologies for Industry).",
    "ket",
    {"type": "string", "enum": ["ket", "ati"]},
    resolve_scheme,
)

# Patterns shared by several collections. A published region (ckg:region) or its current NUTS
# equivalent (ckg:currentRegion) may carry the match, so data on superseded codes is found too.
_IN_COUNTRY = "?s ckg:region|ckg:currentRegion ?f_place . ?f_place ckg:country ?country ."
_IN_REGION = "?s ckg:region|ckg:currentRegion ?f_place . ?f_place skos:broader* ?region ."
_WITH_TECHNOLOGY = (
    "?s ckg:technology|ckg:derivedTechnology ?f_technology . "
    "?f_technology (skos:exactMatch|^skos:exactMatch)? ?ket ."
)
# A partner role names its project with org:organization; only some projects list their roles
# with ckg:hasPartnerRole as well, so both directions are followed.
_PARTNER_ROLE = "?s ckg:hasPartnerRole|^org:organization ?f_role . ?f_role a ckg:PartnerRole . "
# Any label of the member, in any language, holds the text (both lower-cased).
_NAMED = (
    "?s skos:prefLabel|rdfs:label|skos:altLabel ?f_name . "
    "FILTER(CONTAINS(LCASE(STR(?f_name)), ?name))"
)
_OVERLAPS_PERIOD = (
    "?f_period dcat:startDate ?f_start . OPTIONAL { ?f_period dcat:endDate ?f_end } "
    "FILTER(?f_start <= ?periodEnd && (!BOUND(?f_end) || ?f_end >= ?periodStart))"
)

# --- the collections ---------------------------------------------------------------------------

_LABEL = Field("label", "rdfs:label", Kind.LABEL, "Name (English when there is one).")
_PREF_LABEL = Field("prefLabel", "skos:prefLabel", Kind.LABEL, "Name (English when there is one).")
_REGION = Field("region", "ckg:region", Kind.IRI, "NUTS region as the source gives it.", many=True)
_CURRENT_REGION = Field(
    "currentRegion", "ckg:currentRegion", Kind.IRI, "The region in NUTS 2024.", many=True
)
_TECHNOLOGY = Field(
    "technology", "ckg:technology", Kind.IRI, "KET/ATI technologies a source names.", many=True
)
_DERIVED_TECHNOLOGY = Field(
    "derivedTechnology",
    "ckg:derivedTechnology",
    Kind.IRI,
    "KET/ATI technologies derived by ClusterKG's documented rules (not stated by a source).",
    many=True,
)
_PROGRAMME = Field("programme", "ckg:programme", Kind.IRI, "Programme it belongs to.")
_START = Field(
    "startDate", "dct:temporal/dcat:startDate", Kind.DATE, "First day.", nest=("temporal",)
)
_END = Field("endDate", "dct:temporal/dcat:endDate", Kind.DATE, "Last day.", nest=("temporal",))

REGIONS = Collection(
    name="regions",
    title="NUTS regions",
    description="Regions of every NUTS version in the graph (2013 to 2024; some 2010 codes), "
    "identified by their official NUTS IRIs. Ordered by NUTS code.",
    rdf_type="ckg:Region",
    sort="notation",
    fields=(
        Field("notation", "skos:notation", Kind.TEXT, "NUTS code."),
        _PREF_LABEL,
        Field("nutsLevel", "ckg:nutsLevel", Kind.INTEGER, "NUTS level, 0 (country) to 3."),
        Field("country", "ckg:country", Kind.IRI, "The country (the level-0 region)."),
        Field("broader", "skos:broader", Kind.IRI, "The region one level up."),
        Field(
            "inScheme",
            "skos:inScheme",
            Kind.IRI,
            "NUTS and the NUTS versions with the code.",
            many=True,
        ),
        Field(
            "isReplacedBy",
            "dct:isReplacedBy",
            Kind.IRI,
            "Codes of the next version it became.",
            many=True,
        ),
    ),
    filters=(
        Filter(COUNTRY, "?s ckg:country ?country .", "the region's country"),
        Filter(LEVEL, "?s ckg:nutsLevel ?level .", "the region's NUTS level"),
        Filter(VERSION, "?s skos:inScheme ?version .", "the versions that have the code"),
        Filter(REGION, "?s skos:broader* ?region .", "the region itself and its sub-regions"),
        Filter(NAME, _NAMED, "the region's names (NUTS names, transliterations)"),
    ),
)

CLUSTERS = Collection(
    name="clusters",
    title="Cluster organisations",
    description="Cluster organisations of the ClusterFY and ClusterPoliSEE regions, curated "
    "from public web pages. Ordered by name.",
    rdf_type="ckg:ClusterOrganisation",
    fields=(
        _LABEL,
        Field("altLabel", "skos:altLabel", Kind.TEXT, "Acronyms and other names.", many=True),
        _REGION,
        _CURRENT_REGION,
        Field("naceSector", "ckg:naceSector", Kind.IRI, "NACE Rev. 2 sectors.", many=True),
        _TECHNOLOGY,
        _DERIVED_TECHNOLOGY,
        Field("homepage", "foaf:homepage", Kind.IRI, "Web site."),
        Field("memberCount", "ckg:memberCount", Kind.INTEGER, "Number of members."),
    ),
    filters=(
        Filter(COUNTRY, _IN_COUNTRY, "the country of the cluster's region"),
        Filter(REGION, _IN_REGION, "the cluster's region"),
        Filter(KET, _WITH_TECHNOLOGY, "the cluster's technologies"),
        Filter(SECTOR, "?s ckg:naceSector/skos:broader* ?sector .", "the cluster's NACE sectors"),
        Filter(NAME, _NAMED, "the cluster's name and acronyms"),
    ),
)

KETS = Collection(
    name="kets",
    title="Key Enabling Technologies",
    description="The six Key Enabling Technologies of COM(2012) 341 and the sixteen Advanced "
    "Technologies for Industry, with their mappings to each other and to EuroSciVoc. Ordered "
    "by name.",
    rdf_type="ckg:KeyEnablingTechnology",
    sort="prefLabel",
    fields=(
        _PREF_LABEL,
        Field("notation", "skos:notation", Kind.TEXT, "Short code (PH, ATI-14)."),
        Field("inScheme", "skos:inScheme", Kind.IRI, "The KET or the ATI scheme."),
        Field("definition", "skos:definition", Kind.LABEL, "Definition."),
        Field(
            "exactMatch",
            "skos:exactMatch",
            Kind.IRI,
            "Equivalent technologies and fields.",
            many=True,
        ),
        Field(
            "scientificDomain", "ckg:scientificDomain", Kind.IRI, "EuroSciVoc fields.", many=True
        ),
    ),
    filters=(Filter(SCHEME_PARAMETER, "?s skos:inScheme ?scheme .", "the technology's scheme"),),
)

S3_PRIORITIES = Collection(
    name="s3-priorities",
    title="Smart Specialisation (S3) priorities",
    description="Priorities of the regional and national smart specialisation strategies of "
    "the ClusterFY and ClusterPoliSEE regions, curated from public web pages. Ordered by name.",
    rdf_type="ckg:S3Priority",
    sort="prefLabel",
    fields=(
        _PREF_LABEL,
        Field("strategy", "ckg:strategy", Kind.IRI, "The strategy it is a priority of."),
        Field(
            "label",
            "ckg:strategy/rdfs:label",
            Kind.LABEL,
            "Name of the strategy.",
            nest=("strategy",),
            column="strategyLabel",
        ),
        Field(
            "startDate",
            "ckg:strategy/dct:temporal/dcat:startDate",
            Kind.DATE,
            "First day of the strategy's period.",
            nest=("strategy", "temporal"),
        ),
        Field(
            "endDate",
            "ckg:strategy/dct:temporal/dcat:endDate",
            Kind.DATE,
            "Last day of the strategy's period.",
            nest=("strategy", "temporal"),
        ),
        _REGION,
        _CURRENT_REGION,
        Field("economicDomain", "ckg:economicDomain", Kind.IRI, "NACE Rev. 2 sectors.", many=True),
        Field(
            "scientificDomain", "ckg:scientificDomain", Kind.IRI, "EuroSciVoc fields.", many=True
        ),
        _TECHNOLOGY,
        _DERIVED_TECHNOLOGY,
    ),
    filters=(
        Filter(COUNTRY, _IN_COUNTRY, "the country of the priority's region"),
        Filter(REGION, _IN_REGION, "the priority's region"),
        Filter(KET, _WITH_TECHNOLOGY, "the priority's technologies"),
        Filter(
            SECTOR, "?s ckg:economicDomain/skos:broader* ?sector .", "the priority's NACE sectors"
        ),
        Filter(
            PERIOD,
            "?s ckg:strategy/dct:temporal ?f_period . " + _OVERLAPS_PERIOD,
            "the period of the priority's strategy",
        ),
    ),
)

POLICY_INSTRUMENTS = Collection(
    name="policy-instruments",
    title="Policy instruments",
    description="Regional and national policy instruments (funds, programmes, measures) the "
    "cooperation projects address. Ordered by name.",
    rdf_type="ckg:PolicyInstrument",
    fields=(
        _LABEL,
        _PROGRAMME,
        Field("fund", "ckg:fund", Kind.IRI, "Funds (ERDF, national budget).", many=True),
        _REGION,
        Field("instrumentScope", "ckg:instrumentScope", Kind.IRI, "Regional or national."),
        Field("managingBody", "ckg:managingBody", Kind.IRI, "Managing organisation."),
        _START,
        _END,
    ),
    filters=(
        Filter(COUNTRY, _IN_COUNTRY, "the country of the instrument's region"),
        Filter(REGION, _IN_REGION, "the instrument's region"),
        Filter(PROGRAMME, "?s ckg:programme ?programme .", "the instrument's programme"),
        Filter(
            PERIOD, "?s dct:temporal ?f_period . " + _OVERLAPS_PERIOD, "the instrument's period"
        ),
    ),
)

PROJECTS = Collection(
    name="projects",
    title="Cooperation projects",
    description="Interregional cooperation projects (ClusterFY, ClusterPoliSEE). Ordered by name.",
    rdf_type="ckg:CooperationProject",
    fields=(
        _LABEL,
        Field("altLabel", "skos:altLabel", Kind.TEXT, "Acronym.", many=True),
        _PROGRAMME,
        _START,
        _END,
        Field("leadPartner", "ckg:leadPartner", Kind.IRI, "Lead partner organisation."),
        Field("partnerCount", "ckg:partnerCount", Kind.INTEGER, "Number of partners."),
        Field("countryCount", "ckg:countryCount", Kind.INTEGER, "Number of countries."),
        Field(
            "addressesInstrument",
            "ckg:addressesInstrument",
            Kind.IRI,
            "Policy instruments it addresses.",
            many=True,
        ),
        Field("thematicArea", "ckg:thematicArea", Kind.IRI, "Thematic areas.", many=True),
    ),
    filters=(
        Filter(
            COUNTRY,
            _PARTNER_ROLE + "?f_role ckg:region/ckg:country ?country .",
            "the countries of the project's partners",
        ),
        Filter(
            REGION,
            _PARTNER_ROLE + "?f_role ckg:region/skos:broader* ?region .",
            "the regions of the project's partners",
        ),
        Filter(PROGRAMME, "?s ckg:programme ?programme .", "the project's programme"),
        Filter(PERIOD, "?s dct:temporal ?f_period . " + _OVERLAPS_PERIOD, "the project's period"),
    ),
)

VALUE_CHAINS = Collection(
    name="value-chains",
    title="Value chains",
    description="Value chains of clusters, with their stages. Ordered by name.",
    rdf_type="ckg:ValueChain",
    fields=(
        _LABEL,
        Field("cluster", "ckg:cluster", Kind.IRI, "Cluster organisations.", many=True),
        Field("region", "ckg:region", Kind.IRI, "NUTS regions.", many=True),
        Field("technology", "ckg:technology", Kind.IRI, "KET/ATI technologies.", many=True),
        Field("hasStage", "ckg:hasStage", Kind.IRI, "Stages of the chain.", many=True),
    ),
    filters=(
        Filter(
            COUNTRY, "?s ckg:region/ckg:country ?country .", "the country of the chain's region"
        ),
        Filter(REGION, "?s ckg:region/skos:broader* ?region .", "the chain's region"),
        Filter(
            KET,
            "?s ckg:technology ?f_technology . "
            "?f_technology (skos:exactMatch|^skos:exactMatch)? ?ket .",
            "the chain's technologies",
        ),
    ),
)

#: Every collection, by the name it is served under.
COLLECTIONS: dict[str, Collection] = {
    c.name: c
    for c in (REGIONS, CLUSTERS, KETS, S3_PRIORITIES, POLICY_INSTRUMENTS, PROJECTS, VALUE_CHAINS)
}


def get_collection(name: str) -> Collection:
    """The collection of that name, or :class:`NotFound` listing the ones there are."""
    try:
        return COLLECTIONS[name]
    except KeyError:
        raise NotFound(
            f"no collection {name!r}; there are {', '.join(COLLECTIONS)}", allowed=list(COLLECTIONS)
        ) from None


# --- requests --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageRequest:
    """A validated request for one page: the active filters, their bound terms and the paging."""

    collection: Collection
    page: int
    per_page: int
    filters: tuple[Filter, ...] = ()
    bindings: Mapping[str, Identifier] = field(default_factory=dict)
    format: str | None = None


def parse_request(
    collection: Collection,
    params: Sequence[tuple[str, str]],
    store: Store,
    *,
    default_per_page: int,
    max_per_page: int,
) -> PageRequest:
    """Validate query parameters (name, value pairs as sent) into a :class:`PageRequest`.

    Raises :class:`InvalidInput` naming the parameter for an unknown, repeated, empty or invalid
    one, so a typo never silently returns the unfiltered collection.
    """
    values = _single_values(collection, params)
    page = _positive_int(values.pop(PAGE, "1"), PAGE)
    per_page = _positive_int(values.pop(PER_PAGE, str(default_per_page)), PER_PAGE)
    if per_page > max_per_page:
        raise _invalid(PER_PAGE, f"per_page may be at most {max_per_page}; got {per_page}")
    output = values.pop(FORMAT, None)
    if output is not None and output not in FORMATS:
        raise NotAcceptable(
            f"format must be one of {', '.join(FORMATS)}; got {output!r}",
            parameter=FORMAT,
            allowed=list(FORMATS),
        )
    by_name = {f.parameter.name: f for f in collection.filters}
    filters = tuple(by_name[name] for name in values)  # only known names are left in values
    bindings: dict[str, Identifier] = {}
    for active in filters:
        bindings.update(active.parameter.resolve(values[active.parameter.name], store))
    return PageRequest(collection, page, per_page, filters, bindings, output)


def _single_values(collection: Collection, params: Sequence[tuple[str, str]]) -> dict[str, str]:
    allowed = collection.parameters
    values: dict[str, str] = {}
    for name, value in params:
        if name not in allowed:
            raise _invalid(
                name,
                f"unknown parameter {name!r} for /api/{collection.name}; allowed: "
                f"{', '.join(allowed)}",
                allowed=allowed,
            )
        if name in values:
            raise _invalid(name, f"parameter {name!r} is given more than once")
        if not value.strip():
            raise _invalid(name, f"parameter {name!r} is empty")
        values[name] = value
    return values


def _positive_int(value: str, name: str) -> int:
    if not re.fullmatch(r"\s*\d{1,9}\s*", value) or int(value) < 1:
        raise _invalid(name, f"{name} must be a whole number of at least 1; got {value!r}")
    return int(value)


# --- queries ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """One page of a collection: its members and the total over all pages."""

    request: PageRequest
    total: int
    members: list[dict[str, Any]]  # "@id" → IRI, then field name → value or list of values

    @property
    def last(self) -> int:
        """Number of the last page (1 when the collection is empty)."""
        return self.paging.last(self.total)

    @property
    def paging(self) -> Paging:
        """Which page this is, and its size."""
        return Paging(self.request.page, self.request.per_page)

    def links(self) -> dict[str, int]:
        """Page numbers of the first, previous, next and last pages (as far as they exist)."""
        return self.paging.links(self.total)


def list_page(store: Store, request: PageRequest) -> Page:
    """Count the filtered collection and fetch the requested page of it."""
    return Page(request, count_members(store, request), fetch_members(store, request))


def _where(request: PageRequest) -> str:
    patterns = [f"?s a {request.collection.rdf_type} ."]
    patterns += [f.pattern for f in request.filters]
    return "\n  ".join(patterns)


def _bound_variables(request: PageRequest) -> str:
    # A substitution only applies to a projected variable; bound ones have a single value, so
    # projecting and grouping by them changes neither the count nor the members.
    return " ".join(f"?{name}" for name in sorted(request.bindings))


def count_members(store: Store, request: PageRequest) -> int:
    """Number of members matching the request's filters."""
    bound = _bound_variables(request)
    group = f"GROUP BY {bound}" if bound else ""
    sparql = (
        f"SELECT {bound} (COUNT(DISTINCT ?s) AS ?total) WHERE {{\n  {_where(request)}\n}} {group}"
    )
    rows = store.query(sparql, bindings=request.bindings).rows
    return int(str(rows[0]["total"])) if rows else 0


def fetch_members(store: Store, request: PageRequest) -> list[dict[str, Any]]:
    """The members of the requested page, in the collection's order."""
    return [_describe(store, request.collection, iri) for iri in page_iris(store, request)]


def page_iris(store: Store, request: PageRequest) -> list[Identifier]:
    """The IRIs of the requested page's members, in the collection's order."""
    sort = next(f for f in request.collection.fields if f.name == request.collection.sort)
    bound = _bound_variables(request)
    sparql = (
        f"SELECT ?s {bound} {_aggregate(sort)} WHERE {{\n  {_where(request)}\n  "
        f"{_optional(sort)}\n}}\nGROUP BY ?s {bound}\nORDER BY LCASE(?o_{sort.name}) ?s\n"
        f"LIMIT {request.per_page} OFFSET {(request.page - 1) * request.per_page}"
    )
    return [row["s"] for row in store.query(sparql, bindings=request.bindings).rows]


def _describe(store: Store, collection: Collection, iri: Identifier) -> dict[str, Any]:
    # One small query per member, anchored on its IRI: much faster than joining every field of
    # the whole collection before paging it (0.1 s instead of 0.8 s for a page of regions).
    optionals = "\n  ".join(_optional(f) for f in collection.fields)
    aggregates = " ".join(_aggregate(f) for f in collection.fields)
    sparql = f"SELECT ?s {aggregates} WHERE {{\n  {optionals}\n}} GROUP BY ?s"
    return _member(collection, store.query(sparql, bindings={"s": iri}).rows[0])


def _optional(f: Field) -> str:
    pattern = f"?s {f.path} ?v_{f.name} ."
    if f.kind is Kind.LABEL:
        pattern += (
            f' BIND(IF(LANGMATCHES(LANG(?v_{f.name}), "en"), "0", '
            f'IF(LANG(?v_{f.name}) = "", "1", "2")) AS ?r_{f.name})'
        )
    return f"OPTIONAL {{ {pattern} }}"


def _aggregate(f: Field) -> str:
    value = f"?v_{f.name}"
    if f.kind is Kind.LABEL:
        # The best-ranked label (English, untagged, other), alphabetically first among equals.
        expression = f"SUBSTR(MIN(CONCAT(?r_{f.name}, STR({value}))), 2)"
    elif f.many:
        expression = f'GROUP_CONCAT(DISTINCT STR({value}); separator="{_JOIN}")'
    else:
        expression = f"MIN({value})"
    return f"({expression} AS ?o_{f.name})"


def _member(collection: Collection, row: Mapping[str, Identifier]) -> dict[str, Any]:
    member: dict[str, Any] = {"@id": str(row["s"])}
    for f in collection.fields:
        term = row.get(f"o_{f.name}")
        if term is None or (f.many and not str(term)):
            continue
        if f.many:
            member[f.name] = sorted(_value(f.kind, v) for v in str(term).split(_JOIN))
        else:
            member[f.name] = _value(f.kind, str(term))
    return member


def _value(kind: Kind, text: str) -> Any:
    return int(text) if kind is Kind.INTEGER else text


# --- representations -------------------------------------------------------------------------


def _expand(prefixed: str) -> str:
    prefix, local = prefixed.split(":", 1)
    return PREFIXES[prefix] + local


def _term(f: Field, step: str) -> str | dict[str, str]:
    # Prefixed names resolve through the service's context, which declares every project prefix.
    value_type = {Kind.IRI: "@id", Kind.INTEGER: "xsd:integer", Kind.DATE: "xsd:date"}.get(f.kind)
    return step if value_type is None else {"@id": step, "@type": value_type}


def context_terms(collection: Collection) -> dict[str, Any]:
    """The inline JSON-LD context of a collection's pages: Hydra's terms and the fields'."""
    terms: dict[str, Any] = {
        "hydra": HYDRA,
        "totalItems": {"@id": "hydra:totalItems", "@type": "xsd:integer"},
        "member": {"@id": "hydra:member", "@container": "@set"},
        "view": {"@id": "hydra:view"},
        "first": {"@id": "hydra:first", "@type": "@id"},
        "previous": {"@id": "hydra:previous", "@type": "@id"},
        "next": {"@id": "hydra:next", "@type": "@id"},
        "last": {"@id": "hydra:last", "@type": "@id"},
    }
    for f in collection.fields:
        steps = f.steps
        for key, step in zip(f.nest, steps, strict=False):
            terms.setdefault(key, step)
        terms[f.key] = _term(f, steps[-1])
    return terms


def page_document(
    page: Page, *, context_url: str, collection_url: str, page_url: Callable[[int], str]
) -> dict[str, Any]:
    """The page as a JSON-LD Hydra collection: members, total and links to the other pages."""
    collection = page.request.collection
    rels = {"first": "first", "prev": "previous", "next": "next", "last": "last"}
    view: dict[str, Any] = {
        "@id": page_url(page.request.page),
        "@type": "hydra:PartialCollectionView",
    }
    view.update({rels[rel]: page_url(number) for rel, number in page.links().items()})
    return {
        "@context": [context_url, context_terms(collection)],
        "@id": collection_url,
        "@type": "hydra:Collection",
        "totalItems": page.total,
        "view": view,
        "member": [_json_member(collection, member) for member in page.members],
    }


def _json_member(collection: Collection, member: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"@id": member["@id"], "@type": collection.rdf_type}
    for f in collection.fields:
        if f.name in member:
            _place(out, f, member[f.name])
    return out


def _place(out: dict[str, Any], f: Field, value: Any) -> None:
    target = out
    for key in f.nest:
        child = target.get(key)
        if not isinstance(child, dict):
            # A nested object about a resource already shown by its IRI keeps it as "@id".
            child = {} if child is None else {"@id": child}
            target[key] = child
        target = child
    if f.kind is Kind.IRI and not f.many and isinstance(target.get(f.key), dict):
        target[f.key]["@id"] = value
    else:
        target[f.key] = value


def csv_columns(collection: Collection) -> list[str]:
    """The header row of a collection's CSV: the IRI, then one column per field."""
    return ["id", *(f.name for f in collection.fields)]


def page_csv(page: Page) -> str:
    """The page as CSV with a header row; many values share a cell, separated by ``|``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    columns = csv_columns(page.request.collection)
    writer.writerow(columns)
    for member in page.members:
        writer.writerow(_cell(member.get("@id" if name == "id" else name)) for name in columns)
    return buffer.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return CSV_SEPARATOR.join(str(v) for v in value)
    return str(value)


def member_schema(collection: Collection) -> dict[str, Any]:
    """JSON Schema of one member in the JSON-LD representation (for the OpenAPI document)."""
    properties: dict[str, Any] = {
        "@id": {"type": "string", "format": "uri", "description": "IRI of the resource."},
        "@type": {"type": "string", "const": collection.rdf_type},
    }
    for f in collection.fields:
        target = properties
        for key in f.nest:
            nested = target.get(key)
            if nested is None or "properties" not in nested:
                # As in _place: an object about a resource shown by its IRI keeps it as "@id".
                inner = {} if nested is None else {"@id": nested}
                nested = target[key] = {"type": "object", "properties": inner}
            target = nested["properties"]
        if f.key in target and "properties" in target[f.key]:
            target[f.key]["properties"]["@id"] = _field_schema(f)
        else:
            target[f.key] = _field_schema(f)
    return {"type": "object", "required": ["@id", "@type"], "properties": properties}


def _field_schema(f: Field) -> dict[str, Any]:
    scalar: dict[str, Any] = {
        Kind.IRI: {"type": "string", "format": "uri"},
        Kind.INTEGER: {"type": "integer"},
        Kind.DATE: {"type": "string", "format": "date"},
    }.get(f.kind, {"type": "string"})
    if f.many:
        return {"type": "array", "items": scalar, "description": f.description}
    return {**scalar, "description": f.description}


def describe(collections: Iterable[Collection]) -> list[dict[str, Any]]:
    """Name, title, description, class and filters of each collection (for ``GET /api``)."""
    return [
        {
            "name": c.name,
            "title": c.title,
            "description": c.description,
            "type": _expand(c.rdf_type),
            "filters": [
                {
                    "name": f.parameter.name,
                    "description": f.description,
                    "example": f.parameter.example,
                }
                for f in c.filters
            ],
            "fields": [f.name for f in c.fields],
        }
        for c in collections
    ]
