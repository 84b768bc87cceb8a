"""Serving under load on MLPerf LoadGen."""

from suites.serving.suite import ServingSuite

SUITE = ServingSuite()
