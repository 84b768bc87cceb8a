"""The harness: what every suite is built from and what the run and report halves read.

Below ``suites/`` and above ``models_registry/``; it never imports either of the layers
above it (``tests/test_layers.py`` checks every import, function-level ones included).

- ``records/``: the stored result (schema, typed metric records, roles), atomic writes,
  safe file names: the bottom layer, shared by the runner and the reports.
- ``suite.py``: the ``Suite`` base class and the config classes; ``options.py`` its flags.
- ``backends/``: inference runtimes and the synthetic parity gate.
- ``data/``, ``accuracy/``, ``qa/``: loaders, fine-tuning, scoring, the real-model parity
  check and extractive question answering, shared by the accuracy and serving suites.
- ``timing/``: disturbance checks and the GEMM roofline; ``ratios.py``: paired-ratio
  statistics; ``flops.py``, ``padding.py``, ``inputs.py``, ``runtime.py``, ``allocator.py``,
  ``lifecycle.py``, ``sizing.py``, ``table.py``, ``evidence.py``; ``environment.py``: what
  produced a number (packages, hardware fingerprint, git).

Importing this package never imports torch.
"""
