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
    # -- rel --
    # The same keys and texts as the uia workstream's block (each workstream needed them
    # before the other was merged): keep one copy when both are in.
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
    "yt_no_channel": (
        "YouTube tidak punya kanal dengan handle atau id ini. Periksa ejaannya di jejaring.toml "
        "(sebuah @handle, atau id kanal yang diawali UC).",
        "YouTube has no channel with this handle or id. Check the spelling in "
        "jejaring.toml (an @handle, or a channel id starting with UC).",
    ),
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
    # The store (collectors/store/faults.py): {where} names the database, {error} is the
    # driver's own words.
    "store_full": (
        "disk penuh: {where} tidak dapat ditulis ({error}); tidak ada yang ditulis. "
        "Kosongkan ruang disk lalu jalankan lagi.",
        "disk full: {where} cannot be written ({error}); nothing was written. Free some disk "
        "space and run again.",
    ),
    "store_read_only": (
        "{where} hanya-baca ({error}); tidak ada yang ditulis. Izinkan pengguna yang "
        "menjalankan Jejaring menulis berkas itu dan foldernya (SQLite menulis berkas "
        "jurnal di sebelahnya).",
        "{where} is read-only ({error}); nothing was written. Let the user running Jejaring "
        "write the file and its folder (SQLite writes its journal files next to it).",
    ),
    "store_permission": (
        "{where} menolak pengguna basis data ({error}); tidak ada yang ditulis. Beri pengguna "
        "di JEJARING_DATABASE_URL hak atas basis data itu.",
        "{where} refuses the database user ({error}); nothing was written. Grant the user in "
        "JEJARING_DATABASE_URL rights on that database.",
    ),
    "store_locked": (
        "{where} dikunci program lain lebih dari {seconds} detik ({error}); tidak ada yang "
        "ditulis. Tutup program yang memegangnya (mis. peramban basis data dengan perubahan "
        "belum disimpan) lalu jalankan lagi.",
        "{where} is locked by another program for more than {seconds} s ({error}); nothing "
        "was written. Close the program holding it (e.g. a database browser with unsaved "
        "changes) and run again.",
    ),
    "store_busy": (
        "{where} sedang dikunci atau terlalu sibuk ({error}); tidak ada yang ditulis. Coba "
        "lagi nanti.",
        "{where} is locked or too busy ({error}); nothing was written. Try again later.",
    ),
    "store_damaged": (
        "{where} rusak ({error}). Pulihkan cadangan, atau pindahkan berkasnya untuk memulai "
        "penyimpanan baru.",
        "{where} is damaged ({error}). Restore a backup, or move the file away to start a "
        "new store.",
    ),
    "store_not_a_database": (
        "{where} bukan basis data SQLite, atau halaman pertamanya rusak ({error}). Arahkan "
        "JEJARING_DATABASE_URL ke penyimpanan Jejaring, pulihkan cadangan, atau pindahkan "
        "berkasnya untuk memulai penyimpanan baru.",
        "{where} is not an SQLite database, or its first page is damaged ({error}). Point "
        "JEJARING_DATABASE_URL at a Jejaring store, restore a backup, or move the file away "
        "to start a new store.",
    ),
    "store_not_a_file": (
        "{where} bukan berkas biasa melainkan {what}. Arahkan JEJARING_DATABASE_URL ke "
        "sebuah berkas basis data.",
        "{where} is not a regular file but a {what}. Point JEJARING_DATABASE_URL at a "
        "database file.",
    ),
    "store_cannot_open": (
        "{where} tidak dapat dibuka ({error}). Periksa bahwa jalurnya berkas yang boleh "
        "dibaca dan ditulis, di folder yang boleh ditulis.",
        "{where} cannot be opened ({error}). Check that the path is a file you may read and "
        "write, in a folder you may write to.",
    ),
    "store_io": (
        "kesalahan baca/tulis pada {where} ({error}); tidak ada yang ditulis. Periksa disknya.",
        "read/write error on {where} ({error}); nothing was written. Check the disk.",
    ),
    "store_unreachable": (
        "tidak dapat terhubung ke {where} ({error}). Periksa bahwa servernya berjalan dan "
        "bahwa JEJARING_DATABASE_URL menyebut host, port, basis data, pengguna, dan kata "
        "sandi yang benar.",
        "cannot connect to {where} ({error}). Check that the server runs and that "
        "JEJARING_DATABASE_URL names the right host, port, database, user and password.",
    ),
    "store_data": (
        "{where} menolak baris yang ditulis ({error}); baris itu tidak disimpan.",
        "{where} refused the rows written ({error}); they were not stored.",
    ),
    "store_failed": (
        "{where} gagal ({error}); tidak ada yang ditulis.",
        "{where} failed ({error}); nothing was written.",
    ),
    # YouTube (collectors/youtube.py)
    "yt_rate_limited": (
        "YouTube meminta memperlambat permintaan, juga setelah {retries} percobaan ulang; "
        "data yang sudah diambil tetap disimpan dan YouTube dilewati pada pengambilan ini.",
        "YouTube asked to slow down, also after {retries} retries; what was collected is kept "
        "and YouTube is skipped for this refresh.",
    ),
    "yt_uploads_refused": (
        "YouTube menolak menampilkan daftar unggahan kanal ini ({reason}); kanal mungkin "
        "dibatasi atau unggahannya disembunyikan. Ukuran kanal tetap disimpan; periksa "
        "kanalnya di YouTube. Kanal lain tidak terpengaruh.",
        "YouTube refuses to list this channel's uploads ({reason}); the channel may be "
        "restricted or its uploads hidden. Its size is kept; check the channel on YouTube. "
        "The other channels are not affected.",
    ),
    "yt_channel_gone": (
        "kanal ditutup, ditangguhkan, atau tidak ada ({reason}); periksa di YouTube dan hapus "
        "dari jejaring.toml bila sudah tidak ada.",
        "the channel is closed, suspended or missing ({reason}); check it on YouTube and "
        "remove it from jejaring.toml if it is gone.",
    ),
    "yt_refused": (
        "YouTube menolak permintaan untuk akun ini ({reason}, HTTP {status}); akun lain tidak "
        "terpengaruh.",
        "YouTube refused the request for this account ({reason}, HTTP {status}); the other "
        "accounts are not affected.",
    ),
    "yt_bad_answer": (
        "jawaban YouTube tidak dapat dibaca ({error}); pengambilan berikutnya akan mencoba lagi.",
        "YouTube's answer could not be read ({error}); the next refresh will try again.",
    ),
    "yt_paging_repeated": (
        "YouTube mengirim token halaman yang sama dua kali saat mendaftar unggahan (setelah "
        "{pages} halaman); pendaftaran dihentikan di situ dan {listed} video yang sudah "
        "terdaftar tetap diambil.",
        "YouTube sent the same page token twice while listing the uploads (after {pages} "
        "pages); the listing was stopped there and the {listed} videos listed are kept.",
    ),
    "yt_paging_bound": (
        "YouTube terus mengirim halaman melebihi jumlah unggahannya sendiri ({expected}) "
        "(setelah {pages} halaman); pendaftaran dihentikan di situ dan {listed} video yang "
        "sudah terdaftar tetap diambil.",
        "YouTube kept sending pages beyond its own count of {expected} uploads (after {pages} "
        "pages); the listing was stopped there and the {listed} videos listed are kept.",
    ),
    "yt_videos_unread": (
        "{n} video tidak dapat dibaca ({ids}: {error}); angka yang tersimpan untuknya tetap "
        "dipakai.",
        "{n} videos could not be read ({ids}: {error}); their stored figures are kept.",
    ),
    # Instagram (collectors/instagram.py)
    "ig_blocked": (
        "Instagram mengubah atau memblokir antarmuka webnya (HTTP {status}): perbarui "
        "instaloader (lihat README) atau hubungkan akunnya (API resmi). Ini bukan tanda "
        "bahwa profilnya tidak ada; yang sudah diambil tetap disimpan.",
        "Instagram changed or blocked its web interface (HTTP {status}): update instaloader "
        "(see README) or connect the account (official API). This does not mean the profile "
        "is gone; what was fetched is kept.",
    ),
    "ig_no_profile": (
        "Instagram tidak menampilkan profil dengan nama pengguna ini; periksa di "
        "jejaring.toml. Bila profilnya ada, Instagram mungkin mengubah antarmuka webnya: "
        "perbarui instaloader.",
        "Instagram shows no profile with this username; check it in jejaring.toml. If the "
        "profile exists, Instagram may have changed its web interface: update instaloader.",
    ),
    "ig_timeout": (
        "Instagram tidak menjawab tepat waktu; pengambilan berikutnya akan mencoba lagi.",
        "Instagram did not answer in time; the next refresh will try again.",
    ),
    "ig_no_connection": (
        "tidak ada koneksi ke Instagram (jaringan, DNS, atau firewall); pengambilan "
        "berikutnya akan mencoba lagi.",
        "no connection to Instagram (network, DNS or firewall); the next refresh will try again.",
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
