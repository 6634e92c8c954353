"""The parameter interval recovers the spread of the per-draw truth from noisy per-draw
estimates; comparisons of counterfactuals are paired and say when they are robust.

The statistical tests simulate draws whose true values have a known spread, observe each
through about 20 replications (as a run of 2000 replications over 100 draws does), and
check the interval against the true values' quantiles; tolerances are stated where used,
from the errors measured over many other seeds.
"""

from __future__ import annotations

import numpy as np
import pytest

from conftest import REFERENCE
from sim.analysis.comparison import ROBUST_SHARE, Comparison, Effect, compare
from sim.analysis.summary import summarize, survival_across_draws
from sim.analysis.uncertainty import (QUANTILES, draw_means, interval, mean_across_draws,
                                      median_collapse_day, share_in_direction,
                                      statistic_across_draws)
from sim.run.posterior import Posterior
from sim.present.wording.comparison import comparison_sentence, verdict
from sim.run.experiment import run_compared, run_scenario
from sim.scenario.loading import load_scenario

N = 20          # replications a draw, as in a run (REPLICATIONS_PER_DRAW)
DRAWS = 4000    # many draws: the method's error, not the sampling error of few draws, is tested


def _shares(spread: float, seed: int = 7) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """True per-draw survival ~ Normal(0.4, spread), each observed through N replications."""
    rng = np.random.default_rng(seed)
    truth = np.clip(rng.normal(0.4, spread, DRAWS), 0.0, 1.0)
    survived = (rng.random((DRAWS, N)) < truth[:, None]).ravel()
    return truth, survived, np.repeat(np.arange(DRAWS), N)


def test_a_draws_sampling_variance_is_that_of_a_share():
    survived = np.array([1, 1, 0, 0, 0, 1, 1, 1, 1, 0], bool)
    draw = np.array([0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
    means, variances = draw_means(survived, draw)
    assert means == pytest.approx([0.4, 0.8])
    assert variances == pytest.approx([0.4 * 0.6 / 4, 0.8 * 0.2 / 4])   # p(1-p)/(n-1)


def test_the_parameter_interval_recovers_a_known_spread():
    """Truth 0.4 ± 0.1 (sd): its 95% range is about 0.20-0.60, while the raw per-draw shares
    (binomial noise of 20 added) spread over about 0.12-0.70. Over 200 other seeds the
    interval's width was off by -0.006 ± 0.018 (largest 0.036) and its midpoint by
    +0.012 ± 0.008 (largest 0.023: the per-draw shares move in steps of 1/20); the
    tolerances, 0.06 and 0.04, are beyond three standard deviations of those errors, and
    well inside the 0.18 by which the raw quantiles miss the width."""
    truth, survived, draw = _shares(0.1)
    low, high = interval(mean_across_draws(survived, draw))
    true_low, true_high = np.quantile(truth, QUANTILES)
    raw_low, raw_high = interval(draw_means(survived, draw)[0])
    assert (raw_high - raw_low) - (true_high - true_low) > 0.15        # the noise to remove
    assert (high - low) == pytest.approx(true_high - true_low, abs=0.06)
    assert (high + low) / 2 == pytest.approx((true_high + true_low) / 2, abs=0.04)


def test_without_parameter_spread_the_interval_collapses_to_the_estimate():
    """Every draw has the same truth: the between-draw variance B equals the noise W up to
    B's sampling error, sqrt(2 / (D - 1)) B for D draws, so at three standard errors the
    pulled estimates keep a spread of at most sqrt(3 sqrt(2 / (D - 1)) B), a width of
    2 x 1.96 x that (0.11 here, against 0.43 for the raw shares)."""
    _, survived, draw = _shares(0.0)
    low, high = interval(mean_across_draws(survived, draw))
    between = np.var(draw_means(survived, draw)[0], ddof=1)
    bound = 2 * 1.96 * np.sqrt(3 * np.sqrt(2 / (DRAWS - 1)) * between)
    assert low <= survived.mean() <= high
    assert high - low <= bound
    raw_low, raw_high = interval(draw_means(survived, draw)[0])
    assert bound < 0.3 * (raw_high - raw_low)


def test_the_median_collapse_days_interval_recovers_a_known_spread():
    """True median collapse day 7 ± 1 (sd) across 1000 draws; collapses within a draw
    spread ± 3 days around it, so 20 of them give a median with noise of about 0.8 days
    (sd), as large as the spread sought. The noise comes from a bootstrap within each draw.
    Over 40 other seeds the ends were off by +0.13 ± 0.10 (low) and -0.09 ± 0.11 (high)
    days: the bootstrap overstates a small sample's median noise a little, so the interval
    is about 6% too narrow; 0.5 days is beyond three standard deviations of those errors."""
    rng = np.random.default_rng(101)
    truth = rng.normal(7.0, 1.0, 1000)
    days = (truth[:, None] + rng.normal(0.0, 3.0, (1000, N))).ravel()
    draw = np.repeat(np.arange(1000), N)
    overall = float(median_collapse_day(days))
    low, high = interval(statistic_across_draws(lambda i: median_collapse_day(days[i]),
                                                draw, overall))
    true_low, true_high = np.quantile(truth, QUANTILES)
    assert low == pytest.approx(true_low, abs=0.5)
    assert high == pytest.approx(true_high, abs=0.5)


def test_a_draw_with_no_collapse_has_no_median_and_is_left_out():
    days = np.array([3, 5, np.nan, np.nan, 4, 6, np.nan, np.nan, 9, 9])
    draw = np.array([0, 0, 1, 1, 2, 2, 0, 1, 2, 0])
    pulled = statistic_across_draws(lambda i: median_collapse_day(days[i]), draw, 5.0)
    assert np.isnan(pulled[1]) and np.isfinite(pulled[[0, 2]]).all()


def test_the_direction_is_judged_on_draws_with_their_noise_taken_out():
    """Every draw's true difference is +10 points, each seen through 20 paired replications
    that differ in a third of cases (noise of 13 points, sd): the raw per-draw differences
    have the sign of the effect in about 72% of draws, the denoised ones in all. Over 100
    seeds the raw share was 0.68-0.76 and the denoised one 0.99-1.00; the bounds, 0.8 and
    0.95, leave room on both sides."""
    rng = np.random.default_rng(2016)
    draws = 1000
    differs = rng.random((draws, N)) < 1 / 3
    sign = np.where(rng.random((draws, N)) < 0.5 + 0.1 * 3 / 2, 1.0, -1.0)
    diff = (differs * sign).ravel()
    draw = np.repeat(np.arange(draws), N)
    assert share_in_direction(draw_means(diff, draw)[0], diff.mean()) < 0.8
    assert share_in_direction(mean_across_draws(diff, draw), diff.mean()) >= 0.95


# -- counterfactuals against their base, run side by side -------------------------------

def _posterior(draws: int = 10) -> Posterior:
    """Two influential constants spread over their plausible ranges."""
    rng = np.random.default_rng(5)
    return Posterior(paths=("behaviour.party.blame_cost", "behaviour.beliefs.prior"),
                     values=np.column_stack([rng.uniform(1.0, 3.0, draws),
                                             rng.uniform(0.3, 0.7, draws)]))


def test_a_scenario_against_itself_differs_by_nothing_and_concludes_nothing():
    sc = load_scenario(REFERENCE)
    base, same = run_compared([sc, sc], 400, 3, record_daily=False, posterior=_posterior())
    (c,) = compare(base, [(same, sc.name, REFERENCE)])
    for e in (c.survival, c.median_collapse_day):
        assert e.difference == 0.0 and e.sampling == (0.0, 0.0)
        assert e.parameters == (0.0, 0.0) and e.in_direction == 0.0
        assert e.robust is False and verdict(e) == "no difference"


def test_penalties_robustly_help_in_a_small_run():
    sc = load_scenario(REFERENCE)
    penalties = load_scenario(REFERENCE, {"mechanisms.penalties.strength": 3.0})
    base, other = run_compared([sc, penalties], 400, 1, record_daily=False,
                               posterior=_posterior())
    (c,) = compare(base, [(other, "penalties", "penalties.yaml")])
    s = c.survival
    assert s.difference > 0.2 and s.sampling[0] > 0 and s.parameters[0] > 0
    assert s.in_direction >= ROBUST_SHARE and s.robust is True
    assert verdict(s) == "robust help"
    assert c.median_collapse_day.difference >= 0       # what collapses, collapses no sooner


def test_without_a_posterior_robustness_is_not_judged():
    sc = load_scenario(REFERENCE)
    penalties = load_scenario(REFERENCE, {"mechanisms.penalties.strength": 3.0})
    base, other = run_compared([sc, penalties], 200, 1, record_daily=False)
    (c,) = compare(base, [(other, "penalties", "penalties.yaml")])
    assert c.survival.parameters is None and c.survival.robust is None
    assert verdict(c.survival) == "helps"
    assert summarize(base).p_survive_params is None


def test_the_base_of_a_comparison_is_the_scenario_run_alone():
    """The scenario's own results do not depend on what it is compared with."""
    sc = load_scenario(REFERENCE)
    others = [load_scenario(REFERENCE, {"mechanisms.penalties.strength": 3.0}),
              load_scenario(REFERENCE, {"mechanisms.spoilers.enabled": False})]
    post = _posterior()
    compared = run_compared([sc, *others], 200, 4, posterior=post)[0]
    alone = run_scenario(sc, 200, 4, posterior=post)
    assert compared.replication_table().equals(alone.replication_table())
    assert compared.daily_table().equals(alone.daily_table())


def test_a_posterior_run_gives_parameter_intervals_around_the_pooled_estimates():
    r = run_scenario(load_scenario(REFERENCE), 400, 2, record_daily=False,
                     posterior=_posterior())
    s = summarize(r)
    assert s.draws == 10
    for p, params in ((s.p_survive, s.p_survive_params),
                      (s.p_survive_14, s.p_survive_14_params),
                      (s.collapse_day_quartiles[1], s.collapse_day_median_params)):
        assert params[0] <= p <= params[1]
    band = survival_across_draws(r)
    assert band.days.tolist() == list(range(int(r.horizon_days) + 1))
    assert np.all(band.lower <= band.survival) and np.all(band.survival <= band.upper)
    assert band.survival[7] == pytest.approx(s.p_survive)
    assert survival_across_draws(run_scenario(load_scenario(REFERENCE), 100, 2,
                                              record_daily=False)) is None


@pytest.mark.parametrize("difference, sampling, in_direction, expected, words", [
    (0.2, (0.1, 0.3), 1.0, "robust help", "raises the chance the truce survives its 7 days "
     "from 30.0% to 50.0% (+20.0 points; sampling +10.0 to +30.0; across the constants’ "
     "posterior +5.0 to +40.0); it helps in 100% of posterior draws: a robust conclusion."),
    (-0.2, (-0.3, -0.1), 0.95, "robust harm", "it harms in 95% of posterior draws: a robust"),
    (0.2, (0.1, 0.3), 0.8, "uncertain", "it helps in only 80% of posterior draws: not a "
     "robust conclusion."),
    (0.2, (-0.01, 0.3), 1.0, "within chance", "the sampling interval includes no change: "
     "not a robust conclusion"),
    (0.2, (0.1, 0.3), None, "helps", "more than chance; parameter uncertainty is not "
     "included"),
])
def test_a_conclusion_is_robust_when_it_holds_beyond_chance_in_most_draws(
        difference, sampling, in_direction, expected, words):
    e = Effect(base=0.3, counterfactual=0.3 + difference, difference=difference,
               sampling=sampling, parameters=None if in_direction is None else (0.05, 0.4),
               in_direction=in_direction)
    assert verdict(e) == expected
    assert words in comparison_sentence(Comparison("X", "x.yaml", e, None), 7.0)
