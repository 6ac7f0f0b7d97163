"""Saved queries over HTTP, against real servers: catalogue, OpenAPI, parameters, formats, paging,
ETags, injection attempts, and the question and region pages.

The fixture queries in ``tests/data/queries`` take one parameter of every type; a server started
with ``KG_QUERIES_DIR`` pointing there is where values are attacked.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pyld import jsonld
from rdflib import Graph, URIRef

from kg.queries import Catalogue
from tests.api.conftest import start_server
from tests.conftest import KG, kg_env

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "data" / "queries"
BUNDLED = Catalogue.load(ROOT / "queries")
JSON = {"Accept": "application/sparql-results+json"}
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
UPDATE_KEY = "saved-query-test-key"
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture(scope="module")
def fixture_server(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server whose catalogue is the test fixtures, on its own copy of the built store."""
    store = tmp_path_factory.mktemp("saved") / "store"
    shutil.copytree(built_store, store)
    with start_server(store, KG_QUERIES_DIR=str(FIXTURES), KG_UPDATE_KEY=UPDATE_KEY) as base:
        yield base


def rows(response: httpx.Response) -> list[dict[str, str]]:
    """SPARQL JSON results as plain values."""
    assert response.status_code == 200, response.text
    bindings = response.json()["results"]["bindings"]
    return [{name: term["value"] for name, term in row.items()} for row in bindings]


def quad_count(base: str) -> int:
    """How many quads the server's store holds, asked through /sparql."""
    answer = httpx.post(f"{base}/sparql", data={"query": COUNT_ALL}, headers=JSON, timeout=60)
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


# --- catalogue and OpenAPI ------------------------------------------------------------------


def test_every_saved_query_is_an_openapi_operation_with_its_parameters(live_server: str) -> None:
    document = httpx.get(f"{live_server}/openapi.json", timeout=30).json()
    for query in BUNDLED.values():
        operation = document["paths"][f"/queries/{query.name}"]["get"]
        assert operation["summary"] == query.summary
        names = {p["name"] for p in operation["parameters"]}
        assert {p.name for p in query.parameters} | {"format"} <= names
        for parameter in query.parameters:
            [spec] = [p for p in operation["parameters"] if p["name"] == parameter.name]
            assert spec["required"] is parameter.required
            assert spec["example"] == parameter.example
        for name in query.variables:  # each column, with its label and unit, for API users
            assert f"- `{name}`: {query.column(name).heading}" in operation["description"]


def test_catalogue_is_json_ld_with_an_iri_template_per_query(live_server: str) -> None:
    response = httpx.get(f"{live_server}/queries", timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    expanded = jsonld.expand(response.json())
    hydra = "http://www.w3.org/ns/hydra/core#"
    [collection] = expanded
    members = collection[hydra + "member"]
    assert len(members) == len(BUNDLED)
    by_id = {m["@id"]: m for m in members}
    for query in BUNDLED.values():
        member = by_id[f"{live_server}/queries/{query.name}"]
        assert member["@type"] == ["http://www.w3.org/ns/dcat#DataService"]
        [search] = member[hydra + "search"]
        [template] = search[hydra + "template"]
        assert template["@value"].startswith(f"{live_server}/queries/{query.name}")
        variables = {m[hydra + "variable"][0]["@value"] for m in search.get(hydra + "mapping", [])}
        assert variables == {p.name for p in query.parameters}
        # The answer's columns in order (CSVW): variable name, label and unit.
        csvw = "http://www.w3.org/ns/csvw#"
        [schema] = member[csvw + "tableSchema"]
        [columns] = schema[csvw + "column"]
        described = [
            (
                c[csvw + "name"][0]["@value"],
                c[csvw + "title"][0]["@value"],
                c.get("https://schema.org/unitText", [{}])[0].get("@value"),
            )
            for c in columns["@list"]
        ]
        expected = [(n, query.column(n).label, query.column(n).unit) for n in query.variables]
        assert described == expected


def test_catalogue_page_lists_each_question_once_under_its_first_tag(live_server: str) -> None:
    response = httpx.get(f"{live_server}/queries", headers=BROWSER, timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    sections = re.findall(
        r'<section class="question-group" aria-labelledby="tag-([\w-]+)">(.*?)</section>',
        response.text,
        re.DOTALL,
    )
    placed = [
        (name, tag)
        for tag, body in sections
        for name in re.findall(r'href="/queries/([\w-]+)"', body)
    ]
    assert sorted(placed) == sorted((q.name, q.tags[0]) for q in BUNDLED.values())
    for query in BUNDLED.values():
        assert response.text.count(f'href="/queries/{query.name}"') == 1


def test_unknown_saved_query_is_a_404_listing_the_catalogue(live_server: str) -> None:
    response = httpx.get(f"{live_server}/queries/no-such-question", timeout=30)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert set(response.json()["available"]) == set(BUNDLED)


# --- parameters -----------------------------------------------------------------------------


def test_typed_values_come_back_as_the_terms_they_became(fixture_server: str) -> None:
    params = {
        "region": "iti3",
        "ket": "PH",
        "sector": "26.1",
        "thing": "https://example.org/x",
        "text": 'say "hi"',
        "count": "7",
        "share": "0.25",
        "day": "2024-02-29",
        "flag": "false",
        "colour": "green",
    }
    response = httpx.get(f"{fixture_server}/queries/all-parameter-types", params=params)
    bindings = response.json()["results"]["bindings"]
    assert len(bindings) == 1
    row = bindings[0]
    assert row["region"] == {"type": "uri", "value": "http://data.europa.eu/nuts/code/ITI3"}
    assert row["ket"]["value"] == "https://w3id.org/clusterkg/ket/photonics"
    assert row["sector"]["value"] == "http://data.europa.eu/ux2/nace2/261"
    assert row["text"] == {"type": "literal", "value": 'say "hi"'}
    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert (row["count"]["value"], row["count"]["datatype"]) == ("7", xsd + "integer")
    assert (row["share"]["value"], row["share"]["datatype"]) == ("0.25", xsd + "decimal")
    assert (row["day"]["value"], row["day"]["datatype"]) == ("2024-02-29", xsd + "date")
    assert (row["flag"]["value"], row["flag"]["datatype"]) == ("false", xsd + "boolean")
    assert row["label"]["value"] == "Marche"


# One attempt per parameter type to break out of its term (or smuggle an update), and values
# that are simply not of their type. Every one must be refused with 422 naming the parameter.
ATTACKS = [
    ("region", "ITI3> } ?s ?p ?o . { <x"),
    ("region", "ITI3\nDROP ALL"),
    ("ket", "photonics> } ; CLEAR ALL ; SELECT * WHERE { <a"),
    ("sector", "26.1 } UNION { ?s ?p ?o"),
    ("thing", "http://x/> } ; DROP ALL ; SELECT * WHERE { <y"),
    ("thing", "javascript alert(1)"),
    ("text", "x" * 201),
    ("count", "1) } ; INSERT DATA { <a> <b> <c> } #"),
    ("share", "0.5 } FILTER(true"),
    ("day", '2020-01-01"^^xsd:date ) } ; DROP ALL #'),
    ("flag", "true } ; DROP ALL"),
    ("colour", 'red" ) } ; DROP ALL ; SELECT * WHERE { ("'),
]


def test_injection_through_every_parameter_type_is_refused_and_changes_nothing(
    fixture_server: str,
) -> None:
    before = quad_count(fixture_server)
    url = f"{fixture_server}/queries/all-parameter-types"
    for name, value in ATTACKS:
        params = {"region": "ITI3", name: value}
        response = httpx.get(url, params=params, timeout=30)
        assert response.status_code == 422, (name, value, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["parameter"] == name
    # A string parameter accepts any text (up to its length), and keeps it one literal.
    attack = 'Marche" } } ; DROP ALL ; INSERT DATA { <a> <b> <c> } ; SELECT * WHERE { "'
    echoed = rows(httpx.get(url, params={"region": "ITI3", "text": attack}, timeout=30))
    assert [row["text"] for row in echoed] == [attack]
    assert quad_count(fixture_server) == before


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"region": "ITI3", "regoin": "ITI3"}, "regoin"),
        ({}, "region"),
        ({"region": "ITI3", "count": ["1", "2"]}, "count"),
    ],
)
def test_unknown_missing_and_repeated_parameters_are_422(
    fixture_server: str, params: dict[str, object], parameter: str
) -> None:
    response = httpx.get(f"{fixture_server}/queries/all-parameter-types", params=params)
    assert response.status_code == 422
    problem = response.json()
    assert problem["parameter"] == parameter
    assert parameter in problem["detail"]


# --- formats, paging, ETags -----------------------------------------------------------------


def test_csv_tsv_xml_and_json_give_the_same_rows(fixture_server: str) -> None:
    url = f"{fixture_server}/queries/regions-by-level?country=EL&level=2"
    expected = rows(httpx.get(url, headers=JSON))
    assert len(expected) == 14  # Greece has 13 NUTS-2 regions in 2024, plus ELZZ (extra-regio)
    as_csv = httpx.get(url + "&format=csv")
    assert as_csv.headers["content-type"].startswith("text/csv")
    from_csv = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert [r["code"] for r in from_csv] == [r["code"] for r in expected]
    as_tsv = httpx.get(url, headers={"Accept": "text/tab-separated-values"})
    assert as_tsv.text.count("\n") == len(expected) + 1
    as_xml = httpx.get(url, headers={"Accept": "application/sparql-results+xml"})
    assert as_xml.text.count("<result>") == len(expected)


def test_construct_query_answers_rdf(fixture_server: str) -> None:
    url = f"{fixture_server}/queries/region-graph?region=ITI3"
    nuts = "http://data.europa.eu/nuts/code/"
    for accept, fmt in (("text/turtle", "turtle"), ("application/ld+json", "json-ld")):
        response = httpx.get(url, headers={"Accept": accept})
        assert response.status_code == 200
        graph = Graph().parse(data=response.text, format=fmt)
        assert (URIRef(nuts + "ITI3"), None, URIRef(nuts + "ITI")) in graph
    paged = httpx.get(url + "&page=2")
    assert paged.status_code == 422
    assert paged.json()["parameter"] == "page"


def test_unacceptable_type_is_406(fixture_server: str) -> None:
    response = httpx.get(
        f"{fixture_server}/queries/regions-by-level", headers={"Accept": "image/png"}
    )
    assert response.status_code == 406


def test_pages_put_together_give_the_whole_answer(fixture_server: str) -> None:
    url = f"{fixture_server}/queries/regions-by-level"
    whole = rows(httpx.get(url, params={"country": "DE", "level": "2"}, headers=JSON))
    assert len(whole) == 39  # 38 German NUTS-2 regions of 2024 plus DEZZ
    collected: list[dict[str, str]] = []
    page = 1
    while True:
        params = {"country": "DE", "level": "2", "per_page": "10", "page": str(page)}
        response = httpx.get(url, params=params, headers=JSON)
        assert response.headers["x-total-count"] == "39"
        collected += rows(response)
        if 'rel="next"' not in response.headers["link"]:
            break
        page += 1
    assert page == 4
    assert collected == whole
    assert 'rel="prev"' in response.headers["link"]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [({"page": "0"}, "page"), ({"per_page": "x"}, "per_page"), ({"per_page": "501"}, "per_page")],
)
def test_bad_paging_is_422(fixture_server: str, params: dict[str, str], parameter: str) -> None:
    response = httpx.get(f"{fixture_server}/queries/regions-by-level", params=params)
    assert response.status_code == 422
    assert response.json()["parameter"] == parameter


def test_etag_gives_304_and_changes_with_values(fixture_server: str) -> None:
    url = f"{fixture_server}/queries/regions-by-level?country=IT"
    first = httpx.get(url, headers=JSON)
    etag = first.headers["etag"]
    again = httpx.get(url, headers=JSON)
    assert again.headers["etag"] == etag
    assert again.content == first.content
    revalidated = httpx.get(url, headers={**JSON, "If-None-Match": etag})
    assert revalidated.status_code == 304
    assert revalidated.content == b""
    other = httpx.get(url.replace("IT", "EL"), headers=JSON)
    assert other.headers["etag"] != etag
    as_csv = httpx.get(url, headers={"Accept": "text/csv"})
    assert as_csv.headers["etag"] != etag


def test_etag_changes_when_the_store_does(
    built_store: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    store = tmp_path_factory.mktemp("etag") / "store"
    shutil.copytree(built_store, store)
    with start_server(store, KG_QUERIES_DIR=str(FIXTURES), KG_UPDATE_KEY=UPDATE_KEY) as base:
        url = f"{base}/queries/regions-by-level?country=MT&level=2"
        before = httpx.get(url, headers=JSON)
        assert [r["label"] for r in rows(before)] == ["Malta", "Extra-Regio NUTS 2"]
        update = (
            'INSERT DATA { GRAPH <urn:test> { nuts:MT00 skos:prefLabel "Malta (updated)"@en } }'
        )
        answer = httpx.post(
            f"{base}/update",
            data={"update": update},
            headers={"Authorization": f"Bearer {UPDATE_KEY}"},
            timeout=60,
        )
        assert answer.status_code == 204, answer.text
        # the query workers load the new snapshot first (seconds, on the full bundled store)
        stale = httpx.get(
            url, headers={**JSON, "If-None-Match": before.headers["etag"]}, timeout=60
        )
        assert stale.status_code == 200
        assert stale.headers["etag"] != before.headers["etag"]
        assert "Malta (updated)" in [r["label"] for r in rows(stale)]


# --- pages ----------------------------------------------------------------------------------


def test_question_page_has_a_labelled_form_a_table_and_downloads(fixture_server: str) -> None:
    response = httpx.get(
        f"{fixture_server}/queries/regions-by-level?country=EL&level=2", headers=BROWSER
    )
    assert response.status_code == 200
    page = response.text
    assert '<label for="param-country">' in page and 'id="param-country"' in page
    assert '<option value="EL" selected>' in page
    assert '<input id="param-level" name="level" type="number" value="2"' in page
    assert 'id="row-count">14 rows<' in page
    assert page.count("<tr>") == 14 + 1
    assert 'href="/queries/regions-by-level?country=EL&amp;level=2&amp;format=csv"' in page
    assert "VALUES (?country ?level)" in page  # the SPARQL behind it, with its values
    assert 'id="open-in-editor"' in page and "/sparql#query=" in page
    assert '<svg role="img"' in page  # level is numeric: a bar chart


def test_question_page_shows_a_bad_value_next_to_the_form(fixture_server: str) -> None:
    response = httpx.get(f"{fixture_server}/queries/regions-by-level?level=9", headers=BROWSER)
    assert response.status_code == 422
    assert 'role="alert"' in response.text and "level must be at most 3" in response.text
    assert 'id="param-level"' in response.text


def test_question_page_answers_its_example_first_then_waits_for_required_values(
    fixture_server: str,
) -> None:
    url = f"{fixture_server}/queries/all-parameter-types"
    first = httpx.get(url, headers=BROWSER)
    assert first.status_code == 200
    assert 'id="answer"' in first.text and 'id="row-count">1 row<' in first.text
    assert '<option value="ITI3" selected>' in first.text  # the example, ready to change
    partial = httpx.get(url, params={"text": "x"}, headers=BROWSER)
    assert partial.status_code == 200
    assert 'id="fill-in"' in partial.text and 'id="answer"' not in partial.text
    assert '<option value="" selected>— choose —</option>' in partial.text


def test_region_page_has_a_section_per_region_profile_query(live_server: str) -> None:
    response = httpx.get(f"{live_server}/regions/ITI3", headers=BROWSER, timeout=60)
    assert response.status_code == 200
    assert "<h1>Marche" in response.text
    profile = [q for q in BUNDLED.values() if "region-profile" in q.tags]
    assert len(profile) >= 4
    for query in profile:
        assert f'<section id="{query.name}"' in response.text
    assert 'href="/regions/ITI"' in response.text  # its parent


def test_region_page_404_and_redirect_for_programs(live_server: str) -> None:
    missing = httpx.get(f"{live_server}/regions/XX99", headers=BROWSER)
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("text/html")
    assert 'role="search"' in missing.text
    for_programs = httpx.get(f"{live_server}/regions/XX99", headers=JSON)
    assert for_programs.status_code == 404
    assert for_programs.headers["content-type"] == "application/problem+json"
    data = httpx.get(f"{live_server}/regions/ITI3", headers={"Accept": "text/turtle"})
    assert data.status_code == 303
    assert data.headers["location"].startswith("/resource?iri=http%3A%2F%2Fdata.europa.eu")


def test_a_malformed_saved_query_stops_the_server_start(tmp_path: Path) -> None:
    queries = tmp_path / "queries"
    queries.mkdir()
    shutil.copy(FIXTURES / "regions-by-level.rq", queries)
    (queries / "broken.rq").write_text(
        "#+ summary: x\n#+ description: y\n#+ tags: [a]\n#+ params:\n"
        "#+   n: {type: float, example: 1}\nSELECT ?n WHERE { ?s ?p ?n }\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [KG, "serve", "--port", "1"],
        env=kg_env(tmp_path / "store", KG_QUERIES_DIR=str(queries)),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert f"{queries / 'broken.rq'}:5: parameter n: type must be one of" in result.stderr


def sparql_values(base: str, query: str, name: str) -> set[str]:
    """The values of one variable of a SELECT asked through /sparql."""
    response = httpx.post(f"{base}/sparql", data={"query": query}, headers=JSON, timeout=60)
    return {row[name] for row in rows(response)}


def test_home_page_leads_with_the_four_tasks_then_search_and_surfaces(live_server: str) -> None:
    page = httpx.get(f"{live_server}/", headers=BROWSER, timeout=60).text
    headings = [
        "Find partners for my region",
        "Explore a technology",
        "Compare two regions",
        "Browse all questions",
    ]
    places = [page.index(f">{heading}</h2>") for heading in headings]
    assert places == sorted(places)
    assert places[-1] < page.index('role="search"') < page.index("For programs and researchers")
    assert '<label for="search-q">' in page
    # Questions are browsed on /queries, not repeated on the home page under every tag.
    assert 'href="/queries"' in page
    assert not [q.name for q in BUNDLED.values() if f'href="/queries/{q.name}"' in page]
    assert f"Browse all {len(BUNDLED)} questions" in page


def test_home_page_offers_the_regions_with_s3_priorities_as_your_region(live_server: str) -> None:
    page = httpx.get(f"{live_server}/", headers=BROWSER, timeout=60).text
    assert '<label for="partner-region">Your region</label>' in page
    form = page[page.index('<form method="get" action="/find-partners"') :]
    form = form[: form.index("</form>")]
    offered = set(re.findall(r'<option value="([A-Z0-9]+)"', form))
    with_priorities = sparql_values(
        live_server,
        "SELECT DISTINCT ?code WHERE { ?p a ckg:S3Priority ; ckg:region/skos:notation ?code }",
        "code",
    )
    assert offered == with_priorities
    assert '<optgroup label="Italia (IT)">' in form  # grouped by country
    assert '<option value="ITI3">Marche (ITI3)</option>' in form


def test_home_page_links_every_technology_with_strengths_to_its_page(live_server: str) -> None:
    page = httpx.get(f"{live_server}/", headers=BROWSER, timeout=60).text
    section = page[page.index('id="explore-technology"') : page.index('id="compare-two-regions"')]
    links = re.findall(r'<a href="(/technologies/[\w-]+)">', section)
    with_strengths = sparql_values(
        live_server,
        "SELECT DISTINCT ?t WHERE { ?s a ckg:TechnologyStrength ; ckg:technology ?t }",
        "t",
    )
    slugs = {"/technologies/" + "-".join(iri.rsplit("/", 2)[-2:]) for iri in with_strengths}
    assert len(links) == len(set(links)) == len(slugs) >= 6
    assert set(links) == slugs
    for link in links:
        response = httpx.get(f"{live_server}{link}", headers=BROWSER, timeout=60)
        assert response.status_code == 200, link
        assert "<svg" in response.text  # the map


def test_compare_form_answers_the_comparison_of_both_regions(live_server: str) -> None:
    page = httpx.get(f"{live_server}/", headers=BROWSER, timeout=60).text
    assert '<form method="get" action="/queries/compare-regions"' in page
    for name in ("region_a", "region_b"):
        assert f'name="{name}" required' in page
    answer = httpx.get(
        f"{live_server}/queries/compare-regions",
        params={"region_a": "ITI3", "region_b": "EL52"},
        headers=BROWSER,
        timeout=60,
    )
    assert answer.status_code == 200
    assert '<option value="ITI3" selected>' in answer.text
    assert '<option value="EL52" selected>' in answer.text
    assert "Photonics" in answer.text and 'data-variable="difference"' in answer.text


def test_find_partners_redirects_to_the_region_pages_matches(live_server: str) -> None:
    response = httpx.get(
        f"{live_server}/find-partners", params={"region": " iti3 "}, headers=BROWSER
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/regions/ITI3#matches"


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        ({"region": "XX99"}, 404, "no NUTS region &#39;XX99&#39; in the graph"),
        ({}, 422, "region is required"),
        ({"region": ""}, 422, "region is required"),
        ({"region": "<script>alert(1)</script>"}, 422, "must be a NUTS code"),
        ({"region": "ITI3", "regoin": "ITI3"}, 400, "unknown parameter"),
    ],
)
def test_find_partners_without_a_known_region_explains_and_offers_the_form_again(
    live_server: str, params: dict[str, str], status: int, words: str
) -> None:
    page = httpx.get(f"{live_server}/find-partners", params=params, headers=BROWSER)
    assert page.status_code == status
    assert page.headers["content-type"].startswith("text/html")
    assert 'role="alert"' in page.text and words in page.text
    assert '<label for="partner-region">Your region</label>' in page.text
    assert "<script>alert" not in page.text  # the value given is escaped, never markup
    problem = httpx.get(f"{live_server}/find-partners", params=params, headers=JSON)
    assert problem.status_code == status
    assert problem.headers["content-type"] == "application/problem+json"


def test_question_table_is_headed_by_labels_with_units_keeping_the_variables(
    live_server: str,
) -> None:
    url = f"{live_server}/queries/top-regions-in-technology"
    page = httpx.get(url, params={"ket": "ati:robotics"}, headers=BROWSER, timeout=60).text
    headers = re.findall(
        r'<th scope="col" data-variable="(\w+)"[^>]*>\s*<button[^>]*>(.*?)</button>', page
    )
    assert headers[:4] == [
        ("region_code", "Region code"),
        ("region_label", "Region"),
        ("score", 'Strength <span class="unit">(score 0–1)</span>'),
        ("stars", 'Cluster Observatory stars <span class="unit">(0–3)</span>'),
    ]
    assert "<title" in page and "Strength (score 0–1) by Region" in page  # the chart's title
    # CSV (and JSON) keep the variable names: programs read variables, not labels.
    as_csv = httpx.get(url, params={"ket": "ati:robotics", "format": "csv"}, timeout=60)
    assert as_csv.text.splitlines()[0].split(",")[:3] == ["region", "region_code", "region_label"]


def test_saved_query_json_is_valid_sparql_results(live_server: str) -> None:
    """Every bundled query answers its example values with well-formed SPARQL JSON."""
    for query in BUNDLED.values():
        params = {p.name: p.example for p in query.parameters}
        accept = "text/turtle" if query.form == "CONSTRUCT" else JSON["Accept"]
        response = httpx.get(
            f"{live_server}/queries/{query.name}",
            params=params,
            headers={"Accept": accept},
            timeout=60,
        )
        assert response.status_code == 200, (query.name, response.text)
        if query.form != "CONSTRUCT":
            assert "results" in json.loads(response.content) or "boolean" in response.json()
