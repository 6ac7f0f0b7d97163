"""Keeps a :class:`~kg.strengths.answers.StrengthIndex` of the store's current state for the
service: built in a background thread at start-up and again after the store changes, so that no
request waits for it. Until it is ready (or while it is stale) requests are answered by queries,
with the same answers, only slower.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from kg.store import Store
from kg.strengths.answers import StrengthIndex

log = logging.getLogger(__name__)


class StrengthIndexKeeper:
    """The index of the current store state, if built; builds it when the state changes."""

    def __init__(self, store: Store, state: Callable[[], str]) -> None:
        self._store = store
        self._state = state
        self._index: StrengthIndex | None = None
        self._building: str | None = None
        self._lock = threading.Lock()

    def current(self) -> StrengthIndex | None:
        """The index of the store as it is now, or None (and a build starts) if there is none."""
        state = self._state()
        with self._lock:
            if self._index is not None and self._index.state == state:
                return self._index
            if self._building != state:
                self._building = state
                thread = threading.Thread(
                    target=self._build, args=(state,), name="strength-index", daemon=True
                )
                thread.start()
        return None

    def status(self) -> str:
        """``ready`` when the index of the current state is built, else ``building``."""
        return "ready" if self.current() is not None else "building"

    def wait(self, timeout: float) -> StrengthIndex | None:
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
            index = StrengthIndex.build(self._store, state)
        except Exception:  # the service answers by queries instead; say why in the log
            log.exception("building the strength index failed")
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
        log.info(
            "strength index: %d regions in %.1f s",
            len(index.by_region),
            time.perf_counter() - started,
        )
