"""The dashboard's shared frame: open the store, cache its data, draw the sidebar filters.

``streamlit_app.py`` calls :func:`build_context` once per run; pages call :func:`context`.
Holds no metric formulas and no SQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from collectors.config import PLATFORMS, Config, Settings, load_config, load_settings
from collectors.demo import load_demo
from collectors.errors import ConfigError, StoreError
from collectors.store import Store
from dashboard import i18n
from dashboard.access import require_access
from dashboard.metrics import Period
from dashboard.pagedata import (
    Window,
    choose,
    health,
    load_window,
    partner_handles,
    shown_accounts,
)

_CONTEXT_KEY = "_jejaring_context"
RUNS_SHOWN = 200
MAX_CARDS = 6  # beyond this many libraries, pages show tables instead of side-by-side cards
PRESETS = ("preset_7", "preset_30", "preset_90", "preset_365", "preset_year", "preset_custom")
DEFAULT_PRESET = "preset_30"


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

    def runs(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The last refresh runs and their items."""
        return _runs(self.settings.database_url, self.tz, self.fingerprint)

    def health(self) -> pd.DataFrame:
        return _health(self.settings.database_url, self.tz, self.fingerprint)

    @property
    def post_columns(self) -> dict[str, object]:
        """Column settings for post tables: thumbnails as images, URLs as links."""
        return {
            self.t("col_thumb"): st.column_config.ImageColumn(self.t("col_thumb"), width="small"),
            self.t("col_link"): st.column_config.LinkColumn(
                self.t("col_link"), display_text=self.t("open")
            ),
            self.t("col_text"): st.column_config.TextColumn(self.t("col_text"), width="large"),
        }


@st.cache_resource(show_spinner=False)
def _store(url: str, timezone: str) -> Store:
    return Store(url, timezone)


# The fingerprint argument is only a cache key: it changes whenever a capture is written.
@st.cache_data(show_spinner=False, max_entries=32)
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


@st.cache_data(show_spinner=False, max_entries=4)
def _accounts(url: str, tz: str, fingerprint: tuple[object, ...]) -> pd.DataFrame:
    return shown_accounts(_store(url, tz).accounts())


@st.cache_data(show_spinner=False, max_entries=4)
def _runs(url: str, tz: str, fingerprint: tuple[object, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    store = _store(url, tz)
    runs = store.runs(RUNS_SHOWN)
    return runs, store.run_items([int(r) for r in runs["run_id"]])


@st.cache_data(show_spinner=False, max_entries=4, ttl=300)
def _health(url: str, tz: str, fingerprint: tuple[object, ...]) -> pd.DataFrame:
    store = _store(url, tz)
    _, items = _runs(url, tz, fingerprint)
    return health(store, _accounts(url, tz, fingerprint), items, dt.datetime.now(dt.UTC))


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


def period_from_preset(preset: str, today: dt.date) -> Period:
    """The period of a preset, ending today (local)."""
    days = {"preset_7": 7, "preset_30": 30, "preset_90": 90, "preset_365": 365}
    if preset == "preset_year":
        return Period(dt.date(today.year, 1, 1), today)
    return Period(today - dt.timedelta(days=days.get(preset, 30) - 1), today)


def _sidebar(
    config: Config, accounts: pd.DataFrame, last_capture: pd.Timestamp | None
) -> tuple[str, Period, list[str], list[str]]:
    sb = st.sidebar
    lang = sb.radio(
        "Bahasa / Language",
        list(i18n.LANGUAGES),
        format_func=i18n.LANGUAGES.__getitem__,
        horizontal=True,
        key="lang",
    )
    sb.header(i18n.text("filters", lang))
    today = dt.datetime.now(config.tz).date()
    preset = sb.selectbox(
        i18n.text("period", lang),
        PRESETS,
        index=PRESETS.index(DEFAULT_PRESET),
        format_func=lambda key: i18n.text(key, lang),
        key="preset",
    )
    period = period_from_preset(preset, today)
    if preset == "preset_custom":
        chosen = sb.date_input(
            i18n.text("custom_range", lang),
            value=(today - dt.timedelta(days=29), today),
            max_value=today,
            format="DD/MM/YYYY",
            key="custom_range",
        )
        if isinstance(chosen, tuple | list) and len(chosen) == 2:
            period = Period(chosen[0], chosen[1])
    present = set(accounts["library_id"])
    options = [lib.id for lib in config.libraries if lib.id in present] or [
        lib.id for lib in config.libraries
    ]
    labels = {lib.id: lib.label for lib in config.libraries}
    libraries = sb.multiselect(
        i18n.text("libraries", lang),
        options,
        default=options,
        format_func=lambda x: labels.get(x, x),
        key="libraries",
    )
    platforms = sb.multiselect(
        i18n.text("platforms", lang),
        list(PLATFORMS),
        default=list(PLATFORMS),
        format_func=lambda x: i18n.text(x, lang),
        key="platforms",
    )
    if last_capture is not None and not pd.isna(last_capture):
        last = last_capture.tz_convert(config.timezone)
        sb.caption(
            i18n.text(
                "data_until",
                lang,
                when=i18n.datetime(last.to_pydatetime(), lang),
                tz=config.timezone,
            )
        )
    return lang, period, libraries, platforms


def build_context() -> Context | None:
    """Load config and data, draw the sidebar and notices; None when nothing can be shown."""
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
        shown = _accounts(settings.database_url, config.timezone, fingerprint)
    except StoreError as exc:
        show_store_error(exc)
        return None
    last_capture = fingerprint[1]  # the newest account capture
    lang, period, libraries, platforms = _sidebar(
        config, shown, None if last_capture is None else pd.Timestamp(last_capture)
    )
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
    )
    if ctx.demo:
        st.info(ctx.t("demo_notice"), icon=":material/info:")
    else:
        unconfirmed = [lib.label for lib in config.libraries if not lib.handles_confirmed]
        if unconfirmed:
            st.warning(ctx.t("unconfirmed", names=", ".join(unconfirmed)))
    st.session_state[_CONTEXT_KEY] = ctx
    return ctx


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
