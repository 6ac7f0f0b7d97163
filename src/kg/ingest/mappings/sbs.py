"""Eurostat structural business statistics by region → RDF Data Cube observations of the persons
employed per NUTS region and NACE Rev. 2 sector (table ``sbs_r_nuts06_r2``, indicator V16110).

The bundled file is Eurostat's bulk download as published (``sbs_r_nuts06_r2.tsv.gz``: one row per
sector, indicator and region, one column per year 2015…2008, cells ``value[ flag]`` or ``:``).
What is loaded, and why (every other row is counted on the data set, never silently dropped):

- indicator V16110 (persons employed) only;
- countries and NUTS-2 regions of the EU28, the codes of NUTS 2013 (the file's version for
  2013-2015); NUTS-1 rows are left out (NUTS-1 figures are aggregated from regions when needed),
  and so are extra-regio codes (``…ZZ``), Norway, and codes of older versions, whose rows hold
  only the years before 2013 and would count a territory twice;
- the sectors the strength model uses: the NACE sections whose sum is the denominator of a
  location quotient (:data:`DENOMINATOR_SECTIONS`) and the sectors of the producer rows of
  ``data/mappings/nace_technology.csv`` (read here, so provenance names it);
- one year per cell: 2014, or the latest year of 2013 and 2012 that has a value
  (:data:`PREFERRED_YEARS`); the observation's year says which. A confidential or missing cell in
  all three years gives no observation: it is *unknown*, never zero. A published ``0`` is a value.
"""

from __future__ import annotations

import csv
import gzip
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TextIO

from kg.errors import InvalidInput
from kg.ingest.mappings.indicators import (
    EUROSTAT_LICENCE,
    DataSetSpec,
    IndicatorSpec,
    _Cube,
    decimal_lexical,
)
from kg.ingest.nuts_history import bundled_history
from kg.ingest.readers import require_file
from kg.ingest.records import MappingContext, Record
from kg.namespaces import CKG

SBS_TABLE = "https://ec.europa.eu/eurostat/databrowser/view/sbs_r_nuts06_r2/default/table"
PERSONS_EMPLOYED = "V16110"
#: The year of each cell: the first of these with a value (2014 is the best-covered year).
PREFERRED_YEARS = ("2014", "2013", "2012")
#: NUTS version of the file's codes for the years loaded.
SBS_NUTS_VERSION = 2013
#: The business-economy sections whose sum is a region's employment in location quotients: all
#: SBS sections with (near) complete regional coverage. Mining (B), energy (D), water and waste
#: (E) and S95 are confidential in many regions; together they are about 3 % of the business
#: economy, and leaving them out of every region alike keeps the quotients comparable.
DENOMINATOR_SECTIONS = ("C", "F", "G", "H", "I", "J", "L", "M", "N")
#: The sector → technology table; its producer rows name the sectors to load.
TECHNOLOGY_TABLE = Path("mappings/nace_technology.csv")

SBS_DATASET = DataSetSpec(
    slug="eurostat-sbs-r-nuts06-r2",
    title=(
        "SBS data by NUTS 2 regions and NACE Rev. 2: persons employed (Eurostat sbs_r_nuts06_r2)"
    ),
    publisher="Eurostat",
    license=EUROSTAT_LICENCE,
    publications=(SBS_TABLE,),
    citation="Source: Eurostat, sbs_r_nuts06_r2 (bulk download of mid-2017).",
    nuts_note=(
        "Regions are NUTS 2013 codes (countries and NUTS 2 regions of the EU28), as the table "
        "publishes them for 2013-2015. Each observation keeps the published code in "
        "sdmx-dimension:refArea and links the current NUTS region(s) with ckg:currentRegion; a "
        "region split since 2013 (LT00, PL12, HU10, IE01, IE02, HR04, NL31, NL33, PT16-PT18 and "
        "others) links every part, and its value applies to the published region as a whole: "
        "the data cannot apportion it. One year per cell: 2014, else the latest of 2013 and "
        "2012 with a value (the observation's year says which)."
    ),
    extra_dimensions=(CKG.economicActivity,),
    extra_attributes=(CKG.observationFlag,),
)
SBS_INDICATOR = IndicatorSpec(
    column=PERSONS_EMPLOYED,
    slug="sbs-persons-employed",
    label="Persons employed (structural business statistics)",
    definition=(
        "Number of persons employed in local units of the business economy located in the "
        "region (employees and working proprietors, partners and unpaid family workers), by "
        "NACE Rev. 2 sector. Eurostat table sbs_r_nuts06_r2, indicator V16110. The business "
        "economy of SBS excludes agriculture, finance and insurance, and public and personal "
        "services."
    ),
    unit="persons",
)

#: Eurostat's bulk cells: a number, then optional flag letters; or ``:`` then optional flags.
_CELL = re.compile(r"^(?P<value>[0-9.]+|:)\s*(?P<flag>[a-z]*)$")
_HEADER_KEY = "nace_r2,indic_sb,geo\\time"


def map_sbs_employment(context: MappingContext) -> Iterator[Record]:
    """One observation per loaded region, sector and cell (see the module docstring)."""
    path = require_file(context.source_file)
    sectors = set(DENOMINATOR_SECTIONS) | _technology_sectors(context)
    history = bundled_history(context)
    nuts2013 = history.regions[SBS_NUTS_VERSION]
    countries = {code for code, row in nuts2013.items() if row.level == 0}
    cube = _Cube(context, SBS_DATASET, (SBS_INDICATOR,))
    yield from cube.indicator_records()
    with _open_text(path) as handle:
        reader = csv.reader(handle, delimiter="\t")
        header = next(reader, None)
        years = _years(path, header)
        for line, fields in enumerate(reader, start=2):
            key = fields[0].split(",") if fields else []
            if len(key) != 3 or len(fields) != len(years) + 1:
                raw = {"row": "\t".join(fields)}
                yield cube.problem(
                    line,
                    raw,
                    f"line {line}: expected 'sector,indicator,region' and {len(years)} year "
                    f"cells, found {len(fields)} fields",
                )
                continue
            sector, indicator, code = (part.strip() for part in key)
            skipped = _skip_reason(indicator, sector, code, sectors, nuts2013, countries)
            if skipped:
                cube.tally[skipped] += 1
                continue
            cells = dict(zip(years, fields[1:], strict=True))
            chosen = _chosen_cell(cells)
            if chosen is None:
                confidential = any("c" in _flag(cells.get(year, "")) for year in PREFERRED_YEARS)
                cube.tally[
                    "cells confidential in 2012-2014"
                    if confidential
                    else "cells without a value in 2012-2014"
                ] += 1
                continue
            year, text, flag = chosen
            if year != PREFERRED_YEARS[0]:
                cube.loaded_tally[f"read from {year} (no value for 2014)"] += 1
            record = cube.observation(
                SBS_INDICATOR,
                code,
                year,
                text,
                declared_version=SBS_NUTS_VERSION,
                line=line,
                raw={"sector": sector, "indicator": indicator, "region": code, year: cells[year]},
                activity=sector,
                flag=flag or None,
            )
            if record is not None:
                yield record
    yield cube.dataset_record()


def _skip_reason(
    indicator: str,
    sector: str,
    code: str,
    sectors: set[str],
    nuts2013: Mapping[str, object],
    countries: set[str],
) -> str | None:
    """Why a row is not loaded (the tally's wording), or None to load it."""
    if indicator != PERSONS_EMPLOYED:
        return "rows of other indicators (local units, wages, growth, shares)"
    if sector not in sectors:
        return "rows of sectors the strength model does not use"
    if code.endswith("ZZ"):
        return "rows of extra-regio codes"
    if code[:2] not in countries:
        return "rows of countries outside the EU28 (Norway)"
    if len(code) not in (2, 4):
        return "rows of NUTS 1 and NUTS 3 regions"
    if code not in nuts2013:
        return "rows of codes older than NUTS 2013 (years before 2013 only)"
    return None


def _chosen_cell(cells: dict[str, str]) -> tuple[str, str, str] | None:
    """(year, value text, flag) of the first preferred year with a number."""
    for year in PREFERRED_YEARS:
        match = _CELL.match(cells.get(year, "").strip())
        if match and match["value"] != ":" and decimal_lexical(match["value"]) is not None:
            return year, match["value"], match["flag"]
    return None


def _flag(cell: str) -> str:
    match = _CELL.match(cell.strip())
    return match["flag"] if match else ""


def _years(path: Path, header: list[str] | None) -> list[str]:
    if not header or header[0].strip() != _HEADER_KEY:
        raise InvalidInput(
            f"{path.name}: not a Eurostat bulk TSV of sbs_r_nuts06_r2: the first column must be "
            f"{_HEADER_KEY!r}",
            line=1,
        )
    years = [cell.strip() for cell in header[1:]]
    if not all(re.fullmatch(r"\d{4}", year) for year in years):
        raise InvalidInput(f"{path.name}: year columns expected after the first", line=1)
    return years


def _open_text(path: Path) -> TextIO:
    """The file as text, gunzipped when it is a ``.gz`` (Eurostat ships bulk files so)."""
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8", newline="")
    return path.open(encoding="utf-8", newline="")


def _technology_sectors(context: MappingContext) -> set[str]:
    """NACE codes (Eurostat style, ``C26``) of the producer rows of the sector table."""
    if context.data_dir is None:
        raise InvalidInput("the SBS mapping needs the data directory (for its sector table)")
    table = require_file(context.data_dir / TECHNOLOGY_TABLE)
    context.use(table)
    with table.open(encoding="utf-8", newline="") as handle:
        return {
            row["nace_code"].strip()
            for row in csv.DictReader(handle)
            if row.get("role", "").strip() == "producer"
        }
