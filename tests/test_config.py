"""Configuration loading: the shipped file, and one clear error for each kind of mistake."""

from __future__ import annotations

import datetime as dt
import os
import threading
from pathlib import Path

import pytest

from collectors.config import load_config, load_settings, parse_config
from collectors.errors import ConfigError

GOOD = """\
timezone = "Asia/Jakarta"

[[libraries]]
id = "uma"
name = "Perpustakaan UMA"
color = "#1b7f3b"
instagram = ["perpustakaan.uma"]
youtube = ["@perpustakaanuma"]

[[libraries]]
id = "unimed"
name = "Digital Library UNIMED"
color = "#1f5fa8"
youtube = ["UCabcdefghijklmnopqrstuv"]

[[campaigns]]
id = "lit"
name = "Bulan Literasi"
start = 2025-09-01
end = 2025-09-30
libraries = ["uma", "unimed"]
hashtags = ["BulanLiterasi", "#perpustakaanbersama"]
"""


def test_shipped_config_loads_and_marks_unconfirmed_handles():
    cfg = load_config(Path(__file__).parent.parent / "jejaring.toml")
    assert [lib.id for lib in cfg.libraries] == ["uma", "unimed"]
    assert cfg.timezone == "Asia/Jakarta"
    assert all(not lib.handles_confirmed for lib in cfg.libraries)
    assert cfg.campaigns[0].libraries == ("uma", "unimed")


def test_good_config_is_normalised():
    cfg = parse_config(GOOD, "x.toml")
    uma, unimed = cfg.libraries
    assert uma.instagram == ("perpustakaan.uma",)
    assert unimed.youtube == ("UCabcdefghijklmnopqrstuv",)
    camp = cfg.campaigns[0]
    assert camp.hashtags == ("#bulanliterasi", "#perpustakaanbersama")
    assert (camp.start, camp.end) == (dt.date(2025, 9, 1), dt.date(2025, 9, 30))
    assert cfg.instagram.recheck_days == 30


def _error(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        parse_config(text, "jejaring.toml")
    return info.value


@pytest.mark.parametrize(
    ("old", "new", "entry", "field", "line", "words"),
    [
        # unknown key in a library
        (
            'color = "#1b7f3b"',
            'color = "#1b7f3b"\ncolour = "red"',
            "libraries[1] (id 'uma')",
            "colour",
            7,
            "unknown key",
        ),
        # unknown top-level key
        (
            'timezone = "Asia/Jakarta"',
            'timezone = "Asia/Jakarta"\ntimezon = "x"',
            None,
            "timezon",
            2,
            "unknown top-level key",
        ),
        # missing id
        ('id = "unimed"\n', "", "libraries[2]", "id", 10, "is missing"),
        # duplicate library id
        ('id = "unimed"', 'id = "uma"', "libraries[2]", "id", 11, "duplicate id 'uma'"),
        # campaign naming an unknown library
        (
            'libraries = ["uma", "unimed"]',
            'libraries = ["uma", "unmed"]',
            "campaigns[1] (id 'lit')",
            "libraries",
            21,
            "unknown library 'unmed'",
        ),
        # end before start
        (
            "end = 2025-09-30",
            "end = 2025-08-30",
            "campaigns[1] (id 'lit')",
            "end",
            20,
            "before start",
        ),
        # malformed Instagram handle
        (
            'instagram = ["perpustakaan.uma"]',
            'instagram = ["perpus uma"]',
            "libraries[1] (id 'uma')",
            "instagram",
            7,
            "not an Instagram username",
        ),
        # malformed YouTube handle
        (
            'youtube = ["@perpustakaanuma"]',
            'youtube = ["perpustakaanuma"]',
            "libraries[1] (id 'uma')",
            "youtube",
            8,
            "neither a YouTube @handle",
        ),
        # bad colour
        (
            'color = "#1f5fa8"',
            'color = "blue"',
            "libraries[2] (id 'unimed')",
            "color",
            13,
            "not a colour",
        ),
        # bad time zone
        (
            'timezone = "Asia/Jakarta"',
            'timezone = "Asia/Medan"',
            None,
            "timezone",
            1,
            "not a time zone",
        ),
        # campaign date written as a string
        (
            "start = 2025-09-01",
            'start = "2025-09-01"',
            "campaigns[1] (id 'lit')",
            "start",
            19,
            "without quotes",
        ),
    ],
)
def test_each_mistake_names_entry_field_and_line(old, new, entry, field, line, words):
    assert old in GOOD
    err = _error(GOOD.replace(old, new, 1))
    assert err.path == "jejaring.toml"
    assert err.entry == entry
    assert err.field == field
    assert err.line == line
    assert words in str(err)
    assert str(err).startswith(f"jejaring.toml, line {line}: ")


def test_duplicate_campaign_id():
    text = GOOD + GOOD[GOOD.index("[[campaigns]]") :]
    err = _error(text)
    assert err.entry == "campaigns[2]" and err.field == "id"
    assert "duplicate id 'lit'" in str(err)


def test_toml_syntax_error_gives_line():
    err = _error(GOOD.replace('name = "Perpustakaan UMA"', 'name = "Perpustakaan UMA'))
    assert err.line == 5
    assert "TOML syntax error" in str(err)
    assert str(err).startswith("jejaring.toml, line 5: TOML syntax error")


def test_same_account_under_two_libraries_is_refused():
    err = _error(
        GOOD.replace('youtube = ["UCabcdefghijklmnopqrstuv"]', 'youtube = ["@PerpustakaanUMA"]')
    )
    assert err.field == "youtube"
    assert "also listed under library 'uma'" in str(err)


def test_missing_file_names_path(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "nope.toml")
    assert "nope.toml" in str(info.value) and "not found" in str(info.value)


def test_settings_come_from_environment_then_secrets():
    env = {"JEJARING_DATABASE_URL": "sqlite:///x.db", "YOUTUBE_API_KEY": "sekret-key"}
    settings = load_settings(env, {"INSTAGRAM_USER": "dedicated", "YOUTUBE_API_KEY": "other"})
    assert settings.database_url == "sqlite:///x.db"
    assert settings.youtube_api_key == "sekret-key"
    assert settings.instagram_user == "dedicated"
    assert "sekret-key" not in repr(settings)
    assert load_settings({}).database_url == "sqlite:///data/jejaring.db"


# -- insights: [categories], [digest], the digest's mail server --

INSIGHTS = """
[categories]
order = ["crowdsourcing", "humanizing", "orienting", "showcasing"]

[categories.orienting]
keywords = ["Jam Layanan", "panduan"]
hashtags = ["Pengumuman"]

[categories.urls]
"https://www.instagram.com/p/ABC/" = "humanizing"

[digest]
recipients = ["kepala@uma.ac.id"]
language = "en"
sender = "jejaring@uma.ac.id"
"""


def test_categories_and_digest_sections_are_parsed():
    from collectors.config import DEFAULT_CATEGORY_RULES

    cfg = parse_config(GOOD + INSIGHTS)
    rules = {r.category: r for r in cfg.categories.rules}
    assert rules["orienting"].keywords == ("jam layanan", "panduan")
    assert rules["orienting"].hashtags == ("#pengumuman",)
    assert rules["showcasing"].keywords == DEFAULT_CATEGORY_RULES["showcasing"][0]  # default
    assert cfg.categories.urls == {"https://www.instagram.com/p/ABC/": "humanizing"}
    assert cfg.digest.recipients == ("kepala@uma.ac.id",) and cfg.digest.language == "en"
    assert parse_config(GOOD).digest.recipients == ()


def test_shipped_category_rules_are_the_documented_defaults():
    from collectors.config import Categories

    shipped = load_config(Path(__file__).parent.parent / "jejaring.toml")
    assert shipped.categories == Categories()
    assert shipped.digest.language == "id"


@pytest.mark.parametrize(
    ("old", "new", "entry", "field", "line", "words"),
    [
        (
            'keywords = ["Jam Layanan", "panduan"]',
            'keywords = "x"\nwords = []',
            "[categories.orienting]",
            "words",
            29,
            "unknown key",
        ),
        (
            'hashtags = ["Pengumuman"]',
            'hashtags = ["#jam layanan"]',
            "[categories.orienting]",
            "hashtags",
            29,
            "not a hashtag",
        ),
        (
            'keywords = ["Jam Layanan", "panduan"]',
            "keywords = [1]",
            "[categories.orienting]",
            "keywords",
            28,
            "list of strings",
        ),
        (
            '/ABC/" = "humanizing"',
            '/ABC/" = "fun"',
            "[categories.urls]",
            "https://www.instagram.com/p/ABC/",
            32,
            "not a category",
        ),
        (
            'order = ["crowdsourcing", "humanizing", "orienting", "showcasing"]',
            'order = ["orienting"]',
            "[categories]",
            "order",
            25,
            "each of",
        ),
        (
            'recipients = ["kepala@uma.ac.id"]',
            'recipients = ["kepala"]',
            "[digest]",
            "recipients",
            35,
            "not an e-mail",
        ),
        ('language = "en"', 'language = "fr"', "[digest]", "language", 36, "'id' or 'en'"),
        (
            'sender = "jejaring@uma.ac.id"',
            'sender = "jejaring"\ncc = 1',
            "[digest]",
            "cc",
            38,
            "unknown key",
        ),
    ],
)
def test_insights_sections_name_the_line(old, new, entry, field, line, words):
    text = GOOD + INSIGHTS
    assert old in text
    err = _error(text.replace(old, new, 1))
    assert (err.entry, err.field, err.line) == (entry, field, line)
    assert words in str(err)


def test_smtp_settings_from_environment_never_show_the_password():
    from collectors.config import smtp_settings

    assert smtp_settings(load_settings({})) is None
    env = {
        "JEJARING_SMTP_HOST": "smtp.uma.ac.id",
        "JEJARING_SMTP_PORT": "2525",
        "JEJARING_SMTP_STARTTLS": "false",
        "JEJARING_SMTP_USER": "jejaring",
        "JEJARING_SMTP_PASSWORD": "SENTINEL-SMTP-PASS",
    }
    settings = load_settings(env)
    smtp = smtp_settings(settings)
    assert (smtp.host, smtp.port, smtp.starttls, smtp.user) == (
        "smtp.uma.ac.id",
        2525,
        False,
        "jejaring",
    )
    assert "SENTINEL" not in repr(settings) and "SENTINEL" not in repr(smtp)
    from_secrets = smtp_settings(load_settings({}, {"JEJARING_SMTP_HOST": "mail.x.id"}))
    assert from_secrets.port == 587 and from_secrets.starttls
    for name, value, words in [
        ("JEJARING_SMTP_PORT", "smtp", "not a port"),
        ("JEJARING_SMTP_STARTTLS", "maybe", "true or false"),
    ]:
        with pytest.raises(ConfigError) as info:
            smtp_settings(load_settings({**env, name: value}))
        assert name in str(info.value) and words in str(info.value)
    with pytest.raises(ConfigError) as info:
        smtp_settings(load_settings({**env, "JEJARING_SMTP_PASSWORD": ""}))
    assert "set both or neither" in str(info.value)
    assert "SENTINEL" not in str(info.value)


# -- the file itself and the single tables (issue #11, #12) ------------------------------


def test_a_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "jejaring.toml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode("utf-8"))  # as Windows Notepad saves it
    assert [lib.id for lib in load_config(path).libraries] == ["uma", "unimed"]
    assert parse_config("\ufeff" + GOOD).timezone == "Asia/Jakarta"


def test_a_folder_is_refused_with_a_sentence(tmp_path):
    with pytest.raises(ConfigError, match="is a folder, not a file"):
        load_config(tmp_path)


def test_a_named_pipe_is_refused_before_it_is_opened(tmp_path):
    path = tmp_path / "jejaring.toml"
    os.mkfifo(path)
    # A writer that feeds the pipe once someone opens it: the old code read it (and failed
    # with a TOML error) instead of blocking for ever in this test.
    feeder = threading.Thread(target=lambda: path.write_text("= garbage"), daemon=True)
    feeder.start()
    try:
        with pytest.raises(ConfigError, match="not a regular file"):
            load_config(path)
    finally:
        reader = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # lets the feeder's open return
        feeder.join()
        os.close(reader)


def test_a_file_that_cannot_be_read_is_refused_with_a_sentence(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(ConfigError, match="cannot be read"):
        load_config(blocker / "jejaring.toml")  # a path through a file: Not a directory


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file: permissions do not bite")
def test_a_file_without_read_permission_is_refused(tmp_path):
    path = tmp_path / "jejaring.toml"
    path.write_text(GOOD)
    path.chmod(0)
    with pytest.raises(ConfigError, match="cannot be read"):
        load_config(path)


@pytest.mark.parametrize(
    ("table", "words", "line"),
    [
        ("[instagram]\nrecheck_days = 0\n", "[instagram]: field 'recheck_days'", 2),
        ("[instagram]\nrecheck = 3\n", "[instagram]: field 'recheck': unknown key", 2),
        ('[access]\nallowed_emails = ["kepala"]\n', "[access]: field 'allowed_emails'", 2),
        ("[access]\nallow = 1\n", "[access]: field 'allow': unknown key", 2),
        ("[network]\ndeadline = 0\n", "field 'deadline': must be a number of seconds", 2),
        ('[network]\n\nretries = "3"\n', "field 'retries': must be a whole number", 3),
        ("[network]\nretries = 2.5\n", "field 'retries': must be a whole number", 2),
        ("[network]\ntimeout = 3\n", "[network]: field 'timeout': unknown key", 2),
        ("[network]\ndeadline = 90\ncall_budget = 30\n", "shorter than deadline", 3),
    ],
)
def test_single_table_mistakes_name_their_line(table, words, line):
    start = len(GOOD.splitlines())
    err = _error(GOOD + table)
    assert words in str(err)
    assert err.line == start + line, str(err)


def test_network_options_are_read():
    network = parse_config(GOOD + "[network]\ndeadline = 20\ncall_budget = 45.5\nretries = 0\n")
    assert (network.network.deadline, network.network.call_budget) == (20.0, 45.5)
    assert network.network.retries == 0
    default = parse_config(GOOD).network
    assert (default.deadline, default.call_budget, default.retries) == (60.0, 180.0, 4)
