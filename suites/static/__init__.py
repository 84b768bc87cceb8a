from suites.static.suite import StaticConfig, StaticSuite

SUITE = StaticSuite()

__all__ = ["SUITE", "StaticConfig", "StaticSuite"]
