"""Data layer: local files or the hub in, fingerprinted labelled splits out.

Every loader returns :class:`~harness.data.dataset.LabelledTexts`, whose content fingerprint
goes into each result, so two numbers are only compared when they saw the same rows.
"""

from harness.data.dataset import LabelledTexts
from harness.data.errors import DataError

__all__ = ["DataError", "LabelledTexts"]
