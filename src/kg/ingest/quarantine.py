"""Quarantine: invalid records go to a JSON-lines file with a report a data steward can read."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Graph

from kg.ingest.records import Record
from kg.validation import ValidationReport


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
        """One JSON-lines entry: the record as read, the report in words and as SHACL Turtle."""
        entry: dict[str, Any] = {
            "source": source,
            "record": self.record.key,
            "location": self.record.location,
            "data": dict(self.record.raw),
            "reason": self.reason,
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
