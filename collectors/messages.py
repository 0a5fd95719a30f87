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
        "berkas tidak menyebut periodenya: total video disimpan per {day}; ekspor dengan "
        "periode 'Sepanjang waktu' atau biarkan nama ZIP aslinya",
        "the file does not say its period: the videos' totals are stored as of {day}; export "
        "with the period 'Lifetime' or keep the ZIP's own name",
    ),
    "import_warn_range_partial": (
        "{count} video terbit sebelum periode ekspor ({start} – {end}): angkanya hanya "
        "mencakup periode itu, bukan sepanjang umur video",
        "{count} videos were published before the export's period ({start} – {end}): their "
        "figures cover that period only, not the video's lifetime",
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
