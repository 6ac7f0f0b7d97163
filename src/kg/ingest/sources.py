"""The bundled sources, declared in ``data/sources.yaml`` and built in the order listed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from kg.errors import InvalidInput
from kg.ingest.provenance import SourceDescription

MANIFEST = "sources.yaml"


@dataclass(frozen=True)
class SourceSpec:
    """One bundled source: which file, which mapping, and how to describe it."""

    description: SourceDescription
    file: Path
    mapping: str

    @property
    def name(self) -> str:
        return self.description.name


def load_manifest(data_dir: Path) -> list[SourceSpec]:
    """Read ``data/sources.yaml``; file paths are relative to ``data_dir``."""
    path = data_dir / MANIFEST
    if not path.is_file():
        raise InvalidInput(f"{path}: the sources manifest is missing")
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    specs: list[SourceSpec] = []
    for index, entry in enumerate(document.get("sources", []), start=1):
        try:
            description = SourceDescription(
                name=entry["name"],
                title=entry["title"],
                publisher=entry.get("publisher"),
                license=entry.get("license"),
                origin=entry.get("origin"),
            )
            specs.append(
                SourceSpec(
                    description=description, file=data_dir / entry["file"], mapping=entry["mapping"]
                )
            )
        except (KeyError, TypeError) as exc:
            raise InvalidInput(f"{path}: source #{index} lacks {exc}") from exc
    names = [spec.name for spec in specs]
    if len(names) != len(set(names)):
        raise InvalidInput(f"{path}: source names must be unique: {names}")
    return specs
