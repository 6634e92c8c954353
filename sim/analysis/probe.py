"""One-at-a-time probes of the behavioural constants: does an answer hang on one of them?

    python -m sim.analysis.probe scenarios/kerry_lavrov.yaml [-r 2000] [-s SEED] [--out FILE]

For every behavioural constant (``behaviour.*``, shared by all scenarios), the
scenario runs at the constant's value x 0.5, 0.9, 1.1 and 1.5 (clipped to its
declared range) beside the unchanged value, all five as parameter sets of one
model, so they share their random numbers: the differences are the constant's,
not sampling noise. Reported: survival to the truce's duration at each value and
the largest move at +/-10% and +/-50%.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.run.experiment import run_blocks
from sim.run import job
from sim.run.job import DEFAULT_REPLICATIONS, DEFAULT_SEED
from sim.run.seeding import block_seeds
from sim.scenario.loading import load_scenario
from sim.scenario.schema import Behaviour

FACTORS = (0.5, 0.9, 1.0, 1.1, 1.5)


@dataclass(frozen=True)
class Probe:
    path: str
    value: float
    values: tuple[float, ...]       # at each factor, clipped to the declared range
    survival: tuple[float, ...]     # survival to the truce's duration at each

    @property
    def move_10(self) -> float:
        return max(abs(self.survival[1] - self.survival[2]),
                   abs(self.survival[3] - self.survival[2]))

    @property
    def move_50(self) -> float:
        return max(abs(self.survival[0] - self.survival[2]),
                   abs(self.survival[4] - self.survival[2]))


def constants() -> list[tuple[str, float, float | None, float | None]]:
    """Every numeric behavioural constant: (path, default, lower bound, upper bound)."""
    out = []
    for block, field in Behaviour.model_fields.items():
        for name, info in field.annotation.model_fields.items():
            if info.annotation is not float:
                continue
            lo = hi = None
            for meta in info.metadata:
                lo = getattr(meta, "ge", None) if getattr(meta, "ge", None) is not None else (
                    getattr(meta, "gt", None) if getattr(meta, "gt", None) is not None else lo)
                hi = getattr(meta, "le", None) if getattr(meta, "le", None) is not None else hi
            out.append((f"behaviour.{block}.{name}", float(info.default), lo, hi))
    return out


def probe(path: str, replications: int, seed: int,
          centre: dict[str, float] | None = None) -> list[Probe]:
    """Each constant at x0.5 ... x1.5 of its value at ``centre`` (the posterior median;
    its declared default where ``centre`` gives none), the others held at ``centre``."""
    centre = centre or {}
    out = []
    for name, default, lo, hi in constants():
        value = centre.get(name, default)
        values = tuple(float(np.clip(value * f, lo if lo is not None else -np.inf,
                                     hi if hi is not None else np.inf)) for f in FACTORS)
        variants = [load_scenario(path, centre | {name: v}) for v in values]
        r = run_blocks(variants, block_seeds(seed, replications), record_daily=False)
        survived = r.survived.reshape(len(values), -1).mean(1)
        out.append(Probe(name, value, values, tuple(float(s) for s in survived)))
    return out


def markdown(probes: list[Probe], scenario: str, replications: int, seed: int,
             centre: str) -> str:
    lines = [f"# One-at-a-time probes of the behavioural constants: {scenario}", "",
             f"Around {centre}. "
             f"{replications} replications per value, seed {seed}; every value of one constant "
             "runs in one model with the same random numbers. Survival = neither formal nor "
             "de facto collapse within the truce's duration.", "",
             "| constant | value | x0.5 | x0.9 | x1 | x1.1 | x1.5 | move at ±10% | "
             "move at ±50% |", "|---|---|---|---|---|---|---|---|---|"]
    for p in sorted(probes, key=lambda p: -p.move_10):
        cells = " | ".join(f"{100 * s:.1f}%" for s in p.survival)
        lines.append(f"| `{p.path}` | {p.value:g} | {cells} | {100 * p.move_10:.1f} | "
                     f"{100 * p.move_50:.1f} |")
    worst = max(probes, key=lambda p: p.move_10)
    lines += ["", f"Largest move at ±10%: `{worst.path}`, {100 * worst.move_10:.1f} points."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m sim.analysis.probe", description=__doc__.split(
        "\n\n")[0])
    ap.add_argument("scenario")
    ap.add_argument("-r", "--replications", type=int, default=DEFAULT_REPLICATIONS)
    ap.add_argument("-s", "--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--out", type=Path, default=None, help="write the table to this file")
    args = ap.parse_args(argv)
    centre = job.constants().median() or {}
    probes = probe(args.scenario, args.replications, args.seed, centre)
    text = markdown(probes, load_scenario(args.scenario).name, args.replications, args.seed,
                    "the posterior median of calibration/posterior.csv" if centre
                    else "the declared defaults (no posterior)")
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
