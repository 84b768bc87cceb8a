"""The stored record of a job (schema) and atomic writes: shared by suites and bench."""
