from suites.external.suite import ExternalConfig, ExternalSuite

__all__ = ["ExternalConfig", "ExternalSuite"]
