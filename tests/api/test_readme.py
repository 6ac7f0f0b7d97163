"""The README's promises: every setting documented, every ``curl`` example working as printed."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest

from kg.config import PROJECT_ROOT, Settings
from tests.api.conftest import start_server

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


READ_EXAMPLES = [(c, s) for c, s in CURL_EXAMPLES if "/update" not in c]
UPDATE_EXAMPLES = [(c, s) for c, s in CURL_EXAMPLES if "/update" in c]


def run_curl(command: str, base: str, **variables: str) -> tuple[int, str]:
    """Run a README ``curl`` line against ``base``; only the status output is added."""
    for name, value in variables.items():
        command = command.replace(f"${name}", value)
    arguments = shlex.split(command.replace("http://127.0.0.1:8000", base))
    result = subprocess.run(
        [*arguments, "--silent", "--show-error", "--write-out", "\n%{http_code}"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
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
