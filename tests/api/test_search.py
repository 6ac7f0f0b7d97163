"""``/search`` on a real server over the bundled data: labels in every language, codes, ranking,
the page for browsers, and the errors."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from kg.api.problems import PROBLEM_JSON

NUTS = "http://data.europa.eu/nuts/code/"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

pytestmark = pytest.mark.slow


def search(base: str, **params: Any) -> dict[str, Any]:
    """The JSON answer of a search that must succeed."""
    response = httpx.get(f"{base}/search", params=params, timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    return body


def ids(body: dict[str, Any]) -> list[str]:
    return [item["id"] for item in body["items"]]


def test_an_italian_region_name_finds_the_region(live_server: str) -> None:
    body = search(live_server, q="lombardia")
    first = body["items"][0]
    assert first["id"] == NUTS + "ITC4"
    assert (first["kind"], first["type"], first["code"]) == ("region", "ckg:Region", "ITC4")
    assert (first["label"], first["matchedLabel"], first["match"]) == (
        "Lombardia",
        "Lombardia",
        "exact",
    )
    assert first["page"] == f"{live_server}/regions/ITC4"
    assert first["nuts2024"] is True


def test_an_italian_label_of_a_technology_matches_in_italian(live_server: str) -> None:
    body = search(live_server, q="Fotonica", lang="it")
    found = {item["id"]: item for item in body["items"]}
    assert set(found) == {
        "https://w3id.org/clusterkg/ket/photonics",
        "https://w3id.org/clusterkg/ati/photonics",
    }
    for item in found.values():
        assert (item["matchedLabel"], item["matchedLanguage"]) == ("Fotonica", "it")
        assert (item["label"], item["labelLanguage"]) == ("Fotonica", "it")  # shown in `lang`
    # Asked in English, the Italian label does not count.
    assert search(live_server, q="Fotonica", lang="en")["items"] == []


def test_a_greek_name_finds_greek_regions_exact_match_first(live_server: str) -> None:
    # (EL30's name starts with a Latin "A" in the NUTS file, so only its transliteration finds it.)
    body = search(live_server, q="Αττική")
    assert ids(body) == [NUTS + "EL3", NUTS + "EL306", NUTS + "EL305"]  # shorter label first
    assert [item["match"] for item in body["items"]] == ["exact", "word", "word"]
    assert body["items"][0]["label"] == "Αττική"
    assert body["accentsIgnored"] is False


def test_accents_are_ignored_when_nothing_matches_as_typed(live_server: str) -> None:
    greek = search(live_server, q="αττικη")  # no tonos, lower case
    assert ids(greek)[0] == NUTS + "EL3"
    assert greek["accentsIgnored"] is True
    latin = search(live_server, q="kosice", type="cluster")
    assert ids(latin) == ["https://w3id.org/clusterkg/id/cluster/it-valley-kosice"]
    assert latin["items"][0]["matchedLabel"] == "IT Valley Košice"


def test_a_greek_region_is_found_by_its_latin_transliteration(live_server: str) -> None:
    item = search(live_server, q="Thessaloniki")["items"][0]
    assert item["id"] == NUTS + "EL522"
    assert (item["matchedLabel"], item["matchedLanguage"]) == ("Thessaloniki", "el-latn")
    assert item["matchedProperty"] == "skos:altLabel"
    assert item["label"] == "Θεσσαλονίκη"


def test_a_cluster_is_found_by_name_and_by_acronym(live_server: str) -> None:
    cluster = "https://w3id.org/clusterkg/id/cluster/itecam"
    by_acronym = search(live_server, q="itecam")["items"][0]
    assert by_acronym["id"] == cluster
    assert (by_acronym["kind"], by_acronym["type"]) == ("cluster", "ckg:ClusterOrganisation")
    assert by_acronym["matchedProperty"] == "skos:altLabel"
    assert by_acronym["label"] == "ITECAM (Metal Technology Cluster of Castilla-La Mancha)"
    assert by_acronym["page"] == f"{live_server}/id/cluster/itecam"
    by_name = search(live_server, q="metal technology cluster")
    assert ids(by_name) == [cluster]
    assert "code" not in by_name["items"][0]


def test_photonics_finds_both_technology_lists(live_server: str) -> None:
    body = search(live_server, q="photonics")
    pages = {item["page"] for item in body["items"]}
    assert pages == {f"{live_server}/ket/photonics", f"{live_server}/ati/photonics"}
    assert all(item["match"] == "exact" and item["kind"] == "technology" for item in body["items"])


def test_a_nuts_code_finds_the_region_then_its_subregions(live_server: str) -> None:
    body = search(live_server, q="iti3")
    assert ids(body)[0] == NUTS + "ITI3"
    first = body["items"][0]
    assert (first["label"], first["matchedLabel"]) == ("Marche", "ITI3")
    assert (first["matchedProperty"], first["match"]) == ("skos:notation", "exact")
    assert {item["code"] for item in body["items"][1:]} >= {"ITI31", "ITI32", "ITI33", "ITI34"}
    assert all(item["match"] == "prefix" for item in body["items"][1:])


def test_a_region_is_returned_once_and_current_regions_come_first(live_server: str) -> None:
    # Sassari is ITG2D in NUTS 2024 and was ITG25 before; each IRI is in several version schemes.
    body = search(live_server, q="Sassari")
    assert ids(body) == [NUTS + "ITG2D", NUTS + "ITG25"]
    assert [item["nuts2024"] for item in body["items"]] == [True, False]


def test_type_and_limit_narrow_the_results(live_server: str) -> None:
    everything = search(live_server, q="marche")
    assert {item["kind"] for item in everything["items"]} == {"region", "cluster"}
    clusters = search(live_server, q="marche", type="cluster", limit=2)
    assert [item["kind"] for item in clusters["items"]] == ["cluster", "cluster"]
    assert clusters["total"] > 2
    assert clusters["limit"] == 2


def test_browsers_get_a_page_with_links(live_server: str) -> None:
    response = httpx.get(
        f"{live_server}/search", params={"q": "Marche"}, headers={"Accept": BROWSER}, timeout=30
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "Accept" in response.headers["vary"]
    assert 'href="/regions/ITI3"' in response.text
    assert 'href="/id/cluster/cluster-marche-manufacturing"' in response.text
    assert 'name="q" value="Marche"' in response.text
    empty_form = httpx.get(f"{live_server}/search", headers={"Accept": BROWSER}, timeout=30)
    assert empty_form.status_code == 200
    assert 'name="q"' in empty_form.text
    too_short = httpx.get(
        f"{live_server}/search", params={"q": "M"}, headers={"Accept": BROWSER}, timeout=30
    )
    assert too_short.status_code == 400
    assert "at least 2 characters" in too_short.text


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": ""},
        {"q": "x"},
        {"q": "  x  "},
        {"q": "x" * 101},
        {"q": "marche", "limit": "0"},
        {"q": "marche", "limit": "51"},
        {"q": "marche", "limit": "ten"},
        {"q": "marche", "type": "city"},
        {"q": "marche", "lang": "e n"},
        {"q": "marche", "query": "marche"},
    ],
    ids=lambda params: "&".join(f"{k}={v[:12]}" for k, v in params.items()) or "no-q",
)
def test_invalid_searches_are_refused_with_problem_details(
    live_server: str, params: dict[str, str]
) -> None:
    response = httpx.get(f"{live_server}/search", params=params, timeout=30)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    problem = response.json()
    assert problem["status"] == 400
    assert problem["type"].endswith("invalid-input")
    assert problem["detail"]


@pytest.mark.parametrize(
    "text",
    [
        '" } ) } SELECT * WHERE { ?s ?p ?o } #',
        "Marche\" ) ) } UNION { ?s ?p ?o } FILTER(true) # ' DROP ALL",
        'é\\" } ; DELETE WHERE { ?s ?p ?o }',  # accented: runs the accent-insensitive pass too
        "(.*)[^a]{2}|$",
    ],
)
def test_query_text_is_data_not_sparql(live_server: str, text: str) -> None:
    body = search(live_server, q=text)
    assert body["q"] == " ".join(text.split())
    assert body["items"] == []
    # The store is untouched.
    assert ids(search(live_server, q="Lombardia"))[0] == NUTS + "ITC4"
