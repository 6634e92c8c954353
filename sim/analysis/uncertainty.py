"""The two uncertainties of an answer: chance, and the behavioural constants.

A run under the posterior gives each replication the constants of one draw (draw
``r mod D``), so its answer mixes two kinds of uncertainty:

- **sampling**: what another run with other random numbers would give (Wilson
  intervals for shares, a percentile bootstrap of replications for medians);
- **parameters**: how the answer moves across the posterior of the constants. Each
  draw's own estimate says so, but from about 20 replications it is mostly chance
  (a share of 20 has a standard error of up to 11 points), so the raw per-draw
  quantiles would show binomial noise, not the constants.

The parameter interval takes that noise out by the method of moments (as in a
one-way random-effects analysis of variance): the variance of the per-draw
estimates ``B`` is the spread of their true values plus the mean sampling variance
``W`` of a draw's estimate, so each estimate is pulled toward the overall one by
``sqrt(max(0, B - W) / B)``, which leaves them with the spread ``B - W`` of the
true values; the interval is the 2.5–97.5% quantiles of the pulled estimates. ``W``
is ``p(1 - p) / (n - 1)`` for a share (unbiased), the replications' variance over
``n`` for a mean (a paired difference), and a bootstrap within the draw (fixed
seed) for a median. Assumption: true values and noise have roughly the same
(normal) shape; the interval then has the right spread and quantiles, otherwise
the right spread and a shape drawn toward the noise's. A draw without a value (no
truce collapsed, so no median collapse day) is left out.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np

#: The quantiles of a 95% interval.
QUANTILES = (0.025, 0.975)
#: Resamples of the replications for a bootstrap interval.
RESAMPLES = 1000
#: Resamples of one draw's replications for the sampling variance of its estimate.
DRAW_RESAMPLES = 200
#: Seed of every bootstrap: the same results give the same intervals.
BOOTSTRAP_SEED = 20160912

Statistic = Callable[[np.ndarray], np.ndarray]   # replication indices (..., n) -> values (...)


def draw_means(values: np.ndarray, draw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each draw's mean of ``values`` ((R,) or (R, K): a 0/1 outcome, a paired difference)
    and the sampling variance of that mean: the variance of its replications (ddof 1, so
    ``p(1 - p) / (n - 1)`` for a share) over their number. Shapes (D,) or (D, K)."""
    x = np.asarray(values, dtype=float).reshape(len(values), -1)
    D = int(draw.max()) + 1
    n = np.bincount(draw, minlength=D).astype(float)[:, None]
    sums, squares = np.zeros((D, x.shape[1])), np.zeros((D, x.shape[1]))
    np.add.at(sums, draw, x)
    np.add.at(squares, draw, x * x)
    with np.errstate(divide="ignore", invalid="ignore"):
        means = sums / n
        variances = np.maximum(squares - n * means ** 2, 0.0) / (n - 1) / n
    shape = (D, *np.shape(values)[1:])
    return means.reshape(shape), variances.reshape(shape)


def denoised(estimates: np.ndarray, variances: np.ndarray, centre) -> np.ndarray:
    """Per-draw estimates (D,) or (D, K) pulled toward ``centre`` so that their spread is the
    between-draw variance less the mean sampling variance of one draw (method of moments;
    see the module). Where the draws vary no more than their noise, all equal ``centre``."""
    x = np.asarray(estimates, dtype=float)
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)   # columns with too few draws: NaN
        between = np.nanvar(x, axis=0, ddof=1)
        noise = np.nanmean(variances, axis=0)
        factor = np.where(between > 0, np.sqrt(np.clip(between - noise, 0.0, None) / between),
                          0.0)
    return centre + np.nan_to_num(factor) * (x - centre)


def interval(values: np.ndarray) -> tuple:
    """The 2.5–97.5% quantiles over the first axis (NaN left out): (low, high), each a
    number or, for (D, K) values, an array of K."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)   # all-NaN columns: NaN
        low, high = np.nanquantile(np.asarray(values, dtype=float), QUANTILES, axis=0)
    return (float(low), float(high)) if np.ndim(low) == 0 else (low, high)


def has_draws(draw: np.ndarray | None) -> bool:
    """Whether a run's replications came from at least two posterior draws (else there is
    no parameter interval to give)."""
    return draw is not None and len(draw) > 0 and int(draw.max()) >= 1


def mean_across_draws(values: np.ndarray, draw: np.ndarray) -> np.ndarray:
    """Each draw's mean of ``values`` with its sampling noise taken out, toward the mean of
    all replications (the posterior predictive estimate)."""
    means, variances = draw_means(values, draw)
    return denoised(means, variances, np.asarray(values, dtype=float).mean(0))


def statistic_across_draws(statistic: Statistic, draw: np.ndarray, overall: float
                           ) -> np.ndarray:
    """Each draw's value of ``statistic`` on its own replications, its sampling variance
    estimated by ``DRAW_RESAMPLES`` bootstrap resamples of them, noise taken out toward
    ``overall`` (NaN where the statistic has no value)."""
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    D = int(draw.max()) + 1
    estimates, variances = np.full(D, np.nan), np.full(D, np.nan)
    for d in range(D):
        own = np.flatnonzero(draw == d)
        estimates[d] = statistic(own)
        boot = statistic(own[rng.integers(0, len(own), (DRAW_RESAMPLES, len(own)))])
        boot = boot[np.isfinite(boot)]
        if np.isfinite(estimates[d]) and len(boot) > 1:
            variances[d] = boot.var(ddof=1)
    return denoised(estimates, variances, overall)


def resamples(n: int) -> np.ndarray:
    """``RESAMPLES`` bootstrap resamples of n replications (indices, fixed seed); paired
    statistics apply the same ones to every scenario."""
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    return rng.integers(0, n, (RESAMPLES, n), dtype=np.int32)


def bootstrap_interval(statistic: Statistic, n: int) -> tuple[float, float]:
    """Percentile bootstrap 95% interval of ``statistic`` over n replications."""
    return interval(statistic(resamples(n)))


def median_collapse_day(days: np.ndarray) -> np.ndarray:
    """Median over the last axis of collapse days, NaN (no collapse) left out; NaN where
    nothing collapsed: the median of the truces that collapsed, as every summary reports
    it (the calibration's pattern of the same name counts the truces that outlast the
    horizon as collapsing at it instead: ``sim.calibration.patterns``)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)   # all-NaN slices: NaN
        return np.nanmedian(days, axis=-1)


def share_in_direction(across_draws: np.ndarray, estimate: float) -> float:
    """The share of draws (noise taken out) whose value has the sign of ``estimate``; 0 if
    the estimate is 0 (no direction)."""
    values = across_draws[np.isfinite(across_draws)]
    if estimate == 0 or not len(values):
        return 0.0
    return float(np.mean(np.sign(values) == np.sign(estimate)))
