"""The dashboard's shared frame: open the store, cache its data, draw the sidebar filters.

``streamlit_app.py`` calls :func:`build_context` once per run and :func:`finish` after the
page; pages call :func:`context`. The filters and the language live in the session (so
they survive page changes and language switches) and in the URL (so a link opens the same
view). Holds no metric formulas and no SQL.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd
import streamlit as st

from collectors.config import (
    PLATFORMS,
    Campaign,
    Config,
    Settings,
    load_config,
    load_settings,
)
from collectors.demo import load_demo
from collectors.errors import ConfigError, StoreError
from collectors.store import Store
from dashboard import i18n
from dashboard.access import require_access
from dashboard.metrics import OTHERS, Period
from dashboard.pagedata import (
    LIST_LIMIT,
    CampaignData,
    CompareData,
    CompareSums,
    Window,
    campaign_data,
    choose,
    compare_figures,
    compare_sums,
    health,
    load_window,
    named_cross_promotion,
    overview_figures,
    partner_handles,
    pending_accounts,
    post_list,
    shown_accounts,
    window_loader,
)

_CONTEXT_KEY = "_jejaring_context"
_MEMORY_KEY = "_jejaring_memory"  # widget values that outlive page changes and languages
_RUN_KEY = "_jejaring_run"  # a counter of script runs, written into the finished marker
_FRAGMENT_KEY = "_jejaring_fragment_run"  # the run in which a fragment last finished
DONE_MARKER = "jejaring-done"  # data-testid of the element written when a page has finished
RUNS_SHOWN = 200
MAX_CARDS = 6  # beyond this many libraries, pages show tables instead of side-by-side cards
OTHERS_COLOR = "#8c8c8c"  # "the other libraries" in a chart
PRESETS = ("preset_7", "preset_30", "preset_90", "preset_365", "preset_year", "preset_all",
           "preset_custom")  # fmt: skip
DEFAULT_PRESET = "preset_30"
# Preset <-> its value in the URL (?period=90).
_PRESET_URL = {"preset_7": "7", "preset_30": "30", "preset_90": "90", "preset_365": "365",
               "preset_year": "year", "preset_all": "all", "preset_custom": "custom"}  # fmt: skip
REFRESH_COMMAND = ".venv/bin/python -m collectors refresh"  # as the README gives it
DEMO_COMMAND = ".venv/bin/python -m collectors demo"


@dataclass(frozen=True)
class Context:
    """What every page needs: settings, chosen filters, and cached reads of the store."""

    config: Config
    settings: Settings
    lang: str
    period: Period
    libraries: list[str]
    platforms: list[str]
    all_accounts: pd.DataFrame  # every shown account (real ones, else the demo ones)
    accounts: pd.DataFrame  # those of the chosen libraries and platforms
    fingerprint: tuple[object, ...]
    # Real accounts without any capture yet (e.g. after a failed first refresh): not shown
    # on the figure pages, listed on the Data page.
    pending: pd.DataFrame = field(default_factory=pd.DataFrame)
    url_params: dict[str, list[str]] = field(default_factory=dict)  # this run's, see finish()
    first_day: dt.date | None = None  # the first local day with data of the shown accounts

    def t(self, key: str, **values: object) -> str:
        return i18n.text(key, self.lang, **values)

    @property
    def tz(self) -> str:
        return self.config.timezone

    @property
    def demo(self) -> bool:
        return bool(len(self.all_accounts)) and bool(self.all_accounts["is_demo"].all())

    @property
    def colors(self) -> dict[str, str]:
        return {lib.id: lib.color for lib in self.config.libraries}

    @property
    def labels(self) -> dict[str, str]:
        return {lib.id: lib.label for lib in self.config.libraries}

    @property
    def handles(self) -> dict[str, set[str]]:
        """Handles of each library: its stored accounts and its configured ones."""
        return partner_handles(self.all_accounts, self.config)

    def load(self, start: dt.date, end: dt.date, detail: str = "metrics") -> Window:
        """The chosen accounts' rows for local days [start, end], cached until the store
        changes (see ``pagedata.load_window``)."""
        ids = tuple(int(i) for i in self.accounts["id"])
        return _window(
            self.settings.database_url, self.tz, self.fingerprint, ids, start, end, detail
        )

    @property
    def account_ids(self) -> tuple[int, ...]:
        return tuple(int(i) for i in self.accounts["id"])

    def post_list(
        self,
        words: Sequence[str] = (),
        kinds: Sequence[str] | None = None,
        order: str = "newest",
        limit: int | None = LIST_LIMIT,
    ) -> tuple[pd.DataFrame, dict[str, int]]:
        """The period's posts a search finds (the first ``limit`` in ``order``) and how
        many it finds per platform, cached until the store changes (``pagedata.post_list``)."""
        return _post_list(
            self.store, self.accounts, self.settings.database_url, self.tz, self.fingerprint,
            self.account_ids, self.period.start, self.period.end, tuple(words),
            None if kinds is None else tuple(kinds), order, limit,
        )  # fmt: skip

    def post_sums(self, by: Sequence[str] = (), period: Period | None = None) -> pd.DataFrame:
        """``Store.post_sums`` of the chosen accounts' posts of ``period`` (default: the
        page's), per account and ``by``; cached until the store changes."""
        period = period or self.period
        return _post_sums(
            self.store, self.settings.database_url, self.tz, self.fingerprint,
            self.account_ids, period.start, period.end, tuple(by),
        )  # fmt: skip

    def overview(self) -> pd.DataFrame:
        """The period's KPIs against the previous period's (``pagedata.overview_figures``),
        cached until the store changes."""
        return _overview(
            self.store, self.accounts, self.settings.database_url, self.tz, self.fingerprint,
            self.account_ids, self.period.start, self.period.end,
        )  # fmt: skip

    def compare(self, combined_best_time: bool = False) -> CompareData:
        """The Compare page's figures (``pagedata.compare_figures``), cached until the
        store changes; from the sums of every shown account, so that a library or platform
        less asks the database nothing."""
        return _compare(
            self.store, self.accounts, self.settings.database_url, self.tz, self.fingerprint,
            self.account_ids, self.period.start, self.period.end, combined_best_time,
            tuple(int(i) for i in self.all_accounts["id"]),
        )  # fmt: skip

    def series_names(self, others: int) -> tuple[dict[str, str], dict[str, str]]:
        """Colours and labels of the libraries, and of "the other N libraries" when a chart
        draws some together (``metrics.OTHERS``)."""
        colors = self.colors | {OTHERS: OTHERS_COLOR}
        labels = self.labels | {OTHERS: self.t("other_libraries", n=others)}
        return colors, labels

    def campaign(self, campaign: Campaign) -> CampaignData:
        """A campaign's figures (``pagedata.campaign_data``) from its libraries' accounts
        only, cached until the store changes: the same whatever the period shown."""
        members = self.accounts[self.accounts["library_id"].isin(campaign.libraries)]
        ids = tuple(int(i) for i in members["id"])
        return _campaign(
            self.store, members.reset_index(drop=True), campaign, self.handles,
            self.settings.database_url, self.tz, self.fingerprint, ids, repr(campaign),
        )  # fmt: skip

    def cross_promotion(self) -> pd.DataFrame:
        """Who promotes whom in the period (``pagedata.cross_promotion``), cached."""
        return _cross(
            self.store, self.accounts, self.handles, self.settings.database_url, self.tz,
            self.fingerprint, self.account_ids, self.period.start, self.period.end,
        )  # fmt: skip

    def post_kinds(self) -> list[str]:
        """The kinds of the period's posts."""
        return _post_kinds(
            self.store, self.settings.database_url, self.tz, self.fingerprint,
            self.account_ids, self.period.start, self.period.end,
        )  # fmt: skip

    def runs(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The last refresh runs and their items."""
        return _runs(self.settings.database_url, self.tz, self.fingerprint)

    def health(self) -> pd.DataFrame:
        """Freshness and last result of the shown accounts and of the real accounts that
        have no capture yet."""
        return _health(self.settings.database_url, self.tz, self.fingerprint)

    def owner_metrics(self, start: dt.date, end: dt.date) -> pd.DataFrame:
        """Owner-level daily figures (long form) of the chosen accounts for local days
        [start, end], cached until the store changes."""
        ids = tuple(int(i) for i in self.accounts["id"])
        return _owner_metrics(self.settings.database_url, self.tz, self.fingerprint, ids, start,
                              end)  # fmt: skip

    def post_owner_metrics(
        self, posts: pd.DataFrame, names: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """The latest owner-level figures of these posts: ``names`` (default reach, saves,
        shares: ``owner.POST_METRICS``)."""
        from dashboard.owner import POST_METRICS

        pairs = tuple(zip(posts["platform"], posts["post_id"], strict=True))
        names = tuple(sorted(names or POST_METRICS))
        return _post_owner_metrics(
            self.settings.database_url, self.tz, self.fingerprint, pairs, names
        )

    def connected_ids(self) -> list[int]:
        """The chosen accounts that have owner-level figures (official API or export
        files): the only ones the owner panels need to read."""
        having = set(_owner_accounts(self.settings.database_url, self.tz, self.fingerprint))
        return [i for i in self.account_ids if i in having]

    def connected(self) -> Context:
        """This context with only the chosen accounts that have owner-level figures: the
        owner panels read their posts, not every account's."""
        ids = self.connected_ids()
        return replace(self, accounts=self.accounts[self.accounts["id"].isin(ids)])

    def owned_list(self, order: str, limit: int) -> pd.DataFrame:
        """The period's first ``limit`` posts in ``order`` with their owner figures."""
        from dashboard.owner import post_figures

        found = self.post_list(order=order, limit=limit)[0]
        return post_figures(found, self.post_owner_metrics(found))

    def collection(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Every library's official-API connection facts (never a token) and, per account
        and source, the first and last day of its owner-level figures."""
        return _collection(self.settings.database_url, self.tz, self.fingerprint)

    # -- what every page says ---------------------------------------------------------

    def period_caption(self, compared: bool = False) -> None:
        """The period the page shows (and, with ``compared``, the one it is compared with)."""
        lang, period = self.lang, self.period
        values = dict(
            start=i18n.date(period.start, lang), end=i18n.date(period.end, lang), days=period.days
        )
        if compared:
            previous = period.previous()
            values |= dict(
                pstart=i18n.date(previous.start, lang), pend=i18n.date(previous.end, lang)
            )
            st.caption(self.t("period_line", **values))
        else:
            st.caption(self.t("period_only", **values))

    def require_data(self) -> None:
        """Stop the page, saying why, when there is nothing to show: no library or platform
        chosen, nothing collected at all, or nothing for this choice."""
        if not self.libraries or not self.platforms:
            st.warning(self.t("no_selection"))
            self.stop()
        if self.all_accounts.empty:
            st.info(
                self.t("nothing_collected", refresh=REFRESH_COMMAND, demo=DEMO_COMMAND),
                icon=":material/info:",
            )
            data_page_link(self.lang)
            self.stop()
        if self.accounts.empty:
            st.info(self.t("no_data"))
            self.stop()

    def no_data_in_period(self) -> bool:
        """Whether the chosen accounts have neither a post nor a capture in the period (a
        period before any data), whose figures would be all "–" and zeros; if so, says
        so, and from which day data exists."""
        if _has_data(
            self.store, self.settings.database_url, self.tz, self.fingerprint,
            self.account_ids, self.period.start, self.period.end,
        ):  # fmt: skip
            return False
        values = dict(
            start=i18n.date(self.period.start, self.lang), end=i18n.date(self.period.end, self.lang)
        )
        text = self.t("no_data_in_period", **values)
        if self.first_day is not None:
            text += " " + self.t("data_since", first=i18n.date(self.first_day, self.lang))
        st.info(text, icon=":material/info:")
        return True

    def stop(self) -> None:
        """End the page early, after writing what a finished page writes (see finish())."""
        finish()
        st.stop()

    def table(self, frame: pd.DataFrame, **kwargs: Any) -> None:
        """``st.dataframe`` of a frame, or a sentence in the chosen language when it has no
        rows (Streamlit's own placeholder for an empty table is English)."""
        if frame.empty:
            st.caption(self.t("no_rows"))
        else:
            st.dataframe(frame, hide_index=True, **kwargs)

    def keep(
        self, key: str, default: object, options: Sequence[object] | None = None, url: bool = False
    ) -> dict[str, Any]:
        """Keyword arguments for a page's widget (see :func:`sticky`); with ``url`` its value
        is also written to the URL as ``?key=value``."""
        kwargs = sticky(key, default, options)
        if url:
            value = st.session_state[key]
            self.url_params[key] = (
                [str(v) for v in value] if isinstance(value, list) else [str(value)]
            )
        return kwargs

    @property
    def store(self) -> Store:
        """The shared store (for reads the windows lack, and staff's category choices)."""
        return _store(self.settings.database_url, self.tz)

    @property
    def post_columns(self) -> dict[str, object]:
        """Column settings for post tables: thumbnails as images, URLs as links, the text
        narrow enough that the figures after it stay in view (the rest scrolls)."""
        # (text key, width in pixels): "Engagements"/"Interaksi" needs more than "small".
        figures = {"kpi_engagements": 100, "col_er": 75, "col_likes": 75, "col_comments": 85,
                   "col_views": 80, "col_reach": 90, "col_er_reach": 110, "col_saved": 80,
                   "col_shares": 85}  # fmt: skip
        return {
            self.t("col_thumb"): st.column_config.ImageColumn(self.t("col_thumb"), width="small"),
            self.t("col_link"): st.column_config.LinkColumn(
                self.t("col_link"), display_text=self.t("open"), width="small"
            ),
            self.t("col_text"): st.column_config.TextColumn(self.t("col_text"), width="medium"),
        } | {
            self.t(key): st.column_config.TextColumn(self.t(key), width=width)
            for key, width in figures.items()
        }


@st.cache_resource(show_spinner=False)
def _store(url: str, timezone: str) -> Store:
    return Store(url, timezone)


# The fingerprint argument is only a cache key: it changes whenever a capture is written.
# Windows hold every post of their days: few are kept, and not for long (the pages read
# sums and lists; windows serve campaigns, the report and the downloads).
@st.cache_data(show_spinner=False, max_entries=4, ttl=600)
def _window(
    url: str,
    tz: str,
    fingerprint: tuple[object, ...],
    ids: tuple[int, ...],
    start: dt.date,
    end: dt.date,
    detail: str,
) -> Window:
    store = _store(url, tz)
    accounts = _accounts(url, tz, fingerprint)
    chosen = accounts[accounts["id"].isin(ids)].reset_index(drop=True)
    return load_window(store, tz, chosen, start, end, detail)


@st.cache_data(show_spinner=False, max_entries=16, ttl=3600)
def _post_list(
    _store: Store,
    _accounts: pd.DataFrame,
    url: str,
    tz: str,
    fingerprint: tuple[object, ...],
    ids: tuple[int, ...],
    start: dt.date,
    end: dt.date,
    words: tuple[str, ...],
    kinds: tuple[str, ...] | None,
    order: str,
    limit: int | None,
) -> tuple[pd.DataFrame, dict[str, int]]:
    return post_list(_store, tz, _accounts, Period(start, end), words, kinds, order, limit)


@st.cache_data(show_spinner=False, max_entries=64, ttl=3600)
def _post_sums(
    _store: Store,
    url: str,
    tz: str,
    fingerprint: tuple[object, ...],
    ids: tuple[int, ...],
    start: dt.date,
    end: dt.date,
    by: tuple[str, ...],
) -> pd.DataFrame:
    return _store.post_sums(list(ids) or [-1], start, end, tz, by)


@st.cache_data(show_spinner=False, max_entries=16, ttl=3600)
def _overview(
    _store: Store,
    _accounts: pd.DataFrame,
    url: str,
    tz: str,
    fingerprint: tuple[object, ...],
    ids: tuple[int, ...],
    start: dt.date,
    end: dt.date,
) -> pd.DataFrame:
    return overview_figures(_store, tz, _accounts, Period(start, end))


@st.cache_data(show_spinner=False, max_entries=16, ttl=3600)
def _compare(
    _store: Store,
    _accounts: pd.DataFrame,
    url: str,
    tz: str,
    fingerprint: tuple[object, ...],
    ids: tuple[int, ...],
    start: dt.date,
    end: dt.date,
    combined_best_time: bool,
    every: tuple[int, ...],
) -> CompareData:
    period = Period(start, end)
    sums = _compare_sums(_store, url, tz, fingerprint, every, start, end)
    return compare_figures(_store, tz, _accounts, period, combined_best_time, sums)


@st.cache_data(show_spinner=False, max_entries=8, ttl=3600)
def _compare_sums(
    _store: Store,
    url: str,
    tz: str,
    fingerprint: tuple[object, ...],
    ids: tuple[int, ...],
    start: dt.date,
    end: dt.date,
) -> CompareSums:
    # Every shown account's: a library or a platform less is cut from these, not queried.
    return compare_sums(_store, tz, ids, Period(start, end))


@st.cache_data(show_spinner=False, max_entries=32, ttl=3600)
def _campaign(
    _store: Store,
    _accounts: pd.DataFrame,
    _campaign: Campaign,
    _handles: dict[str, set[str]],
    url: str,
    tz: str,
    fingerprint: tuple[object, ...],
    ids: tuple[int, ...],
    campaign: str,  # the campaign's settings, as a cache key
) -> CampaignData:
    return campaign_data(window_loader(_store, tz, _accounts), _campaign, _handles)


@st.cache_data(show_spinner=False, max_entries=16, ttl=3600)
def _cross(
    _store: Store,
    _accounts: pd.DataFrame,
    _handles: dict[str, set[str]],
    url: str,
    tz: str,
    fingerprint: tuple[object, ...],
    ids: tuple[int, ...],
    start: dt.date,
    end: dt.date,
) -> pd.DataFrame:
    return named_cross_promotion(_store, tz, _accounts, Period(start, end), _handles)


@st.cache_data(show_spinner=False, max_entries=16, ttl=3600)
def _has_data(
    _store: Store,
    url: str,
    tz: str,
    fingerprint: tuple[object, ...],
    ids: tuple[int, ...],
    start: dt.date,
    end: dt.date,
) -> bool:
    return _store.has_data(ids, start, end, tz)


@st.cache_data(show_spinner=False, max_entries=8, ttl=3600)
def _post_kinds(
    _store: Store,
    url: str,
    tz: str,
    fingerprint: tuple[object, ...],
    ids: tuple[int, ...],
    start: dt.date,
    end: dt.date,
) -> list[str]:
    return _store.post_kinds(list(ids) or [-1], start, end, tz)


@st.cache_data(show_spinner=False, max_entries=16, ttl=3600)
def _owner_metrics(
    url: str,
    tz: str,
    fingerprint: tuple[object, ...],
    ids: tuple[int, ...],
    start: dt.date,
    end: dt.date,
) -> pd.DataFrame:
    return _store(url, tz).account_metrics(start, end, list(ids))


@st.cache_data(show_spinner=False, max_entries=16)
def _post_owner_metrics(
    url: str,
    tz: str,
    fingerprint: tuple[object, ...],
    pairs: tuple[tuple[str, str], ...],
    names: tuple[str, ...],
) -> pd.DataFrame:
    return _store(url, tz).post_metrics(list(pairs), list(names), latest=True)


@st.cache_data(show_spinner=False, max_entries=4)
def _owner_accounts(url: str, tz: str, fingerprint: tuple[object, ...]) -> list[int]:
    return _store(url, tz).owner_accounts()


@st.cache_data(show_spinner=False, max_entries=4)
def _collection(
    url: str, tz: str, fingerprint: tuple[object, ...]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    store = _store(url, tz)
    return store.connections(), store.owner_days()


@st.cache_data(show_spinner=False, max_entries=4)
def _catalogue(
    url: str, tz: str, fingerprint: tuple[object, ...]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Timestamp | None]:
    """The shown accounts, the real accounts still without a capture, and the newest
    capture of the shown accounts."""
    store = _store(url, tz)
    accounts, captures, with_data = (
        store.accounts(),
        store.last_captures(),
        store.accounts_with_data(),
    )
    shown = shown_accounts(accounts, captures, with_data)
    newest = captures.loc[captures["account_id"].isin(shown["id"]), "captured_at"].max()
    pending = pending_accounts(accounts, captures, with_data)
    return shown, pending, None if pd.isna(newest) else newest


@st.cache_data(show_spinner=False, max_entries=4)
def _first_day(url: str, tz: str, fingerprint: tuple[object, ...]) -> dt.date | None:
    """The first local day with data of the shown accounts (where "all time" starts)."""
    shown = _catalogue(url, tz, fingerprint)[0]
    return _store(url, tz).first_day([int(i) for i in shown["id"]], tz)


def _accounts(url: str, tz: str, fingerprint: tuple[object, ...]) -> pd.DataFrame:
    return _catalogue(url, tz, fingerprint)[0]


@st.cache_data(show_spinner=False, max_entries=4)
def _runs(url: str, tz: str, fingerprint: tuple[object, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    store = _store(url, tz)
    runs = store.runs(RUNS_SHOWN)
    return runs, store.run_items([int(r) for r in runs["run_id"]])


@st.cache_data(show_spinner=False, max_entries=4, ttl=300)
def _health(url: str, tz: str, fingerprint: tuple[object, ...]) -> pd.DataFrame:
    store = _store(url, tz)
    _, items = _runs(url, tz, fingerprint)
    shown, pending, _ = _catalogue(url, tz, fingerprint)
    listed = pd.concat([shown, pending], ignore_index=True) if len(pending) else shown
    return health(store, listed, items, dt.datetime.now(dt.UTC))


_COLOUR = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?")


def library_rule(color: str, width: int = 4, above: bool = False) -> None:
    """A line in a library's colour over its cards: the only HTML the pages write. The
    colour comes from the config, which accepts '#rgb' or '#rrggbb' only; anything else is
    drawn grey, so no text can reach the HTML."""
    color = color if _COLOUR.fullmatch(color) else "#777777"
    gap = "margin-top:12px" if above else "margin-bottom:4px"
    st.markdown(
        f"<div style='border-top:{int(width)}px solid {color};{gap}'></div>",
        unsafe_allow_html=True,  # a validated colour and a number only
    )


def still(change: object, decimals: int = 0) -> dict[str, str]:
    """Keyword arguments for ``st.metric`` whose change rounds to zero: grey and without
    an arrow (Streamlit draws any text delta but "0" as a green rise)."""
    try:
        zero = round(float(change), decimals) == 0  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return {}
    return {"delta_color": "off", "delta_arrow": "off"} if zero else {}


def _secrets() -> object | None:
    try:
        return st.secrets
    except Exception:  # no secrets file: environment only
        return None


def open_store(settings: Settings, config: Config) -> Store:
    """The shared store; filled with demo data when nothing has been collected yet."""
    store = _store(settings.database_url, config.timezone)
    if not store.fingerprint()[0]:  # no account at all (a cheap query, unlike counts())
        with st.spinner(i18n.text("demo_loading")):
            load_demo(store, config)
    return store


def period_from_preset(preset: str, today: dt.date, first_day: dt.date | None = None) -> Period:
    """The period of a preset, ending today (local); "all time" starts on ``first_day``,
    the first day with data (today when there is none)."""
    days = {"preset_7": 7, "preset_30": 30, "preset_90": 90, "preset_365": 365}
    if preset == "preset_year":
        return Period(dt.date(today.year, 1, 1), today)
    if preset == "preset_all":
        return Period(min(first_day or today, today), today)
    return Period(today - dt.timedelta(days=days.get(preset, 30) - 1), today)


# -- filters that outlive page changes and language switches --------------------------


def _remember(key: str) -> None:
    st.session_state[_MEMORY_KEY][key] = st.session_state[key]


def sticky(key: str, default: object, options: Sequence[object] | None = None) -> dict[str, Any]:
    """Keyword arguments (key, on_change, args) for a widget whose value must survive page
    changes and language switches.

    Streamlit forgets a page's widget when another page runs, and a selectbox whose labels
    change with the language can fall back to its default. So the value lives in the session
    under our own key: it is put into the widget's state before the widget is drawn, and
    copied back when the user changes it. Do not also give the widget a default/index.
    ``options`` drops remembered values that are no longer offered."""
    memory = st.session_state.setdefault(_MEMORY_KEY, {})
    value = memory.get(key, default)
    if options is not None:
        offered = list(options)
        if isinstance(value, list):
            value = [v for v in value if v in offered]
        elif value not in offered:
            value = default if default in offered else (offered[0] if offered else None)
    memory[key] = value
    st.session_state[key] = value
    return {"key": key, "on_change": _remember, "args": (key,)}


def _from_url(config: Config, today: dt.date) -> dict[str, object]:
    """The filters a link asks for (?lang=en&period=90&library=uma&platform=youtube, or
    period=custom&from=2025-09-01&to=2025-09-30); unknown values are ignored."""
    params = st.query_params
    wanted: dict[str, object] = {}
    lang = params.get("lang")
    wanted["lang"] = lang if lang in i18n.LANGUAGES else i18n.language_of(st.context.locale)
    presets = {v: k for k, v in _PRESET_URL.items()}
    if params.get("period") in presets:
        wanted["preset"] = presets[params["period"]]
    try:
        start = dt.date.fromisoformat(params.get("from", ""))
        end = dt.date.fromisoformat(params.get("to", ""))
        if start <= end:
            wanted["custom_range"] = (start, min(end, today))
    except ValueError:
        pass
    known = {lib.id for lib in config.libraries}
    libraries = [x for x in params.get_all("library") if x in known]
    if libraries:
        wanted["libraries"] = libraries
    platforms = [x for x in params.get_all("platform") if x in PLATFORMS]
    if platforms:
        wanted["platforms"] = platforms
    if params.get("campaign"):
        wanted["campaign"] = params["campaign"]
    return wanted


def _sidebar(
    config: Config,
    accounts: pd.DataFrame,
    last_capture: pd.Timestamp | None,
    demo: bool,
    first_day: dt.date | None = None,
) -> tuple[str, Period, list[str], list[str], dict[str, list[str]]]:
    sb = st.sidebar
    today = dt.datetime.now(config.tz).date()
    if _MEMORY_KEY not in st.session_state:  # a new session: start from the link
        st.session_state[_MEMORY_KEY] = _from_url(config, today)
    lang = sb.radio(
        "Bahasa / Language",
        list(i18n.LANGUAGES),
        format_func=i18n.LANGUAGES.__getitem__,
        horizontal=True,
        **sticky("lang", i18n.DEFAULT_LANGUAGE, list(i18n.LANGUAGES)),
    )
    sb.header(i18n.text("filters", lang))
    preset = sb.selectbox(
        i18n.text("period", lang),
        PRESETS,
        format_func=lambda key: i18n.text(key, lang),
        **sticky("preset", DEFAULT_PRESET, PRESETS),
    )
    period = period_from_preset(preset, today, first_day)
    url = {"lang": [lang], "period": [_PRESET_URL[preset]]}
    if preset == "preset_custom":
        chosen = sb.date_input(
            i18n.text("custom_range", lang),
            max_value=today,
            format=i18n.date_input_format(lang),
            help=i18n.text("custom_range_help", lang),
            **sticky("custom_range", (today - dt.timedelta(days=29), today)),
        )
        if isinstance(chosen, tuple | list) and len(chosen) == 2:
            period = Period(chosen[0], chosen[1])
            url |= {"from": [period.start.isoformat()], "to": [period.end.isoformat()]}
    present = set(accounts["library_id"])
    options = [lib.id for lib in config.libraries if lib.id in present] or [
        lib.id for lib in config.libraries
    ]
    labels = {lib.id: lib.label for lib in config.libraries}
    libraries = sb.multiselect(
        i18n.text("libraries", lang),
        options,
        format_func=lambda x: labels.get(x, x),
        **sticky("libraries", options, options),
    )
    platforms = sb.multiselect(
        i18n.text("platforms", lang),
        list(PLATFORMS),
        format_func=lambda x: i18n.text(x, lang),
        **sticky("platforms", list(PLATFORMS), list(PLATFORMS)),
    )
    if set(libraries) != set(options):  # all of them (the default) needs no parameter
        url["library"] = list(libraries)
    if set(platforms) != set(PLATFORMS):
        url["platform"] = list(platforms)
    if last_capture is not None and not pd.isna(last_capture):
        last = last_capture.tz_convert(config.timezone)
        sb.caption(
            i18n.text(
                "demo_until" if demo else "data_until",
                lang,
                when=i18n.datetime(last.to_pydatetime(), lang),
                tz=config.timezone,
            )
        )
    return lang, period, libraries, platforms, url


def data_page_link(lang: str) -> None:
    """A link to the Data page, where the refreshes and their errors are listed."""
    st.page_link(
        "dashboard/pages/data.py",
        label=i18n.text("see_data_page", lang),
        icon=":material/database:",
    )


def build_context() -> Context | None:
    """Load config and data, draw the sidebar and notices; None when nothing can be shown."""
    st.session_state[_RUN_KEY] = st.session_state.get(_RUN_KEY, 0) + 1
    settings = load_settings(secrets=_secrets())
    try:
        config = load_config(settings.config_path)
    except ConfigError as exc:
        st.error(f"{i18n.text('config_error')} / The configuration cannot be used:\n\n{exc}")
        return None
    if not require_access(config.access, _secrets()):
        return None  # nothing of the data is read before this point
    try:
        store = open_store(settings, config)
        fingerprint = store.fingerprint()
        shown, pending, last_capture = _catalogue(
            settings.database_url, config.timezone, fingerprint
        )
        first_day = _first_day(settings.database_url, config.timezone, fingerprint)
    except StoreError as exc:
        show_store_error(exc)
        return None
    demo = bool(len(shown)) and bool(shown["is_demo"].all())
    lang, period, libraries, platforms, url = _sidebar(config, shown, last_capture, demo, first_day)
    ctx = Context(
        config,
        settings,
        lang,
        period,
        libraries,
        platforms,
        shown,
        choose(shown, libraries, platforms),
        fingerprint,
        pending,
        url,
        first_day,
    )
    st.session_state[_CONTEXT_KEY] = ctx
    return ctx


def notices(ctx: Context) -> None:
    """What every page says first: demo data, unconfirmed handles, a refresh that captured
    nothing. Called after ``st.navigation`` (its link to the Data page needs the pages)."""
    if ctx.demo:
        st.info(ctx.t("demo_notice"), icon=":material/info:")
    else:
        unconfirmed = [lib.label for lib in ctx.config.libraries if not lib.handles_confirmed]
        if unconfirmed and len(ctx.all_accounts):
            st.warning(ctx.t("unconfirmed", names=", ".join(unconfirmed)))
    if len(ctx.pending) and (ctx.demo or ctx.all_accounts.empty):
        # Real accounts without data (no key, no network, or only connected so far): say
        # so, rather than replacing the demo with empty pages; blame a refresh only for
        # the accounts a refresh really tried.
        _, items = ctx.runs()
        tried = ctx.pending["id"].isin(items["account_id"].dropna().astype("int64"))
        if tried.any():
            text = ctx.t("no_capture_yet", n=int(tried.sum()), refresh=REFRESH_COMMAND)
        else:
            text = ctx.t("no_figures_yet", n=len(ctx.pending), refresh=REFRESH_COMMAND)
        st.warning(text, icon=":material/warning:")
        data_page_link(ctx.lang)


def show_store_error(exc: StoreError) -> None:
    """A database fault as one sentence, never a traceback: in the reader's language once
    chosen, else in both (the language switch is drawn only when the store can be read)."""
    lang = st.session_state.get("lang")
    langs = [lang] if lang in i18n.LANGUAGES else list(i18n.LANGUAGES)
    st.error(
        "\n\n".join(f"**{i18n.text('store_error', x)}**: {exc.text(x)}" for x in langs),
        icon=":material/error:",
    )


def context() -> Context:
    """The context built by the main script for this run."""
    return st.session_state[_CONTEXT_KEY]


_URL_KEYS = ("lang", "period", "from", "to", "library", "platform", "campaign")


def _write_url(wanted: dict[str, list[str]]) -> None:
    """Make the URL's filter parameters those of this run (others are left alone)."""
    params = st.query_params
    for key in _URL_KEYS:
        if key in wanted:
            if params.get_all(key) != wanted[key]:
                params[key] = wanted[key]
        elif key in params:
            del params[key]


def finish() -> None:
    """What every page writes once it has finished: the URL of the view, and a hidden marker
    (with the run's number and language) that the browser test waits for."""
    ctx = st.session_state.get(_CONTEXT_KEY)
    if ctx is None:
        return
    _write_url(ctx.url_params)
    _marker(ctx.lang)


def _marker(lang: str, run: int | None = None) -> None:
    run = st.session_state.get(_RUN_KEY, 0) if run is None else run
    st.html(
        f'<div data-testid="{DONE_MARKER}" data-run="{run}" '
        f'data-lang="{html.escape(lang)}" hidden></div>'
    )


def fragment_finished(ctx: Context) -> None:
    """The end of a fragment (``st.fragment``: a part of a page that reruns alone when its
    own widgets change): its own finished marker, with a run number of its own when it
    reruns alone, so that a browser waiting for the page's state sees it. In a run of the
    whole page it carries run 0: the page is finished only at its own end, where finish()
    also writes the URL (a browser must not take the fragment's end for the page's)."""
    alone = st.session_state.get(_FRAGMENT_KEY) == st.session_state.get(_RUN_KEY)
    if alone:
        st.session_state[_RUN_KEY] = st.session_state.get(_RUN_KEY, 0) + 1
    st.session_state[_FRAGMENT_KEY] = st.session_state.get(_RUN_KEY)
    _marker(ctx.lang, run=None if alone else 0)
