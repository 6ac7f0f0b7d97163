"""Seed facts (``data/sources/seeds/seed_facts.yaml``) → one RDF record per curated fact record.

The YAML file is a hand-made extraction of what the five seed texts (project descriptions of
ClusterFY and ClusterPoliSEE in Italian, Greek and English) state. Each YAML record has an ``id``
(``<kind>:<key>``), a ``type``, type-specific fields and ``evidence``: verbatim quotes with the
seed file they come from. This mapping turns each YAML record into one :class:`Record` whose graph
describes the resource minted for it (plus the period or concept-scheme nodes it uses).

Rules the mapping enforces, so that every triple stays traceable:

- every typed resource gets ``dct:source`` → ``{base}source/seeds/{seed file}`` for each seed its
  evidence cites, and every quote must be an exact substring of that seed file (the seed files
  sit next to the YAML file);
- language maps: ``en``/``it``/``el`` are seed text in that language; ``en_translated`` is an
  English translation written for ClusterKG, tagged ``@en`` and flagged with a
  ``skos:editorialNote``; a plain string is a name without a language tag;
- ``note`` (inferences, judgement calls) becomes ``skos:editorialNote``; a ``helix_type`` and an
  editorial label (``label_editorial: true``) are flagged the same way;
- no blank nodes: periods are minted from their dates, concept schemes from their key, so the
  same input always gives the same triples;
- the links from a project to its parts (``ckg:hasPartnerRole``, ``ckg:leadPartner``,
  ``ckg:addressesInstrument``, ``ckg:plannedOutput``, ``ckg:thematicArea``) are written in the
  project's record, from the ``project`` field of each part, so a record only describes its own
  subject (plus its period or scheme node) and a finding on the project stays with the project;
- ``ckg:priorityAxis``, ``ckg:specificObjective`` and ``ckg:measure`` hold at most one text per
  language (the shapes say so): several values in one language are joined with " | ";
- a record with an unknown type or field, a missing required field, a dangling reference or a
  quote that is not in its seed raises :class:`~kg.errors.InvalidInput` naming the record id.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, ORG, RDF, RDFS, SKOS

from kg.errors import InvalidInput
from kg.ingest.readers import require_file
from kg.ingest.records import MappingContext, Record
from kg.namespaces import CKG, CKGC, NUTS, PREFIXES

#: Record ``type`` → the kind of its id and minted IRI (``{base}{kind}/{key}``).
KINDS: dict[str, str] = {
    "project": "project",
    "organisation": "organisation",
    "partner_role": "partner-role",
    "programme": "programme",
    "policy_instrument": "instrument",
    "output_target": "output",
    "thematic_area": "thematic-area",
}

#: Fields every record may have.
COMMON_FIELDS = frozenset({"id", "type", "evidence", "note", "label_editorial"})

#: Record ``type`` → (required fields, optional fields), besides :data:`COMMON_FIELDS`.
FIELDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "project": (
        frozenset({"label"}),
        frozenset(
            {
                "acronym",
                "programme",
                "period",
                "topic",
                "partner_count",
                "country_count",
                "thematic_scheme",
                "aims",
                "descriptions",
            }
        ),
    ),
    "organisation": (
        frozenset({"label"}),
        frozenset({"acronym", "alt_labels", "helix_type", "region", "collaborator_of"}),
    ),
    "partner_role": (
        frozenset({"label", "project", "organisation"}),
        frozenset({"role", "region", "addresses_instrument", "comment"}),
    ),
    "programme": (
        frozenset({"label"}),
        frozenset({"acronym", "alt_labels", "fund", "region", "period"}),
    ),
    "policy_instrument": (
        frozenset({"label", "project"}),
        frozenset(
            {
                "programme",
                "fund",
                "priority_axis",
                "specific_objective",
                "measure",
                "supports",
                "managing_body",
                "comment",
                "region",
                "period",
                "scope",
            }
        ),
    ),
    "output_target": (
        frozenset({"label", "project", "output_type"}),
        frozenset({"quantity", "quantity_is_minimum", "comment"}),
    ),
    "thematic_area": (
        frozenset({"label", "project", "scheme"}),
        frozenset({"alt_labels"}),
    ),
}

HELIX_TYPES = frozenset({"business", "academia", "government", "civil-society"})
ROLES = frozenset({"partner", "lead-partner", "project-partner", "associated-partner"})
OUTPUT_TYPES = frozenset(
    {
        "learning-event",
        "action-plan",
        "good-practice",
        "people-with-increased-capacity",
        "policy-recommendation",
    }
)
FUNDS = frozenset({"erdf", "esf", "national-budget"})
SCOPES = frozenset({"regional", "national"})

#: Record type → the property linking a project to a record of that type.
PROJECT_LINKS: dict[str, URIRef] = {
    "partner_role": CKG.hasPartnerRole,
    "policy_instrument": CKG.addressesInstrument,
    "output_target": CKG.plannedOutput,
    "thematic_area": CKG.thematicArea,
}
#: Separator of several same-language values of a property allowing one text per language.
JOINER = " | "

#: Keys of a language map: seed text in its language, or an editorial English translation.
SEED_LANGUAGES: dict[str, str] = {"en": "English", "it": "Italian", "el": "Greek"}
TRANSLATED = "en_translated"

_NUTS_CODE = re.compile(r"^[A-Z]{2}[0-9A-Z]{0,3}$")
_ID = re.compile(r"^([a-z-]+):([a-z0-9][a-z0-9-]*)$")
_SEED_NAME = re.compile(r"^[A-Za-z0-9._-]+\.txt$")


def seed_iri(context: MappingContext, seed_file_name: str) -> URIRef:
    """The IRI naming one seed file, used as ``dct:source``.

    >>> ctx = MappingContext("https://w3id.org/clusterkg/id/", "seeds", Path("x"), URIRef("urn:x"))
    >>> seed_iri(ctx, "000_094e50719e7fb405.txt")
    rdflib.term.URIRef('https://w3id.org/clusterkg/id/source/seeds/000_094e50719e7fb405.txt')
    """
    return URIRef(f"{context.base_iri}source/seeds/{seed_file_name}")


def map_seed_facts(context: MappingContext) -> Iterator[Record]:
    """Yield one record per YAML record of ``context.source_file``, in file order.

    Raises :class:`InvalidInput` (naming the record id) for a malformed file or record. Ids and
    types of the whole file are checked before the first record is yielded; fields, references
    and evidence as each record is mapped.
    """
    items = _load(context.source_file)
    types = _index(items)
    schemes = _schemes(items)
    links = _project_links(items, types)
    seeds = _SeedTexts(context.source_file.parent)
    for number, item in enumerate(items, start=1):
        builder = _RecordBuilder(context, item, types, schemes, links, seeds)
        graph = builder.build()
        yield Record(
            key=item["id"],
            graph=graph,
            raw=_json_safe(item),
            location=f"{context.source_file.name}, record {number}",
        )


# ── reading and whole-file checks ─────────────────────────────────────────────────────────────


def _load(path: Path) -> list[dict[str, Any]]:
    require_file(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{path}: not valid YAML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{path}: not UTF-8 text: {exc}") from exc
    if not isinstance(document, list):
        raise InvalidInput(f"{path}: expected a list of records at the top level")
    for number, item in enumerate(document, start=1):
        if not isinstance(item, dict):
            raise InvalidInput(f"{path}: record {number} is not a mapping")
        if not isinstance(item.get("id"), str) or not item["id"]:
            raise InvalidInput(f"{path}: record {number} has no id", record=number)
    return document


def _index(items: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Map each record id to its type, checking types, id syntax and uniqueness."""
    types: dict[str, str] = {}
    for item in items:
        record_id = item["id"]
        record_type = item.get("type")
        if record_type not in KINDS:
            raise InvalidInput(
                f"{record_id}: unknown type {record_type!r}; known types: {', '.join(KINDS)}",
                record=record_id,
            )
        match = _ID.match(record_id)
        if not match or match.group(1) != KINDS[record_type]:
            raise InvalidInput(
                f"{record_id}: the id of a {record_type} record must look like "
                f"'{KINDS[record_type]}:<lower-case-key>'",
                record=record_id,
            )
        if record_id in types:
            raise InvalidInput(f"{record_id}: duplicate record id", record=record_id)
        types[record_id] = record_type
    return types


def _schemes(items: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Concept-scheme key → id of the project record that defines it."""
    schemes: dict[str, str] = {}
    for item in items:
        spec = item.get("thematic_scheme")
        if item.get("type") == "project" and isinstance(spec, Mapping):
            key = spec.get("key")
            if isinstance(key, str) and key:
                if key in schemes:
                    raise InvalidInput(
                        f"{item['id']}: scheme {key!r} is already defined by {schemes[key]}",
                        record=item["id"],
                    )
                schemes[key] = item["id"]
    return schemes


def _project_links(
    items: Sequence[Mapping[str, Any]], types: Mapping[str, str]
) -> dict[str, list[tuple[URIRef, str]]]:
    """Project id → (property, target id) for each part that names the project.

    References are checked when the part itself is mapped; unresolvable ones are skipped here.
    """
    links: dict[str, list[tuple[URIRef, str]]] = {}
    for item in items:
        predicate = PROJECT_LINKS.get(item.get("type", ""))
        project = item.get("project")
        if predicate is None or not isinstance(project, str) or types.get(project) != "project":
            continue
        links.setdefault(project, []).append((predicate, item["id"]))
        member = item.get("organisation")
        if (
            item["type"] == "partner_role"
            and item.get("role") == "lead-partner"
            and isinstance(member, str)
            and types.get(member) == "organisation"
        ):
            links[project].append((CKG.leadPartner, member))
    return links


class _SeedTexts:
    """The seed files next to the YAML file, read once each."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._texts: dict[str, str] = {}

    def text(self, name: str, record_id: str) -> str:
        if not _SEED_NAME.match(name):
            raise InvalidInput(f"{record_id}: {name!r} is not a seed file name", record=record_id)
        if name not in self._texts:
            path = self.directory / name
            if not path.is_file():
                raise InvalidInput(
                    f"{record_id}: evidence cites {name}, which is not in {self.directory}",
                    record=record_id,
                )
            self._texts[name] = path.read_text(encoding="utf-8")
        return self._texts[name]


def _json_safe(value: Any) -> Any:
    """A copy of a YAML value with dates as ISO strings (``Record.raw`` must be JSON-ready)."""
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _normalise(text: str) -> str:
    """Collapse runs of whitespace (seed texts contain no-break spaces and hard wraps)."""
    return " ".join(text.split())


# ── one record ─────────────────────────────────────────────────────────────────────────────────


class _RecordBuilder:
    """Builds the graph of one YAML record; every error names the record id."""

    def __init__(
        self,
        context: MappingContext,
        item: Mapping[str, Any],
        types: Mapping[str, str],
        schemes: Mapping[str, str],
        links: Mapping[str, Sequence[tuple[URIRef, str]]],
        seeds: _SeedTexts,
    ) -> None:
        self.context = context
        self.item = item
        self.id: str = item["id"]
        self.type: str = item["type"]
        self.types = types
        self.schemes = schemes
        self.links = links
        self.seeds = seeds
        self.graph = Graph()
        for prefix, namespace in PREFIXES.items():
            self.graph.bind(prefix, namespace)
        self.subject = self.iri(self.id)

    # errors and generic helpers

    def fail(self, message: str) -> InvalidInput:
        return InvalidInput(f"{self.id}: {message}", record=self.id)

    def iri(self, record_id: str) -> URIRef:
        kind, key = record_id.split(":", 1)
        return self.context.mint(kind, key)

    def add(self, subject: URIRef, predicate: URIRef, obj: URIRef | Literal) -> None:
        self.graph.add((subject, predicate, obj))

    def note(self, subject: URIRef, text: str) -> None:
        self.add(subject, SKOS.editorialNote, Literal(_normalise(text), lang="en"))

    def check_fields(self) -> None:
        required, optional = FIELDS[self.type]
        missing = sorted(f for f in required if self.item.get(f) in (None, "", [], {}))
        if missing:
            raise self.fail(f"{self.type} record lacks required field(s): {', '.join(missing)}")
        unknown = sorted(set(self.item) - COMMON_FIELDS - required - optional)
        if unknown:
            raise self.fail(f"unknown field(s) for a {self.type} record: {', '.join(unknown)}")

    def ref(self, value: Any, field: str, *allowed: str) -> URIRef:
        """The IRI of another record of one of the ``allowed`` types."""
        if not isinstance(value, str) or value not in self.types:
            raise self.fail(f"{field}: {value!r} is not the id of a record in this file")
        if self.types[value] not in allowed:
            raise self.fail(f"{field}: {value} is a {self.types[value]}, expected {allowed}")
        return self.iri(value)

    def code(self, value: Any, field: str, allowed: frozenset[str]) -> URIRef:
        """A ``ckgc:`` code-list concept."""
        if value not in allowed:
            raise self.fail(f"{field}: {value!r} is not one of {', '.join(sorted(allowed))}")
        return CKGC[value]

    def region(self, value: Any, field: str = "region") -> URIRef:
        if not isinstance(value, str) or not _NUTS_CODE.match(value):
            raise self.fail(f"{field}: {value!r} is not a NUTS code")
        return NUTS[value]

    def integer(self, value: Any, field: str) -> Literal:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(f"{field}: {value!r} is not a non-negative integer")
        return Literal(value)  # a Python int gives xsd:integer

    def as_list(self, value: Any, field: str) -> list[Any]:
        if value is None:
            return []
        if isinstance(value, list):
            return value
        if isinstance(value, (str, Mapping)):
            return [value]
        raise self.fail(f"{field}: expected a value or a list of values")

    # evidence and provenance

    def sources(self, subject: URIRef, evidence: Any, field: str = "evidence") -> None:
        """Check ``evidence`` and add ``dct:source`` for each seed it cites."""
        if not isinstance(evidence, list) or not evidence:
            raise self.fail(f"{field}: at least one {{seed, quote}} is required")
        for entry in evidence:
            if not isinstance(entry, Mapping) or set(entry) != {"seed", "quote"}:
                raise self.fail(f"{field}: each entry needs exactly 'seed' and 'quote'")
            seed, quote = entry["seed"], entry["quote"]
            if not isinstance(seed, str) or not isinstance(quote, str) or not quote.strip():
                raise self.fail(f"{field}: seed and quote must be non-empty text")
            if quote not in self.seeds.text(seed, self.id):
                raise self.fail(f"{field}: quote {quote[:60]!r}… is not verbatim in {seed}")
            self.add(subject, DCTERMS.source, seed_iri(self.context, seed))

    # text

    def text(
        self,
        subject: URIRef,
        predicate: URIRef,
        value: Any,
        field: str,
        *,
        require_language: bool = False,
    ) -> None:
        """Add a language map (or, if allowed, a plain name) as literals of ``predicate``."""
        if isinstance(value, str):
            if require_language:
                raise self.fail(f"{field}: expected a language map ({{it: ..., en: ...}})")
            self.add(subject, predicate, Literal(_normalise(value)))
            return
        for literal in self.language_map(subject, value, field):
            self.add(subject, predicate, literal)

    def language_map(self, subject: URIRef, value: Any, field: str) -> list[Literal]:
        """The literals of one language map; flags an editorial translation on ``subject``."""
        if not isinstance(value, Mapping) or not value:
            raise self.fail(f"{field}: expected text or a language map")
        unknown = set(value) - set(SEED_LANGUAGES) - {TRANSLATED}
        if unknown:
            raise self.fail(f"{field}: unknown language key(s) {sorted(unknown)}")
        if "en" in value and TRANSLATED in value:
            raise self.fail(f"{field}: give either 'en' (seed text) or 'en_translated', not both")
        literals = []
        for key, text in value.items():
            if not isinstance(text, str) or not text.strip():
                raise self.fail(f"{field}.{key}: expected non-empty text")
            language = "en" if key == TRANSLATED else key
            literals.append(Literal(_normalise(text), lang=language))
        if TRANSLATED in value:
            originals = [name for key, name in SEED_LANGUAGES.items() if key in value]
            if not originals:
                raise self.fail(f"{field}: 'en_translated' needs the seed text it translates")
            self.note(
                subject,
                f"The English {field.replace('_', ' ')} text is an editorial translation of the "
                f"{' and '.join(originals)} seed text, not stated by the seeds.",
            )
        return literals

    def texts(self, subject: URIRef, predicate: URIRef, field: str, **options: bool) -> None:
        for value in self.as_list(self.item.get(field), field):
            self.text(subject, predicate, value, field, **options)

    def joined_texts(self, subject: URIRef, predicate: URIRef, field: str) -> None:
        """Language maps → one literal per language, several values joined with :data:`JOINER`."""
        by_language: dict[str, list[str]] = {}
        for value in self.as_list(self.item.get(field), field):
            for literal in self.language_map(subject, value, field):
                by_language.setdefault(literal.language or "", []).append(str(literal))
        for language, texts in by_language.items():
            self.add(subject, predicate, Literal(JOINER.join(texts), lang=language))

    def label(self, predicate: URIRef = RDFS.label) -> None:
        self.text(self.subject, predicate, self.item["label"], "label")
        editorial = self.item.get("label_editorial", False)
        if not isinstance(editorial, bool):
            raise self.fail("label_editorial: expected true or false")
        if editorial:
            self.note(
                self.subject,
                "The label is editorial (written for ClusterKG), not a name stated by the seeds.",
            )

    def acronyms(self) -> None:
        for acronym in self.as_list(self.item.get("acronym"), "acronym"):
            if not isinstance(acronym, str):
                raise self.fail("acronym: expected plain text")
            self.add(self.subject, SKOS.altLabel, Literal(_normalise(acronym)))

    # shared nodes

    def period(self, spec: Any, field: str = "period") -> URIRef:
        """Mint ``{base}period/{start}--{end}`` and describe it; return its IRI."""
        if not isinstance(spec, Mapping) or not {"start", "end", "evidence"} <= set(spec):
            raise self.fail(f"{field}: needs start, end and evidence")
        unknown = set(spec) - {"start", "end", "evidence", "note"}
        if unknown:
            raise self.fail(f"{field}: unknown field(s) {sorted(unknown)}")
        try:
            start = date.fromisoformat(str(spec["start"]))
            end = date.fromisoformat(str(spec["end"]))
        except ValueError as exc:
            raise self.fail(f"{field}: dates must be YYYY-MM-DD ({exc})") from exc
        if end < start:
            raise self.fail(f"{field}: ends before it starts")
        node = self.context.mint("period", f"{start.isoformat()}--{end.isoformat()}")
        self.add(node, RDF.type, DCTERMS.PeriodOfTime)
        self.add(node, RDFS.label, Literal(f"{start.isoformat()}/{end.isoformat()}"))
        # datetime.date values give xsd:date literals.
        self.add(node, DCAT.startDate, Literal(start))
        self.add(node, DCAT.endDate, Literal(end))
        self.sources(node, spec["evidence"], f"{field}.evidence")
        if spec.get("note"):
            self.note(node, str(spec["note"]))
        return node

    def scheme(self, spec: Any) -> URIRef:
        """Mint ``{base}scheme/{key}`` for a project's thematic areas and describe it."""
        field = "thematic_scheme"
        if not isinstance(spec, Mapping) or not {"key", "label", "evidence"} <= set(spec):
            raise self.fail(f"{field}: needs key, label and evidence")
        unknown = set(spec) - {"key", "label", "label_editorial", "evidence"}
        if unknown:
            raise self.fail(f"{field}: unknown field(s) {sorted(unknown)}")
        node = self.context.mint("scheme", str(spec["key"]))
        self.add(node, RDF.type, SKOS.ConceptScheme)
        self.text(node, RDFS.label, spec["label"], f"{field} label")
        if spec.get("label_editorial"):
            self.note(
                node, "The label is editorial (written for ClusterKG), not stated by the seeds."
            )
        self.sources(node, spec["evidence"], f"{field}.evidence")
        return node

    # the record types

    def build(self) -> Graph:
        self.check_fields()
        self.sources(self.subject, self.item.get("evidence"))
        if self.item.get("note"):
            self.note(self.subject, str(self.item["note"]))
        getattr(self, f"_{self.type}")()
        return self.graph

    def _project(self) -> None:
        s, item = self.subject, self.item
        self.add(s, RDF.type, CKG.CooperationProject)
        self.label()
        self.acronyms()
        if "programme" in item:
            self.add(s, CKG.programme, self.ref(item["programme"], "programme", "programme"))
        if "period" in item:
            self.add(s, DCTERMS.temporal, self.period(item["period"]))
        if "topic" in item:
            self.text(s, DCTERMS.subject, item["topic"], "topic", require_language=True)
        if "partner_count" in item:
            self.add(s, CKG.partnerCount, self.integer(item["partner_count"], "partner_count"))
        if "country_count" in item:
            self.add(s, CKG.countryCount, self.integer(item["country_count"], "country_count"))
        if "thematic_scheme" in item:
            self.scheme(item["thematic_scheme"])
        self.texts(s, CKG.aim, "aims", require_language=True)
        self.texts(s, DCTERMS.description, "descriptions", require_language=True)
        for predicate, target in self.links.get(self.id, ()):
            self.add(s, predicate, self.iri(target))

    def _organisation(self) -> None:
        s, item = self.subject, self.item
        self.add(s, RDF.type, ORG.Organization)
        self.add(s, RDF.type, ORG.FormalOrganization)
        self.label()
        self.acronyms()
        self.texts(s, SKOS.altLabel, "alt_labels")
        if "helix_type" in item:
            self.add(s, CKG.helixType, self.code(item["helix_type"], "helix_type", HELIX_TYPES))
            self.note(
                s,
                "The helix type is an editorial classification; the seeds do not classify "
                "organisations.",
            )
        if "region" in item:
            self.add(s, CKG.region, self.region(item["region"]))
        for other in self.as_list(item.get("collaborator_of"), "collaborator_of"):
            target = self.ref(other, "collaborator_of", "project", "organisation")
            self.add(s, ORG.linkedTo, target)

    def _partner_role(self) -> None:
        s, item = self.subject, self.item
        project = self.ref(item["project"], "project", "project")
        member = self.ref(item["organisation"], "organisation", "organisation")
        self.add(s, RDF.type, CKG.PartnerRole)
        self.label()
        self.add(s, ORG.organization, project)
        self.add(s, ORG.member, member)
        if "role" in item:
            self.add(s, ORG.role, self.code(item["role"], "role", ROLES))
        if "region" in item:
            self.add(s, CKG.region, self.region(item["region"]))
        if "addresses_instrument" in item:
            instrument = self.ref(
                item["addresses_instrument"], "addresses_instrument", "policy_instrument"
            )
            self.add(s, CKG.addressesInstrument, instrument)
        self.texts(s, RDFS.comment, "comment", require_language=True)

    def _programme(self) -> None:
        s, item = self.subject, self.item
        self.add(s, RDF.type, CKG.Programme)
        self.label()
        self.acronyms()
        self.texts(s, SKOS.altLabel, "alt_labels")
        for fund in self.as_list(item.get("fund"), "fund"):
            self.add(s, CKG.fund, self.code(fund, "fund", FUNDS))
        if "region" in item:
            self.add(s, CKG.region, self.region(item["region"]))
        if "period" in item:
            self.add(s, DCTERMS.temporal, self.period(item["period"]))

    def _policy_instrument(self) -> None:
        s, item = self.subject, self.item
        self.add(s, RDF.type, CKG.PolicyInstrument)
        self.label()
        self.ref(item["project"], "project", "project")  # linked from the project's record
        if "programme" in item:
            self.add(s, CKG.programme, self.ref(item["programme"], "programme", "programme"))
        for fund in self.as_list(item.get("fund"), "fund"):
            self.add(s, CKG.fund, self.code(fund, "fund", FUNDS))
        self.joined_texts(s, CKG.priorityAxis, "priority_axis")
        self.joined_texts(s, CKG.specificObjective, "specific_objective")
        self.joined_texts(s, CKG.measure, "measure")
        self.texts(s, CKG.supports, "supports", require_language=True)
        self.texts(s, RDFS.comment, "comment", require_language=True)
        if "managing_body" in item:
            body = self.ref(item["managing_body"], "managing_body", "organisation")
            self.add(s, CKG.managingBody, body)
        if "region" in item:
            self.add(s, CKG.region, self.region(item["region"]))
        if "period" in item:
            self.add(s, DCTERMS.temporal, self.period(item["period"]))
        if "scope" in item:
            self.add(s, CKG.instrumentScope, self.code(item["scope"], "scope", SCOPES))

    def _output_target(self) -> None:
        s, item = self.subject, self.item
        self.add(s, RDF.type, CKG.OutputTarget)
        self.label()
        self.ref(item["project"], "project", "project")  # linked from the project's record
        self.add(s, CKG.outputType, self.code(item["output_type"], "output_type", OUTPUT_TYPES))
        minimum = item.get("quantity_is_minimum", False)
        if not isinstance(minimum, bool):
            raise self.fail("quantity_is_minimum: expected true or false")
        if "quantity" in item:
            self.add(s, CKG.quantity, self.integer(item["quantity"], "quantity"))
            self.add(s, CKG.quantityIsMinimum, Literal(minimum))  # xsd:boolean
        elif minimum:
            raise self.fail("quantity_is_minimum is set but no quantity is given")
        self.texts(s, RDFS.comment, "comment", require_language=True)

    def _thematic_area(self) -> None:
        s, item = self.subject, self.item
        project_id = item["project"]
        self.ref(project_id, "project", "project")  # linked from the project's record
        key = item["scheme"]
        if self.schemes.get(key) != project_id:
            raise self.fail(f"scheme: {key!r} is not the thematic_scheme of {project_id}")
        scheme = self.context.mint("scheme", key)
        self.add(s, RDF.type, CKG.ThematicArea)
        self.add(s, RDF.type, SKOS.Concept)
        self.text(s, SKOS.prefLabel, item["label"], "label", require_language=True)
        if item.get("label_editorial"):
            self.note(s, "The label is editorial (written for ClusterKG), not stated by the seeds.")
        self.texts(s, SKOS.altLabel, "alt_labels", require_language=True)
        self.add(s, SKOS.inScheme, scheme)
        self.add(s, SKOS.topConceptOf, scheme)
