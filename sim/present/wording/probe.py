"""One-at-a-time probes in words (``run.py explain``): the table, and what the answer hangs
on most, each move with its paired interval."""

from __future__ import annotations

import pandas as pd

from sim.analysis.probe import FACTORS, Probed
from sim.present.wording.numbers import pct


def probe_table(probes: list[Probed]) -> pd.DataFrame:
    """A row per value and factor: the value, the survival of each, the paired difference
    and its 95% sampling interval (and across the posterior draws, where they ran)."""
    rows = []
    for rank, p in enumerate(probes, 1):
        for factor, value, e in zip(FACTORS, p.values, p.effects, strict=True):
            s = e.survival if e is not None else None
            rows.append({
                "rank": rank, "path": p.path, "kind": p.kind, "value": p.value,
                "factor": factor, "probed_value": value, "alone": factor in p.alone,
                "survival": s.counterfactual if s else None,
                "survival_unchanged": s.base if s else None,
                "difference": s.difference if s else None,
                "difference_lo": s.sampling[0] if s else None,
                "difference_hi": s.sampling[1] if s else None,
                "difference_draws_lo": s.parameters[0] if s and s.parameters else None,
                "difference_draws_hi": s.parameters[1] if s and s.parameters else None,
                "move_10": p.move_10, "move_50": p.move_50})
    return pd.DataFrame(rows)


def _move(p: Probed, factors: tuple[float, float]) -> str:
    cells = []
    for factor, e in zip(FACTORS, p.effects, strict=True):
        if factor not in factors:
            continue
        if e is None:
            cells.append(f"x{factor:g}: at its bound")
            continue
        s = e.survival
        cells.append(f"x{factor:g} {100 * s.difference:+.1f} ({100 * s.sampling[0]:+.1f} to "
                     f"{100 * s.sampling[1]:+.1f})")
    return "; ".join(cells)


def findings(probes: list[Probed], base_survival: float, duration_days: float) -> list[str]:
    """In short: what the answer hangs on most at ±10% and at ±50%, and what hardly moves."""
    if not probes:
        return ["Nothing to probe: the scenario states no numeric value that is not zero."]
    top10 = max(probes, key=lambda p: p.move_10)
    top50 = max(probes, key=lambda p: p.move_50)
    still = [p for p in probes if p.move_50 < 0.01]
    lines = [f"Survival to day {duration_days:g} is {pct(base_survival)} as the scenario "
             "stands.",
             f"At ±10% it hangs most on `{top10.path}` ({top10.value:g}): "
             f"{_move(top10, (0.9, 1.1))} points, paired, 95% interval.",
             f"At ±50% it hangs most on `{top50.path}` ({top50.value:g}): "
             f"{_move(top50, (0.5, 1.5))} points."]
    if still:
        lines.append(f"{len(still)} of {len(probes)} values move it by less than a point "
                     "even at ±50%.")
    return lines


def markdown(probes: list[Probed]) -> list[str]:
    """The ranked table, one row a value: survival's change at each factor."""
    out = ["| rank | value probed | kind | value | x0.5 | x0.9 | x1.1 | x1.5 | move ±10% | "
           "move ±50% |", "|---|---|---|---|---|---|---|---|---|---|"]
    for rank, p in enumerate(probes, 1):
        cells = " | ".join("at bound" if e is None else f"{100 * e.survival.difference:+.1f}"
                           for e in p.effects)
        alone = " (alone)" if p.alone else ""
        out.append(f"| {rank} | `{p.path}`{alone} | {p.kind} | {p.value:g} | {cells} | "
                   f"{100 * p.move_10:.1f} | {100 * p.move_50:.1f} |")
    return out
