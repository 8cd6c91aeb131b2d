"""``python -m hei_nw.harness`` (and ``accelerate launch -m hei_nw.harness train ...``)."""

from hei_nw.harness.cli import main

raise SystemExit(main())
