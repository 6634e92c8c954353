"""Running replications: all of a scenario's (``run_scenario``), or a sweep's chunks
(``run_sweep``), with the seeds of ``sim.run.seeding``.

A scenario's blocks run together in one model, each block keeping its own seed,
so the same seed and replication count give the same results however they are
run, and runs with the same seed agree on every full block they share. A
sweep stacks many points into one model (parameter sets on the replication
axis): the points share their random numbers, and each point's rows equal a
single run of that point with the same seed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from sim.model.model import CeasefireModel
from sim.model.results import Results
from sim.run.chunks import block_size, chunks
from sim.run.pairing import shares_model
from sim.run.posterior import Posterior
from sim.run.seeding import BLOCK, block_seeds
from sim.scenario.schema import Scenario

if TYPE_CHECKING:
    from sim.run.store import ResultStore
    from sim.scenario.sweep import SweepPlan

#: Most worlds simulated in one model: memory stays bounded, and the arrays of a model this
#: size stay in cache (measured here: 5,000 worlds a model run about 10% faster per truce
#: than 20,000); a bigger run uses several.
MAX_WORLDS = 5_000


#: When a run may stop early, by name: the worlds (R,) whose outcomes no later day can
#: change. "settled": declared over and at war (collapse days, declarer, trigger, endings
#: and JIC start are the full run's); "first_collapse_known": declared over, ended standing
#: (expired, superseded) or back to war (a de facto collapse is known at the close of its
#: window and dated from the window's first day, so no later declaration can come first),
#: so the first collapse's day and kind are the full run's.
STOPS: dict[str, Callable[[CeasefireModel], np.ndarray]] = {
    "settled": lambda m: m.collapsed & m.de_facto,
    "first_collapse_known": lambda m: m.collapsed | m.ended | m.de_facto,
}


def run_blocks(scenarios: list[Scenario], blocks: list[tuple[int, int, int]],
               record_daily: bool = True, block_size: int = BLOCK,
               progress: Callable[[float], None] | None = None,
               layout: np.ndarray | None = None, until: str | None = None) -> Results:
    """One model: every parameter set in ``scenarios`` over the given blocks
    (first replication, size, seed), sharing their random numbers; or, with a
    ``layout``, each world under the parameter set the layout gives it."""
    model = CeasefireModel(scenarios[0], variants=scenarios,
                           blocks=[(size, seed) for _, size, seed in blocks],
                           record_daily=record_daily, layout=layout)
    return finish(model, blocks, block_size, progress, until)


def finish(model: CeasefireModel, blocks: list[tuple[int, int, int]], block_size: int = BLOCK,
           progress: Callable[[float], None] | None = None, until: str | None = None
           ) -> Results:
    """Step a model built over ``blocks`` (first replication, size, seed) to its horizon;
    its results, each replication with its block's seed.

    ``until``: stop as soon as every world is so (``STOPS``). Counts, harm, aid, beliefs
    and the per-day series stop at that day."""
    per_day = model.replications / model.n_days
    while model.running and not (until and STOPS[until](model).all()):
        model.step()
        if progress:
            progress(per_day)
    if progress and model.running:      # the days not run
        progress(per_day * (model.n_days - model.day))
    seeds = np.concatenate([np.full(size, seed, np.uint64) for _, size, seed in blocks])
    return model.results(seeds=np.tile(seeds, model.streams.sets),
                         first_replication=blocks[0][0], block_size=block_size)


def draw_layout(replications: np.ndarray, scenarios: int, draws: int
                ) -> tuple[np.ndarray, np.ndarray]:
    """Each replication's posterior draw (r mod the draws used) and the model's layout for
    ``scenarios`` side by side: row j, scenario j under that draw (``parameter_sets``'
    order)."""
    draw = replications % draws
    return draw, np.arange(scenarios)[:, None] * draws + draw[None, :]


def iter_groups(replications: int, seed: int, block: int = BLOCK
                ) -> Iterator[list[tuple[int, int, int]]]:
    """The run's blocks, in groups small enough for one model."""
    blocks = block_seeds(seed, replications, block)
    per_model = max(1, MAX_WORLDS // block)
    for start in range(0, len(blocks), per_model):
        yield blocks[start:start + per_model]


def run_scenario(scenario: Scenario, replications: int, seed: int,
                 progress: Callable[[float], None] | None = None,
                 record_daily: bool = True, posterior: Posterior | None = None,
                 until: str | None = None) -> Results:
    """All replications of a scenario, in order (under the posterior's draws, if given;
    ``until``: as ``finish``)."""
    return run_compared([scenario], replications, seed, progress, record_daily, posterior,
                        until)[0]


def parameter_sets(scenarios: list[Scenario], replications: int,
                   posterior: Posterior | None) -> tuple[list[Scenario], int]:
    """The parameter sets a run of ``replications`` uses: each scenario under each draw it
    uses (replication r under draw r mod draws), scenario-major; and the number of draws
    (1 without a posterior)."""
    draws = posterior.used(replications) if posterior is not None else 1
    return [v for sc in scenarios for v in (
        posterior.scenarios(sc, draws) if posterior is not None else [sc])], draws


def run_compared(scenarios: list[Scenario], replications: int, seed: int,
                 progress: Callable[[float], None] | None = None,
                 record_daily: bool = True, posterior: Posterior | None = None,
                 until: str | None = None) -> list[Results]:
    """All replications of each scenario, side by side in one model per group of blocks:
    replication r of every scenario runs on the same random numbers and, with a
    posterior, under the same draw (r mod the draws used), so the differences between
    them are the scenarios' (common random numbers and parameters, paired).

    A scenario that differs from the first in the conflict's facts (``sim.run.pairing``)
    runs in models of its own on the same seed, blocks and draws: its streams are paired
    with the first's by name. The caller has refused scenarios that cannot be compared
    (``pairing.incomparable``)."""
    if replications < 1:
        raise ValueError(f"replications must be at least 1 (got {replications})")
    apart = [i for i, sc in enumerate(scenarios[1:], 1) if not shares_model(scenarios[0], sc)]
    if apart:
        together = [i for i in range(len(scenarios)) if i not in apart]
        runs = dict(zip(together, _side_by_side([scenarios[i] for i in together],
                                                replications, seed, progress, record_daily,
                                                posterior, until), strict=True))
        for i in apart:
            runs[i] = _side_by_side([scenarios[i]], replications, seed, progress,
                                    record_daily, posterior, until)[0]
        return [runs[i] for i in range(len(scenarios))]
    return _side_by_side(scenarios, replications, seed, progress, record_daily, posterior,
                         until)


def _side_by_side(scenarios: list[Scenario], replications: int, seed: int,
                  progress: Callable[[float], None] | None, record_daily: bool,
                  posterior: Posterior | None, until: str | None = None) -> list[Results]:
    """``run_compared`` for scenarios that share one model."""
    variants, draws = parameter_sets(scenarios, replications, posterior)
    parts: list[list[Results]] = [[] for _ in scenarios]
    for group in iter_groups(replications, seed):
        reps = np.arange(group[0][0], group[0][0] + sum(size for _, size, _ in group))
        draw, layout = draw_layout(reps, len(scenarios), draws)
        r = run_blocks(variants, group, record_daily, progress=progress, layout=layout,
                       until=until)
        for j in range(len(scenarios)):
            part = replace(r.rows(slice(j * len(reps), (j + 1) * len(reps))),
                           scenario_name=scenarios[j].name)   # the model bears the first's
            parts[j].append(replace(part, draw=draw) if posterior is not None else part)
    return [p[0] if len(p) == 1 else Results.concatenate(p) for p in parts]


# -- sweeps -------------------------------------------------------------------------

def run_batch(task: tuple[list[tuple[str, int, Scenario]], int, int, int, int]
              ) -> list[tuple[str, pd.DataFrame]]:
    """Run several chunks of a sweep that share one block in one model, anywhere (a
    module-level function, so it pickles).

    ``task`` is ([(key, point, scenario)], first replication, size, seed, block size);
    returns each chunk's key and its rows (outcomes only, no per-day series).
    """
    chunks, first, size, seed, block = task
    with threadpool_limits(1):    # parallelism comes from workers, not BLAS threads
        table = run_blocks([sc for _, _, sc in chunks], [(first, size, seed)],
                           record_daily=False, block_size=block).replication_table()
    out = []
    for i, (key, point, _) in enumerate(chunks):
        rows = table.iloc[i * size:(i + 1) * size].drop(columns="parameter_set")
        rows.insert(0, "point", point)
        out.append((key, rows.reset_index(drop=True)))
    return out


def batches(plan: SweepPlan, todo: list) -> Iterator[tuple]:
    """Chunks still to run, grouped by block into tasks of at most ``MAX_WORLDS`` worlds, and
    into at least four tasks per block where there are enough chunks (so two workers share
    the work, and an interrupted sweep loses little)."""
    block = block_size(plan)
    by_block: dict[int, list] = {}
    for c in todo:
        by_block.setdefault(c.block, []).append(c)
    for same_block in by_block.values():
        per_task = max(1, min(MAX_WORLDS // max(same_block[0].size, 1),
                              -(-len(same_block) // 4)))
        for start in range(0, len(same_block), per_task):
            group = same_block[start:start + per_task]
            c = group[0]
            yield ([(g.key, g.point, plan.scenarios[g.point]) for g in group], c.first,
                   c.size, c.seed, block)


def run_sweep(plan: SweepPlan, store: ResultStore, executor, done: set[str],
              progress: Callable[[int], None] | None = None) -> int:
    """Run every chunk not in ``done`` (the store's finished chunks), storing each as its
    batch finishes, on ``executor`` (already entered: the caller connects before it
    creates the store, and stops it).

    Returns the number of chunks run. Interrupting loses at most the batches in
    flight; the next call resumes.
    """
    todo = [c for c in chunks(plan) if c.key not in done]
    sizes = {c.key: c.size for c in todo}
    for results in executor.imap_unordered(run_batch, batches(plan, todo)):
        for key, rows in results:
            store.write(key, rows)
            if progress:
                progress(sizes[key])
    return len(todo)
