"""Downloads: posts and account history of the current filters as CSV and Excel bytes.

The frames built here have stable machine names (the store's); :func:`localize` turns one
into what the reader downloads: headers and words in the chosen language, since the people
who open these files are managers in a spreadsheet, not scripts (scripts read the store or
the CLI). The columns and their order are the same in both languages. Times are local.
Nothing secret is in these frames.

Captions and titles come from social media: the files must not let a spreadsheet run them
(OWASP "CSV injection"). In the CSV a text cell that starts with ``= + - @``, a tab or a
carriage return gets a leading ``'``; in Excel every text cell is written as text (never a
formula, even when it starts with ``=``) and such a cell is marked as typed with a leading
apostrophe, so Excel keeps it text when edited. Control characters that spreadsheets
cannot hold are removed; counts stay whole numbers, days and times are real dates.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Mapping
from typing import Any

import openpyxl
import pandas as pd
from openpyxl.cell.cell import WriteOnlyCell

from dashboard import i18n
from dashboard.metrics import Period, in_period

POST_COLUMNS = [
    "library",
    "platform",
    "account",
    "post_id",
    "published_local",
    "kind",
    "title",
    "caption",
    "url",
    "likes",
    "comments",
    "views",
    "plays",
    "engagements",
    "followers_at_post",
    "er_followers_pct",
    "er_views_pct",
    "hashtags",
    "mentions",
    "tagged",
    "coauthors",
    "is_pinned",
    "gone",
]
HISTORY_COLUMNS = [
    "library",
    "platform",
    "account",
    "day",
    "followers",
    "following",
    "media_count",
    "total_views",
    "captured_local",
]


def _local(values: pd.Series, tz: str) -> pd.Series:
    """Local wall-clock times to the minute, without a zone (spreadsheets have none)."""
    return values.dt.tz_convert(tz).dt.tz_localize(None).dt.floor("min")


def posts_export(
    posts: pd.DataFrame, period: Period, labels: Mapping[str, str], tz: str
) -> pd.DataFrame:
    """The period's posts (from :func:`metrics.enrich_posts`), one row each."""
    p = in_period(posts, period).sort_values("published_at")
    out = pd.DataFrame(
        {
            "library": [labels.get(x, x) for x in p["library_id"]],
            "platform": p["platform"].to_numpy(),
            "account": p["handle"].to_numpy(),
            "post_id": p["post_id"].to_numpy(),
            "published_local": _local(p["published_at"], tz).to_numpy(),
            "kind": p["kind"].to_numpy(),
            "title": p["title"].to_numpy(),
            "caption": p["caption"].to_numpy(),
            "url": p["url"].to_numpy(),
            "likes": p["likes"].to_numpy(),
            "comments": p["comments"].to_numpy(),
            "views": p["views"].to_numpy(),
            "plays": p["plays"].to_numpy(),
            "engagements": p["engagements"].to_numpy(),
            "followers_at_post": p["followers_at_post"].to_numpy(),
            "er_followers_pct": p["er_followers"].round(4).to_numpy(),
            "er_views_pct": p["er_views"].round(4).to_numpy(),
            "hashtags": [" ".join(x) for x in p["hashtags"]],
            "mentions": [" ".join("@" + m for m in x) for x in p["mentions"]],
            "tagged": [" ".join("@" + m for m in x) for x in p["tagged"]],
            "coauthors": [" ".join("@" + m for m in x) for x in p["coauthors"]],
            "is_pinned": p["is_pinned"].to_numpy(),
            "gone": p["gone_at"].notna().to_numpy(),
        },
        columns=POST_COLUMNS,
    )
    return out


def history_export(
    daily: pd.DataFrame, accounts: pd.DataFrame, period: Period, labels: Mapping[str, str], tz: str
) -> pd.DataFrame:
    """Daily account rows of the period."""
    mask = (daily["day"] >= period.start) & (daily["day"] <= period.end)
    d = (
        daily[mask]
        .merge(
            accounts[["id", "library_id", "platform", "handle"]].rename(
                columns={"id": "account_id"}
            ),
            on="account_id",
        )
        .sort_values(["library_id", "platform", "handle", "day"])
    )
    return pd.DataFrame(
        {
            "library": [labels.get(x, x) for x in d["library_id"]],
            "platform": d["platform"].to_numpy(),
            "account": d["handle"].to_numpy(),
            "day": list(d["day"]),
            "followers": d["followers"].to_numpy(),
            "following": d["following"].to_numpy(),
            "media_count": d["media_count"].to_numpy(),
            "total_views": d["total_views"].to_numpy(),
            "captured_local": _local(d["captured_at"], tz).to_numpy(),
        },
        columns=HISTORY_COLUMNS,
    )


_YES_NO = ("is_pinned", "gone")


def localize(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The export as a reader of ``lang`` gets it: column headers in the language (text keys
    ``export_<column>``), platform and content-type names and yes/no in the language.
    Numbers stay numbers."""
    out = frame.copy()
    if "platform" in out:
        out["platform"] = [i18n.text(p, lang) for p in out["platform"]]
    if "kind" in out:
        out["kind"] = [i18n.kind(k, lang) for k in out["kind"]]
    yes, no = i18n.text("yes", lang), i18n.text("no", lang)
    for column in _YES_NO:
        if column in out:
            out[column] = [yes if bool(v) else no for v in out[column]]
    return out.rename(columns={c: i18n.text(f"export_{c}", lang) for c in out.columns})


# A text cell starting with one of these is read as a formula by spreadsheets (OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# What no spreadsheet cell holds (openpyxl refuses them): C0 controls but tab and line breaks.
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
# What is no XML character (openpyxl writes them, and Excel finds the sheet damaged):
# U+FFFE and U+FFFF; and lone surrogates, which are no UTF-8 either.
_NO_XML_RE = re.compile("[\ud800-\udfff\ufffe\uffff]")
_TIME_FORMAT = "%Y-%m-%d %H:%M"


def spreadsheet_text(value: str) -> str:
    """Text a spreadsheet file can hold: control characters removed, and what is no XML
    character (U+FFFE, U+FFFF, a lone surrogate) replaced by U+FFFD."""
    return _NO_XML_RE.sub("\ufffd", _CONTROL_RE.sub("", value))


def _cell(value: Any) -> Any:
    """A frame value as a plain Python one: None for missing, int for whole numbers."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return _cell(value.item())
    return value


def _rows(frame: pd.DataFrame) -> list[list[Any]]:
    return [[_cell(v) for v in row] for row in frame.itertuples(index=False, name=None)]


def csv_bytes(frame: pd.DataFrame, lang: str | None = None) -> bytes:
    """CSV as a spreadsheet of the reader's locale opens it with a double click: UTF-8 with
    BOM (Indonesian text); for Bahasa Indonesia ';' between fields and ',' as decimal mark
    (what a spreadsheet set to Indonesian expects), for English and no language ',' and
    '.'. CRLF rows with every field that holds a line break quoted, text cells that a
    spreadsheet would run as a formula prefixed with ``'`` (OWASP "CSV injection")."""
    comma_decimal = lang is not None and i18n.separators(lang)[0] == ","
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter=";" if comma_decimal else ",",
        lineterminator="\r\n",
        quoting=csv.QUOTE_MINIMAL,
    )
    writer.writerow([_csv_text(str(c)) for c in frame.columns])
    for row in _rows(frame):
        writer.writerow([_csv_value(v, comma_decimal) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def _csv_text(text: str) -> str:
    text = spreadsheet_text(text)
    return "'" + text if text.startswith(FORMULA_START) else text


def _csv_value(value: Any, comma_decimal: bool = False) -> Any:
    if isinstance(value, str):
        return _csv_text(value)
    if isinstance(value, float) and comma_decimal:
        return repr(value).replace(".", ",")
    if isinstance(value, dt.datetime):
        return value.strftime(_TIME_FORMAT)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    return "" if value is None else value


def excel_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """An Excel workbook, one sheet per frame: text as text cells (never formulas), whole
    numbers as numbers, days and times as dates."""
    book = openpyxl.Workbook(write_only=True)
    for name, frame in sheets.items():
        sheet = book.create_sheet(title=spreadsheet_text(name)[:31] or "data")
        sheet.append([_excel_cell(sheet, str(c)) for c in frame.columns])
        for row in _rows(frame):
            sheet.append([_excel_cell(sheet, v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _excel_cell(sheet: Any, value: Any) -> Any:
    if isinstance(value, str):
        # Excel's line break is LF (and XML readers turn a CR into one anyway)
        text = spreadsheet_text(value).replace("\r\n", "\n").replace("\r", "\n")
        cell = WriteOnlyCell(sheet, value=text)
        # openpyxl makes a string starting with "=" a formula (and "#N/A" an error):
        # captions are text, whatever they start with.
        cell.data_type = "s"
        if text.startswith(FORMULA_START):
            cell.quotePrefix = True  # Excel keeps it text when someone edits the cell
        return cell
    if isinstance(value, dt.datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    return value
