from suites.welfake.suite import WelfakeConfig, WelfakeSuite

__all__ = ["WelfakeConfig", "WelfakeSuite"]
