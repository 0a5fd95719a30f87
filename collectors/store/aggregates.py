"""The Store's reads for the dashboard at scale: figures grouped by the database (per
account and local day, week, kind or hour) and the narrow rows the insights need, so that a
page reads hundreds of rows, not the hundreds of thousands behind them.

Every formula here mirrors one of ``dashboard.metrics`` (named in each docstring); a test
checks that both give the same figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from collectors.store.localtime import SEARCH_FUNCTION, LocalTime
from collectors.store.reads import _json_list
from collectors.store.schema import (
    account_daily,
    account_metrics,
    accounts,
    derived,
    post_ages,
    post_metrics,
    post_rule_categories,
    post_verdicts,
    posts,
)


def utc_bounds(start: dt.date, end: dt.date, tz: str) -> tuple[dt.datetime, dt.datetime]:
    """[first moment of ``start``, first moment after ``end``) of local days, in UTC."""
    zone = ZoneInfo(tz)
    lo = dt.datetime.combine(start, dt.time(0), zone).astimezone(dt.UTC)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), zone).astimezone(dt.UTC)
    return lo, hi


class Aggregates:
    """Mixed into :class:`collectors.store.Store` (which sets engine and _sqlite)."""

    engine: sa.engine.Engine
    _sqlite: bool

    def _local(self, tz: str) -> LocalTime:
        return LocalTime(self.engine.dialect.name, tz)

    def _rows(self, stmt: Any) -> tuple[list[tuple[Any, ...]], list[str]]:
        with self.engine.connect() as conn:
            result = conn.execute(stmt)
            return result.cursor.fetchall(), list(result.keys())

    def _time_param(self, moment: dt.datetime) -> Any:
        """A bound UTC time as the store keeps it (SQLite: text, so the index is used)."""
        if self._sqlite:
            return moment.astimezone(dt.UTC).isoformat(" ", "microseconds")[:26]
        return moment

    def _posts_between(
        self, account_ids: Sequence[int], start: dt.date, end: dt.date, tz: str
    ) -> Any:
        """WHERE of posts by these accounts published on local days [start, end]."""
        lo, hi = utc_bounds(start, end, tz)
        published = (
            sa.type_coerce(posts.c.published_at, sa.String)
            if self._sqlite
            else (posts.c.published_at)
        )
        return sa.and_(
            posts.c.account_id.in_([int(a) for a in account_ids]),
            published >= self._time_param(lo),
            published < self._time_param(hi),
        )

    def _followers_at(self, day: Any) -> Any:
        """The account's followers on a post's local day (``metrics.followers_at_post``):
        the nearest earlier daily row with followers, else the nearest later one."""
        known = sa.and_(
            account_daily.c.account_id == posts.c.account_id,
            account_daily.c.followers.is_not(None),
        )
        earlier = (
            sa.select(account_daily.c.followers)
            .where(known, account_daily.c.day <= day)
            .order_by(account_daily.c.day.desc())
            .limit(1)
            .scalar_subquery()
        )
        later = (
            sa.select(account_daily.c.followers)
            .where(known, account_daily.c.day > day)
            .order_by(account_daily.c.day)
            .limit(1)
            .scalar_subquery()
        )
        return sa.func.coalesce(earlier, later)

    def _engagements(self) -> Any:
        """engagements = likes + comments (``metrics.engagements``): unknown when the likes
        are hidden, comments turned off count as 0."""
        likes = sa.cast(posts.c.likes, sa.Float)
        return sa.case(
            (posts.c.likes.is_(None), sa.null()),
            else_=likes + sa.func.coalesce(posts.c.comments, 0),
        )

    def _post_reach(self) -> Any:
        """A post's reach (``dashboard.owner.post_figures``): its latest stored value, the
        official API's before an export file's; NULL when none is stored."""
        m = post_metrics
        rank = sa.case(*[(m.c.source == s, n) for n, s in enumerate(OWNER_SOURCES)])
        return (
            sa.select(m.c.value)
            .where(
                m.c.platform == posts.c.platform,
                m.c.post_id == posts.c.post_id,
                m.c.metric == "reach",
                m.c.source.in_(OWNER_SOURCES),
            )
            .order_by(rank, m.c.day.desc())
            .limit(1)
            .scalar_subquery()
        )

    def _search(self, words: Sequence[str]) -> Any:
        """Posts whose caption, title, hashtags, mentions or account contain every word
        (any case; ``dashboard.posts.search_posts``)."""
        if self._sqlite:
            text = getattr(sa.func, SEARCH_FUNCTION)(
                posts.c.caption, posts.c.title, posts.c.hashtags, posts.c.mentions,
                accounts.c.handle,
            )  # fmt: skip
        else:
            # The lists' JSON text as PostgreSQL writes it back (escapes decoded): the same
            # words, between brackets and quotes that a search word does not span.
            def listed(column: Any) -> Any:
                return sa.cast(sa.cast(column, postgresql.JSONB), sa.Text)

            text = sa.func.lower(
                sa.func.concat_ws(
                    " ",
                    sa.func.coalesce(posts.c.caption, ""),
                    sa.func.coalesce(posts.c.title, ""),
                    listed(posts.c.hashtags),
                    listed(posts.c.mentions),
                    sa.func.coalesce(accounts.c.handle, ""),
                )
            )
        find = sa.func.instr if self._sqlite else sa.func.strpos
        return sa.and_(*[find(text, w) > 0 for w in words])

    def post_list(
        self,
        account_ids: Sequence[int],
        start: dt.date,
        end: dt.date,
        tz: str,
        *,
        words: Sequence[str] = (),
        kinds: Sequence[str] | None = None,
        order: str = "newest",
        limit: int | None = 200,
    ) -> tuple[pd.DataFrame, dict[str, int]]:
        """The posts published on local days [start, end] by these accounts, of ``kinds``,
        containing every one of ``words`` (lower case) in their texts: the first ``limit``
        of them in ``order`` (newest; or engagements, ER by followers or ER by reach,
        highest first and unknown last), with :data:`LIST_COLUMNS` and followers_at_post;
        and how many there are in all on each platform. Lists are Python lists."""
        if order not in ORDERS:
            raise ValueError(f"unknown order {order!r}")
        local = self._local(tz)
        followers = self._followers_at(local.day(posts.c.published_at))
        where = [self._posts_between(account_ids, start, end, tz)]
        if kinds is not None:
            where.append(posts.c.kind.in_(list(kinds)))
        if words:
            where.append(self._search(words))
        source = posts.join(accounts, accounts.c.id == posts.c.account_id)
        count = (
            sa.select(posts.c.platform, sa.func.count())
            .select_from(source)
            .where(*where)
            .group_by(posts.c.platform)
        )
        with self.engine.connect() as conn:
            counts = {str(p): int(n) for p, n in conn.execute(count).all()}
        time = (lambda c: sa.type_coerce(c, sa.String)) if self._sqlite else (lambda c: c)
        columns = [
            time(posts.c[c]).label(c) if c == "published_at" else posts.c[c] for c in LIST_COLUMNS
        ]
        stmt = (
            sa.select(*columns, followers.label("followers_at_post"))
            .select_from(source)
            .where(*where)
        )
        engagements = self._engagements()
        if order == "engagements":
            stmt = stmt.order_by(engagements.desc().nulls_last(), posts.c.published_at.desc())
        elif order == "er":
            # followers named once (never negative): each post's look-up made once, not
            # once for the test and once for the division
            er = engagements * 100.0 / sa.func.nullif(followers, 0)
            stmt = stmt.order_by(er.desc().nulls_last(), posts.c.published_at.desc())
        elif order == "er_reach":
            reach = self._post_reach()
            er = sa.case((reach > 0, engagements * 100.0 / reach), else_=sa.null())
            stmt = stmt.order_by(er.desc().nulls_last(), posts.c.published_at.desc())
        else:
            stmt = stmt.order_by(posts.c.published_at.desc())
        stmt = stmt.order_by(posts.c.platform, posts.c.post_id)
        if limit is not None:
            stmt = stmt.limit(limit)
        rows, names = self._rows(stmt)
        frame = pd.DataFrame.from_records(rows, columns=names, coerce_float=False)
        frame["published_at"] = _utc(frame["published_at"])
        frame["account_id"] = frame["account_id"].astype("int64")
        for col in ("likes", "comments", "views", "plays"):
            frame[col] = frame[col].astype("Int64")
        frame["followers_at_post"] = frame["followers_at_post"].astype("Float64")
        for col in ("hashtags", "mentions"):
            frame[col] = pd.Series([_json_list(v) for v in frame[col]], dtype=object)
        return frame, counts

    def post_sums(
        self,
        account_ids: Sequence[int],
        start: dt.date,
        end: dt.date,
        tz: str,
        by: Sequence[str] = (),
    ) -> pd.DataFrame:
        """:data:`SUM_COLUMNS` of the posts published on local days [start, end] by these
        accounts, per account and the groups ``by`` (of :data:`GROUPS`: kind; local day,
        week (its Monday), weekday (0 = Monday) or hour of publication; hashtag), summed by
        the database. Per post, as ``metrics.enrich_posts``: engagements = likes + comments
        (unknown with hidden likes), ER = engagements ÷ followers at posting × 100, per 1,000
        followers likewise × 1,000 (none without followers)."""
        return self.post_sums_by(account_ids, start, end, tz, [tuple(by)])[0]

    def post_sums_by(
        self,
        account_ids: Sequence[int],
        start: dt.date,
        end: dt.date,
        tz: str,
        groupings: Sequence[Sequence[str]],
    ) -> list[pd.DataFrame]:
        """:meth:`post_sums` for several groupings at once, in one statement: each post's
        facts (its followers looked up once) are worked out once and summed per grouping."""
        wanted = {g for by in groupings for g in by}
        unknown = wanted - set(GROUPS)
        if unknown:
            raise ValueError(f"unknown groups {sorted(unknown)}")
        local = self._local(tz)
        day = local.day(posts.c.published_at)
        columns = [
            posts.c.account_id,
            self._engagements().label("eng"),
            self._followers_at(day).label("followers"),
            posts.c.views,
        ]
        if "kind" in wanted:
            columns.append(posts.c.kind)
        if {"day", "week"} & wanted:
            columns.append(day.label("day"))
        if "weekday" in wanted:
            columns.append(local.weekday(posts.c.published_at).label("weekday"))
        if "hour" in wanted:
            columns.append(local.hour(posts.c.published_at).label("hour"))
        if "hashtag" in wanted:
            columns.append(posts.c.hashtags)
        # Materialised: the followers of each post are looked up once, not once per use.
        facts = (
            sa.select(*columns)
            .where(self._posts_between(account_ids, start, end, tz))
            .cte("facts")
            .prefix_with("MATERIALIZED")
        )
        f = facts.c
        er = sa.case((f.followers > 0, f.eng * 100.0 / f.followers), else_=sa.null())
        per_1k = sa.case((f.followers > 0, f.eng * 1000.0 / f.followers), else_=sa.null())
        sums = [
            sa.func.count().label("posts"),
            sa.func.count(f.eng).label("eng_n"),
            sa.func.sum(f.eng).label("eng_sum"),
            sa.func.count(er).label("er_n"),
            sa.func.sum(er).label("er_sum"),
            sa.func.sum(per_1k).label("k_sum"),
            sa.func.count(f.views).label("views_n"),
            sa.func.sum(f.views).label("views_sum"),
        ]
        # One SELECT per grouping, the same columns in each (a group not used is NULL, of
        # the group's type), told apart by their number: UNION ALL, so that the facts are
        # made once.
        day_type = sa.String if self._sqlite else sa.Date  # SQLite keeps days as text
        types = {"kind": sa.String, "day": day_type, "week": day_type, "weekday": sa.Integer,
                 "hour": sa.Integer, "hashtag": sa.String}  # fmt: skip
        selects = []
        for number, by in enumerate(groupings):
            keys: dict[str, Any] = {}
            source: Any = facts
            for group in by:
                if group == "week":
                    keys["week"] = local.week(f.day)
                elif group == "hashtag":
                    if self._sqlite:
                        tags = sa.func.json_each(f.hashtags).table_valued("value")
                    else:
                        tags = (
                            sa.func.jsonb_array_elements_text(sa.cast(f.hashtags, postgresql.JSONB))
                            .table_valued("value")
                            .lateral()
                        )
                    source = source.join(tags, sa.true())
                    keys["hashtag"] = tags.c.value
                else:
                    keys[group] = f[group]
            shown = [
                sa.cast(keys[g] if g in keys else sa.null(), types[g]).label(g) for g in GROUPS
            ]  # fmt: skip
            selects.append(
                sa.select(sa.literal(number).label("grouping"), f.account_id, *shown, *sums)
                .select_from(source)
                .group_by(f.account_id, *keys.values())
            )
        stmt = selects[0] if len(selects) == 1 else sa.union_all(*selects)
        rows, names = self._rows(stmt)
        every = pd.DataFrame.from_records(rows, columns=names, coerce_float=True)
        frames = []
        for number, by in enumerate(groupings):
            frame = every[every["grouping"] == number].reset_index(drop=True)
            frame["account_id"] = frame["account_id"].astype("int64")
            for col in ("posts", "eng_n", "er_n", "views_n"):
                frame[col] = frame[col].astype("int64")
            for col in ("eng_sum", "er_sum", "k_sum", "views_sum"):
                frame[col] = pd.to_numeric(frame[col]).astype("float64")
            for col in ("day", "week"):
                if col in by:
                    frame[col] = [d if isinstance(d, dt.date) else dt.date.fromisoformat(d)
                                  for d in frame[col]]  # fmt: skip
            for col in ("weekday", "hour"):
                if col in by:
                    frame[col] = frame[col].astype("int64")
            frames.append(frame[["account_id", *by, *SUM_COLUMNS]])
        return frames

    def audience_rows(
        self, account_ids: Sequence[int], start: dt.date, end: dt.date
    ) -> pd.DataFrame:
        """The daily rows (account_id, day, followers) that an audience over [start, end]
        rests on (``metrics.audience``): per account, its last row with followers on or
        before ``end``, its last before ``start`` and its first in the period. Three
        indexed lookups per account instead of every day of the period."""
        known = sa.and_(
            account_daily.c.account_id == accounts.c.id, account_daily.c.followers.is_not(None)
        )

        def day(*where: Any, last: bool = True) -> Any:
            pick = sa.func.max if last else sa.func.min
            return sa.select(pick(account_daily.c.day)).where(known, *where).scalar_subquery()

        ids = [int(a) for a in account_ids]
        stmt = sa.select(
            accounts.c.id,
            day(account_daily.c.day <= end),
            day(account_daily.c.day < start),
            day(account_daily.c.day >= start, account_daily.c.day <= end, last=False),
        ).where(accounts.c.id.in_(ids))
        with self.engine.connect() as conn:
            pairs = {(int(row[0]), d) for row in conn.execute(stmt).all() for d in row[1:] if d}
        if not pairs:
            return self.account_daily(end, start, [], columns=["followers"])
        rows = self._frame(
            self._select(account_daily, ["account_id", "day", "followers"]).where(
                sa.tuple_(account_daily.c.account_id, account_daily.c.day).in_(sorted(pairs))
            ),
            account_daily,
        )
        return rows.sort_values(["account_id", "day"]).reset_index(drop=True)

    def audience_series(
        self,
        account_ids: Sequence[int],
        start: dt.date,
        end: dt.date,
        tz: str,
        weekly: bool = False,
    ) -> pd.DataFrame:
        """Daily followers (account_id, day, followers) of these accounts on days [start,
        end], days without followers left out; with ``weekly``, only each week's last such
        day (weeks start on Monday): a chart of years needs no more."""
        where = sa.and_(
            account_daily.c.account_id.in_([int(a) for a in account_ids]),
            account_daily.c.day >= start,
            account_daily.c.day <= end,
            account_daily.c.followers.is_not(None),
        )
        columns = ["account_id", "day", "followers"]
        if not weekly:
            stmt = self._select(account_daily, columns).where(where)
            return self._frame(stmt.order_by(account_daily.c.account_id, account_daily.c.day),
                               account_daily)  # fmt: skip
        local = self._local(tz)
        day = (
            sa.type_coerce(account_daily.c.day, sa.String)
            if self._sqlite
            else (account_daily.c.day)
        )
        ranked = (
            sa.select(
                account_daily.c.account_id,
                day.label("day"),
                account_daily.c.followers,
                sa.func.row_number()
                .over(
                    partition_by=[account_daily.c.account_id, local.week(account_daily.c.day)],
                    order_by=account_daily.c.day.desc(),
                )
                .label("n"),
            )
            .where(where)
            .subquery()
        )
        stmt = (
            sa.select(ranked.c.account_id, ranked.c.day, ranked.c.followers)
            .where(ranked.c.n == 1)
            .order_by(ranked.c.account_id, ranked.c.day)
        )
        return self._frame(stmt, account_daily)

    def has_data(self, account_ids: Sequence[int], start: dt.date, end: dt.date, tz: str) -> bool:
        """Whether any of these accounts published a post, or was captured, on local days
        [start, end] (two indexed look-ups)."""
        ids = [int(a) for a in account_ids]
        if not ids:
            return False
        posted = sa.select(posts.c.post_id).where(self._posts_between(ids, start, end, tz))
        captured = sa.select(account_daily.c.day).where(
            account_daily.c.account_id.in_(ids),
            account_daily.c.day >= start,
            account_daily.c.day <= end,
        )
        with self.engine.connect() as conn:
            return bool(
                conn.execute(sa.select(sa.or_(posted.exists(), captured.exists()))).scalar()
            )

    def owner_accounts(self) -> list[int]:
        """The accounts with owner-level figures (of the account, or of one of its posts):
        those connected through an official API or with imported export files. Driven by
        the figures (few accounts have them), not by every post."""
        m, a = post_metrics, account_metrics
        of_account = sa.select(a.c.account_id).distinct()
        measured = sa.select(m.c.platform, m.c.post_id).distinct().subquery()
        of_posts = (
            sa.select(posts.c.account_id)
            .join(
                measured,
                (posts.c.platform == measured.c.platform) & (posts.c.post_id == measured.c.post_id),
            )
            .distinct()
        )
        rows, _ = self._rows(sa.union(of_account, of_posts))
        return sorted(int(r[0]) for r in rows)

    def post_kinds(
        self, account_ids: Sequence[int], start: dt.date, end: dt.date, tz: str
    ) -> list[str]:
        """The kinds of the posts published on local days [start, end] by these accounts."""
        stmt = (
            sa.select(posts.c.kind)
            .where(self._posts_between(account_ids, start, end, tz))
            .distinct()
            .order_by(posts.c.kind)
        )
        rows, _ = self._rows(stmt)
        return [r[0] for r in rows]

    def category_inputs(
        self, account_ids: Sequence[int], start: dt.date, end: dt.date, tz: str, rules: str
    ) -> pd.DataFrame:
        """The posts published on local days [start, end] by these accounts, with what the
        Categories page needs (platform, post_id, account_id, kind, published_at,
        metrics_at, likes, comments, followers_at_post) and, where kept for the rules
        ``rules`` and the post's latest capture, its rule category (category, source,
        matched; ``known`` says whether there is one)."""
        local = self._local(tz)
        r = post_rule_categories
        kept = sa.and_(
            r.c.platform == posts.c.platform,
            r.c.post_id == posts.c.post_id,
            r.c.rules == rules,
            r.c.metrics_at == posts.c.metrics_at,
        )
        time = (lambda c: sa.type_coerce(c, sa.String)) if self._sqlite else (lambda c: c)
        stmt = (
            sa.select(
                posts.c.platform,
                posts.c.post_id,
                posts.c.account_id,
                posts.c.kind,
                time(posts.c.published_at).label("published_at"),
                time(posts.c.metrics_at).label("metrics_at"),
                posts.c.likes,
                posts.c.comments,
                self._followers_at(local.day(posts.c.published_at)).label("followers_at_post"),
                r.c.category,
                r.c.source,
                r.c.matched,
                r.c.post_id.is_not(None).label("known"),
            )
            .select_from(posts.outerjoin(r, kept))
            .where(self._posts_between(account_ids, start, end, tz))
        )
        rows, names = self._rows(stmt)
        frame = pd.DataFrame.from_records(rows, columns=names, coerce_float=False)
        frame["account_id"] = frame["account_id"].astype("int64")
        for col in ("published_at", "metrics_at"):
            frame[col] = _utc(frame[col])
        for col in ("likes", "comments"):
            frame[col] = frame[col].astype("Int64")
        frame["followers_at_post"] = frame["followers_at_post"].astype("Float64")
        frame["known"] = frame["known"].astype(bool)
        return frame

    # -- kept breakout verdicts ------------------------------------------------------

    def derived_basis(self, name: str) -> str | None:
        """The state of the store a kind of derived data was worked out for, if any."""
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(derived.c.basis).where(derived.c.name == name)
            ).scalar_one_or_none()

    def _verdicts_between(
        self, account_ids: Sequence[int], start: dt.date, end: dt.date, tz: str
    ) -> Any:
        v = post_verdicts
        lo, hi = utc_bounds(start, end, tz)
        published = (
            sa.type_coerce(v.c.published_at, sa.String) if self._sqlite else (v.c.published_at)
        )
        return sa.and_(
            v.c.account_id.in_([int(a) for a in account_ids]),
            published >= self._time_param(lo),
            published < self._time_param(hi),
        )

    def verdict_rows(
        self,
        account_ids: Sequence[int],
        start: dt.date,
        end: dt.date,
        tz: str,
        verdicts: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """The kept verdict rows (per post and age) of the posts published on local days
        [start, end] by these accounts; with ``verdicts``, only the rows of those verdicts."""
        v = post_verdicts
        stmt = self._select(v).where(self._verdicts_between(account_ids, start, end, tz))
        if verdicts is not None:
            stmt = stmt.where(v.c.verdict.in_(list(verdicts)))
        frame = self._frame(stmt.order_by(v.c.published_at, v.c.post_id, v.c.age), v)
        for col in ("engagements", "er", "median", "mad", "z", "ratio"):
            frame[col] = frame[col].astype("float64")
        frame["baseline_posts"] = frame["baseline_posts"].astype("int64")
        return frame

    def unjudged_posts(
        self,
        account_ids: Sequence[int],
        start: dt.date,
        end: dt.date,
        tz: str,
        judged: Sequence[str],
    ) -> int:
        """How many posts published on local days [start, end] by these accounts have no
        verdict of ``judged`` at any age."""
        v = post_verdicts
        hit = sa.func.max(sa.case((v.c.verdict.in_(list(judged)), 1), else_=0)).label("hit")
        per_post = (
            sa.select(v.c.platform, v.c.post_id, hit)
            .where(self._verdicts_between(account_ids, start, end, tz))
            .group_by(v.c.platform, v.c.post_id)
            .subquery()
        )
        stmt = sa.select(sa.func.count()).select_from(per_post).where(per_post.c.hit == 0)
        with self.engine.connect() as conn:
            return int(conn.execute(stmt).scalar() or 0)

    # -- insights -----------------------------------------------------------------------

    def age_inputs(
        self, account_ids: Sequence[int], start: dt.date, end: dt.date, tz: str
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """What the breakout rule needs of the posts published on local days [start, end]:

        - posts: platform, post_id, account_id, kind, published_at, metrics_at (their last
          capture), followers_at_post;
        - captures: their first capture at each compared age (``post_ages``): platform,
          post_id, age, captured_at, likes, comments.
        """
        local = self._local(tz)
        where = self._posts_between(account_ids, start, end, tz)
        time = (lambda c: sa.type_coerce(c, sa.String)) if self._sqlite else (lambda c: c)
        stmt = sa.select(
            posts.c.platform,
            posts.c.post_id,
            posts.c.account_id,
            posts.c.kind,
            time(posts.c.published_at).label("published_at"),
            time(posts.c.metrics_at).label("metrics_at"),
            self._followers_at(local.day(posts.c.published_at)).label("followers_at_post"),
        ).where(where)
        rows, names = self._rows(stmt)
        frame = pd.DataFrame.from_records(rows, columns=names, coerce_float=False)
        frame["account_id"] = frame["account_id"].astype("int64")
        for col in ("published_at", "metrics_at"):
            frame[col] = _utc(frame[col])
        frame["followers_at_post"] = frame["followers_at_post"].astype("Float64")
        captures = sa.select(
            post_ages.c.platform,
            post_ages.c.post_id,
            post_ages.c.age,
            time(post_ages.c.captured_at).label("captured_at"),
            post_ages.c.likes,
            post_ages.c.comments,
        ).join(
            posts, (posts.c.platform == post_ages.c.platform)
            & (posts.c.post_id == post_ages.c.post_id)
        ).where(where)  # fmt: skip
        rows, names = self._rows(captures)
        taken = pd.DataFrame.from_records(rows, columns=names, coerce_float=False)
        taken["age"] = taken["age"].astype("int64")
        taken["captured_at"] = _utc(taken["captured_at"])
        for col in ("likes", "comments"):
            taken[col] = taken[col].astype("Int64")
        return frame, taken


#: Sums of the posts of a group (``Aggregates.post_sums``; ``metrics.post_sums`` computes
#: the same from posts): posts; engagements known and their sum; ER by followers known, its
#: sum and the sum of engagements per 1,000 followers; views known and their sum.
SUM_COLUMNS = ["posts", "eng_n", "eng_sum", "er_n", "er_sum", "k_sum", "views_n", "views_sum"]
GROUPS = ("kind", "day", "week", "weekday", "hour", "hashtag")

#: What a list of posts shows of each (``Aggregates.post_list``).
LIST_COLUMNS = ["platform", "post_id", "account_id", "published_at", "kind", "title",
                "caption", "url", "thumbnail_url", "hashtags", "mentions", "likes",
                "comments", "views", "plays"]  # fmt: skip
ORDERS = ("newest", "engagements", "er", "er_reach")
#: Owner-level figures by the preference of their source (``dashboard.owner.SOURCE_RANK``).
OWNER_SOURCES = ("owner_insights", "file_import")


def _utc(values: pd.Series) -> pd.Series:
    """Aware UTC timestamps from stored text (SQLite) or driver datetimes (PostgreSQL)."""
    if values.empty:
        return pd.Series(values, dtype="datetime64[ns, UTC]")
    return pd.to_datetime(values, utc=True, format="ISO8601")
