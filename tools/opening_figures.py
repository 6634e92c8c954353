"""Decisions that start from the deal (issue 15 item 7), at the posterior median.

    uv run python tools/opening_figures.py [replications] [seed]

Prints, on the reference scenario, for Model 2 and each opt-in form (common random
numbers): the share of fronts holding at the end of day 1; the share of worlds where the
opposition left some front on day 1; 7-day survival; of truces standing at day 7, the
share whose eastern Aleppo received a convoy; and the government's mean fire on day 1 at
eastern Aleppo and at Ghouta. The README's table of them (section "Decisions that start
from the deal").
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from sim.model.model import CeasefireModel
from sim.run.posterior import SHIPPED, load_posterior
from sim.scenario.loading import load_scenario

REFERENCE = Path(__file__).resolve().parents[1] / "scenarios" / "kerry_lavrov.yaml"
FIRST = {"behaviour.party.first_revision_day": 1}
PULLBACK = {"mechanisms.humanitarian.pullback": ["aleppo_east"]}
STAKE = {"behaviour.fronts.siege_stake": 2}
CASES = {"Model 2": {}, "first revision day 1": FIRST, "pull-back at Aleppo": PULLBACK,
         "siege stake 2": STAKE, "all three": FIRST | PULLBACK | STAKE}


def measure(overrides: dict, replications: int, seed: int) -> dict[str, float]:
    scenario = load_posterior(SHIPPED).at_median(load_scenario(REFERENCE, overrides))
    model = CeasefireModel(scenario, replications, rng=seed, record_daily=False)
    regions = list(model.theatre.regions)
    aleppo, ghouta = regions.index("aleppo_east"), regions.index("damascus_ghouta")
    siege = list(model.theatre.siege_region).index(aleppo)
    reached, new_day = np.zeros(replications, bool), model.convoys.new_day

    def counting() -> None:         # the truce's week, as history.md counts it
        if model.day < 7:
            reached[:] |= model.convoys.through[siege] > 0
        new_day()

    model.convoys.new_day = counting
    opposition, government = model.actor("opposition"), model.actor("government")
    model.step()
    figures = {"opposition's fronts holding, day 1": (model.front_status[opposition.fronts] == 0).mean(),
               "opposition left a front, day 1":
                   (opposition.posture[opposition.fronts] > 0).any(0).mean(),
               "fire at eastern Aleppo, day 1": government.rate[aleppo].mean(),
               "fire at Ghouta, day 1": government.rate[ghouta].mean()}
    while model.running:
        model.step()
    standing = model.results().survived_to(7)
    figures["7-day survival"] = standing.mean()
    figures["aid reached eastern Aleppo, standing at day 7"] = reached[standing].mean()
    return figures


def main(replications: int = 2000, seed: int = 20160912) -> None:
    for name, overrides in CASES.items():
        figures = measure(overrides, replications, seed)
        print(f"{name}: " + "; ".join(f"{k} {v:.3f}" for k, v in figures.items()))


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
