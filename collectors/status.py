"""Health of the collection: each account's freshness and last run, units and requests spent.

Pure functions on the store's frames (used by ``collectors status`` and the Data page),
plus the text report of the status command. Nothing secret is read or printed.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd

from collectors.config import Config
from collectors.store import Store

STALE_AFTER = dt.timedelta(hours=36)
HEALTH_COLUMNS = [
    "account_id",
    "library_id",
    "platform",
    "handle",
    "is_demo",
    "last_capture",
    "age_hours",
    "stale",
    "last_status",
    "last_error",
    "last_run_at",
    "last_error_key",  # with its parameters: the message in the reader's language
    "last_error_params",
    "last_path",  # how the account was last collected (records.PATHS), None before any
]


def account_health(
    accounts: pd.DataFrame,
    daily: pd.DataFrame,
    items: pd.DataFrame,
    now: dt.datetime,
) -> pd.DataFrame:
    """Per account: last successful capture, its age in hours, stale (none, or older than
    36 hours), and the status, error and start time of its last run item."""
    out = accounts[["id", "library_id", "platform", "handle", "is_demo"]].rename(
        columns={"id": "account_id"}
    )
    last = daily.groupby("account_id")["captured_at"].max()
    # A left merge, not Series.map: map fails on an empty datetime series (no capture yet).
    last = pd.DataFrame({"account_id": last.index.astype("int64"), "last_capture": last.to_numpy()})
    out = out.astype({"account_id": "int64"}).merge(last, on="account_id", how="left")
    out["last_capture"] = pd.to_datetime(out["last_capture"], utc=True)
    age = (pd.Timestamp(now) - pd.to_datetime(out["last_capture"], utc=True)).dt.total_seconds()
    out["age_hours"] = age / 3600
    out["stale"] = out["last_capture"].isna() | (
        out["age_hours"] > STALE_AFTER.total_seconds() / 3600
    )
    if len(items):
        latest = items.sort_values(["run_id", "started_at"]).groupby("account_id").tail(1)
        latest = latest.set_index("account_id")
        out["last_status"] = out["account_id"].map(latest["status"])
        out["last_error"] = out["account_id"].map(latest["error"])
        out["last_run_at"] = out["account_id"].map(latest["started_at"])
        for column in ("error_key", "error_params"):
            values = latest[column] if column in latest else pd.Series(dtype=object)
            out[f"last_{column}"] = out["account_id"].map(values)
        # The path of the last item that names one (a skipped account may name none).
        with_path = items[items["path"].notna()] if "path" in items else items.iloc[:0]
        paths = (
            with_path.sort_values(["run_id", "started_at"])
            .groupby("account_id")
            .tail(1)
            .set_index("account_id")["path"]
            if len(with_path)
            else pd.Series(dtype=object)
        )
        out["last_path"] = out["account_id"].map(paths)
    else:
        out["last_status"] = out["last_error"] = None
        out["last_error_key"] = out["last_error_params"] = None
        out["last_path"] = None
        out["last_run_at"] = pd.NaT
    return out[HEALTH_COLUMNS].reset_index(drop=True)


def last_quota_reset(now: dt.datetime) -> dt.datetime:
    """The last midnight in Pacific time, when YouTube's daily quota was reset."""
    pacific = now.astimezone(ZoneInfo("America/Los_Angeles"))
    return dt.datetime.combine(pacific.date(), dt.time(0), pacific.tzinfo)


def spent_since(items: pd.DataFrame, accounts: pd.DataFrame, since: dt.datetime) -> dict[str, int]:
    """YouTube API units and Instagram requests of run items started since ``since``."""
    result = {"youtube_units": 0, "instagram_requests": 0}
    if items.empty:
        return result
    recent = items[pd.to_datetime(items["started_at"], utc=True) >= pd.Timestamp(since)]
    recent = recent.merge(
        accounts[["id", "platform"]].rename(columns={"id": "account_id"}), on="account_id"
    )
    result["youtube_units"] = int(recent.loc[recent["platform"] == "youtube", "api_units"].sum())
    result["instagram_requests"] = int(
        recent.loc[recent["platform"] == "instagram", "requests"].sum()
    )
    return result


def status_report(store: Store, config: Config, limit: int = 5) -> str:
    tz = ZoneInfo(config.timezone)
    now = dt.datetime.now(dt.UTC)
    accounts = store.accounts().set_index("id")
    lines = ["Last runs:"]
    runs = store.runs(limit)
    if runs.empty:
        lines.append("  (no refresh has run yet)")
    for run in runs.itertuples():
        started = run.started_at.tz_convert(tz)
        took = (
            f", {(run.finished_at - run.started_at).total_seconds():.0f} s"
            if not pd.isna(run.finished_at)
            else ""
        )
        lines.append(
            f"  run {run.run_id} {started:%Y-%m-%d %H:%M %Z} {run.status}{took}"
            + (f": {run.error}" if run.error else "")
        )
        for item in store.run_items([run.run_id]).itertuples():
            acc = accounts.loc[item.account_id]
            detail = item.error or f"{item.new_posts} new, {item.updated_posts} updated posts"
            lines.append(f"    {acc.platform} {acc.handle}: {item.status} - {detail}")
    spent = spent_since(store.run_items(), store.accounts(), last_quota_reset(now))
    lines.append(
        f"YouTube units since the last quota reset: {spent['youtube_units']}; "
        f"Instagram requests: {spent['instagram_requests']}"
    )
    lines.append("Accounts:")
    health = account_health(store.accounts(), store.last_captures(), store.run_items(), now)
    for row in health.itertuples():
        when = (
            "never captured"
            if pd.isna(row.last_capture)
            else f"last capture {row.last_capture.tz_convert(tz):%Y-%m-%d %H:%M %Z} "
            f"({row.age_hours:.0f} h ago)"
        )
        flag = " STALE" if row.stale else ""
        demo = " [demo]" if row.is_demo else ""
        lines.append(f"  {row.library_id} {row.platform} {row.handle}{demo}: {when}{flag}")
    return "\n".join(lines)
