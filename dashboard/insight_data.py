"""What the insights read and compute for a period: posts with their breakout verdicts and
content categories, for the dashboard and the weekly digest.

Reads through the store and window loaders (no SQL here) and applies ``insights.py``; no
Streamlit here (``insight_panels.py`` caches and shows).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pandas as pd

from collectors.config import Categories
from collectors.store import Store
from dashboard import insights as ins
from dashboard.metrics import Period, engagements, local_day


def local_midnight(day: dt.date, tz: str) -> dt.datetime:
    """The start of a local day, in UTC."""
    return dt.datetime.combine(day, dt.time(0), ZoneInfo(tz)).astimezone(dt.UTC)


#: What a flagged post's table shows of it (besides its verdict).
DETAIL_COLUMNS = ["platform", "post_id", "account_id", "published_at", "kind", "title",
                  "caption", "url", "thumbnail_url", "likes", "comments", "views"]  # fmt: skip


def judge_period(
    store: Store, tz: str, account_ids: Sequence[int], period: Period
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Judge the posts of ``period`` (and, as their baselines, those of the year before):
    (per post and age: ``insights.judge``; per post: ``insights.verdicts`` with
    account_id, kind, published_at and local_day). Reads two narrow rows a post."""
    start = period.start - dt.timedelta(days=ins.LOOKBACK.days)
    posts, captures = store.age_inputs(account_ids, start, period.end, tz)
    judged = ins.judge(ins.ages_from_captures(posts, captures))
    verdicts = ins.verdicts(judged)
    about = posts[["platform", "post_id", "account_id", "kind", "published_at"]]
    verdicts = verdicts.merge(about, on=["platform", "post_id"], how="left")
    verdicts["local_day"] = local_day(verdicts["published_at"], tz)
    return judged, verdicts


#: The version of the breakout rule: kept verdicts of another version are worked out again.
VERDICT_RULE = "judge-2"  # (2: a baseline reaches back a year before each post)


def verdict_basis(store: Store, tz: str) -> str:
    """The state the kept verdicts must be of: the rule's version, the time zone (a post's
    day decides its followers) and the store's fingerprint (it changes with every write)."""
    return f"{VERDICT_RULE}|{tz}|{store.fingerprint()!r}"


def ensure_verdicts(store: Store, tz: str) -> bool:
    """Keep every post's verdicts in the store (``post_verdicts``) unless they are already
    kept for its present state; True when they had to be worked out. The refresh does this
    after writing, so that pages only read them."""
    basis = verdict_basis(store, tz)
    if store.derived_basis("verdicts") == basis:
        return False
    ids = [int(i) for i in store.accounts()["id"]]
    judged = judge_period(store, tz, ids, Period(dt.date(1970, 1, 1), dt.date(2999, 12, 31)))[0]
    store.keep_verdicts(judged, basis)
    return True


def kept_verdicts(
    store: Store, tz: str, account_ids: Sequence[int], period: Period
) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """The period's flagged posts from the kept verdicts (worked out first when stale):
    (their rows per age, one verdict each as :func:`judge_period` gives, and how many of
    the period's posts have no verdict)."""
    ensure_verdicts(store, tz)
    ids = list(account_ids) or [-1]
    flagged = [ins.BREAKOUT, ins.UNDERPERFORMER]
    judged = store.verdict_rows(ids, period.start, period.end, tz, flagged)
    verdicts = ins.verdicts(judged)
    about = judged[["platform", "post_id", "account_id", "kind", "published_at"]]
    verdicts = verdicts.merge(about.drop_duplicates(["platform", "post_id"]),
                              on=["platform", "post_id"], how="left")  # fmt: skip
    verdicts["local_day"] = local_day(verdicts["published_at"], tz)
    judgements = [ins.BREAKOUT, ins.UNDERPERFORMER, ins.TYPICAL]
    unjudged = store.unjudged_posts(ids, period.start, period.end, tz, judgements)
    return judged, verdicts, unjudged


@dataclass(frozen=True)
class Insights:
    """The verdicts of a period's posts (judged against the year before each post)."""

    period: Period
    judged: pd.DataFrame  # per post and age (insights.judge)
    verdicts: pd.DataFrame  # per post (insights.verdicts), with account_id … local_day
    details: Callable[[pd.DataFrame], pd.DataFrame]  # keys -> the posts to show
    unjudged: int | None = None  # the period's posts without a verdict (None: count them)

    def without_verdict(self) -> int:
        """How many of the period's posts have no verdict (too young, no capture, …)."""
        if self.unjudged is not None:
            return self.unjudged
        return int(self.period_verdicts()["verdict"].isin(ins.NO_VERDICT).sum())

    def period_verdicts(self) -> pd.DataFrame:
        """The verdicts of the posts published in the period."""
        days = self.verdicts["local_day"]
        return self.verdicts[(days >= self.period.start) & (days <= self.period.end)]

    def _shown(self, chosen: pd.DataFrame, verdict: str) -> pd.DataFrame:
        keys = ["platform", "post_id"]
        columns = [c for c in chosen.columns if c not in ("account_id", "kind", "published_at")]
        shown = self.details(chosen[keys]).merge(chosen[columns], on=keys)
        return shown.sort_values("ratio", ascending=verdict != ins.BREAKOUT)

    def flagged(self, verdict: str = ins.BREAKOUT, limit: int | None = None) -> pd.DataFrame:
        """The period's posts flagged ``verdict``, the furthest from typical first (at most
        ``limit`` of them), with what a table shows of them."""
        posts = self.period_verdicts()
        chosen = posts[posts["verdict"] == verdict]
        chosen = chosen.sort_values("ratio", ascending=verdict != ins.BREAKOUT)
        return self._shown(chosen if limit is None else chosen.head(limit), verdict)

    def first_flagged_in(self, start: dt.datetime, end: dt.datetime, verdict: str) -> pd.DataFrame:
        """Posts first flagged ``verdict`` by a capture made in [start, end): what the
        weekly digest lists (a post flagged at day 2 is not listed again at day 7)."""
        first = ins.first_flagged(self.judged, verdict)
        first = first[(first["flagged_at"] >= start) & (first["flagged_at"] < end)]
        chosen = self.verdicts.merge(first[["platform", "post_id"]], on=["platform", "post_id"])
        return self._shown(chosen, verdict)


def post_details(store: Store, tz: str, accounts: pd.DataFrame) -> Callable[..., pd.DataFrame]:
    """A reader of posts to show by key, with their library, account and local time."""
    info = accounts[["id", "library_id", "handle"]].rename(columns={"id": "account_id"})

    def details(keys: pd.DataFrame) -> pd.DataFrame:
        rows = store.posts_by_keys(list(keys.itertuples(index=False, name=None)), DETAIL_COLUMNS)
        rows = rows.merge(info, on="account_id", how="left")
        rows["engagements"] = engagements(rows)
        rows["local_time"] = rows["published_at"].dt.tz_convert(tz)
        return rows

    return details


def load_insights(store: Store, tz: str, accounts: pd.DataFrame, period: Period) -> Insights:
    """Judge the period's posts (see :func:`judge_period`), uncached."""
    judged, verdicts = judge_period(store, tz, [int(i) for i in accounts["id"]], period)
    return Insights(period, judged, verdicts, post_details(store, tz, accounts))


#: What categorising reads of a post (its texts are dropped once it is categorised).
TEXT_COLUMNS = ["platform", "post_id", "account_id", "published_at", "kind", "title",
                "caption", "hashtags", "url", "likes", "comments"]  # fmt: skip
RULED_COLUMNS = ["platform", "post_id", "account_id", "library_id", "kind", "published_at",
                 "er_followers", "category", "source", "matched", "set_by", "set_at"]  # fmt: skip


def rules_key(categories: Categories) -> str:
    """A digest of the categories' settings: categories kept for other rules are stale."""
    return hashlib.sha256(repr(categories).encode()).hexdigest()[:32]


#: Above this many posts without a kept category, their texts are read by period, not by key.
READ_ALL_FROM = 2000


def rule_categories(
    store: Store, tz: str, accounts: pd.DataFrame, period: Period, categories: Categories
) -> pd.DataFrame:
    """The period's posts with the category the config's URLs and rules give them, and
    their ER by followers (one row per post, no texts: see :data:`RULED_COLUMNS`); staff's
    choices are applied by :func:`category_data`. Categories already worked out for these
    rules and the posts' latest captures are read from the store; the others are worked
    out from the posts' texts now and kept there."""
    rules = rules_key(categories)
    ids = [int(i) for i in accounts["id"]] or [-1]
    posts = store.category_inputs(ids, period.start, period.end, tz, rules)
    keys = ["platform", "post_id"]
    missing = posts.loc[~posts["known"], [*keys, "metrics_at"]]
    if len(missing):
        if len(missing) > READ_ALL_FROM:
            lo = local_midnight(period.start, tz)
            hi = local_midnight(period.end + dt.timedelta(days=1), tz)
            texts = store.posts(lo, hi, ids, TEXT_COLUMNS).merge(missing[keys], on=keys)
        else:
            texts = store.posts_by_keys(list(missing[keys].itertuples(index=False, name=None)),
                                        TEXT_COLUMNS)  # fmt: skip
        ruled = ins.categorise(texts, categories)
        fresh = missing.merge(ruled[[*keys, "category", "source", "matched"]], on=keys)
        kept = fresh.astype(object).where(fresh.notna(), None)  # NaN is no category: NULL
        store.keep_rule_categories(kept.to_dict("records"), rules)
        posts = posts.set_index(keys)
        posts.update(fresh.set_index(keys)[["category", "source", "matched"]])
        posts = posts.reset_index()
    posts["matched"] = posts["matched"].fillna("")
    posts["set_by"] = None
    posts["set_at"] = pd.Series(pd.NaT, index=posts.index, dtype="datetime64[ns, UTC]")
    posts["engagements"] = engagements(posts)
    followers = posts["followers_at_post"].astype("Float64")
    posts["er_followers"] = (posts["engagements"] / followers.mask(followers <= 0) * 100).astype(
        "Float64"
    )
    info = accounts[["id", "library_id"]].rename(columns={"id": "account_id"})
    return posts.merge(info, on="account_id", how="left")[RULED_COLUMNS]


@dataclass(frozen=True)
class CategoryData:
    posts: pd.DataFrame  # the period's posts (RULED_COLUMNS) with staff's choices applied
    summary: pd.DataFrame  # per library and category (insights.category_summary)


def category_data(
    ruled: pd.DataFrame, verdicts: pd.DataFrame, overrides: pd.DataFrame
) -> CategoryData:
    """The period's posts with their content category (staff's ``overrides``, read fresh:
    they are not part of the store's fingerprint, over the rules' ``ruled``), and the
    per-library summary with the breakouts of ``verdicts``."""
    keys = ["platform", "post_id"]
    chosen = ins.with_overrides(ruled[ins.CATEGORY_COLUMNS], overrides)
    posts = ruled.drop(columns=[c for c in ins.CATEGORY_COLUMNS if c not in keys]).merge(
        chosen, on=keys
    )
    summary = ins.category_summary(posts, chosen, verdicts)
    return CategoryData(posts, summary)
