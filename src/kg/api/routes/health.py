"""Liveness and the graph's size."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from kg import __version__
from kg.api.deps import StoreDep

router = APIRouter(tags=["health"])


class Health(BaseModel):
    """The service is up, and how big its graph is."""

    status: str
    version: str
    quads: int
    graphs: dict[str, int]


@router.get("/healthz", response_model=Health)
def healthz(store: StoreDep) -> Health:
    """Answer when the service and its store are up, with the number of triples per graph."""
    sizes = store.graph_sizes()
    return Health(status="ok", version=__version__, quads=sum(sizes.values()), graphs=sizes)
