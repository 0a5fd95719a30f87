"""Jejaring dashboard entry point: ``streamlit run streamlit_app.py``.

Builds the shared context (config, store, sidebar filters) and hands over to the chosen page.
"""

import streamlit as st

from dashboard import i18n
from dashboard.app import build_context

st.set_page_config(page_title="Jejaring", page_icon=":material/local_library:", layout="wide")

ctx = build_context()
lang = ctx.lang if ctx else i18n.DEFAULT_LANGUAGE
pages = [
    st.Page(
        "dashboard/pages/overview.py",
        title=i18n.text("page_overview", lang),
        icon=":material/dashboard:",
        url_path="overview",
        default=True,
    ),
    st.Page(
        "dashboard/pages/compare.py",
        title=i18n.text("page_compare", lang),
        icon=":material/compare_arrows:",
        url_path="compare",
    ),
    st.Page(
        "dashboard/pages/campaigns.py",
        title=i18n.text("page_campaigns", lang),
        icon=":material/campaign:",
        url_path="campaigns",
    ),
    st.Page(
        "dashboard/pages/posts.py",
        title=i18n.text("page_posts", lang),
        icon=":material/photo_library:",
        url_path="posts",
    ),
    st.Page(
        "dashboard/pages/data.py",
        title=i18n.text("page_data", lang),
        icon=":material/database:",
        url_path="data",
    ),
]
if ctx is None:
    st.stop()  # configuration error, or a visitor who may not see the data
st.navigation(pages).run()
