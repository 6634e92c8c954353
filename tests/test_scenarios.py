"""One behaviour for every truce: shipped scenarios state facts and the terms of a deal.

Behavioural constants (``behaviour:``) are shared by all scenarios: their priors are the
agent classes' declarations and their values come from the calibration's posterior
(``calibration/posterior.csv``), estimated from the two historical truces and nothing
else. A scenario file that set them would be tuned, not described. Sweep files may vary
them (to probe how much an answer depends on them) but only in their ``sweep:``
section, never as a base value.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sim.scenario.loading import load_scenario
from sim.scenario.schema import Behaviour

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").rglob("*.yaml"))


def _raw(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_shipped_scenario_sets_a_behavioural_constant(path):
    data = _raw(path)
    assert "behaviour" not in data, f"{path.name} sets behaviour: {data['behaviour']}"


@pytest.mark.parametrize("path", [p for p in SCENARIOS if "sweep" not in _raw(p)],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_scenario_runs_with_the_shared_behaviour(path):
    scenario = load_scenario(path)
    assert scenario.behaviour == Behaviour()


def test_the_calibration_uses_the_two_historical_truces_and_nothing_else():
    """Held-out honesty: truces the project has not seen are judged with a posterior that
    never saw them, so the calibration file names exactly the two shipped historical
    scenarios (September and February 2016)."""
    data = _raw(ROOT / "calibration" / "calibration.yaml")
    used = {(ROOT / "calibration" / t["scenario"]).resolve() for t in data["truces"].values()}
    assert used == {ROOT / "scenarios" / "kerry_lavrov.yaml",
                    ROOT / "scenarios" / "feb2016_cessation.yaml"}
    assert {p["truce"] for p in data["patterns"]} == set(data["truces"])
