"""Messages that collectors, the refresh and the store give users, in Bahasa Indonesia and
English, by key. A ``CollectorError`` carries its key and parameters; the run log stores
them, so the dashboard shows each message in the reader's language (the CLI prints English).

Only text here: no platform code, no Streamlit.
"""

from __future__ import annotations

from typing import Any

# key: (Bahasa Indonesia, English); {placeholders} are filled from the error's parameters.
MESSAGES: dict[str, tuple[str, str]] = {
    "run_not_ok": (
        "{n} dari {total} akun tidak berhasil",
        "{n} of {total} accounts not ok",
    ),
    "run_interrupted": (
        "terputus: pengambilan data berhenti sebelum selesai (dihentikan atau gagal)",
        "interrupted: the refresh ended before finishing (killed or crashed)",
    ),
    "write_failed": (
        "tidak dapat ditulis ke basis data ({error}); tidak ada data akun ini yang diubah",
        "could not be written to the database ({error}); nothing of this account was changed",
    ),
    "collector_bug": (
        "kesalahan tak terduga pada pengambil data {platform}: {error}",
        "unexpected error in the {platform} collector: {error}",
    ),
    "youtube_key_missing": (
        "YOUTUBE_API_KEY belum diisi: isi di lingkungan (atau secrets Streamlit) untuk "
        "mengambil data YouTube.",
        "YOUTUBE_API_KEY is not set: set it in the environment (or Streamlit secrets) to "
        "collect YouTube.",
    ),
    # -- youtube analytics --
    "youtube_analytics_revoked": (
        "izin YouTube Analytics perpustakaan {library} untuk kanal {channel} sudah dicabut atau "
        "kedaluwarsa (invalid_grant). Staf {library} perlu menghubungkan ulang: python -m "
        "collectors connect youtube --library {library}. Data publik kanal tetap diambil.",
        "library {library}'s YouTube Analytics authorisation for channel {channel} was "
        "revoked or has expired (invalid_grant). A staff member of {library} must connect "
        "again: python -m collectors connect youtube --library {library}. The channel's "
        "public figures were still collected.",
    ),
    "youtube_analytics_refused": (
        "Google menolak izin YouTube perpustakaan {library} untuk kanal {channel} ({error}). "
        "Hubungkan ulang: python -m collectors connect youtube --library {library}.",
        "Google refused library {library}'s YouTube authorisation for channel {channel} "
        "({error}). Connect again: python -m collectors connect youtube --library {library}.",
    ),
    "youtube_analytics_forbidden": (
        "Google menolak data Analytics kanal {channel}: akun Google yang memberi izin untuk "
        "{library} bukan pemilik atau pengelola kanal ini. Hubungkan ulang dan pilih akun "
        "kanal itu sendiri (akun merek) saat masuk.",
        "Google refused Analytics for channel {channel}: the Google account that authorised "
        "{library} does not own or manage it. Connect again and choose the channel's own "
        "account (brand account) when signing in.",
    ),
    "youtube_analytics_scopes": (
        "izin perpustakaan {library} untuk kanal {channel} tidak mencakup YouTube Analytics "
        "(kotak izin tidak dicentang). Hubungkan ulang dan izinkan kedua akses.",
        "library {library}'s authorisation for channel {channel} does not include YouTube "
        "Analytics (a permission box was left unticked). Connect again and allow both.",
    ),
    "youtube_analytics_quota": (
        "kuota harian YouTube Analytics API habis; angka pemilik kanal {channel} ({library}) "
        "diambil pada penyegaran berikutnya. Data publik tetap diambil.",
        "the YouTube Analytics API daily quota is used up; owner figures of channel {channel} "
        "({library}) will be fetched by the next refresh. Public figures were collected.",
    ),
    "youtube_analytics_unreachable": (
        "YouTube Analytics tidak menjawab untuk kanal {channel} ({library}): {error}. Hari yang "
        "belum terambil diambil pada penyegaran berikutnya; yang sudah tersimpan tetap.",
        "YouTube Analytics did not answer for channel {channel} ({library}): {error}. The "
        "missing days are fetched by the next refresh; what is stored is kept.",
    ),
    "youtube_analytics_failed": (
        "YouTube Analytics menjawab HTTP {status} ({reason}) untuk kanal {channel} ({library}).",
        "YouTube Analytics answered HTTP {status} ({reason}) for channel {channel} ({library}).",
    ),
    "youtube_analytics_no_client": (
        "perpustakaan {library} punya token YouTube tetapi tanpa klien OAuth (client id dan "
        "secret): hubungkan ulang, atau isi YOUTUBE_OAUTH_CLIENT_FILE.",
        "library {library} has a YouTube token but no OAuth client (client id and secret): "
        "connect again, or set YOUTUBE_OAUTH_CLIENT_FILE.",
    ),
    "youtube_analytics_token_file": (
        "berkas token YouTube perpustakaan {library} tidak dapat dibaca ({path}); hubungkan "
        "ulang: python -m collectors connect youtube --library {library}.",
        "library {library}'s YouTube token file cannot be read ({path}); connect again: "
        "python -m collectors connect youtube --library {library}.",
    ),
    # -- uia --
    "ig_session_missing": (
        "tidak ada berkas sesi Instagram untuk INSTAGRAM_USER '{user}' di {path}. Buat dengan "
        "`instaloader --login {user}` (atau impor dari peramban, lihat README), atau kosongkan "
        "INSTAGRAM_USER untuk mengambil data tanpa login.",
        "no Instagram session file for INSTAGRAM_USER '{user}' at {path}. Create it "
        "with `instaloader --login {user}` (or import it from a browser, see README), "
        "or unset INSTAGRAM_USER to collect anonymously.",
    ),
    "ig_session_unreadable": (
        "berkas sesi Instagram {path} tidak dapat dibaca ({error}); buat lagi dengan "
        "`instaloader --login {user}`.",
        "the Instagram session file {path} cannot be read ({error}); "
        "create it again with `instaloader --login {user}`.",
    ),
    "ig_not_found": (
        "Instagram tidak punya profil dengan nama pengguna ini; periksa di jejaring.toml.",
        "Instagram has no profile with this username; check it in jejaring.toml.",
    ),
    "ig_private": (
        "profil ini privat: unggahannya tidak dapat diambil. Jumlah pengikutnya tetap disimpan "
        "bila Instagram menampilkannya.",
        "the profile is private: its posts cannot be collected. Its follower count is kept "
        "when Instagram shows it.",
    ),
    "ig_session_stopped": (
        "Instagram menghentikan sesi ({what}). Buka Instagram di peramban dengan akun "
        "INSTAGRAM_USER, selesaikan yang diminta, buat berkas sesi lagi, dan tunggu sehari "
        "sebelum pengambilan berikutnya. Instagram dilewati pada pengambilan ini.",
        "Instagram stopped the session ({what}). Open Instagram in a browser with the "
        "INSTAGRAM_USER account, complete what it asks, create the session file again, "
        "and wait a day before the next refresh. Instagram is skipped for this run.",
    ),
    "ig_login_required": (
        "Instagram meminta login untuk ini. Isi INSTAGRAM_USER dan berkas sesi dari akun "
        "khusus (lihat README). Instagram dilewati pada pengambilan ini.",
        "Instagram requires a login for this. Set INSTAGRAM_USER and a session file of a "
        "dedicated account (see README). Instagram is skipped for this run.",
    ),
    "ig_429": (
        "Instagram menjawab 429 Too Many Requests (terlalu banyak permintaan). Semua yang "
        "sudah diambil tetap disimpan; Instagram dilewati pada pengambilan ini. Coba lagi "
        "beberapa jam lagi (pada pengambilan harian berikutnya).",
        "Instagram answered 429 Too Many Requests. Everything fetched so far is kept; "
        "Instagram is skipped for this run. Retry in a few hours (at the next daily run).",
    ),
    "ig_wait": (
        "Instagram meminta menunggu (401 'Please wait a few minutes'). Semua yang sudah "
        "diambil tetap disimpan; Instagram dilewati pada pengambilan ini. Coba lagi beberapa "
        "jam lagi.",
        "Instagram asked to wait (401 'Please wait a few minutes'). Everything fetched so "
        "far is kept; Instagram is skipped for this run. Retry in a few hours.",
    ),
    "ig_unreachable": (
        "Instagram tidak dapat dihubungi atau gagal; pengambilan berikutnya akan mencoba lagi.",
        "Instagram could not be reached or failed; the next refresh will try again.",
    ),
    "ig_unreachable_status": (
        "Instagram tidak dapat dihubungi atau gagal (HTTP {status}); pengambilan berikutnya "
        "akan mencoba lagi.",
        "Instagram could not be reached or failed (HTTP {status}); the next refresh will try "
        "again.",
    ),
    "ig_unexpected": (
        "Instagram memberi jawaban yang tidak terduga ({error}).",
        "Instagram answered unexpectedly ({error}).",
    ),
    "yt_timeout": (
        "YouTube tidak menjawab tepat waktu ({error}); pengambilan berikutnya akan mencoba lagi.",
        "YouTube did not answer in time ({error}); the next refresh will try again.",
    ),
    "yt_unreachable": (
        "YouTube tidak dapat dihubungi ({error}) setelah {retries} kali mencoba ulang; "
        "pengambilan berikutnya akan mencoba lagi.",
        "YouTube could not be reached ({error}) after {retries} retries; the next refresh "
        "will try again.",
    ),
    "yt_quota": (
        "kuota harian YouTube API sudah habis; yang sudah diambil tetap disimpan. Kuota "
        "direset tengah malam waktu Pasifik ({reset} {tz}); pengambilan berikutnya sesudah "
        "itu melanjutkan.",
        "the YouTube API daily quota is used up; what was collected is kept. The quota "
        "resets at midnight Pacific time ({reset} {tz}); the next refresh after that "
        "continues.",
    ),
    "yt_key_invalid": (
        "YouTube menolak kunci API (kunci tidak valid). Periksa YOUTUBE_API_KEY; YouTube "
        "dilewati pada pengambilan ini, platform lain tidak terpengaruh.",
        "YouTube refused the API key (invalid key). Check YOUTUBE_API_KEY; YouTube is "
        "skipped for this refresh, other platforms are not affected.",
    ),
    "yt_forbidden": (
        "YouTube menolak permintaan ({reason}). Periksa bahwa YouTube Data API v3 aktif untuk "
        "proyek kunci itu dan kuncinya tidak dibatasi.",
        "YouTube refused the request ({reason}). Check that the YouTube Data API v3 is "
        "enabled for the key's project and the key is not restricted.",
    ),
    "yt_not_found": (
        "YouTube menjawab 'tidak ditemukan' ({reason}); periksa handle-nya.",
        "YouTube answered 'not found' ({reason}); check the handle.",
    ),
    "yt_failing": (
        "YouTube terus gagal (HTTP {status}) setelah {retries} kali mencoba ulang; pengambilan "
        "berikutnya akan mencoba lagi.",
        "YouTube kept failing (HTTP {status}) after {retries} retries; the next refresh will "
        "try again.",
    ),
    "yt_http": (
        "YouTube menjawab HTTP {status} ({reason}).",
        "YouTube answered HTTP {status} ({reason}).",
    ),
    "yt_no_channel": (
        "YouTube tidak punya kanal dengan handle atau id ini. Periksa ejaannya di jejaring.toml "
        "(sebuah @handle, atau id kanal yang diawali UC).",
        "YouTube has no channel with this handle or id. Check the spelling in "
        "jejaring.toml (an @handle, or a channel id starting with UC).",
    ),
    # -- graph (Instagram Graph API) --
    "graph_token_expired": (
        "token Instagram perpustakaan {library} kedaluwarsa{when}. Hubungkan ulang: "
        "python -m collectors connect instagram --library {library}",
        "the Instagram token of library {library} has expired{when}. Reconnect: "
        "python -m collectors connect instagram --library {library}",
    ),
    "graph_token_revoked": (
        "token Instagram perpustakaan {library} tidak berlaku lagi (dicabut, kata sandi "
        "diganti, atau aplikasi dihapus). Hubungkan ulang: "
        "python -m collectors connect instagram --library {library}",
        "the Instagram token of library {library} is no longer valid (revoked, password "
        "changed or app removed). Reconnect: "
        "python -m collectors connect instagram --library {library}",
    ),
    "graph_token_unreadable": (
        "berkas token Instagram perpustakaan {library} tidak dapat dibaca ({path}). "
        "Hubungkan ulang: python -m collectors connect instagram --library {library}",
        "the Instagram token file of library {library} cannot be read ({path}). "
        "Reconnect: python -m collectors connect instagram --library {library}",
    ),
    "graph_no_token": (
        'perpustakaan {library} memilih instagram_path = "graph_api" tetapi belum punya '
        "token Instagram. Hubungkan: python -m collectors connect instagram --library {library}",
        'library {library} sets instagram_path = "graph_api" but has no Instagram token. '
        "Connect: python -m collectors connect instagram --library {library}",
    ),
    "graph_not_reached": (
        "token Instagram perpustakaan {library} menjangkau {reached}, bukan @{handle}. "
        "Hubungkan ulang dengan --account {handle}",
        "the Instagram token of library {library} reaches {reached}, not @{handle}. "
        "Reconnect with --account {handle}",
    ),
    "graph_no_source": (
        "business discovery untuk @{handle} (perpustakaan {library}) butuh satu perpustakaan "
        "yang terhubung ke Graph API; belum ada yang terhubung dan berfungsi.",
        "business discovery of @{handle} (library {library}) needs a library connected to "
        "the Graph API; none is connected and working.",
    ),
    "graph_permission": (
        "izin kurang untuk perpustakaan {library} saat {during} (#{code}: {detail}). "
        "Hubungkan ulang dengan izin instagram_basic, instagram_manage_insights, "
        "pages_read_engagement.",
        "a permission is missing for library {library} while {during} (#{code}: {detail}). "
        "Reconnect granting instagram_basic, instagram_manage_insights, pages_read_engagement.",
    ),
    "graph_rate_limited": (
        "batas permintaan Meta tercapai ({what}) saat {during}. Semua yang sudah diambil "
        "disimpan; Instagram Graph API dihentikan untuk pengambilan ini. Coba lagi {retry}.",
        "Meta's rate limit was reached ({what}) while {during}. Everything fetched is kept; "
        "the Instagram Graph API is stopped for this refresh. Retry {retry}.",
    ),
    "graph_bd_not_found": (
        "business discovery (lewat perpustakaan {source}) tidak dapat melihat @{handle}: "
        "bukan akun profesional (bisnis/kreator) atau tidak ada. Periksa nama akun, atau "
        'tulis instagram_path = "instaloader" untuk perpustakaan {library}.',
        "business discovery (through library {source}) cannot see @{handle}: it is not a "
        "professional (business or creator) account, or does not exist. Check the handle, "
        'or set instagram_path = "instaloader" for library {library}.',
    ),
    "graph_unreachable": (
        "Instagram Graph API tidak dapat dihubungi atau terus gagal saat {during} ({error}). "
        "Semua yang sudah diambil disimpan; pengambilan berikutnya mencoba lagi.",
        "the Instagram Graph API could not be reached or kept failing while {during} "
        "({error}). Everything fetched is kept; the next refresh tries again.",
    ),
    "graph_bad_answer": (
        "Instagram Graph API menjawab sesuatu yang bukan JSON-nya saat {during} ({what}); "
        "mungkin proxy atau halaman login di antaranya. Semua yang sudah diambil disimpan.",
        "the Instagram Graph API answered something that is not its JSON while {during} "
        "({what}); perhaps a proxy or login page in between. Everything fetched is kept.",
    ),
    "graph_refused": (
        "Instagram Graph API menolak permintaan saat {during} (#{code}: {detail}). Semua "
        "yang sudah diambil disimpan.",
        "the Instagram Graph API refused a request while {during} (#{code}: {detail}). "
        "Everything fetched is kept.",
    ),
    "graph_cursor_repeated": (
        "Instagram mengirim penanda halaman yang sama dua kali saat membaca {what}; "
        "pembacaan dihentikan di situ (yang sudah diambil disimpan).",
        "Instagram sent the same page cursor twice while reading {what}; the walk stopped "
        "there (what was fetched is kept).",
    ),
    "graph_too_many_pages": (
        "Instagram terus mengirim halaman saat membaca {what}, melebihi jumlah yang ia "
        "laporkan; pembacaan dihentikan di situ (yang sudah diambil disimpan).",
        "Instagram kept sending pages while reading {what}, more than its own count allows; "
        "the walk stopped there (what was fetched is kept).",
    ),
}


def render(key: str, lang: str = "en", **params: Any) -> str:
    """The message ``key`` in ``lang`` ("id" or "en"); an unknown key is shown as is."""
    if key not in MESSAGES:
        return key
    indonesian, english = MESSAGES[key]
    template = english if lang == "en" else indonesian
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):  # a parameter missing: show the template
        return template
