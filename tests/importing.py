"""Shared helpers of the import tests: a configuration with a service, fixture files and
ZIPs built from them, and a dump of every table to compare stores."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from collectors.config import Config, parse_config
from collectors.store import Store, metadata

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
STUDIO_ZIP_FOLDER = "Content 2026-10-01_2026-10-31 Perpustakaan UMA"

CONFIG = """\
timezone = "Asia/Jakarta"

[[libraries]]
id = "uma"
name = "Perpustakaan UMA"
color = "#1b7f3b"
instagram = ["perpustakaan.uma"]
youtube = ["@perpustakaanuma"]

[[libraries.services]]
kind = "whatsapp"
name = "Ask Librarian UMA"
staff = ["Perpustakaan UMA", "Rina Pustakawan"]
hours = "08:00-16:00"
days = ["mon", "tue", "wed", "thu", "fri"]
silence_minutes = 60

[[libraries]]
id = "unimed"
name = "Digital Library UNIMED"
color = "#1f5fa8"
instagram = ["digilib.unimed"]
youtube = ["@digilibunimed"]
"""


def config(path: str = "jejaring.toml") -> Config:
    return parse_config(CONFIG, path)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def zip_of(files: dict[str, bytes]) -> bytes:
    """A ZIP holding the given files (name inside the ZIP → bytes), the same bytes every
    time (a fixed date in its entries)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 25, 10, 0, 0))
            archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def studio_zip() -> bytes:
    """Studio's own export: its three CSVs in a folder named after the period."""
    return zip_of(
        {
            f"{STUDIO_ZIP_FOLDER}/{name}": fixture(f"studio_en/{name}")
            for name in ("Table data.csv", "Chart data.csv", "Totals.csv")
        }
    )


def chats_zip() -> bytes:
    """Two chats of the service, as WhatsApp names them (after the contact)."""
    folder = FIXTURES / "wa_android_id"
    return zip_of({p.name: p.read_bytes() for p in sorted(folder.iterdir())})


def dump(store: Store) -> dict[str, pd.DataFrame]:
    """Every row of every table, ordered, for comparing two states of a store."""
    out = {}
    with store.engine.connect() as conn:
        for table in metadata.sorted_tables:
            keys = [c for c in table.primary_key.columns] or list(table.columns)
            rows = conn.execute(sa.select(table).order_by(*keys)).all()
            out[table.name] = pd.DataFrame(rows, columns=[c.name for c in table.columns])
    return out


def assert_same(before: dict[str, pd.DataFrame], after: dict[str, pd.DataFrame]) -> None:
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name], obj=name)


def counts(store: Store) -> dict[str, int]:
    return store.counts()
