"""Everything derived from stored results: leaderboard, plots, verdicts, comparisons, publish."""
