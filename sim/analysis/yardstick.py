"""The statistical yardstick: how truces end predicted without the model, from the other
truces' outcomes alone, each fitted leave-one-out (truce k is never in its own fit).

- **base rate**: the Kaplan–Meier curve of the other truces' durations (lifelines'
  ``KaplanMeierFitter``). A collapse's duration is its day range's midpoint; a
  right-censored truce (holding, superseded, expired) is censored at c + 1/2, the end of
  the last day it was known to stand. Each drop of the curve is split between declared
  and eroded in the proportion of the two among the collapses at that time, which is the
  Aalen–Johansen estimate of the two cumulative incidences (competing risks, no ties
  jittered). Beyond the last observed time the curve's remaining height is spread in the
  reference's log-uniform shape, ending halved, as the model's mass beyond its horizon.
- **regression**: a Weibull accelerated-failure-time model (lifelines'
  ``WeibullAFTFitter``) on the deal's coded features (``sim.scenario.deal_features``),
  fitted by maximum likelihood with every outcome as an interval: a collapse on days
  lo..hi as T in [lo - 1/2, hi + 1/2], a truce standing on day c as T > c + 1/2. With a
  dozen truces and four features it is penalised: ``PENALIZER`` (an L2 penalty of 1 on
  the standardised coefficients, as a normal prior of standard deviation 1; lifelines
  leaves the scale's intercept unpenalised). A feature constant among the truces of a
  fit is left out of it; one that will not converge falls back to the intercept alone,
  then to the base rate, and says so. The split between declared and eroded is the
  share of each among the fit's collapses.

Both give a :class:`~sim.analysis.predictive.Predictive`, smoothed and scored like the
model's. lifelines is an optional extra (``pip install 'ceasefire-sim[validation]'``),
imported only here.
"""

from __future__ import annotations

import contextlib
import importlib.util
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd

from sim.analysis.predictive import CENTURY, DAYS, HOUR, Predictive, from_atoms, from_survival
from sim.analysis.scoring import Observed

INSTALL = "pip install 'ceasefire-sim[validation]' (or: uv sync --extra validation)"
PENALIZER = 1.0
EVENT = {"declared": 1, "eroded": 2}
PREDICTORS = ("base_rate", "regression")


def available() -> bool:
    """Whether lifelines is installed."""
    return importlib.util.find_spec("lifelines") is not None


def outcome_frame(ids: list[str], observed: list[Observed], features: list[dict[str, int]]
                  ) -> pd.DataFrame:
    """One row per truce: its event (0 censored, 1 declared, 2 eroded), the Kaplan–Meier
    duration, the interval [lower, upper] of T, and its features."""
    rows = []
    for truce, obs, feats in zip(ids, observed, features, strict=True):
        if obs.collapsed:
            lower, upper, duration = max(obs.lo - 0.5, HOUR), obs.hi + 0.5, obs.duration
        else:
            lower, upper, duration = obs.censored + 0.5, np.inf, obs.censored + 0.5
        rows.append({"truce": truce, "event": EVENT.get(obs.kind, 0), "duration": duration,
                     "lower": lower, "upper": upper, **feats})
    return pd.DataFrame(rows)


@contextlib.contextmanager
def _lifelines_quiet(notes: list[str]):
    """lifelines 0.30 on pandas 3 and Python 3.12 warns of its own deprecated calls
    (``datetime.utcnow``, positional ``std``): not ours to fix, so dropped here only;
    its convergence warnings are kept as notes."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for w in caught:
        if not issubclass(w.category, DeprecationWarning | FutureWarning):
            notes.append(str(w.message).strip().splitlines()[0])


def base_rate(train: pd.DataFrame) -> Predictive:
    """The Kaplan–Meier (and Aalen–Johansen) predictive of the truces in ``train``."""
    if train.empty:
        return from_atoms(np.array([]), np.array([]), np.array([]), 1.0, 0.0)
    from lifelines import KaplanMeierFitter
    notes: list[str] = []
    with _lifelines_quiet(notes):
        km = KaplanMeierFitter().fit(train["duration"].to_numpy(float),
                                     (train["event"] > 0).to_numpy())
    curve = km.survival_function_.iloc[:, 0]
    times, s = curve.index.to_numpy(float), curve.to_numpy(float)
    drop = np.concatenate([[1.0], s[:-1]]) - s
    events = train[train["event"] > 0]
    declared_share = np.array([
        (events.loc[np.isclose(events["duration"], t), "event"] == 1).mean()
        if drop[i] > 0 else 0.0 for i, t in enumerate(times)])
    jumps = drop > 0
    return from_atoms(times[jumps], (drop * declared_share)[jumps],
                      (drop * (1 - declared_share))[jumps], float(s[-1]),
                      float(train["duration"].max()))


def _weibull(train: pd.DataFrame, columns: list[str], notes: list[str]):
    from lifelines import WeibullAFTFitter
    with _lifelines_quiet(notes):
        return WeibullAFTFitter(penalizer=PENALIZER).fit_interval_censoring(
            train[[*columns, "lower", "upper"]], "lower", "upper")


def regression(train: pd.DataFrame, target: pd.Series, features: tuple[str, ...]
               ) -> tuple[Predictive, str]:
    """The Weibull regression's predictive for ``target`` (a row with the features),
    fitted on ``train``; and what was fitted, in words."""
    from lifelines.exceptions import ConvergenceError
    if len(train) < 2:
        return base_rate(train), "too few truces to fit: the base rate"
    collapses = train["event"] > 0
    share = float((train.loc[collapses, "event"] == 1).mean()) if collapses.any() else 0.5
    varying = [f for f in features if train[f].nunique() > 1]
    notes: list[str] = []
    for columns in ([varying, []] if varying else [[]]):
        try:
            fitted = _weibull(train, columns, notes)
        except (ConvergenceError, ValueError, np.linalg.LinAlgError) as exc:
            notes.append(f"{type(exc).__name__}: {str(exc).strip().splitlines()[0][:80]}")
            continue
        edges = np.minimum(DAYS + 0.5, CENTURY)
        x = pd.DataFrame([{c: float(target[c]) for c in columns}]) if columns else \
            pd.DataFrame(index=[0])
        with _lifelines_quiet(notes):
            survival = fitted.predict_survival_function(x, times=edges).iloc[:, 0]
        what = f"Weibull AFT on {', '.join(columns)}" if columns else \
            "Weibull, intercept only (no feature varies)" if not varying else \
            "Weibull, intercept only (the features' fit failed)"
        if notes:
            what += f" ({'; '.join(dict.fromkeys(notes))})"
        return from_survival(survival.to_numpy(float), share), what
    return base_rate(train), f"the fit failed ({'; '.join(notes)}): the base rate"


Fit = Callable[[pd.DataFrame, pd.Series], tuple[Predictive, str]]


def leave_one_out(targets: pd.DataFrame, reference: pd.DataFrame | None = None,
                  features: tuple[str, ...] = (), fits: dict[str, Fit] | None = None
                  ) -> dict[str, dict[str, tuple[Predictive, str]]]:
    """Each target truce's yardstick predictives, by predictor: fitted on ``reference``
    (default: the targets themselves) without the target (by id), so truce k is never in
    its own fit."""
    reference = targets if reference is None else reference
    fits = fits or {"base_rate": lambda train, row: (base_rate(train), "Kaplan–Meier"),
                    "regression": lambda train, row: regression(train, row, features)}
    out = {}
    for _, row in targets.iterrows():
        train = reference[reference["truce"] != row["truce"]].reset_index(drop=True)
        out[row["truce"]] = {name: fit(train, row) for name, fit in fits.items()}
    return out
