from suites.squad.suite import SquadConfig, SquadSuite

SUITE = SquadSuite()

__all__ = ["SUITE", "SquadConfig", "SquadSuite"]
