"""The sign-in gate with AppTest's simulated st.user: no data before the allow-list check."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from collectors.config import Access, parse_config
from collectors.errors import ConfigError
from dashboard.access import decide

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")
AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret",
    "client_id": "id",
    "client_secret": "secret",
    "server_metadata_url": "https://accounts.google.com/.well-known/openid-configuration",
}


@pytest.fixture
def gated(tmp_path, monkeypatch):
    text = (ROOT / "jejaring.toml").read_text() + (
        '\n[access]\nallowed_emails = ["Kepala@UMA.ac.id"]\nallowed_domains = ["unimed.ac.id"]\n'
    )
    path = tmp_path / "jejaring.toml"
    path.write_text(text)
    db = tmp_path / "gate.db"
    monkeypatch.setenv("JEJARING_CONFIG", str(path))
    monkeypatch.setenv("JEJARING_DATABASE_URL", f"sqlite:///{db}")
    return db


def app(user=None, auth=True) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if auth:
        at.secrets["auth"] = AUTH
    at.user = user if user is not None else {"is_logged_in": False}
    return at.run()


def test_visitor_not_signed_in_sees_only_the_sign_in_page(gated):
    at = app()
    assert not at.exception
    assert [b.label for b in at.button] == ["Masuk"]
    assert not at.metric and not at.dataframe and not at.get("plotly_chart")
    assert not gated.exists(), "the store is not even opened before the check"


def test_signed_in_but_not_listed_sees_no_access_and_sign_out(gated):
    at = app({"is_logged_in": True, "email": "tamu@gmail.com", "email_verified": True})
    assert "tamu@gmail.com" in at.error[0].value and "tidak memiliki akses" in at.error[0].value
    assert [b.label for b in at.button] == ["Keluar"]
    assert not at.metric and not gated.exists()


def test_listed_people_see_the_dashboard(gated):
    for email in ("kepala@uma.ac.id", "staf@unimed.ac.id"):
        at = app({"is_logged_in": True, "email": email, "email_verified": True})
        assert not at.exception
        assert at.title[0].value == "Ringkasan per perpustakaan"
        assert len(at.metric) >= 12
        assert f"Masuk sebagai {email}" in at.sidebar.caption[0].value


def test_unverified_email_is_refused(gated):
    at = app({"is_logged_in": True, "email": "kepala@uma.ac.id", "email_verified": False})
    assert at.error and not at.metric


def test_sign_in_asked_but_not_set_up_stays_closed(gated):
    at = app({"is_logged_in": True, "email": "kepala@uma.ac.id"}, auth=False)
    assert "[auth]" in at.error[0].value
    assert not at.metric and not gated.exists()


def test_no_allow_list_means_no_sign_in(tmp_path, monkeypatch):
    monkeypatch.setenv("JEJARING_DATABASE_URL", f"sqlite:///{tmp_path / 'open.db'}")
    monkeypatch.setenv("JEJARING_CONFIG", str(ROOT / "jejaring.toml"))
    at = app()
    assert at.title[0].value == "Ringkasan per perpustakaan"


def test_decide_and_allow_list_rules():
    access = Access(("a@uma.ac.id",), ("unimed.ac.id",))
    assert decide(Access(), {}, False) == "open"
    assert decide(access, {}, False) == "misconfigured"
    assert decide(access, {"is_logged_in": False}, True) == "login"
    assert (
        decide(access, {"is_logged_in": True, "email": "x@unimed.ac.id.evil.com"}, True) == "denied"
    )
    assert decide(access, {"is_logged_in": True, "email": "x@sub.unimed.ac.id"}, True) == "denied"
    signed = {"is_logged_in": True, "email_verified": True}
    assert decide(access, signed | {"email": "A@UMA.ac.id"}, True) == "allowed"


def test_access_config_is_validated():
    base = (ROOT / "jejaring.toml").read_text()
    with pytest.raises(ConfigError, match="allowed_emails.*'kepala' is not valid"):
        parse_config(base + '\n[access]\nallowed_emails = ["kepala"]\n')
    with pytest.raises(ConfigError, match="unknown key"):
        parse_config(base + '\n[access]\nallow = ["x@y.id"]\n')


# -- strict addresses and verified claims (issue #11 item 6) ------------------------------

ALLOWED = Access(("a@uma.ac.id",), ("unimed.ac.id",))
SIGNED = {"is_logged_in": True, "email_verified": True}


@pytest.mark.parametrize(
    "email",
    [
        "x@evil.com@unimed.ac.id",  # two '@': the part before the last one is not the address
        "x@unimed.ac.id@evil.com",
        "@unimed.ac.id",
        "x@",
        "x y@unimed.ac.id",
        "x@unimed.ac.id.",
        "x@.unimed.ac.id",
        "a@uma.ac.id\n",
        "",
        None,
        ["a@uma.ac.id"],
    ],
)
def test_only_a_well_formed_address_is_compared(email):
    if email == "a@uma.ac.id\n":
        assert ALLOWED.allows(email), "surrounding white space is not part of the address"
        return
    assert not ALLOWED.allows(email)
    assert decide(ALLOWED, SIGNED | {"email": email}, True) == "denied"


def test_addresses_and_domains_compare_whole_and_in_lower_case():
    assert ALLOWED.allows("A@UMA.AC.ID") and ALLOWED.allows("staf@UNIMED.ac.id")
    assert not ALLOWED.allows("aa@uma.ac.id") and not ALLOWED.allows("x@unimed.ac.id.evil.com")
    assert not ALLOWED.allows("x@xunimed.ac.id")


@pytest.mark.parametrize("claim", [None, False, "false", "true", 1, "yes"])
def test_email_verified_must_be_the_boolean_true(claim):
    user = {"is_logged_in": True, "email": "a@uma.ac.id", "provider": "google"}
    if claim is not None:
        user["email_verified"] = claim
    assert decide(ALLOWED, user, True) == "denied"
    assert decide(ALLOWED, user | {"email_verified": True}, True) == "allowed"


def test_a_provider_listed_as_trusted_needs_no_email_verified_claim():
    text = (ROOT / "jejaring.toml").read_text() + (
        '\n[access]\nallowed_domains = ["unimed.ac.id"]\nprovider = "microsoft"\n'
        'unverified_email_providers = ["microsoft"]\n'
    )
    access = parse_config(text).access
    user = {"is_logged_in": True, "email": "staf@unimed.ac.id"}
    assert decide(access, user | {"provider": "microsoft"}, True) == "allowed"
    assert decide(access, user | {"provider": "google"}, True) == "denied"
    assert decide(access, user | {"provider": "microsoft", "email": "x@evil.id"}, True) == "denied"


def test_signed_in_without_the_claim_sees_no_data(gated):
    at = app({"is_logged_in": True, "email": "kepala@uma.ac.id", "provider": "default"})
    assert at.error and not at.metric and not gated.exists()
