"""``kg history SOURCE``: who loaded what, when (see :mod:`kg.ingest.history`).

Exit codes as the main CLI: 0 ok, 2 usage or input error (an unknown source, a missing store).
The store is opened read-only, so it works beside a running ``kg serve``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from kg.config import get_settings
from kg.errors import KGError
from kg.ingest.history import Load, load_history
from kg.store import open_store

# Consoles of this module: importing kg.cli's would be circular once kg.cli registers the command.
out = Console()
err = Console(stderr=True)

#: How many hex digits of the SHA-256 the table shows (the JSON has all 64).
SHA256_SHOWN = 12


class HistoryFormat(StrEnum):
    """Output formats of ``kg history``."""

    table = "table"
    json = "json"


@contextmanager
def _errors_to_exit_codes() -> Iterator[None]:
    """Print a :class:`KGError` as one clear line and exit with its code (as ``kg`` does)."""
    try:
        yield
    except KGError as exc:
        err.print(f"[bold red]error:[/] {exc.detail}", highlight=False, soft_wrap=True)
        raise typer.Exit(exc.exit_code) from None


def history_command(
    source: Annotated[str, typer.Argument(help="Source name, e.g. nuts.")],
    fmt: Annotated[
        HistoryFormat, typer.Option("--format", help="Output format.")
    ] = HistoryFormat.table,
) -> None:
    """List the loads of SOURCE, newest first: when, by which write key (or the command line),
    which file and its SHA-256, records read/loaded/quarantined, and whether it replaced an
    earlier load."""
    settings = get_settings()
    with _errors_to_exit_codes(), open_store(settings, read_only=True) as store:
        loads = load_history(store, settings, source)
    if fmt is HistoryFormat.json:
        document = {
            "source": source,
            "graph": settings.source_graph(source),
            "loads": [load.as_json() for load in loads],
        }
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=1) + "\n")
        return
    if not loads:
        out.print(
            f"no loads recorded for {source!r}: it was loaded before load records were kept "
            "(its next load will be the first listed)",
            highlight=False,
            soft_wrap=True,
        )
        return
    table = Table(
        "started (UTC)", "by", "file", "sha256", "read", "loaded", "quarantined", "replaced",
        title=f"Loads of {source} ({len(loads)}), newest first",
    )  # fmt: skip
    for load in loads:
        table.add_row(*_row(load))
    out.print(table)


def _row(load: Load) -> tuple[str, ...]:
    return (
        f"{load.started.astimezone(UTC):%Y-%m-%d %H:%M:%S}Z",
        load.agent if load.agent is not None else "command line",
        load.file,
        load.sha256[:SHA256_SHOWN],
        str(load.records_read),
        str(load.records_loaded),
        str(load.records_quarantined),
        "yes" if load.replaced else "no",
    )
