"""Liveness and the graph's size."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from kg import __version__
from kg.api.deps import StoreDep

router = APIRouter(tags=["health"])


class Health(BaseModel):
    """The service is up, and how big its graph is."""

    status: str
    version: str
    quads: int
    graphs: dict[str, int]
    strength_index: str = Field(
        description="ready: /api/strengths answers from memory; building: by queries until the "
        "index of the current store is read; off: always by queries (KG_STRENGTH_INDEX=false)."
    )
    match_index: str = Field(
        description="ready: /api/match, /api/gaps and /api/peers answer from memory; building: "
        "by queries until the index of the current store is read; off: always by queries "
        "(KG_MATCH_INDEX=false)."
    )


@router.get("/healthz", response_model=Health)
def healthz(request: Request, store: StoreDep) -> Health:
    """Answer when the service and its store are up, with the number of triples per graph."""
    sizes = store.graph_sizes()
    strengths = request.app.state.strengths
    matches = request.app.state.matches
    return Health(
        status="ok",
        version=__version__,
        quads=sum(sizes.values()),
        graphs=sizes,
        strength_index=strengths.status() if strengths is not None else "off",
        match_index=matches.status() if matches is not None else "off",
    )
