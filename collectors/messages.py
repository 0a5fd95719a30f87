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
