"""Leave-one-truce-out cross-validation of the corpus calibration, scored as ``run.py
validate`` scores.

The likelihood factorises over truces, so the calibration without truce k is the same
particles weighted by every truce but k (``Search.weights(without=k)``): a refit by
reweighting, consistent for the posterior without k. It is not a fresh search: the later
rounds' proposals were fitted with truce k in the weights, so the sample is denser where
k agreed and thinner elsewhere (only the rounds' defensive share and the first round
cover the rest); the effective particles and the largest weight's share behind each
fold are reported. Truce k's predictive is the mixture of its own replications under
those weights; its outcome enters no weight. The yardsticks are fitted leave-one-out too
(``sim.analysis.yardstick``), and everything is scored by the validation's rules; the
in-sample fit (every truce in the weights) is scored beside it for contrast.

**No rank correlation out of sample.** Each truce runs only until its own outcome is
known (``Event.horizon``), and a predicted median beyond that horizon would be read from
the horizon, that is from the outcome; so the model's median is not given (NaN) and the
rank correlation is not scored here (``run.py validate``, which runs every truce to the
scenario's horizon, scores it).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.analysis import scoring
from sim.analysis.predictive import from_sample
from sim.analysis.scoring import observed_of
from sim.analysis.yardstick import leave_one_out as yardstick_loo
from sim.calibration.corpus import Search
from sim.calibration.corpus_spec import CorpusCalibration
from sim.calibration.outcome_likelihood import DECLARED
from sim.present.validation import PREDICTORS, Validation, features_of, truce_row
from sim.run.validation import Sample
from sim.scenario.deal_features import FEATURES

#: The validation's name of each ending code (a deal that ended standing held: scoring).
ENDING_NAMES = np.array(["held", "declared", "eroded", "held"], dtype=object)


def cross_validated(cal: CorpusCalibration, found: Search, out_of_sample: bool = True
                    ) -> Validation:
    """The corpus scored with each truce's predictive from the calibration without it
    (``out_of_sample``), or with every truce (in sample)."""
    corpus = cal.corpus
    targets = features_of(corpus)
    fits = yardstick_loo(targets, None, FEATURES)
    predictives, rows, observed = {}, [], {}
    for k, (truce, (_, feats)) in enumerate(zip(corpus.truces, targets.iterrows(),
                                                strict=True)):
        w = found.weights(without=k if out_of_sample else None)
        days, endings = found.days[truce.id], found.endings[truce.id]
        horizon = float(found.events[k].horizon)
        reps = np.repeat(w, days.shape[1])
        sample = Sample(truce.id, days.ravel(), ENDING_NAMES[endings.ravel()],
                        np.repeat(np.arange(len(w)), days.shape[1]), horizon, 0.0)
        model = from_sample(sample.collapse_day, endings.ravel() == DECLARED, horizon, reps)
        observed[truce.id] = observed_of(truce.outcome)
        predictives[truce.id] = {"model": model, **{n: p for n, (p, _) in
                                                    fits[truce.id].items()}}
        row = truce_row(truce, sample, observed[truce.id], feats, predictives[truce.id],
                        fits[truce.id]["regression"][1])
        row["model_median_days"] = float("nan")        # see the module's docstring
        row["effective_particles"] = float(1.0 / np.sum(w ** 2))
        row["largest_weight"] = float(w.max())
        rows.append(row)
    table = pd.DataFrame(rows)
    scores = pd.concat([scoring.compare_scores(table, PREDICTORS, baseline=against)
                        for against in ("base_rate", "regression")], ignore_index=True)
    return Validation(table, pd.DataFrame(), scores, scoring.by_length(table), predictives,
                      observed, int(found.days[corpus.truces[0].id].size), cal.search.seed,
                      found.seconds)

