"""Comparative benchmark suite for compact BERT-family encoders.

Data flows registry (``models_registry``) → suite (``suites``) → run machinery
(``bench.run``: jobs, runner, worker, store) → results (``harness.records``,
``results/runs``) → reports (``bench.report``: leaderboard, plots, verdicts, publish).
"""

__version__ = "0.1.0"
