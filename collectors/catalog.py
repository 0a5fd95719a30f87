"""The catalogue of metrics Jejaring stores in long form (``account_metrics``, ``post_metrics``):
what each one means, its unit, and when a platform introduced, retired or redefined it.

Pure data and lookups; the records validate values against it, the dashboard labels and
explains figures with it. Definitions follow Meta's and Google's reference documentation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

#: Where a number came from; every stored number keeps one.
SOURCES = {
    "public_api": ("API publik", "public API"),
    "owner_insights": ("API resmi (pemilik akun)", "official API (account owner)"),
    "web_scraper": ("pengambil web (instaloader)", "web scraper (instaloader)"),
    "file_import": ("berkas ekspor", "export file"),
    "manual": ("dicatat staf", "recorded by staff"),
}

#: The official API behind the owner-level figures of each platform (source markers name it).
OFFICIAL_APIS = {"instagram": "Instagram Graph", "youtube": "YouTube Analytics"}


def source_label(source: str, platform: str | None = None, lang: str = "id") -> str:
    """A source in words for the reader (``lang``: "id" or "en"); owner insights name the
    platform's official API: "API resmi (Instagram Graph)"."""
    index = 1 if lang == "en" else 0
    if source == "owner_insights" and platform in OFFICIAL_APIS:
        return ("API resmi ({})", "official API ({})")[index].format(OFFICIAL_APIS[platform])
    return SOURCES.get(source, (source, source))[index]


@dataclass(frozen=True)
class Metric:
    """One metric of one platform, for accounts or posts."""

    platform: str  # instagram, youtube, whatsapp
    scope: str  # account (a value per day) or post
    name: str  # the platform's own name where it has one
    unit: str  # count, seconds, minutes, hours, percent
    #: "day": the value is the day's own (e.g. reach that day); "lifetime": the total up
    #: to the day it was captured (e.g. a post's reach so far)
    period: str
    label: tuple[str, str]  # (Bahasa Indonesia, English)
    definition: tuple[str, str]
    #: Sums over days or posts are meaningful (views: yes; reach: no, people overlap; such a
    #: sum is an upper bound and must be labelled so).
    additive: bool = True
    #: A value below 0 is valid (a net change); otherwise negative values are refused.
    signed: bool = False
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    replaced_by: str | None = None


def _m(*args: object, **kwargs: object) -> Metric:
    return Metric(*args, **kwargs)  # type: ignore[arg-type]


_IG_VIEWS_DAY = dt.date(2025, 4, 21)  # Meta: views replace impressions and plays

METRICS: tuple[Metric, ...] = (
    # -- Instagram account insights (Graph API, period=day) ------------------------------
    _m("instagram", "account", "reach", "count", "day",
       ("Jangkauan", "Reach"),
       ("Akun unik yang melihat konten akun setidaknya sekali hari itu.",
        "Unique accounts that saw the account's content at least once that day."),
       additive=False),
    _m("instagram", "account", "views", "count", "day",
       ("Tayangan", "Views"),
       ("Berapa kali konten akun diputar atau ditampilkan hari itu (menggantikan "
        "impressions sejak 21 April 2025).",
        "Times the account's content was played or displayed that day (replaced impressions "
        "on 21 April 2025)."),
       valid_from=_IG_VIEWS_DAY),
    _m("instagram", "account", "impressions", "count", "day",
       ("Impresi", "Impressions"),
       ("Berapa kali konten akun ditampilkan; dihentikan Meta pada 21 April 2025.",
        "Times the account's content was displayed; retired by Meta on 21 April 2025."),
       valid_to=_IG_VIEWS_DAY, replaced_by="views"),
    _m("instagram", "account", "profile_views", "count", "day",
       ("Kunjungan profil", "Profile views"),
       ("Berapa kali profil akun dilihat hari itu.", "Times the profile was viewed that day.")),
    _m("instagram", "account", "accounts_engaged", "count", "day",
       ("Akun yang berinteraksi", "Accounts engaged"),
       ("Akun unik yang berinteraksi dengan konten akun hari itu.",
        "Unique accounts that interacted with the account's content that day."),
       additive=False),
    _m("instagram", "account", "total_interactions", "count", "day",
       ("Total interaksi", "Total interactions"),
       ("Suka, komentar, simpan, bagikan dan balasan pada konten akun hari itu.",
        "Likes, comments, saves, shares and replies on the account's content that day.")),
    _m("instagram", "account", "follows", "count", "day",
       ("Pengikut baru", "Follows"),
       ("Akun yang mulai mengikuti hari itu (follows_and_unfollows, FOLLOWER).",
        "Accounts that started following that day (follows_and_unfollows, FOLLOWER).")),
    _m("instagram", "account", "unfollows", "count", "day",
       ("Berhenti mengikuti", "Unfollows"),
       ("Akun yang berhenti mengikuti hari itu (follows_and_unfollows, NON_FOLLOWER).",
        "Accounts that stopped following that day (follows_and_unfollows, NON_FOLLOWER).")),
    _m("instagram", "account", "profile_links_taps", "count", "day",
       ("Ketukan tautan profil", "Profile link taps"),
       ("Ketukan pada tautan, alamat, telepon atau email di profil hari itu.",
        "Taps on the profile's link, address, call or e-mail buttons that day.")),
    _m("instagram", "account", "follower_count", "count", "day",
       ("Pengikut bertambah", "New followers"),
       ("Pengikut baru hari itu menurut Instagram (hanya akun dengan ≥ 100 pengikut).",
        "New followers that day per Instagram (accounts with at least 100 followers only).")),
    # -- Instagram media insights (Graph API, lifetime) ----------------------------------
    _m("instagram", "post", "reach", "count", "lifetime",
       ("Jangkauan", "Reach"),
       ("Akun unik yang melihat unggahan ini setidaknya sekali.",
        "Unique accounts that saw this post at least once."),
       additive=False),
    _m("instagram", "post", "views", "count", "lifetime",
       ("Tayangan", "Views"),
       ("Berapa kali unggahan diputar atau ditampilkan.",
        "Times the post was played or displayed."),
       valid_from=_IG_VIEWS_DAY),
    _m("instagram", "post", "impressions", "count", "lifetime",
       ("Impresi", "Impressions"),
       ("Berapa kali unggahan ditampilkan; dihentikan Meta pada 21 April 2025.",
        "Times the post was displayed; retired by Meta on 21 April 2025."),
       valid_to=_IG_VIEWS_DAY, replaced_by="views"),
    _m("instagram", "post", "saved", "count", "lifetime",
       ("Disimpan", "Saves"), ("Berapa kali unggahan disimpan.", "Times the post was saved.")),
    _m("instagram", "post", "shares", "count", "lifetime",
       ("Dibagikan", "Shares"),
       ("Berapa kali unggahan dibagikan.", "Times the post was shared.")),
    _m("instagram", "post", "total_interactions", "count", "lifetime",
       ("Total interaksi", "Total interactions"),
       ("Suka, komentar, simpan dan bagikan pada unggahan (dikurangi yang dibatalkan).",
        "Likes, comments, saves and shares on the post (minus those undone).")),
    _m("instagram", "post", "ig_reels_avg_watch_time", "seconds", "lifetime",
       ("Rata-rata durasi ditonton", "Average watch time"),
       ("Rata-rata lama reel ditonton.", "Average time the reel was watched.")),
    _m("instagram", "post", "follows", "count", "lifetime",
       ("Pengikut dari unggahan", "Follows from the post"),
       ("Akun yang mulai mengikuti dari unggahan ini (ekspor Meta Business Suite).",
        "Accounts that started following from this post (Meta Business Suite export).")),
    # -- YouTube Analytics (owner, daily channel metrics; lifetime per video) ---------------
    *(
        _m("youtube", scope, name, unit, period, label, definition, additive=additive)
        for scope, period in (("account", "day"), ("post", "lifetime"))
        for name, unit, label, definition, additive in (
            ("views", "count", ("Tayangan", "Views"),
             ("Tayangan sah video (YouTube Analytics).", "Legitimate video views (YouTube "
              "Analytics)."), True),
            ("engagedViews", "count", ("Tayangan terlibat", "Engaged views"),
             ("Tayangan yang melewati detik-detik awal video.",
              "Views that continue past the first seconds of the video."), True),
            ("estimatedMinutesWatched", "minutes", ("Menit ditonton", "Minutes watched"),
             ("Perkiraan menit video ditonton.", "Estimated minutes of video watched."), True),
            ("averageViewDuration", "seconds", ("Rata-rata durasi tayang", "Average view "
              "duration"), ("Rata-rata lama satu tayangan, dalam detik.",
                            "Average length of a view, in seconds."), False),
            ("subscribersGained", "count", ("Pelanggan bertambah", "Subscribers gained"),
             ("Pelanggan baru.", "New subscribers."), True),
            ("subscribersLost", "count", ("Pelanggan berkurang", "Subscribers lost"),
             ("Pelanggan yang berhenti berlangganan.", "Subscribers who unsubscribed."), True),
            ("likes", "count", ("Suka", "Likes"), ("Suka.", "Likes."), True),
            ("comments", "count", ("Komentar", "Comments"), ("Komentar.", "Comments."), True),
            ("shares", "count", ("Dibagikan", "Shares"),
             ("Berapa kali video dibagikan.", "Times videos were shared."), True),
        )
    ),
    # -- YouTube Studio exports only (not in the public or Analytics API's reports) -------
    *(
        _m("youtube", scope, name, unit, period, label, definition, additive=additive)
        for scope, period in (("account", "day"), ("post", "lifetime"))
        for name, unit, label, definition, additive in (
            ("impressions", "count", ("Impresi", "Impressions"),
             ("Berapa kali thumbnail video ditampilkan di YouTube (ekspor Studio).",
              "Times the video's thumbnail was shown on YouTube (Studio export)."), True),
            ("impressionsCtr", "percent", ("CTR impresi", "Impressions click-through rate"),
             ("Persen impresi yang berujung tayangan (ekspor Studio).",
              "Share of impressions that led to a view (Studio export)."), False),
            ("watchTimeHours", "hours", ("Waktu tonton (jam)", "Watch time (hours)"),
             ("Jam video ditonton (ekspor Studio).", "Hours of video watched (Studio "
              "export)."), True),
            ("averagePercentageViewed", "percent", ("Rata-rata persen ditonton",
                                                    "Average percentage viewed"),
             ("Rata-rata bagian video yang ditonton (ekspor Studio).",
              "Average share of the video watched (Studio export)."), False),
            ("uniqueViewers", "count", ("Penonton unik", "Unique viewers"),
             ("Perkiraan orang berbeda yang menonton (ekspor Studio).",
              "Estimated distinct people who watched (Studio export)."), False),
        )
    ),
    # -- export files (YouTube Studio, Meta Business Suite): figures the APIs above lack ----
    *(
        _m("youtube", scope, "subscribersNet", "count", period,
           ("Pelanggan bersih", "Net subscribers"),
           ("Pelanggan bertambah dikurangi yang berhenti (kolom 'Subscribers' ekspor "
            "Studio); bisa negatif.",
            "Subscribers gained minus lost (the Studio export's 'Subscribers' column); may be "
            "negative."),
           signed=True)
        for scope, period in (("account", "day"), ("post", "lifetime"))
    ),
    _m("instagram", "post", "likes", "count", "lifetime",
       ("Suka", "Likes"), ("Suka pada unggahan (ekspor Meta Business Suite).",
                           "Likes on the post (Meta Business Suite export).")),
    _m("instagram", "post", "comments", "count", "lifetime",
       ("Komentar", "Comments"), ("Komentar pada unggahan (ekspor Meta Business Suite).",
                                  "Comments on the post (Meta Business Suite export).")),
    _m("instagram", "post", "profile_visits", "count", "lifetime",
       ("Kunjungan profil", "Profile visits"),
       ("Kunjungan ke profil dari unggahan ini (ekspor Meta Business Suite).",
        "Profile visits from this post (Meta Business Suite export).")),
)  # fmt: skip

#: Dates on which a platform changed what a metric means; charts mark them.
REDEFINITIONS: tuple[tuple[str, str, dt.date, tuple[str, str]], ...] = (
    ("instagram", "views", _IG_VIEWS_DAY,
     ("Instagram: views menggantikan impressions dan plays",
      "Instagram: views replace impressions and plays")),
    # YouTube Data API revision history, 26 March 2025 and 27 August 2026.
    ("youtube", "views", dt.date(2025, 3, 31),
     ("YouTube: setiap pemutaran Shorts dihitung sebagai tayangan",
      "YouTube: every play of a Short counts as a view")),
    ("youtube", "views", dt.date(2026, 8, 27),
     ("YouTube: tayangan publik dihitung sejak video mulai diputar (semua format)",
      "YouTube: public views count from the first frame (all formats)")),
)  # fmt: skip

_BY_KEY = {(m.platform, m.scope, m.name): m for m in METRICS}


def metric(platform: str, scope: str, name: str) -> Metric | None:
    """The catalogue entry of a metric, or None when Jejaring does not know it."""
    return _BY_KEY.get((platform, scope, name))
