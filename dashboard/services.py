"""Figures of the libraries' services (WhatsApp "Ask Librarian") and the social figures shown
beside them: pure functions, DataFrames in and out, each formula in its docstring.

Inputs use the store's column names (``service_daily``, ``service_questions``, ``services``,
``account_metrics``). Periods are local calendar days [start, end], both inclusive. No I/O.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from collectors.config import Library
from collectors.whatsapp import percentile
from dashboard.metrics import Period

#: When a day has figures from a chat export and from staff's own counts, the export wins.
SOURCE_ORDER = ("file_import", "manual")
DAY_COLUMNS = [
    "service_id", "day", "source", "questions", "answered", "median_first_reply_s",
    "p90_first_reply_s", "within_1h", "within_hours", "askers",
]  # fmt: skip
FIGURE_COLUMNS = [
    "service_id", "library_id", "name", "questions", "answered", "answered_pct",
    "median_reply_s", "p90_reply_s", "within_1h_pct", "within_hours_pct", "askers",
    "days", "sources",
]  # fmt: skip


def chosen_services(
    stored: pd.DataFrame, libraries: Sequence[Library], chosen: Sequence[str]
) -> pd.DataFrame:
    """The services of the ``chosen`` libraries (id, library_id, kind, name): the stored
    ones (``Store.services()``), and those configured in ``libraries`` but not stored yet
    (nothing imported), with ids −1, −2, …; in configuration order, then by name."""
    mine = stored[stored["library_id"].isin(list(chosen))]
    rows = [
        {"id": int(r.id), "library_id": r.library_id, "kind": r.kind, "name": r.name}
        for r in mine.itertuples()
    ]
    known = {(r["library_id"], r["kind"], r["name"]) for r in rows}
    missing = -1
    for lib in libraries:
        if lib.id not in chosen:
            continue
        for service in lib.services:
            if (lib.id, service.kind, service.name) not in known:
                rows.append(
                    {"id": missing, "library_id": lib.id, "kind": service.kind,
                     "name": service.name}
                )  # fmt: skip
                missing -= 1
    order = {lib.id: i for i, lib in enumerate(libraries)}
    frame = pd.DataFrame(rows, columns=["id", "library_id", "kind", "name"])
    return frame.sort_values(
        ["library_id", "name"], key=lambda s: s.map(order) if s.name == "library_id" else s
    ).reset_index(drop=True)


def _in(frame: pd.DataFrame, period: Period, column: str = "day") -> pd.DataFrame:
    return frame[(frame[column] >= period.start) & (frame[column] <= period.end)]


def service_days(daily: pd.DataFrame, period: Period) -> pd.DataFrame:
    """One row per service and day of the period: the chat export's figures where there
    are any, else the counts staff recorded by hand (source "manual")."""
    if daily.empty:
        return pd.DataFrame(columns=DAY_COLUMNS)
    days = _in(daily, period)
    rank = days["source"].map({s: i for i, s in enumerate(SOURCE_ORDER)}).fillna(len(SOURCE_ORDER))
    best = (
        days.assign(_rank=rank)
        .sort_values(["service_id", "day", "_rank"])
        .drop_duplicates(["service_id", "day"])
    )
    return best[DAY_COLUMNS].reset_index(drop=True)


def local_questions(questions: pd.DataFrame, tz: str, period: Period) -> pd.DataFrame:
    """Per-question timings asked on the period's local days, with ``local`` (asked_at in
    ``tz``), ``day``, ``weekday`` (0 = Monday) and ``hour``."""
    if questions.empty:
        return questions.assign(local=[], day=[], weekday=[], hour=[])
    local = questions["asked_at"].dt.tz_convert(tz)
    out = questions.assign(
        local=local, day=local.dt.date, weekday=local.dt.day_of_week, hour=local.dt.hour
    )
    return _in(out, period).reset_index(drop=True)


def quantile(values: Sequence[float], p: float) -> float | None:
    """The ``p``-quantile by linear interpolation between the closest ranks: sorted
    x₀ … xₙ₋₁, h = (n − 1)·p, value = x⌊h⌋ + (h − ⌊h⌋)·(x⌈h⌉ − x⌊h⌋) (the same formula
    the import uses for the daily figures). None for no values."""
    return percentile([float(v) for v in values], p)


def _pct(part: float, whole: float) -> float | None:
    return None if not whole else part / whole * 100


def figures(
    services: pd.DataFrame,
    daily: pd.DataFrame,
    questions: pd.DataFrame,
    period: Period,
    tz: str,
) -> pd.DataFrame:
    """Per service, over the period:

    - questions, answered: sums of the days' counts (see :func:`service_days`);
      answered_pct = answered ÷ questions × 100
    - median_reply_s, p90_reply_s: median and 90th percentile of the seconds to the first
      staff reply over the period's answered questions (per-question timings; see
      :func:`quantile`), NA where only hand-kept counts exist
    - within_1h_pct = questions answered within one hour ÷ questions × 100
    - within_hours_pct = questions asked in service hours and answered before they ended
      that day ÷ questions asked in service hours × 100 (per-question timings only)
    - askers = sum over days of the distinct patrons who asked that day (a patron asking on
      two days counts twice; patrons are never identified across imports)
    - days: days with figures; sources: where the figures came from
    """
    days = service_days(daily, period)
    asked = local_questions(questions, tz, period)
    rows = []
    for service in services.itertuples():
        mine = days[days["service_id"] == service.id]
        own = asked[asked["service_id"] == service.id] if len(asked) else asked
        total = _known_sum(mine["questions"])
        answered = _known_sum(mine["answered"])
        replies = [float(r) for r in own["first_reply_s"].dropna()] if len(own) else []
        in_hours = own[own["in_service_hours"]] if len(own) else own
        in_hours_answered = _known_sum(mine.loc[mine["source"] == "file_import", "within_hours"])
        rows.append(
            {
                "service_id": service.id,
                "library_id": service.library_id,
                "name": service.name,
                "questions": total,
                "answered": answered,
                "answered_pct": _pct(answered or 0, total or 0),
                "median_reply_s": quantile(replies, 0.5),
                "p90_reply_s": quantile(replies, 0.9),
                "within_1h_pct": _pct(_known_sum(mine["within_1h"]) or 0, total or 0)
                if mine["within_1h"].notna().any()
                else None,
                "within_hours_pct": _pct(in_hours_answered or 0, len(in_hours))
                if len(in_hours)
                else None,
                "askers": _known_sum(mine["askers"]),
                "days": len(mine),
                "sources": sorted(set(mine["source"])),
            }
        )
    return pd.DataFrame(rows, columns=FIGURE_COLUMNS)


def _known_sum(values: pd.Series) -> float | None:
    """Sum of the known values; None when none is known."""
    known = pd.to_numeric(values, errors="coerce").dropna()
    return None if known.empty else float(known.sum())


def compare(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Figures of two periods side by side: ``<figure>_prev`` and ``<figure>_change`` =
    current − previous, per service."""
    keep = ["questions", "answered_pct", "median_reply_s", "within_1h_pct"]
    prev = previous.set_index("service_id")[keep].add_suffix("_prev")
    out = current.join(prev, on="service_id")
    for name in keep:
        now = pd.to_numeric(out[name], errors="coerce")
        before = pd.to_numeric(out[f"{name}_prev"], errors="coerce")
        out[f"{name}_change"] = now - before
    return out


def busy_hours(questions: pd.DataFrame) -> pd.DataFrame:
    """Questions per local weekday (0 = Monday) and hour, from per-question timings (give
    :func:`local_questions`): service_id, weekday, hour, questions, answered, median_reply_s."""
    cols = ["service_id", "weekday", "hour", "questions", "answered", "median_reply_s"]
    if questions.empty:
        return pd.DataFrame(columns=cols)
    grouped = questions.groupby(["service_id", "weekday", "hour"])
    out = grouped.agg(
        questions=("asked_at", "size"),
        answered=("first_reply_s", "count"),
    ).reset_index()
    medians = grouped["first_reply_s"].apply(lambda s: quantile(list(s.dropna()), 0.5))
    out["median_reply_s"] = medians.to_numpy()
    return out[cols]


def daily_series(days: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Every day of the period per service (days without figures as NA), for charts."""
    if days.empty:
        return days
    calendar = pd.date_range(period.start, period.end, freq="D").date
    frames = []
    for service_id, group in days.groupby("service_id"):
        full = pd.DataFrame({"day": calendar}).merge(group, on="day", how="left")
        full["service_id"] = service_id
        frames.append(full)
    return pd.concat(frames, ignore_index=True)


# -- social figures beside the services ---------------------------------------------------

#: Owner-level account figures shown beside the services (platform, metric), with how a
#: period total is formed: "sum" of the daily values (reach: an upper bound of the people
#: reached, since people repeat across days), "mean" of daily rates.
OWNER_FIGURES = (
    ("instagram", "reach", "sum"),
    ("instagram", "views", "sum"),
    ("youtube", "views", "sum"),
    ("youtube", "impressions", "sum"),
    ("youtube", "impressionsCtr", "mean"),
)


def owner_figures(metrics: pd.DataFrame, accounts: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Per library, platform and metric of :data:`OWNER_FIGURES`: the period's total of the
    stored daily owner-level figures (``account_metrics``): sum of the days (reach summed
    over days is an upper bound of the people reached), or the mean of daily rates (CTR);
    with the days counted and the sources the numbers came from."""
    cols = ["library_id", "platform", "metric", "value", "days", "sources", "how"]
    if metrics.empty or accounts.empty:
        return pd.DataFrame(columns=cols)
    info = accounts[["id", "library_id", "platform"]].rename(columns={"id": "account_id"})
    frame = _in(metrics, period).merge(info, on="account_id")
    rows = []
    for platform, metric, how in OWNER_FIGURES:
        part = frame[(frame["platform"] == platform) & (frame["metric"] == metric)]
        for library_id, group in part.groupby("library_id"):
            # One value per account and day: official API figures before export files.
            group = group.assign(
                _rank=group["source"].map({"owner_insights": 0, "file_import": 1}).fillna(2)
            )
            group = group.sort_values("_rank").drop_duplicates(["account_id", "day"])
            values = pd.to_numeric(group["value"], errors="coerce").dropna()
            if values.empty:
                continue
            rows.append(
                {
                    "library_id": library_id,
                    "platform": platform,
                    "metric": metric,
                    "value": float(values.sum() if how == "sum" else values.mean()),
                    "days": int(group["day"].nunique()),
                    "sources": sorted(set(group["source"])),
                    "how": how,
                }
            )
    return pd.DataFrame(rows, columns=cols)


#: Owner-level post figures shown beside the services, per platform.
POST_FIGURES = {
    "instagram": ("reach", "views", "saved", "shares"),
    "youtube": ("impressions", "impressionsCtr", "views", "watchTimeHours"),
}


def post_owner_figures(posts: pd.DataFrame, metrics: pd.DataFrame) -> pd.DataFrame:
    """One row per post that has owner-level figures (``post_metrics``, latest day per
    metric and source): the figures of :data:`POST_FIGURES` as columns, official API values
    before export files, and the sources they came from (``sources``)."""
    base = ["platform", "post_id", "library_id", "published_at", "title", "caption", "url"]
    names = sorted({m for ms in POST_FIGURES.values() for m in ms})
    if posts.empty or metrics.empty:
        return pd.DataFrame(columns=[*base, *names, "sources"])
    wanted = metrics[
        [m in POST_FIGURES.get(p, ()) for p, m in zip(metrics["platform"], metrics["metric"],
                                                      strict=True)]
    ]  # fmt: skip
    ranked = wanted.assign(
        _rank=wanted["source"].map({"owner_insights": 0, "file_import": 1}).fillna(2)
    ).sort_values(["_rank", "day"], ascending=[True, False])
    best = ranked.drop_duplicates(["platform", "post_id", "metric"])
    wide = best.pivot_table(
        index=["platform", "post_id"], columns="metric", values="value", aggfunc="first"
    )
    sources = best.groupby(["platform", "post_id"])["source"].agg(lambda s: sorted(set(s)))
    wide = wide.reindex(columns=names).assign(sources=sources).reset_index()
    out = posts[base].merge(wide, on=["platform", "post_id"])
    return out.sort_values("published_at", ascending=False).reset_index(drop=True)
