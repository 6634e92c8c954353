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

    The CDF is summed term by term (``term * mean / k``), for all draws at once, until
    every draw is below it or the largest term of the draws still above it is under
    1e-16. A draw whose first term ``exp(-mean)`` underflows to 0 (a mean above about
    745) has a CDF of 0: it counts one on every pass and never holds the passes, so it is
    left out of them and given their number. The draws still above the CDF are packed
    together only once they are fewer than half of those summed (each pass is then a
    few operations on contiguous arrays, whatever the number of passes).
    """
    v = 1.0 - u
    count = np.zeros(len(u), dtype=np.int64)
    term = np.exp(-mean)
    if not len(u):
        return count
    summed = term > 0.0
    if summed.all():
        at = None
    else:
        (at,) = np.nonzero(summed)
        v, mean, term = v[at], mean[at], term[at]
    passes = _summed_passes(v, mean, term, count, at)
    if at is not None:
        count[~summed] = max(passes, 1)
    return count


def _summed_passes(v: np.ndarray, mean: np.ndarray, term: np.ndarray, count: np.ndarray,
                   at: np.ndarray | None) -> int:
    """``poisson_count``'s passes over the draws ``at`` of ``count`` (all, if None), whose
    uniforms ``v`` (as 1 - u), means and first terms are given: counts them into ``count``
    and returns how many passes ran."""
    cdf = term.copy()
    term = term.copy()
    above, large = np.empty(len(v), bool), np.empty(len(v), bool)
    here = np.zeros(len(v), dtype=np.int64)
    k = 0
    while len(v):
        np.greater(v, cdf, out=above)   # the CDF never falls: once below it, always below
        here += above
        k += 1
        term *= mean
        term /= k
        cdf += term
        np.greater_equal(term, 1e-16, out=large)
        large &= above
        if not large.any():     # no term of a draw above the CDF is 1e-16 or more
            break
        if k > 1 and k % 4:
            continue
        still = np.count_nonzero(above)
        if 2 * still < len(v):      # after the first pass and every 4th, pack the draws above
            _store(count, at, here)
            keep = np.flatnonzero(above)
            at = keep if at is None else at[keep]
            v, mean, term, cdf, here = v[keep], mean[keep], term[keep], cdf[keep], here[keep]
            above, large = np.empty(still, bool), np.empty(still, bool)
    _store(count, at, here)
    return k


def _store(count: np.ndarray, at: np.ndarray | None, here: np.ndarray) -> None:
    if at is None:
        count[:] = here
    else:
        count[at] = here


def choose(weights: np.ndarray, u: np.ndarray) -> np.ndarray:
    """For each row of ``weights`` (n, K), the index drawn in proportion, from one uniform each.

    Rows of zeros give index 0 (callers only draw where something happened).
    """
    return pick(np.cumsum(weights, axis=1), u)


def pick(cumulative: np.ndarray, u: np.ndarray) -> np.ndarray:
    """``choose`` from rows of cumulative weights (n, K) already summed."""
    index = (cumulative <= u[:, None] * cumulative[:, -1:]).sum(1)
    return np.minimum(index, cumulative.shape[1] - 1)


def pick_at(cumulative: np.ndarray, column: np.ndarray, u: np.ndarray,
            rows: list[tuple[int, int]] | None = None) -> np.ndarray:
    """``pick`` for draws in columns ``column`` of cumulative weights (K, R), summed down
    the rows: the same choices as ``pick(cumulative.T[column], u)``, row by row, without
    gathering a (n, K) array. Weights are non-negative, so the last row never counts.

    ``rows`` (``distinct_rows``): which of the rows but the last to read, each with how many
    rows equal it (a row after which only weights of 0 come), the same choices with fewer
    gathers."""
    bound = u * cumulative[-1][column]
    index = np.zeros(len(column), np.intp)
    for g, times in rows if rows is not None else ((g, 1) for g in range(len(cumulative) - 1)):
        below = cumulative[g][column] <= bound
        index += below if times == 1 else times * below
    return index


def distinct_rows(weights: np.ndarray) -> list[tuple[int, int]]:
    """For ``pick_at`` over the cumulative sums of ``weights`` (K, R): each row but the
    last that is not the same as the one before (a row of weights 0 in every column adds
    exactly nothing), with how many rows equal it."""
    rows: list[list[int]] = []
    for g, empty in enumerate(~weights[:-1].any(1)):
        if g and empty:
            rows[-1][1] += 1
        else:
            rows.append([g, 1])
    return [(g, times) for g, times in rows]


def logistic(x: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-x)), without overflow warnings."""
    return 0.5 * (1.0 + np.tanh(0.5 * x))
