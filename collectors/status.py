"""Text report of the last refresh runs and each account's freshness (``collectors status``).

Reads through the store only; prints nothing secret.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from collectors.config import Config
from collectors.store import Store

STALE_AFTER = dt.timedelta(hours=36)


def freshness(store: Store, now: dt.datetime | None = None) -> pd.DataFrame:
    """Per account: last capture, its age in hours, and whether it is stale (> 36 h)."""
    now = now or dt.datetime.now(dt.UTC)
    accounts = store.accounts()
    daily = store.account_daily()
    last = daily.groupby("account_id")["captured_at"].max()
    out = accounts[["id", "library_id", "platform", "handle", "is_demo"]].copy()
    out["last_capture"] = out["id"].map(last)
    out["age_hours"] = (pd.Timestamp(now) - out["last_capture"]).dt.total_seconds() / 3600
    out["stale"] = out["last_capture"].isna() | (
        out["age_hours"] > STALE_AFTER.total_seconds() / 3600
    )
    return out


def status_report(store: Store, config: Config, limit: int = 5) -> str:
    tz = config.timezone
    lines = ["Last runs:"]
    runs = store.runs(limit)
    if runs.empty:
        lines.append("  (no refresh has run yet)")
    for run in runs.itertuples():
        started = run.started_at.tz_convert(tz).strftime("%Y-%m-%d %H:%M")
        lines.append(f"  run {run.run_id} {started} {tz} {run.status}: {run.error or ''}".rstrip())
        items = store.run_items([run.run_id])
        accounts = store.accounts().set_index("id")
        for item in items.itertuples():
            acc = accounts.loc[item.account_id]
            detail = item.error or f"{item.new_posts} new, {item.updated_posts} updated"
            lines.append(f"    {acc.platform} {acc.handle}: {item.status} - {detail}")
    lines.append("Accounts:")
    for row in freshness(store).itertuples():
        when = (
            "never"
            if pd.isna(row.last_capture)
            else f"{row.last_capture.tz_convert(tz):%Y-%m-%d %H:%M} ({row.age_hours:.0f} h ago)"
        )
        flag = " STALE" if row.stale else ""
        demo = " [demo]" if row.is_demo else ""
        lines.append(f"  {row.library_id} {row.platform} {row.handle}{demo}: {when}{flag}")
    return "\n".join(lines)
