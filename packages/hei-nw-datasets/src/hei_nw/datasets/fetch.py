"""``python -m hei_nw.datasets.fetch``: fetch the SQuAD files once (see :mod:`.squad`)."""

from __future__ import annotations

import sys

from hei_nw.datasets.squad import SquadDataError, fetch


def main() -> int:
    try:
        print(fetch())
    except SquadDataError as error:
        print(f"hei-nw: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
