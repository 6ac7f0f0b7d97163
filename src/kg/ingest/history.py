"""The loads of a source, newest first, from the load records in the metadata graph.

Each ingest writes a ``ckg:SourceLoad`` (:func:`kg.ingest.provenance.describe_ingest`) that a
later replace keeps, so this is the whole history of a source since load records were written;
``kg history`` prints it, and the HTTP API can serve it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rdflib import Literal, URIRef

from kg.config import Settings
from kg.errors import NotFound
from kg.ingest.pipeline import check_source_name
from kg.ingest.provenance import KEY_AGENT_PATH
from kg.store import Store

# Oxigraph binds (substitutes) only variables of the projection: ?meta, ?graph and ?agents are
# projected for that.
_LOADS_QUERY = """
SELECT ?meta ?graph ?agents
  ?load ?started ?ended ?file ?sha256 ?read ?loaded ?quarantined ?replaced ?agent
WHERE {
  GRAPH ?meta {
    ?load a ckg:SourceLoad ; ckg:loadedInto ?graph ;
      prov:startedAtTime ?started ; prov:endedAtTime ?ended ; dct:title ?file ;
      spdx:checksum/spdx:checksumValue ?sha256 ;
      ckg:recordsRead ?read ; ckg:recordsLoaded ?loaded ; ckg:recordsQuarantined ?quarantined ;
      ckg:replacedPrevious ?replaced .
    OPTIONAL { ?load prov:wasAssociatedWith ?agent FILTER(STRSTARTS(STR(?agent), ?agents)) }
  }
}
ORDER BY DESC(?started) DESC(STR(?load))
"""
_INGESTED_QUERY = "ASK { GRAPH ?meta { ?activity a prov:Activity } }"
_LOADED_GRAPHS_QUERY = """
SELECT DISTINCT ?meta ?graph
WHERE { GRAPH ?meta { ?load a ckg:SourceLoad ; ckg:loadedInto ?graph } }
"""


@dataclass(frozen=True)
class Load:
    """One load of a source: when, by whom, which file, what came of its records."""

    iri: str
    source: str
    started: datetime
    ended: datetime
    #: The write key's name; None for a load from the command line.
    agent: str | None
    file: str
    sha256: str
    records_read: int
    records_loaded: int
    records_quarantined: int
    #: Whether it replaced a load of the source before it.
    replaced: bool

    def as_json(self) -> dict[str, object]:
        """JSON form (README, "History of a source")."""
        return {
            "load": self.iri,
            "source": self.source,
            "started": self.started.isoformat(),
            "ended": self.ended.isoformat(),
            "agent": self.agent,
            "file": self.file,
            "sha256": self.sha256,
            "records": {
                "read": self.records_read,
                "loaded": self.records_loaded,
                "quarantined": self.records_quarantined,
            },
            "replaced": self.replaced,
        }


def load_history(store: Store, settings: Settings, source: str) -> list[Load]:
    """The loads of ``source``, newest first.

    A source loaded before load records were written has none: its list is empty. A source
    that was never loaded is :class:`~kg.errors.NotFound`, with the sources that have loads.
    """
    check_source_name(source)
    meta = URIRef(settings.meta_graph)
    graph = settings.source_graph(source)
    agents = f"{settings.base_iri}{KEY_AGENT_PATH}"
    rows = store.query(
        _LOADS_QUERY,
        bindings={"meta": meta, "graph": URIRef(graph), "agents": Literal(agents)},
    ).rows
    loads: dict[str, Load] = {}
    for row in rows:
        iri = str(row["load"])
        if iri in loads:  # a second key agent: not written by the pipeline, first one kept
            continue
        agent = str(row["agent"]).removeprefix(agents) if "agent" in row else None
        loads[iri] = Load(
            iri=iri,
            source=source,
            started=_datetime(row["started"]),
            ended=_datetime(row["ended"]),
            agent=agent,
            file=str(row["file"]),
            sha256=str(row["sha256"]),
            records_read=int(row["read"]),
            records_loaded=int(row["loaded"]),
            records_quarantined=int(row["quarantined"]),
            replaced=bool(_value(row["replaced"])),
        )
    if not loads and not _ingested(store, meta, graph):
        raise NotFound(_unknown_source(store, settings, source))
    return list(loads.values())


def sources_with_loads(store: Store, settings: Settings) -> list[str]:
    """The names of the sources that have load records, sorted."""
    prefix = settings.source_graph("")
    rows = store.query(_LOADED_GRAPHS_QUERY, bindings={"meta": URIRef(settings.meta_graph)}).rows
    return sorted(str(row["graph"]).removeprefix(prefix) for row in rows)


def _ingested(store: Store, meta: URIRef, graph: str) -> bool:
    """Whether the metadata graph describes an ingest of ``graph`` (loaded before load records
    were written; a derived graph has a derivation instead, not an ingest)."""
    activity = URIRef(f"{graph}#ingest")
    return bool(store.query(_INGESTED_QUERY, bindings={"meta": meta, "activity": activity}).boolean)


def _unknown_source(store: Store, settings: Settings, source: str) -> str:
    known = sources_with_loads(store, settings)
    if not known:
        return f"no source {source!r} has been loaded; no source has recorded loads yet"
    return f"no source {source!r} has been loaded; sources with loads: {', '.join(known)}"


def _value(term: object) -> object:
    return term.toPython() if isinstance(term, Literal) else term


def _datetime(term: object) -> datetime:
    value = _value(term)
    if not isinstance(value, datetime):
        raise ValueError(f"not an xsd:dateTime: {term!r}")
    return value
