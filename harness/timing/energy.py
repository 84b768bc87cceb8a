"""Energy from the kernel's RAPL counters (``/sys/class/powercap/intel-rapl:*``; the same
driver serves AMD Zen), read around every timed burst.

A counter is cumulative microjoules that wraps at ``max_energy_range_uj``. The top-level
zones (``intel-rapl:N``, one per package) measure the whole socket, so a burst's energy is
the machine's, not the model's alone: that is why it is read only around bursts the
disturbance check accepted. Where no counter exists, or it is not readable (the kernel makes
``energy_uj`` root-only since CVE-2020-8694), the record says so: "n/a (no RAPL)", never an
estimate.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

POWERCAP = Path("/sys/class/powercap")


@dataclass(frozen=True)
class Zone:
    name: str  # package-0, core, dram, …
    energy_file: Path
    max_uj: int
    package: bool  # a top-level zone: what the headline figure sums

    @property
    def key(self) -> str:
        """How a reading names the zone: its directory and its name."""
        return f"{self.energy_file.parent.name} {self.name}"


def zones(root: Path | None = None) -> tuple[tuple[Zone, ...], str | None]:
    """The readable RAPL zones under ``root`` (default ``POWERCAP``), or none and why; found
    once per process."""
    return _zones(root or POWERCAP)


@cache
def _zones(root: Path) -> tuple[tuple[Zone, ...], str | None]:
    found = sorted(root.glob("intel-rapl:*")) if root.is_dir() else []
    if not found:
        return (), f"no RAPL: no {root}/intel-rapl:* zones on this machine"
    out = []
    for zone in found:
        try:
            name = (zone / "name").read_text().strip()
            max_uj = int((zone / "max_energy_range_uj").read_text())
            int((zone / "energy_uj").read_text())
        except PermissionError:
            return (), (f"no RAPL reading: {zone / 'energy_uj'} is not readable by this "
                        "user (the kernel restricts it to root)")
        except (OSError, ValueError):
            continue
        out.append(Zone(name, zone / "energy_uj", max_uj, zone.name.count(":") == 1))
    if not out:
        return (), f"no RAPL: no readable zone under {root}"
    return tuple(out), None


def unavailable(root: Path | None = None) -> str | None:
    return zones(root)[1]


def read(root: Path | None = None) -> dict[str, int] | None:
    """Every zone's counter now (µJ), or None without RAPL."""
    found, _ = zones(root)
    if not found:
        return None
    return {z.key: int(z.energy_file.read_text()) for z in found}


def used_uj(before: dict[str, int], after: dict[str, int], root: Path | None = None
            ) -> dict[str, int]:
    """Microjoules each zone used between two readings, across one counter wrap."""
    limits = {z.key: z.max_uj for z in zones(root)[0]}
    return {key: (after[key] - before[key]) % (limits[key] + 1) for key in before}


def package_keys(root: Path | None = None) -> list[str]:
    """The zones the headline sums: the top-level (package) ones."""
    return [z.key for z in zones(root)[0] if z.package]


def per_call(records: list[dict], calls: int, root: Path | None = None) -> dict:
    """A point's energy from its rounds' machine records (``disturbance.watched``): joules
    per forward call over every accepted burst, per package zone summed, and each zone's
    total; or why there is none."""
    reason = unavailable(root)
    if reason or not records or any(r.get("energy_uj") is None for r in records) or not calls:
        return {"energy": f"n/a ({reason or 'no RAPL reading around every burst'})"}
    totals: dict[str, int] = {}
    for record in records:
        for key, uj in record["energy_uj"].items():
            totals[key] = totals.get(key, 0) + uj
    package = sum(totals[k] for k in package_keys(root) if k in totals) / 1e6
    return {"joules_per_call": round(package / calls, 6),
            "energy_zones_j": {k: round(v / 1e6, 6) for k, v in totals.items()},
            "energy": "RAPL, package zones summed, over the timed bursts"}
