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
