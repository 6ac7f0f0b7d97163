"""Keyword rules relating S3 priorities and cluster organisations to KET/ATI technologies.

The rules live in ``data/sources/s3/technology_rules.yaml``: each has an ``id``, the technology
it points to (``ket:…`` or ``ati:…``), keywords grouped by language, optional exclusions and a
note saying why. A keyword matches a *whole word* (or, ending in ``*``, a word that starts with
it), in any case unless listed under ``case_sensitive``; spaces in a keyword match any run of
white space. When an exclusion matches any field of a resource, the rule ignores the resource
(its words are read in that context: biotechnology for health is not industrial biotechnology).
Rules read only the
fields their file names (labels, sector and technology words), never the curated ``notes``:
those repeat one text over every row of a source and name technologies of other rows. A
technology a row already names in its ``technologies`` column (sourced) is not derived again:
a resource's technology is either sourced or derived, never both.

What the rules produce is *derived*, not sourced: the mapping ``s3-technology-matches`` writes
each match as a ``ckg:TechnologyMatch`` with the shortcut ``ckg:derivedTechnology``, in a graph
of its own, and never as ``ckg:technology``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kg.errors import InvalidInput
from kg.ingest.readers import read_table

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_TECHNOLOGY = re.compile(r"^(ket|ati):[a-z0-9-]+$")
RULE_FIELDS = frozenset({"id", "technology", "keywords", "case_sensitive", "exclude", "note"})
TARGET_KINDS = frozenset({"s3-priority", "cluster"})


def keyword_pattern(keyword: str, *, case_sensitive: bool = False) -> re.Pattern[str]:
    """A whole-word pattern for a keyword; a trailing ``*`` allows any word ending.

    >>> bool(keyword_pattern("robot*").search("Robotica e meccatronica"))
    True
    >>> bool(keyword_pattern("laser").search("lasers"))
    False
    >>> bool(keyword_pattern("AI", case_sensitive=True).search("ai sistemi produttivi"))
    False
    """
    text = keyword.strip()
    prefix = text.endswith("*")
    core = text[:-1] if prefix else text
    if not core.strip():
        raise InvalidInput(f"keyword {keyword!r} is empty")
    body = r"\s+".join(re.escape(part) for part in core.split())
    tail = r"\w*" if prefix else ""
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.compile(rf"(?<!\w){body}{tail}(?!\w)", flags)


@dataclass(frozen=True)
class Rule:
    """One keyword rule."""

    id: str
    technology: str
    keywords: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    exclusions: tuple[re.Pattern[str], ...]
    note: str

    def excluded(self, texts: Iterable[str]) -> bool:
        """Whether an exclusion of the rule matches one of ``texts``."""
        return any(pattern.search(text) for text in texts for pattern in self.exclusions)

    def matches(self, text: str) -> list[str]:
        """The words of ``text`` this rule matches."""
        found: list[str] = []
        for pattern in self.patterns:
            found.extend(" ".join(m.group(0).split()) for m in pattern.finditer(text))
        return found


@dataclass(frozen=True)
class Target:
    """A table the rules apply to: what kind of resource its rows are and which columns count."""

    kind: str
    file: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    targets: tuple[Target, ...]


@dataclass(frozen=True)
class Resource:
    """One row of a target table."""

    kind: str
    id: str
    label: str
    file: str
    line: int
    fields: tuple[tuple[str, str], ...]
    #: Technologies the row names itself (its ``technologies`` column): not derived again.
    sourced: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    """A (resource, technology) pair and the rules and words that produced it."""

    kind: str
    resource_id: str
    label: str
    technology: str
    rules: tuple[str, ...]
    keywords: tuple[str, ...]
    #: (field, word) pairs, for review.
    evidence: tuple[tuple[str, str], ...]
    file: str
    line: int


def load_rules(path: Path) -> RuleSet:
    """Read and check the rule file; any mistake is an :class:`InvalidInput` naming the rule."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InvalidInput(f"{path.name}: cannot read the rules: {exc}") from exc
    if not isinstance(document, dict):
        raise InvalidInput(f"{path.name}: expected a mapping with 'targets' and 'rules'")
    targets = tuple(_target(path, entry) for entry in _list(path, document, "targets"))
    rules: list[Rule] = []
    seen: set[str] = set()
    for entry in _list(path, document, "rules"):
        rule = _rule(path, entry)
        if rule.id in seen:
            raise InvalidInput(f"{path.name}: rule {rule.id}: the id is used twice")
        seen.add(rule.id)
        rules.append(rule)
    return RuleSet(rules=tuple(rules), targets=targets)


def _list(path: Path, document: dict[str, Any], key: str) -> list[Any]:
    value = document.get(key)
    if not isinstance(value, list) or not value:
        raise InvalidInput(f"{path.name}: '{key}' must be a non-empty list")
    return value


def _target(path: Path, entry: Any) -> Target:
    if not isinstance(entry, dict) or set(entry) != {"kind", "file", "fields"}:
        raise InvalidInput(f"{path.name}: each target needs exactly kind, file and fields")
    if entry["kind"] not in TARGET_KINDS:
        raise InvalidInput(
            f"{path.name}: target kind {entry['kind']!r} is not one of {sorted(TARGET_KINDS)}"
        )
    fields = entry["fields"]
    if not isinstance(fields, list) or not fields or not all(isinstance(f, str) for f in fields):
        raise InvalidInput(f"{path.name}: target {entry['kind']}: fields must list column names")
    if "notes" in fields:
        raise InvalidInput(
            f"{path.name}: target {entry['kind']}: rules must not read 'notes' (the curated notes "
            "repeat one text over all rows of a source)"
        )
    return Target(kind=entry["kind"], file=str(entry["file"]), fields=tuple(fields))


def _rule(path: Path, entry: Any) -> Rule:
    if not isinstance(entry, dict):
        raise InvalidInput(f"{path.name}: each rule must be a mapping")
    rule_id = entry.get("id")
    if not isinstance(rule_id, str) or not _ID.match(rule_id):
        raise InvalidInput(f"{path.name}: rule id {rule_id!r} must be lower-case letters and '-'")
    where = f"{path.name}: rule {rule_id}"
    unknown = set(entry) - RULE_FIELDS
    if unknown:
        raise InvalidInput(f"{where}: unknown field(s) {sorted(unknown)}")
    technology = entry.get("technology")
    if not isinstance(technology, str) or not _TECHNOLOGY.match(technology):
        raise InvalidInput(f"{where}: technology must be ket:<name> or ati:<name>")
    keywords_by_language = entry.get("keywords")
    if not isinstance(keywords_by_language, dict) or not keywords_by_language:
        raise InvalidInput(f"{where}: keywords must map languages to lists of words")
    keywords: list[str] = []
    for language, words in keywords_by_language.items():
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise InvalidInput(f"{where}: keywords.{language} must be a list of words")
        keywords.extend(words)
    case_sensitive = _strings(where, entry, "case_sensitive")
    exclusions = _strings(where, entry, "exclude")
    note = entry.get("note", "")
    if not isinstance(note, str):
        raise InvalidInput(f"{where}: note must be text")
    patterns = [keyword_pattern(word) for word in keywords]
    patterns += [keyword_pattern(word, case_sensitive=True) for word in case_sensitive]
    return Rule(
        id=rule_id,
        technology=technology,
        keywords=tuple([*keywords, *case_sensitive]),
        patterns=tuple(patterns),
        exclusions=tuple(keyword_pattern(word) for word in exclusions),
        note=" ".join(note.split()),
    )


def _strings(where: str, entry: dict[str, Any], key: str) -> list[str]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise InvalidInput(f"{where}: {key} must be a list of words")
    return value


def read_targets(rules: RuleSet, directory: Path) -> list[Resource]:
    """The rows of every target table (relative to ``directory``), in file order."""
    resources: list[Resource] = []
    for target in rules.targets:
        columns = ["id", target_label_column(target), "technologies", *target.fields]
        rows = read_table(directory / target.file, list(dict.fromkeys(columns)))
        resources.extend(
            resources_from_rows(target, ((row.line, row) for row in rows if not row.problem))
        )
    return resources


def target_label_column(target: Target) -> str:
    """The column naming a row of the target table, for people."""
    return "label" if target.kind == "s3-priority" else "name"


def resources_from_rows(
    target: Target, rows: Iterable[tuple[int, Mapping[str, str]]]
) -> list[Resource]:
    """The resources of a target table's rows (line, row).

    Rows without a valid id are left out: their own mapping quarantines them, so a match to
    them would point at nothing.
    """
    label_column = target_label_column(target)
    resources: list[Resource] = []
    for line, row in rows:
        identifier = (row.get("id") or "").strip()
        if not _ID.match(identifier):
            continue
        label = (row.get("label_en") or "").strip() or (row.get(label_column) or "").strip()
        resources.append(
            Resource(
                kind=target.kind,
                id=identifier,
                label=label,
                file=target.file,
                line=line,
                fields=tuple((f, (row.get(f) or "").strip()) for f in target.fields),
                sourced=tuple(
                    t.strip() for t in (row.get("technologies") or "").split(";") if t.strip()
                ),
            )
        )
    return resources


def find_matches(rules: RuleSet, resources: Iterable[Resource]) -> list[Match]:
    """One match per (resource, technology), resources in table order, rules in file order."""
    matches: list[Match] = []
    for resource in resources:
        found: dict[str, tuple[list[str], list[tuple[str, str]]]] = {}
        texts = [text for _, text in resource.fields]
        for rule in rules.rules:
            if rule.technology in resource.sourced or rule.excluded(texts):
                continue
            for field_name, text in resource.fields:
                for word in rule.matches(text):
                    rule_ids, evidence = found.setdefault(rule.technology, ([], []))
                    if rule.id not in rule_ids:
                        rule_ids.append(rule.id)
                    if (field_name, word) not in evidence:
                        evidence.append((field_name, word))
        for technology, (rule_ids, evidence) in found.items():
            keywords = tuple(dict.fromkeys(word for _, word in evidence))
            matches.append(
                Match(
                    kind=resource.kind,
                    resource_id=resource.id,
                    label=resource.label,
                    technology=technology,
                    rules=tuple(rule_ids),
                    keywords=keywords,
                    evidence=tuple(evidence),
                    file=resource.file,
                    line=resource.line,
                )
            )
    return matches


def sample(matches: Sequence[Match], size: int = 10) -> list[Match]:
    """A deterministic spread of matches for review: one per technology in turn."""
    by_technology: dict[str, list[Match]] = {}
    for match in matches:
        by_technology.setdefault(match.technology, []).append(match)
    chosen: list[Match] = []
    queues = [list(group) for _, group in sorted(by_technology.items())]
    while len(chosen) < size and any(queues):
        for queue in queues:
            if queue and len(chosen) < size:
                chosen.append(queue.pop(0))
    return chosen


def review_markdown(rules: RuleSet, resources: Sequence[Resource], matches: Sequence[Match]) -> str:
    """The review page of the derived matches (``technology_matches_review.md``)."""
    lines = [
        "# Derived technology matches: review",
        "",
        "Generated by `python -m kg.ingest.curated_s3` from `technology_rules.yaml` and the",
        "converted tables; do not edit by hand. Each match is *derived* by a keyword rule, not",
        "stated by a source: in the graph it is a `ckg:TechnologyMatch` with the shortcut",
        "`ckg:derivedTechnology`, never `ckg:technology`.",
        "",
        "## Coverage",
        "",
        "Derived technologies are only those a row does not already name (sourced, its",
        "`technologies` column).",
        "",
        "| resources | rows | with a sourced technology | with ≥1 derived technology | "
        "with either | matches |",
        "|---|---|---|---|---|---|",
    ]
    for target in rules.targets:
        rows = [r for r in resources if r.kind == target.kind]
        hits = [m for m in matches if m.kind == target.kind]
        derived = {m.resource_id for m in hits}
        sourced = {r.id for r in rows if r.sourced}
        lines.append(
            f"| {target.kind} (`{target.file}`) | {len(rows)} | {len(sourced)} | {len(derived)} "
            f"| {len(sourced | derived)} | {len(hits)} |"
        )
    lines += [
        "",
        "## Matches per technology",
        "",
        "| technology | matches | rules |",
        "|---|---|---|",
    ]
    per_technology = Counter(m.technology for m in matches)
    for rule_technology in dict.fromkeys(rule.technology for rule in rules.rules):
        rule_ids = ", ".join(r.id for r in rules.rules if r.technology == rule_technology)
        lines.append(f"| `{rule_technology}` | {per_technology[rule_technology]} | {rule_ids} |")
    lines += [
        "",
        "## Ten samples to review",
        "",
        "One per technology in turn. Check that the word really means the technology in its",
        "context; if not, add an exclusion to the rule (or drop the keyword) and regenerate.",
        "",
        *_match_table(sample(matches)),
        "",
        "## All matches",
        "",
        *_match_table(matches),
        "",
    ]
    return "\n".join(lines)


def _match_table(matches: Iterable[Match]) -> list[str]:
    lines = [
        "| resource | label | technology | rule | matched words (field) |",
        "|---|---|---|---|---|",
    ]
    for match in matches:
        words = "; ".join(f"{word} ({field})" for field, word in match.evidence)
        label = match.label.replace("|", "/")
        lines.append(
            f"| {match.kind} `{match.resource_id}` | {label} | `{match.technology}` | "
            f"{', '.join(match.rules)} | {words.replace('|', '/')} |"
        )
    return lines
