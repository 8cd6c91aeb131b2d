"""``python -m hei_nw.server --store DIR --keys FILE``."""

from hei_nw.server.main import main

raise SystemExit(main())
