"""Numbers, percentages and dates per language: Babel's (CLDR) formats, applied a column at
a time; every text key in both languages."""

from __future__ import annotations

import datetime as dt
import re
import string

import pandas as pd
import pytest
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from dashboard import i18n


@pytest.mark.parametrize("lang", ["id", "en"])
def test_numbers_equal_babels_formatting(lang):
    locale = "id" if lang == "id" else "en"
    values = [0, 7, 999.5, 1234, 12345.678, -9876543.21, 0.005, 1e9]
    for decimals in (0, 1, 2):
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        want = [
            babel_numbers.format_decimal(round(v, decimals), pattern, locale=locale) for v in values
        ]
        assert i18n.numbers(values, lang, decimals) == want
        assert [i18n.number(v, lang, decimals) for v in values] == want


def test_number_formats_per_language_and_unknowns():
    assert i18n.number(12345.67, "id", 1) == "12.345,7"
    assert i18n.number(12345.67, "en", 1) == "12,345.7"
    assert i18n.percent(1.3, "id", 2, sign=True) == "+1,30%"
    assert i18n.percent(1.3, "en", 2) == "1.30%"
    assert i18n.number(-0.001, "id", 2) == "0,00", "no negative zero"
    assert i18n.numbers([None, float("nan"), pd.NA, 3], "id") == ["–", "–", "–", "3"]
    assert i18n.delta(None, "id") is None and i18n.delta(52, "id") == "+52"
    assert i18n.delta(0, "id") == "0" and i18n.delta(-0.001, "id", 2) == "0,00", "no +0"
    assert i18n.ratio(1.034, "id") == "1,03×"
    assert i18n.separators("id") == ",." and i18n.separators("en") == ".,"


def test_dates_use_the_locales_month_names_and_order():
    day = dt.date(2026, 10, 27)
    assert i18n.date(day, "id") == "27 Okt 2026"
    assert i18n.date(day, "en") == "Oct 27, 2026"
    assert i18n.month_day(day, "id") == "27 Okt" and i18n.month_day(day, "en") == "Oct 27"
    assert i18n.month_year(day, "id") == "Okt 2026"
    assert i18n.weekdays("id")[0] == "Sen" and i18n.weekdays("en")[6] == "Sun"
    when = dt.datetime(2026, 8, 3, 9, 5)
    assert i18n.datetime(when, "id") == "3 Agu 2026 09.05"
    assert i18n.datetime(when, "en") == "Aug 3, 2026, 09:05"
    assert i18n.short_date_d3("id") == "%d/%m/%y"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_datetimes_of_a_column_equal_one_at_a_time(lang):
    times = pd.Series(pd.date_range("2025-12-28 00:03", periods=40, freq="37h", tz="Asia/Jakarta"))
    times[5] = pd.NaT
    shown = i18n.datetimes(times, lang)
    for text, when in zip(shown, times, strict=True):
        if pd.isna(when):
            assert text == "–"
        else:
            assert text == i18n.datetime(when.to_pydatetime(), lang)
            assert text == babel_dates.format_datetime(
                when.to_pydatetime().replace(tzinfo=None),
                i18n._datetime_pattern(lang),
                locale=lang,
            )


@pytest.mark.parametrize(
    ("locale", "lang"),
    [
        (None, "id"),
        ("", "id"),
        ("id-ID", "id"),
        ("id", "id"),
        ("en-US", "en"),
        ("en_GB", "en"),
        ("de-DE", "en"),
        ("ms-MY", "en"),
    ],  # fmt: skip
)
def test_language_from_the_browser(locale, lang):
    assert i18n.language_of(locale) == lang


def test_every_text_in_both_languages_with_the_same_placeholders():
    for key, (indonesian, english) in i18n.TEXT.items():
        names = [
            {f for _, f, _, _ in string.Formatter().parse(t) if f} for t in (indonesian, english)
        ]
        assert names[0] == names[1], key
        assert indonesian and english, key


def test_no_text_calls_a_combined_figure_a_sum():
    """YouTube API policy: "Combined" shows each platform's part, never one sum; the help
    texts (and the report's definitions, which repeat them) must say so."""
    fused = re.compile(r"(gabungan|combined)\s*=\s*(jumlah|sum)", re.IGNORECASE)
    for key, pair in i18n.TEXT.items():
        for value in pair:
            assert not fused.search(value), key
    assert "berdampingan" in i18n.text("kpi_audience_help", "id")
    assert "side by side" in i18n.text("kpi_audience_help", "en")


def test_commands_in_texts_are_given_as_the_readme_gives_them():
    """The demo notices of the pages, the digest and the report name the command as the
    README gives it (`.venv/bin/python -m …`), never a bare `python -m …`."""
    bare = re.compile(r"(?<!\.venv/bin/)python -m ")
    for key, pair in i18n.TEXT.items():
        for value in pair:
            assert not bare.search(value), key
    for key in ("demo_notice", "digest_demo", "report_demo_notice"):
        for lang in ("id", "en"):
            assert ".venv/bin/python -m collectors demo" in i18n.text(key, lang), key


def test_date_input_format_follows_the_locales_order():
    assert i18n.date_input_format("id") == "DD/MM/YYYY"  # dd/MM/yy
    assert i18n.date_input_format("en") == "MM/DD/YYYY"  # M/d/yy
