"""NUTS regions → ``ckg:Region`` records.

Two mappings: ``nuts`` reads one region list (Eurostat CSV: code, label, level, parent,
country); ``nuts-versions`` reads every version and the change tables between them (the bundled
``data/sources/nuts/nuts-versions.yaml``). Regions keep their official IRIs
``http://data.europa.eu/nuts/code/{code}``; nothing is minted for them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from kg.ingest.nuts_history import (
    CORRECTABLE,
    NUTS_VERSION_SCHEME,
    ChangeRow,
    NutsHistory,
    load_history,
)
from kg.ingest.readers import Correction, TableRecord, read_corrections, read_table
from kg.ingest.records import MappingContext, Record
from kg.namespaces import CKG, CKGC, NUTS, NUTS_SCHEME

COLUMNS = ["nuts_code", "label", "level", "parent_code", "country_code"]
#: Documented fixes of conversion errors, next to the CSV: ``nuts_code,column,value,evidence``.
CORRECTIONS_FILE = "corrections.csv"


def load_corrections(source_file: Path) -> dict[str, list[Correction]]:
    """Corrections by NUTS code: (column, value, evidence); empty if the file is absent."""
    path = source_file.with_name(CORRECTIONS_FILE)
    return read_corrections(path, "nuts_code", CORRECTABLE) if path.exists() else {}


def map_nuts(context: MappingContext) -> Iterator[Record]:
    """Yield one record per NUTS code; malformed rows are yielded with ``problem`` set.

    Documented corrections (``corrections.csv`` beside the source) are applied, and each one is
    recorded on the region as a ``skos:editorialNote`` so the change stays visible.
    """
    corrections = load_corrections(context.source_file)
    for row in read_table(context.source_file, COLUMNS):
        key = f"line {row.line}"
        if row.problem:
            yield TableRecord(
                key=key,
                graph=Graph(),
                raw=dict(row),
                location=key,
                problem=row.problem,
                row=row,
            )
            continue
        code = row["nuts_code"].strip()
        region = NUTS[code]
        graph = Graph()
        for column, value, evidence in corrections.get(code, []):
            graph.add(
                (
                    region,
                    SKOS.editorialNote,
                    Literal(
                        f"{column} corrected from {row[column]!r} to {value!r}: {evidence}",
                        lang="en",
                    ),
                )
            )
            row[column] = value
        graph.add((region, RDF.type, CKG.Region))
        graph.add((region, RDF.type, SKOS.Concept))
        graph.add((region, SKOS.inScheme, URIRef(NUTS_SCHEME)))
        graph.add((region, SKOS.notation, Literal(code)))
        if row["label"].strip():
            graph.add((region, SKOS.prefLabel, Literal(row["label"].strip())))
        level = row["level"].strip()
        # Keep what the source says even when it is not a number: the shapes reject it with a
        # message, rather than the mapping dropping it silently.
        graph.add(
            (region, CKG.nutsLevel, Literal(level, datatype=XSD.integer))
            if level.isdigit()
            else (region, CKG.nutsLevel, Literal(level))
        )
        if row["parent_code"].strip():
            graph.add((region, SKOS.broader, NUTS[row["parent_code"].strip()]))
        if row["country_code"].strip():
            graph.add((region, CKG.country, NUTS[row["country_code"].strip()]))
        graph.add((region, DCTERMS.source, context.source_document))
        yield TableRecord(
            key=f"{code} ({key})",
            graph=graph,
            raw=dict(row),
            location=key,
            row=row,
        )


#: Language tags of the Latin transliterations Eurostat gives for Greek and Cyrillic labels.
TRANSLITERATION_TAGS = {"BG": "bg-Latn", "EL": "el-Latn", "CY": "el-Latn"}


def version_scheme(year: int) -> URIRef:
    """The official IRI of one NUTS version's concept scheme.

    >>> version_scheme(2021)
    rdflib.term.URIRef('http://data.europa.eu/nuts/scheme/2021')
    """
    return URIRef(NUTS_VERSION_SCHEME.format(year=year))


def map_nuts_versions(context: MappingContext) -> Iterator[Record]:
    """Every NUTS region of every version the descriptor lists, and the changes between them.

    The source file is a descriptor (``nuts-versions.yaml``) naming the region list of each
    version and the change tables; see :mod:`kg.ingest.nuts_history`. One record per NUTS code
    (its versions as ``skos:inScheme`` of the version schemes, its newest name as
    ``skos:prefLabel`` and older or transliterated names as ``skos:altLabel``, ``dct:isReplacedBy``
    to the codes it became), one per change-table row that records a change (``ckg:NutsChange``),
    and one per concept scheme.
    """
    history = load_history(context.source_file)
    documents = {path: context.use(path) for path in history.files}
    yield from _scheme_records(context, history)
    codes = sorted({code for regions in history.regions.values() for code in regions})
    for code in codes:
        yield _region_record(context, history, code, documents)
    for _versions, rows in sorted(history.changes.items()):
        for change in rows:
            if change.comment or change.old_code != change.new_code:
                yield _change_record(context, history, change, documents[change.file])


def _scheme_records(context: MappingContext, history: NutsHistory) -> Iterator[Record]:
    graph = Graph()
    scheme = URIRef(NUTS_SCHEME)
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add(
        (
            scheme,
            SKOS.prefLabel,
            Literal("Nomenclature of territorial units for statistics", lang="en"),
        )
    )
    graph.add((scheme, SKOS.notation, Literal("NUTS")))
    graph.add((scheme, DCTERMS.source, context.source_document))
    yield Record(key="scheme NUTS", graph=graph, location=context.source_file.name)
    for year in history.versions:
        graph = Graph()
        version = version_scheme(year)
        graph.add((version, RDF.type, SKOS.ConceptScheme))
        graph.add((version, SKOS.prefLabel, Literal(f"NUTS {year}", lang="en")))
        graph.add((version, SKOS.notation, Literal(str(year))))
        graph.add((version, DCTERMS.isPartOf, scheme))
        if year == history.current_version:
            graph.add(
                (
                    version,
                    SKOS.editorialNote,
                    Literal(
                        "The current NUTS version for ClusterKG (ckg:currentRegion).", lang="en"
                    ),
                )
            )
        graph.add((version, DCTERMS.source, context.source_document))
        yield Record(key=f"scheme NUTS {year}", graph=graph, location=context.source_file.name)


def _region_record(
    context: MappingContext, history: NutsHistory, code: str, documents: dict[Path, URIRef]
) -> Record:
    versions = [v for v in history.versions if code in history.regions[v]]
    rows = [history.regions[v][code] for v in versions]
    newest = rows[-1]
    region = NUTS[code]
    graph = Graph()
    graph.add((region, RDF.type, CKG.Region))
    graph.add((region, RDF.type, SKOS.Concept))
    graph.add((region, SKOS.inScheme, URIRef(NUTS_SCHEME)))
    for year in versions:
        graph.add((region, SKOS.inScheme, version_scheme(year)))
    graph.add((region, SKOS.notation, Literal(code)))
    labels = [row.label for row in reversed(rows) if row.label]
    if labels:
        graph.add((region, SKOS.prefLabel, Literal(labels[0])))
        for older in dict.fromkeys(labels[1:]):
            if older != labels[0]:
                graph.add((region, SKOS.altLabel, Literal(older)))
    latin = history.transliterations.get(code)
    tag = TRANSLITERATION_TAGS.get(newest.country)
    if latin and tag:
        graph.add((region, SKOS.altLabel, Literal(latin, lang=tag)))
    graph.add((region, CKG.nutsLevel, Literal(newest.level, datatype=XSD.integer)))
    if newest.parent:
        graph.add((region, SKOS.broader, NUTS[newest.parent]))
    graph.add((region, CKG.country, NUTS[newest.country]))
    for column, value, evidence in history.corrections.get(code, []):
        note = f"{column} corrected to {value!r}: {evidence}"
        graph.add((region, SKOS.editorialNote, Literal(note, lang="en")))
    for row in rows:
        graph.add((region, DCTERMS.source, documents[row.file]))
    for year in versions:
        later = [v for v in history.versions if v > year]
        if not later or newest.country not in history.countries(later[0]):
            continue
        for successor in history.step(code, year, later[0]):
            if successor != code:
                graph.add((region, DCTERMS.isReplacedBy, NUTS[successor]))
    location = f"{newest.code} ({', '.join(str(v) for v in versions)})"
    return Record(
        key=code, graph=graph, raw={"code": code, "versions": versions}, location=location
    )


def _change_record(
    context: MappingContext, history: NutsHistory, change: ChangeRow, document: URIRef
) -> Record:
    start, end = change.from_version, change.to_version
    key = f"{start}-{end}-{change.old_code or 'none'}-{change.new_code or 'none'}-{change.line}"
    node = context.mint("nuts-change", key)
    graph = Graph()
    graph.add((node, RDF.type, CKG.NutsChange))
    graph.add((node, CKG.fromVersion, version_scheme(start)))
    graph.add((node, CKG.toVersion, version_scheme(end)))
    before = history.predecessors(change)
    after = history.successors(change)
    for code in before:
        graph.add((node, CKG.changedFrom, NUTS[code]))
    for code in after:
        graph.add((node, CKG.changedTo, NUTS[code]))
    if not change.old_code and before:
        graph.add((node, SKOS.editorialNote, Literal(DERIVED_PREDECESSORS, lang="en")))
    if not change.new_code and after:
        graph.add((node, SKOS.editorialNote, Literal(DERIVED_SUCCESSORS, lang="en")))
    for concept in change.types:
        graph.add((node, CKG.changeType, CKGC[concept]))
    label = f"NUTS {start}→{end}: {change.old_code or '(new)'} → {change.new_code or '(none)'}"
    graph.add((node, RDFS.label, Literal(label, lang="en")))
    if change.comment:
        graph.add((node, RDFS.comment, Literal(change.comment, lang="en")))
    if change.evidence:
        graph.add((node, SKOS.editorialNote, Literal(change.evidence, lang="en")))
    graph.add((node, DCTERMS.source, document))
    location = f"{change.file.name} line {change.line}"
    return Record(key=location, graph=graph, raw={"line": change.line}, location=location)


DERIVED_SUCCESSORS = (
    "The change table gives no new code for this row: the regions it changed to were read from "
    "its NUTS-3 regions' successors, or from the new codes listed right after it in the table."
)
DERIVED_PREDECESSORS = (
    "The change table gives no old code for this row: the regions it changed from are those "
    "whose successors (read as for discontinued codes) include it."
)
