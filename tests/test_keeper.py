"""The index keeper: an index is read in the background, used only while the store's state it was
read from is current, read again when the state changes, and a failed read leaves the service
answering by queries (and is tried again)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from kg.keeper import IndexKeeper
from kg.store import EmbeddedStore, Store


@dataclass(frozen=True)
class CountingIndex:
    state: str
    number: int


class Builds:
    """A build function that counts its calls, can be held back, and can fail."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.release = threading.Event()
        self.release.set()
        self.fail = False

    def __call__(self, store: Store, state: str) -> CountingIndex:
        self.calls.append(state)
        self.release.wait(30)
        if self.fail:
            raise RuntimeError("the store went away")
        return CountingIndex(state, len(self.calls))


@pytest.fixture
def store(tmp_path: Path) -> EmbeddedStore:
    return EmbeddedStore(tmp_path / "store")


def test_builds_in_the_background_and_again_when_the_store_changes(store: EmbeddedStore) -> None:
    state = ["one"]
    builds = Builds()
    builds.release.clear()
    keeper = IndexKeeper(store, lambda: state[0], builds, "test index")
    assert keeper.current() is None  # not built yet: the caller answers by queries
    assert keeper.status() == "building"
    assert keeper.current() is None and builds.calls == ["one"]  # one build at a time
    builds.release.set()
    first = keeper.wait(30)
    assert first is not None and first.state == "one"
    assert keeper.current() is first and keeper.status() == "ready"  # kept while the state holds
    state[0] = "two"  # an update changed the store
    assert keeper.current() is None
    second = keeper.wait(30)
    assert second is not None and second.state == "two" and second is not first
    assert builds.calls == ["one", "two"]


def test_an_index_read_while_the_store_changed_is_not_kept(store: EmbeddedStore) -> None:
    state = ["one"]
    builds = Builds()
    builds.release.clear()
    keeper = IndexKeeper(store, lambda: state[0], builds, "test index")
    keeper.current()
    state[0] = "two"  # changed while "one" was being read
    builds.release.set()
    index = keeper.wait(30)
    assert index is not None and index.state == "two"
    assert builds.calls == ["one", "two"]


def test_a_failed_build_is_logged_and_tried_again(
    store: EmbeddedStore, caplog: pytest.LogCaptureFixture
) -> None:
    builds = Builds()
    builds.fail = True
    keeper = IndexKeeper(store, lambda: "one", builds, "test index")
    assert keeper.wait(1) is None
    assert "building the test index failed" in caplog.text
    builds.fail = False
    index = keeper.wait(30)
    assert index is not None and index.state == "one"
    assert len(builds.calls) >= 2
