"""The statistics the project computes itself agree with the maintained libraries that
compute them (issue 17, item 9), so keeping its own is a matter of cost, not of trust.

The main job keeps its own Wilson interval and Kaplan–Meier estimate because the
libraries that have them (scipy.stats, statsmodels, lifelines) cost seconds of import
in every run that otherwise never loads them (README, "Written by hand, and why"); here
each is compared with them on the cases that matter: small and large samples, none and
all successes, ties, censoring.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.analysis.summary import kaplan_meier, wilson_interval


@pytest.mark.parametrize("k, n", [(0, 1), (1, 1), (0, 20), (3, 20), (10, 20), (20, 20),
                                  (389, 1000), (1, 10_000), (9_999, 10_000)])
def test_the_wilson_interval_is_scipys_and_statsmodels(k, n):
    stats = pytest.importorskip("scipy.stats")
    proportion = pytest.importorskip("statsmodels.stats.proportion")
    ours = wilson_interval(k, n)
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    np.testing.assert_allclose(ours, (ci.low, ci.high), rtol=0, atol=1e-12)
    np.testing.assert_allclose(ours, proportion.proportion_confint(k, n, 0.05, "wilson"),
                               rtol=0, atol=1e-9)   # statsmodels' z is the rounded 1.96...


def _collapse_days(seed: int, n: int, censored_share: float) -> np.ndarray:
    """Collapse days on whole and half days (so ties are common), NaN where never."""
    rng = np.random.default_rng(seed)
    days = np.round(rng.exponential(20.0, n) * 2) / 2
    days[rng.random(n) < censored_share] = np.nan
    return days


@pytest.mark.parametrize("seed, n, censored", [(1, 30, 0.0), (2, 200, 0.4), (3, 2000, 0.7),
                                               (4, 50, 0.95)])
def test_kaplan_meier_and_its_log_log_band_are_lifelines(seed, n, censored):
    lifelines = pytest.importorskip("lifelines")
    horizon = 400.0
    days = _collapse_days(seed, n, censored)
    ours = kaplan_meier(days, horizon)
    observed = ~np.isnan(days)
    fit = lifelines.KaplanMeierFitter().fit(np.where(observed, days, horizon), observed,
                                            alpha=0.05)
    times = ours.days[1:-1]                   # our curve's event days
    theirs = fit.survival_function_at_times(times).to_numpy()
    np.testing.assert_allclose(ours.survival[1:-1], theirs, rtol=0, atol=1e-12)
    band = fit.confidence_interval_survival_function_     # lifelines: Greenwood, log-log
    low = band.iloc[:, 0].reindex(times).to_numpy()
    high = band.iloc[:, 1].reindex(times).to_numpy()
    defined = (ours.survival[1:-1] > 0) & (ours.survival[1:-1] < 1)
    np.testing.assert_allclose(ours.lower[1:-1][defined], low[defined], rtol=0, atol=1e-9)
    np.testing.assert_allclose(ours.upper[1:-1][defined], high[defined], rtol=0, atol=1e-9)
