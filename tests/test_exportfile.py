"""collectors/exportfile.py: numbers and times as exports write them in either locale, text
encodings, CSV separators and rows with their lines."""

from __future__ import annotations

import datetime as dt

import pytest

from collectors.errors import ImportFileError
from collectors.exportfile import Part, clock_seconds, decode, number, read_table, when


@pytest.mark.parametrize(
    ("text", "decimal_comma", "value"),
    [
        ("1,234", False, 1234.0),  # English thousands
        ("1,234", True, 1.234),  # a decimal comma
        ("1.234", True, 1234.0),  # Indonesian thousands
        ("1.234.567,5", False, 1234567.5),  # unambiguous either way
        ("12,5", False, 12.5),
        ("4.8%", False, 4.8),
        ("-3", False, -3.0),
        ("1\u00a0234", True, 1234.0),  # no-break space as thousands separator
        ("", False, None),
        ("—", False, None),
    ],
)
def test_numbers_in_either_locale(text, decimal_comma, value):
    assert number(text, decimal_comma) == value


@pytest.mark.parametrize("text", ["abc", "1,2,3", "1.2.3,4,5", "12 apel"])
def test_text_that_is_no_number_is_refused(text):
    with pytest.raises(ValueError):
        number(text)


def test_studio_durations():
    assert clock_seconds("0:02:53") == 173
    assert clock_seconds("7:24") == 444
    assert clock_seconds("1.820", decimal_comma=True) == 1820
    assert clock_seconds("") is None
    with pytest.raises(ValueError):
        clock_seconds("0:00:60")


@pytest.mark.parametrize(
    ("text", "order", "moment", "has_time"),
    [
        ("Oct 3, 2026", "mdy", dt.datetime(2026, 10, 3), False),  # Studio, English
        ("3 Okt 2026", "mdy", dt.datetime(2026, 10, 3), False),  # Studio, Indonesian
        ("12 Agu 2026", "mdy", dt.datetime(2026, 8, 12), False),
        ("10/21/2026 19:05", "mdy", dt.datetime(2026, 10, 21, 19, 5), True),  # Meta
        ("21/10/2026 19.05", "dmy", dt.datetime(2026, 10, 21, 19, 5), True),
        ("2026-06-13T00:00:00", "mdy", dt.datetime(2026, 6, 13), True),  # Meta daily
        ("11/25/2026 2:05 PM", "mdy", dt.datetime(2026, 11, 25, 14, 5), True),
    ],
)
def test_dates_and_times(text, order, moment, has_time):
    assert when(text, order)[:2] == (moment, has_time)


def test_text_that_is_no_date():
    assert when("kemarin sore") is None and when("13/13/2026") is None


def test_encodings_and_separators():
    assert decode(Part("a.csv", "\ufeffa;b\n".encode()), "a.csv") == ("a;b\n", [])
    text, notices = decode(Part("a.csv", "Tanggal;Catatan\n1;caf\xe9\n".encode("cp1252")), "a")
    assert text.endswith("café\n") and notices[0].key == "import_warn_not_text_utf8"
    table = read_table('a;b\n1;"x;\ny"\n\n2;3\n', "a.csv")
    assert table.delimiter == ";"
    assert table.rows == [(2, ["1", "x;\ny"]), (5, ["2", "3"])]  # each row with its line


def test_a_row_cut_off_names_its_line():
    with pytest.raises(ImportFileError) as info:
        read_table("a,b,c\n1,2,3\n4,5\n", "x.csv")
    assert str(info.value).startswith("x.csv, line 3: has 2 values but the header has 3")
