from suites.memory.suite import MemoryConfig, MemorySuite

__all__ = ["MemoryConfig", "MemorySuite"]
