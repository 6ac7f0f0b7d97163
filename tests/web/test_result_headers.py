"""The result table's headers, rendered from the template alone (no server, no browser): labels
and units from the query header, the variable kept beside them, and every value escaped."""

from __future__ import annotations

from kg.queries import Column
from kg.saved import Cell, ChartData, Table
from kg.web import templates

MACROS = '{% from "_results.html" import results_table, bar_chart %}'


def render(source: str, **context: object) -> str:
    """A template string using the shared result macros."""
    return templates.env.from_string(MACROS + source).render(**context)


def test_headers_say_label_and_unit_and_keep_the_variable() -> None:
    table = Table(
        ["region_label", "employment", "note"],
        [[Cell("Marche"), Cell("123", number=123.0), None]],
        1,
        None,
        labels={
            "region_label": Column("region_label", "Region"),
            "employment": Column("employment", "Employment", "persons"),
        },
    )
    html = render("{{ results_table(t, 'Caption') }}", t=table)
    assert 'data-variable="employment"' in html
    assert 'title="CSV and JSON column: employment"' in html
    assert 'Employment <span class="unit">(persons)</span></button>' in html
    assert ">Region</button>" in html
    assert ">note</button>" in html  # a column without a label keeps its variable name


def test_labels_units_and_variables_are_escaped() -> None:
    hostile = '<script>alert("x")</script>'
    table = Table(
        ["v"],
        [[Cell(hostile)]],
        1,
        None,
        labels={"v": Column("v", hostile, hostile)},
    )
    chart = ChartData("v", "v", [], label_heading=hostile, value_heading=hostile)
    html = render(
        "{{ results_table(t, c) }}{{ bar_chart(chart, c) }}", t=table, c=hostile, chart=chart
    )
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
