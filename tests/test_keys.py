"""Named write keys (kg.keys) and the ``kg keys`` commands (kg.cli_keys)."""

from __future__ import annotations

import hmac
import json
import re
import secrets
import stat

import pytest
import typer
from pydantic import SecretStr
from typer.testing import CliRunner

from kg.cli_keys import keys_app
from kg.config import Settings
from kg.errors import InvalidInput, KeyRefused, NotFound, StoreUnavailable
from kg.keys import BOOTSTRAP_NAME, KeyRing, key_ring, verify_write_key, writes_enabled


@pytest.fixture
def ring(settings: Settings) -> KeyRing:
    return key_ring(settings)


def test_keys_file_is_in_the_store_directory(settings: Settings, ring: KeyRing) -> None:
    assert ring.path == settings.store_path / "keys.json"


def test_create_list_revoke_verify(ring: KeyRing) -> None:
    alice = ring.create("alice")
    bob = ring.create("steward.eurostat-2")
    assert alice != bob
    assert len(alice) == 43  # 32 random bytes, URL-safe base64
    assert ring.verify(alice) == "alice"
    assert ring.verify(bob) == "steward.eurostat-2"

    listed = ring.list_keys()
    assert [key.name for key in listed] == ["alice", "steward.eurostat-2"]
    assert all(key.active and key.created.tzinfo is not None for key in listed)

    revoked = ring.revoke("alice")
    assert revoked.revoked is not None and revoked.revoked >= revoked.created
    with pytest.raises(KeyRefused, match="revoked"):
        ring.verify(alice)
    assert ring.verify(bob) == "steward.eurostat-2"
    assert [key.active for key in ring.list_keys()] == [False, True]


def test_unknown_key_is_refused(ring: KeyRing) -> None:
    ring.create("alice")
    with pytest.raises(KeyRefused, match="not known"):
        ring.verify("not-a-key")
    with pytest.raises(KeyRefused):
        KeyRing(ring.path.with_name("missing.json")).verify("not-a-key")


def test_the_file_holds_no_key_in_clear_and_is_private(ring: KeyRing) -> None:
    token = ring.create("alice")
    ring.revoke("alice")  # a rewrite keeps the mode
    second = ring.create("bob")
    text = ring.path.read_text(encoding="utf-8")
    assert token not in text and second not in text
    assert stat.S_IMODE(ring.path.stat().st_mode) == 0o600
    entry = json.loads(text)["keys"][0]
    assert set(entry) == {"name", "created", "revoked", "algorithm", "salt", "hash"}
    # No temporary files are left beside the ring.
    assert sorted(p.name for p in ring.path.parent.iterdir()) == ["keys.json"]


def test_listing_never_shows_hashes(ring: KeyRing) -> None:
    ring.create("alice")
    stored = json.loads(ring.path.read_text(encoding="utf-8"))["keys"][0]
    shown = repr(ring.list_keys())
    assert stored["hash"] not in shown and stored["salt"] not in shown


def test_equal_tokens_hash_differently(ring: KeyRing, monkeypatch: pytest.MonkeyPatch) -> None:
    # Per-key salt: even the same secret never gives the same stored hash twice.
    monkeypatch.setattr(secrets, "token_urlsafe", lambda nbytes: "the-same-secret")
    assert ring.create("alice") == ring.create("bob") == "the-same-secret"
    entries = json.loads(ring.path.read_text(encoding="utf-8"))["keys"]
    assert entries[0]["salt"] != entries[1]["salt"]
    assert entries[0]["hash"] != entries[1]["hash"]


def test_verification_compares_in_constant_time(
    ring: KeyRing, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = ring.create("alice")
    ring.create("bob")
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def recording(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", recording)
    assert ring.verify(token) == "alice"
    # Every key is compared (no early exit on the first match), each as a 32-byte digest.
    assert len(calls) == 2
    assert all(len(a) == len(b) == 32 for a, b in calls)
    calls.clear()
    settings = Settings(store_path=ring.path.parent, update_key=SecretStr("boot"))
    assert verify_write_key(settings, "boot") == BOOTSTRAP_NAME
    assert len(calls) == 1


def test_duplicate_active_name_is_refused(ring: KeyRing) -> None:
    first = ring.create("alice")
    with pytest.raises(InvalidInput, match="exists"):
        ring.create("alice")
    assert ring.verify(first) == "alice"
    # Once revoked, the name may be given a new key; the old one stays refused.
    ring.revoke("alice")
    second = ring.create("alice")
    assert ring.verify(second) == "alice"
    with pytest.raises(KeyRefused):
        ring.verify(first)


@pytest.mark.parametrize(
    "name",
    ["", "Alice", "-alice", ".hidden", "a b", "a/b", "ä", "a" * 64, BOOTSTRAP_NAME, "alice\n"],
)
def test_bad_names_are_refused(ring: KeyRing, name: str) -> None:
    with pytest.raises(InvalidInput):
        ring.create(name)
    assert not ring.path.exists()


@pytest.mark.parametrize("name", ["a", "0", "a" * 63, "x.y_z-1"])
def test_good_names_are_accepted(ring: KeyRing, name: str) -> None:
    assert ring.verify(ring.create(name)) == name


def test_revoking_an_unknown_or_revoked_name_is_refused(ring: KeyRing) -> None:
    with pytest.raises(NotFound):
        ring.revoke("nobody")
    ring.create("alice")
    ring.revoke("alice")
    with pytest.raises(NotFound):
        ring.revoke("alice")


def test_bootstrap_key_verifies_as_bootstrap(settings: Settings) -> None:
    assert not writes_enabled(settings)
    with_bootstrap = settings.model_copy(update={"update_key": SecretStr("s3cret")})
    assert writes_enabled(with_bootstrap)
    assert verify_write_key(with_bootstrap, "s3cret") == "bootstrap"
    with pytest.raises(KeyRefused):
        verify_write_key(with_bootstrap, "s3cret-not")
    with pytest.raises(KeyRefused):
        verify_write_key(settings, "s3cret")  # without KG_UPDATE_KEY it is just unknown
    # Named keys work beside it.
    token = key_ring(with_bootstrap).create("alice")
    assert verify_write_key(with_bootstrap, token) == "alice"


def test_writes_enabled_follows_active_keys(settings: Settings, ring: KeyRing) -> None:
    assert not writes_enabled(settings)
    ring.create("alice")
    assert writes_enabled(settings)
    ring.revoke("alice")
    assert not writes_enabled(settings)


def test_a_damaged_ring_refuses_rather_than_guesses(ring: KeyRing) -> None:
    ring.path.parent.mkdir(parents=True)
    ring.path.write_text("{not json", encoding="utf-8")
    with pytest.raises(StoreUnavailable, match="damaged"):
        ring.verify("anything")


# --- kg keys ------------------------------------------------------------------------------------


@pytest.fixture
def cli(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A runner whose ``kg keys`` reads ``settings``' store (settings come from KG_* variables)."""
    monkeypatch.setenv("KG_STORE_PATH", str(settings.store_path))
    monkeypatch.delenv("KG_UPDATE_KEY", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    return CliRunner()


def registered() -> typer.Typer:
    """``keys_app`` as ``kg`` will register it."""
    app = typer.Typer()
    app.add_typer(keys_app, name="keys")
    return app


def test_cli_create_list_revoke(cli: CliRunner, ring: KeyRing) -> None:
    app = registered()
    created = cli.invoke(app, ["keys", "create", "alice"])
    assert created.exit_code == 0, created.output
    token = created.stdout.strip()
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token), created.stdout
    assert "will not be shown again" in created.stderr
    assert ring.verify(token) == "alice"

    listed = cli.invoke(app, ["keys", "list"])
    assert listed.exit_code == 0, listed.output
    assert "alice" in listed.stdout and token not in listed.stdout
    row = next(line for line in listed.stdout.splitlines() if "alice" in line)
    assert "—" in row  # not revoked

    revoked = cli.invoke(app, ["keys", "revoke", "alice"])
    assert revoked.exit_code == 0, revoked.output
    assert "revoked" in revoked.stdout
    row = next(
        line for line in cli.invoke(app, ["keys", "list"]).stdout.splitlines() if "alice" in line
    )
    assert "—" not in row
    with pytest.raises(KeyRefused):
        ring.verify(token)


def test_cli_input_errors_exit_2(cli: CliRunner, ring: KeyRing) -> None:
    unknown = cli.invoke(keys_app, ["revoke", "nobody"])
    assert unknown.exit_code == 2
    assert "no active key named 'nobody'" in unknown.stderr
    bad_name = cli.invoke(keys_app, ["create", "Bad Name"])
    assert bad_name.exit_code == 2
    assert "invalid key name" in bad_name.stderr
    assert cli.invoke(keys_app, ["create", "alice"]).exit_code == 0
    duplicate = cli.invoke(keys_app, ["create", "alice"])
    assert duplicate.exit_code == 2
    assert duplicate.stdout == ""  # no key printed
    assert len(ring.list_keys()) == 1
    assert cli.invoke(keys_app, ["create"]).exit_code == 2  # usage error


def test_cli_list_without_keys_mentions_the_bootstrap_key(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = cli.invoke(keys_app, ["list"])
    assert empty.exit_code == 0
    assert "no write keys" in empty.stdout and "KG_UPDATE_KEY" not in empty.stdout
    monkeypatch.setenv("KG_UPDATE_KEY", "boot")
    with_bootstrap = cli.invoke(keys_app, ["list"])
    assert "KG_UPDATE_KEY is set" in with_bootstrap.stdout and "boot'" not in with_bootstrap.stdout
