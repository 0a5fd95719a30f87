"""Jejaring dashboard entry point: ``streamlit run streamlit_app.py``.

Builds the shared context (config, store, sidebar filters) and hands over to the chosen page.
"""

import streamlit as st

from collectors.errors import StoreError
from dashboard import i18n
from dashboard.app import build_context, show_store_error

# (page file and URL path, title key, icon); the first one is the home page.
PAGES = [
    ("overview", "page_overview", ":material/dashboard:"),
    ("compare", "page_compare", ":material/compare_arrows:"),
    ("campaigns", "page_campaigns", ":material/campaign:"),
    ("posts", "page_posts", ":material/photo_library:"),
    ("data", "page_data", ":material/database:"),
]

st.set_page_config(page_title="Jejaring", page_icon=":material/local_library:", layout="wide")

ctx = build_context()
if ctx is None:
    st.stop()  # configuration error, or a visitor who may not see the data
pages = [
    st.Page(
        f"dashboard/pages/{name}.py",
        title=i18n.text(title, ctx.lang),
        icon=icon,
        url_path=name,
        default=index == 0,
    )
    for index, (name, title, icon) in enumerate(PAGES)
]
try:
    st.navigation(pages).run()
except StoreError as exc:  # the database failed while a page read it: a sentence, not a trace
    show_store_error(exc)
