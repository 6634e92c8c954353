"""What each reviewed fact does to the reference (issue 15 item 6, docs/fact_review.md).

    uv run python tools/review_figures.py [replications]

At the shipped posterior's median, seed 20160912, common random numbers: 7-day survival
of the reference with each value of scenarios/kerry_lavrov_reviewed.yaml alone (ranges at
their midpoints), then all together, and the paired difference from the reference with
its standard error.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sim.run.experiment import run_scenario
from sim.run.posterior import SHIPPED, load_posterior
from sim.scenario.loading import load_scenario

REFERENCE = Path(__file__).resolve().parents[1] / "scenarios" / "kerry_lavrov.yaml"
med = load_posterior(SHIPPED).at_median
R = int(sys.argv[1]) if len(sys.argv) > 1 else 2000


def reference(overrides: dict):
    return load_scenario(REFERENCE, overrides or None)


parts = {"reference": {},
 "precedent shares (mids)": {"precedent.violence_share.government": 0.21, "precedent.violence_share.opposition": 0.24, "precedent.violence_share.russia": 0.225},
 "russia.commitment 0.55": {"actors.russia.commitment": 0.55},
 "spoilers' war rates 4.6": {"actors.nusra.war_rate": 4.6, "actors.isis.war_rate": 4.6},
 "obstruction 0.6": {"mechanisms.humanitarian.obstruction": 0.6},
 "strike_risk 0.05": {"mechanisms.humanitarian.strike_risk": 0.05},
 "pull-back at Aleppo": {"mechanisms.humanitarian.pullback": ["aleppo_east"]},
}
allv = {}
for v in parts.values(): allv |= v
parts["all (at midpoints)"] = allv
base = None
for name, ov in parts.items():
    s = run_scenario(med(reference(ov)), R, 20160912, record_daily=False).survived_to(7).astype(float)
    if base is None: base = s
    d = s - base
    print(f"{name:28s} {100*s.mean():5.1f}%  paired {100*d.mean():+5.1f} (se {100*d.std(ddof=1)/R**0.5:.1f})")
