"""Calibration files: which truces, which patterns, which priors, how long to search.

```yaml
truces:                               # the historical truces, and replications per particle
  september: {scenario: ../scenarios/kerry_lavrov.yaml, replications: 120}
patterns:
  - {name: september_declared, truce: september, statistic: declared_by, args: {day: 14},
     target: 0.85, tolerance: 0.15, source: "history.md ...", says: "..."}
priors:
  default: {spread: 0.5, why: "..."}  # uniform, default x (1 +- spread), inside its bounds
  fixed: {behaviour.party.gain: "the unit of value"}
  set: {behaviour.beliefs.prior: {uniform: [0.2, 0.8], why: "..."}}
search: {screening: {particles: 1500, threshold: 0.1}, acceptance: 0.02, population: 300,
         generations: 1, simulations: 30000, batch: 200, seed: 2016, draws: 300}
```

``load_calibration`` validates the file and returns a :class:`Calibration`:
the scenarios loaded, each pattern checked against the statistics it names, one
prior per behavioural constant (stated, or the default rule), with its reason; the
constants of an optional mechanism no calibrated truce writes (``mechanisms.observers``
and the like) cannot act on them, so they are not estimated and keep their defaults.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from pydantic import Field, ValidationError

from sim import dotted
from sim.agents import beliefs
from sim.agents.registry import unwritten_behaviours
from sim.calibration.patterns import STATISTICS, Pattern
from sim.run.experiment import run_scenario
from sim.run.posterior import behaviour_paths, opt_in_paths
from sim.core.fields import Strict
from sim.scenario.loading import ScenarioError, explain, load_scenario, read_yaml
from sim.scenario.schema import Scenario


class TruceSpec(Strict):
    scenario: str = Field(description="The truce's scenario file (relative to this file).")
    replications: int = Field(ge=10, le=100_000, description="Replications per particle.")


class PatternSpec(Strict):
    name: str
    truce: str
    statistic: str
    args: dict[str, float | int | str | list[str]] = {}
    target: float
    tolerance: float = Field(gt=0)
    source: str = Field(min_length=1)
    says: str = Field(min_length=1)


class UniformSpec(Strict):
    uniform: tuple[float, float]
    why: str = Field(min_length=1)


class DefaultPrior(Strict):
    spread: float = Field(gt=0, lt=1, description="Uniform on default x (1 +- spread).")
    why: str = Field(min_length=1)


class PriorsSpec(Strict):
    default: DefaultPrior
    fixed: dict[str, str] = {}
    set: dict[str, UniformSpec] = {}


class ScreeningSpec(Strict):
    particles: int = Field(ge=10, le=1_000_000, description="Prior draws simulated.")
    threshold: float = Field(gt=0, lt=1, description="Least |rank correlation| with a "
                             "pattern for a constant to be searched.")


class SearchSpec(Strict):
    screening: ScreeningSpec
    acceptance: float = Field(gt=0, le=1, description="Share of the screening's prior draws "
                              "closest to history that sets the first generation's distance.")
    population: int = Field(ge=10, le=100_000)
    generations: int = Field(ge=1, le=100)
    simulations: int = Field(ge=10, le=10_000_000, description="Most particles simulated.")
    min_acceptance: float = Field(0.0, ge=0, lt=1, description="Stop below this acceptance.")
    batch: int = Field(ge=1, le=1_000, description="Particles simulated together (one "
                       "thread each while they draw their parameters).")
    seed: int = Field(ge=0)
    draws: int = Field(ge=1, le=1_000, description="Equally weighted draws written (the "
                       "posterior file stays under the 1 MiB any input may have).")


class CalibrationFile(Strict):
    truces: dict[str, TruceSpec] = Field(min_length=1)
    patterns: list[PatternSpec] = Field(min_length=1)
    priors: PriorsSpec
    search: SearchSpec


@dataclass(frozen=True)
class Prior:
    """A uniform prior of one behavioural constant, and why."""

    path: str
    low: float
    high: float
    default: float
    why: str


@dataclass(frozen=True)
class Calibration:
    path: Path
    scenarios: dict[str, Scenario]
    replications: dict[str, int]
    patterns: tuple[Pattern, ...]
    priors: tuple[Prior, ...]          # the constants estimated
    fixed: dict[str, str]              # constants held at their defaults, and why
    inert: tuple[str, ...]             # constants no calibrated truce can act on, and opt-in
                                       # ones without a prior of their own (defaults)
    search: SearchSpec
    fingerprint: str
    default_why: str                   # the reason for priors by the default rule


def _bounds(path: str) -> tuple[float, float, float, bool]:
    """(default, low, high, whether low itself is excluded) of a behavioural constant,
    from its declaration."""
    info = dotted.field(Scenario, path)
    low, high, strict = float("-inf"), float("inf"), False
    for meta in info.metadata:
        if getattr(meta, "ge", None) is not None:
            low = max(low, meta.ge)
        if getattr(meta, "gt", None) is not None:
            low, strict = max(low, meta.gt), True
        if getattr(meta, "le", None) is not None:
            high = min(high, meta.le)
    default = info.default if info.default is None else float(info.default)
    return default, low, high, strict


def read_spec(path: Path, model: type[Strict]):
    """A calibration file read and validated against its schema ``model``; a problem is one
    ScenarioError naming the file and the field."""
    data = read_yaml(path)
    try:
        return model.model_validate(data), data
    except ValidationError as exc:
        raise explain(exc, path, {}, model=model, data=data) from None


def load_calibration(path: str | Path) -> Calibration:
    """Read and check a calibration file; any problem is one ScenarioError."""
    path = Path(path)
    spec, data = read_spec(path, CalibrationFile)
    scenarios = {name: load_scenario((path.parent / t.scenario).resolve())
                 for name, t in spec.truces.items()}
    patterns = []
    for i, p in enumerate(spec.patterns):
        where = f"patterns[{i}]"
        if p.truce not in scenarios:
            raise ScenarioError(path, f"{where}.truce", f"one of {sorted(scenarios)}")
        if p.statistic not in STATISTICS:
            raise ScenarioError(path, f"{where}.statistic", f"one of {sorted(STATISTICS)}")
        wanted = list(inspect.signature(STATISTICS[p.statistic]).parameters)[1:]
        extra = set(p.args) - set(wanted)
        if extra:
            raise ScenarioError(path, f"{where}.args", f"only {wanted} for {p.statistic}")
        patterns.append(Pattern(p.name, p.truce, p.statistic, dict(p.args), p.target,
                                p.tolerance, p.source, p.says))
    if len({p.name for p in patterns}) != len(patterns):
        raise ScenarioError(path, "patterns", "a different name for each pattern")
    _dry_run(path, scenarios, patterns)
    known = behaviour_paths()
    for where, paths in (("priors.fixed", spec.priors.fixed), ("priors.set", spec.priors.set)):
        for p in paths:
            if p not in known:
                raise ScenarioError(path, f"{where}.{p}", "a behavioural constant "
                                    "(see docs/parameters.md)")
            if where == "priors.set" and p in spec.priors.fixed:
                raise ScenarioError(path, f"{where}.{p}", "a constant either fixed or given "
                                    "a prior, not both")
    priors = []
    unwritten = unwritten_behaviours(scenarios.values())
    # constants no calibrated truce can act on, those of new behaviours left at their
    # defaults (the old behaviour) unless the calibration gives them a prior, and the
    # beliefs' constants that only a choice no calibrated truce makes brings into play
    opt_in = set(opt_in_paths()) - set(spec.priors.set)
    dormant = beliefs.dormant(scenarios.values())
    inert = tuple(p for p in known if p.split(".")[1] in unwritten or p in opt_in
                  or p in dormant)
    for p in known:
        if p in spec.priors.fixed or p in inert:
            continue
        default, low, high, strict = _bounds(p)
        if p in spec.priors.set:
            lo, hi = spec.priors.set[p].uniform
            if not (low < lo if strict else low <= lo) or not lo < hi <= high:
                raise ScenarioError(path, f"priors.set.{p}.uniform", f"low < high within "
                                    f"the constant's range {'(' if strict else '['}{low:g}, "
                                    f"{high:g}]")
            priors.append(Prior(p, lo, hi, default, spec.priors.set[p].why))
        else:
            s = spec.priors.default.spread
            priors.append(Prior(p, max(low, default * (1 - s)), min(high, default * (1 + s)),
                                default, spec.priors.default.why))
    text = json.dumps({"file": data, "scenarios": {k: v.model_dump(mode="json")
                                                   for k, v in scenarios.items()},
                       "code": _code_digest()}, sort_keys=True, default=str)
    return Calibration(path=path, scenarios=scenarios,
                       replications={k: t.replications for k, t in spec.truces.items()},
                       patterns=tuple(patterns), priors=tuple(priors),
                       fixed=dict(spec.priors.fixed), inert=inert, search=spec.search,
                       default_why=spec.priors.default.why,
                       fingerprint=hashlib.sha256(text.encode()).hexdigest()[:16])


def _dry_run(path: Path, scenarios: dict[str, Scenario], patterns: list[Pattern]) -> None:
    """Compute every pattern on a two-replication run of its truce, so a wrong argument
    (an unknown actor or trigger, a day outside the run) is one line now, not a
    traceback in a worker after the screening."""
    runs = {name: run_scenario(sc, 2, 0, record_daily=False)
            for name, sc in scenarios.items() if any(p.truce == name for p in patterns)}
    for i, p in enumerate(patterns):
        try:
            p.of(runs[p.truce])
        except (TypeError, ValueError, IndexError, KeyError) as exc:
            raise ScenarioError(path, f"patterns[{i}].args", f"arguments {p.statistic} can "
                                f"compute for {p.truce} ({exc})") from None


def _code_digest(only: tuple[str, ...] = ()) -> str:
    """The model's code and pyabc's version: a calibration's stored work (screening,
    batches, generations) is reused only by the code that made it (``only``: the paths
    under ``sim/`` that make it, packages or files; all of ``sim`` by default)."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parents[1]
    for source in sorted(root.rglob("*.py")):
        where = source.relative_to(root).as_posix()
        if only and not any(where == o or where.startswith(o + "/") for o in only):
            continue
        digest.update(source.relative_to(root).as_posix().encode())
        digest.update(source.read_bytes())
    try:
        digest.update(metadata.version("pyabc").encode())
    except metadata.PackageNotFoundError:
        pass
    return digest.hexdigest()
