from suites.padding.suite import PaddingConfig, PaddingSuite

__all__ = ["PaddingConfig", "PaddingSuite"]
