from suites.welfake.suite import WelfakeConfig, WelfakeSuite

SUITE = WelfakeSuite()

__all__ = ["SUITE", "WelfakeConfig", "WelfakeSuite"]
