"""Answers kept in memory by ETag: derived answers (strengths, matches) change only when the
store does, so each is computed once per store state and request, and a client sending the ETag
back in ``If-None-Match`` gets ``304``."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

#: Bodies kept per cache (the least recently used go first).
CACHE_ENTRIES = 512


class AnswerCache:
    """A small thread-safe LRU of response bodies by ETag (the ETag names the store state)."""

    def __init__(self, entries: int = CACHE_ENTRIES) -> None:
        self._entries: OrderedDict[str, tuple[bytes, str]] = OrderedDict()
        self._size = entries
        self._lock = threading.Lock()

    def get(self, etag: str) -> tuple[bytes, str] | None:
        """The body and media type kept for ``etag``, if any."""
        with self._lock:
            entry = self._entries.get(etag)
            if entry is not None:
                self._entries.move_to_end(etag)
            return entry

    def put(self, etag: str, body: bytes, media_type: str) -> None:
        """Keep a body, dropping the least recently used beyond the size."""
        with self._lock:
            self._entries[etag] = (body, media_type)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)


def etag(*parts: str) -> str:
    """A strong ETag of the parts (store state, request, media type)."""
    return '"' + hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32] + '"'


def not_modified(if_none_match: str | None, tag: str) -> bool:
    """Whether the client's ``If-None-Match`` names ``tag``."""
    return tag in {t.strip() for t in (if_none_match or "").split(",")}
