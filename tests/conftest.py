"""Shared fixtures: settings pointing at temporary directories, and one built store per session.

Settings are passed explicitly (never by mutating ``os.environ`` in-process); subprocesses of the
real ``kg`` command get their own environment.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kg.config import PROJECT_ROOT, Settings
from kg.validation import ShapeValidator

KG = str(Path(sys.executable).with_name("kg"))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with a fresh store and quarantine directory."""
    return Settings(store_path=tmp_path / "store", quarantine_dir=tmp_path / "quarantine")


@pytest.fixture(scope="session")
def validator() -> ShapeValidator:
    """The project's shapes and ontology, parsed once."""
    return ShapeValidator(PROJECT_ROOT / "shapes", PROJECT_ROOT / "ontology")


def kg_env(store: Path, quarantine: Path | None = None, **extra: str) -> dict[str, str]:
    """Environment for a ``kg`` subprocess using ``store``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    env["KG_STORE_PATH"] = str(store)
    env["KG_QUARANTINE_DIR"] = str(quarantine or store.parent / "quarantine")
    env["COLUMNS"] = "200"  # rich wraps tables to the terminal width
    env.update(extra)
    return env


def run_kg(
    *args: str, env: dict[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed ``kg`` command."""
    return subprocess.run(
        [KG, *args], env=env, input=stdin, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built once by the real ``kg build`` from the bundled sources.

    For quicker local runs, ``CLUSTERKG_TEST_STORE`` may name a store already built by ``kg build``
    (with the build's output saved as ``build-output.txt`` next to it); it is copied, never
    written. CI does not set it and always builds.
    """
    root = tmp_path_factory.mktemp("built")
    prebuilt = os.environ.get("CLUSTERKG_TEST_STORE")
    if prebuilt:
        source = Path(prebuilt)
        shutil.copytree(source, root / "store")
        shutil.copy(source.parent / "build-output.txt", root / "build-output.txt")
        return root / "store"
    result = run_kg("build", env=kg_env(root / "store"))
    assert result.returncode == 0, result.stdout + result.stderr
    (root / "build-output.txt").write_text(result.stdout, encoding="utf-8")
    return root / "store"


#: The sources an S3 priority, cluster or partner refers to: enough to load a steward's file.
STEWARD_SOURCES = [
    "ontology", "concepts", "euroscivoc", "kets", "nuts", "nace", "technology-mappings"
]  # fmt: skip


@pytest.fixture(scope="session")
def steward_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small store built by the real ``kg build --source …`` from the sources a steward's
    priorities refer to (no strengths, so a load and its derivations take seconds); tests
    that write use a copy."""
    store = tmp_path_factory.mktemp("steward") / "store"
    result = run_kg("build", *(f"--source={name}" for name in STEWARD_SOURCES), env=kg_env(store))
    assert result.returncode == 0, result.stdout + result.stderr
    return store


@pytest.fixture(scope="session")
def build_output(built_store: Path) -> str:
    """What ``kg build`` printed when it built ``built_store``."""
    return (built_store.parent / "build-output.txt").read_text(encoding="utf-8")


@pytest.fixture
def built_store_copy(built_store: Path, tmp_path: Path) -> Path:
    """A private copy of the built store, for tests that write."""
    target = tmp_path / "store"
    shutil.copytree(built_store, target)
    return target
