"""``harness``: evaluate HEI-NW modes over scenarios A-E, train readers, consolidate, compare.

Examples::

    harness --mode B0 --scenario A -n 64 --seed 7
    harness --mode B1                        # the shipped reader, the episode only in memory
    harness --mode B0 --scenario E --baseline long-context
    harness train --preset smoke --out /tmp/reader   # see `harness train --help`
    harness compare reports/baseline/A_B0_metrics.json reports/m1-episodic-adapter/A_B1_metrics.json
    harness consolidate --scenario A -n 100 --store runs/s --out runs/lora   # see --help
    harness --mode B3 --scenario A -n 100 --lora runs/lora   # closed book: LoRA, no memory

Each command lives in :mod:`hei_nw.harness.commands`: parse, plan, hand the work to the
library, report. This module only picks the command.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from hei_nw.harness.commands.compare import main as compare_main
from hei_nw.harness.commands.consolidate import consolidate_main
from hei_nw.harness.commands.run import run_main
from hei_nw.harness.commands.train import train_main

COMMANDS: dict[str, Callable[[list[str]], int]] = {
    "train": train_main,
    "compare": compare_main,
    "consolidate": consolidate_main,
}
"""Sub-commands by name; anything else is an evaluation run (``harness --mode ...``)."""


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    command = COMMANDS.get(arguments[0]) if arguments else None
    if command is not None:
        return command(arguments[1:])
    return run_main(arguments)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
