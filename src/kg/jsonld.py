"""The project's published JSON-LD context (served at ``/context.jsonld``).

Every JSON-LD document ClusterKG returns refers to this context by URL, so clients see short,
stable keys and can expand them back to full IRIs with any JSON-LD processor.
"""

from __future__ import annotations

from typing import Any

from kg.namespaces import PREFIXES

#: Path of the context under the service; documents refer to it by absolute URL.
CONTEXT_PATH = "/context.jsonld"


def context_terms() -> dict[str, Any]:
    """The term definitions of the context: the project's prefixes (more terms may follow)."""
    terms: dict[str, Any] = {"@version": 1.1}
    terms.update(PREFIXES)
    return terms


def context_document() -> dict[str, Any]:
    """The document served at :data:`CONTEXT_PATH`."""
    return {"@context": context_terms()}
