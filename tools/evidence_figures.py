"""Model 2's likelihood against the "complete" one (issue 15 item 1), at the posterior median.

    uv run python tools/evidence_figures.py [replications] [seed]

Prints, under each likelihood, on the reference scenario: 7-day survival; the effect of
strong verification (its counterfactual, paired); survival at opposition discipline 0.3
and 0.9 (paired); the share of days on which the opposition held every front that lower
the government's belief in it; and the largest daily move of any belief (while the truce
stands). The README's table of them (section "Evidence that knows its own noise").
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from sim.core.sampling import logistic
from sim.model.model import CeasefireModel
from sim.run.experiment import run_compared
from sim.run.posterior import SHIPPED, load_posterior
from sim.scenario.loading import load_scenario

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "scenarios" / "kerry_lavrov.yaml"
VERIFIED = ROOT / "scenarios" / "counterfactuals" / "strong_verification.yaml"


def at_median(path: Path, overrides: dict):
    return load_posterior(SHIPPED).at_median(load_scenario(path, overrides))


def survival(scenarios: list, replications: int, seed: int) -> list[float]:
    results = run_compared(scenarios, replications, seed, record_daily=False)
    return [float(r.survived_to(7).mean()) for r in results]


def belief_days(scenario, replications: int, seed: int) -> tuple[float, float, float]:
    """(share of the opposition's fully compliant days (its leadership held every front)
    whose evidence lowers the government's belief in it, the day's log-likelihood ratio
    being negative; largest daily move of any belief while the truce stands; share of
    world-days on which some belief moves more than 40 points)."""
    model = CeasefireModel(scenario, replications, rng=seed)
    gov, opp = (model.agent_of(model.theatre.index(n)) for n in ("government", "opposition"))
    row, observers = gov.slot[opp.index], list(model._observers)
    update, today = gov.update_beliefs, {}

    def reading() -> None:          # the day's evidence, as the update reads it
        k = gov.belief_k
        today["llr"] = (k.gap - gov.evidence.total() * k.log_ratio)[row]
        update()

    gov.update_beliefs = reading
    lowered = compliant = over = days = 0
    largest = 0.0
    while model.running:
        before = [logistic(o.logodds).copy() for o in observers]
        standing = ~(model.collapsed | model.ended)
        model.step()
        held = standing & ~(opp.posture[opp.fronts] > 0).any(0) & ~model.collapsed
        compliant += int(held.sum())
        lowered += int((held & (today["llr"] < 0)).sum())
        moved = np.max([np.abs(logistic(o.logodds) - b).max(0)
                        for o, b in zip(observers, before)], axis=0)[standing]
        largest = max(largest, float(moved.max(initial=0.0)))
        over += int((moved > 0.4).sum())
        days += int(standing.sum())
    return lowered / max(compliant, 1), largest, over / max(days, 1)


def main(replications: int = 2000, seed: int = 20160912) -> None:
    for likelihood in ("model2", "complete"):
        o = {"behaviour.beliefs.likelihood": likelihood}
        base, verified = survival([at_median(REFERENCE, o), at_median(VERIFIED, o)],
                                  replications, seed)
        low, high = survival([at_median(REFERENCE, {**o, "actors.opposition.discipline": d})
                              for d in (0.3, 0.9)], replications, seed)
        share, largest, over = belief_days(at_median(REFERENCE, o), replications, seed)
        print(f"{likelihood:9s} survival(7) {base:6.1%}  verification {100 * (verified - base):+5.1f} "
              f"points  discipline 0.3 -> 0.9 {low:6.1%} -> {high:6.1%}  compliant days lowering "
              f"trust {share:6.1%}  largest daily move {100 * largest:4.1f} points  world-days "
              f"moving > 40 points {over:5.1%}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
