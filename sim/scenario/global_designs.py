"""Global sensitivity designs of sweep files, sampled by SALib: Sobol' and Morris.

``design: {sobol: {base_samples: N, seed: S}}`` is Saltelli's scheme for first-order
and total Sobol' indices, N x (parameters + 2) points; ``design: {morris:
{trajectories: N, levels: L, seed: S}}`` is N one-at-a-time trajectories of parameters
+ 1 points on a grid of L levels, for Morris's screening. The points are SALib's sample
in SALib's order, because its analysis (``sim.analysis.global_sensitivity``) reads the
outputs in that order.

SALib is an optional extra (``pip install 'ceasefire-sim[sensitivity]'``), imported only
when a sweep asks for one of these designs: it loads scipy, about a second that no other
run should pay.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import numpy as np

from sim.scenario.loading import ScenarioError

INSTALL = "pip install 'ceasefire-sim[sensitivity]'"


@dataclass(frozen=True)
class GlobalDesign:
    """A Sobol' or Morris design: what SALib needs to sample it and to analyse its outputs."""

    method: str                                  # "sobol" or "morris"
    size: int                                    # base samples (Sobol') or trajectories
    seed: int
    names: tuple[str, ...]
    bounds: tuple[tuple[float, float], ...]
    levels: int | None = None                    # Morris's grid levels per parameter

    @property
    def points(self) -> int:
        """How many points SALib's sample has."""
        return self.size * (len(self.names) + (2 if self.method == "sobol" else 1))

    def problem(self) -> dict:
        """SALib's problem definition."""
        return {"num_vars": len(self.names), "names": list(self.names),
                "bounds": [list(b) for b in self.bounds]}

    def describe(self) -> str:
        if self.method == "sobol":
            return f"sobol({self.size} base samples, seed {self.seed})"
        return f"morris({self.size} trajectories, {self.levels} levels, seed {self.seed})"

    def sample(self, file: Path | str) -> np.ndarray:
        """SALib's sample, one row per point, in SALib's order."""
        module = salib(f"sample.{self.method}", self.method, file)
        if self.method == "sobol":
            return module.sample(self.problem(), self.size, calc_second_order=False,
                                 seed=self.seed)
        return module.sample(self.problem(), self.size, num_levels=self.levels, seed=self.seed)


def salib(module: str, method: str, file: Path | str) -> ModuleType:
    """``SALib.<module>``; if SALib is not installed, a ScenarioError saying how to get it."""
    try:
        return importlib.import_module(f"SALib.{module}")
    except ImportError:
        raise ScenarioError(file, "sweep.design",
                            f"the {method} design needs SALib ({INSTALL})") from None
