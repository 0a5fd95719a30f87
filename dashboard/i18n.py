"""Every word the dashboard shows, in Bahasa Indonesia and English, and number/date formats.

Pages ask for text by key; no page holds a string table. No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
DEFAULT_LANGUAGE = "id"
MISSING = "–"  # shown for an unknown value, in every language

# key: (Bahasa Indonesia, English)
TEXT: dict[str, tuple[str, str]] = {
    "filters": ("Filter", "Filters"),
    "period": ("Periode", "Period"),
    "preset_7": ("7 hari terakhir", "Last 7 days"),
    "preset_30": ("30 hari terakhir", "Last 30 days"),
    "preset_90": ("90 hari terakhir", "Last 90 days"),
    "preset_365": ("12 bulan terakhir", "Last 12 months"),
    "preset_year": ("Tahun ini", "This year"),
    "preset_all": ("Semua waktu", "All time"),
    "preset_custom": ("Pilih tanggal…", "Custom dates…"),
    "custom_range": ("Dari – sampai", "From – to"),
    "custom_range_help": (
        'Pilih tanggal awal, lalu tanggal akhir (hari/bulan/tahun). Tulisan "Date range" '
        'dan "Select…" di kalender adalah pilihan cepat rentang tanggal bawaan Streamlit, '
        "yang tidak dapat diterjemahkan.",
        'Choose the first day, then the last day (month/day/year). "Date range" and '
        '"Select…" in the calendar are Streamlit\'s own quick choice of a range.',
    ),
    "libraries": ("Perpustakaan", "Libraries"),
    "platforms": ("Platform", "Platforms"),
    "instagram": ("Instagram", "Instagram"),
    "youtube": ("YouTube", "YouTube"),
    "all": ("Gabungan", "Combined"),
    "page_overview": ("Ringkasan", "Overview"),
    "page_compare": ("Perbandingan", "Compare"),
    "demo_notice": (
        "Data demo: angka di halaman ini dibuat oleh `.venv/bin/python -m collectors demo`, "
        "bukan dari Instagram atau YouTube. Jalankan pengambilan data, atau impor berkas "
        "ekspor di halaman Data, untuk melihat angka nyata.",
        "Demo data: the numbers on this page were made by `.venv/bin/python -m collectors "
        "demo`, not collected from Instagram or YouTube. Run a refresh, or import an export "
        "file on the Data page, to see real figures.",
    ),
    "no_data": (
        "Belum ada data untuk pilihan ini. Ubah periode, perpustakaan atau platform.",
        "No data for this choice yet. Change the period, libraries or platforms.",
    ),
    "no_data_in_period": (
        "Tidak ada unggahan dan tidak ada data yang diambil untuk akun yang dipilih dalam "
        "periode {start} – {end}, jadi tidak ada angka untuk ditampilkan.",
        "No posts and no captures for the chosen accounts in {start} – {end}, so there are "
        "no figures to show.",
    ),
    "data_since": (
        'Data pertama dari {first}: pilih periode yang mencakupnya, misalnya "Semua waktu".',
        'The first data is from {first}: choose a period that covers it, e.g. "All time".',
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
        "Pengikut Instagram dan pelanggan YouTube pada hari terakhir periode yang punya "
        "data, per perpustakaan dan platform (akun-akun perpustakaan di satu platform "
        "dijumlahkan; orang yang mengikuti dua akun terhitung dua kali). Gabungan "
        "menampilkan angka tiap platform berdampingan, tidak pernah dijumlahkan: angka "
        "YouTube tidak digabung dengan platform lain. Perubahan = selisih dengan awal periode.",
        "Instagram followers and YouTube subscribers on the period's last captured day, per "
        "library and platform (a library's accounts on one platform are added up; a person "
        "following two of them counts twice). Combined shows each platform's figure side by "
        "side, never added up: YouTube figures are not merged with another platform's. "
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
        "Warna = ER rata-rata (pengikut) unggahan pada hari dan jam itu (waktu lokal); angka "
        "= jumlah unggahan yang ER-nya diketahui (unggahan dengan jumlah suka tersembunyi "
        "tidak punya ER); kotak kosong = belum ada unggahan; kotak abu-abu = terlalu sedikit "
        "unggahan dengan ER untuk menilai jam itu.",
        "Colour = mean ER (followers) of posts made at that weekday and hour (local time); "
        "number = posts with a known ER (posts with hidden likes have none); empty = no posts "
        "yet; grey = too few posts with an ER to judge that hour.",
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
        "Belum pernah ada pengambilan data. Jalankan `{refresh}` di folder Jejaring.",
        "No refresh has run yet. Run `{refresh}` in the Jejaring folder.",
    ),
    "col_account": ("Akun", "Account"),
    "col_last_capture": ("Terakhir diambil", "Last capture"),
    "col_age": ("Umur (jam)", "Age (hours)"),
    "col_fresh": ("Kesegaran", "Freshness"),
    "col_last_run": ("Hasil terakhir", "Last result"),
    "col_error": ("Pesan", "Message"),
    "col_run": ("No.", "Run no."),
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
    "kpi_lift": ("Rasio ER", "Lift"),
    "kpi_lift_help": (
        "Per akun: median ER unggahan kampanye ÷ median ER unggahan non-kampanye akun itu "
        "dalam 90 hari sebelum kampanye. 1,5× = 50% lebih tinggi dari biasanya; – bila tidak "
        "ada unggahan pembanding. Per perpustakaan dan untuk semua perpustakaan (per "
        "platform): rata-rata rasio akun-akunnya, ditimbang dengan jumlah unggahan kampanye "
        "tiap akun, sehingga selalu berada di antara rasio bagian-bagiannya.",
        "Per account: median ER of the campaign's posts ÷ median ER of the account's "
        "non-campaign posts in the 90 days before the campaign. 1.5× = 50% above usual; – "
        "without baseline posts. Per library and for all libraries (per platform): the mean "
        "of its accounts' lifts weighted by each account's campaign posts, so it always lies "
        "between the lifts of its parts.",
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
    "lift_table": ("Rasio ER per akun", "Lift per account"),
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
        "perpustakaan B, dalam periode yang dipilih. Dihitung per platform: unggahan dan "
        "interaksi YouTube tidak dijumlahkan dengan Instagram (kebijakan API YouTube).",
        "Posts of library A that mention (@), tag or co-author an account of library B, in "
        "the chosen period. Counted per platform: YouTube posts and engagements are never "
        "added to Instagram's (YouTube API policy).",
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
    "posts_found": ("Unggahan ditemukan: {parts}", "Posts found: {parts}"),
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
    # -- uia --
    "period_only": (
        "Periode {start} – {end} ({days} hari).",
        "Period {start} – {end} ({days} days).",
    ),
    "nothing_collected": (
        "Belum ada data untuk ditampilkan: belum ada akun yang berhasil diambil datanya, dan "
        "data demo sudah dihapus. Jalankan `{refresh}` (lihat README), atau tampilkan data "
        "demo lagi dengan `{demo}`.",
        "Nothing to show yet: no account has been captured, and the demo data was removed. "
        "Run `{refresh}` (see README), or bring the demo back with `{demo}`.",
    ),
    "no_capture_yet": (
        "Pengambilan data sudah dicoba untuk {n} akun, tetapi belum ada yang berhasil, jadi "
        "angka nyata belum bisa ditampilkan. Halaman Data menyebut alasannya; setelah "
        "diperbaiki, jalankan `{refresh}` lagi.",
        "A refresh tried {n} accounts but captured none of them, so there are no real figures "
        "to show yet. The Data page says why; once fixed, run `{refresh}` again.",
    ),
    "no_figures_yet": (
        "{n} akun sudah tercatat tetapi belum punya angka: belum ada pengambilan data untuk "
        "akun itu dan belum ada berkas ekspor yang diimpor untuknya. Jalankan `{refresh}`, "
        "atau impor berkas ekspor di halaman Data.",
        "{n} accounts are known but have no figures yet: no refresh has run for them and no "
        "export file with their figures has been imported. Run `{refresh}`, or import an "
        "export file on the Data page.",
    ),
    "see_data_page": (
        "Halaman Data: pengambilan data dan pesan kesalahannya",
        "Data page: the refreshes and their errors",
    ),
    "no_rows": ("Tidak ada baris untuk ditampilkan.", "No rows to show."),
    "demo_until": ("Data demo sampai {when} ({tz})", "Demo data up to {when} ({tz})"),
    "pp": ("poin persen", "pp"),
    "col_measure": ("Ukuran", "Measure"),
    "col_now": ("Periode ini", "This period"),
    "kpi_growth_abs": ("Pertumbuhan audiens", "Audience growth"),
    "kpi_growth_pct": ("Pertumbuhan audiens (%)", "Audience growth (%)"),
    "all_libraries": ("Semua perpustakaan", "All libraries"),
    "kpi_part": ("{measure} · {platform}", "{measure} · {platform}"),
    "combined_parts": (
        "Tiap platform ditampilkan sendiri-sendiri, tidak dijumlahkan: angka YouTube tidak "
        "boleh digabung dengan platform lain menjadi satu angka (kebijakan API YouTube). "
        "Panah: pertambahan audiens dalam periode ini; untuk ukuran lain, perubahan "
        "dibanding periode sebelumnya.",
        "Each platform is shown on its own, never added up: YouTube figures may not be merged "
        "with another platform's into one number (YouTube API policy). Arrows: the audience "
        "gained in this period; for the other measures, the change against the previous "
        "period.",
    ),
    "weekly_rule": (
        "Minggu dimulai hari Senin (waktu lokal) dan diberi label tanggal Senin itu. Minggu "
        "yang hanya sebagian masuk periode ditandai * dan digambar berarsir atau berongga.",
        "Weeks start on Monday (local time) and are labelled by that Monday. A week only "
        "partly inside the period is marked * and drawn hatched or hollow.",
    ),
    "chart_weekly_posts_of": ("{platform}: unggahan per minggu", "{platform}: posts per week"),
    "chart_weekly_engagements_of": (
        "{platform}: interaksi per minggu",
        "{platform}: engagements per week",
    ),
    "chart_per_1k_of": (
        "{platform}: interaksi per 1.000 pengikut (rata-rata per unggahan)",
        "{platform}: engagements per 1,000 followers (mean per post)",
    ),
    "partial_week_note": ("* minggu tidak lengkap", "* partial week"),
    "best_time_rule": (
        "Angka di kotak = jumlah unggahan yang ER-nya diketahui (unggahan dengan jumlah suka "
        "tersembunyi tidak dihitung). Kotak abu-abu: kurang dari {n} unggahan seperti itu, "
        "ER-nya tidak ditampilkan karena terlalu sedikit untuk menilai jam itu. Periode yang "
        "lebih panjang memberi lebih banyak unggahan per kotak.",
        "The number in a cell = its posts with a known ER (posts with hidden likes are not "
        "counted). Grey cells have fewer than {n} such posts: their ER is not shown, too few "
        "to judge that hour. A longer period gives more posts per cell.",
    ),
    "best_time_counts": (
        "{n} ber-ER, dari {total} unggahan",
        "{n} with an ER, of {total} post(s)",
    ),
    "best_time_few": ("terlalu sedikit unggahan", "too few posts"),
    "campaign_upcoming": ("akan datang", "upcoming"),
    "campaign_running": ("sedang berjalan", "running"),
    "campaign_choice_help": (
        "Semua kampanye di jejaring.toml, terbaru lebih dulu, apa pun periode di panel "
        "samping. Periode di panel samping hanya membatasi tabel ringkasan kampanye.",
        "Every campaign of jejaring.toml, newest first, whatever the sidebar's period. The "
        "sidebar's period narrows the campaign overview table only.",
    ),
    "campaign_not_started": (
        "Kampanye ini belum dimulai: belum ada unggahannya.",
        "This campaign has not started yet: it has no posts.",
    ),
    "cross_sankey_title_of": (
        "{platform}: siapa mempromosikan siapa (jumlah unggahan)",
        "{platform}: who promotes whom (number of posts)",
    ),
    "sankey_from": ("Yang menyebut mitra", "Naming a partner"),
    "sankey_to": ("Yang disebut", "Named"),
    "cross_totals": ("Jumlah per pasangan dan platform", "Totals per pair and platform"),
    "cross_ways_title": ("Menurut cara", "By way of naming"),
    "cross_ways_note": (
        "Satu unggahan dapat menyebut, menandai dan berkolaborasi sekaligus, jadi jumlah per "
        "cara tidak sama dengan jumlah di atas.",
        "One post can mention, tag and co-author at once, so the ways do not add up to the "
        "totals above.",
    ),
    "downloads_note": (
        "Judul kolom mengikuti bahasa yang dipilih. CSV dalam Bahasa Indonesia memakai ; "
        "sebagai pemisah dan koma sebagai tanda desimal, seperti yang diharapkan spreadsheet "
        "berbahasa Indonesia.",
        "Column headers follow the chosen language. CSV in English uses , between fields and "
        ". as the decimal mark.",
    ),
    "export_posts_name": ("unggahan", "posts"),
    "export_accounts_name": ("akun", "accounts"),
    "yes": ("ya", "yes"),
    "no": ("tidak", "no"),
    "export_library": ("perpustakaan", "library"),
    "export_platform": ("platform", "platform"),
    "export_account": ("akun", "account"),
    "export_post_id": ("id_unggahan", "post_id"),
    "export_published_local": ("terbit_waktu_lokal", "published_local"),
    "export_kind": ("jenis", "kind"),
    "export_title": ("judul", "title"),
    "export_caption": ("keterangan", "caption"),
    "export_url": ("tautan", "url"),
    "export_likes": ("suka", "likes"),
    "export_comments": ("komentar", "comments"),
    "export_views": ("tayangan", "views"),
    "export_plays": ("putaran", "plays"),
    "export_engagements": ("interaksi", "engagements"),
    "export_followers_at_post": ("pengikut_saat_unggah", "followers_at_post"),
    "export_er_followers_pct": ("er_pengikut_persen", "er_followers_pct"),
    "export_er_views_pct": ("er_tayangan_persen", "er_views_pct"),
    "export_hashtags": ("tagar", "hashtags"),
    "export_mentions": ("sebutan", "mentions"),
    "export_tagged": ("ditandai", "tagged"),
    "export_coauthors": ("kolaborator", "coauthors"),
    "export_is_pinned": ("disematkan", "is_pinned"),
    "export_gone": ("sudah_hilang", "gone"),
    "export_day": ("tanggal", "day"),
    "export_followers": ("pengikut", "followers"),
    "export_following": ("mengikuti", "following"),
    "export_media_count": ("jumlah_media", "media_count"),
    "export_total_views": ("total_tayangan", "total_views"),
    "export_captured_local": ("diambil_waktu_lokal", "captured_local"),
    # -- insights --
    "chart_category_er_of": (
        "{platform}: ER rata-rata per kategori (%)",
        "{platform}: mean ER per category (%)",
    ),
    "breakouts_title": ("Unggahan yang melejit", "Breakout posts"),
    "breakouts_card": ("Melejit dalam periode ini", "Breakouts in this period"),
    "underperformers_title": ("Di bawah kebiasaan", "Underperforming posts"),
    "breakouts_help": (
        "Melejit: 2 atau 7 hari setelah terbit, ER unggahan (interaksi ÷ pengikut × 100) "
        'paling sedikit 2× ER biasa akun itu untuk jenis yang sama — misalnya "3× reel biasa '
        'akun ini" — dan jauh di luar kebiasaannya (skor-z robust ≥ 3,5). ER biasa = median '
        "8 sampai 20 unggahan sebelumnya dari akun dan jenis yang sama (12 bulan terakhir); "
        "skor-z = 0,6745 × (ER − median) ÷ MAD (median simpangan absolut; bila 0, dipakai "
        "1,253314 × rata-rata simpangan absolut; bila semua sama, aturan 2× saja). Di bawah "
        "kebiasaan: paling banyak ½× ER biasa dan skor-z ≤ −3,5 (hanya mungkin pada akun yang "
        "stabil). Tanpa penilaian: kurang dari 8 unggahan sebelumnya sejenis, suka "
        "disembunyikan, atau tidak ada data pada hari itu.",
        "Breakout: 2 or 7 days after publication, the post's ER (engagements ÷ followers × "
        "100) is at least 2× the account's typical ER for that kind of post — e.g. \"3× this "
        "account's typical reels\" — and far outside its usual spread (robust z-score ≥ 3.5). "
        "Typical ER = the median of the account's 8 to 20 previous posts of the same kind "
        "(last 12 months); z = 0.6745 × (ER − median) ÷ MAD (the median absolute deviation; "
        "when it is 0, 1.253314 × the mean absolute deviation; when all are equal, the 2× "
        "rule alone). Underperforming: at most half the typical ER and z ≤ −3.5 (possible only "
        "on steady accounts). No verdict: fewer than 8 earlier posts of that kind, hidden "
        "likes, or no capture on that day.",
    ),
    "no_breakouts": (
        "Belum ada unggahan yang melejit dalam periode ini.",
        "No breakout post in this period yet.",
    ),
    "no_underperformers": (
        "Tidak ada unggahan di bawah kebiasaan dalam periode ini.",
        "No underperforming post in this period.",
    ),
    "no_verdict_count": (
        "{n} unggahan periode ini belum dinilai: terlalu muda, kurang dari 8 unggahan "
        "sebelumnya sejenis, suka disembunyikan, atau tidak ada data pada hari ke-2/ke-7.",
        "{n} posts of this period have no verdict: too young, fewer than 8 earlier posts of "
        "the kind, hidden likes, or no capture on day 2/7.",
    ),
    "reason_breakout": (
        "{ratio}× ER {kinds} biasa akun ini, hari ke-{age}",
        "{ratio}× this account's typical {kinds} at day {age}",
    ),
    "reason_underperformer": (
        "hanya {ratio}× ER {kinds} biasa akun ini, hari ke-{age}",
        "only {ratio}× this account's typical {kinds} at day {age}",
    ),
    "kinds_image": ("foto", "images"),
    "kinds_carousel": ("carousel", "carousels"),
    "kinds_reel": ("reel", "reels"),
    "kinds_video": ("video", "videos"),
    "kinds_short": ("Shorts", "Shorts"),
    "kinds_live": ("siaran langsung", "lives"),
    "col_reason": ("Alasan", "Why"),
    "col_er_at_age": ("ER pada hari itu (%)", "ER on that day (%)"),
    "col_typical_er": ("ER biasa (%)", "Typical ER (%)"),
    "page_categories": ("Kategori konten", "Content categories"),
    "categories_title": ("Kategori konten", "Content categories"),
    "categories_intro": (
        "Kategori menurut Doney, Wikle & Martinez (2020), analisis unggahan Instagram "
        "perpustakaan perguruan tinggi: unggahan mana yang paling berhasil per kategori, untuk "
        "perpustakaan kita. Kategori ditentukan dari kata kunci dan tagar di jejaring.toml "
        "(yang paling banyak cocok menang; bila seri, urutan di jejaring.toml), atau dipilih "
        'staf di bawah (pilihan staf selalu menang). Unggahan yang tidak cocok tetap "tanpa '
        'kategori", tidak ditebak.',
        "Categories after Doney, Wikle & Martinez (2020), a content analysis of academic "
        "library Instagram posts: which kind of post works best, for our libraries. A post's "
        "category comes from the keywords and hashtags in jejaring.toml (most matches wins; "
        "a tie goes to the order in jejaring.toml), or from staff's choice below (which always "
        'wins). Posts that match nothing stay "uncategorised": never guessed.',
    ),
    "cat_showcasing": ("Memamerkan", "Showcasing"),
    "cat_orienting": ("Mengarahkan", "Orienting"),
    "cat_humanizing": ("Memanusiakan", "Humanizing"),
    "cat_crowdsourcing": ("Mengajak partisipasi", "Crowdsourcing"),
    "other_libraries": ("Rata-rata {n} perpustakaan lain", "Average of the other {n} libraries"),
    "others_rule": (
        "Grafik menampilkan {shown} perpustakaan dengan angka terbesar satu per satu, dan "
        "{n} lainnya sebagai rata-rata per perpustakaan (abu-abu). Pilih perpustakaan di "
        "samping untuk melihatnya satu per satu.",
        "Charts show the {shown} libraries with the largest figures one by one, and the "
        "other {n} as their average per library (grey). Choose libraries in the sidebar to "
        "see them one by one.",
    ),
    "list_limited": (
        "Yang pertama {shown} ditampilkan: persempit pencarian, atau unduh semuanya di "
        "halaman Data.",
        "The first {shown} are shown: narrow the search, or download them all on the Data page.",
    ),
    "newest_shown": (
        "{shown} unggahan terbaru dari {n} ditampilkan.",
        "The newest {shown} of {n} posts are shown.",
    ),
    "flagged_shown": (
        "{shown} dari {n} ditampilkan: yang paling jauh dari biasanya.",
        "{shown} of {n} shown: those furthest from typical.",
    ),
    "cat_uncategorised": ("Tanpa kategori", "Uncategorised"),
    "cat_none": ("Tidak ada yang cocok", "None fits"),
    "cat_help_showcasing": (
        "koleksi, sumber daya, layanan, ruang",
        "resources, collections, services, spaces",
    ),
    "cat_help_orienting": (
        "perpustakaan dalam kehidupan kampus: jam layanan, panduan, cara, pengumuman",
        "the library within campus life: hours, guides, how-tos, announcements",
    ),
    "cat_help_humanizing": ("staf, humor, kehangatan", "staff, humour, warmth"),
    "cat_help_crowdsourcing": (
        "mengajak pengikut menanggapi, memilih, membagikan",
        "asking followers to respond, vote, share",
    ),
    "categories_summary": ("Per perpustakaan dan kategori", "Per library and category"),
    "col_category": ("Kategori", "Category"),
    "col_share": ("Porsi unggahan (%)", "Share of posts (%)"),
    "col_breakouts": ("Melejit", "Breakouts"),
    "col_source": ("Ditentukan oleh", "Decided by"),
    "col_matched": ("Kata yang cocok", "Words found"),
    "source_rules": ("aturan", "rules"),
    "source_url": ("URL di jejaring.toml", "URL in jejaring.toml"),
    "source_staff": ("staf", "staff"),
    "chart_category_er": ("ER rata-rata per kategori (%)", "Mean ER by category (%)"),
    "categories_posts": ("Unggahan dan kategorinya", "Posts and their category"),
    "override_title": ("Ubah kategori sebuah unggahan", "Change a post's category"),
    "override_post": ("Unggahan", "Post"),
    "override_category": ("Kategori", "Category"),
    "override_rules": (
        "Ikuti aturan (hapus pilihan staf)",
        "Follow the rules (remove staff's choice)",
    ),
    "override_name": ("Nama Anda (dicatat bersama pilihan)", "Your name (kept with the choice)"),
    "override_save": ("Simpan", "Save"),
    "override_saved": ("Tersimpan.", "Saved."),
    "override_current": (
        "Sekarang: {category} — ditetapkan oleh {who}, {when}.",
        "Now: {category} — set by {who}, {when}.",
    ),
    "override_current_rules": (
        "Sekarang: {category} (menurut {source}).",
        "Now: {category} (from the {source}).",
    ),
    "someone": ("seseorang", "someone"),
    "no_posts_period": ("Tidak ada unggahan dalam periode ini.", "No posts in this period."),
    # weekly digest
    "digest_title": ("Jejaring — ringkasan mingguan", "Jejaring — weekly digest"),
    "digest_week": (
        "Minggu {start} – {end} ({tz}), dibandingkan dengan {pstart} – {pend}",
        "Week {start} – {end} ({tz}), compared with {pstart} – {pend}",
    ),
    "digest_subject": (
        "Jejaring: ringkasan minggu {start} – {end}",
        "Jejaring: digest of the week {start} – {end}",
    ),
    "digest_no_data": (
        "Tidak ada data untuk minggu ini: tidak ada unggahan dan tidak ada data akun. Periksa "
        "apakah pengambilan data berjalan (lihat masalah data di bawah).",
        "No data for this week: no posts and no account captures. Check that the refresh runs "
        "(see the data problems below).",
    ),
    "digest_no_data_plain": (
        "Tidak ada data untuk minggu ini: tidak ada unggahan dan tidak ada data akun.",
        "No data for this week: no posts and no account captures.",
    ),
    "digest_numbers": ("Angka minggu ini", "This week's numbers"),
    "digest_partnership": ("Kemitraan", "Partnership"),
    "digest_line": (
        "{posts} unggahan ({dposts}), {eng} interaksi ({deng}), ER {er} ({der} poin persen), "
        "audiens {aud} ({daud})",
        "{posts} post(s) ({dposts}), {eng} engagements ({deng}), ER {er} ({der} pp), "
        "audience {aud} ({daud})",
    ),
    "digest_vs": ("vs minggu sebelumnya", "vs the week before"),
    "digest_services": ("Tanya Pustakawan", "Ask Librarian"),
    "digest_services_note": (
        "Pertanyaan lewat layanan seperti WhatsApp, dari ekspor chat yang diimpor: berapa yang "
        "terjawab dan berapa lama sampai balasan pertama staf (median).",
        "Questions to services such as WhatsApp, from the imported chat exports: how many "
        "were answered and how long the first staff reply took (median).",
    ),
    "digest_service_line": (
        "{name}: {questions} pertanyaan ({dquestions}), {answered} terjawab ({danswered} poin "
        "persen), median balasan pertama {median} (sebelumnya {pmedian})",
        "{name}: {questions} questions ({dquestions}), {answered} answered ({danswered} pp), "
        "median first reply {median} (before: {pmedian})",
    ),
    "digest_service_none": (
        "{name}: belum ada angka untuk minggu ini (impor ekspor chat di halaman Data)",
        "{name}: no figures for this week (import the chat export on the Data page)",
    ),
    "digest_breakouts": ("Melejit minggu ini", "Breakouts this week"),
    "digest_breakouts_note": (
        "Unggahan yang pertama kali dinilai melejit oleh data yang diambil minggu ini.",
        "Posts first flagged by a capture made this week.",
    ),
    "digest_underperformers": ("Di bawah kebiasaan minggu ini", "Underperforming this week"),
    "digest_none": ("tidak ada", "none"),
    "digest_campaigns": ("Kampanye", "Campaigns"),
    "digest_running": (
        "{name}: berjalan {start} – {end}; sejauh ini {parts}",
        "{name}: running {start} – {end}; so far {parts}",
    ),
    "digest_running_part": (
        "{platform} {posts} unggahan, rasio ER {lift}",
        "{platform} {posts} posts, lift {lift}",
    ),
    "digest_running_none": ("belum ada unggahan", "no posts yet"),
    "digest_upcoming": ("{name}: mulai {start}", "{name}: starts {start}"),
    "digest_no_campaigns": (
        "Tidak ada kampanye yang berjalan atau akan datang (4 minggu).",
        "No campaign running or coming up (4 weeks).",
    ),
    "digest_cross": ("Promosi silang", "Cross-promotion"),
    "digest_cross_line": (
        "{source} → {target} di {platform}: {posts} unggahan",
        "{source} → {target} on {platform}: {posts} post(s)",
    ),
    "digest_best_time": ("Waktu terbaik mengunggah", "Best times to post"),
    "digest_best_time_note": (
        "Hari × jam ({tz}) dengan ER rata-rata tertinggi dalam 12 bulan terakhir, hanya slot "
        "dengan paling sedikit {n} unggahan.",
        "Weekday × hour ({tz}) with the highest mean ER over the last 12 months, only slots "
        "with at least {n} posts.",
    ),
    "digest_slot": (
        "{day} {hour}:00 (ER {er}, {posts} unggahan)",
        "{day} {hour}:00 (ER {er}, {posts} posts)",
    ),
    "digest_no_slots": (
        "belum cukup unggahan (tiap slot perlu ≥ {n})",
        "not enough posts yet (each slot needs ≥ {n})",
    ),
    "digest_problems": ("Masalah data", "Data problems"),
    "digest_no_problems": ("Tidak ada masalah data.", "No data problems."),
    "digest_stale": (
        "{account} ({library}): data terakhir {when}",
        "{account} ({library}): last capture {when}",
    ),
    "digest_stale_never": (
        "{account} ({library}): belum ada pengambilan data sampai akhir minggu ini",
        "{account} ({library}): no capture up to the end of this week",
    ),
    "digest_failed": (
        "{account} ({library}): pengambilan gagal {n}× minggu ini — {error}",
        "{account} ({library}): refresh failed {n}× this week — {error}",
    ),
    "digest_token": (
        "Koneksi {platform} {library}: {status}{expires}",
        "{platform} connection of {library}: {status}{expires}",
    ),
    "digest_token_expires": (", berakhir {when}", ", expires {when}"),
    "token_status_ok": ("aktif", "active"),
    "token_status_expiring": ("segera berakhir", "expiring"),
    "token_status_expired": ("sudah berakhir", "expired"),
    "token_status_revoked": ("dicabut", "revoked"),
    "token_status_error": ("bermasalah", "in error"),
    "digest_problems_short": (
        "{stale} akun basi, {failed} akun gagal diambil, {tokens} koneksi bermasalah",
        "{stale} stale accounts, {failed} accounts failing, {tokens} connections in trouble",
    ),
    "digest_more": ("… dan {n} lagi (lihat e-mail)", "… and {n} more (see the e-mail)"),
    "digest_footer": (
        "Dibuat oleh Jejaring {when} ({tz}). ER = interaksi (suka + komentar) ÷ pengikut saat "
        "mengunggah × 100.",
        "Made by Jejaring {when} ({tz}). ER = engagements (likes + comments) ÷ followers at "
        "posting time × 100.",
    ),
    "digest_demo": (
        "Data demo: angka ini dibuat oleh `.venv/bin/python -m collectors demo`.",
        "Demo data: these numbers were made by `.venv/bin/python -m collectors demo`.",
    ),
    # -- uib: the printable report (HTML and PDF) --
    "report_pdf_button": ("Unduh laporan (PDF)", "Download report (PDF)"),
    "report_page": ("Halaman {page} dari {pages}", "Page {page} of {pages}"),
    "report_libraries": ("Perpustakaan: {names}", "Libraries: {names}"),
    "report_sources": (
        "Sumber: {sources} · {kind} · {when}",
        "Sources: {sources} · {kind} · {when}",
    ),
    "report_kind_demo": ("DATA DEMO, bukan angka nyata", "DEMO DATA, not real figures"),
    "report_kind_real": ("data nyata", "real data"),
    "report_kind_none": ("belum ada data", "no data yet"),
    "report_last_capture": ("terakhir diambil {when} ({tz})", "last captured {when} ({tz})"),
    "report_never_captured": ("belum pernah diambil", "never captured"),
    "report_path_graph_api": (
        "Instagram Graph API (akun sendiri)",
        "Instagram Graph API (own account)",
    ),
    "report_path_business_discovery": (
        "Instagram Graph API, business discovery (data publik)",
        "Instagram Graph API, business discovery (public data)",
    ),
    "report_path_instaloader": ("instaloader (halaman publik)", "instaloader (public pages)"),
    "report_path_data_api": ("YouTube Data API (data publik)", "YouTube Data API (public data)"),
    "report_path_data_api_oauth": (
        "YouTube Data API + Analytics (izin pemilik)",
        "YouTube Data API + Analytics (owner's consent)",
    ),
    "report_path_demo": ("data demo", "demo data"),
    "report_path_unknown": ("jalur tidak tercatat", "path not recorded"),
    "report_demo_notice": (
        "Data demo: angka dalam laporan ini dibuat oleh perintah "
        ".venv/bin/python -m collectors demo, bukan diambil dari Instagram atau YouTube.",
        "Demo data: the numbers in this report were made by the command "
        ".venv/bin/python -m collectors demo, not collected from Instagram or YouTube.",
    ),
    "report_no_data": (
        "Tidak ada data untuk periode {start} – {end}: tidak ada akun yang diambil datanya "
        "dan tidak ada unggahan yang terbit dalam periode ini. Pilih periode lain atau "
        "jalankan pengambilan data.",
        "No data for {start} – {end}: no account was captured and no post was published in "
        "this period. Choose another period or run a refresh.",
    ),
    "report_no_accounts": (
        "Tidak ada akun untuk perpustakaan dan platform yang dipilih.",
        "No account for the chosen libraries and platforms.",
    ),
    "report_no_posts": (
        "Tidak ada unggahan dalam periode ini.",
        "No post was published in this period.",
    ),
    "report_key_figures": ("Angka utama", "Key figures"),
    "report_group_audience": ("Audiens", "Audience"),
    "report_group_posts": ("Unggahan dan interaksi", "Posts and engagements"),
    "report_group_er": ("Tingkat interaksi (ER)", "Engagement rate (ER)"),
    "report_group_views": ("Tayangan", "Views"),
    "report_growth_pct": ("Pertumbuhan audiens %", "Audience growth %"),
    "report_this_period": ("periode ini", "this period"),
    "report_pp_note": (
        "Perubahan persentase dalam poin persen (pp). Periode sebelumnya = periode sama "
        "panjang tepat sebelum periode ini.",
        "Changes of percentages in percentage points (pp). Previous = the period of equal "
        "length just before this one.",
    ),
    "report_legend_library": ("Warna = perpustakaan:", "Colour = library:"),
    "report_legend_platform": ("Penanda = platform:", "Marker = platform:"),
    "report_partial_week": (
        "Minggu dimulai hari Senin; titik berlubang = minggu yang hanya sebagian masuk "
        "periode (angkanya lebih kecil karena harinya lebih sedikit).",
        "Weeks start on Monday; hollow marks = weeks only partly inside the period (their "
        "figures are smaller because they have fewer days).",
    ),
    "report_campaign_kpis": ("Angka kampanye", "Campaign figures"),
    "report_audience_gained": (
        "Audiens bertambah (sebelum kampanye)",
        "Audience gained (before the campaign)",
    ),
    "report_no_campaign_posts": (
        "Belum ada unggahan yang termasuk kampanye ini.",
        "No post belongs to this campaign yet.",
    ),
    "report_sources_title": ("Sumber data", "Data sources"),
    "report_col_path": ("Jalur pengambilan", "Collection path"),
    # -- imp: imports and services (Ask Librarian) --
    "page_services": ("Layanan", "Services"),
    "services_title": ("Layanan perpustakaan", "Library services"),
    "services_privacy": (
        "Dari obrolan WhatsApp, Jejaring hanya menyimpan jumlah dan waktu: jumlah pertanyaan "
        "per hari dan lama menunggu balasan pertama tiap pertanyaan. Isi pesan, nomor telepon "
        "dan nama pemustaka tidak pernah disimpan; pemustaka hanya dihitung (penanda acak "
        "yang berlaku selama satu impor).",
        "From WhatsApp chats Jejaring keeps only counts and timings: questions per day and "
        "each question's wait for the first reply. Message text, phone numbers and patrons' "
        "names are never stored; patrons are only counted (a random marker that lasts one "
        "import).",
    ),
    "services_demo_note": (
        "Angka layanan berasal dari berkas yang diimpor; angka media sosial di sampingnya "
        "masih data demo.",
        "Service figures come from imported files; the social figures beside them are still "
        "demo data.",
    ),
    "services_none_configured": (
        "Perpustakaan yang dipilih tidak punya layanan. Tambahkan [[libraries.services]] di "
        'jejaring.toml (lihat README, "Layanan").',
        "The chosen libraries have no service. Add [[libraries.services]] to jejaring.toml "
        '(see README, "Services").',
    ),
    "services_no_data": (
        "Belum ada angka untuk periode ini. Impor ekspor obrolan WhatsApp (atau CSV hitungan "
        "harian) di halaman Data.",
        "No figures for this period yet. Import the WhatsApp chat export (or a CSV of daily "
        "counts) on the Data page.",
    ),
    "services_sources": (
        "Sumber: {sources}; {days} hari dengan angka.",
        "Source: {sources}; {days} days with figures.",
    ),
    "services_no_timings": (
        "Jam sibuk butuh waktu per pertanyaan (dari ekspor obrolan); hitungan manual tidak "
        "memilikinya.",
        "Busy hours need per-question timings (from chat exports); hand-kept counts have none.",
    ),
    "svc_questions": ("Pertanyaan", "Questions"),
    "svc_questions_help": (
        "Pertanyaan dalam periode. Pesan pemustaka memulai pertanyaan baru bila datang setelah "
        "jeda tanpa pesan yang diatur (silence_minutes). Perubahan = dibanding periode "
        "sebelumnya yang sama panjang.",
        "Questions in the period. A patron's message starts a new question when it comes "
        "after the configured silence (silence_minutes). Change = against the previous period "
        "of equal length.",
    ),
    "svc_answered": ("Terjawab", "Answered"),
    "svc_answered_help": (
        "Pertanyaan yang dibalas staf ÷ pertanyaan × 100.",
        "Questions a staff member replied to ÷ questions × 100.",
    ),
    "svc_median": ("Median balasan pertama", "Median first reply"),
    "svc_median_help": (
        "Median lama dari pertanyaan sampai balasan staf pertama, atas pertanyaan yang "
        "terjawab (dari waktu per pertanyaan).",
        "Median time from a question to the first staff reply, over the answered questions "
        "(from per-question timings).",
    ),
    "svc_median_short": ("median", "median"),
    "svc_p90": ("Persentil ke-90", "90th percentile"),
    "svc_p90_help": (
        "90% pertanyaan terjawab dalam waktu ini atau lebih cepat (interpolasi linear antar "
        "peringkat).",
        "90% of answered questions got their first reply within this time or sooner (linear "
        "interpolation between ranks).",
    ),
    "svc_within_1h": ("Dijawab ≤ 1 jam", "Answered ≤ 1 hour"),
    "svc_within_1h_help": (
        "Pertanyaan yang dibalas dalam satu jam ÷ semua pertanyaan × 100.",
        "Questions replied to within one hour ÷ all questions × 100.",
    ),
    "svc_within_hours": ("Dijawab dalam jam layanan", "Answered in service hours"),
    "svc_within_hours_help": (
        "Pertanyaan yang diajukan dalam jam layanan dan dibalas sebelum jam layanan hari itu "
        "berakhir ÷ pertanyaan yang diajukan dalam jam layanan × 100 (jam layanan WIB dari "
        "jejaring.toml).",
        "Questions asked in service hours and replied to before that day's service hours "
        "ended ÷ questions asked in service hours × 100 (service hours in WIB from "
        "jejaring.toml).",
    ),
    "svc_askers": ("Penanya", "Askers"),
    "svc_askers_help": (
        "Jumlah per hari pemustaka berbeda yang bertanya, dijumlahkan atas hari-hari periode "
        "(orang yang bertanya pada dua hari terhitung dua kali).",
        "Per day, the distinct patrons who asked, summed over the period's days (a person "
        "asking on two days counts twice).",
    ),
    "svc_social_title": (
        "Media sosial perpustakaan pada periode yang sama",
        "The library's social media in the same period",
    ),
    "svc_social_caption": (
        "Per platform (angka YouTube tidak digabung dengan platform lain). Audiens dan "
        "tayangan dari data publik; angka pemilik akun (jangkauan, impresi) dari API resmi "
        "atau berkas ekspor, dengan sumbernya.",
        "Per platform (YouTube figures are never merged with another platform's). Audience "
        "and views from public data; owner figures (reach, impressions) from the official "
        "APIs or export files, with their source.",
    ),
    "svc_col_owner": ("Angka pemilik akun (sumber)", "Owner figures (source)"),
    "svc_sum_upper": (" (jumlah harian, batas atas)", " (daily sum, an upper bound)"),
    "svc_posts_table": (
        "Unggahan dengan angka pemilik akun ({n}): jangkauan, impresi, CTR…",
        "Posts with owner figures ({n}): reach, impressions, CTR…",
    ),
    "svc_days_table": ("Angka per hari", "Figures per day"),
    "svc_chart_days": ("Pertanyaan per hari", "Questions per day"),
    "svc_chart_busy": (
        "Jam sibuk (pertanyaan per hari dan jam, WIB)",
        "Busy hours (questions by weekday and hour, local time)",
    ),
    "svc_col_day": ("Tanggal", "Day"),
    "svc_col_questions": ("Pertanyaan", "Questions"),
    "svc_col_answered": ("Terjawab", "Answered"),
    "svc_col_median": ("Median balasan", "Median reply"),
    "svc_col_p90": ("P90 balasan", "P90 reply"),
    "svc_col_within_1h": ("≤ 1 jam", "≤ 1 hour"),
    "svc_col_within_hours": ("Dalam jam layanan", "In service hours"),
    "svc_col_askers": ("Penanya", "Askers"),
    "svc_col_source": ("Sumber", "Source"),
    "unit_s": ("dtk", "s"),
    "unit_min": ("mnt", "min"),
    "unit_h": ("j", "h"),
    "unit_d": ("hr", "d"),
    "ov_services_title": ("Tanya Pustakawan", "Ask Librarian"),
    "ov_services_caption": (
        "Layanan WhatsApp tiap perpustakaan pada periode ini; rincian di halaman Layanan.",
        "Each library's WhatsApp service in this period; details on the Services page.",
    ),
    "upload_title": ("Impor berkas", "Import a file"),
    "upload_intro": (
        "Ekspor YouTube Studio (Analytics → Mode lanjutan → Konten, ZIP atau CSV), ekspor "
        "konten Instagram dari Meta Business Suite (CSV), ekspor obrolan WhatsApp layanan "
        "(.txt atau .zip, tanpa media) atau CSV hitungan harian layanan. Paling besar {mb} MB. "
        "Anda melihat apa yang akan ditulis sebelum menyetujuinya.",
        "A YouTube Studio export (Analytics → Advanced mode → Content, ZIP or CSV), a Meta "
        "Business Suite Instagram content export (CSV), a WhatsApp chat export of a service "
        "(.txt or .zip, without media) or a CSV of a service's daily counts. At most {mb} MB. "
        "You see what will be written before you confirm.",
    ),
    "upload_library": ("Perpustakaan pemilik berkas", "Library the file belongs to"),
    "upload_file": ("Berkas", "File"),
    "upload_help": (
        'Tombol "Upload" = pilih berkas; "{mb}MB per file" = paling besar {mb} MB per '
        "berkas (teks bawaan Streamlit, yang tidak dapat diterjemahkan). Mengimpor berkas yang "
        "sama dua kali tidak mengubah apa pun. Berkas yang bermasalah tidak ditulis sama sekali.",
        '"Upload" chooses a file, of at most {mb} MB. Importing the same file twice changes '
        "nothing. Nothing of a file with a problem is written.",
    ),
    "upload_auto": ("(otomatis dari berkas)", "(from the file)"),
    "upload_nothing_written": ("Tidak ada yang ditulis.", "Nothing was written."),
    "upload_warnings": ("Perhatikan sebelum menyetujui:", "Check before you confirm:"),
    "upload_preview": ("Pratinjau: yang akan ditulis", "Preview: what will be written"),
    "upload_nothing_to_write": (
        "Berkas ini tidak berisi apa pun yang dapat ditulis (lihat peringatan di atas).",
        "This file holds nothing that can be written (see the warnings above).",
    ),
    "upload_confirm": ("Setujui dan impor", "Confirm and import"),
    "upload_done": (
        "{name} diimpor (impor #{number}, {rows} baris).",
        "{name} imported (import #{number}, {rows} rows).",
    ),
    "upload_done_again": (
        "{name} sudah pernah diimpor (impor #{number}); angkanya tetap sama.",
        "{name} was imported before (import #{number}); its figures are unchanged.",
    ),
    "upload_kind": ("Jenis berkas", "Kind of file"),
    "upload_kind_youtube_studio": ("Ekspor YouTube Studio", "YouTube Studio export"),
    "upload_kind_instagram_content": (
        "Ekspor konten Instagram (Meta)",
        "Instagram content export (Meta)",
    ),
    "upload_kind_instagram_daily": (
        "Ekspor harian Instagram (Meta)",
        "Instagram daily export (Meta)",
    ),
    "upload_kind_whatsapp": ("Ekspor obrolan WhatsApp", "WhatsApp chat export"),
    "upload_kind_service_csv": ("Hitungan harian layanan (CSV)", "Service daily counts (CSV)"),
    "upload_service": ("Layanan", "Service"),
    "upload_period": ("Periode", "Period"),
    "upload_chats": ("Obrolan", "Chats"),
    "upload_days": ("Hari", "Days"),
    "upload_matched": ("Unggahan dikenal", "Posts matched"),
    "upload_new_posts": ("Unggahan baru", "New posts"),
    "upload_skipped": ("Baris dilewati", "Rows skipped"),
    "upload_figures": ("Angka ditulis", "Figures written"),
    "upload_col_line": ("Baris", "Line"),
    "upload_col_status": ("Hasil", "Outcome"),
    "upload_col_post": ("Unggahan", "Post"),
    "upload_col_day": ("Angka per", "Figures as of"),
    "upload_capture_day": ("hari impor", "import day"),
    "upload_status_known": ("dikenal: angka ditambahkan", "known: figures added"),
    "upload_status_new": ("baru: unggahan dibuat", "new: post created"),
    "upload_status_partner": ("milik akun lain (kolaborasi)", "another account's (collaboration)"),
    "upload_status_skipped": ("dilewati (lihat peringatan)", "skipped (see the warnings)"),
    # -- rel --
    "store_error": (
        "Basis data tidak dapat dipakai",
        "The database cannot be used",
    ),  # -- owner: connected accounts' owner-level figures (official APIs, export files) --
    "source_marker": ("sumber: {sources}", "source: {sources}"),
    "demo_word": ("demo", "demo"),
    "col_figure_source": ("Sumber", "Source"),
    "own_title": ("Jangkauan nyata — akun terhubung", "Real reach — connected accounts"),
    "own_title_help": (
        "Angka yang hanya diberikan platform kepada pemilik akun (jangkauan, tayangan, "
        "disimpan, dibagikan, waktu tonton, pelanggan bertambah dan berkurang), untuk akun "
        "yang dihubungkan perpustakaannya lewat API resmi (Instagram Graph, YouTube "
        "Analytics) atau dari berkas ekspor yang diimpor. Tiap angka menyebut sumbernya. "
        "Perbandingan antarperpustakaan tetap memakai ER per pengikut, karena tidak semua "
        "akun terhubung.",
        "Figures the platforms give only to an account's owner (reach, views, saves, shares, "
        "watch time, subscribers gained and lost), for accounts whose library connected "
        "them through the official APIs (Instagram Graph, YouTube Analytics) or from "
        "imported export files. Each figure names its source. Libraries are still compared "
        "by ER by followers, because not every account is connected.",
    ),
    "own_caption": (
        "Per platform, tidak pernah dijumlah antarplatform. Dibandingkan dengan periode "
        "sebelumnya yang sama panjang.",
        "Per platform, never added across platforms. Compared with the previous period of "
        "equal length.",
    ),
    "own_none": (
        "Belum ada akun yang terhubung lewat API resmi, jadi belum ada jangkauan nyata: data "
        "publik tidak memuatnya. Cara menghubungkan akun perpustakaan ada di README, bagian "
        "“Instagram through the official API” dan “YouTube Analytics”. Sampai saat itu, "
        "bandingkan dengan ER per pengikut dan tayangan di atas.",
        "No account is connected through an official API yet, so there is no real reach: "
        "public data has none. How to connect a library's accounts is in the README, "
        "sections “Instagram through the official API” and “YouTube Analytics”. Until then, "
        "compare by ER by followers and views above.",
    ),
    "own_none_short": (
        "Belum ada akun terhubung yang punya angka harian dalam periode ini.",
        "No connected account has daily figures in this period.",
    ),
    "own_not_connected": (
        "Belum terhubung di platform ini: {names}. Untuk membandingkan semua perpustakaan, "
        "pakai ER per pengikut di atas.",
        "Not connected on this platform: {names}. To compare every library, use ER by "
        "followers above.",
    ),
    "own_reach_day": ("Jangkauan harian rata-rata", "Mean daily reach"),
    "own_reach_day_help": (
        "Rata-rata, atas hari-hari periode yang ada datanya, dari jangkauan harian akun: "
        "akun unik yang melihat konten akun pada hari itu (menurut Instagram). Jangkauan "
        "beberapa hari tidak dijumlah: orang yang sama pada dua hari akan terhitung dua kali.",
        "Mean, over the period's days with data, of the account's daily reach: unique "
        "accounts that saw its content that day (per Instagram). Days are not added up: "
        "the same person on two days would count twice.",
    ),
    "own_views": ("Tayangan akun", "Account views"),
    "own_views_help": (
        "Jumlah tayangan harian akun dalam periode: berapa kali kontennya diputar atau "
        "ditampilkan (sejak 21 April 2025 menggantikan impressions).",
        "Sum of the account's daily views in the period: times its content was played or "
        "displayed (replaced impressions on 21 April 2025).",
    ),
    "own_post_reach": ("Jangkauan unggahan (jumlah, batas atas)", "Post reach (sum, upper bound)"),
    "own_post_reach_help": (
        "Jumlah jangkauan unggahan yang terbit dalam periode. Ini batas atas orang yang "
        "dijangkau, bukan jumlah orang: orang yang melihat dua unggahan terhitung dua kali.",
        "Sum of the reach of the posts published in the period. An upper bound of the "
        "people reached, not a count of people: someone who saw two posts counts twice.",
    ),
    "own_saved": ("Disimpan", "Saves"),
    "own_saved_help": (
        "Berapa kali unggahan yang terbit dalam periode disimpan (nilai seumur unggahan, "
        "pengambilan terakhir).",
        "Times the posts published in the period were saved (lifetime values, last capture).",
    ),
    "own_shares": ("Dibagikan", "Shares"),
    "own_shares_help": (
        "Berapa kali unggahan yang terbit dalam periode dibagikan (nilai seumur unggahan, "
        "pengambilan terakhir).",
        "Times the posts published in the period were shared (lifetime values, last capture).",
    ),
    "own_er_reach": ("ER (jangkauan)", "ER (reach)"),
    "own_er_reach_help": (
        "ER per jangkauan = interaksi (suka + komentar) ÷ jangkauan unggahan × 100; angka ini "
        "= rata-rata unggahan periode yang jangkauannya diketahui. Hanya untuk akun "
        "terhubung, sehingga tidak dipakai untuk membandingkan perpustakaan. Tanpa jangkauan "
        "(atau jangkauan 0) tidak ada ER. Perubahan dalam poin persen.",
        "ER by reach = engagements (likes + comments) ÷ the post's reach × 100; this is the "
        "mean over the period's posts whose reach is known. Connected accounts only, so it "
        "does not compare libraries. No reach (or reach 0): no ER. Change in percentage "
        "points.",
    ),
    "own_er_followers": (
        "ER (pengikut), unggahan sama",
        "ER (followers), same posts",
    ),
    "own_er_followers_help": (
        "ER per pengikut = interaksi ÷ pengikut akun pada hari unggahan × 100, rata-rata atas "
        "unggahan yang sama dengan ER per jangkauan di sebelahnya. ER per pengikut tetap "
        "menjadi pembanding antarperpustakaan (ada untuk semua akun).",
        "ER by followers = engagements ÷ the account's followers on the day of posting × "
        "100, averaged over the same posts as the ER by reach beside it. ER by followers "
        "stays the comparison across libraries (every account has it).",
    ),
    "own_follows": ("Mulai / berhenti mengikuti", "Follows / unfollows"),
    "own_follows_help": (
        "Akun yang mulai mengikuti dan yang berhenti mengikuti dalam periode (jumlah harian, "
        "menurut Instagram).",
        "Accounts that started and that stopped following in the period (sum of the days, "
        "per Instagram).",
    ),
    "own_yt_views": ("Tayangan (YouTube Analytics)", "Views (YouTube Analytics)"),
    "own_yt_views_help": (
        "Jumlah tayangan harian kanal dalam periode menurut YouTube Analytics (tayangan sah; "
        "bisa berbeda dari hitungan publik).",
        "Sum of the channel's daily views in the period per YouTube Analytics (legitimate "
        "views; may differ from the public count).",
    ),
    "own_watch_hours": ("Waktu tonton (jam)", "Watch time (hours)"),
    "own_watch_hours_help": (
        "Jumlah estimatedMinutesWatched harian dalam periode ÷ 60.",
        "Sum of the daily estimatedMinutesWatched in the period ÷ 60.",
    ),
    "own_avg_view": ("Rata-rata durasi tayang", "Average view duration"),
    "own_avg_view_help": (
        "averageViewDuration harian dirata-rata dengan bobot tayangan hari itu: panjang "
        "rata-rata satu tayangan dalam periode.",
        "The daily averageViewDuration averaged weighted by that day's views: the mean "
        "length of one view in the period.",
    ),
    "own_subscribers": ("Pelanggan bertambah / berkurang", "Subscribers gained / lost"),
    "own_subscribers_help": (
        "Jumlah subscribersGained dan subscribersLost harian dalam periode (YouTube Analytics).",
        "Sum of the daily subscribersGained and subscribersLost in the period (YouTube Analytics).",
    ),
    "own_yt_shares": ("Dibagikan", "Shares"),
    "own_yt_shares_help": (
        "Berapa kali video kanal dibagikan dalam periode (jumlah harian).",
        "Times the channel's videos were shared in the period (sum of the days).",
    ),
    "own_series_title": (
        "Jangkauan dan tayangan harian (akun terhubung)",
        "Daily reach and views (connected accounts)",
    ),
    "own_series_help": (
        "Angka harian dari API resmi atau berkas ekspor, per perpustakaan dan platform. Garis "
        "putus-putus menandai hari platform mengubah arti angka tersebut.",
        "Daily figures from the official APIs or export files, per library and platform. A "
        "dashed line marks a day the platform changed what the figure means.",
    ),
    "own_series_caption": (
        "Hanya akun terhubung; platform tidak pernah dijumlah. Hari-hari terakhir bisa belum "
        "ada: Meta terlambat hingga 48 jam, YouTube Analytics 48–72 jam.",
        "Connected accounts only; platforms are never added up. The last days may be "
        "missing: Meta is up to 48 hours late, YouTube Analytics 48–72 hours.",
    ),
    "own_chart_reach": ("Instagram · jangkauan harian", "Instagram · daily reach"),
    "own_chart_views": ("Instagram · tayangan harian", "Instagram · daily views"),
    "own_chart_yt_views": (
        "YouTube · tayangan harian (Analytics)",
        "YouTube · daily views (Analytics)",
    ),
    "own_chart_watch": ("YouTube · waktu tonton harian", "YouTube · daily watch time"),
    "axis_reach": ("Akun dijangkau", "Accounts reached"),
    "axis_views": ("Tayangan", "Views"),
    "axis_hours": ("Jam", "Hours"),
    "redefined_short": ("definisi berubah {day}", "redefined {day}"),
    "collection_title": ("Cara pengambilan per akun", "How each account is collected"),
    "collection_help": (
        "Jalur pengambilan terakhir tiap akun: API resmi dengan token perpustakaan (Instagram "
        "Graph, YouTube Analytics), business discovery lewat akun perpustakaan lain yang "
        "terhubung, API publik (kunci YouTube Data API), pengambil web (instaloader), dan "
        "berkas ekspor yang diimpor. Token tidak pernah ditampilkan: hanya keadaannya.",
        "Each account's last collection path: the official API with the library's token "
        "(Instagram Graph, YouTube Analytics), business discovery through another "
        "connected library, the public API (YouTube Data API key), the web scraper "
        "(instaloader), and imported export files. Tokens are never shown: only their state.",
    ),
    "collection_caption": (
        "Keterlambatan = hari ini − hari terakhir dengan angka pemilik. Wajar: Meta hingga "
        "48 jam, YouTube Analytics 48–72 jam (keduanya menghitung hari waktu Pasifik).",
        "Lag = today − the last day with owner figures. Usual: Meta up to 48 hours, YouTube "
        "Analytics 48–72 hours (both count Pacific-time days).",
    ),
    "col_method": ("Cara pengambilan", "Collected through"),
    "col_token": ("Token", "Token"),
    "col_connected_since": ("Terhubung sejak", "Connected since"),
    "col_expires": ("Kedaluwarsa", "Expires"),
    "col_owner_until": ("Angka pemilik sampai", "Owner figures until"),
    "col_lag": ("Keterlambatan", "Lag"),
    "col_usual_lag": ("Wajar", "Usual"),
    "path_graph_api": ("API resmi (Instagram Graph)", "official API (Instagram Graph)"),
    "path_business_discovery": (
        "business discovery (API resmi, lewat perpustakaan terhubung)",
        "business discovery (official API, through a connected library)",
    ),
    "path_instaloader": ("pengambil web (instaloader)", "web scraper (instaloader)"),
    "path_data_api": ("API publik (kunci YouTube Data API)", "public API (YouTube Data API key)"),
    "path_data_api_oauth": (
        "API resmi (YouTube Data + Analytics)",
        "official API (YouTube Data + Analytics)",
    ),
    "path_file_import": ("berkas ekspor", "export files"),
    "path_demo": ("data demo", "demo data"),
    "path_demo_official": (
        "data demo (seperti dari API resmi)",
        "demo data (as if from the official API)",
    ),
    "path_never": ("belum pernah diambil", "never collected"),
    "token_ok": ("tersambung", "connected"),
    "token_expiring": ("segera kedaluwarsa", "expiring soon"),
    "token_expired": ("kedaluwarsa", "expired"),
    "token_revoked": ("dicabut", "revoked"),
    "token_error": ("bermasalah (lihat pesan di atas)", "in trouble (see the message above)"),
    "token_trouble": (
        "Token {platform} {library}: {state}. Sambungkan ulang dengan `{command}` (lihat "
        "README); angka yang sudah tersimpan tidak hilang.",
        "{library}'s {platform} token: {state}. Reconnect with `{command}` (see the "
        "README); nothing stored is lost.",
    ),
    "never_expires": ("tidak kedaluwarsa", "does not expire"),
    "lag_days": ("{n} hari", "{n} days"),
    "lag_one_day": ("1 hari", "1 day"),
    "lag_late": ("terlambat", "late"),
    "usual_lag_instagram": ("≤ 48 jam (Meta)", "≤ 48 h (Meta)"),
    "usual_lag_youtube": ("48–72 jam (YouTube Analytics)", "48–72 h (YouTube Analytics)"),
    "col_reach": ("Jangkauan", "Reach"),
    "col_er_reach": ("ER jangkauan (%)", "ER reach (%)"),
    "col_saved": ("Disimpan", "Saves"),
    "col_shares": ("Dibagikan", "Shares"),
    "sort_er_reach": ("ER per jangkauan", "ER by reach"),
    "posts_owner_note": (
        "Jangkauan, disimpan, dibagikan dan ER jangkauan (= interaksi ÷ jangkauan × 100) "
        "hanya ada untuk akun terhubung — {sources}. Kosong untuk akun lain, bukan 0; "
        "bandingkan antarperpustakaan dengan ER per pengikut.",
        "Reach, saves, shares and ER reach (= engagements ÷ reach × 100) exist for "
        "connected accounts only — {sources}. Empty for the others, not 0; compare "
        "libraries by ER by followers.",
    ),
}


def text(key: str, lang: str = DEFAULT_LANGUAGE, **values: Any) -> str:
    """The text of ``key`` in ``lang``, with ``{placeholders}`` filled in."""
    indonesian, english = TEXT[key]
    template = english if lang == "en" else indonesian
    return template.format(**values) if values else template


def _is_missing(value: Any) -> bool:
    return value is None or bool(pd.isna(value))


def language_of(locale: str | None) -> str:
    """The dashboard language for a browser locale ("en-US", "id-ID", …): Bahasa Indonesia
    unless the browser asks for another language, then English (the only other one)."""
    if not locale:
        return DEFAULT_LANGUAGE
    code = locale.replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else "en"


# -- numbers: the locale's symbols come from Babel (CLDR); applying them is vectorised ----


@functools.cache
def _locale(lang: str) -> Locale:
    return Locale.parse("en" if lang == "en" else "id")


@functools.cache
def _number_symbols(lang: str) -> tuple[dict[int, str], str, str]:
    """(translation table from Python's '1,234.5' to the locale's, percent prefix, suffix)."""
    loc = _locale(lang)
    table = str.maketrans(
        {
            ",": babel_numbers.get_group_symbol(loc),
            ".": babel_numbers.get_decimal_symbol(loc),
            "+": babel_numbers.get_plus_sign_symbol(loc),
            "-": babel_numbers.get_minus_sign_symbol(loc),
        }
    )
    pattern = loc.percent_formats[None]
    sign = loc.number_symbols["latn"]["percentSign"]
    # Babel's grouping is (3, 3) for both languages; Python's ',' groups by three likewise.
    assert pattern.grouping == (3, 3), "a locale with other grouping needs Babel per value"
    return table, pattern.prefix[0].replace("%", sign), pattern.suffix[0].replace("%", sign)


def numbers(
    values: Iterable[Any], lang: str = DEFAULT_LANGUAGE, decimals: int = 0, sign: bool = False
) -> list[str]:
    """Many numbers at once in the locale's format (12.345,6 / 12,345.6); '–' when unknown.

    For tables: one pass of Python's float formatting, then the locale's symbols (Babel)."""
    array = pd.to_numeric(pd.Series(list(values), dtype=object), errors="coerce")
    floats = array.astype("float64").to_numpy()
    missing = np.isnan(floats)
    # Python's formatting rounds the exact binary value (as Babel does); a value that rounds
    # to zero becomes 0 first, so that -0.004 shows as 0,00, never as -0,00.
    rounded = np.where(missing | (np.abs(floats) < 0.5 * 10.0**-decimals), 0.0, floats)
    template = "{:" + ("+" if sign else "") + ",." + str(decimals) + "f}"
    table = _number_symbols(lang)[0]
    return [
        MISSING if gone else template.format(v).translate(table)
        for v, gone in zip(rounded.tolist(), missing.tolist(), strict=True)
    ]


def percents(
    values: Iterable[Any], lang: str = DEFAULT_LANGUAGE, decimals: int = 1, sign: bool = False
) -> list[str]:
    """Many percentages (values already × 100) in the locale's pattern (Babel): 1,2% / 1.2%."""
    _, prefix, suffix = _number_symbols(lang)
    return [
        text if text == MISSING else f"{prefix}{text}{suffix}"
        for text in numbers(values, lang, decimals, sign)
    ]


def number(value: Any, lang: str = DEFAULT_LANGUAGE, decimals: int = 0, sign: bool = False) -> str:
    """12.345,6 in Bahasa Indonesia, 12,345.6 in English (Babel's symbols); '–' when unknown.

    The same text as :func:`numbers` gives, without building a column for one value (a
    table of hundreds of cells formatted one by one stays fast)."""
    try:
        v = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        return MISSING
    if math.isnan(v):
        return MISSING
    if abs(v) < 0.5 * 10.0**-decimals:
        v = 0.0
    template = "{:" + ("+" if sign else "") + ",." + str(decimals) + "f}"
    return template.format(v).translate(_number_symbols(lang)[0])


def duration(seconds: Any, lang: str = DEFAULT_LANGUAGE) -> str:
    """A waiting time in words: 45 s, 12 min, 1 h 05 min, 2 d 3 h ('–' when unknown)."""
    if _is_missing(seconds):
        return MISSING
    value = float(seconds)
    unit = lambda key: text(key, lang)  # noqa: E731 - a short alias
    if value < 60:
        return f"{value:.0f} {unit('unit_s')}"
    if value < 3600:
        return f"{value / 60:.0f} {unit('unit_min')}"
    if value < 86400:
        hours, rest = divmod(round(value / 60), 60)
        return f"{hours} {unit('unit_h')} {rest:02d} {unit('unit_min')}"
    days, rest = divmod(round(value / 3600), 24)
    return f"{days} {unit('unit_d')} {rest} {unit('unit_h')}"


def percent(value: Any, lang: str = DEFAULT_LANGUAGE, decimals: int = 1, sign: bool = False) -> str:
    """1,2% in Bahasa Indonesia, 1.2% in English; '–' when unknown."""
    text = number(value, lang, decimals, sign)
    if text == MISSING:
        return text
    _, prefix, suffix = _number_symbols(lang)
    return f"{prefix}{text}{suffix}"


def delta(
    value: Any, lang: str = DEFAULT_LANGUAGE, decimals: int = 0, suffix: str = ""
) -> str | None:
    """A signed change for ``st.metric`` (which colours it by its sign); a change that
    rounds to zero has no sign ("0", not "+0"); None when unknown."""
    if _is_missing(value):
        return None
    return number(value, lang, decimals, sign=round(float(value), decimals) != 0) + suffix


def ratio(value: Any, lang: str = DEFAULT_LANGUAGE) -> str:
    """1,20× / 1.20×; '–' when unknown."""
    return MISSING if _is_missing(value) else number(value, lang, 2) + "×"


def separators(lang: str = DEFAULT_LANGUAGE) -> str:
    """Plotly's ``layout.separators`` (decimal, then thousands) for the language."""
    loc = _locale(lang)
    return babel_numbers.get_decimal_symbol(loc) + babel_numbers.get_group_symbol(loc)


# -- dates: CLDR patterns and names from Babel -----------------------------------------


@functools.cache
def _date_pattern(lang: str) -> str:
    return _locale(lang).date_formats["medium"].pattern


@functools.cache
def _datetime_pattern(lang: str) -> str:
    """The locale's medium date and its 24-hour time (hours and minutes), as Babel joins
    them in ``format_datetime``."""
    loc = _locale(lang)
    time = loc.datetime_skeletons["Hm"].pattern
    return (
        str(loc.datetime_formats["medium"]).replace("{1}", _date_pattern(lang)).replace("{0}", time)
    )


@functools.cache
def _skeleton_pattern(skeleton: str, lang: str) -> str:
    return _locale(lang).datetime_skeletons[skeleton].pattern


def date(value: dt.date, lang: str = DEFAULT_LANGUAGE) -> str:
    """24 Nov 2026 (Bahasa Indonesia) / Nov 24, 2026 (English): the locale's medium date."""
    return babel_dates.format_date(value, _date_pattern(lang), locale=_locale(lang))


def datetime(value: dt.datetime, lang: str = DEFAULT_LANGUAGE) -> str:
    """24 Nov 2026 14.05 / Nov 24, 2026, 14:05 (the time as given: convert it first)."""
    return babel_dates.format_datetime(
        value.replace(tzinfo=None), _datetime_pattern(lang), locale=_locale(lang)
    )


def month_day(value: dt.date, lang: str = DEFAULT_LANGUAGE) -> str:
    """27 Okt / Oct 27: a short date for chart axes."""
    return babel_dates.format_date(value, _skeleton_pattern("MMMd", lang), locale=_locale(lang))


def month_year(value: dt.date, lang: str = DEFAULT_LANGUAGE) -> str:
    """Okt 2026 / Oct 2026: a month for chart axes."""
    return babel_dates.format_date(value, _skeleton_pattern("yMMM", lang), locale=_locale(lang))


def year(value: dt.date, lang: str = DEFAULT_LANGUAGE) -> str:
    """2026: the year alone, as the locale writes it (for a chart axis's second line)."""
    return babel_dates.format_date(value, _skeleton_pattern("y", lang), locale=_locale(lang))


def date_input_format(lang: str = DEFAULT_LANGUAGE) -> str:
    """``st.date_input``'s format in the locale's order of day, month and year (DD/MM/YYYY,
    MM/DD/YYYY): Streamlit's date picker has no locale of its own."""
    fields = [
        token[0]
        for kind, token in babel_dates.tokenize_pattern(_locale(lang).date_formats["short"].pattern)
        if kind == "field" and token[0] in "dMy"
    ]
    names = {"d": "DD", "M": "MM", "y": "YYYY"}
    order = "/".join(names[f] for f in fields)
    return order if order in ("YYYY/MM/DD", "DD/MM/YYYY", "MM/DD/YYYY") else "YYYY/MM/DD"


def short_date_d3(lang: str = DEFAULT_LANGUAGE) -> str:
    """The locale's numeric short date (dd/MM/yy, M/d/yy) as a d3 time format for plotly's
    hover labels, which cannot show Indonesian month names."""
    parts = []
    for kind, token in babel_dates.tokenize_pattern(_locale(lang).date_formats["short"].pattern):
        if kind == "chars":
            parts.append(token.replace("%", "%%"))
            continue
        field, width = token
        if field == "d":
            parts.append("%d" if width == 2 else "%-d")
        elif field == "M":
            parts.append("%m" if width == 2 else "%-m")
        elif field == "y":
            parts.append("%y" if width == 2 else "%Y")
        else:  # not expected in a numeric short date: fall back to ISO
            return "%Y-%m-%d"
    return "".join(parts)


def time_of_day(value: dt.datetime | dt.time, lang: str = DEFAULT_LANGUAGE) -> str:
    """14.05 / 14:05: hours and minutes in the locale's 24-hour form."""
    return babel_dates.format_time(value, _skeleton_pattern("Hm", lang), locale=_locale(lang))


def weekdays(lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """Abbreviated weekday names, Monday first (Sen … Min / Mon … Sun)."""
    names = babel_dates.get_day_names("abbreviated", locale=_locale(lang))
    return [names[i] for i in range(7)]


def _month_names(lang: str, width: str) -> list[str]:
    names = babel_dates.get_month_names(width, locale=_locale(lang))
    return [names[i] for i in range(1, 13)]


def datetimes(values: pd.Series, lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """Many local times at once, each as :func:`datetime` would show it; '–' when unknown.

    Vectorised over the pattern's fields (day, month, year, hour, minute); a pattern with
    another field is formatted value by value with Babel."""
    times = pd.Series(values)
    if times.empty:
        return []
    if isinstance(times.dtype, pd.DatetimeTZDtype):
        times = times.dt.tz_localize(None)
    times = pd.to_datetime(times)
    known = times.notna()
    times = times.fillna(pd.Timestamp(2000, 1, 1))
    pattern = _datetime_pattern(lang)
    tokens = babel_dates.tokenize_pattern(pattern)
    months = {3: _month_names(lang, "abbreviated"), 4: _month_names(lang, "wide")}
    pieces: list[pd.Series] = []
    for kind, token in tokens:
        if kind == "chars":
            pieces.append(pd.Series(token, index=times.index))
            continue
        field, width = token
        if field == "d":
            part = times.dt.day
        elif field == "M" and width >= 3:
            names = months[min(width, 4)]
            part = times.dt.month.map(lambda m, names=names: names[m - 1])
        elif field == "M":
            part = times.dt.month
        elif field == "y":
            part = times.dt.year % 100 if width == 2 else times.dt.year
        elif field == "H":
            part = times.dt.hour
        elif field == "m":
            part = times.dt.minute
        else:
            return [
                datetime(v.to_pydatetime(), lang) if ok else MISSING
                for v, ok in zip(times, known, strict=True)
            ]
        if field != "M" or width < 3:
            part = part.astype(str).str.zfill(width if width <= 2 else 1)
        pieces.append(part.astype(str))
    out = pieces[0].str.cat(pieces[1:]) if len(pieces) > 1 else pieces[0]
    return out.where(known, MISSING).tolist()


def status(value: object, lang: str = DEFAULT_LANGUAGE) -> str:
    """A run status in words; '–' when there is none."""
    key = f"status_{value}"
    return text(key, lang) if key in TEXT else "–"


def kind(value: str, lang: str = DEFAULT_LANGUAGE) -> str:
    key = f"kind_{value}"
    return text(key, lang) if key in TEXT else value
