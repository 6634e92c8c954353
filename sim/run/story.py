"""The story of one replication of a run, as the main job ran it.

``story(scenario, replication, seed, replications, posterior=...)`` reruns the
block of the run that holds the replication (a replication's random numbers
depend on its block's seed and size only, and under a posterior it runs under
draw ``replication mod D``), telling the replication's events as they happen:
its outcome is that of the main job's row for it (tested).
``sim.analysis.summary.typical(results)`` picks the replication a reader should see first.
``sim.present.wording.story.render`` turns a story into plain text or Markdown.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from sim.model.story import Event, TellingModel
from sim.run.experiment import draw_layout, finish, parameter_sets
from sim.run.posterior import Posterior
from sim.run.seeding import BLOCK, block_seeds
from sim.scenario.schema import Scenario


@dataclass(frozen=True)
class Story:
    """One replication told: its events in time order, its beliefs before the truce and
    its row of the main job's replication table (``outcome``); ``kinds``: each actor's kind
    (party, spoiler, power), for the words."""

    scenario: str
    replication: int
    seed: int
    replications: int
    events: list[Event]
    initial_trust: list[tuple[str, str, float]]
    outcome: dict
    duration_days: int
    horizon_days: int
    kinds: dict[str, str]


def story(scenario: Scenario, replication: int, seed: int, replications: int,
          posterior: Posterior | None = None) -> Story:
    """Replication ``replication`` of a run of ``replications`` with root ``seed`` (under
    ``posterior``'s draws, as the main job runs it by default), told event by event."""
    if not 0 <= replication < replications:
        raise ValueError(f"replication must be between 0 and {replications - 1} "
                         f"(got {replication})")
    variants, draws = parameter_sets([scenario], replications, posterior)
    block = block_seeds(seed, replications)[replication // BLOCK]
    first, size, block_seed = block
    draw, layout = draw_layout(np.arange(first, first + size), 1, draws)
    model = TellingModel(variants[0], variants=variants, blocks=[(size, block_seed)],
                         record_daily=False, layout=layout, told=replication - first)
    results = finish(model, [block])
    if posterior is not None:
        results = replace(results, draw=draw)
    row = results.rows(slice(replication - first, replication - first + 1))
    outcome = row.replication_table().iloc[0].to_dict()
    return Story(scenario=scenario.name, replication=replication, seed=seed,
                 replications=replications, events=model.teller.events,
                 initial_trust=model.teller.initial_trust, outcome=outcome,
                 duration_days=model.truce_days, horizon_days=model.n_days,
                 kinds=dict(zip(model.theatre.actors, model.theatre.kind, strict=True)))
