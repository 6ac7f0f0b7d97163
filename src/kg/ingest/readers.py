"""Reading source files, with errors that say which file, which line and what is wrong."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.plugins.parsers.notation3 import BadSyntax

from kg.errors import InvalidInput
from kg.store.terms import to_rdflib

#: RDF formats by file extension, as rdflib names them.
RDF_FORMATS = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".nq": "nquads",
    ".trig": "trig",
    ".jsonld": "json-ld",
    ".json-ld": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
}
TABULAR_FORMATS = {".csv": ",", ".tsv": "\t"}
DOCUMENT_FORMATS = {".yaml", ".yml"}


def require_file(path: Path) -> Path:
    """Return ``path`` if it is a readable file, else raise :class:`InvalidInput`."""
    if not path.exists():
        raise InvalidInput(f"{path}: no such file")
    if not path.is_file():
        raise InvalidInput(f"{path}: not a file")
    return path


def file_format(path: Path) -> str:
    """The format family of a file from its extension: ``rdf``, ``tabular`` or ``document``.

    >>> file_format(Path("regions.csv"))
    'tabular'
    >>> file_format(Path("x.xlsx"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kg.errors.InvalidInput: x.xlsx: unknown format '.xlsx'; known: .csv .json-ld .jsonld .nq ...
    """
    suffix = path.suffix.lower()
    if suffix in RDF_FORMATS:
        return "rdf"
    if suffix in TABULAR_FORMATS:
        return "tabular"
    if suffix in DOCUMENT_FORMATS:
        return "document"
    known = sorted({*RDF_FORMATS, *TABULAR_FORMATS, *DOCUMENT_FORMATS})
    raise InvalidInput(
        f"{path}: unknown format '{suffix}'; known: {' '.join(known)}",
        known_formats=known,
    )


#: pyoxigraph parses these 10-26x faster than rdflib (see NOTES on the stack); graph names in
#: N-Quads/TriG are not kept: a file's records all go to its source's named graph.
_OXIGRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "xml": ox.RdfFormat.RDF_XML,
}


def read_rdf(path: Path) -> Graph:
    """Parse an RDF file; syntax errors name the file and line."""
    require_file(path)
    rdf_format = RDF_FORMATS[path.suffix.lower()]
    graph = Graph()
    if rdf_format in _OXIGRAPH_FORMATS:
        try:
            for quad in ox.parse(path=str(path), format=_OXIGRAPH_FORMATS[rdf_format]):
                graph.add(
                    (to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object))
                )
        except SyntaxError as exc:
            line = exc.lineno or 0
            raise InvalidInput(
                f"{path.name}: broken {rdf_format} at line {line}: {exc.msg}", line=line
            ) from exc
        except (OSError, ValueError, TypeError) as exc:  # TypeError: RDF-star triple terms
            raise InvalidInput(f"{path.name}: cannot parse as {rdf_format}: {exc}") from exc
        return graph
    try:
        graph.parse(path, format=rdf_format)
    except BadSyntax as exc:
        raise InvalidInput(
            f"{path.name}: broken {rdf_format} at line {exc.lines + 1}: {exc.message}",
            line=exc.lines + 1,
        ) from exc
    except Exception as exc:  # rdflib's parsers raise many types; all mean "cannot read this file"
        raise InvalidInput(f"{path.name}: cannot parse as {rdf_format}: {exc}") from exc
    return graph


class TableRow(dict[str, str]):
    """A CSV row with the line it started on and, if it is malformed, why."""

    line: int
    problem: str | None


def read_table(path: Path, required_columns: list[str]) -> Iterator[TableRow]:
    """Yield the rows of a CSV/TSV file as dicts.

    A missing header column is an input error (nothing can be mapped); a row with the wrong
    number of fields is yielded with ``problem`` set, so it is quarantined rather than lost.
    """
    require_file(path)
    delimiter = TABULAR_FORMATS[path.suffix.lower()]
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter, strict=True)
        try:
            header = next(reader)
        except StopIteration:
            raise InvalidInput(f"{path.name}: the file is empty; expected a header row") from None
        except csv.Error as exc:
            raise InvalidInput(f"{path.name}: malformed header: {exc}", line=1) from exc
        missing = [column for column in required_columns if column not in header]
        if missing:
            raise InvalidInput(
                f"{path.name}: missing column(s) {', '.join(missing)}; the header has "
                f"{', '.join(header)}",
                line=1,
            )
        while True:
            line = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise InvalidInput(
                    f"{path.name}: malformed CSV at line {line}: {exc}", line=line
                ) from exc
            if not cells:
                continue
            row = TableRow(zip(header, cells, strict=False))
            row.line = line
            row.problem = None
            if len(cells) != len(header):
                row.problem = (
                    f"line {line} has {len(cells)} fields but the header has {len(header)}"
                )
            yield row


#: One documented correction: (column, corrected value, evidence).
Correction = tuple[str, str, str]


def read_corrections(
    path: Path, key_column: str, correctable: Iterable[str]
) -> dict[str, list[Correction]]:
    """A corrections table beside a source (``{key_column},column,value,evidence``), by key.

    Every row must name a correctable column and give its evidence; anything else is an error,
    because a correction that cannot be applied must not be skipped quietly.
    """
    allowed = sorted(correctable)
    corrections: dict[str, list[Correction]] = {}
    for row in read_table(path, [key_column, "column", "value", "evidence"]):
        if row.problem or row["column"] not in allowed or not row["evidence"].strip():
            raise InvalidInput(
                f"{path.name}: line {row.line} is not a valid correction (columns {key_column}, "
                f"column, value, evidence; column one of {', '.join(allowed)}): {dict(row)}"
            )
        corrections.setdefault(row[key_column].strip(), []).append(
            (row["column"], row["value"], row["evidence"].strip())
        )
    return corrections
