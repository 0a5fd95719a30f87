"""A guard for paginated walks: stop on a cursor seen before, or past a bound derived from
what the platform says it holds, instead of looping for ever. Knows no platform."""

from __future__ import annotations

import math

#: Pages allowed when the platform does not say how many items it holds.
DEFAULT_MAX_PAGES = 2000


class PagingStopped(Exception):
    """A walk was stopped by the guard; the message says why (items fetched are kept).

    ``reason`` is "repeated" (a cursor came twice) or "bound" (more pages than the count
    allows); ``pages`` and ``expected`` say how far the walk went and what was reported.
    """

    def __init__(
        self, message: str, reason: str = "", pages: int = 0, expected: int | None = None
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.pages = pages
        self.expected = expected


class PageGuard:
    """Call :meth:`next_page` with each page's next cursor before following it.

    ``expected`` is the item count the platform reports (e.g. ``pageInfo.totalResults``,
    ``media_count``); the walk may take that many items plus ``margin`` (a share, for items
    added while walking) in pages of ``page_size``, plus two pages.
    """

    def __init__(
        self,
        what: str,
        page_size: int,
        expected: int | None = None,
        margin: float = 0.5,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> None:
        self.what = what
        self.pages = 0
        self._seen: set[str] = set()
        if expected is not None and expected >= 0:
            max_pages = min(max_pages, math.ceil(expected * (1 + margin) / page_size) + 2)
        self.max_pages = max_pages
        self.expected = expected

    def next_page(self, cursor: str | None) -> bool:
        """True when the walk should fetch the page at ``cursor``; False at the end (no
        cursor). Raises :class:`PagingStopped` on a repeated cursor or past the bound."""
        self.pages += 1
        if not cursor:
            return False
        if cursor in self._seen:
            raise PagingStopped(
                f"{self.what}: the platform sent the same page cursor twice (after "
                f"{self.pages} pages); the walk was stopped there to avoid an endless loop",
                "repeated",
                self.pages,
                self.expected,
            )
        self._seen.add(cursor)
        if self.pages >= self.max_pages:
            said = f" (it reports {self.expected} items)" if self.expected is not None else ""
            raise PagingStopped(
                f"{self.what}: still more pages after {self.pages}, more than the platform's "
                f"own count allows{said}; the walk was stopped there",
                "bound",
                self.pages,
                self.expected,
            )
        return True
