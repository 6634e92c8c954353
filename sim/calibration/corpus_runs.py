"""Particles of the corpus calibration run on one truce: each parameter set on random
numbers of its own, each model stopped as soon as every one of its worlds is settled.

A particle is a row of constants. Its replications form a block with a seed of its own
(``np.random.SeedSequence([seed, crc32(truce), particle])``) and takes each uncertain fact of the
scenario at its value in draw ``particle`` (``sim.run.facts``), so no two particles
share their chance and a particle's outcomes do not depend on which others ran beside it, nor on how the
particles were split between models or workers. A truce runs only as long as its
observed outcome takes to be known (``Event.horizon``), and a model stops on the first
day on which every world's first collapse is known
(``sim.run.experiment.STOPS``).
"""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from sim.calibration.outcome_likelihood import CODES, LONGEST
from sim.run.experiment import MAX_WORLDS, run_blocks
from sim.run.facts import drawn, with_facts
from sim.run.posterior import with_behaviour
from sim.scenario.schema import Scenario


@dataclass(frozen=True)
class Task:
    """One truce for rows of constants (module-level data: it crosses to workers)."""

    truce: str
    scenario: Scenario            # its horizon already cut to the event's
    paths: tuple[str, ...]
    values: np.ndarray            # (particles, constants)
    particles: np.ndarray         # (particles,) each row's index in the whole search
    replications: int
    seed: int
    forms: dict[str, Any]         # the forms every particle runs under

    @property
    def key(self) -> str:
        """What its outcomes depend on besides the constants and the code: the truce, its
        scenario as run, the replications, the seed and the forms."""
        text = json.dumps([self.truce, self.scenario.model_dump(mode="json"),
                           self.replications, self.seed, self.forms], sort_keys=True,
                          default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def with_horizon(scenario: Scenario, days: int) -> Scenario:
    """``scenario`` run until every collapse dated up to day ``days`` is known: a de facto
    collapse is known at the close of its window, ``de_facto_window_days`` - 1 days after
    its date (within the schema's limit on a run's days)."""
    window = scenario.outcomes.window
    return with_facts(scenario, {"time.horizon_days": float(min(LONGEST, days + window - 1))})


def particle_seeds(seed: int, truce: str, particles: np.ndarray) -> np.ndarray:
    """Each particle's own seed on a truce, from the search's seed, the truce's name and the
    particle's index: no two truces (nor the reference) share a particle's chance, so the
    estimates multiplied across truces are independent."""
    tag = zlib.crc32(truce.encode())
    return np.array([np.random.SeedSequence([seed, tag, int(i)]).generate_state(1)[0]
                     for i in particles], dtype=np.uint64)


def simulate(task: Task) -> tuple[str, np.ndarray, np.ndarray, np.ndarray]:
    """(truce, particle indices, collapse days (particles, R), ending codes (particles, R))
    of a task, at most ``MAX_WORLDS`` worlds a model."""
    R = task.replications
    per_model = max(1, MAX_WORLDS // R)
    seeds = particle_seeds(task.seed, task.truce, task.particles)
    days, endings = [], []
    for start in range(0, len(task.values), per_model):
        rows = task.values[start:start + per_model]
        variants = [drawn(with_behaviour(task.scenario, task.forms | dict(
            zip(task.paths, map(float, row), strict=True))), int(i))
            for row, i in zip(rows, task.particles[start:start + len(rows)], strict=True)]
        blocks = [(0, R, int(s)) for s in seeds[start:start + len(rows)]]
        layout = np.repeat(np.arange(len(rows)), R)[None, :]
        with threadpool_limits(1):
            results = run_blocks(variants, blocks, record_daily=False, layout=layout,
                                 until="first_collapse_known")
        kind = results.kind_of_collapse
        ended = np.isin(results.endings, ("expired", "superseded"))
        code = np.where(kind == "formal", CODES["declared"],
                        np.where(kind != "", CODES["eroded"],
                                 np.where(ended, CODES["ended"], CODES["held"])))
        days.append(results.collapse_day.reshape(len(rows), R))
        endings.append(code.astype(np.int8).reshape(len(rows), R))
    return task.truce, task.particles, np.concatenate(days), np.concatenate(endings)
