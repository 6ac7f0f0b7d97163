"""``POST /ingest`` and ``POST /validate`` on a real ``kg serve``: a steward's CSV of S3 priorities
is validated without a key, loaded with one (and refused without, or when the source exists),
replaced with a report of what changed, refused when too large or of the wrong type — and the
running service answers from the new data at once, technologies derived, nothing else touched.

The server runs on a copy of the small store built by the real ``kg build`` from the sources a
priority refers to (``steward_store``), so that a load and its derivations take seconds."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from SPARQLWrapper import JSON, SPARQLWrapper

from tests.api.conftest import start_server
from tests.conftest import kg_env, run_kg

KEY = "steward-key-for-tests-0123456789"
COLUMNS = (
    "id,nuts_code,strategy_period,label,label_language,label_en,label_en_translated,description,"
    "nace_codes,scientific_domains,technologies,technologies_text,sectors_text,source_url,"
    "source_quote,notes,converted_from\n"
)
URL = "https://example.org/ris3/"


def row(identifier: str, code: str, label: str, language: str, english: str, url: str) -> str:
    return (
        f'{identifier},{code},2021-2027,"{label}",{language},"{english}",true,,,,,,,{url},'
        f'"priorities: {label}",made up for the tests,\n'
    )


FIRST = COLUMNS + "".join(
    [
        row("t-robotics", "ITI3", "robotica e meccatronica", "it", "robotics and mechatronics",
            URL + "iti3"),  # line 2
        row("t-tourism", "ITI3", "turismo e cultura", "it", "tourism and culture", URL + "iti3"),
        row("t-old-code", "SI01", "meccatronica", "it", "mechatronics", URL + "si01"),  # line 4
        row("t-bad-url", "ITI3", "domotica", "it", "home automation", "www.example.org"),  # 5
    ]
)  # fmt: skip
SECOND = COLUMNS + "".join(
    [
        row("t-robotics", "ITI3", "robotica avanzata", "it", "advanced robotics", URL + "iti3"),
        row("t-tourism", "ITI3", "turismo e cultura", "it", "tourism and culture", URL + "iti3"),
    ]
)  # fmt: skip
PRIORITY = "https://w3id.org/clusterkg/id/s3-priority/"


@pytest.fixture(scope="module")
def server(
    steward_store: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """The server's URL (on a copy of the small store) and a write key named "steward" made by
    ``kg keys create``."""
    store = tmp_path_factory.mktemp("ingest-http") / "store"
    shutil.copytree(steward_store, store)
    create = run_kg("keys", "create", "steward", env=kg_env(store))
    assert create.returncode == 0, create.stderr
    with start_server(store, KG_MAX_UPLOAD_BYTES="20000") as base:
        yield base, create.stdout.strip()


def post(base: str, path: str, body: str | bytes, key: str | None = None,
         media_type: str = "text/csv", **params: str) -> httpx.Response:  # fmt: skip
    headers = {"Content-Type": media_type}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    return httpx.post(f"{base}{path}", content=body, params=params, headers=headers, timeout=300)


def ask(base: str, query: str) -> bool:
    sparql = SPARQLWrapper(f"{base}/sparql")
    sparql.setQuery(query)
    sparql.setReturnFormat(JSON)
    return bool(sparql.queryAndConvert()["boolean"])  # type: ignore[index]


def sizes(base: str) -> dict[str, int]:
    return httpx.get(f"{base}/healthz", timeout=60).json()["graphs"]


def test_validate_reports_per_row_without_a_key_and_writes_nothing(server: tuple[str, str]) -> None:
    base, _ = server
    before = sizes(base)
    response = post(base, "/validate", FIRST, mapping="s3-priorities", filename="marche.csv")
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    report = response.json()
    assert (report["status"], report["type"].rsplit("/", 1)[-1]) == (422, "shape-violation")
    assert report["detail"].startswith("1 of 6 records were quarantined")
    assert report["dry_run"] is True and report["written"] is False
    assert report["records"]["read"] == 6  # four rows and the two strategies they make
    assert report["records"]["quarantined"] == 1
    assert report["nuts"] == {"remapped": 2, "unresolved": 0}  # SI01 (NUTS 2013) is SI03
    rows = {r["line"]: r for r in report["rows"] if r["line"] is not None}
    assert {line: r["outcome"] for line, r in rows.items()} == {
        2: "loaded", 3: "loaded", 4: "loaded", 5: "quarantined"
    }  # fmt: skip
    assert rows[2]["iri"] == f"{PRIORITY}t-robotics"
    assert [m["column"] for m in rows[5]["messages"]] == ["source_url"]
    assert sizes(base) == before


def test_ingest_needs_a_key_and_loads_with_one(server: tuple[str, str]) -> None:
    base, key = server
    before = sizes(base)
    refused = post(base, "/ingest", FIRST, source="s3-test", mapping="s3-priorities")
    assert refused.status_code == 401
    assert refused.headers["content-type"].startswith("application/problem+json")
    wrong = post(base, "/ingest", FIRST, key="not-a-key", source="s3-test", mapping="s3-priorities")
    assert wrong.status_code == 403
    assert sizes(base) == before

    loaded = post(base, "/ingest", FIRST, key=key, source="s3-test", mapping="s3-priorities",
                  filename="marche.csv")  # fmt: skip
    assert loaded.status_code == 422, loaded.text  # one row quarantined, the rest loaded
    report = loaded.json()
    assert report["written"] is True and report["agent"] == "steward"
    assert report["records"]["loaded"] == report["records"]["read"] - 1
    assert report["nuts"]["remapped"] == 2  # the SI01 priority and its strategy
    # The running service answers from the new data at once.
    assert ask(base, f"ASK {{ <{PRIORITY}t-robotics> a ckg:S3Priority }}")
    assert not ask(base, f"ASK {{ <{PRIORITY}t-bad-url> ?p ?o }}")
    assert ask(
        base,
        f"ASK {{ <{PRIORITY}t-old-code> ?p <http://data.europa.eu/nuts/code/SI03> }}",
    )
    # Technologies are derived for the new priorities, and a non-technology one gets none.
    assert ask(base, f"ASK {{ <{PRIORITY}t-robotics> ckg:derivedTechnology ?t }}")
    assert not ask(base, f"ASK {{ <{PRIORITY}t-tourism> ckg:derivedTechnology ?t }}")
    # Who loaded it is in the provenance.
    assert ask(
        base,
        "ASK { GRAPH ?meta { ?load prov:wasAssociatedWith ?agent . "
        "?agent rdfs:label ?label FILTER(CONTAINS(STR(?label), 'steward')) } }",
    )
    after = sizes(base)
    for graph, size in before.items():
        if not graph.endswith(("/meta", "/technology-matches")):
            assert after[graph] == size, graph  # other sources are untouched


def test_an_existing_source_is_refused_then_replaced_with_a_report(
    server: tuple[str, str],
) -> None:
    base, key = server
    if not ask(base, f"ASK {{ <{PRIORITY}t-robotics> ?p ?o }}"):
        post(base, "/ingest", FIRST, key=key, source="s3-test", mapping="s3-priorities")
    before = sizes(base)
    conflict = post(base, "/ingest", SECOND, key=key, source="s3-test", mapping="s3-priorities")
    assert conflict.status_code == 409
    assert "replace" in conflict.json()["detail"]
    assert sizes(base) == before

    replaced = post(base, "/ingest", SECOND, key=key, source="s3-test", mapping="s3-priorities",
                    replace="true")  # fmt: skip
    assert replaced.status_code == 200, replaced.text
    changes = replaced.json()["replaced"]
    assert f"{PRIORITY}t-old-code" in changes["removed"]
    assert f"{PRIORITY}t-robotics" in changes["changed"]
    assert f"{PRIORITY}t-tourism" not in changes["changed"] + changes["added"]
    assert not ask(base, f"ASK {{ <{PRIORITY}t-old-code> ?p ?o }}")
    assert ask(base, f'ASK {{ <{PRIORITY}t-robotics> ?label "robotica avanzata"@it }}')


@pytest.mark.parametrize(
    ("path", "params", "body", "media_type", "status"),
    [
        ("/validate", {"mapping": "s3-priorities"}, COLUMNS + "x" * 30_000, "text/csv", 413),
        ("/validate", {"mapping": "s3-priorities"}, FIRST, "application/pdf", 415),
        ("/validate", {"mapping": "no-such-mapping"}, FIRST, "text/csv", 400),
        ("/validate", {"mapping": "s3-priorities", "colour": "red"}, FIRST, "text/csv", 400),
        ("/validate", {"mapping": "s3-priorities"}, "", "text/csv", 400),
        ("/validate", {"mapping": "s3-priorities"}, "id,label\nx,\xe0\n".encode("latin-1"),
         "text/csv", 400),
        ("/ingest", {"source": "Not A Name", "mapping": "s3-priorities"}, FIRST, "text/csv", 400),
    ],
)  # fmt: skip
def test_bad_requests_are_problems_and_change_nothing(
    server: tuple[str, str],
    path: str,
    params: dict[str, str],
    body: str | bytes,
    media_type: str,
    status: int,
) -> None:
    base, key = server
    before = sizes(base)
    response = post(base, path, body, key=key, media_type=media_type, **params)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["detail"]
    assert sizes(base) == before


def test_the_openapi_document_declares_the_key_on_ingest_only(server: tuple[str, str]) -> None:
    base, _ = server
    paths = httpx.get(f"{base}/openapi.json", timeout=60).json()["paths"]
    assert paths["/ingest"]["post"]["security"]
    assert "security" not in paths["/validate"]["post"]
    assert "text/csv" in paths["/ingest"]["post"]["requestBody"]["content"]
