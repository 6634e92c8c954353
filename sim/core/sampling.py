"""Turning uniforms into events: Poisson counts, categorical choices, logit choices.

Every function takes uniforms already drawn (draw first, then threshold), so two
scenarios run with the same seed use the same numbers.
"""

from __future__ import annotations

import numpy as np


def per_step(rate: np.ndarray | float, dt: float) -> np.ndarray:
    """Probability of at least one event in a step of ``dt`` days, for a Poisson rate per day."""
    return -np.expm1(-np.asarray(rate, dtype=float) * dt)


def poisson_count(u: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Events in one step from one uniform per draw, inverting the Poisson CDF.

    ``u < per_step(rate)`` exactly when the count is at least one, so a caller
    thresholds the dense uniforms first and counts only where an event fired.
    Each pass works only on the draws still above the CDF.
    """
    v = 1.0 - u
    count = np.zeros(len(u), dtype=np.int64)
    at = np.arange(len(u))
    term = np.exp(-mean)
    cdf = term
    k = 0
    while len(at):
        more = v[at] > cdf
        at, term, cdf = at[more], term[more], cdf[more]
        count[at] += 1
        k += 1
        term = term * mean[at] / k
        cdf = cdf + term
        if len(at) and term.max() < 1e-16:
            break
    return count


def choose(weights: np.ndarray, u: np.ndarray) -> np.ndarray:
    """For each row of ``weights`` (n, K), the index drawn in proportion, from one uniform each.

    Rows of zeros give index 0 (callers only draw where something happened).
    """
    return pick(np.cumsum(weights, axis=1), u)


def pick(cumulative: np.ndarray, u: np.ndarray) -> np.ndarray:
    """``choose`` from rows of cumulative weights (n, K) already summed."""
    index = (cumulative <= u[:, None] * cumulative[:, -1:]).sum(1)
    return np.minimum(index, cumulative.shape[1] - 1)


def pick_at(cumulative: np.ndarray, column: np.ndarray, u: np.ndarray) -> np.ndarray:
    """``pick`` for draws in columns ``column`` of cumulative weights (K, R), summed down
    the rows: the same choices as ``pick(cumulative.T[column], u)``, row by row, without
    gathering a (n, K) array. Weights are non-negative, so the last row never counts."""
    bound = u * cumulative[-1][column]
    index = np.zeros(len(column), np.intp)
    for row in cumulative[:-1]:
        index += row[column] <= bound
    return index


def logistic(x: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-x)), without overflow warnings."""
    return 0.5 * (1.0 + np.tanh(0.5 * x))
