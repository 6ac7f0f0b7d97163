"""Server-rendered SVG choropleth maps of Europe's NUTS-2 regions, from the bundled GISCO GeoJSON.

Pure functions on the standard library: the GeoJSON is read once per path, projected to a
Lambert azimuthal equal-area projection centred on Europe (like EPSG:3035, so region areas
compare fairly), clipped to continental Europe, and written as one ``<path>`` per region with a
legend, the mandatory GISCO attribution and text alternatives for assistive technology. The same
input always gives the same bytes, so maps can be cached and compared in tests.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import json
import math
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

#: The bundled NUTS 2024 level-2 polygons (see data/sources/geo/README.md); ``src/kg/web`` →
#: repository root is three levels up, as ``kg.config.PROJECT_ROOT`` computes it.
DEFAULT_GEOJSON = (
    Path(__file__).resolve().parents[3]
    / "data"
    / "sources"
    / "geo"
    / "nuts2024_level2_60M_4326.geojson"
)

#: GISCO's terms make this attribution mandatory on every map drawn from its boundaries.
ATTRIBUTION = "© EuroGeographics for the administrative boundaries · Source: Eurostat, GISCO"

#: Centre of the projection (as EPSG:3035): 10°E 52°N.
CENTRE_LON = 10.0
CENTRE_LAT = 52.0
#: Radius of the sphere with the GRS80 ellipsoid's area, in metres: the spherical formula keeps
#: areas true on that sphere; its shape differs from EPSG:3035's ellipsoidal one by well under a
#: percent, invisible at 1:60M.
AUTHALIC_RADIUS = 6_371_007.2

#: Polygons whose centroid lies outside this box (lon min, lon max, lat min, lat max) are not
#: drawn: the overseas regions would otherwise shrink continental Europe to a corner.
CLIP_BOX = (-25.0, 45.0, 34.0, 72.0)

#: EU member states in NUTS country codes (Greece is EL): without other instructions their
#: regions without a value are "no data", while other countries are background.
EU27 = frozenset(
    {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU"}
    | {"IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"}
)

#: Viridis at nine even steps, light to dark: perceptually uniform, readable with the common
#: colour-vision deficiencies and in greyscale; the darkest step still differs from the
#: grey "no data" hatch and the background.
PALETTE = (
    "#fde725",
    "#addc30",
    "#5ec962",
    "#28ae80",
    "#21918c",
    "#2c728e",
    "#3b528b",
    "#472d7b",
    "#440154",
)
NO_DATA_FILL = "#f2f2f2"
NO_DATA_HATCH = "#8c8c8c"
BACKGROUND_FILL = "#d4d4d4"
#: A mid-grey outline separates both the lightest (yellow on white) and the darkest regions.
OUTLINE = "#6e6e6e"
TEXT_FILL = "#222222"
MUTED_FILL = "#505050"

WIDTH = 800
PAD = 10
LEGEND_COLUMNS = 4
LEGEND_COLUMN_WIDTH = 195
LEGEND_ROW_HEIGHT = 20
SWATCH = 14

_ID_PREFIX = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")

Point = tuple[float, float]
Ring = tuple[Point, ...]
Polygon = tuple[Ring, ...]


@dataclass(frozen=True)
class RegionShape:
    """One NUTS region of the GeoJSON, projected (metres) and clipped to continental Europe."""

    code: str
    name: str
    country: str
    #: Polygons kept by the clip box; each is its outer ring followed by any holes.
    polygons: tuple[Polygon, ...]
    #: True when the region has polygons but all lie outside the clip box (overseas regions).
    outside: bool


@dataclass(frozen=True)
class Bin:
    """One class of the legend: the smallest and largest value in it, and its colour."""

    lower: float
    upper: float
    colour: str
    count: int
    label: str


@dataclass(frozen=True)
class ChoroplethMap:
    """A rendered map and what a page should say beside it."""

    svg: str
    bins: tuple[Bin, ...]
    #: Codes with a value whose region lies wholly outside the clip box, sorted.
    not_shown: list[str]
    #: Codes with a value that no polygon carries (other NUTS versions or levels), sorted.
    missing_geometry: list[str]


def project(lon: float, lat: float) -> Point:
    """Lambert azimuthal equal-area (spherical) coordinates in metres, centred on 10°E 52°N.

    x grows to the east and y to the north, as in EPSG:3035 without its false origin.

    >>> project(10.0, 52.0)
    (0.0, 0.0)
    >>> x, y = project(10.0, 53.0)  # one degree north: about 111 km
    >>> round(x), round(y)
    (0, 111194)
    >>> project(20.0, 52.0)[0] > 0 > project(0.0, 52.0)[0]
    True
    """
    phi, phi0 = math.radians(lat), math.radians(CENTRE_LAT)
    dlam = math.radians(lon - CENTRE_LON)
    cos_c = math.sin(phi0) * math.sin(phi) + math.cos(phi0) * math.cos(phi) * math.cos(dlam)
    k = math.sqrt(2.0 / (1.0 + cos_c))
    x = AUTHALIC_RADIUS * k * math.cos(phi) * math.sin(dlam)
    y = (
        AUTHALIC_RADIUS
        * k
        * (math.cos(phi0) * math.sin(phi) - math.sin(phi0) * math.cos(phi) * math.cos(dlam))
    )
    return x, y


def ring_centroid(ring: Sequence[Sequence[float]]) -> Point:
    """Area-weighted centroid of a closed ring of (lon, lat) points (vertex mean if degenerate).

    >>> ring_centroid([(0, 0), (2, 0), (2, 2), (0, 2), (0, 0)])
    (1.0, 1.0)
    """
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-12:
        return (sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring))
    return cx / (3.0 * area), cy / (3.0 * area)


def in_clip_box(lon: float, lat: float) -> bool:
    """Whether a point lies in continental Europe as this map draws it (:data:`CLIP_BOX`).

    >>> in_clip_box(12.5, 41.9), in_clip_box(-61.5, 16.2), in_clip_box(-16.9, 32.7)
    (True, False, False)
    """
    lon_min, lon_max, lat_min, lat_max = CLIP_BOX
    return lon_min <= lon <= lon_max and lat_min <= lat <= lat_max


def load_regions(path: Path = DEFAULT_GEOJSON) -> tuple[RegionShape, ...]:
    """The regions of a NUTS GeoJSON file, projected and clipped, sorted by code.

    Read once per path: the file is bundled and does not change while the service runs.
    """
    return _load_regions(path.resolve())


@functools.cache
def _load_regions(path: Path) -> tuple[RegionShape, ...]:
    collection = json.loads(path.read_text(encoding="utf-8"))
    regions = []
    for feature in collection["features"]:
        props = feature["properties"]
        name = (props.get("NAME_LATN") or props.get("NUTS_NAME") or props["NUTS_ID"]).strip()
        parts = _polygons_of(feature.get("geometry"))
        kept = tuple(
            tuple(tuple(project(lon, lat) for lon, lat, *_ in ring) for ring in polygon)
            for polygon in parts
            if polygon and in_clip_box(*ring_centroid(polygon[0]))
        )
        regions.append(
            RegionShape(
                code=props["NUTS_ID"],
                name=name,
                country=props["CNTR_CODE"],
                polygons=kept,
                outside=bool(parts) and not kept,
            )
        )
    return tuple(sorted(regions, key=lambda region: region.code))


def _polygons_of(geometry: Mapping[str, Any] | None) -> list[list[list[list[float]]]]:
    """The polygons of a Polygon or MultiPolygon geometry; none for a null geometry."""
    if geometry is None:
        return []
    coordinates = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        return [coordinates]
    if geometry["type"] == "MultiPolygon":
        return coordinates
    raise ValueError(f"expected Polygon or MultiPolygon geometry, got {geometry['type']!r}")


def format_value(value: float) -> str:
    """Default value format: thousands separators from 1,000 up, three significant digits below.

    >>> format_value(1234567.8), format_value(62.84), format_value(0.0123), format_value(2.0)
    ('1,234,568', '62.8', '0.0123', '2')
    """
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def quantile_classes(values: Iterable[float], bins: int) -> list[tuple[float, float, int]]:
    """Quantile classes of the values as (smallest, largest, count), lowest first.

    Each class ends at a value of the data (the nearest-rank quantile), so equal values always
    share a class; ties can give fewer classes than asked, never an empty one. With no more
    distinct values than classes, each distinct value is a class of its own.

    >>> quantile_classes([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5)
    [(1, 2, 2), (3, 4, 2), (5, 6, 2), (7, 8, 2), (9, 10, 2)]
    >>> quantile_classes([1, 1, 1, 1, 2, 3], 5)
    [(1, 1, 4), (2, 2, 1), (3, 3, 1)]
    >>> quantile_classes([], 5)
    []
    """
    ordered = sorted(values)
    if not ordered:
        return []
    distinct = sorted(set(ordered))
    if len(distinct) <= bins:
        uppers = distinct
    else:
        n = len(ordered)
        uppers = sorted({ordered[math.ceil(i * n / bins) - 1] for i in range(1, bins)})
        uppers = [upper for upper in uppers if upper < ordered[-1]] + [ordered[-1]]
    classes = []
    start = 0
    for upper in uppers:
        end = bisect.bisect_right(ordered, upper)
        classes.append((ordered[start], upper, end - start))
        start = end
    return classes


def _pick_colours(count: int) -> list[str]:
    """``count`` palette steps spread evenly from the lightest to the darkest."""
    if count == 1:
        return [PALETTE[len(PALETTE) // 2]]
    last = len(PALETTE) - 1
    return [PALETTE[round(i * last / (count - 1))] for i in range(count)]


def _xml(text: str) -> str:
    """Escape text for element content and double-quoted attributes."""
    return escape(text, {'"': "&quot;"})


def _number(tenths: int) -> str:
    """A coordinate given in tenths, written as short as SVG allows: ``-5`` → ``-.5``."""
    sign = "-" if tenths < 0 else ""
    whole, frac = divmod(abs(tenths), 10)
    if frac == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole or ''}.{frac}"


def _join(numbers: Iterable[int]) -> str:
    """Numbers separated by a space, or by nothing before a minus sign (valid SVG path data)."""
    out: list[str] = []
    for tenths in numbers:
        text = _number(tenths)
        if out and not text.startswith("-"):
            out.append(" ")
        out.append(text)
    return "".join(out)


@dataclass(frozen=True)
class _Frame:
    """Projected metres → viewBox units: a uniform scale fitting the drawn regions in WIDTH."""

    min_x: float
    max_y: float
    scale: float
    height: int

    @classmethod
    def fit(cls, regions: Sequence[RegionShape]) -> _Frame:
        points = [p for r in regions for polygon in r.polygons for ring in polygon for p in ring]
        if not points:
            return cls(0.0, 0.0, 1.0, 2 * PAD)
        min_x = min(x for x, _ in points)
        max_x = max(x for x, _ in points)
        min_y = min(y for _, y in points)
        max_y = max(y for _, y in points)
        # A metre's floor keeps a single-point drawing from dividing by zero.
        scale = (WIDTH - 2 * PAD) / max(max_x - min_x, 1.0)
        return cls(min_x, max_y, scale, math.ceil((max_y - min_y) * scale) + 2 * PAD)

    def tenths(self, point: Point) -> tuple[int, int]:
        """The point in viewBox units times ten, rounded (1 decimal in the output)."""
        x, y = point
        return (
            round((PAD + (x - self.min_x) * self.scale) * 10),
            round((PAD + (self.max_y - y) * self.scale) * 10),
        )

    def path_data(self, polygons: Iterable[Polygon]) -> str:
        """Compact path data: ``M`` to each ring's first point, then relative ``l`` steps, ``z``.

        Steps are differences of already-rounded points, so rounding never accumulates.
        """
        parts = []
        for polygon in polygons:
            for ring in polygon:
                points: list[tuple[int, int]] = []
                for point in ring:
                    rounded = self.tenths(point)
                    if not points or rounded != points[-1]:
                        points.append(rounded)
                if len(points) > 1 and points[-1] == points[0]:
                    points.pop()
                steps = [
                    d
                    for (x0, y0), (x1, y1) in itertools.pairwise(points)
                    for d in (x1 - x0, y1 - y0)
                ]
                head = "M" + _join(points[0])
                parts.append(head + ("l" + _join(steps) if steps else "") + "z")
        return "".join(parts)


def render_choropleth(
    values: Mapping[str, float | None],
    *,
    title: str,
    description: str,
    value_label: str,
    links: Mapping[str, str] | None = None,
    countries: Collection[str] | None = None,
    data_countries: Collection[str] | None = None,
    bins: int = 5,
    value_format: Callable[[float], str] = format_value,
    id_prefix: str = "choropleth",
    geojson: Path = DEFAULT_GEOJSON,
) -> ChoroplethMap:
    """An SVG choropleth of NUTS-2 ``values`` (code → number, or None for unknown).

    Regions are classed by quantiles of the known values of the regions drawn. A region of a
    country in the data (``data_countries``; by default the EU27 and every country with a code in
    ``values``) whose value is None, NaN or absent is hatched grey as "no data" — never put in the
    lowest class; other countries are drawn as plain background ("not covered").

    ``countries`` limits the regions drawn (and the frame) to those countries. ``links`` maps
    codes to URLs the regions link to. ``id_prefix`` keeps element ids unique when a page holds
    several maps. Codes with a value that cannot be drawn are returned in ``not_shown``
    (overseas) and ``missing_geometry`` (no polygon).
    """
    if not 1 <= bins <= len(PALETTE):
        raise ValueError(f"bins must be between 1 and {len(PALETTE)}, got {bins}")
    if not _ID_PREFIX.fullmatch(id_prefix):
        raise ValueError(f"id_prefix must be an XML name, got {id_prefix!r}")
    known: dict[str, float] = {}
    for code, value in values.items():
        if value is None or math.isnan(value):
            continue  # unknown stays unknown: hatched, never a number
        if math.isinf(value):
            raise ValueError(f"value of {code} is not finite: {value}")
        known[code] = float(value)
    links = links or {}

    regions = load_regions(geojson)
    by_code = {region.code: region for region in regions}
    drawn = [
        region
        for region in regions
        if region.polygons and (countries is None or region.country in countries)
    ]
    # Codes of countries the caller chose not to draw are not worth a note.
    wanted = [code for code in known if countries is None or code[:2] in countries]
    not_shown = sorted(code for code in wanted if code in by_code and by_code[code].outside)
    missing_geometry = sorted(code for code in wanted if code not in by_code)
    in_data = set(EU27 if data_countries is None else data_countries)
    if data_countries is None:
        in_data |= {code[:2] for code in values}

    # Classes describe the map: values of regions that are not drawn do not move them.
    classes = quantile_classes((known[r.code] for r in drawn if r.code in known), bins)
    legend_bins = tuple(
        Bin(
            lower=lower,
            upper=upper,
            colour=colour,
            count=count,
            label=(
                value_format(lower)
                if lower == upper
                else f"{value_format(lower)} – {value_format(upper)}"
            ),
        )
        for (lower, upper, count), colour in zip(classes, _pick_colours(len(classes)), strict=True)
    )
    uppers = [b.upper for b in legend_bins]

    frame = _Frame.fit(drawn)
    hatch = f"{id_prefix}-nodata"
    lines = []
    any_background = False
    for region in drawn:
        label = f"{region.name} ({region.code})"
        if region.code in known:
            value = known[region.code]
            index = min(bisect.bisect_left(uppers, value), len(uppers) - 1)
            css, fill = f"bin-{index + 1}", legend_bins[index].colour
            label += f": {value_format(value)}"
        elif region.country in in_data:
            css, fill = "nodata", f"url(#{hatch})"
            label += ": no data"
        else:
            css, fill = "not-covered", BACKGROUND_FILL
            label += ": not covered"
            any_background = True
        path = (
            f'<path class="{css}" data-code="{_xml(region.code)}" fill="{fill}" '
            f'd="{frame.path_data(region.polygons)}"><title>{_xml(label)}</title></path>'
        )
        url = links.get(region.code)
        if url is not None:
            path = f'<a href="{_xml(url)}" aria-label="{_xml(label)}">{path}</a>'
        lines.append(path)

    legend, height = _legend(legend_bins, value_label, frame.height, hatch, any_background)
    # A role="img" has presentational children, so links inside it would be nested interactive
    # content (axe `nested-interactive`); a map with links is a labelled group instead.
    role = "group" if any(region.code in links for region in drawn) else "img"
    svg = "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
            f'role="{role}" aria-labelledby="{id_prefix}-title {id_prefix}-desc" '
            f'class="choropleth">',
            f'<title id="{id_prefix}-title">{_xml(title)}</title>',
            f'<desc id="{id_prefix}-desc">{_xml(description)}</desc>',
            f'<defs><pattern id="{hatch}" width="5" height="5" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><rect width="5" height="5" fill="{NO_DATA_FILL}"/>'
            f'<path d="M0 0v5" stroke="{NO_DATA_HATCH}" stroke-width="1.2"/></pattern></defs>',
            f'<g class="regions" stroke="{OUTLINE}" stroke-width=".35" '
            f'stroke-linejoin="round" fill-rule="evenodd">',
            *lines,
            "</g>",
            *legend,
            "</svg>",
        ]
    )
    return ChoroplethMap(
        svg=svg + "\n",
        bins=legend_bins,
        not_shown=not_shown,
        missing_geometry=missing_geometry,
    )


def _legend(
    bins: Sequence[Bin], value_label: str, top: int, hatch: str, background: bool
) -> tuple[list[str], int]:
    """The legend below the map (a text range per class, not colour alone) and the attribution;
    returns the SVG lines and the total height of the drawing."""
    entries = [(b.colour, b.label) for b in bins]
    entries.append((f"url(#{hatch})", "no data"))
    if background:
        entries.append((BACKGROUND_FILL, "not covered"))
    lines = [
        f'<g class="legend" font-family="sans-serif" font-size="12" fill="{TEXT_FILL}">',
        f'<text x="{PAD}" y="{top + 14}" font-weight="bold">{_xml(value_label)}</text>',
    ]
    for i, (fill, text) in enumerate(entries):
        row, column = divmod(i, LEGEND_COLUMNS)
        x = PAD + column * LEGEND_COLUMN_WIDTH
        y = top + 24 + row * LEGEND_ROW_HEIGHT
        lines.append(
            f'<rect x="{x}" y="{y}" width="{SWATCH}" height="{SWATCH}" fill="{fill}" '
            f'stroke="{OUTLINE}" stroke-width=".5"/>'
            f'<text x="{x + SWATCH + 6}" y="{y + 11}">{_xml(text)}</text>'
        )
    rows = math.ceil(len(entries) / LEGEND_COLUMNS)
    bottom = top + 24 + rows * LEGEND_ROW_HEIGHT
    lines.append("</g>")
    lines.append(
        f'<text class="attribution" x="{PAD}" y="{bottom + 12}" font-family="sans-serif" '
        f'font-size="10" fill="{MUTED_FILL}">{_xml(ATTRIBUTION)}</text>'
    )
    return lines, bottom + 20
