"""The FastAPI application, built from settings by :func:`create_app`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.staticfiles import StaticFiles

from kg import __version__
from kg.api.problems import install_problem_handlers
from kg.api.routes import (
    collections,
    docs,
    health,
    home,
    matching,
    meta,
    queries,
    regions,
    resources,
    sparql,
    strengths,
)
from kg.api.routes import ingest as ingest_routes
from kg.api.routes import search as search_routes
from kg.config import Settings
from kg.keeper import IndexKeeper
from kg.matching.answers import MatchIndex
from kg.queries import Catalogue
from kg.saved import SavedQueryService
from kg.sparql import SparqlService
from kg.store import Store, open_store
from kg.strengths.answers import StrengthIndex
from kg.web import STATIC_DIR
from kg.web.forms import Choices


def create_app(settings: Settings, store: Store | None = None) -> FastAPI:
    """Build the app; the store is opened once at start-up (or the given one is used).

    The saved-query catalogue is read here, so a malformed query file stops the start (with its
    path and line) and every saved query is an operation of the OpenAPI document.
    """
    catalogue = Catalogue.load(settings.queries_dir)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own_store = store is None
        app.state.store = store if store is not None else open_store(settings)
        app.state.settings = settings
        runner = await run_in_threadpool(
            app.state.store.endpoint_runner,
            workers=settings.query_workers,
            in_memory=settings.query_workers_in_memory,
        )
        app.state.sparql = SparqlService(app.state.store, runner, settings)
        app.state.saved = SavedQueryService(catalogue, app.state.sparql, app.state.store, settings)
        app.state.choices = Choices(app.state.store)

        # Read every strength and every match once, in the background; requests use them
        # when they are ready and answer by queries until then.
        def state() -> str:
            return str(app.state.saved.state)

        app.state.strengths = None
        app.state.matches = None
        if settings.strength_index:
            app.state.strengths = IndexKeeper(
                app.state.store, state, StrengthIndex.build, "strength index"
            )
            app.state.strengths.current()
        if settings.match_index:
            app.state.matches = IndexKeeper(app.state.store, state, MatchIndex.build, "match index")
            app.state.matches.current()
        try:
            yield
        finally:
            runner.close()
            if own_store:
                app.state.store.close()

    app = FastAPI(
        title="ClusterKG",
        version=__version__,
        description="Knowledge graph of EU industrial clusters, Key Enabling Technologies and "
        "Smart Specialisation priorities.",
        lifespan=lifespan,
        # FastAPI's own pages load Swagger UI and ReDoc from a CDN; docs.install_docs serves
        # the same pages with local files.
        docs_url=None,
        redoc_url=None,
    )
    install_problem_handlers(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    docs.install_docs(app)
    # One router per surface; each is a thin layer over a plain module of kg.
    app.include_router(home.router)
    app.include_router(health.router)
    app.include_router(sparql.router)
    app.include_router(meta.router)
    app.include_router(collections.router)
    app.include_router(resources.router)
    app.include_router(queries.router)
    queries.add_saved_query_routes(app, catalogue)
    app.include_router(regions.router)
    app.include_router(search_routes.router)
    app.include_router(strengths.router)
    app.include_router(matching.router)
    app.include_router(ingest_routes.router)
    return app
