from suites.latency.suite import LatencyConfig, LatencySuite

SUITE = LatencySuite()

__all__ = ["SUITE", "LatencyConfig", "LatencySuite"]
