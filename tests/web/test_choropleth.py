"""The NUTS-2 choropleth: well-formed, accessible SVG; unknown values never coloured as the lowest
class; overseas and unknown codes reported rather than silently dropped; the same bytes every time.

Exact-geometry cases use ``data/mini_nuts.geojson``: squares of one degree around 10°E 50–52°N in a
made-up country XA (one with a hole, one with an overseas part, one wholly overseas) and a
neighbour in country YB.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kg.config import PROJECT_ROOT
from kg.web.choropleth import (
    ATTRIBUTION,
    DEFAULT_GEOJSON,
    EU27,
    PAD,
    PALETTE,
    WIDTH,
    ChoroplethMap,
    load_regions,
    quantile_classes,
    render_choropleth,
)

MINI = Path(__file__).parent / "data" / "mini_nuts.geojson"
SVG = "{http://www.w3.org/2000/svg}"
OVERSEAS = ["ES70", "FRY1", "FRY2", "FRY3", "FRY4", "FRY5", "PT20", "PT30"]
LIGHTEST, DARKEST = PALETTE[0], PALETTE[-1]


def render(values: dict[str, float | None], **options: object) -> ChoroplethMap:
    """A map with fixed texts, so that tests only state what they vary."""
    arguments: dict[str, object] = {
        "title": "Test map",
        "description": "Made-up values for a test.",
        "value_label": "Score",
    }
    arguments.update(options)
    return render_choropleth(values, **arguments)  # type: ignore[arg-type]


def parse(svg: str) -> ET.Element:
    """The map as an element tree; parsing fails on anything that is not well-formed XML."""
    return ET.fromstring(svg)  # noqa: S314 - the module's own output, not untrusted input


def paths_by_code(svg: str) -> dict[str, ET.Element]:
    """The region paths of a map by NUTS code; fails on a code drawn twice."""
    root = parse(svg)
    paths: dict[str, ET.Element] = {}
    for path in root.iter(f"{SVG}path"):
        code = path.get("data-code")
        if code is None:
            continue  # the hatch pattern's stroke
        assert code not in paths, f"{code} drawn twice"
        paths[code] = path
    return paths


def title_of(element: ET.Element) -> str:
    title = element.find(f"{SVG}title")
    assert title is not None and title.text is not None
    return title.text


def rings(path_data: str) -> list[list[tuple[float, float]]]:
    """Absolute points of each subpath of ``M x y l dx dy … z`` path data."""
    out: list[list[tuple[float, float]]] = []
    tokens = re.findall(r"[MlZz]|-?(?:\d+\.?\d*|\.\d+)", path_data)
    numbers: list[float] = []
    command = ""

    def flush() -> None:
        if command == "M":
            out.append([(numbers[0], numbers[1])])
        elif command == "l":
            x, y = out[-1][-1]
            for dx, dy in zip(numbers[::2], numbers[1::2], strict=True):
                x, y = round(x + dx, 1), round(y + dy, 1)
                out[-1].append((x, y))
        numbers.clear()

    for token in tokens:
        if token.isalpha():
            flush()
            command = token
        else:
            numbers.append(float(token))
    flush()
    return out


# --- exact geometry on the small fixture -------------------------------------------------------


def test_the_drawing_fills_the_width_and_each_square_has_four_corners() -> None:
    drawn = paths_by_code(render({}, geojson=MINI).svg)
    points = [p for path in drawn.values() for ring in rings(path.get("d", "")) for p in ring]
    assert min(x for x, _ in points) == PAD
    assert max(x for x, _ in points) == WIDTH - PAD
    assert min(y for _, y in points) == PAD
    assert [len(ring) for ring in rings(drawn["XA01"].get("d", ""))] == [4]


def test_north_is_up_and_east_is_right() -> None:
    drawn = paths_by_code(render({}, geojson=MINI).svg)

    def centre(code: str) -> tuple[float, float]:
        ring = rings(drawn[code].get("d", ""))[0]
        return sum(x for x, _ in ring) / 4, sum(y for _, y in ring) / 4

    assert centre("XA03")[1] < centre("XA01")[1]  # XA03 lies north of XA01
    assert centre("XA02")[0] > centre("XA01")[0]  # XA02 lies east of XA01


def test_a_hole_is_a_second_subpath_of_the_same_path() -> None:
    drawn = paths_by_code(render({}, geojson=MINI).svg)
    assert [len(ring) for ring in rings(drawn["XA02"].get("d", ""))] == [4, 4]


def test_overseas_parts_are_clipped_and_wholly_overseas_regions_reported() -> None:
    drawn_map = render({"XA04": 1.0, "XA05": 2.0}, geojson=MINI)
    drawn = paths_by_code(drawn_map.svg)
    assert len(rings(drawn["XA04"].get("d", ""))) == 1  # the mainland part only
    assert "XA05" not in drawn
    assert drawn_map.not_shown == ["XA05"]


def test_names_and_texts_are_escaped() -> None:
    drawn_map = render({"XA01": 1.0}, geojson=MINI, title="R&D <intensity>", links={})
    assert "Bar &amp; &lt;Baz&gt; (XA01): 1" in drawn_map.svg
    assert "R&amp;D &lt;intensity&gt;" in drawn_map.svg
    root = parse(drawn_map.svg)
    assert title_of(paths_by_code(drawn_map.svg)["XA01"]) == "Bar & <Baz> (XA01): 1"
    assert title_of(root) == "R&D <intensity>"


def test_unknown_values_are_no_data_and_never_the_lowest_class() -> None:
    drawn_map = render({"XA01": 1.0, "XA02": 2.0, "XA03": None}, geojson=MINI)
    drawn = paths_by_code(drawn_map.svg)
    assert (drawn["XA01"].get("class"), drawn["XA01"].get("fill")) == ("bin-1", LIGHTEST)
    assert (drawn["XA02"].get("class"), drawn["XA02"].get("fill")) == ("bin-2", DARKEST)
    for code in ("XA03", "XA04"):  # given None, and absent
        assert drawn[code].get("class") == "nodata"
        assert drawn[code].get("fill") == "url(#choropleth-nodata)"
        assert title_of(drawn[code]).endswith(": no data")
    assert drawn["YB01"].get("class") == "not-covered"  # YB has no value at all: background


def test_nan_is_no_data_and_infinity_is_refused() -> None:
    drawn = paths_by_code(render({"XA01": float("nan"), "XA02": 1.0}, geojson=MINI).svg)
    assert drawn["XA01"].get("class") == "nodata"
    with pytest.raises(ValueError, match="not finite"):
        render({"XA01": float("inf")}, geojson=MINI)


def test_data_countries_decide_between_no_data_and_background() -> None:
    drawn = paths_by_code(render({"XA01": 1.0}, geojson=MINI, data_countries={"YB"}).svg)
    assert drawn["YB01"].get("class") == "nodata"
    assert drawn["XA02"].get("class") == "not-covered"
    assert drawn["XA01"].get("class") == "bin-1"  # a value is drawn whatever its country


def test_countries_limit_the_regions_drawn_and_the_notes() -> None:
    drawn_map = render({"YB01": 1.0, "XA05": 2.0, "LT00": 3.0}, geojson=MINI, countries={"YB"})
    assert set(paths_by_code(drawn_map.svg)) == {"YB01"}
    assert (drawn_map.not_shown, drawn_map.missing_geometry) == ([], [])


def test_region_colours_follow_the_bins_they_fall_in() -> None:
    values: dict[str, float | None] = {"XA01": 1.0, "XA02": 2.0, "XA03": 3.0, "XA04": 3.0}
    drawn_map = render(values, geojson=MINI, bins=3)
    drawn = paths_by_code(drawn_map.svg)
    assert [(b.lower, b.upper, b.count) for b in drawn_map.bins] == [
        (1.0, 1.0, 1),
        (2.0, 2.0, 1),
        (3.0, 3.0, 2),
    ]
    for code, value in values.items():
        assert value is not None
        index = next(i for i, b in enumerate(drawn_map.bins) if b.lower <= value <= b.upper)
        assert drawn[code].get("fill") == drawn_map.bins[index].colour
        assert drawn[code].get("class") == f"bin-{index + 1}"


def test_ids_follow_the_prefix_and_a_bad_prefix_is_refused() -> None:
    svg = render({"XA03": None}, geojson=MINI, id_prefix="map2").svg
    root = parse(svg)
    assert root.get("aria-labelledby") == "map2-title map2-desc"
    ids = {element.get("id") for element in root.iter() if element.get("id")}
    assert ids == {"map2-title", "map2-desc", "map2-nodata"}
    assert paths_by_code(svg)["XA03"].get("fill") == "url(#map2-nodata)"
    with pytest.raises(ValueError, match="id_prefix"):
        render({}, geojson=MINI, id_prefix='x" onload="alert(1)')


def test_bins_out_of_range_are_refused() -> None:
    for bins in (0, len(PALETTE) + 1):
        with pytest.raises(ValueError, match="bins"):
            render({}, geojson=MINI, bins=bins)


# --- classes -------------------------------------------------------------------------------------


def test_quantile_classes_keep_ties_together_and_never_come_out_empty() -> None:
    assert quantile_classes([5, 1, 3, 3, 3, 3, 2, 4], 4) == [(1, 2, 2), (3, 3, 4), (4, 5, 2)]
    assert quantile_classes([7, 7, 7], 5) == [(7, 7, 3)]
    classes = quantile_classes(range(100), 5)
    assert [count for _, _, count in classes] == [20] * 5


# --- the bundled NUTS 2024 file ----------------------------------------------------------------


@pytest.fixture(scope="module")
def eu_values() -> dict[str, float | None]:
    """A made-up value for every EU region of the bundled file, spread over 0.5–3.0."""
    codes = sorted(r.code for r in load_regions() if r.country in EU27)
    return {code: 0.5 + (i * 37 % 101) / 40 for i, code in enumerate(codes)}


def test_the_bundled_file_is_the_documented_one_inside_the_project() -> None:
    assert DEFAULT_GEOJSON.is_relative_to(PROJECT_ROOT / "data" / "sources" / "geo")
    readme = (DEFAULT_GEOJSON.parent / "README.md").read_text(encoding="utf-8")
    digest = hashlib.sha256(DEFAULT_GEOJSON.read_bytes()).hexdigest()
    assert digest in readme
    assert f"{DEFAULT_GEOJSON.stat().st_size:,}" in readme


def test_every_eu_region_in_the_clip_box_has_one_path(eu_values: dict[str, float | None]) -> None:
    drawn_map = render(eu_values)
    drawn = paths_by_code(drawn_map.svg)
    eu_regions = [r for r in load_regions() if r.country in EU27]
    assert len(eu_regions) == 244
    expected = {r.code for r in eu_regions} - set(OVERSEAS)
    assert expected <= set(drawn)
    assert all(drawn[code].get("class", "").startswith("bin-") for code in expected)
    assert len(drawn) == 296 - len(OVERSEAS)  # non-EU regions drawn as background


def test_overseas_regions_are_reported_and_not_drawn(eu_values: dict[str, float | None]) -> None:
    drawn_map = render(eu_values)
    assert drawn_map.not_shown == OVERSEAS
    assert not set(OVERSEAS) & set(paths_by_code(drawn_map.svg))


def test_codes_without_a_polygon_are_reported() -> None:
    drawn_map = render({"LT00": 1.0, "PL12": 2.0, "LT01": 1.5, "PL91": None})
    assert drawn_map.missing_geometry == ["LT00", "PL12"]
    assert "LT00" not in paths_by_code(drawn_map.svg)


def test_links_wrap_paths_and_make_the_map_a_group() -> None:
    drawn_map = render({"ITI3": 1.2, "ITC4": 0.8}, links={"ITI3": "/region/ITI3?a=1&b=2"})
    root = parse(drawn_map.svg)
    anchors = list(root.iter(f"{SVG}a"))
    assert [a.get("href") for a in anchors] == ["/region/ITI3?a=1&b=2"]
    assert [p.get("data-code") for p in anchors[0].iter(f"{SVG}path")] == ["ITI3"]
    assert anchors[0].get("aria-label") == "Marche (ITI3): 1.2"
    # role="img" hides its children, so links inside it would fail axe's nested-interactive
    assert root.get("role") == "group"
    assert parse(render({"ITI3": 1.2}).svg).get("role") == "img"


def test_accessible_names_legend_and_attribution_are_inside_the_svg(
    eu_values: dict[str, float | None],
) -> None:
    drawn_map = render(eu_values, description="Values & more")
    root = parse(drawn_map.svg)
    labelled_by = root.get("aria-labelledby", "").split()
    ids = {element.get("id"): element for element in root.iter() if element.get("id")}
    assert [ids[i].tag for i in labelled_by] == [f"{SVG}title", f"{SVG}desc"]
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert ATTRIBUTION in texts
    assert "© EuroGeographics for the administrative boundaries" in ATTRIBUTION
    assert len(drawn_map.bins) == 5
    assert [b.label for b in drawn_map.bins] + ["no data", "not covered"] == [
        t for t in texts if t not in {"Score", ATTRIBUTION}
    ]
    assert texts[0] == "Score"


def test_the_same_values_give_the_same_bytes(eu_values: dict[str, float | None]) -> None:
    first = render(eu_values, links={"ITI3": "/r/ITI3"}).svg
    reordered = dict(reversed(list(eu_values.items())))
    assert render(reordered, links={"ITI3": "/r/ITI3"}).svg == first
    assert render(eu_values, links={"ITI3": "/r/ITI3"}).svg == first


def test_a_map_of_all_regions_stays_small(eu_values: dict[str, float | None]) -> None:
    assert len(render(eu_values).svg.encode()) < 250_000
