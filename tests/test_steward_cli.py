"""A steward's day on the command line, with the real ``kg`` in a subprocess (output to a pipe,
as in a log): load a new CSV of priorities (one row quarantined), be refused when loading it
again, look at what a replace would change (dry run, JSON report), replace it, then read the
source's history and its quarantine, and export the quarantined row to fix it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.api.test_ingest_http import FIRST, PRIORITY, SECOND
from tests.conftest import kg_env, run_kg


@pytest.fixture
def env(steward_store: Path, tmp_path: Path) -> dict[str, str]:
    store = tmp_path / "store"
    shutil.copytree(steward_store, store)
    return kg_env(store, tmp_path / "quarantine")


def test_load_refuse_preview_replace_history_and_quarantine(
    env: dict[str, str], tmp_path: Path
) -> None:
    first, second = tmp_path / "marche-2021.csv", tmp_path / "marche-2021-v2.csv"
    first.write_text(FIRST, encoding="utf-8")
    second.write_text(SECOND, encoding="utf-8")
    ingest = ["ingest", "--source", "s3-marche", "--mapping", "s3-priorities"]

    loaded = run_kg(*ingest, str(first), env=env)
    assert loaded.returncode == 1, loaded.stderr  # one row quarantined, the others loaded
    # Not a terminal: one line per finished step on stderr, so a log is never silent.
    assert "s3-marche: 6 records read, 5 loaded, 1 quarantined" in loaded.stderr
    assert "technology matches: done" in loaded.stderr
    assert "source_url" in loaded.stdout  # the table of records with findings

    shown = run_kg("quarantine", "show", "s3-marche", "--format", "json", env=env)
    assert shown.returncode == 0, shown.stderr
    entries = json.loads(shown.stdout)
    assert [(e["line"], e["messages"][0]["column"]) for e in entries] == [(5, "source_url")]
    exported = run_kg("quarantine", "export", "s3-marche", env=env)
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.splitlines() == [FIRST.splitlines()[0], FIRST.splitlines()[4]]

    again = run_kg(*ingest, str(second), env=env)
    assert again.returncode == 2
    assert "already loaded" in again.stderr and "--replace" in again.stderr

    report = tmp_path / "report.json"
    preview = run_kg(*ingest, str(second), "--replace", "--dry-run", "--report", str(report),
                     env=env)  # fmt: skip
    assert preview.returncode == 0, preview.stdout + preview.stderr
    document = json.loads(report.read_text(encoding="utf-8"))
    assert document["dry_run"] is True
    assert f"{PRIORITY}t-old-code" in document["replaced"]["removed"]
    assert f"{PRIORITY}t-robotics" in document["replaced"]["changed"]

    replaced = run_kg(*ingest, str(second), "--replace", env=env)
    assert replaced.returncode == 0, replaced.stdout + replaced.stderr
    assert "replaced:" in replaced.stdout and "removed" in replaced.stdout

    history = run_kg("history", "s3-marche", "--format", "json", env=env)
    assert history.returncode == 0, history.stderr
    loads = json.loads(history.stdout)["loads"]
    assert [load["file"] for load in loads] == ["marche-2021-v2.csv", "marche-2021.csv"]
    assert [load["replaced"] for load in loads] == [True, False]
