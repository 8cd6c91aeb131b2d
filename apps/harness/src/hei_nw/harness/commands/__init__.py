"""The harness's commands: each parses its command line, plans, hands the work to the
library (``hei_nw.eval.registry.MODES``, ``hei_nw.train``, ``hei_nw.consolidate``) and
reports."""
