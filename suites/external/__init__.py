from suites.external.suite import ExternalConfig, ExternalSuite

SUITE = ExternalSuite()

__all__ = ["SUITE", "ExternalConfig", "ExternalSuite"]
