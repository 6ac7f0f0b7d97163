"""The shared macros for values from the graph (templates/_macros.html) and the names of
languages they show, rendered by the app's own template environment."""

from __future__ import annotations

from typing import Any

import pytest

from kg.collections import REGIONS
from kg.saved import Cell
from kg.web import templates
from kg.web.languages import is_english, language_name
from kg.web.listing import FilterField, Item, Listing, Row


def macros() -> Any:
    return templates.env.get_template("_macros.html").module


@pytest.mark.parametrize(
    ("tag", "name"),
    [("it", "Italian"), ("EL", "Greek"), ("el-Latn", "Greek (Latin script)"), ("ro", "Romanian")],
)
def test_language_names(tag: str, name: str) -> None:
    assert language_name(tag) == name


def test_english_is_not_marked_and_unknown_languages_keep_their_tag() -> None:
    assert is_english("en") and is_english("en-GB") and not is_english("eng-x")
    assert language_name("tlh") == "tlh"


def test_a_literal_in_another_language_has_lang_and_a_marker() -> None:
    html = str(macros().literal("Manifattura sostenibile", "it"))
    assert html.startswith('<span lang="it">Manifattura sostenibile</span> ')
    assert '<span class="lang-marker" lang="en">' in html
    assert '<span aria-hidden="true" title="Italian">it</span>' in html
    assert '<span class="visually-hidden">(Italian)</span>' in html


def test_english_and_untagged_literals_have_no_marker() -> None:
    assert str(macros().literal("Photonics", "en")) == '<span lang="en">Photonics</span>'
    assert str(macros().literal("Marche", None)) == "<span>Marche</span>"
    link = str(macros().labelled_link("/regions/ITI3", "Marche"))
    assert link == '<a href="/regions/ITI3">Marche</a>'


def test_a_link_keeps_its_marker_outside() -> None:
    html = str(macros().labelled_link("/id/x", "Αττική", "el"))
    assert html.startswith('<a href="/id/x" lang="el">Αττική</a> <span class="lang-marker"')


def test_values_and_tags_are_escaped() -> None:
    html = str(macros().literal('<script>alert("x")</script>', 'it" onmouseover="x'))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'lang="it&#34; onmouseover=&#34;x"' in html
    link = str(macros().labelled_link('javascript:"x"', "<b>", None))
    assert link == '<a href="javascript:&#34;x&#34;">&lt;b&gt;</a>'


def test_the_list_page_escapes_every_value() -> None:
    evil = "<img src=x onerror=alert(1)>"
    listing = Listing(
        collection=REGIONS,
        title="Regions",
        intro="",
        path="/api/regions",
        fields=[FilterField("name", "Name contains", "hint", evil, "search")],
        columns=["Code", "Name"],
        rows=[Row(f"https://example.org/{evil}", [[Item(evil, "/x")], [Item(evil, None, "it")]])],
        total=1,
        last=1,
        first_shown=1,
        last_shown=1,
    )
    html = templates.env.get_template("collection.html").render(listing=listing)
    assert evil not in html
    assert html.count("&lt;img src=x onerror=alert(1)&gt;") == 4  # the IRI, two cells, the form
    assert '<label for="filter-name">Name contains</label>' in html


def test_result_cells_of_the_question_and_region_pages_say_their_language() -> None:
    cell = templates.env.get_template("_results.html").module.cell
    linked = str(cell(Cell("Manifattura sostenibile", href="/id/s3", language="it")))
    assert linked.startswith(
        '<a href="/id/s3" class="iri-link" title="Manifattura sostenibile" lang="it">'
        'Manifattura sostenibile</a> <span class="lang-marker" lang="en">'
    )
    assert 'title="Italian">it</span>' in linked
    plain = str(cell(Cell("Βιομηχανία", language="el")))
    assert plain.startswith('<span lang="el">Βιομηχανία</span> <span class="lang-marker"')
    assert str(cell(Cell("Robotics", language="en"))) == '<span lang="en">Robotics</span>'
    assert str(cell(Cell("12.5", number=12.5))) == "12.5"
