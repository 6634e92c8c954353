"""Corpus calibration files: the truces, the forms of behaviour, a prior for every
constant with its reason, and the search.

```yaml
corpus: ../truces                          # every truce: scenario.yaml and outcomes.yaml
reference: ../scenarios/kerry_lavrov.yaml  # reported (7-day survival before and after)
forms: {behaviour.beliefs.likelihood: complete}     # Model 3's forms, the same for all
priors:
  behaviour.party.noise: {log_uniform: [0.05, 5], why: "..."}
  behaviour.beliefs.prior: {uniform: [0.05, 0.95], why: "..."}
fixed: {behaviour.party.gain: "the unit of value"}
search: {particles: 500, rounds: 4, replications: 20, batch: 100, seed: 2017, draws: 300}
```

``load_corpus_calibration`` checks it and returns a :class:`CorpusCalibration`. Every
behavioural constant is accounted for: it has a prior, is fixed (with its reason), is a
form, or belongs to an optional mechanism no truce of the corpus writes (it cannot act
on them: without a prior it keeps its default; with one, its posterior is its prior).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import Field, ValidationError, model_validator

from sim.agents.registry import unwritten_behaviours
from sim.calibration.spec import _bounds, _code_digest, read_spec
from sim.core.fields import Strict
from sim.run.posterior import behaviour_paths, with_behaviour
from sim.scenario.corpus import Corpus, load_corpus
from sim.scenario.loading import ScenarioError, load_scenario, read_yaml
from sim.scenario.schema import Scenario


#: The code that makes a search's stored tasks (the simulations): a change elsewhere (the
#: likelihood, the weights, the report) keeps them. A later round's particles come from
#: the weights, and a stored task is reused only for the very constants it ran.
SIMULATION = ("core", "agents", "scenario", "model", "run", "dotted.py", "shipped.py",
              "calibration/corpus_runs.py")


class PriorSpec(Strict):
    uniform: tuple[float, float] | None = None
    log_uniform: tuple[float, float] | None = None
    why: str = Field(min_length=1)

    @model_validator(mode="after")
    def _one(self):
        if (self.uniform is None) == (self.log_uniform is None):
            raise ValueError("exactly one of uniform or log_uniform")
        return self


class CorpusSearch(Strict):
    particles: int = Field(ge=2, le=1_000_000, description="Particles simulated in each "
                           "round.")
    rounds: int = Field(1, ge=1, le=50, description="Rounds: the first draws from the "
                        "priors, each later one from a mixture fitted to the weighted "
                        "particles so far (adaptive multiple importance sampling).")
    centres: int = Field(50, ge=1, le=10_000, description="Kernels of a later round's "
                         "mixture: draws of the weighted particles so far.")
    defensive: float = Field(0.2, gt=0, le=1, description="Share of a later round drawn "
                             "from the priors themselves (so every weight stays bounded).")
    steered: int = Field(0, ge=0, le=10_000, description="Of a later round's centres, how "
                         "many are the particles whose durations came nearest to every "
                         "truce's (sim.calibration.steering), not the best weighted: at "
                         "most centres.")
    replications: int = Field(ge=1, le=10_000, description="Replications per particle "
                              "and truce.")
    duration_sd: float = Field(0.35, gt=0, le=3, description="Standard deviation of log "
                               "duration within which the model is asked to reproduce a "
                               "truce's days (sim/calibration/outcome_likelihood.py).")
    batch: int = Field(ge=1, le=5_000, description="Particles a task runs together.")
    seed: int = Field(ge=0)
    draws: int = Field(ge=1, le=1_000, description="Equally weighted draws written.")


class CorpusFile(Strict):
    corpus: str
    reference: str
    forms: dict[str, Any] = {}
    priors: dict[str, PriorSpec] = Field(min_length=1)
    fixed: dict[str, str] = {}
    search: CorpusSearch


@dataclass(frozen=True)
class Prior:
    """One constant's prior: uniform on [low, high], or on its logarithm (``log``)."""

    path: str
    low: float
    high: float
    log: bool
    why: str

    def value(self, u: np.ndarray) -> np.ndarray:
        """The constant at prior quantile ``u`` (0 to 1)."""
        if self.log:
            return np.exp(np.log(self.low) + (np.log(self.high) - np.log(self.low)) * u)
        return self.low + (self.high - self.low) * u

    def quantile(self, x: np.ndarray) -> np.ndarray:
        """The prior quantile of value ``x`` (the inverse of :meth:`value`)."""
        if self.log:
            return (np.log(x) - np.log(self.low)) / (np.log(self.high) - np.log(self.low))
        return (np.asarray(x) - self.low) / (self.high - self.low)


@dataclass(frozen=True)
class CorpusCalibration:
    path: Path
    corpus: Corpus
    reference: Scenario
    forms: dict[str, Any]
    priors: tuple[Prior, ...]
    fixed: dict[str, str]
    inert: tuple[str, ...]        # optional mechanisms' constants no truce can act on
    search: CorpusSearch
    fingerprint: str

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(p.path for p in self.priors)

    def values(self, u: np.ndarray) -> np.ndarray:
        """Constants (rows, priors) at prior quantiles ``u`` of the same shape."""
        return np.column_stack([p.value(u[:, j]) for j, p in enumerate(self.priors)])


def load_corpus_calibration(path: str | Path) -> CorpusCalibration:
    """Read and check a corpus calibration file; any problem is one ScenarioError."""
    path = Path(path)
    spec, data = read_spec(path, CorpusFile)
    folder, reference_file = ((path.parent / f).resolve() for f in (spec.corpus,
                                                                      spec.reference))
    if not folder.is_dir():
        raise ScenarioError(path, "corpus", f"a folder of truces (not found: {folder})")
    corpus = load_corpus(folder)
    if not len(corpus):
        raise ScenarioError(path, "corpus", "a folder of truces (scenario.yaml and "
                            "outcomes.yaml each)")
    if not reference_file.is_file():
        raise ScenarioError(path, "reference", f"a scenario file (not found: "
                            f"{reference_file})")
    reference = load_scenario(reference_file)
    if spec.search.steered > spec.search.centres:
        raise ScenarioError(path, "search.steered", f"at most search.centres "
                            f"({spec.search.centres})")
    known = behaviour_paths()
    unwritten = unwritten_behaviours([t.scenario for t in corpus.truces])
    inert = {p for p in known if p.split(".")[1] in unwritten}
    sections = {"forms": set(spec.forms), "priors": set(spec.priors), "fixed": set(spec.fixed)}
    for where, paths in sections.items():
        for p in sorted(paths):
            if p not in known:
                raise ScenarioError(path, f"{where}.{p}", "a behavioural constant "
                                    "(behaviour.<block>.<name>); see docs/parameters.md")
            others = [w for w, ps in sections.items() if w != where and p in ps]
            if others:
                raise ScenarioError(path, f"{where}.{p}", f"one section only (also in "
                                    f"{others[0]})")
    missing = sorted(set(known) - inert - set().union(*sections.values()))
    if missing:
        raise ScenarioError(path, "priors", f"a prior, a fixed value or a form for every "
                            f"constant the corpus can act on; missing {missing[0]}"
                            f"{f' and {len(missing) - 1} more' if len(missing) > 1 else ''}")
    for constant, value in spec.forms.items():
        try:
            with_behaviour(reference, {constant: value})
        except ValidationError as exc:
            raise ScenarioError(path, f"forms.{constant}", f"a value it takes "
                                f"({exc.errors()[0]['msg']})") from None
    priors = tuple(_prior(path, p, s) for p, s in spec.priors.items())
    text = json.dumps({"file": data, "truces": {t.id: [t.scenario.model_dump(mode="json"),
                                                       t.outcome.model_dump(mode="json")]
                                                for t in corpus.truces},
                       "code": _code_digest(only=SIMULATION)}, sort_keys=True, default=str)
    return CorpusCalibration(path, corpus, reference, dict(spec.forms), priors,
                             dict(spec.fixed), tuple(sorted(inert)), spec.search,
                             hashlib.sha256(text.encode()).hexdigest()[:16])


def _prior(path: Path, constant: str, spec: PriorSpec) -> Prior:
    _, low, high, strict = _bounds(constant)
    log = spec.log_uniform is not None
    lo, hi = spec.log_uniform if log else spec.uniform
    where = f"priors.{constant}.{'log_uniform' if log else 'uniform'}"
    if not lo < hi or lo < low or hi > high or (strict and lo <= low) or (log and lo <= 0):
        raise ScenarioError(path, where, f"low < high within the constant's range "
                            f"[{low:g}, {high:g}]{' and low > 0' if log else ''}")
    return Prior(constant, float(lo), float(hi), log, spec.why.strip())


def is_corpus_file(path: str | Path) -> bool:
    """Whether a calibration file is a corpus calibration (it names a ``corpus:``)."""
    data = read_yaml(Path(path))
    return isinstance(data, dict) and "corpus" in data

