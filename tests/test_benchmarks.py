"""Smoke runs of the benchmark scripts at a tiny size: they still work and their claims hold."""

from benchmarks.collectors import instagram_pages, youtube_units


def test_youtube_units_stay_at_the_minimum():
    rows = youtube_units(uploads=60, days=3)
    assert [spent == minimum for _, spent, minimum in rows] == [True, True, True]
    assert rows[1][1] < rows[0][1]


def test_instagram_incremental_walk_pulls_fewer_pages_than_a_full_crawl():
    rows = instagram_pages(total=80, days=3)
    assert rows[0][1] == rows[0][2]  # the first run walks everything
    assert all(walked < full for _, walked, full in rows[1:])
