"""The ClusterKG ontology files: loading them, and checking them with a DL reasoner.

The ontology (``ontology/clusterkg.ttl``), its code lists (``concepts.ttl``) and the KET/ATI
schemes (``kets.ttl``) are Turtle. rdflib reads them as they are; owlready2 does not read Turtle,
so :func:`check_consistency` converts them to N-Triples first, loads them into a fresh owlready2
``World`` (no global state is touched) and runs HermiT, which owlready2 ships and runs with Java.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph
from rdflib.util import guess_format

from kg.errors import KGError
from kg.namespaces import PREFIXES

if TYPE_CHECKING:
    import owlready2

__all__ = [
    "ONTOLOGY_FILE_NAMES",
    "ONTOLOGY_IRI",
    "ConsistencyReport",
    "ReasonerError",
    "check_consistency",
    "default_ontology_dir",
    "load_ontology_graph",
    "load_world",
    "ontology_files",
]

#: IRI of the ontology (its ``owl:versionIRI`` adds the version).
ONTOLOGY_IRI = "https://w3id.org/clusterkg/ontology"
#: The ontology files, in load order.
ONTOLOGY_FILE_NAMES: tuple[str, ...] = ("clusterkg.ttl", "concepts.ttl", "kets.ttl")
#: The reasoner :func:`check_consistency` runs (Pellet's bundled jar fails on Java 17).
REASONER = "HermiT (owlready2)"


class ReasonerError(KGError):
    """The reasoner could not run: Java is missing, or HermiT failed on the input."""

    slug = "reasoner-error"
    status = 500
    title = "Reasoner failed"


@dataclass
class ConsistencyReport:
    """The outcome of one reasoner run over the ontology files.

    ``consistent`` is False when the reasoner proved the ontology inconsistent (no model exists).
    ``inconsistent_classes`` lists the IRIs of unsatisfiable classes (equivalent to
    ``owl:Nothing``): the ontology can be consistent and still have some.
    """

    consistent: bool
    inconsistent_classes: list[str] = field(default_factory=list)
    reasoner: str = REASONER
    seconds: float = 0.0
    message: str = ""

    @property
    def ok(self) -> bool:
        """True when the ontology is consistent and every class is satisfiable.

        >>> ConsistencyReport(consistent=True).ok
        True
        >>> ConsistencyReport(consistent=True, inconsistent_classes=["urn:x:C"]).ok
        False
        """
        return self.consistent and not self.inconsistent_classes


def default_ontology_dir() -> Path:
    """The ``ontology/`` directory of the checkout this module runs from."""
    return Path(__file__).resolve().parents[2] / "ontology"


def ontology_files(ontology_dir: Path | None = None) -> list[Path]:
    """Return the three ontology files, from ``ontology_dir`` or the repository's ``ontology/``.

    >>> [path.name for path in ontology_files()]
    ['clusterkg.ttl', 'concepts.ttl', 'kets.ttl']
    """
    directory = ontology_dir if ontology_dir is not None else default_ontology_dir()
    return [directory / name for name in ONTOLOGY_FILE_NAMES]


def load_ontology_graph(paths: Iterable[Path] | None = None) -> Graph:
    """Parse the ontology files (default: :func:`ontology_files`) into one rdflib graph.

    The syntax of each file is guessed from its suffix (``.ttl``, ``.nt``, ``.rdf``, …).
    """
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    for path in ontology_files() if paths is None else paths:
        graph.parse(path, format=guess_format(str(path)) or "turtle")
    return graph


def _java_executable() -> str | None:
    """The Java command owlready2 will run, if it can be found."""
    import owlready2

    java = str(owlready2.JAVA_EXE)
    if Path(java).is_file():
        return java
    return shutil.which(java)


def load_world(paths: Iterable[Path] | None = None) -> owlready2.World:
    """Load the ontology files into a new owlready2 ``World`` (via N-Triples in a temp dir).

    A fresh world per call keeps reasoner runs independent of each other and of
    ``owlready2.default_world``.
    """
    import owlready2

    graph = load_ontology_graph(paths)
    world = owlready2.World()
    with tempfile.TemporaryDirectory(prefix="clusterkg-owl-") as tmp:
        nt_path = Path(tmp) / "ontology.nt"
        graph.serialize(destination=nt_path, format="nt", encoding="utf-8")
        with nt_path.open("rb") as nt_file:
            world.get_ontology(ONTOLOGY_IRI).load(fileobj=nt_file, format="ntriples")
    return world


def check_consistency(
    paths: Sequence[Path] | None = None, *, ignore_unsupported_datatypes: bool = False
) -> ConsistencyReport:
    """Run HermiT over the ontology files and report consistency and unsatisfiable classes.

    Raises :class:`ReasonerError` when the reasoner cannot run at all (no Java, or a Java
    error other than an inconsistency), so that a missing reasoner never passes for a check.
    HermiT rejects literals outside the OWL 2 datatype map (``xsd:date``, ``xsd:gYear``); pass
    ``ignore_unsupported_datatypes=True`` to check instance data that uses them.
    """
    import owlready2

    if _java_executable() is None:
        raise ReasonerError(
            f"Java not found (owlready2.JAVA_EXE = {owlready2.JAVA_EXE!r}): HermiT needs a Java "
            "runtime (11 or later) on PATH to check the ontology."
        )
    world = load_world(paths)
    try:
        started = time.perf_counter()
        try:
            owlready2.sync_reasoner(
                world,
                infer_property_values=False,
                debug=0,
                ignore_unsupported_datatypes=ignore_unsupported_datatypes,
            )
        except owlready2.OwlReadyInconsistentOntologyError:
            seconds = time.perf_counter() - started
            return ConsistencyReport(
                consistent=False,
                seconds=seconds,
                message=f"{REASONER}: the ontology is inconsistent ({seconds:.1f} s).",
            )
        except owlready2.OwlReadyJavaError as error:
            raise ReasonerError(f"{REASONER} failed to run: {error}") from error
        seconds = time.perf_counter() - started
        unsatisfiable = sorted(
            cls.iri for cls in world.inconsistent_classes() if cls is not owlready2.Nothing
        )
        message = f"{REASONER}: consistent, {len(unsatisfiable)} unsatisfiable classes"
        if unsatisfiable:
            message += ": " + ", ".join(unsatisfiable)
        return ConsistencyReport(
            consistent=True,
            inconsistent_classes=unsatisfiable,
            seconds=seconds,
            message=f"{message} ({seconds:.1f} s).",
        )
    finally:
        world.close()
