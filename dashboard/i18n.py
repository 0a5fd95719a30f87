"""Every word the dashboard shows, in Bahasa Indonesia and English, and number/date formats.

Pages ask for text by key; no page holds a string table. No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
DEFAULT_LANGUAGE = "id"

_MONTHS = {
    "id": ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}
_WEEKDAYS = {
    "id": ["Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min"],
    "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
}

# key: (Bahasa Indonesia, English)
TEXT: dict[str, tuple[str, str]] = {
    "filters": ("Filter", "Filters"),
    "period": ("Periode", "Period"),
    "preset_7": ("7 hari terakhir", "Last 7 days"),
    "preset_30": ("30 hari terakhir", "Last 30 days"),
    "preset_90": ("90 hari terakhir", "Last 90 days"),
    "preset_365": ("12 bulan terakhir", "Last 12 months"),
    "preset_year": ("Tahun ini", "This year"),
    "preset_custom": ("Pilih tanggal…", "Custom dates…"),
    "custom_range": ("Dari – sampai", "From – to"),
    "libraries": ("Perpustakaan", "Libraries"),
    "platforms": ("Platform", "Platforms"),
    "instagram": ("Instagram", "Instagram"),
    "youtube": ("YouTube", "YouTube"),
    "all": ("Gabungan", "Combined"),
    "page_overview": ("Ringkasan", "Overview"),
    "page_compare": ("Perbandingan", "Compare"),
    "demo_notice": (
        "Data demo: angka di halaman ini dibuat oleh `python -m collectors demo`, bukan "
        "dari Instagram atau YouTube. Jalankan pengambilan data untuk melihat angka nyata.",
        "Demo data: the numbers on this page were made by `python -m collectors demo`, not "
        "collected from Instagram or YouTube. Run a refresh to see real figures.",
    ),
    "no_data": (
        "Belum ada data untuk pilihan ini. Ubah periode, perpustakaan atau platform.",
        "No data for this choice yet. Change the period, libraries or platforms.",
    ),
    "no_selection": (
        "Pilih paling sedikit satu perpustakaan dan satu platform.",
        "Choose at least one library and one platform.",
    ),
    "data_until": ("Data terakhir diambil: {when} ({tz})", "Last capture: {when} ({tz})"),
    "period_line": (
        "Periode {start} – {end} ({days} hari), dibandingkan dengan {pstart} – {pend}.",
        "Period {start} – {end} ({days} days), compared with {pstart} – {pend}.",
    ),
    "overview_title": ("Ringkasan per perpustakaan", "Overview per library"),
    "kpi_audience": ("Audiens", "Audience"),
    "kpi_audience_help": (
        "Pengikut Instagram dan pelanggan YouTube pada hari terakhir periode. Gabungan = "
        "jumlah semua akun (orang yang mengikuti dua akun terhitung dua kali). Perubahan = "
        "selisih dengan awal periode.",
        "Instagram followers and YouTube subscribers on the period's last captured day. "
        "Combined = sum over the accounts (a person following two accounts counts twice). "
        "Change = difference from the start of the period.",
    ),
    "kpi_growth": ("Pertumbuhan audiens", "Audience growth"),
    "kpi_growth_help": (
        "Audiens akhir periode − audiens sebelum periode; persen = pertumbuhan ÷ audiens awal "
        "× 100. Perubahan = dibanding pertumbuhan periode sebelumnya yang sama panjang.",
        "Audience at the end − audience before the period; percent = growth ÷ starting "
        "audience × 100. Change = against the growth of the previous period of equal length.",
    ),
    "kpi_posts": ("Unggahan", "Posts"),
    "kpi_posts_help": (
        "Jumlah unggahan yang terbit dalam periode (tanggal lokal). Perubahan = dibanding "
        "periode sebelumnya.",
        "Posts published in the period (local dates). Change = against the previous period.",
    ),
    "kpi_engagements": ("Interaksi", "Engagements"),
    "kpi_engagements_help": (
        "Interaksi = suka + komentar (interaksi publik yang diberikan kedua platform). "
        "Unggahan dengan jumlah suka tersembunyi tidak dihitung; komentar yang dimatikan = 0.",
        "Engagements = likes + comments (the public interactions both platforms expose). "
        "Posts with hidden like counts are left out; comments turned off count as 0.",
    ),
    "kpi_er": ("ER rata-rata (pengikut)", "Mean ER (followers)"),
    "kpi_er_help": (
        "ER per unggahan = interaksi ÷ pengikut akun pada hari unggahan × 100 (data akun "
        "terdekat sebelumnya, jika tidak ada yang sesudahnya). Angka ini = rata-rata ER "
        "unggahan dalam periode. Perubahan dalam poin persen.",
        "Post ER = engagements ÷ the account's followers on the day of posting × 100 (the "
        "nearest earlier account capture, else the nearest later). This is the mean over the "
        "period's posts. Change in percentage points.",
    ),
    "kpi_views": ("Tayangan", "Views"),
    "kpi_views_help": (
        "Jumlah tayangan dari unggahan periode ini, hanya jika platform memberikannya (video "
        "YouTube, reel Instagram). Data publik tidak punya angka jangkauan (reach); jangkauan "
        "potensial = audiens saat mengunggah.",
        "Sum of views of the period's posts, only where the platform gives them (YouTube "
        "videos, Instagram reels). Public data has no reach figure; potential reach = the "
        "audience at posting time.",
    ),
    "kpi_table": (
        "Semua angka, periode ini dan sebelumnya",
        "All figures, this and the previous period",
    ),
    "col_library": ("Perpustakaan", "Library"),
    "col_platform": ("Platform", "Platform"),
    "col_previous": ("sebelumnya", "previous"),
    "col_change": ("perubahan", "change"),
    "compare_title": ("Perbandingan antarperpustakaan", "Libraries side by side"),
    "chart_audience": ("Audiens dari waktu ke waktu", "Audience over time"),
    "chart_weekly_posts": ("Unggahan per minggu", "Posts per week"),
    "chart_weekly_engagements": ("Interaksi per minggu", "Engagements per week"),
    "chart_per_1k": (
        "Interaksi per 1.000 pengikut (rata-rata per unggahan, per minggu)",
        "Engagements per 1,000 followers (mean per post, weekly)",
    ),
    "per_1k_toggle": ("Per 1.000 pengikut", "Per 1,000 followers"),
    "per_1k_help": (
        "Interaksi ÷ pengikut saat mengunggah × 1.000, rata-rata per unggahan: membandingkan "
        "akun besar dan kecil secara adil.",
        "Engagements ÷ followers at posting time × 1,000, averaged per post: a fair comparison "
        "of large and small accounts.",
    ),
    "chart_content": ("Jenis konten", "Content types"),
    "chart_content_er": ("ER rata-rata per jenis konten (%)", "Mean ER by content type (%)"),
    "chart_best_time": (
        "Waktu terbaik untuk mengunggah ({tz})",
        "Best time to post ({tz})",
    ),
    "best_time_help": (
        "Warna = ER rata-rata (pengikut) unggahan pada hari dan jam itu (waktu lokal); kotak "
        "kosong = belum ada unggahan.",
        "Colour = mean ER (followers) of posts made at that weekday and hour (local time); "
        "empty = no posts yet.",
    ),
    "axis_followers": ("Pengikut / pelanggan", "Followers / subscribers"),
    "axis_posts": ("Unggahan", "Posts"),
    "axis_engagements": ("Interaksi", "Engagements"),
    "axis_er": ("ER (%)", "ER (%)"),
    "axis_hour": ("Jam", "Hour"),
    "axis_per_1k": ("Per 1.000 pengikut", "Per 1,000 followers"),
    "kind_image": ("Foto", "Image"),
    "kind_carousel": ("Carousel", "Carousel"),
    "kind_reel": ("Reel", "Reel"),
    "kind_video": ("Video", "Video"),
    "kind_short": ("Shorts", "Short"),
    "kind_live": ("Siaran langsung", "Live"),
    "unconfirmed": (
        "Akun {names} belum dikonfirmasi staf (lihat jejaring.toml).",
        "The accounts of {names} are not yet confirmed by staff (see jejaring.toml).",
    ),
    "vs_previous": ("vs periode sebelumnya", "vs previous period"),
    "this_period": ("dalam periode ini", "in this period"),
    "page_data": ("Data", "Data"),
    "data_title": ("Kesehatan data", "Data health"),
    "data_intro": (
        "Kapan tiap akun terakhir berhasil diambil, hasil pengambilan terakhir, dan kuota "
        "yang terpakai. Akun ditandai basi bila data terakhirnya lebih dari 36 jam.",
        "When each account was last captured, how its last refresh went, and the quota spent. "
        "An account is flagged stale when its last capture is older than 36 hours.",
    ),
    "yt_units": ("Unit API YouTube sejak reset kuota", "YouTube API units since the quota reset"),
    "yt_units_help": (
        "Kuota harian YouTube (biasanya 10.000 unit) direset tengah malam waktu Pasifik, "
        "yaitu {reset} waktu setempat.",
        "YouTube's daily quota (usually 10,000 units) resets at midnight Pacific time, "
        "which is {reset} local time.",
    ),
    "ig_requests": ("Permintaan Instagram hari ini", "Instagram requests today"),
    "ig_requests_help": (
        "Permintaan ke Instagram sejak pukul 00.00 waktu setempat. Instagram membatasi "
        "permintaan; makin sedikit makin aman.",
        "Requests to Instagram since local midnight. Instagram limits requests; fewer is safer.",
    ),
    "stale_accounts": ("Akun basi", "Stale accounts"),
    "accounts_table": ("Akun", "Accounts"),
    "runs_table": ("Pengambilan data terakhir", "Last refreshes"),
    "no_runs": (
        "Belum pernah ada pengambilan data. Jalankan `python -m collectors refresh`.",
        "No refresh has run yet. Run `python -m collectors refresh`.",
    ),
    "col_account": ("Akun", "Account"),
    "col_last_capture": ("Terakhir diambil", "Last capture"),
    "col_age": ("Umur (jam)", "Age (hours)"),
    "col_fresh": ("Kesegaran", "Freshness"),
    "col_last_run": ("Hasil terakhir", "Last result"),
    "col_error": ("Pesan", "Message"),
    "col_run": ("Run", "Run"),
    "col_started": ("Mulai", "Started"),
    "col_duration": ("Durasi (detik)", "Duration (s)"),
    "col_status": ("Status", "Status"),
    "fresh": ("segar", "fresh"),
    "stale": ("BASI", "STALE"),
    "never": ("belum pernah", "never"),
    "status_ok": ("berhasil", "ok"),
    "status_partial": ("sebagian", "partial"),
    "status_failed": ("gagal", "failed"),
    "status_skipped": ("dilewati", "skipped"),
    "status_running": ("berjalan", "running"),
    "downloads": ("Unduh data (sesuai filter)", "Download data (current filters)"),
    "dl_posts_csv": ("Unggahan (CSV)", "Posts (CSV)"),
    "dl_posts_xlsx": ("Unggahan (Excel)", "Posts (Excel)"),
    "dl_history_csv": ("Riwayat akun (CSV)", "Account history (CSV)"),
    "dl_history_xlsx": ("Riwayat akun (Excel)", "Account history (Excel)"),
    "page_campaigns": ("Kampanye", "Campaigns"),
    "page_posts": ("Unggahan", "Posts"),
    "campaigns_title": ("Kampanye bersama", "Joint campaigns"),
    "campaigns_rule": (
        "Sebuah unggahan termasuk kampanye bila terbit pada tanggal kampanye (waktu lokal, "
        "termasuk hari terakhir) oleh akun perpustakaan peserta, dan teksnya memuat tagar "
        "atau kata kunci kampanye, atau menyebut, menandai atau berkolaborasi dengan akun "
        "perpustakaan mitra. Daftar URL di jejaring.toml dapat menambah atau mengecualikan "
        "unggahan.",
        "A post belongs to a campaign when it is published on one of the campaign's days "
        "(local time, last day included) by an account of a member library, and its text has "
        "one of the campaign's hashtags or keywords, or it mentions, tags or co-authors an "
        "account of a partner library. URL lists in jejaring.toml can add or exclude posts.",
    ),
    "no_campaigns": (
        "Belum ada kampanye di jejaring.toml. Tambahkan bagian [[campaigns]].",
        "No campaign in jejaring.toml yet. Add a [[campaigns]] section.",
    ),
    "all_campaigns": ("Kampanye dalam periode", "Campaigns in the period"),
    "no_campaigns_in_period": (
        "Tidak ada kampanye dalam periode ini. Pilih periode yang mencakup tanggal kampanye.",
        "No campaign in this period. Choose a period that covers a campaign's dates.",
    ),
    "campaign": ("Kampanye", "Campaign"),
    "campaign_dates": (
        "{start} – {end} · perpustakaan: {libraries}",
        "{start} – {end} · libraries: {libraries}",
    ),
    "kpi_potential_reach": ("Jangkauan potensial", "Potential reach"),
    "kpi_potential_reach_help": (
        "Jumlah audiens akun pada saat tiap unggahan kampanye terbit: batas atas orang yang "
        "bisa melihatnya. Data publik tidak punya angka jangkauan sebenarnya.",
        "Sum of the account's audience when each campaign post was published: an upper "
        "bound of people who could see it. Public data has no real reach figure.",
    ),
    "kpi_lift": ("Lift", "Lift"),
    "kpi_lift_help": (
        "Median ER unggahan kampanye ÷ median ER unggahan non-kampanye akun yang sama dalam "
        "90 hari sebelum kampanye. 1,5× = 50% lebih tinggi dari biasanya; – bila tidak ada "
        "unggahan pembanding.",
        "Median ER of the campaign's posts ÷ median ER of the same accounts' non-campaign "
        "posts in the 90 days before the campaign. 1.5× = 50% above usual; – without baseline "
        "posts.",
    ),
    "kpi_growth_campaign": ("Audiens bertambah", "Audience gained"),
    "kpi_growth_campaign_help": (
        "Pengikut/pelanggan yang bertambah selama kampanye; perubahan = dibanding periode "
        "sama panjang sebelum kampanye.",
        "Followers/subscribers gained during the campaign; change = against the window of "
        "equal length before it.",
    ),
    "vs_before": ("vs sebelum kampanye", "vs before the campaign"),
    "chart_timeline": ("Linimasa unggahan kampanye", "Timeline of the campaign's posts"),
    "lift_table": ("Lift per akun", "Lift per account"),
    "col_campaign_posts": ("Unggahan kampanye", "Campaign posts"),
    "col_campaign_er": ("Median ER kampanye", "Campaign median ER"),
    "col_baseline_posts": ("Unggahan pembanding", "Baseline posts"),
    "col_baseline_er": ("Median ER pembanding", "Baseline median ER"),
    "top_posts": ("Unggahan teratas", "Top posts"),
    "compare_campaigns": ("Bandingkan kampanye", "Compare campaigns"),
    "compare_metric": ("Ukuran", "Measure"),
    "cross_title": ("Promosi silang", "Cross-promotion"),
    "cross_help": (
        "Unggahan perpustakaan A yang menyebut (@), menandai atau berkolaborasi dengan akun "
        "perpustakaan B, dalam periode yang dipilih.",
        "Posts of library A that mention (@), tag or co-author an account of library B, in "
        "the chosen period.",
    ),
    "no_cross": (
        "Tidak ada promosi silang dalam periode ini.",
        "No cross-promotion in this period.",
    ),
    "col_from": ("Dari", "From"),
    "col_to": ("Ke", "To"),
    "col_how": ("Cara", "How"),
    "how_mention": ("sebutan", "mention"),
    "how_tag": ("tanda", "tag"),
    "how_coauthor": ("kolaborasi", "co-author"),
    "how_any": ("semua cara", "any way"),
    "posts_title": ("Jelajah unggahan", "Posts explorer"),
    "search": ("Cari teks, tagar atau akun", "Search text, hashtag or account"),
    "kinds": ("Jenis konten", "Content types"),
    "sort_by": ("Urutkan menurut", "Sort by"),
    "sort_newest": ("Terbaru", "Newest"),
    "sort_engagements": ("Interaksi", "Engagements"),
    "sort_er": ("ER (pengikut)", "ER (followers)"),
    "posts_found": ("{n} unggahan", "{n} posts"),
    "col_thumb": ("Gambar", "Image"),
    "col_published": ("Terbit", "Published"),
    "col_kind": ("Jenis", "Type"),
    "col_text": ("Teks", "Text"),
    "col_likes": ("Suka", "Likes"),
    "col_comments": ("Komentar", "Comments"),
    "col_views": ("Tayangan", "Views"),
    "col_er": ("ER (%)", "ER (%)"),
    "col_link": ("Tautan", "Link"),
    "open": ("buka", "open"),
    "top_by_engagements": ("Teratas menurut interaksi", "Top by engagements"),
    "top_by_er": ("Teratas menurut ER", "Top by ER"),
    "hashtags_title": ("Kinerja tagar", "Hashtag performance"),
    "min_posts": ("Minimal unggahan per tagar", "Minimum posts per hashtag"),
    "col_hashtag": ("Tagar", "Hashtag"),
    "col_libraries": ("Dipakai oleh", "Used by"),
    "report_button": ("Unduh laporan (HTML)", "Download report (HTML)"),
    "report_title": ("Laporan promosi bersama", "Joint promotion report"),
    "report_generated": ("Dibuat {when} ({tz})", "Generated {when} ({tz})"),
    "report_campaigns": ("Kampanye dalam periode", "Campaigns in the period"),
    "report_no_campaigns": ("Tidak ada kampanye dalam periode ini.", "No campaign in this period."),
    "report_definitions": ("Definisi", "Definitions"),
    "sign_in_needed": (
        "Dasbor ini hanya untuk staf yang terdaftar. Silakan masuk dengan akun institusi Anda.",
        "This dashboard is for listed staff only. Please sign in with your institution account.",
    ),
    "sign_in": ("Masuk", "Sign in"),
    "sign_out": ("Keluar", "Sign out"),
    "signed_in_as": ("Masuk sebagai {email}", "Signed in as {email}"),
    "no_access": (
        "Akun {email} tidak memiliki akses ke dasbor ini. Minta pengelola menambahkannya ke "
        "[access] di jejaring.toml, atau keluar dan masuk dengan akun lain.",
        "The account {email} has no access to this dashboard. Ask the administrator to add it "
        "to [access] in jejaring.toml, or sign out and use another account.",
    ),
    "auth_missing": (
        "jejaring.toml meminta login, tetapi .streamlit/secrets.toml tidak punya bagian [auth]. "
        'Dasbor ditutup sampai login disiapkan (lihat README, "Sign-in").',
        "jejaring.toml asks for sign-in but .streamlit/secrets.toml has no [auth] section. The "
        'dashboard stays closed until sign-in is set up (see README, "Sign-in").',
    ),
    "post_detail": ("Teks lengkap unggahan", "Full text of a post"),
    "open_post": ("Buka unggahan", "Open the post"),
    "many_libraries": (
        "{n} perpustakaan dipilih: ditampilkan sebagai tabel. Pilih paling banyak {max} di "
        "panel samping untuk melihat kartu berdampingan.",
        "{n} libraries chosen: shown as a table. Choose at most {max} in the sidebar to see "
        "cards side by side.",
    ),
    "many_libraries_heatmap": (
        "{n} perpustakaan dipilih: satu peta untuk semuanya. Pilih paling banyak {max} untuk "
        "peta per perpustakaan.",
        "{n} libraries chosen: one grid for all of them. Choose at most {max} for a grid per "
        "library.",
    ),
    "demo_loading": (
        "Menyiapkan data demo (belum ada data yang diambil)…",
        "Preparing demo data (nothing has been collected yet)…",
    ),
    "config_error": ("Konfigurasi tidak dapat dipakai", "The configuration cannot be used"),
    # -- rel --
    "store_error": ("Basis data tidak dapat dipakai", "The database cannot be used"),
}


def text(key: str, lang: str = DEFAULT_LANGUAGE, **values: Any) -> str:
    """The text of ``key`` in ``lang``, with ``{placeholders}`` filled in."""
    indonesian, english = TEXT[key]
    template = english if lang == "en" else indonesian
    return template.format(**values) if values else template


def _is_missing(value: Any) -> bool:
    return value is None or bool(pd.isna(value))


def number(value: Any, lang: str = DEFAULT_LANGUAGE, decimals: int = 0, sign: bool = False) -> str:
    """12,345.6 in English, 12.345,6 in Bahasa Indonesia; '–' when unknown."""
    if _is_missing(value):
        return "–"
    formatted = f"{float(value):{'+' if sign else ''},.{decimals}f}"
    if lang != "en":
        formatted = formatted.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return formatted


def percent(value: Any, lang: str = DEFAULT_LANGUAGE, decimals: int = 1, sign: bool = False) -> str:
    """1.2% in English, 1,2% in Bahasa Indonesia; '–' when unknown."""
    if _is_missing(value):
        return "–"
    return number(value, lang, decimals, sign) + "%"


def delta(
    value: Any, lang: str = DEFAULT_LANGUAGE, decimals: int = 0, suffix: str = ""
) -> str | None:
    """A signed change for ``st.metric`` (which colours it by its sign); None when unknown."""
    if _is_missing(value):
        return None
    return number(value, lang, decimals, sign=True) + suffix


def ratio(value: Any, lang: str = DEFAULT_LANGUAGE) -> str:
    """1,20× / 1.20×; '–' when unknown."""
    return "–" if _is_missing(value) else number(value, lang, 2) + "×"


def date(value: dt.date, lang: str = DEFAULT_LANGUAGE) -> str:
    """24 Nov 2026 / 24 Agu 2026."""
    return f"{value.day} {_MONTHS[lang][value.month - 1]} {value.year}"


def datetime(value: dt.datetime, lang: str = DEFAULT_LANGUAGE) -> str:
    return f"{date(value.date(), lang)} {value:%H:%M}"


def weekdays(lang: str = DEFAULT_LANGUAGE) -> list[str]:
    return list(_WEEKDAYS[lang])


def status(value: object, lang: str = DEFAULT_LANGUAGE) -> str:
    """A run status in words; '–' when there is none."""
    key = f"status_{value}"
    return text(key, lang) if key in TEXT else "–"


def kind(value: str, lang: str = DEFAULT_LANGUAGE) -> str:
    key = f"kind_{value}"
    return text(key, lang) if key in TEXT else value
