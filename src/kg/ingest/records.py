"""What a mapping produces: records, each a small RDF graph that is validated and loaded whole."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

#: How a record's region was resolved against the current NUTS version (see kg.ingest.nuts_history):
#: ``"remapped"``: published on an older code and linked to its current successor(s);
#: ``"unresolved"``: published on a code that no change table leads to a current region.
RegionRemap = Literal["remapped", "unresolved"]


_LINE = re.compile(r"^line (\d+)$")

#: How much a message weighs: a violation quarantines the record, a warning lets it load.
Severity = Literal["violation", "warning"]


@dataclass(frozen=True)
class RowMessage:
    """One finding about a record, for a data steward: how much it weighs, the column (or
    property) it is about, and what is wrong in words (with a hint where one helps)."""

    severity: Severity
    column: str | None
    text: str

    def as_json(self) -> dict[str, str | None]:
        """JSON form: ``{"severity", "column", "text"}``."""
        return {"severity": self.severity, "column": self.column, "text": self.text}


@dataclass
class Record:
    """One source record mapped to RDF.

    ``key`` names the record for people (``"row 12"``, ``"partner:certh"``); ``raw`` is the record
    as read (JSON-serialisable) so a quarantined record can be fixed and re-submitted.
    """

    key: str
    graph: Graph
    raw: Mapping[str, Any] = field(default_factory=dict)
    location: str | None = None
    #: Set when the record could not be mapped at all (e.g. a malformed row): it is quarantined.
    problem: str | None = None
    #: The column (or property) ``problem`` is about, when one is.
    problem_column: str | None = None
    #: Findings that do not stop the record from loading (the mapping's own checks; SHACL
    #: warnings come from validation).
    warnings: list[RowMessage] = field(default_factory=list)
    #: The physical line of a table row (the header is line 1); None for other inputs.
    line: int | None = None
    #: The row exactly as it stands in the file (for a table; None for other inputs), so that
    #: a quarantined row can be exported and re-submitted as it was read.
    raw_text: str | None = None

    def __post_init__(self) -> None:
        # Mappings of tables name a row's place as "line N": its line, for the report.
        if self.line is None and self.location is not None:
            match = _LINE.match(self.location)
            if match:
                self.line = int(match.group(1))

    #: Set by mappings that resolve published NUTS codes to the current NUTS version.
    region_remap: RegionRemap | None = None


def record_iri(graph: Graph) -> str | None:
    """The IRI a record is about: the typed resource of its graph that no other triple of the
    record points to (a priority, not the period or strategy it refers to); the first in IRI
    order when there are several, None for an empty record."""
    subjects = {s for s in graph.subjects() if isinstance(s, URIRef)}
    referenced = {o for o in graph.objects() if isinstance(o, URIRef)}
    roots = sorted(str(s) for s in subjects - referenced if (s, RDF.type, None) in graph)
    if not roots:
        roots = sorted(str(s) for s in subjects - referenced) or sorted(str(s) for s in subjects)
    return roots[0] if roots else None


@dataclass(frozen=True)
class MappingContext:
    """What a mapping needs besides its input: where minted IRIs live and which file it reads."""

    base_iri: str
    source_name: str
    source_file: Path
    #: IRI naming the source document, used as ``dct:source`` on every mapped resource.
    source_document: URIRef
    #: The project's data directory: bundled reference files (the NUTS version and change
    #: tables) that mappings of other sources resolve codes against.
    data_dir: Path | None = None
    #: Further files the mapping read besides ``source_file`` (filled by :meth:`use`), so the
    #: provenance of the source names and checksums every one of them.
    used_files: list[Path] = field(default_factory=list, compare=False)

    def use(self, path: Path) -> URIRef:
        """Record that the mapping reads ``path`` too; returns the IRI naming that document."""
        if path not in self.used_files and path != self.source_file:
            self.used_files.append(path)
        return self.document(path)

    def document(self, path: Path) -> URIRef:
        """IRI of a source document of this source: ``{base}source/{source}/{file name}``."""
        return URIRef(f"{self.base_iri}source/{self.source_name}/{path.name}")

    def mint(self, kind: str, key: str) -> URIRef:
        """Mint a data IRI ``{base}{kind}/{slug(key)}``.

        >>> base = "https://w3id.org/clusterkg/id/"
        >>> ctx = MappingContext(base, "seeds", Path("x"), URIRef("urn:x"))
        >>> ctx.mint("project", "ClusterFY")
        rdflib.term.URIRef('https://w3id.org/clusterkg/id/project/clusterfy')
        """
        return URIRef(f"{self.base_iri}{kind}/{slugify(key)}")


class RecordMapping(Protocol):
    """A mapping: reads one source file and yields records."""

    def __call__(self, context: MappingContext) -> Iterator[Record]: ...


def slugify(text: str) -> str:
    """Lower-case ASCII slug for IRIs.

    >>> slugify("Castilla-La Mancha (UCLM)")
    'castilla-la-mancha-uclm'
    >>> slugify("Κεντρική Μακεδονία")
    'kentriki-makedonia'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    normalised = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    ascii_text = normalised.encode("ascii", "ignore").decode("ascii")
    if not ascii_text.strip() and text.strip():
        ascii_text = _greek_to_latin(normalised)
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if not slug:
        raise ValueError(f"cannot make an IRI slug of {text!r}")
    return slug


_GREEK = dict(
    zip(
        "αβγδεζηθικλμνξοπρσςτυφχψω",
        [
            "a",
            "b",
            "g",
            "d",
            "e",
            "z",
            "i",
            "th",
            "i",
            "k",
            "l",
            "m",
            "n",
            "x",
            "o",
            "p",
            "r",
            "s",
            "s",
            "t",
            "y",
            "f",
            "ch",
            "ps",
            "o",
        ],
        strict=True,
    )
)


def _greek_to_latin(text: str) -> str:
    return "".join(_GREEK.get(ch, ch) for ch in text.lower())
