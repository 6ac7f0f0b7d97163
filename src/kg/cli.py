"""The ``kg`` command line. Exit codes: 0 ok, 1 validation failures present, 2 usage/input error."""

from __future__ import annotations

import csv
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kg.cli_history import history_command
from kg.cli_keys import keys_app
from kg.cli_quarantine import quarantine_app
from kg.config import Settings, get_settings
from kg.derive import DeriveReport
from kg.errors import InvalidInput, KGError, NotFound
from kg.ingest.mappings import MAPPINGS
from kg.ingest.pipeline import IngestReport, ingest_file
from kg.ingest.provenance import SourceDescription
from kg.ingest.sources import load_manifest
from kg.matching import rebuild_matches
from kg.matching.answers import MatchAnswer, answer_csv, region_results
from kg.namespaces import curie
from kg.queries import Catalogue
from kg.refresh import derive_after, derived_inputs
from kg.stats import (
    class_counts,
    indicator_counts,
    nuts_counts,
    scheme_counts,
    source_counts,
)
from kg.store import (
    EmbeddedStore,
    QueryResult,
    RdfSerialization,
    ResultFormat,
    Store,
    open_store,
)
from kg.strengths import rebuild_strengths
from kg.strengths.answers import (
    ComponentAnswer,
    RegionStrengths,
    parse_technology,
    region_strengths,
)
from kg.technology_matches import rebuild_technology_matches
from kg.technology_matches.review import review_markdown
from kg.validation import ShapeValidator

app = typer.Typer(
    help="ClusterKG: build, validate, query and serve the cluster / KET / S3 knowledge graph.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(keys_app, name="keys", help="Write keys: create, list and revoke named keys.")
app.add_typer(
    quarantine_app, name="quarantine", help="Quarantined records: list, show, export to fix."
)
app.command("history")(history_command)
# Into a log or a pipe, rich would cut tables to 80 columns: give them room instead.
out = Console(width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 200)

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
MAPPING_NAMES = ", ".join(sorted(MAPPINGS))
#: The record counts of an ingest, as `kg build` and `kg stats` show them.
RECORD_COUNTS = ("read", "loaded", "quarantined", "remapped", "unresolved")


class QueryOutput(StrEnum):
    """Output formats of ``kg query``."""

    table = "table"
    csv = "csv"
    tsv = "tsv"
    json = "json"


class ExportFormat(StrEnum):
    """Output formats of ``kg export``."""

    ttl = "ttl"
    nt = "nt"
    nq = "nq"
    trig = "trig"
    jsonld = "jsonld"


@contextmanager
def _errors_to_exit_codes() -> Iterator[None]:
    """Print a :class:`KGError` as one clear line and exit with its code."""
    try:
        yield
    except KGError as exc:
        err.print(f"[bold red]error:[/] {exc.detail}", highlight=False, soft_wrap=True)
        raise typer.Exit(exc.exit_code) from None


def _validator(settings: Settings) -> ShapeValidator:
    return ShapeValidator(settings.shapes_dir, settings.ontology_dir)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


def _ingest_with_progress(
    store: Store,
    settings: Settings,
    validator: ShapeValidator,
    progress: Progress,
    *,
    source: SourceDescription,
    path: Path,
    mapping_name: str | None,
    dry_run: bool = False,
    replace: bool = False,
    compare_changes: bool = True,
) -> IngestReport:
    task = progress.add_task(f"{source.name}: validating", total=None)

    def advance(done: int, total: int) -> None:
        progress.update(task, completed=done, total=total)

    report = ingest_file(
        store,
        settings,
        validator,
        source=source,
        path=path,
        mapping_name=mapping_name,
        dry_run=dry_run,
        replace=replace,
        compare_changes=compare_changes,
        progress=advance,
    )
    progress.remove_task(task)
    _log_step(report.summary())
    return report


def _log_step(line: str) -> None:
    """One line per finished step when stderr is not a terminal (a log, CI), where the
    progress bar is off: a long build is never silent."""
    if not err.is_terminal:
        err.print(line, highlight=False, soft_wrap=True)


def _print_rows(report: IngestReport, limit: int | None = 50) -> None:
    """The records with findings (quarantined, or loaded with warnings) as a table: line,
    outcome, record, column and message; loaded records without findings are counted."""
    noted = [row for row in report.rows if row.messages]
    if not noted:
        return
    table = Table(title=f"{report.source}: records with findings", show_lines=True)
    for column in ("line", "outcome", "record", "column", "message"):
        table.add_column(column, justify="right" if column == "line" else "left")
    for row in noted[:limit]:
        for number, message in enumerate(row.messages):
            first = number == 0
            table.add_row(
                str(row.line or row.location or "") if first else "",
                row.outcome if first else "",
                (row.iri or row.record) if first else "",
                message.column or "",
                f"{message.severity}: {message.text}",
                style="red" if message.severity == "violation" else None,
            )
    out.print(table)
    if limit is not None and len(noted) > limit:
        out.print(
            f"… and {len(noted) - limit} more records with findings (--report FILE.json has "
            "them all)",
            highlight=False,
        )


def _print_reports(reports: list[IngestReport], details: bool = True) -> None:
    """The counts of each ingest as a table, its summary and (with ``details``) the first
    quarantined records and warnings."""
    table = Table(title="Ingest", show_lines=False)
    for column in ("source", *RECORD_COUNTS, "triples", "warnings", "seconds"):
        table.add_column(column, justify="left" if column == "source" else "right")
    for r in reports:
        table.add_row(
            r.source,
            str(r.records_read),
            str(r.records_loaded),
            str(r.records_quarantined),
            str(r.records_remapped),
            str(r.records_unresolved),
            str(r.triples),
            str(r.warnings),
            f"{r.seconds:.1f}",
        )
    out.print(table)
    for r in reports:
        out.print(r.summary(), highlight=False, soft_wrap=True)
        if not details:
            continue
        for entry in r.quarantined[:5]:
            out.print(
                f"  quarantined {entry.record.key}: {entry.reason}", highlight=False, soft_wrap=True
            )
        if len(r.quarantined) > 5:
            out.print(f"  … and {len(r.quarantined) - 5} more", highlight=False)
        for key, note in r.warning_notes[:3]:
            out.print(f"  warning {key}: {note}", highlight=False, soft_wrap=True)
        if len(r.warning_notes) > 3:
            out.print(
                f"  … and {len(r.warning_notes) - 3} more warnings "
                "(`kg validate FILE --mapping NAME` lists them all)",
                highlight=False,
            )


@app.command()
def build(
    only: Annotated[
        list[str] | None, typer.Option("--source", help="Build only these bundled sources.")
    ] = None,
) -> None:
    """Load every bundled source (data/sources.yaml) into the store, validating each record."""
    settings = get_settings()
    with _errors_to_exit_codes():
        specs = load_manifest(settings.data_dir)
        if only:
            unknown = sorted(set(only) - {s.name for s in specs})
            if unknown:
                raise typer.BadParameter(
                    f"unknown source(s) {', '.join(unknown)}; bundled: "
                    f"{', '.join(s.name for s in specs)}"
                )
            specs = [s for s in specs if s.name in only]
        reports: list[IngestReport] = []
        with (
            _validator(settings) as validator,
            open_store(settings) as store,
            _progress() as progress,
        ):
            for spec in specs:
                reports.append(
                    _ingest_with_progress(
                        store,
                        settings,
                        validator,
                        progress,
                        source=spec.description,
                        path=spec.file,
                        mapping_name=spec.mapping,
                        # The bundled data is the project's own: a build refreshes it.
                        replace=True,
                        compare_changes=False,
                    )
                )
            changed = {settings.source_graph(spec.name) for spec in specs}
            derived = derive_after(
                changed, set(), store, settings, validator, partial(_step, progress)
            )
            total = len(store)
        _print_reports(reports)
        for report in derived:
            out.print(report.summary(), highlight=False)
        out.print(f"store {settings.store_path}: {total} quads in all", highlight=False)
    if any(r.records_quarantined for r in reports):
        raise typer.Exit(EXIT_INVALID)


@contextmanager
def _step(progress: Progress, description: str) -> Iterator[None]:
    """A derivation step: a progress line while it runs (a terminal), one log line after."""
    task = progress.add_task(description, total=None)
    started = time.perf_counter()
    try:
        yield
    finally:
        progress.remove_task(task)
    _log_step(f"{description.split(':')[0]}: done ({time.perf_counter() - started:.1f} s)")


@app.command()
def ingest(
    file: Annotated[
        Path, typer.Argument(help="Source file (.ttl, .nt, .jsonld, .rdf, .csv, .yaml).")
    ],
    source: Annotated[
        str, typer.Option(help="Source name; its records go to graph <base>graph/NAME.")
    ],
    mapping: Annotated[
        str | None,
        typer.Option(help=f"Mapping to apply: {MAPPING_NAMES}; RDF files need none."),
    ] = None,
    title: Annotated[str | None, typer.Option(help="Title of the source in the catalogue.")] = None,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="Replace a source that is already loaded (refused without it) and report "
            "which resources were removed, added and changed.",
        ),
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Run the whole pipeline and report; write nothing."),
    ] = False,
    report_file: Annotated[
        Path | None,
        typer.Option("--report", help="Write the report as JSON to this file (schema: README)."),
    ] = None,
) -> None:
    """Validate FILE and load its valid records into the named graph of SOURCE.

    Exit 0 when every record loaded, 1 when some were quarantined, 2 when refused (an existing
    source without --replace, an unreadable file)."""
    settings = get_settings()
    with _errors_to_exit_codes():
        description = SourceDescription(name=source, title=title or f"{source} ({file.name})")
        store_opened = _reference_store(settings) if dry_run else open_store(settings)
        with _validator(settings) as validator, store_opened as store, _progress() as progress:
            inputs_before = derived_inputs(store, settings)
            report = _ingest_with_progress(
                store,
                settings,
                validator,
                progress,
                source=description,
                path=file,
                mapping_name=mapping,
                dry_run=dry_run,
                replace=replace,
            )
            # New priorities or clusters get their technologies, and the matches follow.
            derived = []
            if report.written:
                derived = derive_after(
                    {report.graph},
                    inputs_before,
                    store,
                    settings,
                    validator,
                    partial(_step, progress),
                )
        _print_reports([report], details=False)
        _print_rows(report)
        for step in derived:
            out.print(step.summary(), highlight=False)
        _write_report(report_file, report)
    if report.records_quarantined:
        raise typer.Exit(EXIT_INVALID)


def _write_report(path: Path | None, report: IngestReport) -> None:
    if path is None:
        return
    path.write_text(json.dumps(report.as_json(), ensure_ascii=False, indent=1) + "\n")
    out.print(f"report written to {path}", highlight=False)


@app.command()
def validate(
    file: Annotated[Path, typer.Argument(help="File to validate.")],
    mapping: Annotated[str | None, typer.Option(help=f"Mapping to apply: {MAPPING_NAMES}.")] = None,
    report_file: Annotated[
        Path | None,
        typer.Option("--report", help="Write the report as JSON to this file (schema: README)."),
    ] = None,
) -> None:
    """Validate FILE against the shapes and print the report; writes nothing to the store."""
    settings = get_settings()
    with _errors_to_exit_codes():
        description = SourceDescription(name="validate", title=file.name)
        with (
            _validator(settings) as validator,
            _reference_store(settings) as store,
            _progress() as progress,
        ):
            report = _ingest_with_progress(
                store,
                settings,
                validator,
                progress,
                source=description,
                path=file,
                mapping_name=mapping,
                dry_run=True,
                # Not a source of the store: nothing to refuse or compare with.
                replace=True,
                compare_changes=False,
            )
        out.print(report.summary(), highlight=False, soft_wrap=True)
        _print_rows(report, limit=None)
        _write_report(report_file, report)
    if report.records_quarantined:
        raise typer.Exit(EXIT_INVALID)


@contextmanager
def _reference_store(settings: Settings) -> Iterator[Store]:
    """The built store, read-only, for reference look-ups; an empty one if none is built."""
    if settings.store_path.exists():
        with open_store(settings, read_only=True) as store:
            yield store
    else:
        err.print("note: no store built yet; references to regions cannot be checked")
        with EmbeddedStore(None) as store:
            yield store


@app.command()
def query(
    sparql: Annotated[
        str | None, typer.Argument(help="SPARQL query text ('-' reads stdin).")
    ] = None,
    file: Annotated[
        Path | None, typer.Option("--file", "-f", help="Read the query from a file.")
    ] = None,
    fmt: Annotated[
        QueryOutput, typer.Option("--format", help="Output format.")
    ] = QueryOutput.table,
    saved: Annotated[
        str | None, typer.Option("--saved", help="Run this saved query (see `kg queries`).")
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="A saved query's parameter as NAME=VALUE (repeat)."),
    ] = None,
) -> None:
    """Run a SPARQL query over the union of all graphs (GRAPH still addresses one source)."""
    settings = get_settings()
    with _errors_to_exit_codes():
        with open_store(settings, read_only=True) as store:
            if saved is not None:
                if sparql is not None or file is not None:
                    raise InvalidInput("give either a query or --saved NAME, not both")
                text = _saved_query_text(settings, saved, param or [], store)
            else:
                text = _query_text(sparql, file)
            result = store.query(text)
        if result.kind == "graph":
            assert result.graph is not None  # noqa: S101
            sys.stdout.write(result.graph.serialize(format="turtle"))
        elif fmt is QueryOutput.table:
            _print_table(result.variables if result.kind == "select" else ["boolean"], result)
        else:
            sys.stdout.write(result.serialize(ResultFormat(fmt.value)))


def _saved_query_text(settings: Settings, name: str, params: list[str], store: Store) -> str:
    catalogue = Catalogue.load(settings.queries_dir)
    if name not in catalogue:
        raise NotFound(f"no saved query {name!r}; `kg queries` lists them")
    values: dict[str, str] = {}
    for item in params:
        key, equals, value = item.partition("=")
        if not equals:
            raise InvalidInput(f"--param takes NAME=VALUE; got {item!r}")
        values[key.strip()] = value
    return catalogue[name].bind(values, store)


@app.command()
def queries() -> None:
    """List the saved queries with their parameters; a malformed file is reported with its line."""
    settings = get_settings()
    with _errors_to_exit_codes():
        catalogue = Catalogue.load(settings.queries_dir)
    table = Table("name", "question", "parameters", "tags")
    for query in catalogue.values():
        parameters = ", ".join(
            f"{p.name}: {p.type}{'' if p.required else '?'}" for p in query.parameters
        )
        table.add_row(query.name, query.summary, parameters, ", ".join(query.tags))
    out.print(table)
    out.print(f"{len(catalogue)} saved queries in {settings.queries_dir}", highlight=False)


def _query_text(sparql: str | None, file: Path | None) -> str:
    if file is not None:
        if sparql is not None:
            raise InvalidInput("give the query either as an argument or with --file, not both")
        if not file.is_file():
            raise InvalidInput(f"{file}: no such file")
        return file.read_text(encoding="utf-8")
    if sparql == "-":
        return sys.stdin.read()
    if not sparql:
        raise InvalidInput("no query given: pass SPARQL text, '-' for stdin, or --file FILE")
    return sparql


def _print_table(variables: list[str], result: QueryResult) -> None:
    table = Table(*variables)
    if result.kind == "ask":
        table.add_row("true" if result.boolean else "false")
    for row in result.rows:
        # IRIs shortened with the predeclared prefixes, so wide tables stay readable
        table.add_row(*[curie(str(row[v])) if v in row else "" for v in variables])
    out.print(table)
    if result.kind == "select":
        out.print(f"{len(result.rows)} rows", highlight=False)


@app.command("technology-matches")
def technology_matches(
    check: Annotated[
        bool, typer.Option("--check/--no-check", help="Validate the matches against the shapes.")
    ] = True,
    review: Annotated[
        Path | None,
        typer.Option(help="Also write the review page (Markdown) of what the rules matched."),
    ] = None,
) -> None:
    """Derive again the KET/ATI technologies of every S3 priority and cluster in the store, by the
    rules of data/mappings/technology_rules.yaml (e.g. after changing the rules)."""
    settings = get_settings()
    with _errors_to_exit_codes():
        with open_store(settings) as store, _progress() as progress:
            task = progress.add_task("technology matches: deriving", total=None)
            validator = _validator(settings) if check else None
            try:
                run = rebuild_technology_matches(store, settings, validator)
            finally:
                if validator is not None:
                    validator.close()
            progress.remove_task(task)
        out.print(run.report.summary(), highlight=False)
        if review is not None:
            text = review_markdown(run.rules, run.resources, run.matches, settings.base_iri)
            review.write_text(text, encoding="utf-8")
            out.print(f"review written to {review}", highlight=False)


def _rebuild(
    settings: Settings,
    name: str,
    rebuild: Callable[[Store, Settings, ShapeValidator | None], DeriveReport],
    *,
    check: bool,
) -> None:
    """Recompute one derived graph (`kg strengths --rebuild`, `kg match --rebuild`), validated
    against the shapes with ``check``, and print its report."""
    with open_store(settings) as store, _progress() as progress:
        task = progress.add_task(f"{name}: computing", total=None)
        validator = _validator(settings) if check else None
        try:
            report = rebuild(store, settings, validator)
        finally:
            if validator is not None:
                validator.close()
        progress.remove_task(task)
    out.print(report.summary(), highlight=False)


class MatchOutput(StrEnum):
    """Output formats of ``kg match``, ``kg gaps`` and ``kg peers``."""

    table = "table"
    csv = "csv"
    json = "json"


@app.command()
def match(
    region: Annotated[
        str | None, typer.Argument(help="NUTS code of any version and level, e.g. ITI3.")
    ] = None,
    technology: Annotated[
        str | None, typer.Option(help="Only this technology (ket:NAME or ati:NAME).")
    ] = None,
    min_score: Annotated[
        float | None, typer.Option(min=0.0, max=1.0, help="Only matches scoring at least this.")
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many matches.")] = None,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Recompute every region's matches, gaps and peers.")
    ] = False,
    check: Annotated[
        bool, typer.Option("--check", help="With --rebuild: validate them against the shapes.")
    ] = False,
    fmt: Annotated[
        MatchOutput, typer.Option("--format", help="Output format.")
    ] = MatchOutput.table,
) -> None:
    """Partner regions measured strong in what REGION's S3 priorities need, with the reasons."""
    settings = get_settings()
    with _errors_to_exit_codes():
        if rebuild:
            _rebuild(settings, "matches", rebuild_matches, check=check)
            if region is None:
                return
        if region is None:
            raise InvalidInput("name a region (e.g. `kg match ITI3`) or use --rebuild")
        wanted = parse_technology(technology) if technology else None
        with open_store(settings, read_only=True) as store:
            answer = region_results(
                store, region, "match", technology=wanted, min_score=min_score, limit=limit
            )
        _print_results(answer, fmt)


@app.command()
def gaps(
    region: Annotated[str, typer.Argument(help="NUTS code of any version and level, e.g. RO31.")],
    fmt: Annotated[
        MatchOutput, typer.Option("--format", help="Output format.")
    ] = MatchOutput.table,
) -> None:
    """REGION's S3 priorities whose technologies it is not measured strong in, with helpers."""
    settings = get_settings()
    with _errors_to_exit_codes(), open_store(settings, read_only=True) as store:
        _print_results(region_results(store, region, "gap"), fmt)


@app.command()
def peers(
    region: Annotated[str, typer.Argument(help="NUTS code of any version and level, e.g. RO31.")],
    fmt: Annotated[
        MatchOutput, typer.Option("--format", help="Output format.")
    ] = MatchOutput.table,
) -> None:
    """Regions structurally similar to REGION and stronger in what it needs, with the reasons."""
    settings = get_settings()
    with _errors_to_exit_codes(), open_store(settings, read_only=True) as store:
        _print_results(region_results(store, region, "peer"), fmt)


def _print_results(answer: MatchAnswer, fmt: MatchOutput) -> None:
    if fmt is MatchOutput.json:
        sys.stdout.write(json.dumps(answer.as_json(), ensure_ascii=False, indent=1) + "\n")
        return
    if fmt is MatchOutput.csv:
        sys.stdout.write(answer_csv(answer).replace("\r\n", "\n"))
        return
    if answer.note:
        out.print(answer.note, highlight=False, soft_wrap=True)
    document = answer.as_json()
    key = {"match": "matches", "gap": "gaps", "peer": "peers"}[answer.kind]
    table = Table(
        title=f"{key.capitalize()} of {answer.requested} ({answer.total})", show_lines=True
    )
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]]
    if answer.kind == "match":
        columns = ("#", "score", "priority → technology", "partner", "reasons")
        rows = [
            (str(r["rank"]), f"{r['score']:.3f}",
             f"{r['priority']['label']} → {r['technology']['label']}",
             f"{r['partnerRegion']['code']} {r['partnerRegion']['label']}",
             "\n".join(r["reasons"][1:]))
            for r in document[key]
        ]  # fmt: skip
    elif answer.kind == "gap":
        columns = ("priority → technology", "gap", "local", "helpers")
        rows = [
            (f"{r['priority']['label']} → {r['technology']['label']}", r["gapKind"],
             "" if r["localStrength"] is None or r["localStrength"]["score"] is None
             else f"{r['localStrength']['score']:.3f}",
             ", ".join(f"{h['region']['code']} {h['score']:.2f}" for h in r["helpers"]))
            for r in document[key]
        ]  # fmt: skip
    else:
        columns = ("#", "score", "peer", "similarity", "reasons")
        rows = [
            (str(r["rank"]), f"{r['score']:.3f}", f"{r['region']['code']} {r['region']['label']}",
             f"{r['similarity']:.3f}", "\n".join(r["reasons"]))
            for r in document[key]
        ]  # fmt: skip
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    out.print(table)


class StrengthsOutput(StrEnum):
    """Output formats of ``kg strengths``."""

    table = "table"
    csv = "csv"
    json = "json"


@app.command()
def strengths(
    region: Annotated[
        str | None, typer.Argument(help="NUTS code of any version and level, e.g. ITI3.")
    ] = None,
    technology: Annotated[
        str | None, typer.Option(help="Only this technology (ket:NAME or ati:NAME).")
    ] = None,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Recompute every strength from the graph.")
    ] = False,
    check: Annotated[
        bool,
        typer.Option("--check", help="With --rebuild: validate the strengths against the shapes."),
    ] = False,
    fmt: Annotated[
        StrengthsOutput, typer.Option("--format", help="Output format.")
    ] = StrengthsOutput.table,
) -> None:
    """A region's measured technology strengths (score, stars, components), or --rebuild them."""
    settings = get_settings()
    with _errors_to_exit_codes():
        if rebuild:
            _rebuild(settings, "strengths", rebuild_strengths, check=check)
            if region is None:
                return
        if region is None:
            raise InvalidInput("name a region (e.g. `kg strengths ITI3`) or use --rebuild")
        wanted = parse_technology(technology) if technology else None
        with open_store(settings, read_only=True) as store:
            answer = region_strengths(store, region, wanted)
        _print_strengths(answer, fmt)


def _print_strengths(answer: RegionStrengths, fmt: StrengthsOutput) -> None:
    if fmt is StrengthsOutput.json:
        sys.stdout.write(json.dumps(answer.as_json(), ensure_ascii=False, indent=1) + "\n")
        return
    rows = [
        (
            s.region,
            s.technology_label,
            "" if s.score is None else f"{s.score:.3f}",
            "" if s.stars is None else str(s.stars),
            str(s.component_count),
            "; ".join(_component_text(c) for c in s.components),
        )
        for s in answer.strengths
    ]
    header = ("region", "technology", "score", "stars", "components", "measured as")
    if fmt is StrengthsOutput.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return
    if answer.note:
        out.print(answer.note, highlight=False, soft_wrap=True)
    table = Table(title=f"Technology strengths of {answer.requested}")
    for column in header:
        table.add_column(column, justify="right" if column in ("score", "stars") else "left")
    for row in rows:
        table.add_row(*row)
    out.print(table)


def _component_text(component: ComponentAnswer) -> str:
    if component.value is None:
        return f"{component.kind}: {component.status}"
    return f"{component.kind} {component.value} (percentile {component.percentile})"


@app.command()
def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", help="Serialisation.")] = ExportFormat.nq,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File (default stdout).")
    ] = None,
) -> None:
    """Export the store: quads (nq, trig) keep graph names; triple formats give the union."""
    settings = get_settings()
    with _errors_to_exit_codes(), open_store(settings, read_only=True) as store:
        data = store.dump(RdfSerialization(fmt.value))
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        output.write_bytes(data)
        err.print(f"wrote {len(data)} bytes to {output}")


@app.command()
def stats() -> None:
    """What the graph holds: records per source, NUTS regions per version and level, concepts
    per code list, observations per indicator, triples per graph and resources per class."""
    settings = get_settings()
    with _errors_to_exit_codes(), open_store(settings, read_only=True) as store:
        sizes = store.graph_sizes()
        sources = source_counts(store)
        regions = nuts_counts(store)
        schemes = scheme_counts(store)
        indicators = indicator_counts(store)
        classes = class_counts(store)
    per_source = Table(
        "source", *RECORD_COUNTS, "triples", title="Records per source (last ingest)"
    )
    for counts in sources:
        per_source.add_row(
            counts.source,
            *(
                str(value)
                for value in (
                    counts.read,
                    counts.loaded,
                    counts.quarantined,
                    counts.remapped,
                    counts.unresolved,
                    counts.triples,
                )
            ),
        )
    out.print(per_source)
    nuts = Table("NUTS version", "level", "regions", title="NUTS regions (extra-regio left out)")
    for version, level, count in regions:
        nuts.add_row(version, str(level), str(count))
    out.print(nuts)
    per_scheme = Table("concept scheme", "concepts", title="Concepts per code list")
    for label, count in schemes:
        per_scheme.add_row(label, str(count))
    out.print(per_scheme)
    if indicators:
        per_indicator = Table(
            "indicator", "observations", "regions", "from", "to", title="Observations per indicator"
        )
        for label, count, areas, first, last in indicators:
            per_indicator.add_row(label, str(count), str(areas), first, last)
        out.print(per_indicator)
    graphs = Table("graph", "triples", title="Triples per graph")
    for graph, size in sizes.items():
        graphs.add_row(graph or "(default graph)", str(size))
    graphs.add_row("[bold]total[/]", f"[bold]{sum(sizes.values())}[/]")
    out.print(graphs)
    per_class = Table("class", "resources", title="Resources per class")
    for cls, count in classes:
        per_class.add_row(cls, str(count))
    out.print(per_class)


@app.command()
def serve(
    host: Annotated[
        str | None, typer.Option(help="Address to listen on (default KG_HOST).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default KG_PORT).")] = None,
) -> None:
    """Serve the HTTP API with uvicorn: SPARQL, linked data, REST collections, ontology, VoID."""
    import uvicorn

    from kg.api.app import create_app

    settings = get_settings()
    with _errors_to_exit_codes():
        application = create_app(settings)
        uvicorn.run(application, host=host or settings.host, port=port or settings.port)


if __name__ == "__main__":  # pragma: no cover
    app()
