"""Shared helpers: paths and cached scenario runs (a run is deterministic given its inputs)."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from sim.calibration.posterior import SHIPPED, load_posterior
from sim.run.experiment import run_scenario
from sim.scenario.loading import load_scenario
from sim.model.results import Results

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
REFERENCE = SCENARIOS / "kerry_lavrov.yaml"
CONTRAST = SCENARIOS / "feb2016_cessation.yaml"


@functools.lru_cache(maxsize=64)
def _run(path: str, replications: int, seed: int, overrides: tuple, daily: bool,
         posterior: bool) -> Results:
    scenario = load_scenario(path, dict(overrides))
    return run_scenario(scenario, replications, seed, record_daily=daily,
                        posterior=load_posterior(SHIPPED) if posterior else None)


def run(path: Path, replications: int, seed: int, daily: bool = False,
        posterior: bool = False, **overrides) -> Results:
    """Results of a scenario with dotted-path overrides (``a__b__c=v`` means ``a.b.c``),
    under the hand-set constants or, with ``posterior``, the shipped posterior's draws."""
    items = tuple(sorted((k.replace("__", "."), v) for k, v in overrides.items()))
    return _run(str(path), replications, seed, items, daily, posterior)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT
