"""Sweep files: a base scenario plus a ``sweep:`` section naming what to vary and how.

```yaml
extends: ../kerry_lavrov.yaml
name: Penalties × verification
sweep:
  parameters:
    mechanisms.penalties.strength: {range: [0, 5], steps: 21}
    mechanisms.attribution.verification: {values: [0.0, 0.25, 0.5, 0.75, 1.0]}
  design: grid                                   # or {latin_hypercube: {points: 200, seed: 7}}
  replications: 500
```

Sampled designs (``latin_hypercube``, and the global sensitivity designs ``sobol`` and
``morris`` of ``sim.scenario.global_designs``) draw points from ``range:`` axes.

``load_sweep`` validates the section, builds every point's scenario (so a value
outside the schema's range is refused before anything runs) and returns a
``SweepPlan``: plain data the executors and the store work from.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from pydantic import Field, ValidationError, field_validator, model_validator

from sim.scenario.global_designs import GlobalDesign
from sim.scenario.loading import (ScenarioError, apply_overrides, explain, read_yaml,
                                  resolve_extends, sets, validate)
from sim.scenario.schema import Scenario, Strict


#: Most points a sweep may have. Every point's scenario is validated and held before the
#: run (about 2 ms and 32 KiB each, measured
#: on the 21 x 21 shipped sweep), so 10,000 points take seconds and a few
#: hundred MiB; a 1000 x 1000 grid (a million points) is refused before any is built.
MAX_POINTS = 10_000


class Axis(Strict):
    """One swept parameter: a list of values, or a range (with steps for a grid)."""

    values: list[float] | None = Field(None, min_length=1, description="The values to try "
                                       "(numbers: sweeps vary numeric parameters).")
    range: tuple[float, float] | None = Field(None, description="[low, high], both included.")
    steps: Annotated[int, Field(ge=2, le=1000)] | None = Field(
        None, description="Evenly spaced values across the range (grid designs).")

    @model_validator(mode="after")
    def _one_kind(self) -> Axis:
        if (self.values is None) == (self.range is None):
            raise ValueError("give either 'values' or 'range' (with 'steps' for a grid)")
        if self.range is not None and not self.range[0] < self.range[1]:
            raise ValueError(f"range must go from low to high, got {list(self.range)}")
        if self.values is not None and self.steps is not None:
            raise ValueError("'steps' goes with 'range', not with 'values'")
        return self


class LatinHypercube(Strict):
    points: int = Field(ge=2, le=100_000, description="Number of sampled points.")
    seed: int = Field(ge=0, description="Seed of the design (not of the replications).")


class Sobol(Strict):
    """Saltelli's scheme for Sobol' first-order and total indices: N x (parameters + 2)
    points."""

    base_samples: int = Field(ge=2, le=MAX_POINTS, description="N, a power of two.")
    seed: int = Field(ge=0, description="Seed of the scrambled Sobol' sequence (not of the "
                                        "replications).")

    @field_validator("base_samples")
    @classmethod
    def _power_of_two(cls, n: int) -> int:
        if n & (n - 1):
            low = 1 << (n.bit_length() - 1)
            raise ValueError(f"must be a power of two (a Sobol' sequence is balanced only in "
                             f"blocks of 2^k points): try {low} or {2 * low}")
        return n


class Morris(Strict):
    """Morris's elementary effects: N one-at-a-time trajectories of parameters + 1 points
    on a grid of ``levels`` levels per parameter."""

    trajectories: int = Field(ge=2, le=MAX_POINTS, description="N, the number of "
                                                               "trajectories.")
    levels: int = Field(4, ge=2, le=100, description="Grid levels per parameter (even).")
    seed: int = Field(ge=0, description="Seed of the trajectories (not of the replications).")

    @field_validator("levels")
    @classmethod
    def _even(cls, levels: int) -> int:
        if levels % 2:
            raise ValueError("must be even (SALib's Morris trajectories are biased on an odd "
                             "grid)")
        return levels


class Design(Strict):
    """How the points are chosen: ``grid`` (every combination of the axes' levels) or
    exactly one sampled design, written as a mapping."""

    latin_hypercube: LatinHypercube | None = None
    sobol: Sobol | None = None
    morris: Morris | None = None

    @model_validator(mode="before")
    @classmethod
    def _one(cls, data: Any) -> Any:
        if data == "grid":
            return {}
        if not isinstance(data, dict) or len(data) != 1:
            raise ValueError("expected 'grid' or one sampled design: {latin_hypercube: {points, "
                             "seed}}, {sobol: {base_samples, seed}} or {morris: {trajectories, "
                             "levels, seed}}")
        return data

    @property
    def kind(self) -> str:
        """'grid', 'latin_hypercube', 'sobol' or 'morris'."""
        return next((name for name in type(self).model_fields if getattr(self, name)), "grid")


class SweepSpec(Strict):
    parameters: dict[str, Axis] = Field(min_length=1, description="Dotted path -> values.")
    design: Design = Field("grid", validate_default=True,
                           description="'grid', or a mapping naming one sampled design.")
    replications: int = Field(ge=1, le=1_000_000, description="Replications per point.")

    @model_validator(mode="after")
    def _design_fits(self) -> SweepSpec:
        kind = self.design.kind
        for path, axis in self.parameters.items():
            if kind == "grid" and axis.range is not None and axis.steps is None:
                raise ValueError(f"{path}: a grid needs 'steps' with 'range'")
            if kind != "grid" and axis.range is None:
                raise ValueError(f"{path}: the {kind} design samples ranges; give 'range'")
        return self


@dataclass(frozen=True)
class SweepPlan:
    """A validated sweep: the base scenario and its points (how they are cut into chunks and
    seeded is the run layer's business: ``sim.run.chunks``)."""

    file: str
    name: str
    base: Scenario
    parameters: tuple[str, ...]
    design: str                     # the design in words, as the summary names it
    values: np.ndarray              # (points, parameters)
    scenarios: tuple[Scenario, ...]
    replications: int
    seed: int
    grid_shape: tuple[int, ...] | None   # levels per parameter for a full grid
    global_design: GlobalDesign | None = None   # Sobol' or Morris: what its analysis needs
    #: the file's replications per point when the command line set others (a quick trial)
    file_replications: int | None = None
    kind: str = "grid"              # grid, latin_hypercube, sobol or morris
    #: where the behavioural constants come from, in words (the manifest says it)
    constants: str = "as the scenario file sets them"

    @property
    def base_values(self) -> tuple[float, ...]:
        """Each swept parameter's value in the base scenario (the reference)."""
        data = self.base.model_dump(mode="json")
        out = []
        for path in self.parameters:
            node: Any = data
            for key in path.split("."):
                node = node.get(key) if isinstance(node, dict) else None
            out.append(float(node) if isinstance(node, int | float) else float("nan"))
        return tuple(out)

    def fingerprint(self) -> str:
        """Identity of the plan: base, points, replications and seed."""
        blob = json.dumps({"base": self.base.model_dump(mode="json"),
                           "parameters": self.parameters, "design": self.design,
                           "values": self.values.tolist(), "replications": self.replications,
                           "seed": self.seed}, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def describe(self) -> dict:
        overridden = ({"replications_in_file": self.file_replications}
                      if self.file_replications is not None else {})
        return {"file": self.file, "name": self.name, "parameters": list(self.parameters),
                "design": self.design, "points": len(self.scenarios),
                "replications": self.replications, "seed": self.seed,
                "constants": self.constants, **overridden}


def is_sweep_file(path: str | Path) -> bool:
    """Whether the file itself has a ``sweep:`` section (the CLI's dispatch)."""
    return "sweep" in read_yaml(Path(path))


def load_sweep(path: str | Path, seed: int, overrides: dict[str, Any] | None = None,
               before_points: Callable[[Scenario, int, int], None] | None = None,
               behaviour: dict[str, float] | None = None,
               replications: int | None = None, section: dict | None = None) -> SweepPlan:
    """Validate a sweep file and every scenario it implies; raise ScenarioError if any fails.

    ``section``: a ``sweep:`` section given as data (``parameters``, ``design``,
    ``replications``), which makes ``path`` the base scenario it sweeps (``sim.api.sweep``).

    ``behaviour`` (the posterior median) sets the behavioural constants the file and the
    command line leave to their defaults; a sweep's own axes override it point by point.

    ``before_points(base, points, replications)`` is called once the section and the
    base are valid and the design sampled (a design that cannot be, such as a Sobol' design
    without SALib, is refused first), before any point is built (the CLI's work estimate).

    ``replications`` (the command line's ``-r``) replaces the file's replications per point,
    for a quick trial; the plan remembers the file's, and its fingerprint differs, so it
    never resumes or mixes with the full sweep's store.
    """
    path = Path(path).resolve()
    data, origins = resolve_extends(path)
    raw_sweep = data.pop("sweep", None)
    if section is not None:
        raw_sweep = section
    if not isinstance(raw_sweep, dict):
        raise ScenarioError(path, "sweep", "expected a mapping with 'parameters', "
                                           "'replications' and optionally 'design'")
    try:
        spec = SweepSpec.model_validate(raw_sweep)
    except ValidationError as exc:
        raise explain(exc, path, {}, SweepSpec, "sweep") from None
    if overrides:
        data = apply_overrides(data, overrides, "command line", origins)
    if behaviour:
        data = apply_overrides(data, {k: v for k, v in behaviour.items()
                                      if not sets(data, k)}, "posterior median", origins)
    base = validate(data, path, origins)

    names = tuple(spec.parameters)
    count = point_count(spec)
    if count > MAX_POINTS:
        raise ScenarioError(path, "sweep", f"{count:,} points is more than the {MAX_POINTS:,} a "
                            "sweep may have (each point is a scenario validated and held in "
                            "memory before the run); use fewer steps or values, or a Latin "
                            "hypercube")
    values, shape, design = _design_points(spec, path)
    per_point = replications or spec.replications
    if before_points is not None:
        before_points(base, count, per_point)
    scenarios = []
    frozen = json.dumps(data)
    for row in values:
        point = apply_overrides(json.loads(frozen),
                                dict(zip(names, row, strict=True)), str(path), {})
        try:
            scenarios.append(validate(point, path, {}))
        except ScenarioError as err:
            at = ", ".join(f"{n}={v}" for n, v in zip(names, row, strict=True))
            raise ScenarioError(path, f"sweep.parameters ({err.field})",
                                f"{err.expected} at the point {at}") from None
    return SweepPlan(file=str(path), name=base.name, base=base, parameters=names,
                     design=design, values=np.array(values, dtype=object),
                     scenarios=tuple(scenarios), replications=per_point, seed=seed,
                     grid_shape=shape, global_design=global_design(spec),
                     file_replications=spec.replications if per_point != spec.replications
                     else None, kind=spec.design.kind,
                     **({"constants": "the posterior median, at every point (no parameter "
                                      "uncertainty)"} if behaviour else {}))


def point_count(spec: SweepSpec) -> int:
    """How many points the design has, without building them."""
    if spec.design.latin_hypercube:
        return spec.design.latin_hypercube.points
    if chosen := global_design(spec):
        return chosen.points
    count = 1
    for axis in spec.parameters.values():
        count *= len(axis.values) if axis.values is not None else axis.steps
    return count


def _levels(axis: Axis) -> list[Any]:
    if axis.values is not None:
        return list(axis.values)
    lo, hi = axis.range
    return [round(float(v), 12) for v in np.linspace(lo, hi, axis.steps)]


def global_design(spec: SweepSpec) -> GlobalDesign | None:
    """The spec's Sobol' or Morris design, if it has one."""
    axes = spec.parameters
    bounds = tuple(axis.range for axis in axes.values())
    if chosen := spec.design.sobol:
        return GlobalDesign("sobol", chosen.base_samples, chosen.seed, tuple(axes), bounds)
    if chosen := spec.design.morris:
        return GlobalDesign("morris", chosen.trajectories, chosen.seed, tuple(axes), bounds,
                            chosen.levels)
    return None


def _design_points(spec: SweepSpec, path: Path
                   ) -> tuple[list[list[Any]], tuple[int, ...] | None, str]:
    axes = list(spec.parameters.values())
    if spec.design.kind == "grid":
        levels = [_levels(a) for a in axes]
        return [list(p) for p in itertools.product(*levels)], tuple(map(len, levels)), "grid"
    if chosen := global_design(spec):
        return chosen.sample(path).tolist(), None, chosen.describe()
    lhs = spec.design.latin_hypercube
    n, d = lhs.points, len(axes)
    # one point in each of n equal strata per dimension (scipy's Latin hypercube), the
    # strata paired to lower the centred discrepancy: the space filled more evenly
    from scipy.stats import qmc     # here: scipy.stats costs a second to import
    u = qmc.LatinHypercube(d=d, optimization="random-cd", rng=lhs.seed).random(n)
    lows = np.array([a.range[0] for a in axes])
    highs = np.array([a.range[1] for a in axes])
    points = np.round(lows + u * (highs - lows), 12)
    return points.tolist(), None, f"latin_hypercube({n}, seed {lhs.seed})"
