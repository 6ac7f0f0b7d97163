"""Quarantine: invalid records go to a JSON-lines file with a report a data steward can read,
and come back out of it as rows to fix and re-submit (``kg quarantine``).

One file per source, ``{quarantine_dir}/{source}.jsonl``, one JSON object per quarantined record;
each ingest replaces it, and removes it when it quarantined nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from rdflib import Graph

from kg.errors import InvalidInput, NotFound
from kg.ingest.readers import TableRecord
from kg.ingest.records import Record, RowMessage
from kg.validation import Finding, ValidationReport

#: A quarantine entry as read back from its file (see :meth:`QuarantinedRecord.to_json`).
Entry = dict[str, Any]


@dataclass
class QuarantinedRecord:
    """A record that was not loaded, and why."""

    record: Record
    report: ValidationReport | None = None

    @property
    def reason(self) -> str:
        """Plain-words reason: the mapping problem or the SHACL violations."""
        if self.record.problem:
            return self.record.problem
        assert self.report is not None  # noqa: S101 - either a problem or a report
        return self.report.plain()

    def to_json(self, source: str) -> dict[str, Any]:
        """One JSON-lines entry: the record as read (for a table row: its line, its text as it
        stands in the file and the table's header line), the findings as the ingest report
        words them, and the SHACL report as Turtle."""
        table = self.record.table if isinstance(self.record, TableRecord) else None
        entry: dict[str, Any] = {
            "source": source,
            "record": self.record.key,
            "location": self.record.location,
            "line": self.record.line,
            "file": table.name if table else None,
            "header": table.header_text if table else None,
            "raw": self.record.raw_text,
            "data": dict(self.record.raw),
            "reason": self.reason,
            "messages": [m.as_json() for m in record_messages(self.record, self.report)],
        }
        if len(self.record.graph):
            # what the mapping made of the record, so a steward can see which triple is wrong
            entry["ntriples"] = lenient_ntriples(self.record.graph)
        if self.report is not None:
            entry["violations"] = [
                {
                    "focus_node": str(f.focus_node),
                    "path": f.path,
                    "value": f.value,
                    "constraint": f.component,
                    "message": f.message,
                }
                for f in self.report.violations
            ]
            try:
                entry["report_turtle"] = self.report.report_turtle
            except Exception:  # rdflib refuses to write malformed IRIs, which is why we are here
                entry["report_turtle"] = None
        return entry


def record_messages(record: Record, report: ValidationReport | None) -> list[RowMessage]:
    """The findings about a record, worded and ordered as in the ingest report: the mapping's
    problem, its warnings, then the shapes' findings (violations first)."""
    messages: list[RowMessage] = []
    if record.problem is not None:
        messages.append(RowMessage("violation", record.problem_column, record.problem))
    messages.extend(record.warnings)
    if report is not None:
        ordered = sorted(report.findings, key=lambda f: (not f.blocking, f.path or ""))
        messages.extend(finding_message(f) for f in ordered)
    return messages


def finding_message(finding: Finding) -> RowMessage:
    """A SHACL finding as a message about the property (column) it is on.

    >>> from rdflib import URIRef
    >>> finding_message(Finding(URIRef("https://x/a"), "MinCountConstraintComponent",
    ...     "Violation", "Give it a label.", path="rdfs:label")).text
    'Give it a label. [MinCount on <https://x/a>]'
    """
    value = f" (value {finding.value})" if finding.value else ""
    component = finding.component.removesuffix("ConstraintComponent")
    return RowMessage(
        "violation" if finding.blocking else "warning",
        finding.path,
        f"{finding.message}{value} [{component} on <{finding.focus_node}>]",
    )


def lenient_ntriples(graph: Graph) -> str:
    """N-Triples of a record, writing malformed IRIs as they are rather than failing: the
    quarantine must keep exactly what was read, broken parts included."""
    lines = []
    for triple in sorted(graph, key=str):
        terms = []
        for term in triple:
            try:
                terms.append(term.n3())
            except Exception:  # rdflib raises a bare Exception for an IRI it cannot write
                terms.append(f"<{term}>")
        lines.append(" ".join(terms) + " .")
    return "\n".join(lines) + "\n"


def write_quarantine(path: Path, source: str, entries: Iterable[QuarantinedRecord]) -> int:
    """Write (replace) a source's quarantine file; remove it when nothing is quarantined."""
    lines = [json.dumps(e.to_json(source), ensure_ascii=False) for e in entries]
    if not lines:
        path.unlink(missing_ok=True)
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text("\n".join(lines) + "\n", encoding="utf-8")
    temporary.replace(path)
    return len(lines)


# ── reading it back ──────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class QuarantineFile:
    """A source's quarantine file: how many records it holds and when it was written."""

    source: str
    path: Path
    records: int
    modified: datetime


def quarantine_files(directory: Path) -> list[QuarantineFile]:
    """The quarantine files in ``directory``, by source name (none if it does not exist)."""
    found = []
    for path in sorted(directory.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            records = sum(1 for line in handle if line.strip())
        modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        found.append(QuarantineFile(path.stem, path, records, modified))
    return found


def read_quarantine(directory: Path, source: str) -> list[Entry]:
    """The entries of a source's quarantine, in the order they were written.

    Raises :class:`~kg.errors.NotFound` naming the sources that have a quarantine file when
    ``source`` has none.
    """
    files = {found.source: found.path for found in quarantine_files(directory)}
    if source not in files:
        known = ", ".join(sorted(files)) or "none"
        raise NotFound(
            f"no quarantine for source {source!r} in {directory} (it was not ingested here, or "
            f"its last ingest loaded every record); sources with one: {known}"
        )
    entries = []
    with files[source].open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                entries.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise InvalidInput(
                    f"{files[source]}: line {number} is not a JSON object: {exc.msg}", line=number
                ) from exc
    return entries


def entry_messages(entry: Entry) -> list[RowMessage]:
    """The messages of an entry; for a file written before entries had them, its reason."""
    if "messages" in entry:
        return [RowMessage(m["severity"], m["column"], m["text"]) for m in entry["messages"]]
    return [RowMessage("violation", None, entry["reason"])]


@dataclass(frozen=True)
class QuarantineExport:
    """Quarantined records written back in their input's format."""

    #: ``table``: a header line and the rows as read; ``ntriples``: the records' triples.
    kind: Literal["table", "ntriples"]
    text: str
    #: The table the rows come from (``kind == "table"``).
    table: str | None
    #: How many rows or records the text holds.
    exported: int
    #: The records not in the text (their keys): no raw row or triples, or another table's.
    left_out: list[str] = field(default_factory=list)


def export_quarantine(entries: Sequence[Entry], table: str | None = None) -> QuarantineExport:
    """The quarantined rows of one table, as read, under its header line, in line order and with
    ``\\n`` line ends; or, when no entry is a table row, the records' N-Triples.

    A source whose rows come from several tables (a facts table read beside the main one) needs
    ``table``, the file name of one of them. Raises :class:`~kg.errors.InvalidInput` when there
    is nothing in an input format to write.

    >>> entry = {"record": "r", "line": 3, "file": "a.csv", "header": "a,b", "raw": "1,2"}
    >>> export_quarantine([entry]).text
    'a,b\\n1,2\\n'
    """
    tables: dict[str, list[Entry]] = {}
    for entry in entries:
        if entry.get("raw") is not None and entry.get("header") is not None and entry.get("file"):
            tables.setdefault(entry["file"], []).append(entry)
    if tables:
        if table is None and len(tables) > 1:
            counts = ", ".join(f"{name} ({len(rows)})" for name, rows in sorted(tables.items()))
            raise InvalidInput(
                f"the quarantined rows come from {len(tables)} tables: {counts}; choose one with "
                "--table"
            )
        name = table if table is not None else next(iter(tables))
        if name not in tables:
            raise InvalidInput(
                f"no quarantined rows of {name!r}; tables with some: {', '.join(sorted(tables))}"
            )
        chosen = tables[name]
        # One row may be quarantined as several records (an indicator file gives one per
        # value): it is written once.
        rows: dict[int, str] = {}
        for entry in chosen:
            rows.setdefault(entry.get("line") or 0, entry["raw"])
        text = chosen[0]["header"] + "\n" + "".join(raw + "\n" for _, raw in sorted(rows.items()))
        exported = {id(entry) for entry in chosen}
        left_out = [entry["record"] for entry in entries if id(entry) not in exported]
        return QuarantineExport("table", text, name, len(rows), left_out)
    if table is not None:
        raise InvalidInput(f"no quarantined rows of {table!r}: the entries are not table rows")
    triples = [entry for entry in entries if entry.get("ntriples")]
    if not triples:
        raise InvalidInput(
            "nothing to export: the quarantined records keep neither the rows as read nor "
            "their triples (see `kg quarantine show` for what was read)"
        )
    left_out = [entry["record"] for entry in entries if not entry.get("ntriples")]
    text = "".join(entry["ntriples"] for entry in triples)
    return QuarantineExport("ntriples", text, None, len(triples), left_out)
