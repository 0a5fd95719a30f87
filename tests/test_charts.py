"""Figures say what they mean: localised ticks, one week definition, legends that name
every mark, counts in the heatmap and the Sankey."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from dashboard import charts
from dashboard import metrics as m

COLORS = {"uma": "#1b7f3b", "unimed": "#1f4e9c"}
LABELS = {"uma": "UMA", "unimed": "UNIMED"}


def test_date_ticks_are_mondays_or_months_in_the_language():
    values, labels = charts.date_ticks(dt.date(2026, 10, 1), dt.date(2026, 10, 30), "id")
    assert all(v.weekday() == 0 for v in values)
    assert labels[0] == "5 Okt"
    values, labels = charts.date_ticks(dt.date(2025, 11, 26), dt.date(2026, 11, 25), "en")
    assert all(v.day == 1 for v in values) and labels[0] == "Dec 2025"
    assert len(values) <= 12


def weeks_frame() -> pd.DataFrame:
    period = m.Period(dt.date(2026, 10, 1), dt.date(2026, 10, 28))  # Thu … Wed
    grid = m.period_weeks(period)
    rows = []
    for library in ("uma", "unimed"):
        for week, days, partial in grid.itertuples(index=False):
            rows.append((library, week, 3, 30.0, 1.0, 2.0, days, partial))
    return pd.DataFrame(rows, columns=m.WEEKLY_COLUMNS)


def test_weekly_charts_label_mondays_and_mark_partial_weeks():
    weeks = weeks_frame()
    for bars in (True, False):
        fig = charts.weekly_lines(weeks, "posts", "t", "a", COLORS, LABELS, bars=bars, lang="id")
        order = list(fig.layout.xaxis.categoryarray)
        assert order == ["28 Sep*", "5 Okt", "12 Okt", "19 Okt", "26 Okt*"]
        assert sorted(fig.data[0].x, key=order.index) == list(fig.data[0].x)
        assert any("tidak lengkap" in a.text for a in fig.layout.annotations)
    bars = charts.weekly_lines(weeks, "posts", "t", "a", COLORS, LABELS, bars=True, lang="id")
    full, cut = bars.data[0], bars.data[1]
    assert list(full.x) == ["5 Okt", "12 Okt", "19 Okt"] and full.showlegend
    assert list(cut.x) == ["28 Sep*", "26 Okt*"] and cut.marker.pattern.shape == "/"
    assert full.offsetgroup == cut.offsetgroup == "uma" and not cut.showlegend
    lines = charts.weekly_lines(weeks, "posts", "t", "a", COLORS, LABELS, lang="id")
    assert list(lines.data[0].x) == order and list(lines.data[1].x) == ["28 Sep*", "26 Okt*"]


def test_timeline_legend_names_library_and_platform():
    posts = pd.DataFrame(
        {
            "library_id": ["uma", "uma", "unimed"],
            "platform": ["instagram", "youtube", "instagram"],
            "kind": ["image", "video", "reel"],
            "engagements": pd.array([10, 20, 30], dtype="Float64"),
            "local_time": pd.to_datetime(
                ["2025-09-02 10:00", "2025-09-03 11:00", "2025-09-04 12:00"]
            ).tz_localize("Asia/Jakarta"),
            "local_day": [dt.date(2025, 9, d) for d in (2, 3, 4)],
        }
    )
    fig = charts.campaign_timeline(posts, COLORS, LABELS, "id", "t")
    legend = {trace.name: trace.marker.symbol for trace in fig.data}
    assert legend == {
        "UMA · Instagram": "circle",
        "UMA · YouTube": "diamond",
        "UNIMED · Instagram": "circle",
    }
    assert fig.data[0].customdata[0][0] == "2 Sep 2025 10.00"  # hover in Indonesian
    assert fig.layout.separators == ",."


def test_heatmap_shows_counts_and_greys_cells_with_few_posts():
    slots = pd.DataFrame(
        {
            "library_id": ["uma", "uma"],
            "weekday": [0, 2],
            "hour": [9, 19],
            "posts": [6, 3],  # of which 5 and 1 have a known ER
            "posts_er": [5, 1],
            "mean_er": [4.0, 9.0],
            "reliable": [True, False],
        }
    )
    fig = charts.best_time_heatmap(slots, "#1b7f3b", "UMA", "en")
    grey, colour = fig.data
    assert colour.z[0][9] == 4.0 and np.isnan(colour.z[2][19]), "one post's ER is not shown"
    assert grey.z[2][19] == 1.0
    # the number shown is what the ER rests on: posts with a known ER
    assert colour.text[0][9] == "5" and grey.text[2][19] == "1"
    assert list(colour.customdata[2][19]) == [1, 3]
    assert "%{customdata[0]} with an ER, of %{customdata[1]} post(s)" in colour.hovertemplate


def test_sankey_labels_carry_counts_and_readable_text():
    edges = pd.DataFrame(
        {
            "source": ["uma", "uma", "unimed", "uma"],
            "target": ["unimed", "unimed", "uma", "unimed"],
            "platform": ["instagram", "instagram", "instagram", "youtube"],
            "how": ["any", "mention", "any", "any"],
            "posts": [12, 12, 8, 3],
            "engagements": [500.0, 500.0, 300.0, 30.0],
        }
    )
    fig = charts.cross_sankey(edges, "instagram", COLORS, LABELS, "id", "t")
    sankey = fig.data[0]
    assert list(sankey.node.label) == [
        "UMA: 12 unggahan",  # left: naming a partner
        "UNIMED: 8 unggahan",
        "UMA: 8 unggahan",  # right: named
        "UNIMED: 12 unggahan",
    ]
    assert list(sankey.link.value) == [12, 8], "only the 'any way' totals are drawn"
    # one platform per figure: YouTube's 3 posts are never added to Instagram's 12
    youtube = charts.cross_sankey(edges, "youtube", COLORS, LABELS, "id", "t").data[0]
    assert list(youtube.node.label) == ["UMA: 3 unggahan", "UNIMED: 3 unggahan"]
    assert list(youtube.link.value) == [3]
    assert sankey.textfont.color == "#111111" and sankey.textfont.size >= 14


def test_content_types_keep_each_platforms_kinds_apart():
    """An Instagram feed video and a YouTube video are two bars under their platform, never
    one "Video" bar mixing both platforms' posts (YouTube API policy)."""
    mix = pd.DataFrame(
        {
            "library_id": ["uma", "uma", "uma"],
            "platform": ["youtube", "instagram", "instagram"],
            "kind": ["video", "video", "reel"],
            "posts": [4, 2, 6],
            "share": [100.0, 25.0, 75.0],
            "mean_engagements": [30.0, 80.0, 90.0],
            "mean_er": [1.5, 4.0, 4.5],
        }
    )
    fig = charts.content_types(mix, "posts", "t", "a", COLORS, LABELS, "id")
    (bars,) = fig.data
    assert [list(level) for level in bars.x] == [
        ["Instagram", "Instagram", "YouTube"],
        ["Reel", "Video", "Video"],
    ]
    assert list(bars.y) == [6, 2, 4]


def test_weekly_axis_at_a_year_labels_a_few_mondays_in_full():
    """53 weeks: at most 8 labels, level, each a whole Monday in the language ("22 Des",
    never a clipped "22 De"), the latest week among them, the year under the first label
    and where it changes; no two weeks share a name (hover)."""
    from babel.dates import get_month_names

    period = m.Period(dt.date(2025, 12, 8), dt.date(2026, 12, 7))
    grid = m.period_weeks(period)
    weekly = grid.assign(library_id="uma", platform="instagram", posts=3, engagements=30.0)
    for lang in ("id", "en"):
        fig = charts.weekly_lines(weekly, "posts", "t", "a", COLORS, LABELS, bars=True, lang=lang)
        axis = fig.layout.xaxis
        names = list(axis.categoryarray)
        assert len(set(names)) == len(names) == 53
        assert 5 <= len(axis.tickvals) <= 8 and axis.tickangle == 0
        assert set(axis.tickvals) <= set(names) and axis.tickvals[-1] == names[-1]
        months = {v: k for k, v in get_month_names("abbreviated", locale=lang).items()}
        shown = []
        for text in axis.ticktext:
            first, *year = text.replace("*", "").split("<br>")
            day, month = first.split() if lang == "id" else first.split()[::-1]
            shown.append((int(day), months[month], year))
        mondays = {(w.day, w.month) for w in grid["week"]}
        assert all((d, mo) in mondays for d, mo, _ in shown)
        assert shown[0][2] == ["2025"] and ["2026"] in [y for *_, y in shown[1:]]
        assert sum(1 for *_, y in shown if y) == 2, "the year only where it changes"


def test_weekly_charts_beyond_half_a_year_draw_lines_without_points():
    """Grouped bars of many weeks would be narrower than a pixel and thousands of elements
    for the browser: beyond MAX_BAR_WEEKS weeks bars become lines, lines lose their points;
    partial weeks keep their hollow marks."""

    def figure(days: int, bars: bool):
        period = m.Period(dt.date(2026, 12, 7) - dt.timedelta(days=days - 1), dt.date(2026, 12, 7))
        weekly = m.period_weeks(period).assign(
            library_id="uma", platform="instagram", posts=3, engagements=30.0
        )
        return charts.weekly_lines(weekly, "posts", "t", "a", COLORS, LABELS, bars=bars)

    assert charts.MAX_BAR_WEEKS < 53
    assert {t.type for t in figure(90, bars=True).data} == {"bar"}
    short = figure(90, bars=False).data[0]
    assert short.mode == "lines+markers"
    for bars in (True, False):
        traces = figure(365, bars=bars).data
        assert {t.type for t in traces} == {"scatter"}
        assert traces[0].mode == "lines" and len(traces[0].x) == 53
        assert traces[1].mode == "markers" and 1 <= len(traces[1].x) <= 2  # partial weeks
