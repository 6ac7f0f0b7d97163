"""Storage: one :class:`Store` interface, chosen once from settings."""

from __future__ import annotations

from kg.config import Settings
from kg.errors import StoreUnavailable
from kg.store.base import NTriples, QueryResult, RdfSerialization, ResultFormat, Store
from kg.store.embedded import EmbeddedStore

__all__ = [
    "EmbeddedStore",
    "NTriples",
    "QueryResult",
    "RdfSerialization",
    "ResultFormat",
    "Store",
    "open_store",
]


def open_store(settings: Settings, *, read_only: bool = False) -> Store:
    """Open the store the settings describe (the embedded on-disk store at ``KG_STORE_PATH``).

    ``read_only`` opens an existing store for reading alongside a running writer.
    """
    if read_only and not settings.store_path.exists():
        raise StoreUnavailable(
            f"no store at {settings.store_path}; run `kg build` first or set KG_STORE_PATH"
        )
    return EmbeddedStore(settings.store_path, read_only=read_only)
