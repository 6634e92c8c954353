"""What the corpus narrows, and what it does not: each constant's posterior against its
prior, its effect on the corpus's log-likelihood across the priors' particles (a rank
correlation over the first round: shown to matter, or not, by measurement), and the
reference's 7-day survival across the prior and across the posterior.

Narrowing is measured on the prior-quantile scale (0-1, where every prior is uniform):
1 - (the weighted 5-95% range of the particles' quantiles) / 0.9. The constants of
mechanisms no truce writes cannot act, so their narrowing is what chance and a finite
sample give (the report shows it as the yardstick).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.calibration import amis
from sim.calibration.corpus import Search
from sim.calibration.corpus_spec import CorpusCalibration
from sim.calibration.ranks import rank_correlation


def weighted_quantile(x: np.ndarray, w: np.ndarray, q) -> np.ndarray:
    """Quantiles ``q`` of ``x`` under weights ``w`` (the weighted empirical distribution,
    interpolated at the midpoints of each value's weight)."""
    order = np.argsort(x, kind="stable")
    x, w = np.asarray(x, float)[order], np.asarray(w, float)[order]
    cum = (np.cumsum(w) - 0.5 * w) / w.sum()
    return np.interp(q, cum, x)


def constants_table(cal: CorpusCalibration, found: Search) -> pd.DataFrame:
    """A row per constant: its prior, posterior median and 90% interval, narrowing, and
    whether any truce of the corpus can act on it."""
    w = found.weights()
    u = amis.to_u(found.z)
    first = found.sizes[0]
    own = found.simulated_loglik[:first].sum(axis=1, keepdims=True)    # measured, not fitted
    effect = rank_correlation(u[:first], own)
    rows = []
    for j, p in enumerate(cal.priors):
        lo, med, hi = weighted_quantile(u[:, j], w, [0.05, 0.5, 0.95])
        rows.append({"constant": p.path, "prior": f"{'log-' if p.log else ''}uniform "
                     f"[{p.low:g}, {p.high:g}]",
                     "median": float(p.value(med)), "low": float(p.value(lo)),
                     "high": float(p.value(hi)), "narrowed": float(1 - (hi - lo) / 0.9),
                     "effect": float(effect[j, 0]), "acts": p.path not in cal.inert})
    return pd.DataFrame(rows)


def effect_threshold(found: Search) -> float:
    """Four standard errors of a rank correlation of zero over the first round's particles:
    a constant whose effect on the corpus's log-likelihood stays below it is shown not to
    matter at this sample size."""
    return 4.0 / np.sqrt(found.sizes[0])


def reference_interval(found: Search, without: int | None = None,
                       prior: bool = False) -> tuple[float, float, float]:
    """The reference's 7-day survival: 2.5%, 50% and 97.5% across the prior's particles
    (the first round, equally weighted), or across the posterior (all truces, or all but
    ``without``)."""
    s = found.reference_survival
    if prior:
        first = s[:found.sizes[0]]
        return tuple(float(v) for v in np.quantile(first, [0.025, 0.5, 0.975]))
    return tuple(float(v) for v in weighted_quantile(s, found.weights(without),
                                                     [0.025, 0.5, 0.975]))


def influence_table(found: Search) -> pd.DataFrame:
    """Per truce: the effective sample without it and the reference's posterior interval
    without it (which truce narrows the answer most)."""
    rows = []
    for k, truce in enumerate(found.truces):
        lo, med, hi = reference_interval(found, without=k)
        rows.append({"truce": truce, "effective_particles": found.effective_size(k),
                     "reference_low": lo, "reference_median": med, "reference_high": hi,
                     "width": hi - lo})
    return pd.DataFrame(rows)


def informative_table(found: Search) -> pd.DataFrame:
    """Per truce, across the priors' particles (the first round): how far the chance of
    its outcome spreads (the sd of its log) and the share of particles that reproduce it
    at least as often as the smoothing's floor gives it (the chance at least doubled over
    that floor), from the particles' own replications; and how well the emulator follows
    them: its out-of-fold correlation with the particles' own chances, and its penalty. A
    truce no particle reproduces tells the weights nothing."""
    first = found.simulated_loglik[:found.sizes[0]]
    floors = np.array([np.log(0.1 * e.reference_chance()) for e in found.events])
    return pd.DataFrame({"truce": found.truces, "sd_log_chance": first.std(axis=0),
                         "reproduced_by": (first > floors + np.log(2)).mean(axis=0),
                         "emulator_r": found.emulator.out_of_fold_r,
                         "emulator_penalty": found.emulator.penalty})


def emulator_check(found: Search) -> tuple[float, float]:
    """Over the last round's particles (drawn where the weight is): the correlation of the
    emulated summed log-likelihood with the particles' own, and the mean over truces and
    particles of the emulated chance minus the particles' own share (an unbiased estimate
    of the chance: above 0, the emulator flatters them)."""
    last = slice(len(found.z) - found.sizes[-1], None)
    fit, own = found.loglik[last].sum(axis=1), found.simulated_loglik[last].sum(axis=1)
    r = float(np.corrcoef(fit, own)[0, 1]) if fit.std() > 0 and own.std() > 0 else np.nan
    chance = found.emulator.chance(amis.to_u(found.z[last]))
    return r, float(np.mean(chance - found.shares[last]))
