"""What the insights read and compute for a period: posts with their breakout verdicts and
content categories, for the dashboard and the weekly digest.

Reads through the store and window loaders (no SQL here) and applies ``insights.py``; no
Streamlit here (``insight_panels.py`` caches and shows).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pandas as pd

from collectors.config import Categories
from collectors.store import Store
from dashboard import insights as ins
from dashboard.metrics import Period, in_period
from dashboard.pagedata import Loader

#: Earlier posts count in a baseline only when published within this many days before the
#: period: enough for 20 posts of every kind a library posts weekly, and a bounded read.
LOOKBACK_DAYS = 365
#: Captures read per post: up to the end of the last age's window ((7 + 1) × 24 hours).
HISTORY_AGE = dt.timedelta(days=max(ins.AGES) + 1)


def local_midnight(day: dt.date, tz: str) -> dt.datetime:
    """The start of a local day, in UTC."""
    return dt.datetime.combine(day, dt.time(0), ZoneInfo(tz)).astimezone(dt.UTC)


@dataclass(frozen=True)
class Insights:
    """Posts of the period and of the lookback before it, with their verdicts."""

    period: Period
    posts: pd.DataFrame  # enriched, published in [period.start − LOOKBACK_DAYS, period.end]
    judged: pd.DataFrame  # per post and age (insights.judge)
    verdicts: pd.DataFrame  # per post (insights.verdicts)

    def period_posts(self) -> pd.DataFrame:
        """The period's posts with their verdict columns."""
        return in_period(self.posts, self.period).merge(
            self.verdicts, on=["platform", "post_id"], how="left"
        )

    def flagged(self, verdict: str = ins.BREAKOUT) -> pd.DataFrame:
        """The period's posts flagged ``verdict``, the furthest from typical first."""
        posts = self.period_posts()
        chosen = posts[posts["verdict"] == verdict]
        return chosen.sort_values("ratio", ascending=verdict != ins.BREAKOUT)

    def first_flagged_in(self, start: dt.datetime, end: dt.datetime, verdict: str) -> pd.DataFrame:
        """Posts first flagged ``verdict`` by a capture made in [start, end): what the
        weekly digest lists (a post flagged at day 2 is not listed again at day 7)."""
        first = ins.first_flagged(self.judged, verdict)
        first = first[(first["flagged_at"] >= start) & (first["flagged_at"] < end)]
        shown = self.posts.merge(first[["platform", "post_id"]], on=["platform", "post_id"])
        shown = shown.merge(self.verdicts, on=["platform", "post_id"])
        return shown.sort_values("ratio", ascending=verdict != ins.BREAKOUT)


def load_insights(load: Loader, store: Store, tz: str, period: Period) -> Insights:
    """Read the period and its lookback, and judge every post (see ``insights.judge``)."""
    start = period.start - dt.timedelta(days=LOOKBACK_DAYS)
    win = load(start, period.end, detail="all")
    ids = [int(i) for i in win.accounts["id"]]
    history = store.post_history(
        local_midnight(start, tz),
        local_midnight(period.end + dt.timedelta(days=1), tz),
        ids,
        HISTORY_AGE,
    )
    judged = ins.judge(ins.age_metrics(win.posts, history))
    return Insights(period, win.posts, judged, ins.verdicts(judged))


@dataclass(frozen=True)
class CategoryData:
    posts: pd.DataFrame  # the period's posts with category, source, matched, set_by, set_at
    summary: pd.DataFrame  # per library and category (insights.category_summary)


def category_data(insights: Insights, categories: Categories, store: Store) -> CategoryData:
    """The period's posts with their content category (staff's choices read fresh: they are
    not part of the store's fingerprint), and the per-library summary."""
    posts = insights.period_posts()
    categorised = ins.categorise(posts, categories, store.post_categories())
    summary = ins.category_summary(posts, categorised, insights.verdicts)
    return CategoryData(posts.merge(categorised, on=["platform", "post_id"]), summary)
