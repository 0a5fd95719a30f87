"""The pagination guard: a repeated cursor or more pages than the platform's own count
allows stops a walk with a message that says so."""

from __future__ import annotations

import pytest

from collectors.paging import PageGuard, PagingStopped


def test_a_normal_walk_ends_without_a_cursor():
    guard = PageGuard("uploads of @uma", page_size=50, expected=120)
    assert [guard.next_page(c) for c in ("a", "b", None)] == [True, True, False]


def test_a_repeated_cursor_stops_the_walk():
    guard = PageGuard("uploads of @uma", page_size=50, expected=10_000)
    guard.next_page("same")
    with pytest.raises(PagingStopped, match="same page cursor twice"):
        guard.next_page("same")


def test_new_cursors_for_ever_stop_past_the_reported_count():
    guard = PageGuard("uploads of @uma", page_size=50, expected=120)
    pages = 0
    with pytest.raises(PagingStopped, match="reports 120 items"):
        while guard.next_page(f"token{pages}"):
            pages += 1
    # 120 items and half again in pages of 50, plus two pages
    assert pages == 5
