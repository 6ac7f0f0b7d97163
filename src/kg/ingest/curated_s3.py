"""Convert the curated S3, cluster and partner tables into ClusterKG's documented formats.

The curated originals (``data/sources/s3/curated/``, copied unchanged from the hand-curation)
mix codes with place names ("ITI3 (Ancona)"), technologies with sectors, and partners with
project facts. This module turns them, deterministically, into the tables described in
``data/sources/s3/FORMATS.md``, which the ``s3-priorities``, ``clusters`` and
``project-partners`` mappings read:

- ``s3_priorities.csv``, ``clusters.csv``, ``project_partners.csv``;
- ``project_facts.csv`` and ``cluster_facts.csv``: partner and country counts, periods and
  member counts, one row per (fact, source) — these are where sources contradict each other;
- ``skipped_rows.csv``: every curated row that is not converted, with the reason.

Technologies are never derived here: :mod:`kg.technology_matches` derives them from the graph.

Run ``python -m kg.ingest.curated_s3`` to rewrite them, ``--check`` to verify that the committed
files are what the conversion gives. Every judgement the conversion makes is in a table below
(technology words, region readings, organisation identities, facts) or in the ``notes`` column
of the row it affects ("[ClusterKG conversion: …]"). It never infers a NACE code, a scientific
domain or a technology a source does not name.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from kg.config import PROJECT_ROOT
from kg.errors import InvalidInput
from kg.ingest.mappings.clusters import CLUSTER_COLUMNS
from kg.ingest.mappings.curated_rows import FACT_COLUMNS, slug
from kg.ingest.mappings.partners import PARTNER_COLUMNS
from kg.ingest.mappings.s3 import PRIORITY_COLUMNS
from kg.ingest.nuts_history import BUNDLED_DESCRIPTOR, NutsHistory, load_history
from kg.ingest.records import slugify

S3_DIR = Path("sources/s3")
CURATED_DIR = "curated"
SEEDS_FILE = Path("sources/seeds/seed_facts.yaml")
SKIPPED_COLUMNS = ["curated_file", "line", "summary", "reason"]

# ── judgement tables ─────────────────────────────────────────────────────────────────────────

#: Technology words of the curated tables that unambiguously name a KET or ATI (compared
#: case-insensitively, after removing parenthesised asides). Only these become ckg:technology;
#: every other word stays text (dct:subject). Deliberately absent, because they do not name
#: one KET/ATI: "biotechnology" (red, green or white; also "green", "aquatic" biotechnology and
#: "synthetic biology"), "materials", "materials technology", "structural materials" and
#: "bio-based materials" (conventional materials too), "ICT", "IT", "digital…", "automation"
#: alone, "mechatronics", "production technology" (conventional production too), "Industry
#: 4.0" (a paradigm spanning several ATIs), "nanosciences" (a science, not a technology),
#: "microsystems", "sensors", "electronics", "data analytics", "data science", "solar power",
#: "KETs (generic)". The rules of data/mappings/technology_rules.yaml may still derive a
#: technology from such words, as ClusterKG's judgement, after the build.
TECHNOLOGY_WORDS: dict[str, str] = {
    # robotics
    "robotics": "ati:robotics",
    "robotica": "ati:robotics",
    "automation and robotic technology": "ati:robotics",
    # digital ATIs
    "big data": "ati:big-data",
    "artificial intelligence": "ati:artificial-intelligence",
    "cybersecurity": "ati:security",  # the ATI "security" is cybersecurity (ontology/kets.ttl)
    "clean mobility": "ati:mobility",  # ATI mobility: clean, connected, automated transport
    # KETs
    "photonics": "ket:photonics",
    "laser and photonics technologies": "ket:photonics",
    "optoelectronics and laser technologies": "ket:photonics",
    "fiberoptik": "ket:photonics",  # Swedish "fibre optics": optical communication
    "microelectronics": "ket:micro-and-nanoelectronics",
    "nano-processes": "ket:nanotechnology",
    "multifunctional materials and composites": "ket:advanced-materials",
    "advanced manufacturing": "ket:advanced-manufacturing-technologies",
    "smart manufacturing": "ket:advanced-manufacturing-technologies",
    "manufacturing 4.0": "ket:advanced-manufacturing-technologies",
    "industrial automation": "ket:advanced-manufacturing-technologies",
    "biotechnological processes": "ket:industrial-biotechnology",
    "biotechnological and chemical processes": "ket:industrial-biotechnology",
    "bioprocess": "ket:industrial-biotechnology",  # bioprocessing: white biotechnology's core
    # added with s3_priorities_more.csv and s3_priorities_batch2.csv
    "advanced materials": "ket:advanced-materials",
    # the KET is "new or substantially improved materials" (COM(2012) 341); Aragón lists
    # "new materials" among its KETs
    "new materials": "ket:advanced-materials",
    "innovative materials": "ket:advanced-materials",
    "advanced building materials": "ket:advanced-materials",
    "smart materials": "ket:advanced-materials",
    "functional materials": "ket:advanced-materials",
    "composite materials": "ket:advanced-materials",
    "nanotechnologies": "ket:nanotechnology",
    "smart production": "ket:advanced-manufacturing-technologies",
    "intelligent production": "ket:advanced-manufacturing-technologies",
    "flexible automation": "ket:advanced-manufacturing-technologies",
    "photovoltaics": "ket:photonics",  # named in the photonics KET's definition
    "internet of things": "ati:internet-of-things",
    "augmented reality": "ati:augmented-and-virtual-reality",
    "information security": "ati:security",
    "smart mobility": "ati:mobility",
}

#: Language of the curated labels flagged "translated", by the country of the NUTS code.
#: Countries with several languages of administration (BE, LU, MT, IE, CY) are deliberately
#: absent: their translated rows need an entry in LABEL_LANGUAGES.
COUNTRY_LANGUAGES = {
    "AT": "de",
    "BG": "bg",
    "CZ": "cs",
    "DE": "de",
    "DK": "da",
    "EL": "el",
    "ES": "es",
    "FI": "fi",
    "FR": "fr",
    "HR": "hr",
    "HU": "hu",
    "IT": "it",
    "LT": "lt",
    "NL": "nl",
    "PL": "pl",
    "PT": "pt",
    "RO": "ro",
    "SE": "sv",
    "SI": "sl",
    "SK": "sk",
}

#: Translated rows whose labels are not in the country's (only) language: (curated file,
#: curated nuts_code, strategy_period) → (language, why).
LABEL_LANGUAGES: dict[tuple[str, str, str], tuple[str, str]] = {
    ("s3_priorities_more.csv", "ES11", "2014-2020"): (
        "gl",
        "the labels are Galician ('xestión', 'coñecemento', 'poboación'), as on the page",
    ),
    ("s3_priorities_batch2.csv", "BE10", "2021-2027"): (
        "fr",
        "the labels are French, as in the business magazine article",
    ),
}

#: The curated priority files, in the order they are converted (the first one's rows keep
#: the ids they had before the others were added).
PRIORITY_FILES = ("s3_priorities.csv", "s3_priorities_more.csv", "s3_priorities_batch2.csv")

#: Strategies whose rows the curated README lists under "Not formal S3 lists": (curated file,
#: curated nuts_code, strategy_period) → what the list is. Each is the region's own list of
#: innovation fields, which the curation records as its priorities, so it is converted; every
#: row says in its notes what the list is.
NOT_FORMAL_S3_LISTS: dict[tuple[str, str, str], str] = {
    ("s3_priorities_more.csv", "BE2", ""): "the spearhead clusters of Flemish cluster policy",
    ("s3_priorities_more.csv", "DE40", ""): "Brandenburg's own four cluster-policy fields",
    ("s3_priorities_more.csv", "AT31", ""): (
        "the fields of Upper Austria's #upperVISION2030 business and research strategy"
    ),
    ("s3_priorities_more.csv", "AT12", "2021-2027"): (
        "the fields of Lower Austria's FTI-Strategie 2027 (its RTI strategy)"
    ),
    ("s3_priorities_more.csv", "IE", "2014-2020"): (
        "the areas of the research prioritisation report that underpinned Ireland's 2014 S3"
    ),
    ("s3_priorities_batch2.csv", "DE50", "2014-2020"): (
        "the clusters of Bremen's Clusterstrategie 2020 (called the core of its RIS3)"
    ),
    ("s3_priorities_batch2.csv", "DE9", "2021-2027"): (
        "the 'Stärken und Potenziale' of Niedersachsen's draft RIS3"
    ),
    ("s3_priorities_batch2.csv", "DEF0", "2021-2027"): (
        "the 'herausragende Bereiche' of Schleswig-Holstein's technology support"
    ),
    ("s3_priorities_batch2.csv", "BE10", "2016-2020"): (
        "the strategic priority areas of Brussels' Regional Innovation Plan 2016-2020"
    ),
}

#: Curated region texts that the general rules below cannot read, with the reading and why.
REGION_OVERRIDES: dict[str, tuple[str, str]] = {
    "RO31 (study visit in Pitesti) / RO32 per ECCP": (
        "RO32",
        "the row's source (ECCP) places the cluster in Bucharest-Ilfov (RO32); ClusterFY's "
        "study visit to a member institute in Pitesti (Sud-Muntenia, RO31) is another page's "
        "and may be a seat-versus-member difference (curated README, contradiction 15)",
    ),
}

#: Curated priority rows that are not priorities: (curated file, nuts_code, label) → reason.
SKIPPED_PRIORITIES: dict[tuple[str, str, str], str] = {
    ("s3_priorities.csv", "LT", "šešios prioritetinės ... (sumanios specializacijos) kryptys"): (
        "count-only row: it says that the 2013 government decision approved six priority "
        "directions and names none of them; the ontology has no property for a number of "
        "priorities. The seven directions of the later update are converted from the MITA rows "
        "(curated README, contradiction 9)."
    ),
}


@dataclass(frozen=True)
class Partner:
    """How a curated partner name is read: which organisation, described where."""

    organisation: str
    defined_in: str
    name: str = ""
    acronym: str = ""
    helix_type: str = ""
    note: str = ""
    role_note: str = ""


_SEEDS = "the seed facts' organisation"

#: Curated partner names → organisations. ``seed_facts``: the organisation the seed facts
#: already describe (same organisation, possibly under another name); ``clusters``: a cluster
#: of the clusters table; ``project_partners``: introduced by this table. Helix types are given
#: only for public authorities and a public research institute, as editorial classifications.
PARTNERS: dict[str, Partner] = {
    "Agency for Science, Innovation and Technology (MITA)": Partner(
        "organisation:mita", "seed_facts", note=f"{_SEEDS} MITA (Innovation Agency since 2022)"
    ),
    "Northern Netherlands Alliance (Samenwerkingsverband Noord-Nederland, SNN)": Partner(
        "organisation:northern-netherlands-provinces-alliance",
        "seed_facts",
        note=f"{_SEEDS} Northern Netherlands Provinces Alliance",
    ),
    "Hudiksvalls Kommun": Partner(
        "organisation:municipality-of-hudiksvall",
        "seed_facts",
        note=f"{_SEEDS} Municipality of Hudiksvall",
    ),
    "South Muntenia Regional Development Agency (ADR Sud Muntenia / SMRDA)": Partner(
        "organisation:sm-rda", "seed_facts", note=f"{_SEEDS} SM RDA"
    ),
    "University of Castilla-La Mancha (UCLM)": Partner("organisation:uclm", "seed_facts"),
    "Slovak Innovation and Energy Agency (SIEA)": Partner(
        "organisation:slovak-innovation-and-energy-agency", "seed_facts"
    ),
    "Regione Marche (PF Politiche Comunitarie e Autorità di Gestione FESR e FSE)": Partner(
        "organisation:regione-marche",
        "seed_facts",
        note=f"{_SEEDS} Regione Marche",
        role_note="the source names the lead as Regione Marche; the curated row adds its unit, "
        "the PF Politiche Comunitarie e Autorità di Gestione FESR e FSE",
    ),
    "Regione Emilia-Romagna": Partner(
        "organisation:regione-emilia-romagna",
        "project_partners",
        name="Regione Emilia-Romagna",
        helix_type="government",
    ),
    "Regione Veneto": Partner(
        "organisation:regione-veneto",
        "project_partners",
        name="Regione Veneto",
        helix_type="government",
    ),
    "Ministero dello Sviluppo economico (MiSE)": Partner(
        "organisation:ministero-dello-sviluppo-economico",
        "project_partners",
        name="Ministero dello Sviluppo economico",
        acronym="MiSE",
        helix_type="government",
    ),
    "Corallia (Corallia Clusters Initiative)": Partner(
        "organisation:corallia",
        "project_partners",
        name="Corallia Clusters Initiative",
        acronym="Corallia",
    ),
    "ecoplus. The Business Agency of Lower Austria": Partner(
        "organisation:ecoplus",
        "project_partners",
        name="ecoplus. The Business Agency of Lower Austria",
        acronym="ecoplus",
    ),
    "Pannon Business Network (PBN)": Partner(
        "organisation:pannon-business-network",
        "project_partners",
        name="Pannon Business Network",
        acronym="PBN",
    ),
    "MAG Zrt Klaszteriroda / NGM Nemzetközi és Klaszter Főosztály": Partner(
        "organisation:mag-zrt-klaszteriroda",
        "project_partners",
        name="MAG Zrt Klaszteriroda / NGM Nemzetközi és Klaszter Főosztály",
        note="the source names the cluster office of MAG Zrt together with the ministry (NGM) "
        "department it worked for; one partner organisation here",
    ),
    "Regional Development Agency North-East (ADR Nord-Est)": Partner(
        "organisation:adr-nord-est",
        "project_partners",
        name="Regional Development Agency North-East",
        acronym="ADR Nord-Est",
        helix_type="government",
    ),
    "Ministry of Economy, Trade and Business Environment - Department of Industrial Policy": (
        Partner(
            "organisation:ministry-of-economy-trade-and-business-environment-ro",
            "project_partners",
            name="Ministry of Economy, Trade and Business Environment - Department of "
            "Industrial Policy",
            helix_type="government",
        )
    ),
    "Institute of Economic Forecasting Bucharest (IPE)": Partner(
        "organisation:institute-of-economic-forecasting",
        "project_partners",
        name="Institute of Economic Forecasting Bucharest",
        acronym="IPE",
        helix_type="academia",
    ),
    "Union of Slovak Clusters (UKS)": Partner(
        "cluster:union-of-slovak-clusters",
        "clusters",
        note="the cluster association of the clusters table",
    ),
}

#: Curated partner rows that give no partner role: partner name → reason.
SKIPPED_PARTNERS: dict[str, str] = {
    "(Polish partner - organisation not named in excerpt; project page hosted by PARP)": (
        "the partner organisation is not named (the page is hosted by PARP but does not say "
        "PARP is the partner), so no partner role can be written; the eight countries the "
        "quote lists are kept as a country_count fact of ClusterFY"
    ),
    "(Greek partner - organisation and region not named in any excerpt seen)": (
        "the partner organisation and region are not named, so no partner role can be written; "
        "the eight countries the quote lists are kept as a country_count fact of ClusterFY"
    ),
    "SVIM (Sviluppo Marche)": (
        "not a partner: the source says Regione Marche designed the project with SVIM's "
        "collaboration and gives SVIM no partner status; the seed facts already link SVIM to "
        "the project (org:linkedTo)"
    ),
    "West Pannon Nonprofit Ltd.": "not a partner: the source calls it an engaged expert",
}

#: Curated roles → (role concept, role note).
ROLES: dict[str, tuple[str, str]] = {
    "lead partner": ("lead-partner", ""),
    "partner": ("partner", ""),
    "partner (leader of cross-cluster 'innovazione e R&S')": (
        "partner",
        "leader of the cross-cluster 'innovazione e R&S'",
    ),
    "partner (coordinated the six policy learning mechanisms / pilot actions)": (
        "partner",
        "coordinated the six policy learning mechanisms / pilot actions",
    ),
    "partner (listed among ecoplus EU projects)": (
        "partner",
        "the project is listed among ecoplus's EU projects",
    ),
    "partner (listed under PBN closed projects)": (
        "partner",
        "the project is listed under PBN's closed projects",
    ),
    "partner (responsible for partner and work package coordinating tasks)": (
        "partner",
        "responsible for partner and work package coordinating tasks",
    ),
}

#: A curated row that states two roles, each from its own source: partner name → the role
#: rows to write (role, source URL, quote, note; an empty URL/quote means the curated row's).
SPLIT_ROLES: dict[str, list[tuple[str, str, str, str]]] = {
    "Ministero dello Sviluppo economico (MiSE)": [
        (
            "associated-partner",
            "",
            "",
            "oics.it calls the ministry an associated partner; the Emilia-Romagna page lists it "
            "among the Italian partners (curated README, contradiction 5): one partner role per "
            "source",
        ),
        (
            "partner",
            "https://fesr.regione.emilia-romagna.it/notizie/2014/"
            "clusterpolisee-per-lo-sviluppo-nel-sud-est-europa",
            "Tra i partner italiani di ClusterPoliSEE, oltre alla Regione Emilia-Romagna, "
            "figurano la Regione Marche, nel ruolo di lead partner, la Regione Veneto e il "
            "Ministero dello Sviluppo economico.",
            "the Emilia-Romagna page lists the ministry among the Italian partners; oics.it calls "
            "it an associated partner (curated README, contradiction 5): one partner role per "
            "source",
        ),
    ],
}

PROJECTS = {"ClusterFY": "project:clusterfy", "ClusterPoliSEE": "project:clusterpolisee"}


@dataclass(frozen=True)
class Fact:
    """One fact of a curated row: subject, property, value, and a note."""

    subject: str
    property: str
    value: str
    note: str = ""


_CPS = "project:clusterpolisee"
_CFY = "project:clusterfy"

#: Facts read from curated partner rows (the "[project facts]" rows and a few partner rows
#: whose quote states a count or a date), by the curated partner_name. They use the row's
#: source URL and quote.
ROW_FACTS: dict[str, list[Fact]] = {
    "[project facts] start 1 Jan 2017, end 31 Dec 2021; Interreg Europe 2nd call": [
        Fact(
            _CFY,
            "period",
            "2017-01-01/2021-12-31",
            "'Interreg Europe 2nd call' is kept in the curated row only (no property for calls)",
        ),
    ],
    "[project facts] 8 action plans (7 ERDF + 1 national policy instrument); "
    "57 interregional learning events": [
        Fact(
            "output:clusterfy-action-plans",
            "quantity",
            "8",
            "8 action plans: on 7 ERDF and 1 national policy instrument",
        ),
        Fact("output:clusterfy-learning-events", "quantity", "57"),
    ],
    "[project facts] countries: Albania, Austria, Bulgaria, Croatia, Greece, Hungary, Italy, "
    "Romania, Serbia, Slovakia, Slovenia (11)": [
        Fact(_CPS, "country_count", "11", "the source names the 11 countries"),
    ],
    "[project facts] 24 partners from 12 SEE countries (8 EU MS, 3 IPA, 1 ENPI); April 2012 - "
    "December 2014; ref SEE/C/0008/1.1/X": [
        Fact(_CPS, "partner_count", "24"),
        Fact(
            _CPS,
            "country_count",
            "12",
            "8 EU member states, 3 IPA and 1 ENPI country (final report); the dates of the same "
            "page are a claim of the lead-partner row",
        ),
    ],
    "[project facts] 24 partners of 11 countries besides lead partner; 2.5 years; > EUR 5m "
    "(EUR 582k to Marche)": [
        Fact(
            _CPS,
            "partner_count",
            "25",
            "24 partners besides the lead partner Regione Marche, i.e. 25 in all",
        ),
        Fact(
            _CPS,
            "country_count",
            "11",
            "'24 partner di 11 Paesi europei' besides the lead partner; whether Italy is among "
            "the 11 is not said",
        ),
        Fact(
            _CPS,
            "duration",
            "P2Y6M",
            "'2.5 years' as the curated row gives it (not in the quoted words); the same page "
            "gives a budget of over EUR 5 million (EUR 582k to Marche), which ClusterKG has no "
            "property for (curated README, contradiction 4: EUR 5.2 million on the "
            "Emilia-Romagna page)",
        ),
    ],
    "[project facts] 25 members, 11 countries (8 EU MS + 3 IPA)": [
        Fact(_CPS, "partner_count", "25"),
        Fact(_CPS, "country_count", "11", "8 EU member states and 3 IPA countries"),
    ],
    "[project facts] 23 partners, 11 countries; 30 months from May 2012": [
        Fact(_CPS, "partner_count", "23"),
        Fact(_CPS, "country_count", "11"),
        Fact(_CPS, "period", "2012-05/P30M", "30 months starting in May 2012"),
    ],
    "[project facts] duration 2009.01.01 - 2012.06.30 (as stated by PBN); 25 members, 11 "
    "countries": [
        Fact(
            _CPS,
            "period",
            "2009-01-01/2012-06-30",
            "as PBN states it; it conflicts with the other sources' 2012-2014 (curated README, "
            "contradiction 3)",
        ),
        Fact(_CPS, "partner_count", "25"),
        Fact(_CPS, "country_count", "11"),
    ],
    "Regione Marche (PF Politiche Comunitarie e Autorità di Gestione FESR e FSE)": [
        Fact(_CPS, "period", "2012-04/2014-12", "April 2012 to December 2014 (final report)"),
    ],
    "Regione Emilia-Romagna": [Fact(_CPS, "partner_count", "25")],
    "ecoplus. The Business Agency of Lower Austria": [Fact(_CPS, "partner_count", "24")],
    "(Polish partner - organisation not named in excerpt; project page hosted by PARP)": [
        Fact(
            _CFY,
            "country_count",
            "8",
            "'8 regionów europejskich': eight regions, one in each of the eight countries named",
        ),
    ],
    "(Greek partner - organisation and region not named in any excerpt seen)": [
        Fact(_CFY, "country_count", "8", "the source names the eight countries"),
    ],
}


@dataclass(frozen=True)
class ReadmeFact:
    """A fact the curated README states (in its list of contradictions) but no row has."""

    contradiction: int
    subject: str
    property: str
    value: str
    url: str
    #: Words of the page as the README quotes them ("" when it quotes none).
    quote: str
    note: str


README_FACTS: list[ReadmeFact] = [
    ReadmeFact(
        1,
        _CPS,
        "partner_count",
        "24",
        "http://clusterpolisee.eu/sl/o-clusterpolisee",
        "",
        "the curated README cites this page for 24 partners; its words were not recorded",
    ),
    ReadmeFact(
        1,
        _CPS,
        "partner_count",
        "25",
        "https://ipe.ro/smarter/prezentare.html",
        "",
        "the curated README cites this page for 25 members; its words were not recorded",
    ),
    ReadmeFact(
        6,
        _CFY,
        "period",
        "2017-01/P3Y",
        "https://www.hudiksvall.se/Sidor/Kommun-och-politik/Kommunens-organisation/Samverkan/"
        "ClusterFy.html",
        "och pågår under tre år",
        "started in January 2017 and runs for three years, as the curated README reads the "
        "page; it most likely describes phase 1 only",
    ),
    ReadmeFact(
        6,
        _CFY,
        "duration",
        "P5Y",
        "http://www.parp.gov.pl/clusterfy-regionalny-projekt-o-klastrach",
        "",
        "the curated README: the first 3 years are learning and 2 more are implementation",
    ),
    ReadmeFact(
        8,
        _CFY,
        "country_count",
        "7",
        "https://www.interregeurope.eu/clusterfy/news/news-article/4196/"
        "clusterfy-partnermeeting-gaevle-and-hudiksvall-sweden/",
        "seven European countries",
        "apparent only: the other sources give eight countries (curated README, contradiction 8)",
    ),
    ReadmeFact(
        8,
        _CFY,
        "country_count",
        "8",
        "https://www.interregeurope.eu/clusterfy/news/news-article/5923/"
        "transnational-meeting-in-south-muntenia-rda/",
        "",
        "the curated README cites this page for eight partner countries; its words were not "
        "recorded",
    ),
    ReadmeFact(
        14,
        "cluster:clustero",
        "member_count",
        "53",
        "http://clustero.eu/about-us/",
        "",
        "the curated README cites this page for 53 clusters; the ECCP page says 42 (probably "
        "another date); the page's words were not recorded",
    ),
]

#: Member counts the curated cluster rows state (in the sector column or the quote), by
#: cluster id. Approximate and minimum counts are not recorded ("rund 300", "more than 60").
MEMBERS: dict[str, tuple[str, str]] = {
    "union-of-slovak-clusters": ("18", "member count from the curated sector column"),
    "czech-optical-cluster": ("45", "45 institutions, as the same page says"),
    "green-tech-cluster-styria": ("220", "220 companies, as the quote says"),
    "acstyria-mobilitatscluster": ("", "about 300 companies: an approximate count, not recorded"),
    "lithuanian-laser-association": ("", "more than 60 institutions: a minimum, not recorded"),
    "clustero": (
        "",
        "member count disputed (42 on this page, 53 on clustero.eu: curated README, "
        "contradiction 14): both are claims in cluster_facts.csv",
    ),
}

#: The CLUSTERO count of the row itself, kept as a claim (see MEMBERS).
CLUSTER_ROW_FACTS: dict[str, list[Fact]] = {
    "CLUSTERO - Romanian Cluster Association": [
        Fact(
            "cluster:clustero",
            "member_count",
            "42",
            "42 of the most active Romanian clusters (ECCP page); clustero.eu says 53",
        )
    ],
}

#: Curated rows that name two clusters: name → (name, sector words) of each.
CLUSTER_SPLITS: dict[str, list[tuple[str, str]]] = {
    "Clust-ER Turismo and Clust-ER Economia urbana (new)": [
        ("Clust-ER Turismo", "turismo"),
        (
            "Clust-ER Economia urbana",
            "economia urbana (commercio, turismo, artigianato, servizi culturali)",
        ),
    ],
}

#: Sites a curated row marks "page host" that are not the cluster's own: the homepage is left
#: empty (the site hosting the page is the regional network's).
NOT_HOMEPAGES = {"retealtatecnologia.it"}

# ── conversion ───────────────────────────────────────────────────────────────────────────────


class ConversionError(InvalidInput):
    """A curated row the tables above do not cover: extend them (never guess)."""


@dataclass
class Output:
    """The converted tables and the skipped rows, as text."""

    files: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class _Context:
    history: NutsHistory
    seed_ids: set[str]
    readme: str
    skipped: list[list[str]] = field(default_factory=list)
    project_facts: list[dict[str, str]] = field(default_factory=list)
    cluster_facts: list[dict[str, str]] = field(default_factory=list)
    fact_ids: set[str] = field(default_factory=set)

    def skip(self, file: str, line: int, summary: str, reason: str) -> None:
        self.skipped.append([file, str(line), summary, reason])


def convert(data_dir: Path = PROJECT_ROOT / "data") -> Output:
    """Convert the curated tables of ``data_dir/sources/s3/curated``; nothing is written."""
    s3_dir = data_dir / S3_DIR
    curated = s3_dir / CURATED_DIR
    context = _Context(
        history=load_history(data_dir / BUNDLED_DESCRIPTOR),
        seed_ids=_seed_ids(data_dir / SEEDS_FILE),
        readme=(curated / "README.md").read_text(encoding="utf-8"),
    )
    curated_priorities = {name: _read(curated / name) for name in PRIORITY_FILES}
    curated_clusters = _read(curated / "clusters.csv")
    curated_partners = _read(curated / "project_partners.csv")
    priority_ids: set[str] = set()
    priorities = [
        priority
        for name, rows in curated_priorities.items()
        for priority in _priorities(context, name, rows, priority_ids)
    ]
    clusters = _clusters(context, curated_clusters)
    partners = _partners(context, curated_partners, clusters)
    _readme_facts(context, clusters)
    _check_tables(curated_priorities, curated_clusters, curated_partners, clusters)
    output = Output()
    output.files["s3_priorities.csv"] = _csv(PRIORITY_COLUMNS, priorities)
    output.files["clusters.csv"] = _csv(CLUSTER_COLUMNS, clusters)
    output.files["project_partners.csv"] = _csv(PARTNER_COLUMNS, partners)
    output.files["project_facts.csv"] = _csv(FACT_COLUMNS, context.project_facts)
    output.files["cluster_facts.csv"] = _csv(FACT_COLUMNS, context.cluster_facts)
    output.files["skipped_rows.csv"] = _csv(
        SKIPPED_COLUMNS, [dict(zip(SKIPPED_COLUMNS, row, strict=True)) for row in context.skipped]
    )
    output.counts = {
        "priorities": len(priorities),
        "clusters": len(clusters),
        "partner roles": len(partners),
        "project facts": len(context.project_facts),
        "cluster facts": len(context.cluster_facts),
        "skipped rows": len(context.skipped),
    }
    return output


def _check_tables(
    priorities: Mapping[str, list[dict[str, str]]],
    curated_clusters: list[dict[str, str]],
    partners: list[dict[str, str]],
    clusters: list[dict[str, str]],
) -> None:
    """Every entry of the judgement tables must be about a curated row: a stale entry means the
    curated data changed under it and the judgement must be looked at again."""
    names = {row["partner_name"].strip() for row in partners}
    cluster_names = {row["name"].strip() for row in curated_clusters}
    priority_rows = [(name, row) for name, rows in priorities.items() for row in rows]
    strategies = {
        (name, row["nuts_code"].strip(), row["strategy_period"].strip())
        for name, row in priority_rows
    }
    translated = {
        (name, row["nuts_code"].strip(), row["strategy_period"].strip())
        for name, row in priority_rows
        if row["notes"].strip().startswith("translated")
    }
    regions = {row["nuts_code"].strip() for _, row in priority_rows}
    regions |= {row["nuts_code_or_city"].strip() for row in curated_clusters}
    regions |= {row["region"].strip() for row in partners}
    checks: list[tuple[str, Iterable[object], set[object]]] = [
        ("PARTNERS", PARTNERS, set(names)),
        ("SKIPPED_PARTNERS", SKIPPED_PARTNERS, set(names)),
        ("ROW_FACTS", ROW_FACTS, set(names)),
        ("SPLIT_ROLES", SPLIT_ROLES, set(names)),
        ("ROLES", ROLES, {row["role"].strip() for row in partners}),
        (
            "SKIPPED_PRIORITIES",
            SKIPPED_PRIORITIES,
            {
                (name, row["nuts_code"].strip(), row["priority_label"].strip())
                for name, row in priority_rows
            },
        ),
        ("LABEL_LANGUAGES", LABEL_LANGUAGES, set(translated)),
        ("NOT_FORMAL_S3_LISTS", NOT_FORMAL_S3_LISTS, set(strategies)),
        ("REGION_OVERRIDES", REGION_OVERRIDES, set(regions)),
        ("CLUSTER_SPLITS", CLUSTER_SPLITS, set(cluster_names)),
        ("CLUSTER_ROW_FACTS", CLUSTER_ROW_FACTS, set(cluster_names)),
        ("MEMBERS", MEMBERS, {row["id"] for row in clusters}),
    ]
    for table, keys, known in checks:
        stale = [key for key in keys if key not in known]
        if stale:
            raise ConversionError(f"{table}: entries about no curated row: {stale}")


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _csv(columns: Sequence[str], rows: Iterable[Mapping[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: row.get(column, "") for column in columns})
    return buffer.getvalue()


def _seed_ids(path: Path) -> set[str]:
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return {str(item["id"]) for item in items if isinstance(item, dict) and "id" in item}


def _notes(curated: str, remarks: Sequence[str]) -> str:
    """The curated notes, then the conversion's remarks in brackets."""
    text = curated.strip()
    if remarks:
        remark = "[ClusterKG conversion: " + "; ".join(remarks) + "]"
        text = f"{text} {remark}" if text else remark
    return text


def _normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


# regions


def _region(context: _Context, text: str, country: str = "") -> tuple[str, list[str]]:
    """A curated region text → (NUTS code, remarks)."""
    text = text.strip()
    if text in REGION_OVERRIDES:
        code, why = REGION_OVERRIDES[text]
        return code, [f"region {text!r} recorded as {code}: {why}"]
    history = context.history
    codes = [
        token
        for token in re.findall(r"\b[A-Z]{2}[0-9A-Z]{0,3}\b", text)
        if history.version_of(token) is not None
    ]
    if not codes:
        if "national" in text and country and history.version_of(country) is not None:
            return country, [f"region {text!r} recorded as the country {country}"]
        raise ConversionError(f"region {text!r}: no NUTS code; add it to REGION_OVERRIDES")
    if len(codes) > 1:
        parent = _common_parent(history, codes)
        if parent is None:
            raise ConversionError(f"region {text!r}: several codes; add it to REGION_OVERRIDES")
        name = _region_name(history, parent)
        return parent, [
            f"region {text!r} recorded as {parent} ({name}), the region made of exactly "
            f"{', '.join(codes)}"
        ]
    code = codes[0]
    rest = _normalise(text.replace(code, "", 1).strip(" ()"))
    if not rest or rest == _normalise(_region_name(history, code)):
        return code, []
    refined = _named_region(history, code, text)
    if refined:
        name = _region_name(history, refined)
        return refined, [
            f"region {text!r} recorded as {refined}, the NUTS region named {name} in {code}"
        ]
    if _level(history, code) == 0 and "(" in text and "national" not in text:
        return code, [
            f"region {text!r} recorded as the country {code}: the place it names is not the "
            "name of a NUTS region, so the region containing it is not inferred"
        ]
    return code, [f"region {text!r} recorded as {code}"]


def _newest(history: NutsHistory, code: str) -> int:
    version = history.version_of(code)
    if version is None:
        raise ConversionError(f"{code} is not a NUTS code of any version")
    return version


def _region_name(history: NutsHistory, code: str) -> str:
    return history.regions[_newest(history, code)][code].label


def _level(history: NutsHistory, code: str) -> int:
    return history.regions[_newest(history, code)][code].level


def _common_parent(history: NutsHistory, codes: list[str]) -> str | None:
    current = history.regions[history.current_version]
    parents = {current[c].parent for c in codes if c in current}
    if len(parents) != 1 or any(c not in current for c in codes):
        return None
    parent = parents.pop()
    children = {c for c, row in current.items() if row.parent == parent}
    return parent if parent and children == set(codes) else None


def _named_region(history: NutsHistory, code: str, text: str) -> str | None:
    """A region of country ``code`` whose name is exactly a part of ``text`` in brackets."""
    if _level(history, code) != 0:
        return None
    regions = history.regions[_newest(history, code)]
    inside = re.findall(r"\(([^)]*)\)", text)
    parts = {_normalise(p) for chunk in inside for p in re.split(r"[;,/]", chunk) if p.strip()}
    found = sorted(
        c
        for c, row in regions.items()
        if row.country == code and row.level > 0 and _normalise(row.label) in parts
    )
    return found[0] if len(found) == 1 else None


# technologies


def _technologies(text: str, separators: str = ";") -> list[str]:
    """The KET/ATI concepts named by the curated words (see TECHNOLOGY_WORDS)."""
    found: list[str] = []
    for item in re.split(f"[{separators}]", re.sub(r"\([^)]*\)", "", text)):
        concept = TECHNOLOGY_WORDS.get(" ".join(item.split()).casefold())
        if concept and concept not in found:
            found.append(concept)
    return found


# S3 priorities


def _priorities(
    context: _Context, file: str, rows: list[dict[str, str]], ids: set[str]
) -> list[dict[str, str]]:
    """The priorities of one curated priority file; ``ids`` are those of the files before."""
    out: list[dict[str, str]] = []
    for line, row in enumerate(rows, start=2):
        code_text, label = row["nuts_code"].strip(), row["priority_label"].strip()
        reason = SKIPPED_PRIORITIES.get((file, code_text, label))
        if reason:
            context.skip(file, line, label, reason)
            continue
        regions = _priority_regions(context, code_text)
        period = row["strategy_period"].strip()
        label_en = row["priority_label_en"].strip()
        notes = row["notes"].strip()
        remarks: list[str] = []
        translated = ""
        # a label that is its English rendering (up to case) is English
        if label.casefold() == label_en.casefold():
            language, label_en = "en", ""
        elif notes.startswith("translated"):
            strategy = (file, code_text, period)
            language, why = _label_language(strategy, regions[0][0][:2])
            translated = "true"
            if why:
                remarks.append(f"label language {language}: {why}")
        else:
            language = "en"
            remarks.append(f"the curated English wording {label_en!r} is kept here")
            label_en = ""
        list_kind = NOT_FORMAL_S3_LISTS.get((file, code_text, period))
        if list_kind:
            remarks.append(
                f"not a formal S3 priority list: {list_kind} (curated README, 'Not formal S3 "
                "lists'), recorded as the priorities of the region's strategy"
            )
        for code, region_remarks in regions:
            identifier = f"{code.lower()}-{period or 'undated'}-{slug(label_en or label, 48)}"
            if identifier in ids:
                raise ConversionError(f"{file} line {line}: id {identifier} is used twice")
            ids.add(identifier)
            out.append(
                {
                    "id": identifier,
                    "nuts_code": code,
                    "strategy_period": period,
                    "label": label,
                    "label_language": language,
                    "label_en": label_en,
                    "label_en_translated": translated,
                    "technologies": ";".join(_technologies(row["kets_or_technologies"])),
                    "technologies_text": row["kets_or_technologies"].strip(),
                    "sectors_text": row["sectors"].strip(),
                    "source_url": row["source_url"].strip(),
                    "source_quote": row["source_quote"].strip(),
                    "notes": _notes(notes, [*region_remarks, *remarks]),
                    "converted_from": f"{file}:{line}",
                }
            )
    return out


def _label_language(strategy: tuple[str, str, str], country: str) -> tuple[str, str]:
    """The language of the translated labels of a (curated file, nuts_code, period), and why
    when it is not the country's (LABEL_LANGUAGES)."""
    override = LABEL_LANGUAGES.get(strategy)
    if override:
        return override
    if country not in COUNTRY_LANGUAGES:
        raise ConversionError(
            f"{strategy}: translated labels, and {country} is not in COUNTRY_LANGUAGES: add "
            "their language to LABEL_LANGUAGES"
        )
    return COUNTRY_LANGUAGES[country], ""


def _priority_regions(context: _Context, text: str) -> list[tuple[str, list[str]]]:
    """The region(s) of a priority row: one, or each region of a joint strategy.

    Codes that together are exactly one region become that region (see ``_region``); a joint
    strategy of regions that are not one NUTS region ("DE30;DE40", Berlin and Brandenburg) gives
    its priorities to each of its regions' strategies, one priority row per region.
    """
    history = context.history
    codes = [code.strip() for code in text.split(";")]
    if (
        len(codes) < 2
        or not all(re.fullmatch(r"[A-Z]{2}[0-9A-Z]{0,3}", code) for code in codes)
        or any(history.version_of(code) is None for code in codes)
        or _common_parent(history, codes) is not None
    ):
        return [_region(context, text)]
    named = ", ".join(f"{code} ({_region_name(history, code)})" for code in codes)
    return [
        (
            code,
            [
                f"joint strategy of {named}, which together are not one NUTS region: one "
                f"priority per region, this one of {code}"
            ],
        )
        for code in codes
    ]


# clusters


_TRAILING_ACRONYM = re.compile(r"^(?P<name>.+?) \((?P<acronym>[A-Z][A-Za-z0-9+.&-]{1,9})\)$")
_LEADING_ACRONYM = re.compile(r"^(?P<acronym>[A-Z]{3,}) \(")


def _cluster_id(name: str) -> str:
    return slug(re.split(r" \(|, | - ", name, maxsplit=1)[0], 48)


def _acronym(name: str) -> str:
    if match := _TRAILING_ACRONYM.match(name):
        return match.group("acronym")
    if match := _LEADING_ACRONYM.match(name):
        return match.group("acronym")
    return ""


def _website(text: str, source_url: str) -> tuple[str, list[str]]:
    """A curated website cell ("fpx.se (page host)") → homepage URL and remarks."""
    if not text:
        return "", []
    domain = text.split()[0].strip()
    bare = domain.removeprefix("www.")
    if bare in NOT_HOMEPAGES:
        return "", [
            f"website {text!r} not used as the homepage: it hosts the source page and is not the "
            "cluster's own site"
        ]
    source = urlsplit(source_url)
    if (source.hostname or "").removeprefix("www.") == bare:
        return f"{source.scheme}://{source.hostname}/", [
            f"website {text!r}: the site of the source page"
        ]
    return f"http://{domain}/", [f"website {text!r} (no scheme stated: http assumed)"]


def _clusters(context: _Context, rows: list[dict[str, str]]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for line, row in enumerate(rows, start=2):
        curated_name = row["name"].strip()
        parts = CLUSTER_SPLITS.get(curated_name, [(curated_name, row["sector_or_technology"])])
        for name, sector_words in parts:
            remarks: list[str] = []
            if len(parts) > 1:
                remarks.append(
                    f"the curated row {curated_name!r} names {len(parts)} clusters; one row each"
                )
            identifier = _cluster_id(name)
            if any(existing["id"] == identifier for existing in out):
                raise ConversionError(f"clusters.csv line {line}: id {identifier} is used twice")
            code, region_remarks = _region(context, row["nuts_code_or_city"], row["country"])
            remarks += region_remarks
            website, website_remarks = _website(row["website_if_stated"].strip(), row["source_url"])
            remarks += website_remarks
            members, members_remark = MEMBERS.get(identifier, ("", ""))
            if members_remark:
                remarks.append(members_remark)
            out.append(
                {
                    "id": identifier,
                    "name": name,
                    "acronym": _acronym(name),
                    "website": website,
                    "nuts_code": code,
                    "country": row["country"].strip(),
                    "technologies": ";".join(_technologies(sector_words, ";,")),
                    "sectors_text": sector_words.strip(),
                    "members": members,
                    "source_url": row["source_url"].strip(),
                    "source_quote": row["source_quote"].strip(),
                    "notes": _notes("", remarks),
                    "converted_from": f"clusters.csv:{line}",
                }
            )
        for fact in CLUSTER_ROW_FACTS.get(curated_name, []):
            _add_fact(context, context.cluster_facts, fact, row, f"clusters.csv:{line}")
    return out


# partners and facts


def _partners(
    context: _Context, rows: list[dict[str, str]], clusters: list[dict[str, str]]
) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    cluster_ids = {f"cluster:{c['id']}" for c in clusters}
    for line, row in enumerate(rows, start=2):
        name = row["partner_name"].strip()
        origin = f"project_partners.csv:{line}"
        project = PROJECTS[row["project"].strip()]
        _check_known(context, project, cluster_ids, origin)
        for fact in ROW_FACTS.get(name, []):
            _add_fact(context, context.project_facts, fact, row, origin)
        if name.startswith("[project facts]"):
            if name not in ROW_FACTS:
                raise ConversionError(f"{origin}: project facts {name!r} are not in ROW_FACTS")
            continue
        if name in SKIPPED_PARTNERS:
            context.skip("project_partners.csv", line, name, SKIPPED_PARTNERS[name])
            continue
        partner = PARTNERS.get(name)
        if partner is None:
            raise ConversionError(f"{origin}: partner {name!r} is not in PARTNERS")
        _check_known(context, partner.organisation, cluster_ids, origin, partner.defined_in)
        code, remarks = _region(context, row["region"], row["country"].strip())
        if partner.note:
            remarks.insert(0, f"organisation: {partner.note}")
        curated_role = row["role"].strip()
        if name in SPLIT_ROLES:
            roles = SPLIT_ROLES[name]
            role_note = partner.role_note
        elif curated_role in ROLES:
            role, role_note = ROLES[curated_role]
            roles = [(role, "", "", "")]
            role_note = role_note or partner.role_note
        else:
            raise ConversionError(f"{origin}: role {curated_role!r} is not in ROLES")
        for role, url, quote, split_note in roles:
            source_url = url or row["source_url"].strip()
            row_remarks = [*remarks, split_note] if split_note else remarks
            _, project_key = project.split(":")
            _, organisation_key = partner.organisation.split(":")
            identifier = f"{project_key}-{organisation_key}-{_host_slug(source_url)}"
            if any(existing["id"] == identifier for existing in out):
                raise ConversionError(f"{origin}: partner role id {identifier} is used twice")
            introduced = partner.defined_in == "project_partners"
            out.append(
                {
                    "id": identifier,
                    "project": project,
                    "organisation": partner.organisation,
                    "organisation_defined_in": partner.defined_in,
                    "partner_name": partner.name if introduced else name,
                    "acronym": partner.acronym,
                    "helix_type": partner.helix_type,
                    "role": role,
                    "role_note": role_note,
                    "country": row["country"].strip(),
                    "nuts_code": code,
                    "source_url": source_url,
                    "source_quote": quote or row["source_quote"].strip(),
                    "notes": _notes("", row_remarks),
                    "converted_from": origin,
                }
            )
    return out


def _check_known(
    context: _Context,
    reference: str,
    cluster_ids: set[str],
    origin: str,
    defined_in: str = "seed_facts",
) -> None:
    """A reference to a seed or cluster resource must exist (never mint a look-alike)."""
    if defined_in == "seed_facts" and reference not in context.seed_ids:
        raise ConversionError(f"{origin}: {reference} is not a record of the seed facts")
    if defined_in == "clusters" and reference not in cluster_ids:
        raise ConversionError(f"{origin}: {reference} is not a cluster of clusters.csv")
    if defined_in == "project_partners" and reference in context.seed_ids:
        raise ConversionError(f"{origin}: {reference} is already a record of the seed facts")


def _host_slug(url: str) -> str:
    return slugify((urlsplit(url).hostname or "").removeprefix("www."))


def _add_fact(
    context: _Context,
    table: list[dict[str, str]],
    fact: Fact,
    row: Mapping[str, str],
    origin: str,
    *,
    url: str = "",
    quote: str | None = None,
) -> None:
    source_url = url or row["source_url"].strip()
    subject_key = fact.subject.split(":", 1)[1]
    property_slug = fact.property.replace("_", "-")
    identifier = f"{subject_key}-{property_slug}-{slugify(fact.value)}-{_host_slug(source_url)}"
    if identifier in context.fact_ids:
        raise ConversionError(f"{origin}: fact id {identifier} is used twice")
    context.fact_ids.add(identifier)
    if fact.subject.startswith(("project:", "output:")) and fact.subject not in context.seed_ids:
        raise ConversionError(f"{origin}: {fact.subject} is not a record of the seed facts")
    table.append(
        {
            "id": identifier,
            "subject": fact.subject,
            "property": fact.property,
            "value": fact.value,
            "source_url": source_url,
            "source_quote": row["source_quote"].strip() if quote is None else quote,
            "notes": fact.note,
            "converted_from": origin,
        }
    )


def _readme_facts(context: _Context, clusters: list[dict[str, str]]) -> None:
    """The facts only the curated README states; its URL and quote must be in the README."""
    cluster_ids = {f"cluster:{c['id']}" for c in clusters}
    for fact in README_FACTS:
        origin = f"README.md: contradiction {fact.contradiction}"
        if fact.url not in context.readme or fact.quote not in context.readme:
            raise ConversionError(f"{origin}: the URL or quote of {fact} is not in the README")
        table = context.project_facts
        if fact.subject.startswith("cluster:"):
            if fact.subject not in cluster_ids:
                raise ConversionError(f"{origin}: {fact.subject} is not a converted cluster")
            table = context.cluster_facts
        _add_fact(
            context,
            table,
            Fact(fact.subject, fact.property, fact.value, fact.note),
            {"source_url": fact.url, "source_quote": fact.quote},
            origin,
        )


# ── command line ─────────────────────────────────────────────────────────────────────────────


def main(argv: Sequence[str] | None = None) -> int:
    """Write the converted tables (or, with ``--check``, report whether they are current)."""
    parser = argparse.ArgumentParser(
        prog="python -m kg.ingest.curated_s3",
        description="Convert data/sources/s3/curated/ into the documented S3, cluster and "
        "partner tables (see data/sources/s3/FORMATS.md).",
    )
    parser.add_argument("--data-dir", type=Path, default=PROJECT_ROOT / "data")
    parser.add_argument(
        "--check", action="store_true", help="only check that the written files are current"
    )
    args = parser.parse_args(argv)
    output = convert(args.data_dir)
    target = args.data_dir / S3_DIR
    stale = []
    for name, text in output.files.items():
        path = target / name
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != text:
            stale.append(name)
            if not args.check:
                path.write_text(text, encoding="utf-8")
    for name, count in output.counts.items():
        print(f"{name}: {count}")
    if args.check and stale:
        print(f"out of date: {', '.join(stale)} (run python -m kg.ingest.curated_s3)")
        return 1
    print(("rewritten: " + ", ".join(stale)) if stale else "all files are current")
    return 0


if __name__ == "__main__":
    sys.exit(main())
