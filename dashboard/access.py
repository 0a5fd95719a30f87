"""The sign-in gate: with an allow-list in jejaring.toml, only listed people see any data.

Uses Streamlit's OpenID Connect support (st.login, st.user). Runs before the store is
opened, so nothing is read or computed for a visitor who is not allowed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from collectors.config import Access
from dashboard import i18n


def _auth_configured(secrets: Any) -> bool:
    try:
        return secrets is not None and "auth" in secrets
    except Exception:  # no secrets file at all
        return False


def decide(access: Access, user: Mapping[str, Any], auth_configured: bool) -> str:
    """open (no sign-in asked), misconfigured, login, denied or allowed.

    A listed address counts only when the provider vouches for it: the ID token's
    ``email_verified`` claim must be the boolean true (absent, false or the text "true" are
    refused), unless the provider the visitor signed in with (``st.user["provider"]``) is
    named in ``[access] unverified_email_providers``.
    """
    if not access.required:
        return "open"
    if not auth_configured:
        return "misconfigured"
    if user.get("is_logged_in") is not True:
        return "login"
    verified = user.get("email_verified") is True or access.trusts_without_verification(
        user.get("provider")
    )
    if not verified or not access.allows(user.get("email")):
        return "denied"
    return "allowed"


def require_access(access: Access, secrets: Any) -> bool:
    """Render the sign-in or no-access page and return False, or return True."""
    lang = st.session_state.get("lang", i18n.DEFAULT_LANGUAGE)
    t = lambda key, **kw: i18n.text(key, lang, **kw)  # noqa: E731
    user = st.user.to_dict()
    verdict = decide(access, user, _auth_configured(secrets))
    if verdict == "open":
        return True
    if verdict == "allowed":
        st.sidebar.caption(t("signed_in_as", email=user.get("email", "")))
        st.sidebar.button(t("sign_out"), on_click=st.logout, key="sign_out")
        return True
    st.title("Jejaring")
    if verdict == "misconfigured":
        st.error(t("auth_missing"))
    elif verdict == "login":
        st.write(t("sign_in_needed"))
        args = (access.provider,) if access.provider else ()
        st.button(t("sign_in"), on_click=st.login, args=args, type="primary", key="sign_in")
    else:
        st.error(t("no_access", email=str(user.get("email", "?"))))
        st.button(t("sign_out"), on_click=st.logout, key="sign_out")
    return False
