"""Deterministic demo data: about 18 months of Instagram and YouTube activity per library.

Shapes follow what the real collectors produce, so every page works before any collection.
Demo accounts are flagged ``is_demo`` in the store; this module never touches real accounts.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import html
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from collectors.catalog import metric as catalog_metric
from collectors.config import Config, Library
from collectors.records import (
    AccountMetric,
    AccountRef,
    AccountSnapshot,
    PostMetric,
    PostSnapshot,
    hashtags_in,
    mentions_in,
)
from collectors.store import Store

UTC = dt.UTC
DEFAULT_SEED = 20251
DEFAULT_DAYS = 548  # about 18 months
HISTORY_DAYS = 30  # daily metric history kept per post, as the re-check window would
DEMO_ORIGIN = "demo"  # the origin of the demo's owner-level figures

_TOPICS = [
    ("Panduan layanan sirkulasi: cara meminjam dan mengembalikan buku", "#layananperpustakaan"),
    ("Tutorial mencari jurnal ilmiah di e-resources perpustakaan", "#literasiinformasi"),
    ("Profil perpustakaan: ruang baca, koleksi, dan jam layanan", "#profilperpustakaan"),
    ("Pengumuman jam layanan selama libur semester", "#pengumuman"),
    ("Tips menyusun daftar pustaka dengan Mendeley", "#tipsmahasiswa"),
    ("Kelas literasi: strategi penelusuran dengan operator Boolean", "#literasiinformasi"),
    ("Koleksi baru bulan ini, yuk mampir ke perpustakaan", "#koleksibaru"),
    ("Cek plagiasi skripsi: alur dan syaratnya", "#layananperpustakaan"),
    ("Repositori institusi: unggah karya ilmiah mandiri", "#repositori"),
    ("Webinar: menulis artikel untuk jurnal terakreditasi", "#webinar"),
    # Humanizing and crowdsourcing posts (content categories, dashboard/insights.py).
    ("Kenalan dengan pustakawan kami di meja referensi", "#pustakawan"),
    ("Di balik layar: tim kami menyiapkan buku-buku yang baru datang", "#dibaliklayar"),
    ("Buku apa yang ingin kamu baca bulan depan? Tulis di kolom komentar", "#bacabuku"),
    ("Vote tema webinar berikutnya lewat polling di story kami", "#polling"),
]
#: The newest Instagram post at least this many days old "took off" (4× its engagements),
#: so that every demo shows a breakout post in the last weeks (dashboard/insights.py).
BREAKOUT_AGE_DAYS = 8


@dataclass(frozen=True)
class _Profile:
    ig_followers: int
    ig_growth: float
    yt_subscribers: int
    yt_growth: float
    ig_posts_per_week: float
    er: float  # typical engagements / followers of an Instagram post
    yt_scale: float = 1.0  # multiplies the YouTube upload rates


def _profile(index: int, intensity: float = 1.0) -> _Profile:
    # The first library is the more active promoter, the second the larger audience;
    # further libraries get smaller variations so N libraries still look plausible.
    base = [
        _Profile(3100, 3.2, 820, 0.9, 3.6, 0.052),
        _Profile(5400, 2.1, 1450, 0.7, 2.4, 0.034),
    ]
    prof = (
        base[index]
        if index < len(base)
        else _Profile(1500 + 700 * (index % 12), 1.5, 300 + 120 * (index % 12), 0.4, 1.5, 0.04)
    )
    return dataclasses.replace(
        prof, ig_posts_per_week=prof.ig_posts_per_week * intensity, yt_scale=intensity
    )


_KIND_MARK = {
    "image": "IMG",
    "carousel": "[ ]",
    "reel": "REEL",
    "video": "VID",
    "short": "SHORT",
    "live": "LIVE",
}


def demo_thumbnail(library: Library, kind: str) -> str:
    """A small inline SVG (a data: URL), so demo thumbnails load with no network."""
    svg = (
        "<svg xmlns='http://www.w3.org/2000/svg' width='96' height='96'>"
        f"<rect width='96' height='96' rx='8' fill='{library.color}'/>"
        "<text x='48' y='44' font-family='sans-serif' font-size='18' fill='white' "
        f"text-anchor='middle'>{html.escape(library.label[:6])}</text>"
        "<text x='48' y='70' font-family='sans-serif' font-size='14' fill='white' "
        f"text-anchor='middle'>{_KIND_MARK.get(kind, kind)}</text></svg>"
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def demo_handle(library: Library, platform: str) -> str:
    return f"demo.{library.id}" if platform == "instagram" else f"@demo-{library.id}"


def generate(
    config: Config,
    end: dt.date,
    *,
    seed: int = DEFAULT_SEED,
    days: int = DEFAULT_DAYS,
    intensity: float = 1.0,
    only: str | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Build demo rows for every configured library (or ``only`` that one), ending on ``end``
    (a local day). ``intensity`` multiplies how often the libraries post."""
    tz = config.tz
    start = end - dt.timedelta(days=days - 1)
    capture = dt.datetime.combine(end, dt.time(6, 0), tz).astimezone(UTC)
    out: dict[str, list[dict[str, Any]]] = {
        "accounts": [], "daily": [], "posts": [], "history": [], "owner_daily": [],
        "owner_posts": [],
    }  # fmt: skip
    partners = {lib.id: [o for o in config.libraries if o.id != lib.id] for lib in config.libraries}
    for index, lib in enumerate(config.libraries):
        if only is not None and lib.id != only:
            continue
        rng = random.Random(f"{seed}:{lib.id}")
        prof = _profile(index, intensity)
        for platform in ("instagram", "youtube"):
            ref = AccountRef(lib.id, platform, demo_handle(lib, platform))
            out["accounts"].append(
                {
                    "ref": ref,
                    "title": f"{lib.label} (demo)",
                    "external_id": f"demo-{platform}-{lib.id}",
                    "url": (
                        f"https://www.instagram.com/{ref.handle}/"
                        if platform == "instagram"
                        else f"https://www.youtube.com/{ref.handle}"
                    ),
                }
            )
            audience = _audience(rng, prof, platform, start, days, config, lib)
            for day, value in audience.items():
                out["daily"].append(
                    {
                        "ref": ref,
                        "day": day,
                        "followers": value,
                        "following": 180 + (day - start).days // 20
                        if platform == "instagram"
                        else None,
                        "media_count": None,
                        "total_views": None,
                        "captured_at": dt.datetime.combine(day, dt.time(6, 0), tz).astimezone(UTC),
                    }
                )
            made = (
                _instagram_posts(rng, prof, lib, partners[lib.id], start, end, config, audience)
                if platform == "instagram"
                else _youtube_posts(rng, prof, lib, partners[lib.id], start, end, config, audience)
            )
            for post in sorted(made, key=lambda p: p["published_at"]):
                post["ref"] = ref
                post["platform"] = platform
                post["metrics_at"] = capture
                # The daily captures before the last one, from the post's final figures…
                out["history"].extend(_history(post, end, tz))
                # … and the last capture (today's) as far as the post has got by now.
                age = (end - post["published_at"].astimezone(tz).date()).days
                for metric in ("likes", "comments", "views", "plays"):
                    post[metric] = _scaled(post[metric], _share(age))
                out["posts"].append(post)
            if index == 0:  # the first library is "connected": its owner-level figures
                owner = _owner_figures(platform, audience, made, end, config.tz, seed, lib)
                out.setdefault("owner_daily", []).extend(
                    {"ref": ref, **row} for row in owner["daily"]
                )
                out.setdefault("owner_posts", []).extend(owner["posts"])
            total_views = sum(p["views"] or 0 for p in made) if platform == "youtube" else None
            for row in out["daily"]:
                if row["ref"] == ref:
                    row["media_count"] = sum(
                        1 for p in made if p["published_at"].astimezone(tz).date() <= row["day"]
                    )
                    if total_views is not None:
                        row["total_views"] = int(
                            total_views * (row["day"] - start).days / max(days - 1, 1)
                        )
    return out


def _audience(
    rng: random.Random,
    prof: _Profile,
    platform: str,
    start: dt.date,
    days: int,
    config: Config,
    lib: Library,
) -> dict[dt.date, int]:
    value = float(prof.ig_followers if platform == "instagram" else prof.yt_subscribers)
    growth = prof.ig_growth if platform == "instagram" else prof.yt_growth
    campaign_starts = {c.start for c in config.campaigns if lib.id in c.libraries}
    result = {}
    for i in range(days):
        day = start + dt.timedelta(days=i)
        step = growth * (1.0 + 0.6 * math.sin(i / 29.0)) + rng.gauss(0, growth * 0.8)
        # Jumps: new academic year (September) and new semester (February), campaign starts.
        if (day.month, day.day) in {(9, 2), (2, 10)}:
            step += 40 * growth
        if day in campaign_starts:
            step += 60 * growth
        value = max(0.0, value + step)
        result[day] = int(round(value))
    return result


def _local_time(rng: random.Random, day: dt.date, tz: Any) -> dt.datetime:
    hour = rng.choices(range(7, 22), weights=[2, 4, 5, 4, 3, 5, 3, 2, 2, 3, 4, 6, 5, 3, 2])[0]
    when = dt.datetime.combine(day, dt.time(hour, rng.randrange(0, 60, 5)), tz)
    return when.astimezone(UTC)


def _campaign_for(config: Config, lib: Library, day: dt.date) -> Any:
    for c in config.campaigns:
        if lib.id in c.libraries and c.start <= day <= c.end:
            return c
    return None


def _caption(
    rng: random.Random, lib: Library, partners: list[Library], campaign: Any, platform: str
) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """Caption text plus tagged users and co-authors."""
    topic, tag = rng.choice(_TOPICS)
    own = f"#perpustakaan{lib.id}"
    parts = [topic + ".", own, tag]
    tagged: tuple[str, ...] = ()
    coauthors: tuple[str, ...] = ()
    partner = partners[0] if partners else None
    roll = rng.random()
    if campaign is not None and roll < 0.75:
        parts.append(" ".join(campaign.hashtags[:1] or ()))
        if partner and rng.random() < 0.5:
            parts.append(f"Bersama @{demo_handle(partner, 'instagram')}")
        if partner and platform == "instagram" and rng.random() < 0.3:
            coauthors = (demo_handle(partner, "instagram"),)
    elif partner and roll < 0.08:
        parts.append(
            f"Layanan gratis dari mitra kami @{demo_handle(partner, 'instagram')}, cek ya!"
        )
    elif partner and platform == "instagram" and roll < 0.11:
        tagged = (demo_handle(partner, "instagram"),)
    return " ".join(p for p in parts if p), tagged, coauthors


def _instagram_posts(
    rng: random.Random,
    prof: _Profile,
    lib: Library,
    partners: list[Library],
    start: dt.date,
    end: dt.date,
    config: Config,
    audience: dict[dt.date, int],
) -> list[dict[str, Any]]:
    result = []
    typical: dict[int, float] = {}
    day = start
    n = 0
    while day <= end:
        campaign = _campaign_for(config, lib, day)
        rate = prof.ig_posts_per_week / 7 * (2.2 if campaign else 1.0)
        if rng.random() < rate:
            n += 1
            kind = rng.choices(["image", "carousel", "reel"], weights=[45, 30, 25])[0]
            published = _local_time(rng, day, config.tz)
            caption, tagged, coauthors = _caption(rng, lib, partners, campaign, "instagram")
            followers = audience[day]
            boost = {"image": 0.8, "carousel": 1.1, "reel": 1.5}[kind] * (1.4 if campaign else 1)
            typical[n] = followers * prof.er * boost  # engagements of a usual such post
            engagements = max(0, int(rng.lognormvariate(0, 0.45) * typical[n]))
            comments = max(0, int(engagements * rng.uniform(0.02, 0.08)))
            likes: int | None = engagements - comments
            if rng.random() < 0.05:
                likes = None  # the account hid the like count
            views = plays = None
            if kind == "reel":
                plays = int(followers * rng.uniform(0.6, 3.5) * boost)
                views = int(plays * rng.uniform(0.7, 0.9))
            # Unique per library and post; the random tail only makes codes look less regular.
            code = f"D{lib.id.upper()}{n:05d}{rng.randrange(36**3):05d}"
            result.append(
                {
                    "post_id": code,
                    "published_at": published,
                    "kind": kind,
                    "title": None,
                    "caption": caption,
                    "url": f"https://www.instagram.com/p/{code}/",
                    "thumbnail_url": demo_thumbnail(lib, kind),
                    "duration_s": rng.randint(15, 90) if kind == "reel" else None,
                    "hashtags": hashtags_in(caption),
                    "mentions": mentions_in(caption),
                    "tagged": tagged,
                    "coauthors": coauthors,
                    "is_pinned": False,
                    "likes": likes,
                    "comments": comments,
                    "views": views,
                    "plays": plays,
                }
            )
        day += dt.timedelta(days=1)
    partner = partners[0] if partners else None
    recent = [p for p in result if (end - p["published_at"].astimezone(config.tz).date()).days >= 3]
    if partner is not None and recent and not recent[-1]["mentions"]:
        # Every demo shows cross-promotion in its last weeks, whatever its end date.
        post = recent[-1]
        post["caption"] += f" Bersama @{demo_handle(partner, 'instagram')}"
        post["mentions"] = mentions_in(post["caption"])
    settled = [
        p
        for p in result
        if p["likes"] is not None
        and (end - p["published_at"].astimezone(config.tz).date()).days >= BREAKOUT_AGE_DAYS
    ]
    if settled:  # shared widely, e.g. by the university's main account: 4× the usual
        viral = settled[-1]
        total = int(4 * typical[result.index(viral) + 1])
        viral["comments"] = total // 20
        viral["likes"] = total - viral["comments"]
    # Instagram shows up to three pinned posts first; pin the best older ones.
    for post in sorted(result[:-20], key=lambda p: -(p["likes"] or 0))[:2]:
        post["is_pinned"] = True
    return result


def _youtube_posts(
    rng: random.Random,
    prof: _Profile,
    lib: Library,
    partners: list[Library],
    start: dt.date,
    end: dt.date,
    config: Config,
    audience: dict[dt.date, int],
) -> list[dict[str, Any]]:
    result = []
    day = start
    n = 0
    live_day = start + dt.timedelta(days=(end - start).days // 2)
    while day <= end:
        campaign = _campaign_for(config, lib, day)
        kind = None
        if day == live_day:
            kind = "live"
        elif rng.random() < (0.07 if campaign else 0.045) * prof.yt_scale:
            kind = "video"
        elif rng.random() < 0.09 * prof.yt_scale:
            kind = "short"
        if kind:
            n += 1
            published = _local_time(rng, day, config.tz)
            caption, _, _ = _caption(rng, lib, partners, campaign, "youtube")
            title = caption.split(".")[0][:90]
            subscribers = audience[day]
            views = int(
                subscribers * rng.lognormvariate(-0.3, 0.7) * (2.5 if kind == "short" else 1)
            )
            likes: int | None = int(views * rng.uniform(0.02, 0.06))
            comments: int | None = int(views * rng.uniform(0.001, 0.01))
            if rng.random() < 0.06:
                likes = None
            if rng.random() < 0.08:
                comments = None  # comments turned off
            vid = f"Y{lib.id}{n:05d}{rng.randrange(16**4):04x}"
            duration = {
                "video": rng.randint(180, 1500),
                "short": rng.randint(15, 59),
                "live": rng.randint(3600, 7200),
            }[kind]
            result.append(
                {
                    "post_id": vid,
                    "published_at": published,
                    "kind": kind,
                    "title": title,
                    "caption": caption,
                    "url": f"https://www.youtube.com/watch?v={vid}",
                    "thumbnail_url": demo_thumbnail(lib, kind),
                    "duration_s": duration,
                    "hashtags": hashtags_in(title, caption),
                    "mentions": mentions_in(caption),
                    "tagged": (),
                    "coauthors": (),
                    "is_pinned": False,
                    "likes": likes,
                    "comments": comments,
                    "views": views,
                    "plays": None,
                }
            )
        day += dt.timedelta(days=1)
    return result


#: The day Instagram's views replaced impressions (collectors.catalog).
VIEWS_FROM = catalog_metric("instagram", "account", "views").valid_from or dt.date.min
#: How many days owner insights lag behind (Meta up to 48 h, YouTube Analytics 48-72 h).
OWNER_LAG_DAYS = {"instagram": 1, "youtube": 3}


def _owner_figures(
    platform: str,
    audience: dict[dt.date, int],
    posts: list[dict[str, Any]],
    end: dt.date,
    tz: Any,
    seed: int,
    lib: Library,
) -> dict[str, list[dict[str, Any]]]:
    """Owner-level figures of a connected account, as the official APIs give them: daily
    account figures up to the platform's usual lag, and each post's lifetime figures at the
    last capture (scaled like its public counts while it is young). Drawn from a random
    generator of their own, so the public figures are the same with or without them."""
    rng = random.Random(f"{seed}:{lib.id}:owner:{platform}")
    by_day: dict[dt.date, list[dict[str, Any]]] = {}
    for post in posts:
        by_day.setdefault(post["published_at"].astimezone(tz).date(), []).append(post)
    last = end - dt.timedelta(days=OWNER_LAG_DAYS[platform])
    daily: list[dict[str, Any]] = []
    previous = None
    for day, followers in audience.items():
        if day > last:
            break
        gained = max(0, followers - previous) if previous is not None else 0
        previous = followers
        posted = by_day.get(day, [])
        if platform == "instagram":
            reach = int(followers * rng.uniform(0.10, 0.22) * (1.8 if posted else 1.0))
            lost = rng.randint(0, 3)
            values = {
                "reach": reach,
                "views": int(reach * rng.uniform(2.0, 3.5)),
                "profile_views": int(reach * rng.uniform(0.02, 0.06)),
                "accounts_engaged": int(reach * rng.uniform(0.03, 0.08)),
                "total_interactions": int(reach * rng.uniform(0.02, 0.06)),
                "follows": gained + lost,
                "unfollows": lost,
                "profile_links_taps": rng.randint(0, 6),
            }
        else:
            views = int(followers * rng.uniform(0.08, 0.25) * (2.2 if posted else 1.0))
            duration = rng.uniform(70, 210)
            lost = rng.randint(0, 2)
            values = {
                "views": views,
                "engagedViews": int(views * rng.uniform(0.6, 0.85)),
                "estimatedMinutesWatched": int(views * duration / 60),
                "averageViewDuration": round(duration),
                "subscribersGained": gained + lost,
                "subscribersLost": lost,
                "likes": int(views * rng.uniform(0.02, 0.05)),
                "comments": int(views * rng.uniform(0.001, 0.005)),
                "shares": int(views * rng.uniform(0.002, 0.01)),
            }
        if platform == "instagram" and day < VIEWS_FROM:  # before Meta's views: impressions
            values["impressions"] = values.pop("views")
        daily.extend({"day": day, "metric": m, "value": v} for m, v in values.items())
    figures: list[dict[str, Any]] = []
    for post in posts:
        day = post["published_at"].astimezone(tz).date()
        share = _share((end - day).days)
        engagements = (post["likes"] or 0) + (post["comments"] or 0)
        if platform == "instagram":
            boost = {"image": 0.8, "carousel": 1.0, "reel": 1.6}[post["kind"]]
            reach = int(audience[day] * rng.uniform(0.35, 0.9) * boost * share)
            reach = max(reach, 4 * engagements)  # an ER by reach of at most 25%
            saved = int(reach * rng.uniform(0.005, 0.03))
            shares = int(reach * rng.uniform(0.003, 0.02))
            values = {
                "reach": reach,
                "views": post["views"] or int(reach * rng.uniform(1.3, 2.2)),
                "saved": saved,
                "shares": shares,
                "total_interactions": engagements + saved + shares,
            }
            if post["kind"] == "reel":
                values["ig_reels_avg_watch_time"] = round(rng.uniform(5, 18), 1)
        else:
            views = post["views"] or 0
            watched = min(post["duration_s"] or 60, 900) * rng.uniform(0.25, 0.6)
            values = {
                "views": views,
                "engagedViews": int(views * rng.uniform(0.6, 0.85)),
                "estimatedMinutesWatched": int(views * watched / 60),
                "averageViewDuration": round(watched),
                "likes": post["likes"],
                "comments": post["comments"],
                "shares": int(views * rng.uniform(0.002, 0.01)),
                "subscribersGained": int(views * rng.uniform(0.001, 0.01)),
            }
        figures.extend(
            {"platform": platform, "post_id": post["post_id"], "metric": m, "value": v}
            for m, v in values.items()
        )
    return {"daily": daily, "posts": figures}


def _share(age_days: int) -> float:
    """Share of its lasting metrics a post has after ``age_days``: fast growth, then flat."""
    return 1.0 if age_days >= HISTORY_DAYS - 1 else 1 - math.exp(-(age_days + 1) / 3.0)


def _scaled(value: int | None, share: float) -> int | None:
    return None if value is None else int(round(value * share))


def _history(post: dict[str, Any], end: dt.date, tz: Any) -> list[dict[str, Any]]:
    """Daily metrics of a post's first days, as the daily refresh would have captured them
    (``post`` carries its final figures), up to the day before ``end``: the capture of
    ``end`` itself is the post's latest one."""
    first = post["published_at"].astimezone(tz).date()
    rows = []
    for age in range(HISTORY_DAYS):
        day = first + dt.timedelta(days=age)
        if day >= end:
            break
        share = _share(age)
        rows.append(
            {
                "platform": post["platform"],
                "post_id": post["post_id"],
                "day": day,
                **{m: _scaled(post[m], share) for m in ("likes", "comments", "views", "plays")},
                "captured_at": dt.datetime.combine(day, dt.time(6, 0), tz).astimezone(UTC),
            }
        )
    return rows


def load_demo(
    store: Store,
    config: Config,
    end: dt.date | None = None,
    *,
    seed: int = DEFAULT_SEED,
    days: int = DEFAULT_DAYS,
    intensity: float = 1.0,
    progress: Callable[[str], None] = lambda library_id: None,
) -> dict[str, int]:
    """Write demo data to the store in one transaction; re-running with the same arguments
    changes nothing. Returns the demo's rows as stored (accounts, account_days, posts,
    post_days).

    A demo made for other dates is replaced whole; real accounts are never touched. One
    library at a time, so that large demos (the benchmark's) stay small in memory;
    ``progress`` is told each library written (not yet committed).
    """
    end = end or dt.datetime.now(config.tz).date()
    first_day = end - dt.timedelta(days=days - 1)
    # One transaction: a load killed half-way leaves no demo at all (the dashboard loads
    # it again when it finds no account), never half of one that it would not repair.
    with store.transaction() as conn:
        span = store.demo_span(conn)
        if span is not None and span != (first_day, end):
            store.delete_demo(conn)
        for lib in config.libraries:
            data = generate(config, end, seed=seed, days=days, intensity=intensity, only=lib.id)
            _write_demo(store, data, end, conn)
            progress(lib.id)
        # What is stored, not what was generated: each post also gets the day of its last
        # capture, beyond its generated history.
        return store.demo_counts(conn)


def _write_demo(
    store: Store, data: dict[str, list[dict[str, Any]]], end: dt.date, conn: Connection
) -> None:
    ids = {
        a["ref"]: store.ensure_account(a["ref"], is_demo=True, conn=conn) for a in data["accounts"]
    }
    store.write_account_history(
        [
            {k: v for k, v in row.items() if k != "ref"} | {"account_id": ids[row["ref"]]}
            for row in data["daily"]
        ],
        conn,
    )
    last_day = {row["ref"]: row for row in data["daily"] if row["day"] == end}
    snapshots = [
        AccountSnapshot(
            a["ref"],
            last_day[a["ref"]]["captured_at"],
            external_id=a["external_id"],
            title=a["title"],
            url=a["url"],
            followers=last_day[a["ref"]]["followers"],
            following=last_day[a["ref"]]["following"],
            media_count=last_day[a["ref"]]["media_count"],
            total_views=last_day[a["ref"]]["total_views"],
        )
        for a in data["accounts"]
    ]
    post_snapshots = [
        PostSnapshot(
            p["ref"],
            p["platform"],
            p["post_id"],
            p["published_at"],
            p["kind"],
            p["metrics_at"],
            url=p["url"],
            title=p["title"],
            caption=p["caption"],
            thumbnail_url=p["thumbnail_url"],
            duration_s=p["duration_s"],
            hashtags=p["hashtags"],
            mentions=p["mentions"],
            tagged=p["tagged"],
            coauthors=p["coauthors"],
            is_pinned=p["is_pinned"],
            likes=p["likes"],
            comments=p["comments"],
            views=p["views"],
            plays=p["plays"],
        )
        for p in data["posts"]
    ]
    capture = max(row["captured_at"] for row in data["daily"])  # the demo's last capture
    owner_of = {(p["platform"], p["post_id"]): p["ref"] for p in data["posts"]}
    store.write(
        snapshots,
        post_snapshots,
        is_demo=True,
        conn=conn,
        account_figures=[
            AccountMetric(row["ref"], row["day"], row["metric"], row["value"],
                          "owner_insights", capture, DEMO_ORIGIN)
            for row in data.get("owner_daily", [])
        ],
        post_figures=[
            PostMetric(owner_of[(row["platform"], row["post_id"])], row["platform"],
                       row["post_id"], row["metric"], row["value"], "owner_insights", capture,
                       end, DEMO_ORIGIN)
            for row in data.get("owner_posts", [])
        ],
    )  # fmt: skip
    # After the posts: the history's captures at the compared ages are kept for them.
    store.write_post_history(data["history"], conn)
