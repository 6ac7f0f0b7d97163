"""Named write keys: who may change the store, each key revocable on its own.

The key ring is a JSON file, ``keys.json``, in the store's directory (pyoxigraph's RocksDB leaves
files it does not know alone, and its snapshots do not copy them, so the query workers never see
the hashes). It holds, per key, its name, UTC creation time, revocation time and a salted hash —
never the key itself: a key is shown once, when it is created.

The operator's ``KG_UPDATE_KEY`` (``Settings.update_key``) stays valid as a bootstrap key, verified
under the reserved name ``bootstrap``: it lets a fresh service take writes before any key exists.

>>> import tempfile
>>> ring = KeyRing(Path(tempfile.mkdtemp()) / "keys.json")
>>> token = ring.create("alice")
>>> ring.verify(token)
'alice'
>>> [key.name for key in ring.list_keys()]
['alice']
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import re
import secrets
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from kg.config import Settings
from kg.errors import InvalidInput, KeyRefused, NotFound, StoreUnavailable

#: File name of the key ring inside the store's directory.
KEYS_FILE = "keys.json"
#: The name the bootstrap key (``KG_UPDATE_KEY``) verifies as; no named key may take it.
BOOTSTRAP_NAME = "bootstrap"
#: Key names: lower-case, start with a letter or digit, 1-63 characters (a DNS label's length).
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{0,62}")
#: Random bytes per key: 256 bits (``secrets.token_urlsafe`` writes them as 43 characters).
KEY_BYTES = 32
_FORMAT_VERSION = 1
_HASH = "sha256"


@dataclass(frozen=True)
class KeyInfo:
    """What may be shown about a key: never its hash."""

    name: str
    created: datetime
    revoked: datetime | None = None

    @property
    def active(self) -> bool:
        """Whether the key is still accepted."""
        return self.revoked is None


def keys_path(settings: Settings) -> Path:
    """Where the key ring of ``settings``' store is kept."""
    return settings.store_path / KEYS_FILE


def _digest(salt: bytes, token: str) -> bytes:
    # SHA-256 rather than a slow KDF (scrypt, PBKDF2): the keys are 256 random bits, so guessing
    # one from its hash is out of reach however fast the hash is, and every write request is
    # checked against every key, which a deliberately slow hash would make slow. The per-key salt
    # makes equal tokens hash differently and keeps precomputed tables useless.
    return hashlib.sha256(salt + token.encode("utf-8")).digest()


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _timestamp(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def check_name(name: str) -> str:
    """Return ``name`` if it may name a key, else raise :class:`InvalidInput`.

    >>> check_name("steward.eurostat-2")
    'steward.eurostat-2'
    """
    if not NAME_PATTERN.fullmatch(name):
        raise InvalidInput(
            f"invalid key name {name!r}: use 1-63 characters a-z, 0-9, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    if name == BOOTSTRAP_NAME:
        raise InvalidInput(
            f"the name '{BOOTSTRAP_NAME}' is reserved for KG_UPDATE_KEY; choose another name"
        )
    return name


class KeyRing:
    """The named write keys of one store, kept in one JSON file.

    Every call reads the file afresh, so keys created or revoked by ``kg keys`` take effect on a
    running server at its next request.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def create(self, name: str) -> str:
        """Make a new key for ``name`` and return it; it is never shown again.

        Refuses an invalid name and a name that already has an active key.
        """
        check_name(name)
        token = secrets.token_urlsafe(KEY_BYTES)
        salt = secrets.token_bytes(16)
        with self._locked():
            entries = self._read()
            if any(e["name"] == name and e.get("revoked") is None for e in entries):
                raise InvalidInput(
                    f"a key named {name!r} exists; revoke it first (`kg keys revoke {name}`) "
                    "or choose another name"
                )
            entries.append(
                {
                    "name": name,
                    "created": _timestamp(_now()),
                    "revoked": None,
                    "algorithm": _HASH,
                    "salt": salt.hex(),
                    "hash": _digest(salt, token).hex(),
                }
            )
            self._write(entries)
        return token

    def list_keys(self) -> list[KeyInfo]:
        """Every key, active or revoked, in the order created."""
        return [_info(entry) for entry in self._read()]

    def revoke(self, name: str) -> KeyInfo:
        """Revoke the active key of ``name``; raise :class:`NotFound` if there is none."""
        with self._locked():
            entries = self._read()
            for entry in entries:
                if entry["name"] == name and entry.get("revoked") is None:
                    entry["revoked"] = _timestamp(_now())
                    self._write(entries)
                    return _info(entry)
        raise NotFound(f"no active key named {name!r}; `kg keys list` shows the keys")

    def has_active(self) -> bool:
        """Whether at least one key is accepted."""
        return any(key.active for key in self.list_keys())

    def verify(self, token: str) -> str:
        """The name of the active key ``token`` is; raise :class:`KeyRefused` for any other."""
        match: dict[str, Any] | None = None
        # Every entry is compared, in constant time, even after a match: the time taken does not
        # depend on which key (if any) matched nor on how much of a hash matched.
        for entry in self._read():
            expected = bytes.fromhex(entry["hash"])
            if hmac.compare_digest(_digest(bytes.fromhex(entry["salt"]), token), expected):
                match = entry
        if match is None:
            raise KeyRefused("the key is not known to this service; ask the operator for a key")
        if match.get("revoked") is not None:
            raise KeyRefused(
                f"the key {match['name']!r} was revoked at {match['revoked']}; ask the operator "
                "for a new key"
            )
        return str(match["name"])

    def _read(self) -> list[dict[str, Any]]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise StoreUnavailable(f"cannot read the key ring {self.path}: {exc}") from exc
        try:
            document = json.loads(text)
            entries = document["keys"]
            if document.get("version") != _FORMAT_VERSION or not isinstance(entries, list):
                raise ValueError(f"unknown format version {document.get('version')!r}")
            for entry in entries:
                if entry.get("algorithm") != _HASH:
                    raise ValueError(f"unknown hash {entry.get('algorithm')!r}")
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            # A damaged ring refuses every named key rather than guessing which are valid.
            raise StoreUnavailable(f"the key ring {self.path} is damaged: {exc}") from exc
        return list(entries)

    def _write(self, entries: list[dict[str, Any]]) -> None:
        text = json.dumps({"version": _FORMAT_VERSION, "keys": entries}, indent=2) + "\n"
        # A temporary file in the same directory, renamed over the ring: a reader (the server)
        # sees the old ring or the new one, never half a file, and a crash leaves the old one.
        # mkstemp creates it with mode 0600 (only the owner may read the hashes).
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".keys-", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                os.fchmod(file.fileno(), 0o600)
                file.write(text)
                file.flush()
                os.fsync(file.fileno())
            Path(temporary).replace(self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Serialise read-modify-write between ``kg keys`` processes (a revoke must not be lost
        to a concurrent create). The lock is on the directory: no lock file is left behind."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        directory = os.open(self.path.parent, os.O_RDONLY)
        try:
            fcntl.flock(directory, fcntl.LOCK_EX)
            yield
        finally:
            os.close(directory)  # closing releases the lock


def _info(entry: dict[str, Any]) -> KeyInfo:
    revoked = entry.get("revoked")
    return KeyInfo(
        name=str(entry["name"]),
        created=_parse_time(entry["created"]),
        revoked=_parse_time(revoked) if revoked else None,
    )


def key_ring(settings: Settings) -> KeyRing:
    """The key ring of ``settings``' store."""
    return KeyRing(keys_path(settings))


def writes_enabled(settings: Settings) -> bool:
    """Whether any write can be authorised: the bootstrap key is set or an active key exists."""
    return settings.update_key is not None or key_ring(settings).has_active()


def _matches_bootstrap(token: str, bootstrap: SecretStr) -> bool:
    # Digests of equal length: compare_digest would otherwise reveal the bootstrap key's length.
    presented = hashlib.sha256(token.encode("utf-8")).digest()
    expected = hashlib.sha256(bootstrap.get_secret_value().encode("utf-8")).digest()
    return hmac.compare_digest(presented, expected)


def verify_write_key(settings: Settings, token: str) -> str:
    """The name of the key ``token`` is: ``bootstrap`` for ``KG_UPDATE_KEY``, else the name of an
    active key of the ring; raise :class:`KeyRefused` otherwise."""
    if settings.update_key is not None and _matches_bootstrap(token, settings.update_key):
        return BOOTSTRAP_NAME
    return key_ring(settings).verify(token)
