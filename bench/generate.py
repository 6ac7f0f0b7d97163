"""Generate a SYNTHETIC ClusterKG graph for benchmarks, deterministically from a seed.

Writes one N-Triples file of at least ``--triples`` triples (default 1,000,000): cluster
organisations with their member organisations, smart specialisation strategies with their S3
priorities, and observations of a "KET strength" indicator per region x technology x year (plus
the indicators, the data set and the two programming periods they refer to).

Everything is labelled synthetic: minted IRIs are under
``https://w3id.org/clusterkg/id/synthetic/``, and every resource has
``dct:source <https://w3id.org/clusterkg/id/synthetic/generator>`` and
``skos:editorialNote "synthetic benchmark data"@en``. Region codes are real NUTS 2021 codes (from
``data/sources/nuts/nuts2021.csv``), technologies the KET/ATI concepts of ``ontology/kets.ttl``,
fields of science its EuroSciVoc stand-ins, sectors NACE Rev. 2 IRIs; names, memberships and
values are made up.

Every record comes before the first record that refers to it (periods, data set and indicators
first; a member organisation just before the first cluster listing it; a strategy just before its
priorities, which its ckg:hasPriority refers to), and record types are interleaved by their share
of the triples. So any prefix of the file cut where no reference is left open -- like the first
~20,000 triples that ``bench/run.py`` validates four ways -- is a valid source on its own, with the
same mix of records as the whole; the file ends with a strategy's last priority if need be. Each
record's triples are written together; no blank nodes.

    .venv/bin/python bench/generate.py                      # 1,000,000 triples, seed 2026
    .venv/bin/python bench/generate.py --triples 50000 /tmp/small.nt
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import SKOS

ROOT = Path(__file__).resolve().parents[1]
NUTS_CSV = ROOT / "data" / "sources" / "nuts" / "nuts2021.csv"
KETS_TTL = ROOT / "ontology" / "kets.ttl"
DEFAULT_OUTPUT = ROOT / "bench" / "work" / "synthetic.nt"

SYN = "https://w3id.org/clusterkg/id/synthetic/"
GENERATOR = f"{SYN}generator"
NOTE = '"synthetic benchmark data"@en'

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS_NS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
ORG = "http://www.w3.org/ns/org#"
FOAF = "http://xmlns.com/foaf/0.1/"
CKG = "https://w3id.org/clusterkg/ontology#"
CKGC = "https://w3id.org/clusterkg/concept/"
SCHEME = "https://w3id.org/clusterkg/scheme/"
QB = "http://purl.org/linked-data/cube#"
SDMX_DIM = "http://purl.org/linked-data/sdmx/2009/dimension#"
SDMX_MEASURE = "http://purl.org/linked-data/sdmx/2009/measure#"
SDMX_ATTR = "http://purl.org/linked-data/sdmx/2009/attribute#"
NUTS = "http://data.europa.eu/nuts/code/"
NACE = "http://data.europa.eu/ux2/nace2/"

PERIODS = {"2014-2020": ("2014-01-01", "2020-12-31"), "2021-2027": ("2021-01-01", "2027-12-31")}
HELIX = [("business", 55), ("academia", 25), ("government", 12), ("civil-society", 8)]
LAST_YEAR = 2023  # observations end with this year

#: Themes of S3 priorities: (English name, NACE codes, technology slugs as in kets.ttl).
THEMES: list[tuple[str, list[str], list[str]]] = [
    (
        "Smart and sustainable manufacturing",
        ["C", "28", "2822"],
        ["advanced-manufacturing-technologies", "robotics"],
    ),
    (
        "Mechatronics and industrial automation",
        ["28", "2651", "2899"],
        ["advanced-manufacturing-technology", "robotics"],
    ),
    (
        "Agrifood and food processing",
        ["10", "1089", "A"],
        ["industrial-biotechnology", "internet-of-things"],
    ),
    (
        "Health and life sciences",
        ["21", "2120", "86"],
        ["industrial-biotechnology", "nanotechnology"],
    ),
    (
        "Advanced materials and chemicals",
        ["20", "2016", "22"],
        ["advanced-materials", "nanotechnology"],
    ),
    (
        "Microelectronics and embedded systems",
        ["26", "2611", "2612"],
        ["micro-and-nanoelectronics", "internet-of-things"],
    ),
    ("Photonics and optical systems", ["2670", "2731", "26"], ["photonics"]),
    (
        "Digital services and data economy",
        ["J", "62", "6311"],
        ["big-data", "cloud-technologies", "artificial-intelligence"],
    ),
    ("Cybersecurity and trusted systems", ["62", "6202", "80"], ["security", "blockchain"]),
    ("Sustainable mobility and automotive", ["29", "2931", "30"], ["mobility", "connectivity"]),
    (
        "Aerospace",
        ["3030", "30", "5110"],
        ["advanced-materials", "advanced-manufacturing-technologies"],
    ),
    ("Blue economy and maritime", ["3011", "50", "0321"], ["internet-of-things", "mobility"]),
    (
        "Energy transition and clean technologies",
        ["D", "3511", "2711"],
        ["advanced-materials", "nanotechnology"],
    ),
    ("Creative and cultural industries", ["R", "5911", "9001"], ["augmented-and-virtual-reality"]),
    (
        "Tourism and cultural heritage",
        ["I", "55", "7911"],
        ["augmented-and-virtual-reality", "big-data"],
    ),
    (
        "Textiles, clothing and footwear",
        ["13", "14", "1520"],
        ["advanced-materials", "advanced-manufacturing-technology"],
    ),
    ("Wood, furniture and living", ["16", "31", "3109"], ["advanced-manufacturing-technology"]),
    (
        "Construction and smart buildings",
        ["F", "4120", "7112"],
        ["internet-of-things", "advanced-materials"],
    ),
    (
        "Circular economy and bio-based industries",
        ["E", "3832", "2014"],
        ["industrial-biotechnology"],
    ),
    (
        "Telecommunications and 5G",
        ["61", "6120", "2630"],
        ["connectivity", "micro-and-nanoelectronics"],
    ),
]

CLUSTER_WORDS = ["Innovation", "Technology", "Industry", "Competence", "Excellence", "Network"]


# --------------------------------------------------------------------------------------------
# Reference data read from the repository (real codes and concepts)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Region:
    code: str
    label: str
    level: int
    country: str


@dataclass(frozen=True)
class Technology:
    iri: str
    scheme: str  # "ket" | "ati"
    slug: str
    label: str


def read_regions() -> list[Region]:
    """NUTS 2021 codes that the bundled NUTS source loads (named, not Extra-Regio)."""
    regions = []
    with NUTS_CSV.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            code, label, level = row["nuts_code"].strip(), row["label"].strip(), row["level"]
            if not code or not label or not level.strip().isdigit() or code.endswith("Z"):
                continue
            regions.append(Region(code, label, int(level), row["country_code"].strip() or code[:2]))
    return regions


def read_concepts() -> tuple[list[Technology], list[str]]:
    """The KET and ATI concepts, and the EuroSciVoc stand-ins, of ontology/kets.ttl."""
    graph = Graph().parse(KETS_TTL, format="turtle")
    technologies, fields = [], []
    for concept, scheme in sorted(graph.subject_objects(SKOS.inScheme)):
        scheme_name = str(scheme).removeprefix(SCHEME)
        if scheme_name in ("ket", "ati"):
            labels = {lit.language: str(lit) for lit in graph.objects(concept, SKOS.prefLabel)}
            slug = str(concept).rstrip("/").rsplit("/", 1)[-1]
            technologies.append(Technology(str(concept), scheme_name, slug, labels.get("en", slug)))
        elif scheme_name == "euroscivoc-cordis":
            fields.append(str(concept))
    if not technologies:
        raise SystemExit(f"{KETS_TTL}: no KET/ATI concepts found")
    return technologies, sorted(fields)


# --------------------------------------------------------------------------------------------
# N-Triples writing
# --------------------------------------------------------------------------------------------


def iri(value: str) -> str:
    return f"<{value}>"


def text(value: str, lang: str = "en") -> str:
    escaped = (
        value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def typed(value: str, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


class Record:
    """The triples of one resource (and of its blank nodes), written together."""

    def __init__(self, subject: str) -> None:
        self.subject = subject
        self.lines: list[str] = []

    def add(self, predicate: str, obj: str, subject: str | None = None) -> Record:
        self.lines.append(f"{subject or self.subject} <{predicate}> {obj} .\n")
        return self

    def provenance(self, subject: str | None = None) -> Record:
        self.add(f"{DCT}source", iri(GENERATOR), subject)
        return self.add(f"{SKOS_NS}editorialNote", NOTE, subject)


# --------------------------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------------------------


@dataclass
class Plan:
    """How many records of each kind, derived from the triple budget."""

    triples: int
    clusters: int
    priorities: int
    organisations: int
    strategies: int

    @classmethod
    def for_triples(cls, triples: int) -> Plan:
        # Shares of the triples, roughly as a real graph of the domain would have them:
        # indicator tables dominate; clusters with their member organisations ~20 %, strategies
        # with their priorities ~9 %.
        clusters = max(2, round(0.13 * triples / 21))
        priorities = max(2, round(0.08 * triples / 12))
        organisations = max(40, triples // 400)
        return cls(triples, clusters, priorities, organisations, max(1, math.ceil(priorities / 10)))


@dataclass
class Organisation:
    """A member organisation, written just before the first cluster that lists it."""

    index: int
    country: str
    region: Region
    helix: str
    written: bool = False

    @property
    def iri(self) -> str:
        return f"{SYN}organisation/{self.index:06d}"


class Generator:
    def __init__(self, seed: int, triples: int) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.plan = Plan.for_triples(triples)
        self.regions = read_regions()
        self.technologies, self.fields = read_concepts()
        self.tech_by_slug: dict[str, list[Technology]] = {}
        for tech in self.technologies:
            self.tech_by_slug.setdefault(tech.slug, []).append(tech)
        self.by_level: dict[int, list[Region]] = {}
        for region in self.regions:
            self.by_level.setdefault(region.level, []).append(region)
        self.nuts2 = self.by_level.get(2, [])
        self.nuts2_by_country: dict[str, list[Region]] = {}
        for region in self.nuts2:
            self.nuts2_by_country.setdefault(region.country, []).append(region)
        self.counts: dict[str, int] = {}
        #: True while a strategy has been written but not all of its priorities yet.
        self.open_strategy = False
        # Member organisations, spread over the countries in proportion to their NUTS-2 regions.
        self.organisations: dict[str, list[Organisation]] = {}
        index = 0
        for country in sorted(self.nuts2_by_country):
            share = len(self.nuts2_by_country[country]) / len(self.nuts2)
            for _ in range(max(3, round(share * self.plan.organisations))):
                index += 1
                self.organisations.setdefault(country, []).append(
                    Organisation(
                        index,
                        country,
                        self.rng.choice(self.nuts2_by_country[country]),
                        self._helix(),
                    )
                )
        # Strategies: regional (NUTS 2) and national (NUTS 0) for two programming periods, then
        # NUTS 1 and NUTS 3 regions if the priorities need more strategies to spread over.
        self.strategies = [
            (region, period)
            for level in (2, 0, 1, 3)
            for region in self.by_level.get(level, [])
            for period in PERIODS
        ][: self.plan.strategies]

    # ---- helpers -------------------------------------------------------------------------

    def _count(self, kind: str) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1

    def _helix(self) -> str:
        pick = self.rng.randrange(100)
        for name, weight in HELIX:
            if pick < weight:
                return name
            pick -= weight
        return HELIX[0][0]

    def _techs_for(self, slugs: list[str]) -> list[Technology]:
        found = [t for slug in slugs for t in self.tech_by_slug.get(slug, [])]
        return found or [self.rng.choice(self.technologies)]

    @staticmethod
    def _indicator_iri(tech: Technology) -> str:
        return f"{SYN}indicator/ket-strength-{tech.scheme}-{tech.slug}"

    @staticmethod
    def _period_iri(period: str) -> str:
        start, end = PERIODS[period]
        return f"{SYN}period/{start}--{end}"

    # ---- records that others refer to --------------------------------------------------------

    def _preamble(self) -> Iterator[Record]:
        """Periods, the data set and the indicators: referred to from everywhere, so first."""
        for period, (start, end) in PERIODS.items():
            record = Record(iri(self._period_iri(period)))
            record.add(RDF_TYPE, iri(f"{DCT}PeriodOfTime"))
            record.add(f"{DCAT}startDate", typed(start, "date"))
            record.add(f"{DCAT}endDate", typed(end, "date"))
            record.provenance()
            self._count("dct:PeriodOfTime")
            yield record
        record = Record(iri(f"{SYN}dataset/ket-strength"))
        record.add(RDF_TYPE, iri(f"{QB}DataSet"))
        record.add(f"{RDFS}label", text("Synthetic KET strength per region and year"))
        record.provenance()
        self._count("qb:DataSet")
        yield record
        for tech in self.technologies:
            record = Record(iri(self._indicator_iri(tech)))
            record.add(RDF_TYPE, iri(f"{CKG}Indicator"))
            record.add(f"{SKOS_NS}prefLabel", text(f"KET strength: {tech.label} (synthetic)"))
            record.add(
                f"{SKOS_NS}definition",
                text(
                    f"Synthetic index (0-100) of a region's strength in {tech.label}; "
                    "made-up values for benchmarks, not a measurement."
                ),
            )
            record.add(f"{CKG}technology", iri(tech.iri))
            record.provenance()
            self._count("ckg:Indicator")
            yield record

    def _organisation(self, organisation: Organisation) -> Record:
        index, region = organisation.index, organisation.region
        kind = {
            "business": "company",
            "academia": "university",
            "government": "agency",
            "civil-society": "association",
        }[organisation.helix]
        record = Record(iri(organisation.iri))
        record.add(RDF_TYPE, iri(f"{ORG}Organization"))
        record.add(f"{RDFS}label", text(f"Synthetic {kind} {index:06d} ({region.label})"))
        record.add(f"{SKOS_NS}altLabel", text(f"SYN-ORG-{index:06d}", lang=""))
        record.add(f"{CKG}helixType", iri(f"{CKGC}{organisation.helix}"))
        record.add(f"{CKG}region", iri(f"{NUTS}{region.code}"))
        if index % 3 == 0:
            record.add(
                f"{FOAF}homepage", iri(f"https://synthetic.example/organisation/{index:06d}")
            )
        record.provenance()
        organisation.written = True
        self._count("org:Organization")
        return record

    def _strategy(self, region: Region, period: str) -> Record:
        scope = "National" if region.level == 0 else "Regional"
        record = Record(iri(self._strategy_iri(region, period)))
        record.add(RDF_TYPE, iri(f"{CKG}SmartSpecialisationStrategy"))
        record.add(RDF_TYPE, iri(f"{SKOS_NS}ConceptScheme"))
        record.add(f"{RDFS}label", text(f"Synthetic {scope} S3 strategy {region.label} {period}"))
        record.add(f"{CKG}region", iri(f"{NUTS}{region.code}"))
        record.add(f"{DCT}temporal", iri(self._period_iri(period)))
        record.provenance()
        self._count("ckg:SmartSpecialisationStrategy")
        return record

    @staticmethod
    def _strategy_iri(region: Region, period: str) -> str:
        return f"{SYN}strategy/{region.code.lower()}-{period}"

    # ---- the bulk ------------------------------------------------------------------------------

    def _clusters(self) -> Iterator[Record]:
        """Clusters, each preceded by those of its member organisations not written yet."""
        everyone = [o for orgs in self.organisations.values() for o in orgs]
        for index in range(1, self.plan.clusters + 1):
            region = self.rng.choice(self.nuts2)
            theme, nace, slugs = self.rng.choice(THEMES)
            techs = self._techs_for(slugs)
            techs = self.rng.sample(techs, k=min(len(techs), self.rng.randint(1, 3)))
            if self.rng.random() < 0.5:
                extra = self.rng.choice(self.technologies)
                if extra not in techs:
                    techs.append(extra)
            pool = self.organisations.get(region.country) or everyone
            members = self.rng.sample(pool, k=min(len(pool), self.rng.randint(5, 12)))
            for member in members:
                if not member.written:
                    yield self._organisation(member)
            record = Record(iri(f"{SYN}cluster/{index:06d}"))
            record.add(RDF_TYPE, iri(f"{CKG}ClusterOrganisation"))
            word = self.rng.choice(CLUSTER_WORDS)
            name = f"Synthetic {theme} {word} Cluster {region.label} {index}"
            record.add(f"{RDFS}label", text(name))
            record.add(f"{SKOS_NS}altLabel", text(f"SYN-CL-{index:06d}", lang=""))
            record.add(f"{CKG}region", iri(f"{NUTS}{region.code}"))
            for code in self.rng.sample(nace, k=self.rng.randint(1, len(nace))):
                record.add(f"{CKG}naceSector", iri(f"{NACE}{code}"))
            for tech in techs:
                record.add(f"{CKG}technology", iri(tech.iri))
            for member in members:
                record.add(f"{ORG}hasMember", iri(member.iri))
            if index % 2 == 0:
                record.add(f"{FOAF}homepage", iri(f"https://synthetic.example/cluster/{index:06d}"))
            record.provenance()
            self._count("ckg:ClusterOrganisation")
            yield record

    def _priorities(self) -> Iterator[Record]:
        """Strategies, each followed by its priorities."""
        total, count = self.plan.priorities, len(self.strategies)
        for position, (region, period) in enumerate(self.strategies):
            strategy = self._strategy_iri(region, period)
            # Spread the priorities evenly over the strategies (the first ones get the remainder).
            wanted = total // count + (1 if position < total % count else 0)
            themes = self.rng.sample(THEMES, k=min(wanted, len(THEMES)))
            record = self._strategy(region, period)
            self.open_strategy = bool(themes)  # its ckg:hasPriority refers to what follows
            for number in range(1, len(themes) + 1):
                record.add(f"{CKG}hasPriority", iri(f"{strategy}/priority-{number:02d}"))
            yield record
            for number, (theme, nace, slugs) in enumerate(themes, start=1):
                record = Record(iri(f"{strategy}/priority-{number:02d}"))
                record.add(RDF_TYPE, iri(f"{CKG}S3Priority"))
                record.add(RDF_TYPE, iri(f"{SKOS_NS}Concept"))
                name = f"Synthetic priority: {theme} ({region.code}, {period})"
                record.add(f"{SKOS_NS}prefLabel", text(name))
                record.add(f"{CKG}strategy", iri(strategy))
                record.add(f"{SKOS_NS}inScheme", iri(strategy))
                record.add(f"{CKG}region", iri(f"{NUTS}{region.code}"))
                for code in self.rng.sample(nace, k=self.rng.randint(1, 2)):
                    record.add(f"{CKG}economicDomain", iri(f"{NACE}{code}"))
                if self.fields and self.rng.random() < 0.6:
                    record.add(f"{CKG}scientificDomain", iri(self.rng.choice(self.fields)))
                for tech in self._techs_for(slugs)[:3]:
                    record.add(f"{CKG}technology", iri(tech.iri))
                record.provenance()
                self._count("ckg:S3Priority")
                self.open_strategy = number < len(themes)
                yield record

    def _observations(self) -> Iterator[Record]:
        """Region (NUTS 2, then NUTS 3, 1, 0) x technology x year, for the last ``years`` years."""
        dataset = iri(f"{SYN}dataset/ket-strength")
        regions = [r for level in (2, 3, 1, 0) for r in self.by_level.get(level, [])]
        # Ten years (LAST_YEAR - 9 .. LAST_YEAR) unless the budget needs more: then go further
        # back, so the stream can always fill the whole budget.
        years = max(10, math.ceil(self.plan.triples / 9 / (len(regions) * len(self.technologies))))
        for region in regions:
            for tech in self.technologies:
                # A stable level and trend per (region, technology), plus yearly noise.
                key = hashlib.sha256(f"{self.seed}|{region.code}|{tech.iri}".encode()).digest()
                base = 5 + key[0] / 255 * 85
                trend = (key[1] / 255 - 0.5) * 3
                for offset in range(years):
                    year = LAST_YEAR - years + 1 + offset
                    value = min(100.0, max(0.0, base + trend * offset + self.rng.uniform(-3, 3)))
                    subject = iri(
                        f"{SYN}observation/ket-strength/{tech.scheme}-{tech.slug}/"
                        f"{region.code.lower()}/{year}"
                    )
                    record = Record(subject)
                    record.add(RDF_TYPE, iri(f"{QB}Observation"))
                    record.add(f"{QB}dataSet", dataset)
                    record.add(f"{SDMX_DIM}refArea", iri(f"{NUTS}{region.code}"))
                    record.add(f"{SDMX_DIM}refPeriod", typed(str(year), "gYear"))
                    record.add(f"{CKG}indicator", iri(self._indicator_iri(tech)))
                    record.add(f"{SDMX_MEASURE}obsValue", typed(f"{value:.2f}", "decimal"))
                    record.add(f"{SDMX_ATTR}unitMeasure", text("index (0-100), synthetic"))
                    record.provenance()
                    self._count("qb:Observation")
                    yield record

    def records(self) -> Iterator[Record]:
        """The preamble, then clusters, strategies/priorities and observations interleaved by
        their share of the budget, until the budget is reached (finishing the last record)."""
        emitted = 0
        for record in self._preamble():
            emitted += len(record.lines)
            yield record
        streams = {
            "cluster": self._clusters(),
            "priority": self._priorities(),
            "observation": self._observations(),
        }
        share = {"cluster": 0.20, "priority": 0.09, "observation": 0.71}
        written = dict.fromkeys(streams, 0)
        while (emitted < self.plan.triples or self.open_strategy) and streams:
            # The stream furthest behind its share goes next (deterministic). At the end, the
            # last strategy's priorities are finished, so that no reference is left dangling.
            name = min(streams, key=lambda n: (written[n] / share[n], n))
            if emitted >= self.plan.triples:
                name = "priority"
            try:
                record = next(streams[name])
            except StopIteration:
                del streams[name]
                continue
            written[name] += len(record.lines)
            emitted += len(record.lines)
            yield record


def write(records: Iterator[Record], path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for record in records:
            handle.writelines(record.lines)
            count += len(record.lines)
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "output",
        nargs="?",
        type=Path,
        default=DEFAULT_OUTPUT,
        help=f"N-Triples file to write (default {DEFAULT_OUTPUT.relative_to(ROOT)})",
    )
    parser.add_argument(
        "--triples",
        type=int,
        default=1_000_000,
        help="minimum number of triples (default 1,000,000)",
    )
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    args = parser.parse_args(argv)
    if args.triples < 1000:
        parser.error("--triples must be at least 1000")
    output: Path = args.output

    started = time.perf_counter()
    generator = Generator(args.seed, args.triples)
    triples = write(generator.records(), output)
    manifest = {
        "generator": "bench/generate.py",
        "seed": args.seed,
        "requested_triples": args.triples,
        "file": output.name,  # a name, not a path of the machine that ran it
        "triples": triples,
        "sha256": hashlib.sha256(output.read_bytes()).hexdigest(),
        "resources": dict(sorted(generator.counts.items())),
        "seconds": round(time.perf_counter() - started, 2),
    }
    output.with_suffix(".json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(manifest, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
