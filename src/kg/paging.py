"""Page numbers and ``Link`` headers, shared by the REST collections and the saved queries."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Paging:
    """One page of an answer: 1-based page number and its size."""

    page: int
    per_page: int

    @property
    def offset(self) -> int:
        """Rows before this page."""
        return (self.page - 1) * self.per_page

    def last(self, total: int) -> int:
        """Number of the last page of ``total`` rows (1 when there are none).

        >>> Paging(1, 10).last(0), Paging(1, 10).last(10), Paging(1, 10).last(11)
        (1, 1, 2)
        """
        return max(1, math.ceil(total / self.per_page))

    def links(self, total: int) -> dict[str, int]:
        """Page numbers of the first, previous, next and last pages (as far as they exist).

        >>> Paging(2, 10).links(35)
        {'first': 1, 'prev': 1, 'next': 3, 'last': 4}
        """
        last = self.last(total)
        links = {"first": 1}
        if self.page > 1:
            links["prev"] = min(self.page - 1, last)
        if self.page < last:
            links["next"] = self.page + 1
        links["last"] = last
        return links


def link_header(links: dict[str, int], page_url: Callable[[int], str]) -> str:
    """An RFC 8288 ``Link`` header value for the pages in ``links``."""
    return ", ".join(f'<{page_url(number)}>; rel="{rel}"' for rel, number in links.items())
