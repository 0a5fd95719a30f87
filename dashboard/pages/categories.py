"""Content categories page: which kind of post works best per library, and staff's control
to correct a post's category."""

from dashboard.app import context
from dashboard.insight_panels import categories_page

categories_page(context())
