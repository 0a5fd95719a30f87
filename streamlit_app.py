"""Jejaring dashboard entry point: ``streamlit run streamlit_app.py``.

Builds the shared context (config, store, sidebar filters) and hands over to the chosen page.
"""

from pathlib import Path

import streamlit as st

from collectors.errors import StoreError
from dashboard import i18n
from dashboard.app import build_context, finish, notices, show_store_error

# (page file and URL path, title key, icon); the first one is the home page.
PAGES = [
    ("overview", "page_overview", ":material/dashboard:"),
    ("compare", "page_compare", ":material/compare_arrows:"),
    ("campaigns", "page_campaigns", ":material/campaign:"),
    ("posts", "page_posts", ":material/photo_library:"),
    ("categories", "page_categories", ":material/category:"),
    ("services", "page_services", ":material/support_agent:"),
    ("data", "page_data", ":material/database:"),
]

# A local icon: Streamlit fetches ":material/…:" page icons from a font CDN (nothing else
# of the dashboard leaves the machine).
ICON = str(Path(__file__).resolve().parent / "dashboard" / "icon.svg")
st.set_page_config(page_title="Jejaring", page_icon=ICON, layout="wide")

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
navigation = st.navigation(pages)
notices(ctx)  # above every page: demo data, unconfirmed handles, failed refreshes
try:
    navigation.run()
except StoreError as exc:  # the database failed while a page read it: a sentence, not a trace
    show_store_error(exc)
finish()  # the view's URL and the marker that the page has finished
