"""The validation end to end, for the command (``run.py validate``) and the API
(``api.validate``): run the model on every truce of a corpus, fit the yardstick
leave-one-out, score all three predictors against what happened.

The model is given each truce's scenario and nothing else (``sim.run.validation``); the
outcomes go to the yardstick's fits (never a truce's own) and to the scoring.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.analysis import scoring
from sim.analysis.predictive import Predictive, from_sample
from sim.analysis.scoring import Observed, observed_of
from sim.analysis.yardstick import leave_one_out, outcome_frame
from sim.present.charts.validation import survival_panels
from sim.present.wording.validation import in_short
from sim.run.validation import Sample, run_truces
from sim.scenario.corpus import Corpus
from sim.scenario.deal_features import FEATURES, deal_features

if TYPE_CHECKING:
    from collections.abc import Callable

    from matplotlib.figure import Figure

    from sim.run.posterior import Posterior

PREDICTORS = ("model", "base_rate", "regression")
LABELS = {"model": "model", "base_rate": "base rate", "regression": "regression"}
SCORE_COLUMNS = ("p_obs_raw", "p_obs", "log_score", "survival_7", "brier_first_week",
                 "p_declared", "p_eroded", "p_held", "brier_ending", "median_days")


@dataclass(frozen=True)
class Validation:
    """The scores of a corpus: ``table`` (``validation.csv``, a row per truce),
    ``predictions`` (``predictions.csv``, the model's replications), ``scores``
    (``scores.csv``: each score's mean per predictor, the model minus the base rate and
    minus the regression with bootstrap intervals), ``lengths`` (short against long)."""

    table: pd.DataFrame
    predictions: pd.DataFrame
    scores: pd.DataFrame
    lengths: pd.DataFrame
    predictives: dict[str, dict[str, Predictive]] = field(repr=False)
    observed: dict[str, Observed] = field(repr=False)
    replications: int = 0
    seed: int = 0
    seconds: float = 0.0
    skipped: tuple = ()

    def summary(self) -> str:
        """In words: where the model beats the base rate and where it does not."""
        return "\n".join(in_short(self))

    def plot(self, fig: Figure | None = None) -> Figure:
        """Each truce's predicted survival curves with its observed day marked
        (``survival.png``), in ``fig`` or a new figure."""
        return survival_panels(self, fig)

    def __str__(self) -> str:
        return self.summary()

    def _repr_pretty_(self, p, cycle: bool) -> None:
        p.text(str(self))


def features_of(corpus: Corpus) -> pd.DataFrame:
    """The yardstick's frame of a corpus: outcome intervals and coded features."""
    return outcome_frame(corpus.ids(), [observed_of(t.outcome) for t in corpus.truces],
                         [deal_features(t.scenario) for t in corpus.truces])


def validate(corpus: Corpus, replications: int, seed: int, posterior: Posterior | None,
             reference: Corpus | None = None, scenarios: list | None = None,
             progress: Callable[[float], None] | None = None) -> Validation:
    """Run, fit and score. ``scenarios`` replaces the truces' scenarios as run (the same
    order: e.g. at the posterior median); ``reference`` is the corpus the yardstick is
    fitted on (default: ``corpus`` itself, leave-one-out)."""
    started = time.perf_counter()
    scenarios = scenarios or [t.scenario for t in corpus.truces]
    samples = run_truces(list(zip(corpus.ids(), scenarios, strict=True)), replications, seed,
                         posterior, progress)
    targets = features_of(corpus)
    fits = leave_one_out(targets, None if reference is None else features_of(reference),
                         FEATURES)
    observed = {t.id: observed_of(t.outcome) for t in corpus.truces}
    predictives, rows = {}, []
    for truce, sample, (_, feats) in zip(corpus.truces, samples, targets.iterrows(),
                                         strict=True):
        model = from_sample(sample.collapse_day, sample.declared, sample.horizon_days)
        predictives[truce.id] = {"model": model, **{k: p for k, (p, _) in
                                                    fits[truce.id].items()}}
        rows.append(truce_row(truce, sample, observed[truce.id], feats,
                              predictives[truce.id], fits[truce.id]["regression"][1]))
    table = pd.DataFrame(rows)
    scores = pd.concat([scoring.compare_scores(table, PREDICTORS, baseline=against)
                        for against in ("base_rate", "regression")], ignore_index=True)
    return Validation(table, prediction_table(samples), scores, scoring.by_length(table),
                      predictives, observed, replications, seed,
                      time.perf_counter() - started, corpus.skipped)


def truce_row(truce, sample: Sample, obs: Observed, feats: pd.Series,
              predictives: dict[str, Predictive], regression_fit: str) -> dict:
    """A truce's row of ``validation.csv``."""
    day, seen = scoring.scoring_day(obs, sample.horizon_days)
    row = {"truce": truce.id, "name": truce.scenario.name, "observed": obs.kind,
           "day_lo": obs.lo, "day_hi": obs.hi, "censored_day": obs.censored,
           "observed_duration": obs.duration, "first_week_held": obs.first_week_held,
           "horizon_days": sample.horizon_days, "scoring_day": day, "scoring_class": seen,
           **{f: int(feats[f]) for f in FEATURES}, "replications": len(sample.collapse_day)}
    for name in PREDICTORS:
        scores = scoring.score(predictives[name], obs, sample.horizon_days)
        row |= {f"{name}_{k}": scores[k] for k in SCORE_COLUMNS}
    row["regression_fit"] = regression_fit
    row["log_score_model_minus_base_rate"] = row["model_log_score"] - \
        row["base_rate_log_score"]
    return row


def prediction_table(samples: list[Sample]) -> pd.DataFrame:
    """``predictions.csv``: every replication of every truce (its first collapse day, NaN
    if none by the horizon, and its ending): the model's predictive before smoothing."""
    return pd.concat([pd.DataFrame({
        "truce": s.truce, "replication": np.arange(len(s.collapse_day)),
        "posterior_draw": s.draw, "collapse_day": s.collapse_day,
        "ending": s.ending.astype(str), "horizon_days": s.horizon_days})
        for s in samples], ignore_index=True)


def model_predictive(predictions: pd.DataFrame, truce: str) -> Predictive:
    """The model's predictive of one truce, again, from ``predictions.csv``'s rows."""
    rows = predictions[predictions["truce"] == truce]
    return from_sample(rows["collapse_day"].to_numpy(float),
                       (rows["ending"] == "declared").to_numpy(),
                       float(rows["horizon_days"].iloc[0]))
