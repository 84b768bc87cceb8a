"""RAPL energy on a fixture powercap tree: zones found, counters differenced across a wrap,
joules per call from the bursts; 'n/a' with the reason where no counter can be read."""

from __future__ import annotations

import pytest

from harness.timing import disturbance, energy


def _zone(root, zone: str, name: str, uj: int, max_uj: int = 10_000_000):
    directory = root / zone
    directory.mkdir(parents=True)
    (directory / "name").write_text(name + "\n")
    (directory / "energy_uj").write_text(f"{uj}\n")
    (directory / "max_energy_range_uj").write_text(f"{max_uj}\n")
    return directory / "energy_uj"


@pytest.fixture
def rapl(tmp_path, monkeypatch):
    energy._zones.cache_clear()
    monkeypatch.setattr(energy, "POWERCAP", tmp_path)
    files = {"package": _zone(tmp_path, "intel-rapl:0", "package-0", 9_000_000),
             "core": _zone(tmp_path, "intel-rapl:0:0", "core", 100)}
    yield tmp_path, files
    energy._zones.cache_clear()


def test_zones_counters_and_a_wrap(rapl):
    root, files = rapl
    before = energy.read(root)
    assert before == {"intel-rapl:0 package-0": 9_000_000, "intel-rapl:0:0 core": 100}
    files["package"].write_text("500000\n")  # wrapped at 10 J
    files["core"].write_text("2100\n")
    used = energy.used_uj(before, energy.read(root), root)
    assert used == {"intel-rapl:0 package-0": 1_500_001, "intel-rapl:0:0 core": 2000}
    assert energy.package_keys(root) == ["intel-rapl:0 package-0"]


def test_joules_per_call_from_the_bursts(rapl):
    root, _ = rapl
    records = [{"energy_uj": {"intel-rapl:0 package-0": 2_000_000, "intel-rapl:0:0 core": 10}},
               {"energy_uj": {"intel-rapl:0 package-0": 4_000_000, "intel-rapl:0:0 core": 20}}]
    got = energy.per_call(records, calls=12, root=root)
    assert got["joules_per_call"] == pytest.approx(0.5)  # 6 J over 12 calls, package only
    assert got["energy_zones_j"] == {"intel-rapl:0 package-0": 6.0, "intel-rapl:0:0 core": 3e-5}
    missing = energy.per_call([records[0], {"energy_uj": None}], calls=12, root=root)
    assert missing == {"energy": "n/a (no RAPL reading around every burst)"}


def test_a_burst_watched_records_the_energy_it_used(rapl):
    _, files = rapl

    def burst():
        files["package"].write_text("9300000\n")  # 0.3 J used while "timing"
        return [0.01]

    _, activity = disturbance.watched(burst)
    assert activity.energy_uj == {"intel-rapl:0 package-0": 300_000, "intel-rapl:0:0 core": 0}
    assert activity.to_dict()["energy_uj"]["intel-rapl:0 package-0"] == 300_000


def test_no_rapl_is_said_never_estimated(tmp_path):
    energy._zones.cache_clear()
    reason = energy.unavailable(tmp_path / "nowhere")
    assert reason.startswith("no RAPL: no ") and "intel-rapl" in reason
    assert energy.read(tmp_path / "nowhere") is None
    assert energy.per_call([{"energy_uj": None}], 5, tmp_path / "nowhere") == {
        "energy": f"n/a ({reason})"}


def test_an_unreadable_counter_is_named(tmp_path, monkeypatch):
    energy._zones.cache_clear()
    _zone(tmp_path, "intel-rapl:0", "package-0", 1)
    real = type(tmp_path).read_text

    def read_text(self, *args, **kwargs):
        if self.name == "energy_uj":
            raise PermissionError(13, "Permission denied")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(type(tmp_path), "read_text", read_text)
    reason = energy.unavailable(tmp_path)
    energy._zones.cache_clear()
    assert "not readable by this user" in reason and "energy_uj" in reason
