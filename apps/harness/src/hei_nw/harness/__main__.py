"""``python -m hei_nw.harness``: same as the ``harness`` console script."""

from hei_nw.harness.cli import main

raise SystemExit(main())
