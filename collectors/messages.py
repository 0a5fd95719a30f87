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
        "kedaluwarsa (invalid_grant). Staf {library} perlu menghubungkan ulang: "
        ".venv/bin/python -m collectors connect youtube --library {library}. Data publik kanal "
        "tetap diambil.",
        "library {library}'s YouTube Analytics authorisation for channel {channel} was "
        "revoked or has expired (invalid_grant). A staff member of {library} must connect "
        "again: .venv/bin/python -m collectors connect youtube --library {library}. The "
        "channel's public figures were still collected.",
    ),
    "youtube_analytics_refused": (
        "Google menolak izin YouTube perpustakaan {library} untuk kanal {channel} ({error}). "
        "Hubungkan ulang: .venv/bin/python -m collectors connect youtube --library {library}.",
        "Google refused library {library}'s YouTube authorisation for channel {channel} "
        "({error}). Connect again: "
        ".venv/bin/python -m collectors connect youtube --library {library}.",
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
        "ulang: .venv/bin/python -m collectors connect youtube --library {library}.",
        "library {library}'s YouTube token file cannot be read ({path}); connect again: "
        ".venv/bin/python -m collectors connect youtube --library {library}.",
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
        ".venv/bin/python -m collectors connect instagram --library {library}",
        "the Instagram token of library {library} has expired{when}. Reconnect: "
        ".venv/bin/python -m collectors connect instagram --library {library}",
    ),
    "graph_token_revoked": (
        "token Instagram perpustakaan {library} tidak berlaku lagi (dicabut, kata sandi "
        "diganti, atau aplikasi dihapus). Hubungkan ulang: "
        ".venv/bin/python -m collectors connect instagram --library {library}",
        "the Instagram token of library {library} is no longer valid (revoked, password "
        "changed or app removed). Reconnect: "
        ".venv/bin/python -m collectors connect instagram --library {library}",
    ),
    "graph_token_unreadable": (
        "berkas token Instagram perpustakaan {library} tidak dapat dibaca ({path}). "
        "Hubungkan ulang: .venv/bin/python -m collectors connect instagram --library {library}",
        "the Instagram token file of library {library} cannot be read ({path}). "
        "Reconnect: .venv/bin/python -m collectors connect instagram --library {library}",
    ),
    "graph_no_token": (
        'perpustakaan {library} memilih instagram_path = "graph_api" tetapi belum punya '
        "token Instagram. Hubungkan: "
        ".venv/bin/python -m collectors connect instagram --library {library}",
        'library {library} sets instagram_path = "graph_api" but has no Instagram token. '
        "Connect: .venv/bin/python -m collectors connect instagram --library {library}",
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
    # -- imp: imports of export files, chats and service counts --
    "import_where_line": ("{file}, baris {line}", "{file}, line {line}"),
    "import_not_found": ("berkas tidak ditemukan", "file not found"),
    "import_unreadable": (
        "berkas tidak dapat dibaca ({error})",
        "the file cannot be read ({error})",
    ),
    "import_too_big": (
        "berkas berukuran {size} MB; batasnya {limit} MB. Ekspor periode yang lebih pendek, "
        "atau ekspor obrolan WhatsApp tanpa media.",
        "the file is {size} MB; the limit is {limit} MB. Export a shorter period, or export "
        "the WhatsApp chat without media.",
    ),
    "import_empty": ("berkas kosong", "the file is empty"),
    "import_file_type": (
        "bukan berkas .csv, .zip atau .txt ({suffix}); Jejaring membaca ekspor YouTube Studio, "
        "ekspor Instagram Meta Business Suite, ekspor obrolan WhatsApp dan CSV layanan",
        "not a .csv, .zip or .txt file ({suffix}); Jejaring reads YouTube Studio exports, Meta "
        "Business Suite Instagram exports, WhatsApp chat exports and service CSVs",
    ),
    "import_zip_damaged": (
        "arsip ZIP rusak atau tidak lengkap ({error}); unduh ekspornya lagi",
        "the ZIP archive is damaged or incomplete ({error}); download the export again",
    ),
    "import_zip_member_too_big": (
        "{member} di dalam ZIP berukuran {size} MB setelah dibuka; batasnya {limit} MB",
        "{member} in the ZIP is {size} MB unpacked; the limit is {limit} MB",
    ),
    "import_zip_nothing": (
        "ZIP ini tidak berisi berkas CSV atau teks obrolan",
        "the ZIP holds no CSV file and no chat text file",
    ),
    "import_zip_mixed": (
        "ZIP ini berisi CSV dan teks obrolan sekaligus; impor keduanya secara terpisah",
        "the ZIP holds both CSV files and chat text files; import them separately",
    ),
    "import_not_text": (
        "bukan berkas teks (ada data biner); pilih berkas CSV atau TXT hasil ekspor",
        "not a text file (it holds binary data); choose the exported CSV or TXT file",
    ),
    "import_no_header": ("tidak ada baris judul kolom", "there is no header row"),
    "import_unknown_csv": (
        "bukan ekspor yang dikenal Jejaring; kolomnya: {columns}. Yang dikenal: laporan Konten "
        "YouTube Studio (kolom 'Content'/'Konten'), ekspor konten Instagram dari Meta Business "
        "Suite (kolom 'Post ID' dan 'Permalink'), dan CSV harian layanan (kolom 'date' dan "
        "'questions')",
        "not an export Jejaring knows; its columns are: {columns}. Known: the YouTube Studio "
        "Content report (column 'Content'), the Meta Business Suite Instagram content export "
        "(columns 'Post ID' and 'Permalink'), and a service's daily CSV (columns 'date' and "
        "'questions')",
    ),
    "import_studio_other_report": (
        "laporan YouTube Studio per '{column}', bukan laporan Konten: di Studio pilih "
        "Analytics → Mode lanjutan → Konten, lalu ekspor lagi",
        "a YouTube Studio report by '{column}', not the Content report: in Studio choose "
        "Analytics → Advanced mode → Content and export again",
    ),
    "import_facebook_export": (
        "ini ekspor Halaman Facebook; Jejaring membaca ekspor konten Instagram",
        "this is a Facebook Page export; Jejaring reads Instagram content exports",
    ),
    "import_row_width": (
        "ada {found} nilai, padahal judulnya punya {expected} kolom (berkas terpotong atau "
        "pemisah salah?)",
        "has {found} values but the header has {expected} columns (a cut-off file or a wrong "
        "separator?)",
    ),
    "import_csv_syntax": ("CSV tidak dapat dibaca ({error})", "the CSV cannot be read ({error})"),
    "import_bad_number": (
        "kolom '{column}': '{value}' bukan angka",
        "column '{column}': '{value}' is not a number",
    ),
    "import_bad_date": (
        "kolom '{column}': '{value}' bukan tanggal/waktu yang dapat dibaca",
        "column '{column}': '{value}' is not a date or time Jejaring can read",
    ),
    "import_missing_column": (
        "kolom '{column}' tidak ada; kolom yang ada: {columns}",
        "column '{column}' is missing; the columns are: {columns}",
    ),
    "import_no_rows": (
        "berkas punya judul kolom tetapi tidak ada baris data",
        "the file has a header but no data rows",
    ),
    "import_another_library": (
        "'{account}' adalah akun perpustakaan {other}, bukan {library}: impor berkas ini untuk "
        "{other}",
        "'{account}' is an account of library {other}, not of {library}: import this file for "
        "{other}",
    ),
    "import_unknown_account": (
        "'{account}' bukan akun perpustakaan {library} (akun {platform} di jejaring.toml: "
        "{known}); perbaiki nama akun di jejaring.toml atau pilih perpustakaan yang benar",
        "'{account}' is not an account of library {library} ({platform} accounts in "
        "jejaring.toml: {known}); correct the handle in jejaring.toml or choose the right "
        "library",
    ),
    "import_no_platform_account": (
        "perpustakaan {library} tidak punya akun {platform} di jejaring.toml",
        "library {library} has no {platform} account in jejaring.toml",
    ),
    "import_choose_account": (
        "perpustakaan {library} punya beberapa akun {platform} ({accounts}); pilih satu "
        "(--account)",
        "library {library} has several {platform} accounts ({accounts}); choose one (--account)",
    ),
    "import_mixed_channels": (
        "video dari dua kanal dalam satu berkas ({first} dan {second})",
        "videos of two channels in one file ({first} and {second})",
    ),
    "import_bad_permalink": (
        "'{value}' bukan tautan unggahan Instagram (https://www.instagram.com/p/KODE/)",
        "'{value}' is not an Instagram post link (https://www.instagram.com/p/CODE/)",
    ),
    "import_unknown_library": (
        "perpustakaan '{library}' tidak ada di jejaring.toml",
        "library '{library}' is not in jejaring.toml",
    ),
    "import_chat_no_messages": (
        "tidak ada baris pesan WhatsApp (yang diharapkan seperti '25/11/26 14.05 - Nama: teks' "
        "atau '[25/11/26 14.05.33] Nama: teks')",
        "no WhatsApp message lines (expected lines like '25/11/26 14.05 - Name: text' or "
        "'[25/11/26 14.05.33] Name: text')",
    ),
    "import_chat_bad_date": (
        "'{value}' bukan tanggal yang sah",
        "'{value}' is not a valid date",
    ),
    "import_no_service": (
        "perpustakaan {library} tidak punya layanan WhatsApp di jejaring.toml "
        "([[libraries.services]])",
        "library {library} has no WhatsApp service in jejaring.toml ([[libraries.services]])",
    ),
    "import_choose_service": (
        "perpustakaan {library} punya beberapa layanan ({services}); pilih satu (--service)",
        "library {library} has several services ({services}); choose one (--service)",
    ),
    "import_unknown_service": (
        "layanan '{service}' tidak ada di perpustakaan {library} (ada: {services})",
        "service '{service}' is not a service of library {library} (there are: {services})",
    ),
    "import_service_counts": (
        "{what} ({value}) lebih besar daripada pertanyaan ({questions})",
        "{what} ({value}) is more than the questions ({questions})",
    ),
    "import_duplicate_day": (
        "tanggal {day} sudah ada di baris {first}",
        "the date {day} is already on line {first}",
    ),
    "import_unknown_timezone": (
        "'{value}' bukan nama zona waktu (mis. Asia/Jakarta)",
        "'{value}' is not a time zone name (e.g. Asia/Jakarta)",
    ),
    "import_bad_video_id": (
        "kolom '{column}': '{value}' bukan ID video YouTube",
        "column '{column}': '{value}' is not a YouTube video id",
    ),
    "import_duplicate_column": (
        "kolom '{column}' muncul dua kali",
        "the column '{column}' appears twice",
    ),
    # warnings shown in the preview (file and line are added in front when known)
    "import_warn_unknown_columns": (
        "kolom tidak dikenal, tidak disimpan: {columns}",
        "columns not recognised, not stored: {columns}",
    ),
    "import_warn_not_stored": (
        "kolom yang dikenal tetapi tidak disimpan Jejaring: {columns}",
        "columns Jejaring knows but does not keep: {columns}",
    ),
    "import_warn_not_text_utf8": (
        "bukan UTF-8: dibaca sebagai Windows-1252 (disimpan ulang oleh Excel?)",
        "not UTF-8: read as Windows-1252 (saved again by Excel?)",
    ),
    "import_warn_total_row": (
        "baris Total dilewati (hari-hari kanal diambil dari Totals.csv bila ekspor memuatnya)",
        "Total row skipped (the channel's days come from Totals.csv when the export has it)",
    ),
    "import_warn_range_unknown": (
        "berkas tidak menyebut periodenya: total video disimpan per {day} dan jumlah publik "
        "(tayangan, suka, komentar) diserahkan ke pengambilan data; ekspor dengan periode "
        "'Sepanjang waktu' atau biarkan nama ZIP aslinya",
        "the file does not say its period: the videos' totals are stored as of {day} and "
        "their public counts (views, likes, comments) are left to the refresh; export with "
        "the period 'Lifetime' or keep the ZIP's own name",
    ),
    "import_warn_range_partial": (
        "{count} video terbit sebelum periode ekspor ({start} – {end}): angkanya hanya "
        "mencakup periode itu, bukan sepanjang umur video (jumlah publiknya diserahkan ke "
        "pengambilan data)",
        "{count} videos were published before the export's period ({start} – {end}): their "
        "figures cover that period only, not the video's lifetime (their public counts are "
        "left to the refresh)",
    ),
    "import_warn_assumed_account": (
        "belum ada video berkas ini di Jejaring: ditulis ke {account}, satu-satunya akun "
        "{platform} perpustakaan ini",
        "no post of this file is in Jejaring yet: written to {account}, the library's only "
        "{platform} account",
    ),
    "import_warn_new_post_no_time": (
        "{post} belum dikenal dan berkas tidak punya waktu terbit: tidak ditulis (jalankan "
        "pengambilan data dulu, atau ekspor dengan kolom waktu terbit)",
        "{post} is not known yet and the file has no publish time: not written (run a refresh "
        "first, or export with the publish time column)",
    ),
    "import_warn_other_account_row": (
        "unggahan {account} ({library}) dilewati (kolaborasi?); impor ekspor milik akun itu "
        "sendiri",
        "post of {account} ({library}) skipped (a collaboration?); import that account's own "
        "export for it",
    ),
    "import_warn_foreign_rows": (
        "{count} baris akun lain (bukan akun perpustakaan) dilewati: {accounts}",
        "{count} rows of other accounts (not the library's) skipped: {accounts}",
    ),
    "import_warn_stories": (
        "{count} baris story dilewati (story bukan unggahan)",
        "{count} story rows skipped (stories are not posts)",
    ),
    "import_warn_partner_post": (
        "{count} unggahan tersimpan sebagai milik akun lain (kolaborasi): angkanya ditulis ke "
        "unggahan itu",
        "{count} posts are stored as another account's (collaborations): their figures are "
        "written to those posts",
    ),
    "import_warn_chart_per_video": (
        "garis harian per video (Chart data) tidak disimpan: Jejaring menyimpan total per "
        "video (Table data) dan hari-hari kanal (Totals)",
        "per-video daily lines (Chart data) are not stored: Jejaring keeps each video's totals "
        "(Table data) and the channel's days (Totals)",
    ),
    "import_warn_day_only": (
        "waktu terbit hanya berupa tanggal: unggahan baru diberi pukul 00.00 waktu setempat",
        "publish times are dates only: new posts get 00:00 local time",
    ),
    "import_warn_timezone": (
        "waktu dalam berkas dibaca sebagai waktu setempat {tz} dan disimpan dalam UTC",
        "times in the file are read as local time in {tz} and stored in UTC",
    ),
    "import_warn_ambiguous_dates": (
        "urutan tanggal dapat dibaca dua cara; dibaca sebagai {order}",
        "the date order could be read either way; read as {order}",
    ),
    "import_warn_no_staff": (
        "obrolan {chat}: tidak ada pesan dari nama staf di jejaring.toml ({staff}); "
        "pertanyaannya terhitung belum dijawab",
        "chat {chat}: no message from the staff names in jejaring.toml ({staff}); its "
        "questions count as unanswered",
    ),
    "import_warn_already": (
        "berkas ini sudah diimpor pada {when}; mengimpornya lagi tidak mengubah apa pun",
        "this file was already imported on {when}; importing it again changes nothing",
    ),
    "import_warn_unlisted_metric": (
        "baris harian metrik '{metric}' tidak dikenal, tidak disimpan",
        "daily rows of the metric '{metric}' are not recognised, not stored",
    ),
    # -- rel: the store's faults, YouTube and Instagram refusals --
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
    "store_bad_url": (
        "JEJARING_DATABASE_URL bukan URL basis data; tulis seperti sqlite:///data/jejaring.db "
        "atau postgresql+psycopg://USER:PASSWORD@HOST/NAME",
        "JEJARING_DATABASE_URL is not a database URL; write it like sqlite:///data/jejaring.db "
        "or postgresql+psycopg://USER:PASSWORD@HOST/NAME",
    ),
    "store_backend": (
        "JEJARING_DATABASE_URL menyebut basis data {backend}; Jejaring bekerja dengan SQLite "
        "(sqlite:///data/jejaring.db) atau PostgreSQL (postgresql+psycopg://…)",
        "JEJARING_DATABASE_URL names a {backend} database; Jejaring works with SQLite "
        "(sqlite:///data/jejaring.db) or PostgreSQL (postgresql+psycopg://…)",
    ),
    "store_driver_missing": (
        "JEJARING_DATABASE_URL meminta driver basis data {driver}, yang tidak dapat dipakai "
        "({error}); pakai sqlite:///… atau postgresql+psycopg://… (psycopg ada di "
        "requirements.txt)",
        "JEJARING_DATABASE_URL asks for the database driver {driver}, which cannot be used "
        "({error}); use sqlite:///… or postgresql+psycopg://… (psycopg is in requirements.txt)",
    ),
    "store_in_memory": (
        "JEJARING_DATABASE_URL menyebut basis data SQLite di memori ({url}): isinya hilang "
        "saat perintah selesai, dan pengambilan data serta dasbor, dua proses terpisah, tidak "
        "dapat berbagi basis data itu. Pakai berkas, mis. sqlite:///data/jejaring.db.",
        "JEJARING_DATABASE_URL names an in-memory SQLite database ({url}): it is gone when the "
        "command ends, and the refresh and the dashboard, two separate processes, cannot "
        "share it. Use a file, e.g. sqlite:///data/jejaring.db.",
    ),
    "store_file_missing": (
        "berkas basis data {path} tidak ada; ambil data dulu (.venv/bin/python -m collectors "
        "refresh, atau .venv/bin/python -m collectors demo) atau atur JEJARING_DATABASE_URL.",
        "the database file {path} does not exist; collect data first (.venv/bin/python -m "
        "collectors refresh, or .venv/bin/python -m collectors demo) or set "
        "JEJARING_DATABASE_URL.",
    ),
    "store_revision_unknown": (
        "{where}: tabel alembic_version penyimpanan ini kosong, jadi skemanya tidak diketahui. "
        "Pulihkan cadangan, atau mulai penyimpanan baru (pindahkan berkasnya).",
        "{where}: the store's alembic_version table is empty, so its schema is unknown. "
        "Restore a backup, or start a new store (move the file away).",
    ),
    "store_not_jejaring": (
        "{where} bukan penyimpanan Jejaring (isinya tabel lain: {tables}). Arahkan "
        "JEJARING_DATABASE_URL ke penyimpanan Jejaring atau ke basis data kosong.",
        "{where} is not a Jejaring store (it holds other tables: {tables}). Point "
        "JEJARING_DATABASE_URL at a Jejaring store or at an empty database.",
    ),
    "store_schema_version_bad": (
        "{where}: schema_version berisi {version}, yang tidak pernah ditulis Jejaring mana pun "
        "tanpa Alembic; penyimpanannya rusak. Pulihkan cadangan, atau mulai penyimpanan baru.",
        "{where}: schema_version says {version}, which no Jejaring ever wrote without "
        "Alembic; the store is damaged. Restore a backup, or start a new store.",
    ),
    "store_table_missing": (
        "{where}: tabel '{table}' tidak ada padahal penyimpanan menyebut skema {revision}; "
        "penyimpanannya rusak. Pulihkan cadangan, atau mulai penyimpanan baru.",
        "{where}: table '{table}' is missing although the store says schema {revision}; the "
        "store is damaged. Restore a backup, or start a new store.",
    ),
    "store_columns_missing": (
        "{where}: tabel '{table}' tidak punya kolom {columns} padahal penyimpanan menyebut "
        "skema {revision}; penyimpanannya rusak. Pulihkan cadangan, atau mulai penyimpanan "
        "baru.",
        "{where}: table '{table}' lacks column(s) {columns} although the store says schema "
        "{revision}; the store is damaged. Restore a backup, or start a new store.",
    ),
    "store_newer": (
        "{where} berskema {revision}, lebih baru daripada Jejaring ini (yang mengenal sampai "
        "{head}) karena Jejaring yang lebih baru sudah meningkatkannya: perbarui salinan "
        "Jejaring ini (git pull, lalu .venv/bin/pip install -r requirements.txt -c "
        "constraints.txt).",
        "{where} has schema {revision}, newer than this Jejaring (which knows up to {head}) "
        "because a newer Jejaring has upgraded it: update this copy of Jejaring (git pull, "
        "then .venv/bin/pip install -r requirements.txt -c constraints.txt).",
    ),
    "store_dangling_rows": (
        "{where}: migrasi akan menyisakan {n} baris yang menunjuk ke baris yang tidak ada; "
        "tidak ada yang diubah. Penyimpanan sudah rusak sebelumnya; pulihkan cadangan.",
        "{where}: the migration would leave {n} rows pointing at missing rows; nothing was "
        "changed. The store was damaged before; restore a backup.",
    ),
    "store_failed": (
        "{where} gagal ({error}); tidak ada yang ditulis.",
        "{where} failed ({error}); nothing was written.",
    ),
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
    "ig_walk_repeated": (
        "Instagram mengirim lagi unggahan yang sudah dibaca (halaman berulang) setelah {posts} "
        "unggahan; pembacaan dihentikan di situ agar tidak berputar tanpa akhir. {posts} "
        "unggahan yang sudah dibaca tetap disimpan; pengambilan berikutnya akan mencoba lagi.",
        "Instagram sent a post already read again (a repeating page) after {posts} posts; the "
        "walk was stopped there so that it does not loop for ever. The {posts} posts read are "
        "kept; the next refresh will try again.",
    ),
    "ig_walk_bound": (
        "Instagram terus mengirim unggahan melebihi jumlah di profilnya ({expected} unggahan); "
        "pembacaan dihentikan setelah {posts} unggahan. Yang sudah dibaca tetap disimpan; "
        "pengambilan berikutnya akan mencoba lagi.",
        "Instagram kept sending posts beyond the count its profile shows ({expected} posts); "
        "the walk was stopped after {posts} posts. What was read is kept; the next refresh "
        "will try again.",
    ),
    "ig_walk_endless": (
        "Instagram terus mengirim unggahan tanpa akhir (profilnya tidak menyebut jumlahnya); "
        "pembacaan dihentikan setelah {posts} unggahan. Yang sudah dibaca tetap disimpan.",
        "Instagram kept sending posts without end (its profile shows no count); the walk was "
        "stopped after {posts} posts. What was read is kept.",
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
