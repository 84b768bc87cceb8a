from suites.static.suite import StaticConfig, StaticSuite

__all__ = ["StaticConfig", "StaticSuite"]
