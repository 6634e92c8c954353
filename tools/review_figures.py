"""What each reviewed fact does to the reference (issue 15 item 6, docs/fact_review.md).

    uv run python tools/review_figures.py [replications]

At the shipped posterior's median, seed 20160912, common random numbers: 7-day survival
of the reference with each group of values of scenarios/kerry_lavrov_reviewed.yaml alone
(ranges at their midpoints), then the reviewed file itself (all of them), with the paired
difference from the reference and its standard error.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sim import dotted
from sim.run.experiment import run_scenario
from sim.run.posterior import SHIPPED, load_posterior
from sim.scenario.loading import load_scenario

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
REFERENCE, REVIEWED = SCENARIOS / "kerry_lavrov.yaml", SCENARIOS / "kerry_lavrov_reviewed.yaml"
SEED = 20160912

#: The reviewed values, grouped by what they are about (ranges at their midpoints).
GROUPS = {
    "precedent shares": ("precedent.violence_share.government",
                         "precedent.violence_share.opposition",
                         "precedent.violence_share.russia"),
    "Russia's commitment": ("actors.russia.commitment",),
    "spoilers' war rates": ("actors.nusra.war_rate", "actors.isis.war_rate"),
    "obstruction": ("mechanisms.humanitarian.obstruction",),
    "strike risk": ("mechanisms.humanitarian.strike_risk",),
    "the pull-back at Aleppo": ("mechanisms.humanitarian.pullback",),
    "assumed values as ranges": (
        "actors.government.strength", "actors.government.air_power",
        "actors.opposition.strength", "actors.opposition.war_rate",
        "actors.nusra.strength", "actors.isis.strength", "actors.russia.leverage",
        "actors.united_states.commitment"),
}


def main(replications: int = 2000) -> None:
    at_median = load_posterior(SHIPPED).at_median
    reviewed = load_scenario(REVIEWED)
    runs = {"the reference": load_scenario(REFERENCE)}
    for name, paths in GROUPS.items():
        runs[name] = load_scenario(REFERENCE, {p: dotted.get(reviewed, p) for p in paths})
    runs["the reviewed file (all)"] = reviewed
    base = None
    for name, scenario in runs.items():
        s = run_scenario(at_median(scenario), replications, SEED,
                         record_daily=False).survived_to(7).astype(float)
        base = s if base is None else base
        d = s - base
        print(f"{name:28s} {100 * s.mean():5.1f}%  paired {100 * d.mean():+5.1f} "
              f"(se {100 * d.std(ddof=1) / replications ** 0.5:.1f})")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:2]))
