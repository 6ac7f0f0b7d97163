"""Regional indicators → RDF Data Cube: a ``qb:DataSet`` per source file, a ``ckg:Indicator`` per
measure, and a ``qb:Observation`` per region, year and value.

Three mappings, one per kind of source (see ``data/sources/indicators/README.md``):

- ``indicator-i40``: the Industry 4.0 readiness database (one tab-separated row per NUTS 2 region
  and year, one column per measure; only the columns of :data:`I40_INDICATORS` are read);
- ``indicator-eurostat-rd``: Nesta EURITO's R&D expenditure per inhabitant (Eurostat
  ``rd_e_gerdreg``), ``year,nuts_id,nuts_year_spec,<value>``;
- ``indicator-arxiv``: Nesta EURITO's arXiv preprint counts, of which only NUTS 2 rows are read.

An observation keeps the region *as published* (``sdmx-dimension:refArea``) and links the
region(s) of the current NUTS version with ``ckg:currentRegion``, resolved by
:mod:`kg.ingest.nuts_history` from the NUTS version the source declares for the row. Values keep
the source's digits (the literal is built from the text, never through a float). Empty and
non-numeric cells (``:``, ``n/a``) give no observation and are counted on the data set; a
malformed row (wrong number of fields, no region, a year that is not a year) becomes a record
with ``problem`` set, so it is quarantined, never dropped.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from kg.errors import InvalidInput
from kg.ingest.nuts_history import Resolution, bundled_history
from kg.ingest.readers import TABULAR_FORMATS, TableRecord, TableRow, read_table, require_file
from kg.ingest.records import MappingContext, Record
from kg.namespaces import CKG, NACE, NUTS, QB, SDMX_ATTRIBUTE, SDMX_DIMENSION, SDMX_MEASURE

CC_BY_4 = "https://creativecommons.org/licenses/by/4.0/"
MIT = "https://opensource.org/licenses/MIT"
I40_DOI = "https://doi.org/10.1016/j.dib.2020.106464"
EURITO_REPOSITORY = "https://github.com/nestauk/eurito_indicators"
EUROSTAT_RD_TABLE = "https://ec.europa.eu/eurostat/databrowser/view/rd_e_gerdreg/default/table"


@dataclass(frozen=True)
class IndicatorSpec:
    """One measure of a source: the column it is read from and how it is described."""

    column: str
    slug: str
    label: str
    definition: str
    unit: str


@dataclass(frozen=True)
class DataSetSpec:
    """How a source file is described as a ``qb:DataSet``."""

    slug: str
    title: str
    publisher: str
    license: str
    #: The original publication(s): dct:source besides the bundled file.
    publications: tuple[str, ...]
    #: Which NUTS version the source's codes are in, and what the mapping does about it.
    nuts_note: str
    citation: str | None = None
    #: Dimensions besides region, year and indicator (e.g. ``ckg:economicActivity`` for data by
    #: NACE sector), named in the data set's structure definition.
    extra_dimensions: tuple[URIRef, ...] = ()
    #: Attributes besides the unit (e.g. ``ckg:observationFlag``).
    extra_attributes: tuple[URIRef, ...] = ()
    #: The years loaded (first, last), when a source is loaded for a window only.
    years: tuple[int, int] | None = None


# --- Industry 4.0 readiness database -----------------------------------------------------------

I40_DATASET = DataSetSpec(
    slug="i40-readiness",
    title="Industry 4.0 readiness database of NUTS 2 regions (I4.0+ indicators)",
    publisher="Data in Brief (Elsevier)",
    license=CC_BY_4,
    publications=(I40_DOI,),
    citation=(
        "Honti, G., Czvetkó, T., Abonyi, J. (2020). Data describing the regional Industry 4.0 "
        "readiness index. Data in Brief 33:106464. doi:10.1016/j.dib.2020.106464"
    ),
    nuts_note=(
        "Regions are NUTS 2 codes, read as NUTS 2016 codes. The file mixes versions: besides "
        "NUTS 2016 codes it has NUTS 2013 codes (the former French regions FR21-FRA4, HU10, "
        "IE01, IE02, LT00, PL11-PL34, UKM2, UKM3), which are resolved from the newest version "
        "that has them, and a few NUTS 2010 codes (SI01, SI02, UKI1, UKI2), resolved through "
        "ClusterKG's NUTS 2010 supplement. Values of the aggregates EU28, EU15 and EA19 are not "
        "regional and are not loaded (counted in this data set's editorial note). Each "
        "observation keeps the published "
        "code in sdmx-dimension:refArea and links the current NUTS region(s) with "
        "ckg:currentRegion."
    ),
)

#: The columns of the I4.0 database that are loaded (few on purpose: each value is one
#: validated record in every build). Of the eight htec_emp_reg2 columns, all shares of total
#: employment, HTC is the one that covers both high-tech manufacturing and knowledge-intensive
#: high-tech services.
I40_INDICATORS = (
    IndicatorSpec(
        column="htec_emp_reg2_NACE_R2_HTC__UNIT_PC_EMP__SEX_T",
        slug="htec-emp-high-tech-sectors-pc",
        label="Employment in high-technology sectors (share of total employment)",
        definition=(
            "Employment in high-technology sectors, i.e. high-technology manufacturing and "
            "knowledge-intensive high-technology services (NACE Rev. 2 aggregate HTC), as a "
            "percentage of total employment, both sexes. Eurostat table htec_emp_reg2 "
            "(nace_r2=HTC, unit=PC_EMP, sex=T), as compiled in the Industry 4.0 readiness "
            "database."
        ),
        unit="percentage of total employment",
    ),
    IndicatorSpec(
        column="I40_patent_count",
        slug="i40-patent-count",
        label="Industry 4.0 patents",
        definition=(
            "Number of Industry 4.0 related patents in the year attributed to the region, "
            "collected by the authors of the Industry 4.0 readiness database from USPTO patent "
            "data (column I40_patent_count)."
        ),
        unit="number of patents",
    ),
)
I40_REGION, I40_YEAR = "NUTS2", "YEAR"
#: The version the I4.0 database's codes are read in (its Eurostat extracts use NUTS 2016).
I40_NUTS_VERSION = 2016


# --- Nesta EURITO: Eurostat R&D expenditure -----------------------------------------------------


def _eurito_rd(
    column: str, sector: str, code: str, label: str
) -> tuple[DataSetSpec, IndicatorSpec]:
    dataset = DataSetSpec(
        slug=f"eurito-{column}",
        title=f"EURITO regional indicators: {label[0].lower()}{label[1:]} (Eurostat rd_e_gerdreg)",
        publisher="Nesta (EURITO project)",
        license=MIT,
        publications=(EURITO_REPOSITORY, EUROSTAT_RD_TABLE),
        nuts_note=(
            "Regions are NUTS 2 codes; the file declares their NUTS version per row "
            "(nuts_year_spec, 2016 throughout), but some codes are NUTS 2013 codes (HU10, IE01, "
            "LT00, PL11, UKM2…), resolved from the newest version that has them. Values of the "
            "aggregates EU28 and EA19 are not regional and are not loaded (counted in this data "
            "set's editorial note). Each "
            "observation keeps the published code in sdmx-dimension:refArea and links the "
            "current NUTS region(s) with ckg:currentRegion."
        ),
    )
    indicator = IndicatorSpec(
        column=column,
        slug=column.replace("_", "-"),
        label=label,
        definition=(
            f"Intramural R&D expenditure (GERD) of the {sector} sector, in euro per inhabitant. "
            f"Eurostat table rd_e_gerdreg (sectperf={code}, unit=EUR_HAB), as republished by "
            f"Nesta's EURITO indicators ({column})."
        ),
        unit="EUR per inhabitant",
    )
    return dataset, indicator


#: EURITO's R&D files by value column. "Private" is Eurostat's business enterprise sector: its
#: ratio to "government" matches BES/GOV of rd_e_gerdreg (checked against the I4.0 database).
EURITO_RD: dict[str, tuple[DataSetSpec, IndicatorSpec]] = {
    "rd_private_eur_hab": _eurito_rd(
        "rd_private_eur_hab",
        "business enterprise",
        "BES",
        "Business R&D expenditure per inhabitant",
    ),
    "rd_government_eur_hab": _eurito_rd(
        "rd_government_eur_hab",
        "government",
        "GOV",
        "Government R&D expenditure per inhabitant",
    ),
}
RD_COLUMNS = ["year", "nuts_id", "nuts_year_spec"]


# --- Nesta EURITO: arXiv preprint counts --------------------------------------------------------

EURITO_ARXIV: dict[str, tuple[DataSetSpec, IndicatorSpec]] = {
    "artificial_intelligence_count": (
        DataSetSpec(
            slug="eurito-arxiv-artificial-intelligence-count",
            title="EURITO regional indicators: artificial intelligence preprints on arXiv "
            "(experimental)",
            publisher="Nesta (EURITO project)",
            license=MIT,
            publications=(EURITO_REPOSITORY,),
            nuts_note=(
                "Only the NUTS 2 rows of the file are loaded (it also has NUTS 0, 1 and 3 rows). "
                "The file declares the NUTS version per row (region_year_spec): 2010 for "
                "2010-2012, 2013 for 2013-2015, 2016 for 2016-2020, 2021 for 2021. The NUTS 2010 "
                "codes that NUTS 2013 no longer has (EL12, EL13, EL22, FR94, SI01, SI02, UKI1, "
                "UKI2) are resolved through ClusterKG's NUTS 2010 supplement. Each "
                "observation keeps the published code in sdmx-dimension:refArea and links the "
                "current NUTS region(s) with ckg:currentRegion."
            ),
        ),
        IndicatorSpec(
            column="artificial_intelligence_count",
            slug="arxiv-artificial-intelligence-count",
            label="Artificial intelligence preprints (participations)",
            definition=(
                "Number of participations in artificial intelligence preprints on arXiv by "
                "institutions located in the region, papers identified by a semantic analysis "
                "of their abstracts; an experimental indicator of Nesta's EURITO project "
                "(artificial_intelligence_count), not an official statistic."
            ),
            unit="number of preprint participations",
        ),
    ),
}
EURITO_ARXIV["arxiv_count"] = (
    DataSetSpec(
        slug="eurito-arxiv-count",
        title="EURITO regional indicators: all preprints on arXiv",
        publisher="Nesta (EURITO project)",
        license=MIT,
        publications=(EURITO_REPOSITORY,),
        nuts_note=EURITO_ARXIV["artificial_intelligence_count"][0].nuts_note
        + " Only the years 2016-2020 are loaded (the window of the revealed advantage).",
        years=(2016, 2020),
    ),
    IndicatorSpec(
        column="arxiv_count",
        slug="arxiv-count",
        label="Preprints on arXiv, all subjects (participations)",
        definition=(
            "Number of participations in preprints of any subject on arXiv by institutions "
            "located in the region; the denominator of the revealed advantage of a region in "
            "artificial intelligence preprints. Nesta EURITO (arxiv_count), experimental."
        ),
        unit="number of preprint participations",
    ),
)
ARXIV_COLUMNS = ["year", "region_type", "region_year_spec", "region_id", "region_level"]
#: The NUTS levels loaded: NUTS 2 regions, and countries (their own totals, which the national
#: strengths use: summing the regions fails where a region has no row). NUTS 1 and 3 are skipped.
ARXIV_LEVELS = ("0", "2")


# --- Eurostat regional accounts and labour market: the denominators of intensities --------------

EUROSTAT_LICENCE = "https://ec.europa.eu/eurostat/about-us/policies/copyright"
EUCOHESION_REPOSITORY = "https://github.com/Chappuis5/EUcohesion"
PANEL_DATASET = DataSetSpec(
    slug="eurostat-regional-population-gdp-employment-rate",
    title=(
        "Population, GDP and employment rate of NUTS 2 regions and countries (Eurostat "
        "demo_r_d2jan, nama_10r_2gdp, tgs00007)"
    ),
    publisher="Eurostat",
    license=EUROSTAT_LICENCE,
    publications=(
        "https://ec.europa.eu/eurostat/databrowser/view/demo_r_d2jan/default/table",
        "https://ec.europa.eu/eurostat/databrowser/view/nama_10r_2gdp/default/table",
        "https://ec.europa.eu/eurostat/databrowser/view/tgs00007/default/table",
        EUCOHESION_REPOSITORY,
    ),
    citation=(
        "Source: Eurostat (demo_r_d2jan, nama_10r_2gdp, tgs00007), downloaded through the "
        "Eurostat SDMX API by the pipeline of GitHub Chappuis5/EUcohesion (commit 8747b9a, "
        "February 2026) and merged into one panel by ClusterKG without imputation."
    ),
    nuts_note=(
        "Regions are countries and NUTS 2 regions in the codes of Eurostat's current delivery: "
        "mostly NUTS 2024 (NL35, NL36, PT19-PT1D), population also NUTS 2021 codes for earlier "
        "years (NL31, NL33, PT16-PT18). Codes are read in NUTS 2021, else in the newest version "
        "that has them. Only the countries of the EU28 and the years 2016-2020 (the windows of "
        "the strength model's intensities) are loaded; other rows are counted here."
    ),
    extra_attributes=(CKG.observationFlag,),
)
PANEL_INDICATORS = (
    IndicatorSpec(
        column="population_1jan",
        slug="population-1-january",
        label="Population on 1 January",
        definition=(
            "Population on 1 January, both sexes, all ages (Eurostat demo_r_d2jan, unit NR); "
            "NUTS 2 regions only."
        ),
        unit="persons",
    ),
    IndicatorSpec(
        column="gdp_mio_eur",
        slug="gdp-million-eur",
        label="Gross domestic product (million euro)",
        definition=(
            "Gross domestic product at current market prices, million euro (Eurostat "
            "nama_10r_2gdp, unit MIO_EUR)."
        ),
        unit="million EUR",
    ),
    IndicatorSpec(
        column="gdp_pps_eu27_2020_per_hab",
        slug="gdp-pps-per-inhabitant",
        label="GDP per inhabitant in purchasing power standards",
        definition=(
            "Gross domestic product per inhabitant in purchasing power standards based on the "
            "EU27 (from 2020) (Eurostat nama_10r_2gdp, unit PPS_EU27_2020_HAB)."
        ),
        unit="PPS per inhabitant",
    ),
    IndicatorSpec(
        column="gdp_pps_hab_pct_eu27_2020",
        slug="gdp-pps-per-inhabitant-pct-eu",
        label="GDP per inhabitant in PPS, % of the EU average",
        definition=(
            "Gross domestic product per inhabitant in purchasing power standards, in percent of "
            "the EU27 (from 2020) average (Eurostat nama_10r_2gdp, unit PPS_HAB_EU27_2020; the "
            "measure of tgs00006). Eurostat rounds it to whole percent."
        ),
        unit="percentage of the EU27 average",
    ),
    IndicatorSpec(
        column="employment_rate_15_64_pct",
        slug="employment-rate-15-64",
        label="Employment rate, 15-64 years",
        definition=(
            "Employed persons aged 15-64 as a percentage of the population of the same age, "
            "both sexes (Eurostat tgs00007, from the labour force survey)."
        ),
        unit="percentage of the population aged 15-64",
    ),
)
PANEL_FLAGS = {
    "gdp_mio_eur": "gdp_mio_eur_flag",
    "employment_rate_15_64_pct": "employment_rate_flag",
}
PANEL_KEY = ["geo", "nuts_level", "year"]
#: The years loaded: those the strength model's intensities divide by (patents 2016-2018,
#: preprints 2016-2020) and the structural variables read (2016-2020).
PANEL_YEARS = range(2016, 2021)
#: Codes of the panel are read in this version first (see the data set's note).
PANEL_NUTS_VERSION = 2021
#: The EU28 of the 2014 data the strength model compares against (the panel's other countries
#: are EFTA and candidate countries).
EU28 = frozenset(
    {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU"}
    | {"IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "UK"}
)


# --- Mappings -----------------------------------------------------------------------------------


def map_i40_readiness(context: MappingContext) -> Iterator[Record]:
    """One observation per non-empty cell of the :data:`I40_INDICATORS` columns."""
    path = context.source_file
    if path.suffix.lower() != ".tsv" and "\t" in _first_line(path):
        raise InvalidInput(
            f"{path.name}: the Industry 4.0 readiness database is tab-separated; "
            "give the file the .tsv extension"
        )
    cube = _Cube(context, I40_DATASET, I40_INDICATORS)
    yield from cube.indicator_records()
    relevant = [I40_REGION, I40_YEAR, *(spec.column for spec in I40_INDICATORS)]
    for row in read_table(path, relevant):
        raw = {column: row[column] for column in relevant if column in row}
        problem = row.problem or _row_problem(row, I40_REGION, I40_YEAR)
        if problem:
            yield cube.problem(row.line, raw, problem, row)
            continue
        for spec in I40_INDICATORS:
            record = cube.observation(
                spec,
                row[I40_REGION],
                row[I40_YEAR],
                row[spec.column],
                declared_version=I40_NUTS_VERSION,
                line=row.line,
                raw={name: row[name] for name in (I40_REGION, I40_YEAR, spec.column)},
                row=row,
            )
            if record is not None:
                yield record
    yield cube.dataset_record()


def map_eurostat_rd(context: MappingContext) -> Iterator[Record]:
    """One observation per non-empty value of an EURITO R&D file (:data:`EURITO_RD`)."""
    column = _value_column(context.source_file, RD_COLUMNS, EURITO_RD)
    dataset, indicator = EURITO_RD[column]
    cube = _Cube(context, dataset, (indicator,))
    yield from cube.indicator_records()
    relevant = [*RD_COLUMNS, column]
    for row in read_table(context.source_file, relevant):
        raw = {name: row[name] for name in relevant if name in row}
        problem = (
            row.problem
            or _row_problem(row, "nuts_id", "year")
            or _year_problem(row, "nuts_year_spec")
        )
        if problem:
            yield cube.problem(row.line, raw, problem, row)
            continue
        record = cube.observation(
            indicator,
            row["nuts_id"],
            row["year"],
            row[column],
            declared_version=int(row["nuts_year_spec"]),
            line=row.line,
            raw=raw,
            row=row,
        )
        if record is not None:
            yield record
    yield cube.dataset_record()


def map_arxiv_counts(context: MappingContext) -> Iterator[Record]:
    """One observation per NUTS 2 or country row of an EURITO arXiv count file
    (:data:`EURITO_ARXIV`); rows of other NUTS levels are skipped (and counted on the data set)."""
    column = _value_column(context.source_file, ARXIV_COLUMNS, EURITO_ARXIV)
    dataset, indicator = EURITO_ARXIV[column]
    cube = _Cube(context, dataset, (indicator,))
    yield from cube.indicator_records()
    relevant = [*ARXIV_COLUMNS, column]
    for row in read_table(context.source_file, relevant):
        raw = {name: row[name] for name in relevant if name in row}
        level = row.get("region_level", "").strip()
        problem = row.problem or (
            None if level.isdigit() else f"line {row.line}: region_level {level!r} is not a level"
        )
        if problem is None and level not in ARXIV_LEVELS:
            cube.tally["rows of other NUTS levels"] += 1
            continue
        if problem is None and dataset.years and not _in_years(row["year"], dataset.years):
            cube.tally[f"rows of years outside {dataset.years[0]}-{dataset.years[1]}"] += 1
            continue
        problem = (
            problem
            or _row_problem(row, "region_id", "year")
            or _year_problem(row, "region_year_spec")
            or (
                None
                if row["region_type"].strip() == "NUTS"
                else f"line {row.line}: region_type {row['region_type']!r} is not NUTS"
            )
        )
        if problem:
            yield cube.problem(row.line, raw, problem, row)
            continue
        record = cube.observation(
            indicator,
            row["region_id"],
            row["year"],
            row[column],
            declared_version=int(row["region_year_spec"]),
            line=row.line,
            raw=raw,
            row=row,
        )
        if record is not None:
            yield record
    yield cube.dataset_record()


def map_regional_panel(context: MappingContext) -> Iterator[Record]:
    """One observation per value of :data:`PANEL_INDICATORS` for the countries and NUTS 2
    regions of the EU28 in :data:`PANEL_YEARS` (other rows are counted on the data set)."""
    cube = _Cube(context, PANEL_DATASET, PANEL_INDICATORS)
    yield from cube.indicator_records()
    columns = [spec.column for spec in PANEL_INDICATORS]
    relevant = [*PANEL_KEY, *columns, *PANEL_FLAGS.values()]
    for row in read_table(context.source_file, relevant):
        raw = {name: row[name] for name in relevant if name in row}
        problem = row.problem or _row_problem(row, "geo", "year")
        if problem:
            yield cube.problem(row.line, raw, problem, row)
            continue
        level, year = row["nuts_level"].strip(), int(row["year"])
        if level not in ("0", "2"):
            cube.tally["rows of NUTS 1 regions"] += 1
            continue
        if row["geo"].strip()[:2] not in EU28:
            cube.tally["rows of countries outside the EU28"] += 1
            continue
        if year not in PANEL_YEARS:
            cube.tally["rows of years outside 2016-2020"] += 1
            continue
        for spec in PANEL_INDICATORS:
            flag_column = PANEL_FLAGS.get(spec.column)
            record = cube.observation(
                spec,
                row["geo"],
                row["year"],
                row[spec.column],
                declared_version=PANEL_NUTS_VERSION,
                line=row.line,
                raw={name: row[name] for name in (*PANEL_KEY, spec.column)},
                row=row,
                flag=(row[flag_column].strip() or None) if flag_column else None,
            )
            if record is not None:
                yield record
    yield cube.dataset_record()


# --- The cube: data set, indicators, observations ------------------------------------------------


class _Cube:
    """Mints and describes one source's data set, indicators and observations."""

    def __init__(
        self, context: MappingContext, dataset: DataSetSpec, indicators: Sequence[IndicatorSpec]
    ) -> None:
        self.context = context
        self.spec = dataset
        self.dataset = context.mint("dataset", dataset.slug)
        self.indicators = {spec.column: context.mint("indicator", spec.slug) for spec in indicators}
        self.specs = list(indicators)
        history = bundled_history(context)
        self.versions = history.versions
        # each (code, version) once: a file repeats each region for every year
        self._resolve: Callable[[str, int | None], Resolution] = cache(history.resolve)
        #: What gave no observation, by kind ("empty cells", "non-numeric cells", …).
        self.tally: Counter[str] = Counter()
        #: Further facts about the loaded observations (e.g. how many come from an earlier
        #: year), each written as an editorial note on the data set.
        self.loaded_tally: Counter[str] = Counter()

    def indicator_records(self) -> Iterator[Record]:
        for spec in self.specs:
            node = self.indicators[spec.column]
            graph = Graph()
            graph.add((node, RDF.type, CKG.Indicator))
            graph.add((node, SKOS.prefLabel, Literal(spec.label, lang="en")))
            graph.add((node, SKOS.definition, Literal(spec.definition, lang="en")))
            graph.add((node, SKOS.notation, Literal(spec.column)))
            graph.add((node, DCTERMS.source, self.context.source_document))
            yield Record(
                key=f"indicator {spec.slug}",
                graph=graph,
                raw={"column": spec.column},
                location=f"column {spec.column}",
            )

    def dataset_record(self) -> Record:
        """The data set, with what gave no observation; yielded after the rows are read."""
        spec, node, graph = self.spec, self.dataset, Graph()
        graph.add((node, RDF.type, QB.DataSet))
        graph.add((node, DCTERMS.title, Literal(spec.title, lang="en")))
        graph.add((node, DCTERMS.publisher, Literal(spec.publisher)))
        graph.add((node, DCTERMS.license, URIRef(spec.license)))
        for publication in spec.publications:
            graph.add((node, DCTERMS.source, URIRef(publication)))
        graph.add((node, DCTERMS.source, self.context.source_document))
        if spec.citation:
            graph.add((node, DCTERMS.bibliographicCitation, Literal(spec.citation)))
        graph.add((node, RDFS.comment, Literal(spec.nuts_note, lang="en")))
        skipped = ", ".join(f"{count} {kind}" for kind, count in sorted(self.tally.items()))
        note = f"No observation was made of: {skipped}." if skipped else None
        if note:
            graph.add((node, SKOS.editorialNote, Literal(note, lang="en")))
        if self.loaded_tally:
            facts = ", ".join(
                f"{count} {kind}" for kind, count in sorted(self.loaded_tally.items())
            )
            graph.add(
                (node, SKOS.editorialNote, Literal(f"Of the observations: {facts}.", lang="en"))
            )
        self._describe_structure(graph)
        return Record(
            key=f"dataset {spec.slug}",
            graph=graph,
            raw={"file": self.context.source_file.name, "not_loaded": dict(self.tally)},
            location=self.context.source_file.name,
        )

    def _describe_structure(self, graph: Graph) -> None:
        """The data set's ``qb:DataStructureDefinition``: which properties are its dimensions,
        measure and attributes, so a Data Cube client can read the observations without ours."""
        structure = self.context.mint("structure", self.spec.slug)
        graph.add((self.dataset, QB.structure, structure))
        graph.add((structure, RDF.type, QB.DataStructureDefinition))
        graph.add((structure, RDFS.label, Literal(f"Structure of {self.spec.title}", lang="en")))
        dimensions = (
            SDMX_DIMENSION.refArea,
            SDMX_DIMENSION.refPeriod,
            CKG.indicator,
            *self.spec.extra_dimensions,
        )
        components = [
            *((QB.dimension, dimension) for dimension in dimensions),
            (QB.measure, SDMX_MEASURE.obsValue),
            (QB.attribute, SDMX_ATTRIBUTE.unitMeasure),
            *((QB.attribute, attribute) for attribute in self.spec.extra_attributes),
        ]
        for order, (kind, prop) in enumerate(components, start=1):
            # Components are named by the structure and their place in it (no blank nodes:
            # identical input gives identical IRIs).
            component = URIRef(f"{structure}#component-{order}")
            graph.add((structure, QB.component, component))
            graph.add((component, RDF.type, QB.ComponentSpecification))
            graph.add((component, kind, prop))
            if kind == QB.dimension:
                graph.add((component, QB.order, Literal(order)))

    def problem(
        self, line: int, raw: Mapping[str, str], problem: str, row: TableRow | None = None
    ) -> Record:
        """A row that gives no observation because it is broken; ``row`` (when read by
        :func:`read_table`) keeps its text for the quarantine."""
        key = f"line {line}"
        return TableRecord(
            key=key,
            graph=Graph(),
            raw=dict(raw),
            location=key,
            problem=problem,
            line=line,
            raw_text=row.raw_text if row else None,
            table=row.table if row else None,
        )

    def observation(
        self,
        spec: IndicatorSpec,
        code: str,
        year: str,
        text: str,
        *,
        declared_version: int,
        line: int,
        raw: Mapping[str, str],
        activity: str | None = None,
        flag: str | None = None,
        row: TableRow | None = None,
    ) -> Record | None:
        """The observation of one cell, or None (counted) if the cell holds no number.

        ``activity`` is a NACE Rev. 2 code (``C26``) for data by sector; ``flag`` the
        publisher's flag of the value (Eurostat's ``b``, ``p``, ``u``…), kept as published;
        ``row`` the row read by :func:`read_table`, whose text the quarantine keeps."""
        value = decimal_lexical(text)
        if value is None:
            self.tally["empty cells" if not text.strip() else "non-numeric cells"] += 1
            return None
        code, year = code.strip(), year.strip()
        if AGGREGATE.fullmatch(code):
            # EU or euro-area totals: not a region, outside a regional graph; counted on the
            # data set (and in the README), not quarantined as if they were broken.
            self.tally["values of EU and euro-area aggregates (not regions)"] += 1
            return None
        sector = f" {activity}" if activity else ""
        node = self.context.mint("observation", f"{spec.slug}{sector} {code} {year}")
        resolution = self._resolve(code, nearest_version(declared_version, self.versions))
        graph = Graph()
        graph.add((node, RDF.type, QB.Observation))
        graph.add((node, QB.dataSet, self.dataset))
        graph.add((node, CKG.indicator, self.indicators[spec.column]))
        graph.add((node, SDMX_DIMENSION.refArea, NUTS[code]))
        graph.add((node, SDMX_DIMENSION.refPeriod, Literal(year, datatype=XSD.gYear)))
        graph.add((node, SDMX_MEASURE.obsValue, Literal(value, datatype=XSD.decimal)))
        graph.add((node, SDMX_ATTRIBUTE.unitMeasure, Literal(spec.unit, lang="en")))
        for current in resolution.current:
            graph.add((node, CKG.currentRegion, NUTS[current]))
        if activity:
            graph.add((node, CKG.economicActivity, nace_iri(activity)))
        if flag:
            graph.add((node, CKG.observationFlag, Literal(flag)))
        graph.add((node, DCTERMS.source, self.context.source_document))
        location = f"line {line}, column {spec.column}"
        return TableRecord(
            key=f"{spec.slug}{sector} {code} {year} ({location})",
            graph=graph,
            raw=dict(raw),
            location=location,
            line=line,
            raw_text=row.raw_text if row else None,
            table=row.table if row else None,
            region_remap=resolution.remap,
        )


# --- Helpers ------------------------------------------------------------------------------------

#: Eurostat's codes of EU and euro-area aggregates (EU28, EU27_2020, EA19, EFTA).
AGGREGATE = re.compile(r"(EU|EA)[0-9]{2}(_[0-9]{4})?|EFTA")
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_SCIENTIFIC = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)[eE][+-]?\d+")
_YEAR = re.compile(r"\d{4}")


def decimal_lexical(text: str) -> str | None:
    """The ``xsd:decimal`` form of a cell as written, or None if it is not a number.

    >>> decimal_lexical(" 237.9 ")
    '237.9'
    >>> decimal_lexical("6.0")
    '6.0'
    >>> decimal_lexical("1.5E-3")
    '0.0015'
    >>> [decimal_lexical(cell) for cell in ("", ":", "n/a", "NaN", "12 b")]
    [None, None, None, None, None]
    """
    text = text.strip()
    if _DECIMAL.fullmatch(text):
        return text
    if _SCIENTIFIC.fullmatch(text):
        try:
            return format(Decimal(text), "f")
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
            return None
    return None


_EUROSTAT_NACE = re.compile(r"([A-U])([0-9]{2,4})?")


def nace_iri(eurostat_code: str) -> URIRef:
    """The NACE Rev. 2 IRI of a code as Eurostat's tables write it (section letter, then the
    digits without dots): ``C26`` is division 26, ``G451`` group 45.1, ``C`` section C.

    >>> str(nace_iri("C26"))
    'http://data.europa.eu/ux2/nace2/26'
    >>> str(nace_iri("G451")), str(nace_iri("C"))
    ('http://data.europa.eu/ux2/nace2/451', 'http://data.europa.eu/ux2/nace2/C')
    """
    match = _EUROSTAT_NACE.fullmatch(eurostat_code.strip())
    if match is None:
        raise ValueError(f"{eurostat_code!r} is not a NACE Rev. 2 code as Eurostat writes it")
    section, digits = match.groups()
    return NACE[digits or section]


def nearest_version(declared: int, versions: Sequence[int]) -> int:
    """The known NUTS version nearest to the one a source declares (the older one on a tie).

    >>> nearest_version(2010, [2013, 2016, 2021, 2024])
    2013
    >>> nearest_version(2016, [2013, 2016, 2021, 2024])
    2016
    """
    return min(versions, key=lambda version: (abs(version - declared), version))


def _in_years(text: str, years: tuple[int, int]) -> bool:
    """Whether a year cell lies in ``years`` (a cell that is not a year is left to the row's
    checks, which quarantine it)."""
    text = text.strip()
    return not _YEAR.fullmatch(text) or years[0] <= int(text) <= years[1]


def _row_problem(row: TableRow, region: str, year: str) -> str | None:
    if not row[region].strip():
        return f"line {row.line}: no NUTS code in {region}"
    return _year_problem(row, year)


def _year_problem(row: TableRow, column: str) -> str | None:
    if not _YEAR.fullmatch(row[column].strip()):
        return f"line {row.line}: {column} {row[column]!r} is not a year"
    return None


def _first_line(path: Path) -> str:
    with require_file(path).open(encoding="utf-8-sig") as handle:
        return handle.readline()


def _value_column(
    path: Path, columns: list[str], known: Mapping[str, tuple[DataSetSpec, IndicatorSpec]]
) -> str:
    """The value column of an EURITO file: the one header column besides ``columns``."""
    delimiter = TABULAR_FORMATS.get(path.suffix.lower(), ",")
    header = next(csv.reader([_first_line(path)], delimiter=delimiter), [])
    found = [column for column in header if column in known]
    if len(found) != 1:
        raise InvalidInput(
            f"{path.name}: expected the columns {', '.join(columns)} and one value column of "
            f"{', '.join(sorted(known))}; the header has {', '.join(header)}",
            line=1,
        )
    return found[0]
