"""Command line: ``python -m collectors demo|refresh|status``.

Parses arguments and prints; the work is done by the modules it calls.
"""

from collectors.cli import main

raise SystemExit(main())
