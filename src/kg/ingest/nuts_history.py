"""NUTS versions and the changes between them: which current region an old code became.

Statistics are published on the NUTS version of their day (most regional series here use NUTS
2016 codes, some 2013), while ClusterKG's current regions are NUTS 2024. This module reads the
Eurostat region lists of each version and the change tables between consecutive versions (as
described by ``data/sources/nuts/nuts-versions.yaml``) and answers: *which region(s) of the
newest version that covers the country does this published code correspond to?*

How a code is followed from one version to the next:

1. the change table names its new code(s) (unchanged, renamed, recoded, boundary shift);
2. otherwise, if the code still exists in the next version, it is the same region;
3. otherwise (discontinued, split, merged without a named successor), its successors are read
   from its NUTS-3 regions: each is followed to the next version and its ancestor at the same
   level is taken. This is how ``LT00`` (2013) becomes ``LT01`` and ``LT02``, and ``NL31`` (2021)
   becomes ``NL35``.

A country that a newer list does not cover (the UK and the EFTA and candidate countries are not
in the NUTS 2024 file) stops at the newest version that covers it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from pathlib import Path

import yaml

from kg.errors import InvalidInput
from kg.ingest.readers import Correction, read_corrections
from kg.ingest.records import MappingContext, RegionRemap

#: Where the descriptor of the bundled NUTS files lives, relative to the data directory.
BUNDLED_DESCRIPTOR = Path("sources/nuts/nuts-versions.yaml")
NUTS_VERSION_SCHEME = "http://data.europa.eu/nuts/scheme/{year}"

REGION_COLUMNS = ("nuts_code", "label", "level", "parent_code", "country_code")
#: Columns ``corrections.csv`` may correct (the region's label and parent).
CORRECTABLE = ("label", "parent_code")

#: Words of the change tables' free-text comments → concepts of scheme:nuts-change. The tables
#: word the same change differently from one edition to the next ("recoded (ressignment)",
#: "Code change", "relabelled and recoded").
CHANGE_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("split", "split"),
    ("merge", "merged"),
    ("discontinued", "discontinued"),
    ("new", "new-region"),
    ("recod", "recoded"),
    ("code change", "recoded"),
    ("boundary", "boundary-shift"),
    ("renamed", "renamed"),
    ("name change", "renamed"),
    ("relabel", "renamed"),
)


def change_types(comment: str) -> tuple[str, ...]:
    """Kinds of change a change-table comment names, in a fixed order.

    >>> change_types("boundary change, recode")
    ('recoded', 'boundary-shift')
    >>> change_types("new NUTS 1 region, merge of ex-NUTS 2 regions FR26 and FR43")
    ('merged', 'new-region')
    >>> change_types("art. 5(2a)")
    ()
    """
    text = comment.lower()
    found = {concept for keyword, concept in CHANGE_KEYWORDS if keyword in text}
    return tuple(
        concept for concept in dict.fromkeys(c for _, c in CHANGE_KEYWORDS) if concept in found
    )


@dataclass(frozen=True)
class RegionRow:
    """A region as one version's list gives it."""

    code: str
    label: str
    level: int
    parent: str | None
    country: str
    line: int
    #: The file the row was read from (a version's list, or a change table).
    file: Path


@dataclass(frozen=True)
class ChangeRow:
    """One row of a change table between two consecutive versions."""

    from_version: int
    to_version: int
    old_code: str | None
    new_code: str | None
    level: int
    comment: str
    label: str
    line: int
    file: Path
    #: Why the row holds, for rows ClusterKG wrote itself (the 2010 supplement).
    evidence: str = ""

    @property
    def types(self) -> tuple[str, ...]:
        """Kinds of change (concept local names of scheme:nuts-change) the comment names."""
        return change_types(self.comment)


@dataclass(frozen=True)
class Resolution:
    """Where a published code leads in the current version."""

    published: str
    #: The version the code was read in (the declared one if it has the code), None if unknown.
    version: int | None
    #: Codes of the newest version that covers the country; empty if no successor is known.
    current: tuple[str, ...]

    @property
    def remap(self) -> RegionRemap | None:
        """None when the code is current as published; else remapped or unresolved."""
        if self.version is None or not self.current:
            return "unresolved"
        return None if self.current == (self.published,) else "remapped"


@dataclass
class NutsHistory:
    """Region lists per version and change tables between consecutive versions."""

    regions: dict[int, dict[str, RegionRow]]
    changes: dict[tuple[int, int], list[ChangeRow]]
    #: Every file read, for provenance.
    files: list[Path] = field(default_factory=list)
    #: Documented corrections applied to every version's row: code → (column, value, evidence).
    corrections: dict[str, list[Correction]] = field(default_factory=dict)
    #: Latin transliterations of Greek and Cyrillic labels (code → transliteration).
    transliterations: dict[str, str] = field(default_factory=dict)

    @property
    def versions(self) -> list[int]:
        """The versions, oldest first."""
        return sorted(self.regions)

    @property
    def current_version(self) -> int:
        """The newest version: its regions are the current ones."""
        return self.versions[-1]

    def countries(self, version: int) -> set[str]:
        """Country codes a version's list covers."""
        return self._countries[version]

    @cached_property
    def _countries(self) -> dict[int, set[str]]:
        return {
            version: {row.country for row in regions.values()}
            for version, regions in self.regions.items()
        }

    def version_of(self, code: str, declared: int | None = None) -> int | None:
        """The version to read a published code in: the declared one if it has the code, else
        the newest version that does (sources are not always consistent), else None."""
        if declared is not None and code in self.regions.get(declared, {}):
            return declared
        having = [v for v in self.versions if code in self.regions[v]]
        return having[-1] if having else None

    def step(self, code: str, version: int, next_version: int) -> tuple[str, ...]:
        """The codes of ``next_version`` that ``code`` of ``version`` became (see module doc)."""
        return self._step(code, version, next_version)

    def _step(self, code: str, version: int, next_version: int, depth: int = 0) -> tuple[str, ...]:
        named = self._named_successors.get((version, next_version), {}).get(code)
        if named:
            return named
        if code in self.regions[next_version]:
            return (code,)
        successors: set[str] = set()
        if not depth:
            for descendant in self._leaves(code, version):
                for new in self._step(descendant, version, next_version, depth + 1):
                    ancestor = new[: len(code)]
                    if ancestor in self.regions[next_version]:
                        successors.add(ancestor)
        if not successors:
            adjacent = self._adjacent_successors.get((version, next_version), {})
            successors.update(adjacent.get(code, ()))
        return tuple(sorted(successors))

    def resolve(self, code: str, declared_version: int | None = None) -> Resolution:
        """Follow a published code to the newest version that covers its country."""
        code = code.strip()
        published_version = version = self.version_of(code, declared_version)
        if version is None:
            return Resolution(code, None, ())
        codes: tuple[str, ...] = (code,)
        country = code[:2]
        for next_version in [v for v in self.versions if v > version]:
            if country not in self.countries(next_version):
                break
            followed: set[str] = set()
            for current in codes:
                followed.update(self.step(current, version, next_version))
            codes = tuple(sorted(followed))
            version = next_version
            if not codes:
                break
        return Resolution(code, published_version, codes)

    def successors(self, change: ChangeRow) -> tuple[str, ...]:
        """The new codes of a change row; for a discontinued code, those read from its NUTS-3
        regions (empty if none)."""
        if change.new_code:
            return (change.new_code,)
        if change.old_code:
            return self.step(change.old_code, change.from_version, change.to_version)
        return ()

    def predecessors(self, change: ChangeRow) -> tuple[str, ...]:
        """For a new region (no old code in the row): the old codes that lead to it."""
        if change.old_code:
            return (change.old_code,)
        if not change.new_code:
            return ()
        old_regions = self.regions[change.from_version]
        candidates = [c for c, row in old_regions.items() if row.level == change.level]
        return tuple(
            sorted(
                c
                for c in candidates
                if change.new_code in self.step(c, change.from_version, change.to_version)
            )
        )

    def _leaves(self, code: str, version: int) -> tuple[str, ...]:
        return self._leaves_by_prefix[version].get(code, ())

    @cached_property
    def _leaves_by_prefix(self) -> dict[int, dict[str, tuple[str, ...]]]:
        # Per version, NUTS-3 codes by each shorter prefix (country, NUTS-1, NUTS-2): codes nest
        # by prefix.
        by_version: dict[int, dict[str, tuple[str, ...]]] = {}
        for version, regions in self.regions.items():
            leaves: dict[str, list[str]] = {}
            for code, row in regions.items():
                if row.level == 3:
                    for length in range(2, len(code)):
                        leaves.setdefault(code[:length], []).append(code)
            by_version[version] = {prefix: tuple(codes) for prefix, codes in leaves.items()}
        return by_version

    @cached_property
    def _named_successors(self) -> dict[tuple[int, int], dict[str, tuple[str, ...]]]:
        # Per pair of versions, the successors the table names: an old and a new code in one
        # row, or codes of the same level named in the comment of a row with only one of them
        # ("discontinued; now part of NO082", "new; made from ex-NO012, NO031 and NO032",
        # "split into new HR02, HR05 and HR06").
        by_pair: dict[tuple[int, int], dict[str, tuple[str, ...]]] = {}
        for pair, rows in self.changes.items():
            named: dict[str, set[str]] = {}
            for change in rows:
                if change.old_code and change.new_code:
                    named.setdefault(change.old_code, set()).add(change.new_code)
                elif change.old_code:
                    for new in _codes_after(change.comment, SUCCESSOR_WORDS, change.old_code):
                        named.setdefault(change.old_code, set()).add(new)
                elif change.new_code:
                    for old in _codes_after(change.comment, PREDECESSOR_WORDS, change.new_code):
                        named.setdefault(old, set()).add(change.new_code)
            by_pair[pair] = {code: tuple(sorted(new)) for code, new in named.items()}
        return by_pair

    @cached_property
    def _adjacent_successors(self) -> dict[tuple[int, int], dict[str, tuple[str, ...]]]:
        # The tables list a discontinued code (old column only) right before the new codes that
        # replace it at the same level ("Boundary shift" then "New region" with the same name;
        # "Split" then its parts). Used only when the lower levels say nothing (NUTS-3 regions,
        # or a region whose NUTS-3 regions were not traceable), because a row such as HR04
        # ("split into new HR02, HR05 and HR06") is followed by only one of its parts.
        by_pair: dict[tuple[int, int], dict[str, tuple[str, ...]]] = {}
        for pair, rows in self.changes.items():
            adjacent: dict[str, tuple[str, ...]] = {}
            for index, change in enumerate(rows):
                if not change.old_code or change.new_code:
                    continue
                following: list[str] = []
                for later in rows[index + 1 :]:
                    if later.old_code or not later.new_code or later.level != change.level:
                        break
                    following.append(later.new_code)
                if following:
                    adjacent[change.old_code] = tuple(following)
            by_pair[pair] = adjacent
        return by_pair


#: Words after which a change-table comment names the successors of a discontinued code, or
#: the predecessors of a new one.
SUCCESSOR_WORDS = ("part of", "split into")
PREDECESSOR_WORDS = ("merge of", "made from")
_CODE = re.compile(r"\b[A-Z]{2}[0-9A-Z]{0,3}\b")


def _codes_after(comment: str, words: tuple[str, ...], code: str) -> list[str]:
    """NUTS codes of the same country and level as ``code`` named after one of ``words``.

    >>> _codes_after("new; made from ex-NO012, NO031 and NO032", PREDECESSOR_WORDS, "NO082")
    ['NO012', 'NO031', 'NO032']
    >>> _codes_after("new region, equals ex-NUTS 3 region LT00A", PREDECESSOR_WORDS, "LT01")
    []
    """
    lowered = comment.lower()
    for phrase in words:
        at = lowered.find(phrase)
        if at >= 0:
            return [
                found
                for found in _CODE.findall(comment[at + len(phrase) :])
                if found[:2] == code[:2] and len(found) == len(code) and found != code
            ]
    return []


def load_history(descriptor: Path) -> NutsHistory:
    """Read the NUTS files a descriptor (``nuts-versions.yaml``) lists; see its comments."""
    return _load_history(descriptor.resolve())


@cache
def _load_history(descriptor: Path) -> NutsHistory:
    if not descriptor.is_file():
        raise InvalidInput(f"{descriptor}: the NUTS versions descriptor is missing")
    spec = yaml.safe_load(descriptor.read_text(encoding="utf-8")) or {}
    directory = descriptor.parent
    files: list[Path] = []

    def path_of(name: object, what: str) -> Path:
        if not isinstance(name, str):
            raise InvalidInput(f"{descriptor.name}: {what} needs a file name")
        path = directory / name
        if not path.is_file():
            raise InvalidInput(f"{descriptor.name}: {what}: {name} does not exist")
        files.append(path)
        return path

    regions: dict[int, dict[str, RegionRow]] = {}
    for year, name in (spec.get("versions") or {}).items():
        regions[int(year)] = _read_regions(path_of(name, f"version {year}"))
    changes: dict[tuple[int, int], list[ChangeRow]] = {}
    for entry in spec.get("changes") or []:
        try:
            start, end = int(entry["from"]), int(entry["to"])
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInput(f"{descriptor.name}: a change table needs from and to") from exc
        path = path_of(entry.get("file"), f"changes {start}-{end}")
        changes[(start, end)] = _read_changes(path, start, end)
        # The oldest version has no list of its own here, and the 2016 list lacks the EFTA and
        # candidate countries: codes a table knows and the list does not are taken from it.
        for code, row in _regions_from_changes(changes[(start, end)]).items():
            regions.setdefault(start, {}).setdefault(code, row)
    if not regions:
        raise InvalidInput(f"{descriptor.name}: no NUTS version is listed")
    history = NutsHistory(regions=regions, changes=changes, files=files)
    if spec.get("corrections"):
        path = path_of(spec["corrections"], "corrections")
        history.corrections = read_corrections(path, "nuts_code", CORRECTABLE)
        for code, corrections in history.corrections.items():
            for column, value, _evidence in corrections:
                for version_regions in regions.values():
                    if code in version_regions:
                        version_regions[code] = _corrected(version_regions[code], column, value)
    if spec.get("transliterations"):
        path = path_of(spec["transliterations"], "transliterations")
        for latin in _dict_rows(path, ("Code", "Label", "Transliteration to Latin")):
            history.transliterations[latin["Code"]] = latin["Transliteration to Latin"]
    return history


def _corrected(row: RegionRow, column: str, value: str) -> RegionRow:
    if column == "label":
        return replace(row, label=value)
    return replace(row, parent=value or None)


def bundled_history(context: MappingContext) -> NutsHistory:
    """The bundled NUTS history, its files recorded as used by the mapping's source."""
    if context.data_dir is None:
        raise InvalidInput("this mapping resolves NUTS codes and needs the data directory")
    history = load_history(context.data_dir / BUNDLED_DESCRIPTOR)
    for path in [context.data_dir / BUNDLED_DESCRIPTOR, *history.files]:
        context.use(path)
    return history


def _dict_rows(path: Path, columns: tuple[str, ...]) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = set(columns) - set(reader.fieldnames or [])
        if missing:
            raise InvalidInput(f"{path.name}: missing columns {sorted(missing)}")
        for row in reader:
            yield {key: (value or "").strip() for key, value in row.items() if key}


def _read_regions(path: Path) -> dict[str, RegionRow]:
    regions: dict[str, RegionRow] = {}
    for line, row in enumerate(_dict_rows(path, REGION_COLUMNS), start=2):
        code = row["nuts_code"]
        if not code or not row["level"].isdigit():
            raise InvalidInput(f"{path.name}: line {line} is not a region: {row}")
        regions[code] = RegionRow(
            code=code,
            label=row["label"],
            level=int(row["level"]),
            parent=row["parent_code"] or None,
            country=row["country_code"] or code[:2],
            line=line,
            file=path,
        )
    return regions


def _read_changes(path: Path, start: int, end: int) -> list[ChangeRow]:
    old_column, new_column = f"code_{start}", f"code_{end}"
    rows: list[ChangeRow] = []
    for line, row in enumerate(_dict_rows(path, (old_column, new_column, "level")), start=2):
        # 2016→2021 gives a numeric change_code and the words in change_comment; the others
        # have one `change` column.
        comment = row.get("change_comment") or row.get("change") or ""
        if not row["level"].isdigit() or not (row[old_column] or row[new_column]):
            raise InvalidInput(f"{path.name}: line {line} is not a change: {row}")
        rows.append(
            ChangeRow(
                from_version=start,
                to_version=end,
                old_code=row[old_column] or None,
                new_code=row[new_column] or None,
                level=int(row["level"]),
                comment=comment,
                label=row.get("label", ""),
                line=line,
                file=path,
                evidence=row.get("evidence", ""),
            )
        )
    return rows


def _regions_from_changes(changes: list[ChangeRow]) -> dict[str, RegionRow]:
    regions: dict[str, RegionRow] = {}
    for change in changes:
        if change.old_code and change.old_code not in regions:
            code = change.old_code
            regions[code] = RegionRow(
                code=code,
                label=change.label,
                level=change.level,
                parent=code[:-1] if change.level > 0 else None,
                country=code[:2],
                line=change.line,
                file=change.file,
            )
    return regions
