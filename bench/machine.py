"""What every benchmark records about the machine it ran on (shared by run.py and service.py)."""

from __future__ import annotations

import contextlib
import os
import platform
from collections.abc import Iterable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any


def machine_facts(packages: Iterable[str]) -> dict[str, Any]:
    """Date, CPUs, CPU model, memory, platform, Python and the versions of ``packages``."""
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "cpu_affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_model": _proc_field("/proc/cpuinfo", "model name"),
        "memory_gb": _memory_gb(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "packages": {name: _version(name) for name in packages},
    }


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _proc_field(path: str, name: str) -> str | None:
    """The first ``name: value`` line of a /proc file (None where there is no /proc)."""
    with contextlib.suppress(OSError):
        for line in Path(path).read_text().splitlines():
            if line.startswith(name):
                return line.split(":", 1)[1].strip()
    return None


def _memory_gb() -> float | None:
    total = _proc_field("/proc/meminfo", "MemTotal")  # "24576000 kB"
    if total is None:
        return None
    with contextlib.suppress(ValueError, IndexError):
        return round(int(total.split()[0]) / 1024 / 1024, 1)
    return None
