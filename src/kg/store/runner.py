"""Query runners: where SPARQL endpoint queries execute, with a time limit that really stops them.

pyoxigraph cannot cancel a running query, and a blocking query (an aggregate over a large cross
product) never yields control back to Python. So the embedded store's endpoint queries run in
worker processes, each reading a read-only snapshot of the store; a query past its time limit is
stopped by ending its worker, and a fresh worker takes its place once it has loaded. The
snapshot is a RocksDB checkpoint (hard links, milliseconds), made again after every update, so
no worker ever reads a directory another process writes. By default each worker copies the
snapshot into memory: queries over pyoxigraph's in-memory store ran 3–9× faster than over the
on-disk one on the bundled data (``bench/results/service.md``), for about 2 s of loading.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import shutil
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

import pyoxigraph as ox

from kg.errors import QueryTimeout, StoreUnavailable
from kg.store.worker import READY, QueryAnswer, QueryFailure, QueryRequest, execute, serve

log = logging.getLogger(__name__)


class QueryRunner(ABC):
    """Runs endpoint queries with a time limit and answers serialised results."""

    @abstractmethod
    def run(self, request: QueryRequest, timeout: float) -> QueryAnswer | QueryFailure:
        """Run ``request``; raise :class:`QueryTimeout` when it takes longer than ``timeout``."""

    def refresh(self) -> None:  # noqa: B027 - optional hook
        """Make queries see the store's latest state (called after every update)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Stop workers and remove snapshots."""


class InProcessRunner(QueryRunner):
    """Runs queries in the calling thread: for in-memory stores, which have no snapshot to share.

    The time limit is checked only after the query: it cannot stop a running query. Servers use
    :class:`WorkerPoolRunner` over an on-disk store.
    """

    def __init__(self, store: ox.Store) -> None:
        self._store = store

    def run(self, request: QueryRequest, timeout: float) -> QueryAnswer | QueryFailure:
        started = time.monotonic()
        answer = execute(self._store, request)
        if time.monotonic() - started > timeout:
            raise QueryTimeout(f"the query ran longer than {timeout:g} s")
        return answer


@dataclass
class _Worker:
    process: BaseProcess
    connection: Connection


class WorkerPoolRunner(QueryRunner):
    """A fixed pool of query worker processes over snapshots of an on-disk pyoxigraph store."""

    #: Longest a new worker may take to open (or copy) its snapshot.
    load_timeout = 600.0

    def __init__(
        self,
        snapshot: Callable[[Path], None],
        snapshot_root: Path,
        size: int,
        *,
        in_memory: bool = True,
    ) -> None:
        """``snapshot(target)`` writes a consistent read-only copy of the store to ``target``.

        Returns once every worker has loaded the snapshot, so the first queries are fast.
        """
        self._write_snapshot = snapshot
        self._in_memory = in_memory
        self._root = snapshot_root
        self._generation = 0
        self._snapshot_lock = threading.Lock()
        # forkserver: workers fork from a small clean process, never from the threaded server.
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["kg.store.worker"])
        shutil.rmtree(self._root, ignore_errors=True)  # leftovers of a server that was killed
        self._root.mkdir(parents=True)
        self._snapshot = self._take_snapshot()
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []
        starting = [self._start_worker() for _ in range(size)]
        for worker in starting:
            self._await_ready(worker)

    def run(self, request: QueryRequest, timeout: float) -> QueryAnswer | QueryFailure:
        deadline = time.monotonic() + timeout
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise QueryTimeout(
                f"every query worker stayed busy for {timeout:g} s; try again shortly"
            ) from None
        remaining = max(deadline - time.monotonic(), 0.0)
        try:
            worker.connection.send((str(self._snapshot), request))
            if worker.connection.poll(remaining):
                reply: QueryAnswer | QueryFailure = worker.connection.recv()
                self._idle.put(worker)
                return reply
        except (EOFError, OSError) as exc:
            self._replace(worker)
            raise StoreUnavailable(f"the query worker stopped unexpectedly: {exc}") from exc
        # Past the limit: ending the process is the only way to stop pyoxigraph mid-query.
        self._replace(worker)
        raise QueryTimeout(
            f"the query ran longer than {timeout:g} s and was stopped; narrow it (LIMIT, more "
            "specific patterns) or ask the operator to raise KG_QUERY_TIMEOUT"
        )

    def refresh(self) -> None:
        """Snapshot the store again; workers switch to it on their next query."""
        with self._snapshot_lock:
            previous = self._snapshot
            self._snapshot = self._take_snapshot()
            # Keep the previous snapshot for queries still reading it; drop older ones.
            for directory in self._root.iterdir():
                if directory not in (previous, self._snapshot):
                    shutil.rmtree(directory, ignore_errors=True)

    def close(self) -> None:
        for worker in self._all:
            worker.connection.close()
            worker.process.kill()
            worker.process.join(timeout=5)
        self._all.clear()
        shutil.rmtree(self._root, ignore_errors=True)

    def _take_snapshot(self) -> Path:
        self._generation += 1
        target = self._root / f"generation-{self._generation}"
        self._write_snapshot(target)
        return target

    def _start_worker(self) -> _Worker:
        parent_end, child_end = self._context.Pipe()
        process = self._context.Process(
            target=serve,
            args=(child_end, str(self._snapshot), self._in_memory),
            name="kg-query-worker",
            daemon=True,
        )
        process.start()
        child_end.close()
        worker = _Worker(process, parent_end)
        self._all.append(worker)
        return worker

    def _await_ready(self, worker: _Worker) -> None:
        """Put ``worker`` to work once it has loaded its snapshot."""
        try:
            if worker.connection.poll(self.load_timeout) and worker.connection.recv() == READY:
                self._idle.put(worker)
                return
        except (EOFError, OSError):
            pass
        log.error("query worker %s did not load the store; it is not used", worker.process.pid)
        worker.process.kill()

    def _replace(self, worker: _Worker) -> None:
        worker.process.kill()
        worker.process.join(timeout=5)
        worker.connection.close()
        self._all.remove(worker)
        # The new worker loads in the background; the others keep answering meanwhile.
        replacement = self._start_worker()
        threading.Thread(
            target=self._await_ready, args=(replacement,), name="kg-worker-start", daemon=True
        ).start()
        log.info("replaced query worker %s", worker.process.pid)
