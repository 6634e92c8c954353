"""The samplers' fast paths give exactly what their plain forms give (outputs must stay
byte-identical when a sampler is made cheaper)."""

import numpy as np
import pytest

from sim.core.sampling import distinct_rows, per_step, pick_at, poisson_count


def plain_poisson_count(u, mean):
    """The inversion pass by pass, every draw in every pass (the form before its fast path)."""
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


MEANS = {
    "small": lambda rng, n: rng.exponential(0.05, n),
    "about one": lambda rng, n: rng.exponential(1.0, n),
    "every scale": lambda rng, n: 10 ** rng.uniform(-6, 3.9, n),
    # exp(-mean) underflows above about 745: such draws count one a pass
    "underflowing and not": lambda rng, n: rng.choice([1e-3, 2.0, 50.0, 800.0, 1000.0], n),
    "all underflowing": lambda rng, n: np.full(n, 900.0),
}


@pytest.mark.parametrize("kind", sorted(MEANS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_poisson_count_is_the_plain_inversion(kind, dtype):
    rng = np.random.default_rng(12)
    for trial in range(60):
        n = int(rng.integers(0, 400))
        mean = MEANS[kind](rng, n)
        u = rng.random(n).astype(dtype)
        if n:
            u[rng.integers(0, n, 2)] = 0.0          # v = 1: above every CDF short of 1
        if trial % 2:                               # as callers do: only where one fired
            keep = u < per_step(mean, 1.0)
            u, mean = u[keep], mean[keep]
        got, want = poisson_count(u, mean), plain_poisson_count(u, mean)
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)


def test_pick_at_with_distinct_rows_makes_the_same_choices():
    rng = np.random.default_rng(5)
    for _ in range(500):
        K, R = int(rng.integers(1, 12)), int(rng.integers(1, 40))
        weights = rng.random((K, R)) * (rng.random((K, 1)) < 0.5)   # fronts of weight 0
        cumulative = np.cumsum(weights, axis=0)
        n = int(rng.integers(0, 80))
        column, u = rng.integers(0, R, n), rng.random(n).astype(np.float32)
        rows = distinct_rows(weights)
        assert sum(times for _, times in rows) == K - 1
        np.testing.assert_array_equal(pick_at(cumulative, column, u, rows),
                                      pick_at(cumulative, column, u))
