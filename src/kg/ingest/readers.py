"""Reading source files, with errors that say which file, which line and what is wrong."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import InitVar, dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.plugins.parsers.notation3 import BadSyntax

from kg.errors import InvalidInput
from kg.ingest.records import Record
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


def require_utf8(path: Path) -> None:
    """Raise :class:`InvalidInput` naming the first line that is not UTF-8 text.

    A table saved as Latin-1 or windows-1252 would otherwise fail half-way through with a
    traceback, or (read another way) load mis-decoded names.
    """
    with path.open("rb") as handle:
        # UTF-8 never uses the byte 0x0A inside a character, so lines can be decoded one by one.
        for line, data in enumerate(handle, start=1):
            try:
                data.decode("utf-8")
            except UnicodeDecodeError as exc:
                byte = data[exc.start]
                raise InvalidInput(
                    f"{path.name}: not UTF-8 text: line {line}, byte {exc.start + 1} "
                    f"(0x{byte:02X}, {bytes([byte]).decode('cp1252', 'replace')!r} in "
                    "windows-1252); re-save the file as UTF-8",
                    line=line,
                ) from exc


@dataclass(frozen=True)
class TableFile:
    """A table file as read: its name, and its header line exactly as it stands in the file
    (without the line end), so quarantined rows can be written back under it."""

    name: str
    header_text: str


class TableRow(dict[str, str]):
    """A CSV row with the line it started on, its text as it stands in the file, the table it
    belongs to and, if it is malformed, why."""

    line: int
    problem: str | None
    #: The row's physical lines (several when a quoted cell holds a line break), without the
    #: final line end.
    raw_text: str
    table: TableFile


@dataclass
class TableRecord(Record):
    """A record made from one table row: it keeps the row's table, so that a quarantined row
    can be exported under its header line and re-submitted (``kg quarantine export``).

    Given the ``row`` it was made from, it takes the row's line, text and table from it."""

    table: TableFile | None = None
    row: InitVar[TableRow | None] = None

    def __post_init__(self, row: TableRow | None) -> None:
        if row is not None:
            self.line, self.raw_text, self.table = row.line, row.raw_text, row.table
        super().__post_init__()


def _without_line_end(text: str) -> str:
    r"""The text without one final line end (``\r\n``, ``\n`` or ``\r``).

    >>> _without_line_end('a,"b\r\nc"\r\n')
    'a,"b\r\nc"'
    """
    if text.endswith("\r\n"):
        return text[:-2]
    return text[:-1] if text.endswith(("\n", "\r")) else text


def read_table(path: Path, required_columns: list[str]) -> Iterator[TableRow]:
    """Yield the rows of a CSV/TSV file as dicts.

    A missing header column is an input error (nothing can be mapped); a row with the wrong
    number of fields is yielded with ``problem`` set, so it is quarantined rather than lost.
    Each row keeps its text as it stands in the file (``raw_text``) and its table's header line.
    """
    require_file(path)
    delimiter = TABULAR_FORMATS[path.suffix.lower()]
    # Checked before the first row is yielded, so a file in another encoding is refused whole
    # rather than half-loaded (and the error names the line, which the csv module cannot).
    require_utf8(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        # The physical lines the csv reader took for the row it is reading: the reader pulls
        # one line at a time, so after each next() these are exactly that row's lines.
        consumed: list[str] = []

        def lines() -> Iterator[str]:
            for text in handle:
                consumed.append(text)
                yield text

        reader = csv.reader(lines(), delimiter=delimiter, strict=True)
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
        table = TableFile(path.name, _without_line_end("".join(consumed)))
        while True:
            line = reader.line_num + 1
            consumed.clear()
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
            row.raw_text = _without_line_end("".join(consumed))
            row.table = table
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
