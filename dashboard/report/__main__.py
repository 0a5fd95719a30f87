"""``python -m dashboard.report``: see :mod:`dashboard.report.cli`."""

from dashboard.report.cli import main

raise SystemExit(main())
