"""Keyword and sector rules relating S3 priorities and cluster organisations to KET/ATI
technologies (the rule file ``data/mappings/technology_rules.yaml``).

Two kinds of rule, each with an ``id``, keywords grouped by language, optional exclusions and a
note saying why:

- a **technology rule** (``rules``) points to a technology (``ket:…`` or ``ati:…``): its words
  name the technology itself ("robotics", "domotica");
- a **sector rule** (``sector_rules``) points to one or more NACE divisions (``nace: [C28]``):
  its words name an industry ("mechatronics", "machine building"); the technologies then come
  from the sector table (``nace_technology.csv``), never from the rule itself.

A keyword matches a *whole word* (or, ending in ``*``, a word that starts with it), in any case
unless listed under ``case_sensitive``; spaces in a keyword match any run of white space. When
an exclusion matches any text of a resource, the rule ignores the resource (its words are read
in that context: biotechnology for health is not industrial biotechnology).

Rules read a resource's labels, description and subject words (``dct:subject``: the sector and
technology words of the source) — never the curated notes, which repeat one text over every
row of a source and name technologies of other rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kg.errors import InvalidInput

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_TECHNOLOGY = re.compile(r"^(ket|ati):[a-z0-9-]+$")
_DIVISION = re.compile(r"^[A-U][0-9]{2}$")
RULE_FIELDS = frozenset({"id", "technology", "keywords", "case_sensitive", "exclude", "note"})
SECTOR_RULE_FIELDS = frozenset({"id", "nace", "keywords", "case_sensitive", "exclude", "note"})
DOCUMENT_KEYS = frozenset({"rules", "sector_rules"})


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
    """One rule: to a technology (``technology``) or to a NACE division (``nace``)."""

    id: str
    keywords: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    exclusions: tuple[re.Pattern[str], ...]
    note: str
    #: ``ket:…``/``ati:…`` for a technology rule, else None.
    technology: str | None = None
    #: The NACE divisions of a sector rule, such as ``("C28",)``; empty for a technology rule.
    nace: tuple[str, ...] = ()

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
class RuleSet:
    """The technology rules and the sector rules of a rule file."""

    rules: tuple[Rule, ...]
    sector_rules: tuple[Rule, ...] = ()

    @property
    def all(self) -> tuple[Rule, ...]:
        """Every rule, technology rules first."""
        return (*self.rules, *self.sector_rules)


def load_rules(path: Path) -> RuleSet:
    """Read and check the rule file; any mistake is an :class:`InvalidInput` naming the rule."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InvalidInput(f"{path.name}: cannot read the rules: {exc}") from exc
    if not isinstance(document, dict):
        raise InvalidInput(f"{path.name}: expected a mapping with 'rules' and 'sector_rules'")
    unknown = set(document) - DOCUMENT_KEYS
    if unknown:
        raise InvalidInput(
            f"{path.name}: unknown key(s) {sorted(unknown)}; expected {sorted(DOCUMENT_KEYS)}"
        )
    rules = [_rule(path, entry, sector=False) for entry in _list(path, document, "rules")]
    sector_rules = [_rule(path, entry, sector=True) for entry in document.get("sector_rules") or []]
    seen: set[str] = set()
    for rule in (*rules, *sector_rules):
        if rule.id in seen:
            raise InvalidInput(f"{path.name}: rule {rule.id}: the id is used twice")
        seen.add(rule.id)
    return RuleSet(rules=tuple(rules), sector_rules=tuple(sector_rules))


def _list(path: Path, document: dict[str, Any], key: str) -> list[Any]:
    value = document.get(key)
    if not isinstance(value, list) or not value:
        raise InvalidInput(f"{path.name}: '{key}' must be a non-empty list")
    return value


def _rule(path: Path, entry: Any, *, sector: bool) -> Rule:
    if not isinstance(entry, dict):
        raise InvalidInput(f"{path.name}: each rule must be a mapping")
    rule_id = entry.get("id")
    if not isinstance(rule_id, str) or not _ID.match(rule_id):
        raise InvalidInput(f"{path.name}: rule id {rule_id!r} must be lower-case letters and '-'")
    where = f"{path.name}: {'sector rule' if sector else 'rule'} {rule_id}"
    unknown = set(entry) - (SECTOR_RULE_FIELDS if sector else RULE_FIELDS)
    if unknown:
        raise InvalidInput(f"{where}: unknown field(s) {sorted(unknown)}")
    technology = None
    nace: tuple[str, ...] = ()
    if sector:
        divisions = entry.get("nace")
        if (
            not isinstance(divisions, list)
            or not divisions
            or not all(isinstance(d, str) and _DIVISION.match(d) for d in divisions)
        ):
            raise InvalidInput(f"{where}: nace must list NACE divisions such as [C28]")
        nace = tuple(divisions)
    else:
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
    if not isinstance(note, str) or not note.strip():
        raise InvalidInput(f"{where}: note must say, in words, why the rule holds")
    patterns = [keyword_pattern(word) for word in keywords]
    patterns += [keyword_pattern(word, case_sensitive=True) for word in case_sensitive]
    return Rule(
        id=rule_id,
        technology=technology,
        nace=nace,
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


@dataclass(frozen=True)
class Resource:
    """An S3 priority or a cluster organisation, as the rules read it."""

    iri: str
    kind: str
    label: str
    #: (field, text) pairs: ``label``, ``description``, ``subject``.
    fields: tuple[tuple[str, str], ...]
    #: Technologies a source names for it (``ckg:technology``): not derived again.
    sourced: frozenset[str] = frozenset()
    #: NACE divisions a source names for it (``C28``), from ``ckg:economicDomain``/``naceSector``.
    divisions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hit:
    """What one rule found in one resource: the words and the fields they were in."""

    rule: Rule
    evidence: tuple[tuple[str, str], ...]


def rule_hits(rules: Iterable[Rule], resource: Resource) -> list[Hit]:
    """The rules that match ``resource``, in rule order, with the words they matched."""
    texts = [text for _, text in resource.fields]
    hits = []
    for rule in rules:
        if rule.excluded(texts):
            continue
        evidence: list[tuple[str, str]] = []
        for field_name, text in resource.fields:
            for word in rule.matches(text):
                if (field_name, word) not in evidence:
                    evidence.append((field_name, word))
        if evidence:
            hits.append(Hit(rule, tuple(evidence)))
    return hits
