"""Comparative benchmark suite for compact BERT-family encoders.

Data flows registry (``models_registry``) → suite (``suites``) → runner (``bench.runner``)
→ results (``bench.result_schema``, ``results/runs``) → leaderboard (``bench.leaderboard``).
"""

__version__ = "0.1.0"
