from suites.padding.suite import PaddingConfig, PaddingSuite

SUITE = PaddingSuite()

__all__ = ["SUITE", "PaddingConfig", "PaddingSuite"]
