"""Request dependencies: the store and settings built once in the app's lifespan."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from fastapi import Depends, Request

from kg.config import Settings
from kg.errors import InvalidInput
from kg.keeper import IndexKeeper
from kg.matching.answers import MatchIndex
from kg.saved import SavedQueryService
from kg.sparql import SparqlService
from kg.store import Store
from kg.strengths.answers import StrengthIndex


def get_store(request: Request) -> Store:
    """The store opened at start-up."""
    store: Store = request.app.state.store
    return store


def strength_index(request: Request) -> StrengthIndex | None:
    """The in-memory strengths of the store's current state, when read (else answer by queries)."""
    keeper: IndexKeeper[StrengthIndex] | None = request.app.state.strengths
    return keeper.current() if keeper is not None else None


def match_index(request: Request) -> MatchIndex | None:
    """The in-memory matches, gaps and peers of the store's current state, when read (else answer
    by queries)."""
    keeper: IndexKeeper[MatchIndex] | None = request.app.state.matches
    return keeper.current() if keeper is not None else None


def get_app_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def saved_service(request: Request) -> SavedQueryService:
    """The saved-query service made at start-up."""
    service: SavedQueryService = request.app.state.saved
    return service


def sparql_service(request: Request) -> SparqlService:
    """The SPARQL protocol service made at start-up."""
    service: SparqlService = request.app.state.sparql
    return service


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]


def refuse_unknown_parameters(names: Iterable[str], allowed: set[str]) -> None:
    """Refuse parameters an operation does not read, rather than ignore a typo silently."""
    unknown = sorted(set(names) - allowed)
    if unknown:
        raise InvalidInput(
            f"unknown parameter(s) {', '.join(unknown)}; this operation reads "
            f"{', '.join(sorted(allowed)) or 'none'}",
            parameters=unknown,
        )
