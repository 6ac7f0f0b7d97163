"""The README's promises: every setting documented, every ``curl`` example working as printed."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from kg.config import PROJECT_ROOT, Settings
from tests.api.conftest import start_server
from tests.api.test_ingest_http import SECOND

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
#: ``curl`` lines of the README's shell blocks, with the status a trailing ``# 4xx`` promises.
CURL_EXAMPLES = [
    (match.group(1).strip(), int(match.group(2) or 200))
    for match in re.finditer(r"^(curl [^\n#]*?)(?:\s+#\s*(\d{3}))?\s*$", README, re.MULTILINE)
]


def test_every_setting_is_in_the_readme_table() -> None:
    for name in Settings.model_fields:
        assert f"| `KG_{name.upper()}` |" in README, f"KG_{name.upper()} is not documented"


def test_the_readme_has_curl_examples() -> None:
    assert len(CURL_EXAMPLES) >= 15


WRITES = ("/update", "/ingest")
READ_EXAMPLES = [(c, s) for c, s in CURL_EXAMPLES if not any(w in c for w in WRITES)]
UPDATE_EXAMPLES = [(c, s) for c, s in CURL_EXAMPLES if "/update" in c]
INGEST_EXAMPLES = [(c, s) for c, s in CURL_EXAMPLES if "/ingest" in c]


def run_curl(command: str, base: str, cwd: Path | None = None, **variables: str) -> tuple[int, str]:
    """Run a README ``curl`` line against ``base`` (in ``cwd``, where its files are); only the
    status output is added."""
    for name, value in variables.items():
        command = command.replace(f"${name}", value)
    arguments = shlex.split(command.replace("http://127.0.0.1:8000", base))
    result = subprocess.run(
        [*arguments, "--silent", "--show-error", "--write-out", "\n%{http_code}"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=cwd,
    )
    assert result.returncode == 0, result.stderr
    body, _, code = result.stdout.rpartition("\n")
    return int(code), body


@pytest.mark.slow
@pytest.mark.parametrize(("command", "status"), READ_EXAMPLES, ids=[c for c, _ in READ_EXAMPLES])
def test_curl_example_works_as_printed(live_server: str, command: str, status: int) -> None:
    code, body = run_curl(command, live_server)
    assert code == status, body[-2000:]
    assert body.strip()


@pytest.mark.slow
def test_update_example_works_with_a_key(built_store_copy: Path) -> None:
    assert len(UPDATE_EXAMPLES) == 1
    command, _ = UPDATE_EXAMPLES[0]
    key = "readme-example-key"
    with start_server(built_store_copy, KG_UPDATE_KEY=key) as base:
        code, body = run_curl(command, base, KG_UPDATE_KEY=key)
        assert code == 204, body
        ask = run_curl(
            "curl --data-urlencode 'query=ASK { nuts:ITI3 rdfs:comment \"checked\"@en }' "
            "http://127.0.0.1:8000/sparql",
            base,
        )
        assert ask == (200, '{"head": {}, "boolean": true}')


@pytest.mark.slow
def test_ingest_example_works_with_a_key(steward_store: Path, tmp_path: Path) -> None:
    """The README's POST /ingest example, as printed, with the file it names: the steward's
    priorities load (200) and a second run is refused (409)."""
    assert len(INGEST_EXAMPLES) == 1
    command, _ = INGEST_EXAMPLES[0]
    store = tmp_path / "store"
    shutil.copytree(steward_store, store)
    (tmp_path / "marche-2021.csv").write_text(SECOND, encoding="utf-8")
    key = "readme-ingest-key"
    with start_server(store, KG_UPDATE_KEY=key) as base:
        code, body = run_curl(command, base, cwd=tmp_path, KEY=key)
        assert code == 200, body
        assert json.loads(body)["records"]["quarantined"] == 0
        code, body = run_curl(command, base, cwd=tmp_path, KEY=key)
        assert code == 409, body
