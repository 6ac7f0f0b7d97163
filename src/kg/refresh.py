"""Derived graphs follow the data: after a source is loaded or replaced, the graphs derived from
it are computed again — the technologies of S3 priorities and clusters, the strengths, and the
matches that read both — in that order, and only those whose inputs changed.

Used by ``kg build``, ``kg ingest`` and ``POST /ingest`` alike, so a steward's new priorities get
their technologies (each a ``ckg:TechnologyMatch`` with its rule) and their matches however they
were loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext

from kg.config import Settings
from kg.derive import DeriveReport
from kg.matching import input_graphs as match_inputs
from kg.matching import rebuild_matches
from kg.store import Store
from kg.strengths import INPUT_SOURCES as STRENGTH_SOURCES
from kg.strengths import rebuild_strengths
from kg.technology_matches import input_graphs as technology_match_inputs
from kg.technology_matches import rebuild_technology_matches
from kg.validation import ShapeValidator

#: Wraps each step (its description, e.g. "strengths: computing"): a progress bar, a log line.
Step = Callable[[str], AbstractContextManager[object]]


def derived_inputs(store: Store, settings: Settings) -> set[str]:
    """The graphs the derived graphs read, as the store is now (take them before a change:
    a replaced source that no longer holds priorities must still trigger the derivation)."""
    return set(technology_match_inputs(store, settings)) | set(match_inputs(store, settings))


def derive_after(
    changed: set[str],
    inputs_before: set[str],
    store: Store,
    settings: Settings,
    validator: ShapeValidator,
    step: Step = lambda _description: nullcontext(),
) -> list[DeriveReport]:
    """Compute a derived graph again when a graph it reads (or read before the change:
    ``inputs_before``) was loaded or derived now; ``kg build --source nace`` leaves them as
    they are. Technology matches first, then strengths, then matches, which read both."""
    changed = set(changed)
    reports: list[DeriveReport] = []
    if changed & (set(technology_match_inputs(store, settings)) | inputs_before):
        inputs = technology_match_inputs(store, settings)
        # A partial build may leave out the priorities or the sector table: nothing to derive.
        if len(inputs) >= 2 and store.graph_sizes().get(inputs[-1]):
            with step("technology matches: deriving"):
                reports.append(rebuild_technology_matches(store, settings, validator).report)
            changed.add(settings.source_graph("technology-matches"))
    if changed & {settings.source_graph(name) for name in STRENGTH_SOURCES}:
        # Only when every graph the strengths read is there (`kg strengths --rebuild` says
        # which is missing). Not checked against the shapes here: it is computed by tested
        # code, and the check would add about 40 s to every build; `kg strengths --rebuild
        # --check` (and the test suite, on the bundled data) runs it.
        sizes = store.graph_sizes()
        if all(sizes.get(settings.source_graph(name)) for name in STRENGTH_SOURCES):
            with step("strengths: computing"):
                reports.append(rebuild_strengths(store, settings, None))
            changed.add(settings.source_graph("strengths"))
    strengths_stored = store.graph_sizes().get(settings.source_graph("strengths"))
    if strengths_stored and changed & (set(match_inputs(store, settings)) | inputs_before):
        # Not checked against the shapes here either (about 30 s more); `kg match --rebuild
        # --check` and the test suite, on the bundled data, do.
        with step("matches: computing"):
            reports.append(rebuild_matches(store, settings, None))
    return reports
