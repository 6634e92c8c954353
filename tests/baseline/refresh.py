"""Refresh the regression baseline, on purpose only:

    uv run python tests/baseline/refresh.py

Writes ``kerry_lavrov.json``: the summary of a fixed-seed run of the reference.
``tests/test_baseline.py`` compares every new run with it, so any change to the
model's behaviour shows up as a diff to review (and commit with a reason).
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
REPLICATIONS, SEED = 1000, 1


def baseline() -> dict:
    from dataclasses import asdict

    from sim.analysis.summary import summarize
    from sim.run.experiment import run_scenario
    from sim.scenario.loading import load_scenario

    scenario = load_scenario(ROOT / "scenarios" / "kerry_lavrov.yaml")
    summary = asdict(summarize(run_scenario(scenario, REPLICATIONS, SEED, record_daily=False)))
    return json.loads(json.dumps(summary))      # tuples to lists, as stored


if __name__ == "__main__":
    (HERE / "kerry_lavrov.json").write_text(json.dumps(baseline(), indent=1, sort_keys=True)
                                            + "\n", encoding="utf-8")
    print(f"wrote {HERE / 'kerry_lavrov.json'}")
