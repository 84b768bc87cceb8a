from suites.memory.suite import MemoryConfig, MemorySuite

SUITE = MemorySuite()

__all__ = ["SUITE", "MemoryConfig", "MemorySuite"]
