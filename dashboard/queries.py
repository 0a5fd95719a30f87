"""Named reads for the dashboard: the store's DataFrames, joined to accounts and filtered.

No SQL here (the store owns it) and no Streamlit: pages cache these through ``data.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from collectors.store import Store
from dashboard.metrics import enrich_posts

RUNS_SHOWN = 200


@dataclass(frozen=True)
class Snapshot:
    """Everything the pages read, taken once per store change."""

    accounts: pd.DataFrame
    daily: pd.DataFrame
    posts: pd.DataFrame  # enriched: engagements, ER, local time, library_id, handle
    demo: bool  # True when the accounts shown are demo accounts
    runs: pd.DataFrame  # the last refresh runs, newest first
    run_items: pd.DataFrame  # their per-account items


def shown_accounts(accounts: pd.DataFrame) -> pd.DataFrame:
    """Real accounts when any exist, else the demo accounts: real data is never mixed
    with demo data."""
    real = accounts[~accounts["is_demo"]]
    return real if len(real) else accounts


def load_snapshot(store: Store, tz: str) -> Snapshot:
    """Read accounts, their daily rows and their posts, with per-post metrics added."""
    all_accounts = store.accounts()
    accounts = shown_accounts(all_accounts).reset_index(drop=True)
    ids = set(accounts["id"])
    daily = store.account_daily()
    daily = daily[daily["account_id"].isin(ids)].reset_index(drop=True)
    posts = store.posts()
    posts = posts[posts["account_id"].isin(ids)]
    posts = posts.merge(
        accounts[["id", "library_id", "handle"]].rename(columns={"id": "account_id"}),
        on="account_id",
        how="left",
    )
    runs = store.runs(RUNS_SHOWN)
    return Snapshot(
        accounts=accounts,
        daily=daily,
        posts=enrich_posts(posts.reset_index(drop=True), daily, tz),
        demo=bool(len(accounts)) and bool(accounts["is_demo"].all()),
        runs=runs,
        run_items=store.run_items([int(r) for r in runs["run_id"]]),
    )


def select(
    snapshot: Snapshot, libraries: list[str], platforms: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Accounts, daily rows and posts of the chosen libraries and platforms."""
    accounts = snapshot.accounts[
        snapshot.accounts["library_id"].isin(libraries)
        & snapshot.accounts["platform"].isin(platforms)
    ]
    ids = set(accounts["id"])
    daily = snapshot.daily[snapshot.daily["account_id"].isin(ids)]
    posts = snapshot.posts[snapshot.posts["account_id"].isin(ids)]
    return accounts, daily, posts
