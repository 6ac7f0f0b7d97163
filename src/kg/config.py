"""One settings object, read from ``KG_*`` environment variables.

Every setting is listed with its default in the README's settings table. Settings are read when
:func:`get_settings` is called, never at import time, so tests and the CLI can pass their own.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: The repository root when running from a checkout (``src/kg/config.py`` → two levels up).
PROJECT_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    """ClusterKG configuration. Field names map to ``KG_<NAME>`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="KG_", extra="ignore")

    store_path: Path = Field(
        default=PROJECT_ROOT / "var" / "store",
        description="Directory of the embedded (pyoxigraph) store; created if missing.",
    )
    base_iri: str = Field(
        default="https://w3id.org/clusterkg/id/",
        description="Base IRI of minted data resources; must end with '/' or '#'.",
    )
    host: str = Field(default="127.0.0.1", description="Address `kg serve` listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `kg serve` listens on.")
    data_dir: Path = Field(
        default=PROJECT_ROOT / "data",
        description="Bundled data: sources/, mappings/ and the sources manifest.",
    )
    ontology_dir: Path = Field(default=PROJECT_ROOT / "ontology", description="OWL ontology files.")
    shapes_dir: Path = Field(default=PROJECT_ROOT / "shapes", description="SHACL shapes files.")
    queries_dir: Path = Field(
        default=PROJECT_ROOT / "queries", description="Saved queries, one `.rq` file each."
    )
    quarantine_dir: Path = Field(
        default=PROJECT_ROOT / "var" / "quarantine",
        description="Where invalid records are written, one JSON-lines file per source.",
    )
    validation_batch_size: int = Field(
        default=500,
        ge=1,
        description="Records validated per pyshacl run (per-record runs are slow, whole-graph runs "
        "use much memory).",
    )
    validation_workers: int = Field(
        default=2,
        ge=1,
        description="Processes that validate batches of records in parallel during ingest and "
        "derivation (pyshacl uses one core per process); 1 validates in the calling process. "
        "Sources of a single batch are always validated in-process.",
    )

    query_timeout: float = Field(
        default=30.0,
        gt=0,
        description="Seconds a SPARQL query may run before it is stopped and answered with 503.",
    )
    max_results: int = Field(
        default=100_000,
        ge=1,
        description="Most rows (SELECT) or triples (CONSTRUCT/DESCRIBE) one query may return; "
        "larger answers are refused with a message asking for LIMIT/OFFSET, never cut silently.",
    )
    query_workers: int = Field(
        default=2,
        ge=1,
        description="Worker processes that run SPARQL queries (a query past its time limit is "
        "stopped by ending its worker).",
    )
    query_workers_in_memory: bool = Field(
        default=True,
        description="Each query worker copies the store into memory (3–9× faster queries on the "
        "bundled data, about 2 s and 60 MB per worker per 150,000 quads); set false for stores "
        "too large to copy.",
    )
    strength_index: bool = Field(
        default=True,
        description="Read every technology strength into memory in the background after start-up "
        "and after each change of the store (about 25 s and 90 MB for the bundled data), so that "
        "/api/strengths answers a region by a lookup; until it is ready, and with false, "
        "answers are computed by queries (the same answers, about 30-80 ms a region).",
    )
    match_index: bool = Field(
        default=True,
        description="Read every stored partner match, gap and peer, with the labels and evidence "
        "their answers show, into memory in the background after start-up and after each change "
        "of the store (about 6 s and 60 MB for the bundled data), so that /api/match, /api/gaps, "
        "/api/peers and the region pages answer from memory; until it is ready, and with false, "
        "answers are computed by queries (the same answers, about 20-130 ms a region).",
    )
    max_request_bytes: int = Field(
        default=1_000_000,
        ge=1_000,
        description="Largest request body (query, update or upload) the service accepts; larger "
        "ones get 413.",
    )
    max_upload_bytes: int = Field(
        default=50_000_000,
        ge=1_000,
        description="Largest file POST /ingest and POST /validate accept (streamed to a "
        "temporary file, never held in memory); larger ones get 413.",
    )
    update_key: SecretStr | None = Field(
        default=None,
        description="Bootstrap write key: a bearer token accepted for every write (/update) "
        "under the name 'bootstrap', besides the named keys of `kg keys create`; with it unset "
        "and no named key, writes are off.",
    )
    page_size: int = Field(default=50, ge=1, description="Default page size of REST collections.")
    max_page_size: int = Field(
        default=500, ge=1, description="Largest page size a REST collection request may ask for."
    )

    @field_validator("base_iri")
    @classmethod
    def _base_iri_ends_with_separator(cls, value: str) -> str:
        if not value.endswith(("/", "#")):
            raise ValueError("KG_BASE_IRI must end with '/' or '#'")
        if not value.startswith(("http://", "https://")):
            raise ValueError("KG_BASE_IRI must be an http(s) IRI")
        return value

    @cached_property
    def meta_graph(self) -> str:
        """IRI of the named graph holding provenance and dataset descriptions."""
        return f"{self.base_iri}graph/meta"

    def source_graph(self, source: str) -> str:
        """IRI of the named graph that holds one source's records."""
        return f"{self.base_iri}graph/{source}"


def get_settings() -> Settings:
    """Read settings from the environment (and defaults)."""
    return Settings()
