"""The saved-query catalogue: header parsing, loud failures, typed parameters and binding."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.queries import (
    Catalogue,
    CatalogueError,
    Column,
    ParameterError,
    ParameterType,
    read_saved_query,
)
from kg.store.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "data" / "queries"

GOOD = """\
#+ summary: Regions of a country
#+ description: >-
#+   The regions of a country at a level.
#+ tags: [regions]
#+ params:
#+   country: {type: nuts-code, example: IT, default: IT}
#+   level: {type: integer, example: 2, minimum: 0, maximum: 3}
SELECT ?region ?level
WHERE {
  ?region ckg:country ?country ; ckg:nutsLevel ?level .
}
ORDER BY ?region
"""


def write(directory: Path, name: str, text: str) -> Path:
    """Write one ``.rq`` file into ``directory``."""
    path = directory / f"{name}.rq"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def store(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    """The bundled data, read-only."""
    copy = tmp_path_factory.mktemp("queries") / "store"
    shutil.copytree(built_store, copy)
    with EmbeddedStore(copy, read_only=True) as opened:
        yield opened


def test_a_good_file_is_read_with_its_typed_parameters(tmp_path: Path) -> None:
    query = read_saved_query(write(tmp_path, "regions-of-a-country", GOOD))
    assert query.summary == "Regions of a country"
    assert query.tags == ("regions",)
    assert [(p.name, p.type, p.default, p.required) for p in query.parameters] == [
        ("country", ParameterType.NUTS_CODE, "IT", False),
        ("level", ParameterType.INTEGER, None, False),
    ]
    assert query.prefixes == {"ckg": "https://w3id.org/clusterkg/ontology#"}


# Each malformed file, the line the error must name, and words the message must contain.
BROKEN = [
    ("no-header", "SELECT * WHERE { ?s ?p ?o }\n", 1, "no header"),
    (
        "bad-yaml",
        "#+ summary: x\n#+ description: y\n#+ tags: [a\n#+ params: {}\nSELECT * WHERE {?s ?p ?o}\n",
        3,
        "not valid YAML",
    ),
    (
        "unknown-key",
        "#+ summary: x\n#+ description: y\n#+ tags: [a]\n#+ endpoint: http://x\n"
        "SELECT * WHERE {?s ?p ?o}\n",
        4,
        "unknown header key 'endpoint'",
    ),
    ("no-summary", "#+ description: y\n#+ tags: [a]\nSELECT * WHERE {?s ?p ?o}\n", 1, "summary"),
    ("no-tags", "#+ summary: x\n#+ description: y\nSELECT * WHERE {?s ?p ?o}\n", 1, "tags"),
    (
        "bad-type",
        "#+ summary: x\n#+ description: y\n#+ tags: [a]\n#+ params:\n"
        "#+   n: {type: number, example: 1}\nSELECT ?n WHERE {?s ?p ?n}\n",
        5,
        "type must be one of",
    ),
    (
        "no-example",
        "#+ summary: x\n#+ description: y\n#+ tags: [a]\n#+ params:\n"
        "#+   n: {type: integer}\nSELECT ?n WHERE {?s ?p ?n}\n",
        5,
        "needs an example",
    ),
    (
        "bad-default",
        "#+ summary: x\n#+ description: y\n#+ tags: [a]\n#+ params:\n"
        "#+   n: {type: integer, example: 1, default: many}\nSELECT ?n WHERE {?s ?p ?n}\n",
        5,
        "default 'many' is not valid",
    ),
    (
        "reserved-name",
        "#+ summary: x\n#+ description: y\n#+ tags: [a]\n#+ params:\n"
        "#+   page: {type: integer, example: 1}\nSELECT ?page WHERE {?s ?p ?page}\n",
        5,
        "reserved",
    ),
    (
        "unused-parameter",
        "#+ summary: x\n#+ description: y\n#+ tags: [a]\n#+ params:\n"
        "#+   n: {type: integer, example: 1}\nSELECT ?s WHERE {?s ?p ?o}\n",
        1,
        "not used as ?n",
    ),
    (
        "enum-without-values",
        "#+ summary: x\n#+ description: y\n#+ tags: [a]\n#+ params:\n"
        "#+   c: {type: enum, example: red}\nSELECT ?c WHERE {?s ?p ?c}\n",
        5,
        "needs values",
    ),
    (
        "own-limit",
        "#+ summary: x\n#+ description: y\n#+ tags: [a]\nSELECT ?s\nWHERE { ?s ?p ?o }\nLIMIT 10\n",
        6,
        "top-level LIMIT",
    ),
    (
        "no-where",
        "#+ summary: x\n#+ description: y\n#+ tags: [a]\nSELECT ?s { ?s ?p ?o }\n",
        4,
        "explicit top-level WHERE",
    ),
    (
        "an-update",
        "#+ summary: x\n#+ description: y\n#+ tags: [a]\nDELETE WHERE { ?s ?p ?o }\n",
        4,
        "SELECT, CONSTRUCT or ASK",
    ),
    (
        "unknown-column",
        "#+ summary: x\n#+ description: y\n#+ tags: [a]\n#+ columns:\n#+   s: Subject\n"
        "#+   o: Object\nSELECT ?s WHERE {?s ?p ?o}\n",
        6,
        "the query has no column ?o (its columns: s)",
    ),
    (
        # The column's own line is named, not the line of the parameter of the same name.
        "column-named-like-a-parameter",
        "#+ summary: x\n#+ description: y\n#+ tags: [a]\n#+ params:\n"
        "#+   n: {type: integer, example: 1}\n#+ columns:\n#+   s: Subject\n#+   n: Number\n"
        "SELECT ?s WHERE {?s ?p ?n}\n",
        8,
        "column n: the query has no column ?n",
    ),
    (
        "column-without-label",
        "#+ summary: x\n#+ description: y\n#+ tags: [a]\n#+ columns:\n#+   s: {unit: persons}\n"
        "SELECT ?s WHERE {?s ?p ?o}\n",
        5,
        "needs a label",
    ),
    (
        "column-unknown-key",
        "#+ summary: x\n#+ description: y\n#+ tags: [a]\n#+ columns:\n"
        "#+   s: {label: Subject, units: persons}\nSELECT ?s WHERE {?s ?p ?o}\n",
        5,
        "unknown key 'units'",
    ),
    (
        "columns-not-a-mapping",
        "#+ summary: x\n#+ description: y\n#+ tags: [a]\n#+ columns: [s]\n"
        "SELECT ?s WHERE {?s ?p ?o}\n",
        4,
        "columns must be a mapping",
    ),
    (
        "syntax-error",
        "#+ summary: x\n#+ description: y\n#+ tags: [a]\nSELECT ?s WHERE {\n  ?s ?p ?o .\n"
        "  ?s ?p ) }\n",
        6,
        "does not parse",
    ),
]


@pytest.mark.parametrize(("name", "text", "line", "words"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_malformed_file_fails_loudly_with_its_path_and_line(
    tmp_path: Path, name: str, text: str, line: int, words: str
) -> None:
    write(tmp_path, "good-one", GOOD)
    path = write(tmp_path, name, text)
    with pytest.raises(CatalogueError) as caught:
        Catalogue.load(tmp_path)
    [error] = caught.value.errors  # the good file is fine, the broken one is reported
    assert error.path == path
    assert words in error.detail
    assert error.line == line, error.detail
    assert f"{path}:{line}:" in str(caught.value)


def test_every_broken_file_is_reported_at_once(tmp_path: Path) -> None:
    for name, text, _, _ in BROKEN[:3]:
        write(tmp_path, name, text)
    with pytest.raises(CatalogueError) as caught:
        Catalogue.load(tmp_path)
    assert len(caught.value.errors) == 3


def test_columns_are_labelled_with_units_and_fall_back_to_the_variable(tmp_path: Path) -> None:
    text = GOOD.replace(
        "SELECT ?region ?level",
        "#+ columns:\n#+   region: Region\n"
        "#+   level: {label: NUTS level, unit: 0 country to 3}\nSELECT ?region ?level ?extra",
    ).replace("ckg:nutsLevel ?level .", "ckg:nutsLevel ?level . BIND(1 AS ?extra)")
    query = read_saved_query(write(tmp_path, "labelled", text))
    assert query.variables == ("region", "level", "extra")
    assert query.column("region").heading == "Region"
    assert query.column("level").heading == "NUTS level (0 country to 3)"
    assert query.column("extra") == Column("extra", "extra")  # not declared: the variable
    construct = read_saved_query(FIXTURES / "region-graph.rq")
    assert construct.variables == ("subject", "predicate", "object")


def test_every_bundled_query_labels_every_column_of_its_answer() -> None:
    """Every projected variable (or subject/predicate/object of a CONSTRUCT) has a label."""
    catalogue = Catalogue.load(ROOT / "queries")
    unlabelled = {
        name: sorted(set(query.variables) - set(query.columns))
        for name, query in catalogue.items()
        if set(query.variables) - set(query.columns)
    }
    assert unlabelled == {}, "columns without a label in the header's columns:"
    for query in catalogue.values():
        for column in query.columns.values():
            # Labels are words for people, not the variable name again.
            assert column.label != column.name, (query.name, column.name)
            assert "_" not in column.label, (query.name, column.label)


def test_the_catalogue_lists_each_question_once_under_its_first_tag() -> None:
    catalogue = Catalogue.load(ROOT / "queries")
    groups = catalogue.by_primary_tag()
    listed = [query.name for queries in groups.values() for query in queries]
    assert sorted(listed) == sorted(catalogue)
    assert all(query.tags[0] == tag for tag, queries in groups.items() for query in queries)
    assert list(groups) == sorted(groups)


def test_bundled_catalogue_loads_and_every_query_parses_with_its_examples() -> None:
    # Loading parses each query with its example values bound (a syntax error fails the load).
    catalogue = Catalogue.load(ROOT / "queries")
    assert len(catalogue) >= 18
    tags = {tag for query in catalogue.values() for tag in query.tags}
    assert {"regions", "kets", "s3", "clusters", "projects", "region-profile"} <= tags


def test_a_bound_query_runs_on_an_empty_store_for_every_type() -> None:
    query = Catalogue.load(FIXTURES)["all-parameter-types"]
    terms = {p.name: p.term(p.example, None) for p in query.parameters}
    assert list(ox.Store().query(query.text(terms))) == []


def test_values_block_goes_first_in_the_top_level_where_group(tmp_path: Path) -> None:
    query = read_saved_query(write(tmp_path, "regions-of-a-country", GOOD))
    text = query.bind({"level": "2"}, None)
    assert text.startswith("PREFIX ckg: <https://w3id.org/clusterkg/ontology#>\n")
    assert (
        "WHERE { VALUES (?country ?level) { (<http://data.europa.eu/nuts/code/IT> "
        '"2"^^<http://www.w3.org/2001/XMLSchema#integer>) }\n' in text
    )


def test_an_optional_parameter_left_out_stays_unbound(tmp_path: Path) -> None:
    query = read_saved_query(write(tmp_path, "regions-of-a-country", GOOD))
    text = query.bind({}, None)
    assert "VALUES (?country)" in text and "?level)" not in text


FIXTURE_VALUES = {"region": "ITI3"}


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("region", "iti3", "<http://data.europa.eu/nuts/code/ITI3>"),
        ("ket", "PH", "<https://w3id.org/clusterkg/ket/photonics>"),
        ("ket", "ati:robotics", "<https://w3id.org/clusterkg/ati/robotics>"),
        ("sector", "C26", "<http://data.europa.eu/ux2/nace2/26>"),
        ("thing", "https://example.org/a?b=c", "<https://example.org/a?b=c>"),
        ("text", 'a "quoted" word', '"a \\"quoted\\" word"'),
        ("count", "+7", '"7"^^<http://www.w3.org/2001/XMLSchema#integer>'),
        ("share", ".5", '"0.5"^^<http://www.w3.org/2001/XMLSchema#decimal>'),
        ("day", "2024-02-29", '"2024-02-29"^^<http://www.w3.org/2001/XMLSchema#date>'),
        ("flag", "1", '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>'),
        ("colour", "green", '"green"'),
    ],
)
def test_each_type_binds_the_term_it_should(
    store: EmbeddedStore, name: str, value: str, expected: str
) -> None:
    query = Catalogue.load(FIXTURES)["all-parameter-types"]
    text = query.bind({**FIXTURE_VALUES, name: value}, store)
    values_line = next(line for line in text.splitlines() if "VALUES" in line)
    assert expected in values_line


# Values that are not of their type, or that try to break out of the VALUES block.
BAD_VALUES = [
    ("region", "ITI3> } ?s ?p ?o {", "NUTS code"),
    ("region", "XX99", "NUTS code"),
    ("ket", "photonics> . ?x ?y ?z", "technology"),
    ("sector", "C26 } UNION {", "NACE"),
    ("sector", "Z99", "NACE"),
    ("thing", "http://x> } DELETE WHERE { ?s ?p ?o", "not a valid IRI"),
    ("thing", "not an iri", "absolute IRI"),
    ("text", "x" * 201, "longer than 200"),
    ("count", "3) } ; DROP ALL ; SELECT * WHERE {(", "whole number"),
    ("count", "101", "at most 100"),
    ("count", "-1", "at least 0"),
    ("share", "0.5e0", "decimal"),
    ("share", "1.01", "at most 1"),
    ("day", "2024-02-30", "date"),
    ("day", "2024-01-01T00:00:00", "date"),
    ("flag", "yes", "true or false"),
    ("colour", "blue", "one of red, green"),
    ("colour", 'red" } ?s ?p ?o {', "one of red, green"),
]


@pytest.mark.parametrize(("name", "value", "words"), BAD_VALUES)
def test_a_bad_value_is_refused_naming_its_parameter(
    store: EmbeddedStore, name: str, value: str, words: str
) -> None:
    query = Catalogue.load(FIXTURES)["all-parameter-types"]
    with pytest.raises(ParameterError) as caught:
        query.bind({**FIXTURE_VALUES, name: value}, store)
    assert caught.value.parameter == name
    assert caught.value.status == 422
    assert words in caught.value.detail


def test_string_values_cannot_escape_their_literal(store: EmbeddedStore) -> None:
    """A string full of SPARQL is bound as one literal: the query still parses and echoes it."""
    query = Catalogue.load(FIXTURES)["all-parameter-types"]
    attack = 'Marche" } } ; DROP ALL ; SELECT * WHERE { ?s ?p "'
    result = store.query(query.bind({**FIXTURE_VALUES, "text": attack}, store))
    assert [str(row["text"]) for row in result.rows] == [attack]


def test_unknown_and_missing_parameters_are_named(store: EmbeddedStore) -> None:
    query = Catalogue.load(FIXTURES)["all-parameter-types"]
    with pytest.raises(ParameterError) as unknown:
        query.bind({**FIXTURE_VALUES, "regoin": "ITI3"}, store)
    assert unknown.value.parameter == "regoin"
    with pytest.raises(ParameterError) as missing:
        query.bind({}, store)
    assert missing.value.parameter == "region"
    assert "required" in missing.value.detail
