"""``kg quarantine``: list, show and export the records an ingest quarantined (see
:mod:`kg.ingest.quarantine`), so a data steward can fix them and submit them again.

Exit codes as the main CLI: 0 ok (also when a source's file holds nothing), 2 usage or input
error (a source without a quarantine file, nothing that can be exported). The quarantine
directory is ``KG_QUARANTINE_DIR``; an ingest that quarantines nothing removes its source's file.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from kg.config import get_settings
from kg.errors import KGError
from kg.ingest.quarantine import (
    Entry,
    entry_messages,
    export_quarantine,
    quarantine_files,
    read_quarantine,
)

quarantine_app = typer.Typer(
    help="Quarantined records: list them, show why, export them to fix and re-submit.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
# Consoles of this module: importing kg.cli's would be circular once kg.cli adds this sub-app.
out = Console()
err = Console(stderr=True)

SourceName = Annotated[str, typer.Argument(help="Source name, as given to `kg ingest --source`.")]


class ShowFormat(StrEnum):
    """Output formats of ``kg quarantine show``."""

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


def _print_wide(table: Table) -> None:
    """A table at its natural width: into a log or a pipe, rich would cut it to 80 columns."""
    out.print(table, width=None if out.is_terminal else 200)


def _read(source: str) -> list[Entry]:
    with _errors_to_exit_codes():
        return read_quarantine(get_settings().quarantine_dir, source)


def _nothing_quarantined(source: str) -> None:
    # A file without entries (emptied by hand, say) holds nothing to fix: not an error.
    err.print(f"{source}: nothing quarantined", highlight=False)


@quarantine_app.command("list")
def list_sources() -> None:
    """List the sources with quarantined records: how many, and when the file was written."""
    directory = get_settings().quarantine_dir
    with _errors_to_exit_codes():
        files = [found for found in quarantine_files(directory) if found.records]
    if not files:
        out.print(f"nothing quarantined in {directory}", highlight=False)
        return
    table = Table("source", "records", "modified (UTC)")
    table.columns[1].justify = "right"
    for found in files:
        table.add_row(
            found.source, str(found.records), found.modified.strftime("%Y-%m-%d %H:%M:%SZ")
        )
    _print_wide(table)


@quarantine_app.command()
def show(
    source: SourceName,
    fmt: Annotated[
        ShowFormat, typer.Option("--format", help="table for people, json for programs.")
    ] = ShowFormat.table,
) -> None:
    """Show each quarantined record of SOURCE: its line, key, findings and the row as read."""
    entries = _read(source)
    if fmt is ShowFormat.json:
        sys.stdout.write(json.dumps(entries, ensure_ascii=False, indent=1) + "\n")
        return
    if not entries:
        _nothing_quarantined(source)
        return
    table = Table(title=f"{source}: {len(entries)} quarantined records", show_lines=True)
    for column in ("line", "record", "messages", "raw"):
        table.add_column(column, justify="right" if column == "line" else "left")
    # In line order, table by table (a source may read a facts table beside its main one).
    files: dict[str | None, int] = {}
    for entry in entries:
        files.setdefault(entry.get("file"), len(files))
    ordered = sorted(
        entries,
        key=lambda e: (files[e.get("file")], e.get("line") is None, e.get("line") or 0),
    )
    for entry in ordered:
        line = entry.get("line")
        where = str(line) if line is not None else str(entry.get("location") or "")
        if line is not None and len(files) > 1 and entry.get("file"):
            where = f"{entry['file']}:{line}"
        messages = Text()
        for number, message in enumerate(entry_messages(entry)):
            if number:
                messages.append("\n")
            column = f" ({message.column})" if message.column else ""
            messages.append(
                f"{message.severity}{column}: ",
                style="red" if message.severity == "violation" else "yellow",
            )
            messages.append(message.text)
        # Text, not str: cells hold brackets ("[MinCount on <…>]") rich would read as markup.
        table.add_row(
            Text(where),
            Text(entry["record"]),
            messages,
            Text(entry["raw"] if entry.get("raw") is not None else "—"),
        )
    _print_wide(table)


@quarantine_app.command()
def export(
    source: SourceName,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to FILE instead of standard output."),
    ] = None,
    table: Annotated[
        str | None,
        typer.Option(
            "--table",
            help="The table (file name) to export, when the source's rows come from several "
            "(e.g. clusters.csv and cluster_facts.csv).",
        ),
    ] = None,
) -> None:
    """Write the quarantined records of SOURCE back in their input format, to fix and re-submit.

    For a table: its header line, then each quarantined row exactly as it stands in the file,
    in line order. For RDF: the records' triples as N-Triples.

    Fix the rows, then merge them back into the full file and re-ingest it with `kg ingest FILE
    --source SOURCE --mapping M --replace`: a replace loads only what the file holds, so
    re-ingesting the fixed rows alone as SOURCE would drop every record loaded before. (Or
    ingest them as a source of their own.)
    """
    entries = _read(source)
    if not entries:
        _nothing_quarantined(source)
        return
    with _errors_to_exit_codes():
        exported = export_quarantine(entries, table)
    if output is None:
        sys.stdout.write(exported.text)
    else:
        # newline="": the rows are written exactly as read, line breaks inside cells included.
        output.write_text(exported.text, encoding="utf-8", newline="")
    what = f"rows of {exported.table}" if exported.kind == "table" else "records as N-Triples"
    where = f" to {output}" if output is not None else ""
    err.print(f"{source}: exported {exported.exported} {what}{where}", highlight=False)
    if exported.left_out:
        shown = ", ".join(exported.left_out[:5])
        more = f" and {len(exported.left_out) - 5} more" if len(exported.left_out) > 5 else ""
        # Another table's rows, or records made of several rows (a strategy, say), which are
        # fixed through their rows: named, so none is forgotten.
        err.print(
            f"not exported ({len(exported.left_out)}): {shown}{more}; see `kg quarantine show "
            f"{source}`",
            highlight=False,
            soft_wrap=True,
        )


if __name__ == "__main__":  # pragma: no cover - `python -m kg.cli_quarantine` until registered
    quarantine_app()
