"""[[libraries.services]] in jejaring.toml: parsed into typed services, and every mistake
named with its file, line, entry and field like the rest of the configuration."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from collectors.config import load_config, parse_config
from collectors.errors import ConfigError

TEXT = """\
timezone = "Asia/Jakarta"

[[libraries]]
id = "uma"
name = "Perpustakaan UMA"
color = "#1b7f3b"
instagram = ["perpustakaan.uma"]

[[libraries.services]]
kind = "whatsapp"
name = "Ask Librarian UMA"
staff = ["Perpustakaan UMA", " Rina "]
hours = "07:30-15:00"
days = ["Mon", "tue", "wednesday", "thu", "fri", "sat"]
silence_minutes = 90

[[libraries]]
id = "unimed"
name = "Digital Library UNIMED"
color = "#1f5fa8"

[[libraries.services]]
kind = "whatsapp"
name = "Tanya Pustakawan"
staff = ["Digilib UNIMED"]
"""


def test_services_are_parsed_with_their_defaults():
    uma, unimed = parse_config(TEXT, "x.toml").libraries
    (service,) = uma.services
    assert service.staff == ("Perpustakaan UMA", "Rina")
    assert (service.opens, service.closes) == (dt.time(7, 30), dt.time(15, 0))
    assert service.days == (0, 1, 2, 3, 4, 5)
    assert service.silence_minutes == 90
    (other,) = unimed.services
    assert (other.opens, other.closes, other.days, other.silence_minutes) == (
        dt.time(8),
        dt.time(16),
        (0, 1, 2, 3, 4),
        60,
    )


def test_the_shipped_configuration_has_umas_service():
    config = load_config(Path(__file__).parent.parent / "jejaring.toml")
    (service,) = config.library("uma").services
    assert (service.kind, service.name) == ("whatsapp", "Ask Librarian UMA")
    assert service.staff  # placeholder names staff must replace


@pytest.mark.parametrize(
    ("old", "new", "entry", "field", "line", "words"),
    [
        ('silence_minutes = 90', 'silence_minutes = 90\nsilense = 1',
         "libraries[1] (id 'uma') services[1]", "silense", 16, "unknown key"),
        ('kind = "whatsapp"\nname = "Ask', 'kind = "telegram"\nname = "Ask',
         "libraries[1] (id 'uma') services[1]", "kind", 10, "'telegram' is not a service"),
        ('staff = ["Perpustakaan UMA", " Rina "]', 'staff = []',
         "libraries[1] (id 'uma') services[1]", "staff", 12, "display names of the staff"),
        ('hours = "07:30-15:00"', 'hours = "15:00-07:30"',
         "libraries[1] (id 'uma') services[1]", "hours", 13, "not a span of service hours"),
        ('hours = "07:30-15:00"', 'hours = "pagi"',
         "libraries[1] (id 'uma') services[1]", "hours", 13, "'pagi' is not a span"),
        ('"fri", "sat"]', '"fri", "minggu"]',
         "libraries[1] (id 'uma') services[1]", "days", 14, "list of weekdays"),
        ("silence_minutes = 90", "silence_minutes = 0",
         "libraries[1] (id 'uma') services[1]", "silence_minutes", 15, "from 5 to 1440"),
        ('staff = ["Digilib UNIMED"]', 'staff = "Digilib UNIMED"',
         "libraries[2] (id 'unimed') services[1]", "staff", 25, "display names"),
        ('name = "Tanya Pustakawan"', 'name = ""',
         "libraries[2] (id 'unimed') services[1]", "name", 24, "non-empty string"),
    ],
)  # fmt: skip
def test_each_service_mistake_names_entry_field_and_line(old, new, entry, field, line, words):
    assert old in TEXT
    with pytest.raises(ConfigError) as info:
        parse_config(TEXT.replace(old, new, 1), "jejaring.toml")
    err = info.value
    assert (err.entry, err.field, err.line) == (entry, field, line)
    assert words in str(err)
    assert str(err).startswith(f"jejaring.toml, line {line}: ")


def test_duplicate_service_name_in_one_library():
    block = TEXT[TEXT.index("[[libraries.services]]") : TEXT.index('[[libraries]]\nid = "unimed"')]
    text = TEXT.replace(block, block + block, 1)
    with pytest.raises(ConfigError) as info:
        parse_config(text, "jejaring.toml")
    assert info.value.entry == "libraries[1] (id 'uma') services[2]"
    assert info.value.line == 19 and "duplicate service name" in str(info.value)
