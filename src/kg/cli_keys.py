"""``kg keys``: create, list and revoke the named write keys of the store (see :mod:`kg.keys`).

Exit codes as the main CLI: 0 ok, 2 usage or input error (an invalid or taken name, an unknown
key). The key ring is read and written at each command; a running ``kg serve`` sees the change at
its next request.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from kg.config import get_settings
from kg.errors import KGError
from kg.keys import BOOTSTRAP_NAME, key_ring

keys_app = typer.Typer(
    help="Named write keys: who may write to the store over HTTP (POST /update).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
# Consoles of this module: importing kg.cli's would be circular once kg.cli adds this sub-app.
out = Console()
err = Console(stderr=True)

KeyName = Annotated[str, typer.Argument(help="Key name: 1-63 characters a-z, 0-9, '.', '_', '-'.")]


@contextmanager
def _errors_to_exit_codes() -> Iterator[None]:
    """Print a :class:`KGError` as one clear line and exit with its code (as ``kg`` does)."""
    try:
        yield
    except KGError as exc:
        err.print(f"[bold red]error:[/] {exc.detail}", highlight=False, soft_wrap=True)
        raise typer.Exit(exc.exit_code) from None


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%SZ") if moment else "—"


@keys_app.command()
def create(name: KeyName) -> None:
    """Create a write key for NAME and print it, once: only its hash is kept.

    The key alone goes to standard output (``KEY=$(kg keys create NAME)``); the notes go to
    standard error.
    """
    with _errors_to_exit_codes():
        token = key_ring(get_settings()).create(name)
    err.print(f"created write key {name!r}", highlight=False)
    typer.echo(token)
    err.print(
        "This key will not be shown again: store it now. Send it as 'Authorization: Bearer "
        "<key>'; `kg keys revoke` withdraws it.",
        highlight=False,
        soft_wrap=True,
    )


@keys_app.command("list")
def list_keys() -> None:
    """List the keys: name, when created, when revoked (never the keys themselves)."""
    settings = get_settings()
    with _errors_to_exit_codes():
        keys = key_ring(settings).list_keys()
    if keys:
        table = Table("name", "created (UTC)", "revoked (UTC)")
        for key in keys:
            table.add_row(key.name, _when(key.created), _when(key.revoked))
        out.print(table)
    else:
        out.print("no write keys; create one with `kg keys create NAME`", highlight=False)
    if settings.update_key is not None:
        out.print(
            f"KG_UPDATE_KEY is set: it is accepted too, as {BOOTSTRAP_NAME!r}", highlight=False
        )


@keys_app.command()
def revoke(name: KeyName) -> None:
    """Revoke the active key of NAME: refused from the next request on."""
    with _errors_to_exit_codes():
        key = key_ring(get_settings()).revoke(name)
    out.print(f"revoked write key {key.name!r} at {_when(key.revoked)}", highlight=False)


if __name__ == "__main__":  # pragma: no cover - `python -m kg.cli_keys` until `kg keys` exists
    keys_app()
