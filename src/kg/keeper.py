"""Keeps an in-memory index of the store's current state for the service (every strength, every
match): built in a background thread at start-up and again after the store changes, so that no
request waits for it. Until it is ready (or while it is stale) requests are answered by queries,
with the same answers, only slower.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

from kg.store import Store

log = logging.getLogger(__name__)


class _Index(Protocol):
    @property
    def state(self) -> str: ...


IndexT = TypeVar("IndexT", bound=_Index)


class IndexKeeper(Generic[IndexT]):
    """The index of the current store state, if built; builds it when the state changes.

    ``build(store, state)`` reads the index; ``state()`` names the store's current state (it
    changes with every write), and an index is used only while its state is current.
    """

    def __init__(
        self,
        store: Store,
        state: Callable[[], str],
        build: Callable[[Store, str], IndexT],
        name: str,
    ) -> None:
        self._store = store
        self._state = state
        self._build_index = build
        self._name = name
        self._index: IndexT | None = None
        self._building: str | None = None
        self._lock = threading.Lock()

    def current(self) -> IndexT | None:
        """The index of the store as it is now, or None (and a build starts) if there is none."""
        state = self._state()
        with self._lock:
            if self._index is not None and self._index.state == state:
                return self._index
            if self._building != state:
                self._building = state
                thread = threading.Thread(
                    target=self._build, args=(state,), name=self._name, daemon=True
                )
                thread.start()
        return None

    def status(self) -> str:
        """``ready`` when the index of the current state is built, else ``building``."""
        return "ready" if self.current() is not None else "building"

    def wait(self, timeout: float) -> IndexT | None:
        """Wait up to ``timeout`` seconds for the current state's index (tests, benchmarks)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            index = self.current()
            if index is not None:
                return index
            time.sleep(0.05)
        return None

    def _build(self, state: str) -> None:
        started = time.perf_counter()
        try:
            index = self._build_index(self._store, state)
        except Exception:  # the service answers by queries instead; say why in the log
            log.exception("building the %s failed", self._name)
            with self._lock:
                if self._building == state:
                    self._building = None
            return
        with self._lock:
            # The store may have changed while the index was read: keep it only if not.
            if self._state() == state:
                self._index = index
            if self._building == state:
                self._building = None
        log.info("%s read in %.1f s", self._name, time.perf_counter() - started)
