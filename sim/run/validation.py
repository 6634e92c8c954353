"""Running the model on every truce of a corpus: what ``run.py validate`` scores.

Each truce's scenario runs as the main job runs it (``run_scenario``: the same blocks and
seeds, replication r under posterior draw r mod D), outcomes only, each model stopped once
every world's first collapse is known (``finish``: they are the full run's). Only the scenario is
given to the model; the outcome stays with the caller. Per replication it keeps the
first collapse, formal or de facto, and how it came: ``declared`` (a formal declaration
came first, or on the same day), ``eroded`` (violence back on the ground before any
declaration) or ``held`` (neither by the horizon).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from sim.run.posterior import Posterior
from sim.run.experiment import run_scenario
from sim.scenario.schema import Scenario

ENDINGS = ("declared", "eroded", "held")


@dataclass(frozen=True)
class Sample:
    """A truce's replications: each one's first collapse day (NaN: none by the horizon)
    and ending."""

    truce: str
    collapse_day: np.ndarray      # (R,) days after the start; NaN if it held to the horizon
    ending: np.ndarray            # (R,) 'declared', 'eroded' or 'held'
    draw: np.ndarray              # (R,) posterior draw, -1 without a posterior
    horizon_days: float
    seconds: float

    @property
    def declared(self) -> np.ndarray:
        return self.ending == "declared"


def sample_of(truce: str, results, seconds: float = 0.0) -> Sample:
    """The collapse days and endings of a run's ``Results``."""
    kind = results.kind_of_collapse
    ending = np.where(kind == "formal", "declared", np.where(kind == "", "held", "eroded"))
    draw = results.draw if results.draw is not None else np.full(results.replications, -1)
    return Sample(truce, results.collapse_day.astype(float), ending.astype(object),
                  np.asarray(draw), float(results.horizon_days), seconds)


def run_truces(scenarios: Sequence[tuple[str, Scenario]], replications: int, seed: int,
               posterior: Posterior | None = None,
               progress: Callable[[float], None] | None = None) -> list[Sample]:
    """Every truce's replications (``(id, scenario)`` pairs, in order), each run with the
    same ``seed`` and ``replications`` as the main job would run it."""
    samples = []
    for truce, scenario in scenarios:
        started = time.perf_counter()
        results = run_scenario(scenario, replications, seed, progress=progress,
                               record_daily=False, posterior=posterior,
                               until="first_collapse_known")
        samples.append(sample_of(truce, results, time.perf_counter() - started))
    return samples
