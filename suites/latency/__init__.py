from suites.latency.suite import LatencyConfig, LatencySuite

__all__ = ["LatencyConfig", "LatencySuite"]
