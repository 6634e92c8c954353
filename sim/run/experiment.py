"""Running replications: all of a scenario's (``run_scenario``), or a sweep's chunks
(``run_sweep``), block by block with the seeds of ``sim.run.seeding``.

Same seed and replication count, same results, however and wherever the blocks
run: runs with the same seed agree on every full block they share.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from sim.model.model import CeasefireModel
from sim.model.results import Results
from sim.scenario.schema import Scenario
from sim.run.seeding import BLOCK, block_seeds

__all__ = ["BLOCK", "block_seeds", "run_block", "iter_blocks", "run_scenario", "run_chunk",
           "run_sweep"]

if TYPE_CHECKING:
    from sim.run.store import ResultStore
    from sim.scenario.sweep import SweepPlan


def run_block(scenario: Scenario, first: int, size: int, seed: int,
              record_daily: bool = True, block_size: int = BLOCK) -> Results:
    """Simulate one block of replications to the horizon (``first`` is a multiple of
    ``block_size``, the size of the run's full blocks)."""
    model = CeasefireModel(scenario, replications=size, rng=seed, record_daily=record_daily)
    while model.running:
        model.step()
    return model.results(seeds=np.full(size, seed, np.uint64), first_replication=first,
                         block_size=block_size)


def iter_blocks(scenario: Scenario, replications: int, seed: int,
                record_daily: bool = True) -> Iterator[Results]:
    for first, size, block_seed in block_seeds(seed, replications):
        yield run_block(scenario, first, size, block_seed, record_daily)


def run_scenario(scenario: Scenario, replications: int, seed: int,
                 progress: Callable[[int], None] | None = None,
                 record_daily: bool = True) -> Results:
    """All replications of a scenario, joined in order."""
    if replications < 1:
        raise ValueError(f"replications must be at least 1 (got {replications})")
    parts = []
    for part in iter_blocks(scenario, replications, seed, record_daily):
        parts.append(part)
        if progress:
            progress(part.replications)
    return Results.concatenate(parts)


# -- sweeps -------------------------------------------------------------------------

def run_chunk(task: tuple[str, Scenario, int, int, int, int, int]
              ) -> tuple[str, pd.DataFrame]:
    """Run one chunk of a sweep, anywhere (a module-level function, so it pickles).

    ``task`` is (key, scenario, point, first replication, size, seed, block size);
    returns the key and one row per replication, outcomes only (no per-day series).
    """
    key, scenario, point, first, size, seed, block = task
    with threadpool_limits(1):    # parallelism comes from workers, not BLAS threads
        rows = run_block(scenario, first, size, seed, record_daily=False,
                         block_size=block).replication_table()
    rows.insert(0, "point", point)
    return key, rows


def run_sweep(plan: SweepPlan, store: ResultStore, executor, done: set[str],
              progress: Callable[[int], None] | None = None) -> int:
    """Run every chunk not in ``done`` (the store's finished chunks), storing each as it
    finishes, on ``executor`` (already entered: the caller connects before it creates the
    store, and stops it).

    Returns the number of chunks run. Interrupting loses at most the chunks in
    flight; the next call resumes.
    """
    todo = [c for c in plan.chunks if c.key not in done]
    block = plan.describe()["block"]
    tasks = ((c.key, plan.scenarios[c.point], c.point, c.first, c.size, c.seed, block)
             for c in todo)
    sizes = {c.key: c.size for c in todo}
    for key, rows in executor.imap_unordered(run_chunk, tasks):
        store.write(key, rows)
        if progress:
            progress(sizes[key])
    return len(todo)
