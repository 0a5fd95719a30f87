"""dashboard/services.py: service figures from small frames built by hand; every expected
value is worked out in the comments, independently of the code under test."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard import services as svc
from dashboard.metrics import Period

TZ = "Asia/Jakarta"
UTC = dt.UTC
D1, D2, D3 = dt.date(2026, 11, 23), dt.date(2026, 11, 24), dt.date(2026, 11, 25)
PERIOD = Period(D1, D2)

SERVICES = pd.DataFrame({"id": [1, 2], "library_id": ["uma", "unimed"], "kind": "whatsapp",
                         "name": ["Ask Librarian UMA", "Tanya UNIMED"]})  # fmt: skip


def daily_row(service, day, source, questions, answered, within_1h, within_hours, askers):
    return {"service_id": service, "day": day, "source": source, "questions": questions,
            "answered": answered, "median_first_reply_s": None, "p90_first_reply_s": None,
            "within_1h": within_1h, "within_hours": within_hours, "askers": askers,
            "captured_at": pd.Timestamp("2026-11-26", tz=UTC), "origin": "x"}  # fmt: skip


DAILY = pd.DataFrame(
    [
        daily_row(1, D1, "file_import", 4, 3, 2, 2, 3),
        daily_row(1, D1, "manual", 9, 9, 9, None, 9),  # the export wins on D1
        daily_row(1, D2, "manual", 2, 1, 1, None, 2),  # only counted by hand
        daily_row(1, D3, "file_import", 7, 7, 7, 7, 7),  # outside the period
        daily_row(2, D2, "file_import", 1, 0, 0, 0, 1),
    ]
)


def question(service, local, reply, in_hours):
    asked = pd.Timestamp(local, tz=TZ).tz_convert(UTC)
    return {"service_id": service, "asked_at": asked, "seq": 0, "first_reply_s": reply,
            "in_service_hours": in_hours}  # fmt: skip


QUESTIONS = pd.DataFrame(
    [
        question(1, "2026-11-23 09:00", 600.0, True),
        question(1, "2026-11-23 09:40", 3000.0, True),
        question(1, "2026-11-23 15:50", 7200.0, True),
        question(1, "2026-11-23 20:00", None, False),
        question(1, "2026-11-25 09:00", 60.0, True),  # outside the period
        question(2, "2026-11-24 10:00", None, True),
    ]
).astype({"first_reply_s": "Float64"})


def test_the_chat_export_wins_over_hand_kept_counts_of_the_same_day():
    days = svc.service_days(DAILY, PERIOD)
    assert list(zip(days["service_id"], days["day"], days["source"], strict=True)) == [
        (1, D1, "file_import"),
        (1, D2, "manual"),
        (2, D2, "file_import"),
    ]


def test_period_figures_per_service():
    figures = svc.figures(SERVICES, DAILY, QUESTIONS, PERIOD, TZ).set_index("service_id")
    uma = figures.loc[1]
    assert uma["questions"] == 6  # 4 (export, D1) + 2 (hand, D2)
    assert uma["answered"] == 4  # 3 + 1
    assert uma["answered_pct"] == pytest.approx(4 / 6 * 100)
    assert uma["median_reply_s"] == 3000  # replies 600, 3000, 7200 in the period
    assert uma["p90_reply_s"] == pytest.approx(3000 + 0.8 * (7200 - 3000))  # rank 1.8
    assert uma["within_1h_pct"] == pytest.approx(3 / 6 * 100)  # 2 + 1 within an hour
    # asked in hours on D1: 09:00, 09:40, 15:50 (3); answered before closing: 2 (export)
    assert uma["within_hours_pct"] == pytest.approx(2 / 3 * 100)
    assert uma["askers"] == 5 and uma["days"] == 2
    assert uma["sources"] == ["file_import", "manual"]
    unimed = figures.loc[2]
    assert (unimed["questions"], unimed["answered_pct"]) == (1, 0)
    assert pd.isna(unimed["median_reply_s"]) and unimed["within_hours_pct"] == 0


def test_compare_with_the_previous_period():
    current = svc.figures(SERVICES, DAILY, QUESTIONS, PERIOD, TZ)
    previous = svc.figures(SERVICES, DAILY, QUESTIONS, Period(D3, D3), TZ)
    both = svc.compare(current, previous).set_index("service_id")
    assert both.loc[1, "questions_prev"] == 7 and both.loc[1, "questions_change"] == -1
    assert both.loc[1, "median_reply_s_prev"] == 60
    assert pd.isna(both.loc[2, "questions_prev"])


def test_busy_hours_from_per_question_timings():
    asked = svc.local_questions(QUESTIONS, TZ, PERIOD)
    busy = svc.busy_hours(asked)
    cells = {
        (r.service_id, r.weekday, r.hour): (
            r.questions, r.answered, None if pd.isna(r.median_reply_s) else r.median_reply_s,
        )
        for r in busy.itertuples()
    }  # fmt: skip
    assert cells == {
        (1, 0, 9): (2, 2, 1800.0),  # Monday 09:00 and 09:40: median of 600 and 3000
        (1, 0, 15): (1, 1, 7200.0),
        (1, 0, 20): (1, 0, None),
        (2, 1, 10): (1, 0, None),  # Tuesday
    }


def test_daily_series_keeps_days_without_figures_as_gaps():
    days = svc.service_days(DAILY[DAILY["service_id"] == 2], PERIOD)
    series = svc.daily_series(days, PERIOD)
    assert list(series["day"]) == [D1, D2]
    assert pd.isna(series["questions"].iloc[0]) and series["questions"].iloc[1] == 1


def test_owner_figures_sum_days_prefer_the_official_api_and_average_rates():
    accounts = pd.DataFrame({"id": [10, 11], "library_id": ["uma", "uma"],
                             "platform": ["instagram", "youtube"]})  # fmt: skip

    def m(account, day, metric, value, source):
        return {"account_id": account, "day": day, "metric": metric, "source": source,
                "value": value}  # fmt: skip

    metrics = pd.DataFrame(
        [
            m(10, D1, "reach", 100.0, "owner_insights"),
            m(10, D1, "reach", 90.0, "file_import"),  # same day: the API's value is used
            m(10, D2, "reach", 50.0, "file_import"),
            m(10, D3, "reach", 999.0, "owner_insights"),  # outside the period
            m(11, D1, "impressionsCtr", 4.0, "file_import"),
            m(11, D2, "impressionsCtr", 6.0, "file_import"),
            m(11, D2, "likes", 3.0, "file_import"),  # not among the figures shown
        ]
    )
    owner = svc.owner_figures(metrics, accounts, PERIOD)
    got = {(r.platform, r.metric): (r.value, r.days, r.sources, r.how) for r in owner.itertuples()}
    assert got == {
        ("instagram", "reach"): (150.0, 2, ["file_import", "owner_insights"], "sum"),
        ("youtube", "impressionsCtr"): (5.0, 2, ["file_import"], "mean"),
    }


def test_post_owner_figures_prefer_the_official_api_and_keep_sources():
    posts = pd.DataFrame(
        {
            "platform": ["youtube", "instagram", "instagram"],
            "post_id": ["vid1", "CODE1", "CODE2"],
            "library_id": "uma",
            "published_at": pd.to_datetime(["2026-11-20", "2026-11-21", "2026-11-22"], utc=True),
            "title": ["Video", None, None],
            "caption": [None, "Foto", "Tanpa angka"],
            "url": ["https://www.youtube.com/watch?v=vid1", None, None],
        }
    )

    def m(platform, post, metric, value, source, day):
        return {"platform": platform, "post_id": post, "metric": metric, "value": value,
                "source": source, "day": day}  # fmt: skip

    metrics = pd.DataFrame(
        [
            m("youtube", "vid1", "impressions", 7000.0, "file_import", D1),
            m("youtube", "vid1", "impressionsCtr", 4.2, "file_import", D1),
            m("youtube", "vid1", "likes", 9.0, "file_import", D1),  # not a figure shown
            m("instagram", "CODE1", "reach", 300.0, "file_import", D2),
            m("instagram", "CODE1", "reach", 320.0, "owner_insights", D1),  # the API wins
        ]
    )
    out = svc.post_owner_figures(posts, metrics).set_index("post_id")
    assert list(out.index) == ["CODE1", "vid1"]  # newest first; CODE2 has no figures
    assert out.loc["vid1", "impressions"] == 7000 and out.loc["vid1", "impressionsCtr"] == 4.2
    assert out.loc["CODE1", "reach"] == 320
    assert out.loc["CODE1", "sources"] == ["owner_insights"]
    assert pd.isna(out.loc["vid1", "reach"])
